"""The entry point of the packaged Footnote (``packaging/footnote.spec`` freezes this script).

Order matters.  Source documents are read in child processes started with
multiprocessing's "spawn" method; in a frozen application a child is this same
executable started with ``--multiprocessing-fork ...``, so
:func:`multiprocessing.freeze_support` must run before anything else: it turns
such a start into a worker and never returns.  Without it every worker would
start the application again.

Then:

- ``Footnote --selftest`` runs the smoke test of :mod:`desktop.selftest`
  (offscreen, in a temporary folder; one line per step; exit 0 when all pass);
- ``FOOTNOTE_STARTUP_PROBE`` set in the environment makes the desktop
  application print how long it took to show its main window, then close it
  (the cold-start figure; the value is the launch time in seconds since the
  epoch, e.g. ``$(date +%s.%N)``, or anything else to count from process start);
- everything else is the ``footnote`` command line (:func:`archive.cli.main`),
  which starts the desktop application when no command is given.

The same script runs unfrozen from a source tree: ``python packaging/entry.py --selftest``.
"""

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--selftest"]:
        from desktop.selftest import main as selftest

        return selftest(sys.argv[2:])
    import os

    from archive.launcher import hold_collector

    hold_collector()  # off while Footnote starts, as the footnote command does (see archive.launcher)
    if os.environ.get("FOOTNOTE_STARTUP_PROBE"):
        from desktop.selftest import install_startup_probe

        install_startup_probe(os.environ["FOOTNOTE_STARTUP_PROBE"])
    from archive.cli import main as footnote

    return footnote()


if __name__ == "__main__":
    if not getattr(sys, "frozen", False):  # run from a source tree: the repository root is the import root
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
