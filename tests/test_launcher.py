"""The ``footnote`` command starts with the cyclic garbage collector held, and every command runs with it on."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

from archive import launcher

REPO = Path(__file__).resolve().parent.parent


def test_a_command_runs_with_the_collector_on_and_the_start_up_heap_frozen(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import gc, sys
        sys.path.insert(0, {str(REPO)!r})
        import archive.launcher as launcher
        launcher.hold_collector()
        assert not gc.isenabled()
        import archive.cli
        seen = []
        original = archive.cli.cmd_documents
        def spy(args, root):
            seen.append((gc.isenabled(), gc.get_freeze_count() > 0, launcher.collector_held()))
            return original(args, root)
        archive.cli.cmd_documents = spy
        sys.argv = ["footnote", "--archive", {str(tmp_path / "archive")!r}, "documents"]
        code = archive.cli.main()
        print(seen, code)
        assert seen == [(True, True, False)], seen
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_pauses_nest_and_the_last_to_end_restores_the_collector() -> None:
    """A search and a desktop task may pause the collector at once, in any order: it stays off until both
    end, and a start-up hold released meanwhile takes effect only then."""
    assert gc.isenabled()
    try:
        launcher.pause_collector()  # a task
        with launcher.collector_paused():  # a search in another thread, ending first
            assert not gc.isenabled()
        assert not gc.isenabled()
        launcher.resume_collector()
        assert gc.isenabled()

        launcher.hold_collector()  # start-up, then a task starts before the window is up
        launcher.pause_collector()
        assert launcher.release_collector() and not gc.isenabled()
        launcher.resume_collector()
        assert gc.isenabled()
    finally:
        gc.enable()
