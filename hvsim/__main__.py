"""``python -m hvsim``: the command line (see :mod:`hvsim.cli`)."""

from hvsim.cli import main

raise SystemExit(main())
