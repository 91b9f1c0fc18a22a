"""``python -m looksmith`` runs the command line."""

from looksmith.cli import main

raise SystemExit(main())
