"""Live updates: one change hub, and the long polls, progress reads and event streams it wakes."""
