"""The web console: static HTML, CSS and JavaScript served at ``/console`` (no build step)."""
