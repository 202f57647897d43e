"""`python -m goodcare.refi`: import, export, template and check (see docs/refi-qda.md)."""

from goodcare.refi.cli import main

raise SystemExit(main())
