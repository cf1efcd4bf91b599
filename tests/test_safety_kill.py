"""Kill at any moment: SIGKILL a real child process during an import, a verification, an index rebuild
and a bundle import; after each kill the reopened archive is consistent.

A bounded number of kill points runs here (``KILLS``; the soak in ``benchmarks/bench_soak.py`` runs
many more).  The moments are random: ``FOOTNOTE_KILL_SEED`` replays a run (the seed is in every
failure message).  See ``kill_helpers`` for how the child is forked and what "consistent" means.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.demo import demo_files
from kill_helpers import (
    ForkServer,
    alive,
    bundle_contents,
    copy_archive,
    digest_variants,
    kill_at,
    small_pdfs,
    verification_state,
    verify_archive,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill tests fork a warm child process")

SEED = int(os.environ.get("FOOTNOTE_KILL_SEED") or random.randrange(1 << 30))
KILLS = {"import": 3, "verify": 2, "reindex": 2, "bundle": 3}  # 10 kill points in all
MAX_ATTEMPTS = 3  # per wanted kill: a moment after the operation ended is tried again elsewhere


@dataclass
class Base:
    root: Path  # imported, not verified
    before: dict
    after: dict
    bundle: Path
    contents: dict
    articles: int


@pytest.fixture(scope="module")
def server():
    with ForkServer() as running:
        yield running


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("kill-inputs")
    return [*small_pdfs(folder / "pdfs", 30), *digest_variants(folder / "digests", 5)]


@pytest.fixture(scope="module")
def base(server: ForkServer, tmp_path_factory) -> Base:
    """The demo sources with 8 digests citing them, imported without verification; its verified twin's bundle."""
    work = tmp_path_factory.mktemp("kill-base")
    root = work / "base"
    digests = digest_variants(work / "digests", 8, start=100)
    server.run("import", root, work / "progress", files=[str(p) for p in [*demo_files(), *digests]], verify=False)
    verified = copy_archive(root, work / "verified")
    server.run("verify", verified, work / "progress")
    bundle = work / "base.zip"
    server.run("export", verified, work / "progress", bundle=str(bundle))
    before, after = verification_state(root), verification_state(verified)
    assert before != after, "verification changed nothing: the verify scenario would prove nothing"
    return Base(root, before, after, bundle, bundle_contents(bundle), len(before))


def _run(scenario: str, server: ForkServer, inputs: list[Path], base: Base, root: Path, progress: Path,
         rng: random.Random):
    if scenario == "import":
        params, steps, expect = {"files": [str(p) for p in inputs]}, 2 * len(inputs) + 2, {}
    elif scenario == "verify":
        copy_archive(base.root, root)
        params, steps, expect = {}, base.articles + 1, {"before": base.before, "after": base.after}
    elif scenario == "reindex":
        copy_archive(base.root, root)
        params, steps, expect = {}, 60, {}
    else:
        params, steps, expect = {"bundle": str(base.bundle)}, 4, {"bundle": base.contents}
    point = kill_at(server, scenario, root, progress, step=rng.randint(0, steps), delay=rng.uniform(0, 0.15),
                    **params)
    return point, expect


@pytest.mark.parametrize("scenario", ["import", "verify", "reindex", "bundle"])
def test_a_killed_operation_leaves_a_consistent_archive(scenario: str, server: ForkServer, inputs: list[Path],
                                                        base: Base, tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}-{scenario}")
    killed = 0
    for attempt in range(KILLS[scenario] * MAX_ATTEMPTS):
        if killed == KILLS[scenario]:
            break
        root = tmp_path / f"archive-{attempt}"
        point, expect = _run(scenario, server, inputs, base, root, tmp_path / f"progress-{attempt}", rng)
        problems, notices = verify_archive(root, scenario=scenario, **expect)
        where = f"seed {SEED}, {point.describe()}"
        assert not point.problems, f"{where}: {point.problems}"
        assert not problems, f"{where}: {problems} (notices: {notices})"
        killed += point.killed
    assert killed == KILLS[scenario], f"seed {SEED}: only {killed} of {KILLS[scenario]} kills landed mid-operation"


@pytest.mark.parametrize("parallel", [False, True], ids=["in process", "in worker processes"])
def test_kill_during_a_rebuild_keeps_searching_possible(server: ForkServer, base: Base, tmp_path: Path,
                                                        parallel: bool) -> None:
    """The old index stays in place until the new one is complete: a killed rebuild leaves it searchable,
    and the indexing workers of a parallel rebuild die with it."""
    from archive.search.query import search
    from archive.store import Archive

    root = copy_archive(base.root, tmp_path / "archive")
    with Archive.open(root) as archive, archive.session() as session:
        expected = search(archive.search_index, session, "Sacks").total
    point = kill_at(server, "reindex", root, tmp_path / "progress", step=3 if not parallel else 1, delay=0.0,
                    parallel=parallel)
    assert point.killed, point.describe()
    if parallel:
        assert point.children, "the rebuild had no worker processes when it was killed"
        deadline = time.monotonic() + 10
        while any(alive(child) for child in point.children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [child for child in point.children if alive(child)], "indexing workers outlived their parent"
    assert list(root.glob("index.new-*")), "the kill did not land inside the rebuild"
    with Archive.open(root) as archive:
        assert not list(root.glob("index.new-*")), "the half-built index was not removed at reopening"
        assert archive.search_index.state().ok
        with archive.session() as session:
            assert search(archive.search_index, session, "Sacks").total == expected
