"""Soak: kill Footnote (SIGKILL, a real process) at many random moments and count the kill points survived.

Run from the repository root::

    .venv/bin/python benchmarks/bench_soak.py [--kills N] [--seed N] [--scenario NAME ...]

Four operations (``tests/kill_helpers.py``), each killed ``--kills`` times (default 25) at a random
progress step plus a random delay of up to 150 ms:

* ``import``: 30 small generated PDFs and 5 digests into a fresh archive;
* ``verify``: verifying the 8 digests (96 claims) of an archive holding the demo sources;
* ``reindex``: rebuilding that archive's search index;
* ``bundle``: importing a bundle of that archive (verified) into a fresh archive.

After every kill the archive is reopened as Footnote does (crash recovery runs), the search index is
rebuilt if recovery asked for it, ``check_archive`` runs with full fixity, every article is compared
with a fresh parse of its stored file, a bundle must have landed completely or not at all, and each
article's verification must be all old or all new.  A kill point is *tried* when the signal reached
the process mid-operation (moments after the operation ended are drawn again) and *survived* when no
check found anything.  Recovery time is the reopening (with its checks) plus the index rebuild.
Figures go to ``benchmarks/out/soak.json``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common  # noqa: E402  (puts the repository and tests/ on sys.path)
from _common import say, table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=25, help="kill points per operation (default 25)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--scenario", action="append", choices=["import", "verify", "reindex", "bundle"])
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    scenarios = args.scenario or ["import", "verify", "reindex", "bundle"]
    work = Path(tempfile.mkdtemp(prefix="footnote-soak-"))
    config = work / "config"
    import os

    import logging

    logging.getLogger().addHandler(logging.NullHandler())  # recovery's warnings are counted, not printed
    os.environ["XDG_CONFIG_HOME"] = str(config)  # the index key of this run (the fork server shares it)
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    try:
        data = run(args.kills, seed, scenarios, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    path = common.write_json("soak.json", data)
    say(f"\nfigures written to {path}")
    return 0 if all(s["survived"] == s["tried"] for s in data["scenarios"].values()) else 1


def run(kills: int, seed: int, scenarios: list[str], work: Path) -> dict[str, Any]:
    from kill_helpers import (ForkServer, bundle_contents, copy_archive, digest_variants, kill_at, small_pdfs,
                              verification_state, verify_archive)

    from archive.demo import demo_files

    say(f"Kill soak: {kills} kill points per operation, seed {seed}, work folder {work}")
    data: dict[str, Any] = {"machine": common.machine(), "seed": seed, "kills_per_scenario": kills, "scenarios": {}}
    started = time.perf_counter()
    with ForkServer() as server:
        inputs = [*small_pdfs(work / "pdfs", 30), *digest_variants(work / "digests", 5)]
        base = work / "base"
        digests = digest_variants(work / "base-digests", 8, start=100)
        server.run("import", base, work / "progress", files=[str(p) for p in [*demo_files(), *digests]],
                   verify=False)
        verified = copy_archive(base, work / "verified")
        server.run("verify", verified, work / "progress")
        bundle = work / "base.zip"
        server.run("export", verified, work / "progress", bundle=str(bundle))
        before, after, contents = verification_state(base), verification_state(verified), bundle_contents(bundle)
        steps = {"import": 2 * len(inputs) + 2, "verify": len(before) + 1, "reindex": 60, "bundle": 4}
        say(f"set-up: {seconds(time.perf_counter() - started)}\n")
        rows = []
        for scenario in scenarios:
            rng = random.Random(f"{seed}-{scenario}")
            tried = survived = finished = 0
            notices: Counter = Counter()
            failures: list[str] = []
            recovery_times: list[float] = []
            attempt = 0
            while tried < kills and attempt < kills * 4:
                attempt += 1
                root = work / "runs" / f"{scenario}-{attempt}"
                expect: dict[str, Any] = {}
                params: dict[str, Any] = {}
                if scenario in ("verify", "reindex"):
                    copy_archive(base, root)
                if scenario == "verify":
                    expect = {"before": before, "after": after}
                if scenario == "import":
                    params = {"files": [str(p) for p in inputs]}
                if scenario == "bundle":
                    params, expect = {"bundle": str(bundle)}, {"bundle": contents}
                point = kill_at(server, scenario, root, work / "progress", step=rng.randint(0, steps[scenario]),
                                delay=rng.uniform(0, 0.15), **params)
                if not point.killed:
                    finished += 1
                    shutil.rmtree(root, ignore_errors=True)
                    continue
                tried += 1
                clock = time.perf_counter()
                problems, seen = verify_archive(root, scenario=scenario, **expect)
                recovery_times.append(time.perf_counter() - clock)
                problems = point.problems + problems
                for notice in seen:
                    notices[_kind(notice)] += 1
                if problems:
                    failures.append(f"{point.describe()}: {problems}")
                    say(f"  FAILED {point.describe()}: {problems}")
                else:
                    survived += 1
                shutil.rmtree(root, ignore_errors=True)
            data["scenarios"][scenario] = {
                "tried": tried, "survived": survived, "finished_before_kill": finished, "failures": failures,
                "recovery_notices": dict(notices),
                "check_and_recover_s_median": statistics.median(recovery_times) if recovery_times else None}
            rows.append([scenario, tried, survived, finished,
                         seconds(statistics.median(recovery_times)) if recovery_times else "-",
                         ", ".join(f"{k} {v}" for k, v in notices.most_common()) or "-"])
    total_tried = sum(s["tried"] for s in data["scenarios"].values())
    total_survived = sum(s["survived"] for s in data["scenarios"].values())
    data["tried"], data["survived"] = total_tried, total_survived
    data["seconds"] = time.perf_counter() - started
    say(table(["operation", "kills", "survived", "ended first", "reopen+check", "what recovery did"], rows))
    say(f"\n{total_survived} of {total_tried} kill points survived in {seconds(data['seconds'])}")
    return data


def _kind(notice: str) -> str:
    if "unfinished file" in notice:
        return "removed leftovers"
    if "search index" in notice:
        return "index rebuilt"
    if "restored" in notice:
        return "backup restored"
    return notice.split(":")[0][:40]


def seconds(value: float) -> str:
    return common.seconds(value)


if __name__ == "__main__":
    sys.exit(main())
