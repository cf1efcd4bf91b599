"""The ``footnote`` console command's entry point, kept tiny on purpose.

Extraction workers are started with "spawn", which re-imports the main script
in every worker; the generated console script imports this module.  Importing
the whole command line here would load SQLAlchemy, whoosh and the rest into
each worker (measured: 2.3 s instead of 0.46 s to start a pool, 64 MB instead
of 23 MB a worker), so the command line is imported only when it runs.
"""

from __future__ import annotations


def main() -> int:
    from archive.cli import main as run

    return run()
