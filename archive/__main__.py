"""``python -m archive``: the ``footnote`` command.

Guarded: extraction workers are started with "spawn", which imports the main
module again in each child (as ``__mp_main__``); the command must not run there.
"""

if __name__ == "__main__":
    import sys

    from archive.cli import main

    sys.exit(main())
