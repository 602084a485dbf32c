"""structlog configuration for the command line (library modules only call ``get_logger()``).

Only :mod:`hvsim.cli` (or a notebook helper) calls :func:`configure_logging`; it renders
log events as one human-readable line each on stderr, filtered by verbosity.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog

#: ``-v`` count -> minimum level shown.
VERBOSITY_LEVELS = {0: logging.WARNING, 1: logging.INFO}


def configure_logging(verbosity: int = 0, stream: TextIO | None = None) -> None:
    """Render structlog events on ``stream`` (stderr): warnings by default, more with ``-v``."""
    out = stream if stream is not None else sys.stderr
    level = VERBOSITY_LEVELS.get(verbosity, logging.DEBUG)
    isatty = getattr(out, "isatty", None)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="%H:%M:%S"),
            structlog.dev.ConsoleRenderer(colors=bool(isatty and isatty())),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
