"""Killing Footnote at random moments, and checking the archive it leaves.

A *fork server* (this file run as a script) imports Footnote once, then forks a
real child process for each operation the test asks for: a large import, a
verification run, an index rebuild, a bundle import.  The child reports each
progress step in a file; the test picks a step and a delay at random and sends
SIGKILL.  Forking from a warm process makes a kill point cost milliseconds
instead of the seconds a fresh interpreter needs to import SQLAlchemy and
whoosh.  In the child, the extraction sandbox forks its workers too (the child
is single-threaded, so that is safe) for the same reason.

After a kill, :func:`verify_archive` reopens the archive the way Footnote
does (crash recovery runs), lets the search index rebuild itself if recovery
asked for that, runs ``check_archive`` with full fixity, re-parses every
article's stored file and compares its claims, sources and sections with the
catalog, and checks scenario-specific promises: a bundle lands completely or
not at all; each article's verification is either all old or all new.

Used by ``tests/test_safety_kill.py`` (a few kill points) and
``benchmarks/bench_soak.py`` (many).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = REPO / "resources" / "demo" / "ai-executive-order-digest.txt"
SCENARIOS = ("import", "verify", "reindex", "bundle")


# --- inputs ------------------------------------------------------------------------------------


def digest_variants(folder: Path, count: int, *, start: int = 0, padding: int = 0) -> list[Path]:
    """Copies of the sample digest with their own titles (so their own SHA-256), optionally padded with text."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    paths = []
    for number in range(start, start + count):
        variant = list(lines)
        variant[2] = f"{lines[2]} (edition {number})"
        if padding:
            words = " ".join(f"filler{(number * 7919 + i) % 100_003}" for i in range(padding))
            variant.insert(5, words + "\n")
        path = folder / f"digest-{number:03}.txt"
        path.write_text("\n".join(variant), encoding="utf-8")
        paths.append(path)
    return paths


def small_pdfs(folder: Path, count: int, *, seed: int = 0) -> list[Path]:
    """``count`` one- or two-page text PDFs with their own titles."""
    sys.path.insert(0, str(HERE))
    from pdf_factory import make_text_pdf

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    words = ("harbor budget council water report audit contract hearing transit energy school county "
             "survey testimony ruling appeal statute notice review agency").split()
    paths = []
    for number in range(count):
        paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(40, 90))).capitalize() + "."
                      for _ in range(rng.randint(3, 8))]
        path = folder / f"source-{number:03}.pdf"
        if not path.exists():
            make_text_pdf(path, paragraphs, title=f"Generated source {number} {rng.choice(words)}")
        paths.append(path)
    return paths


# --- the fork server -------------------------------------------------------------------------------


class ForkServer:
    """A warm Python process that forks a child per operation (see the module docstring)."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(HERE), env.get("PYTHONPATH", "")])
        self.process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve"], cwd=REPO,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.close()
            raise RuntimeError(f"the fork server did not start: {line!r}")

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._answer()

    def _answer(self) -> dict[str, Any]:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the fork server died")
        return json.loads(line)

    def start(self, scenario: str, root: Path, progress: Path, **params: Any) -> int:
        """Fork a child running ``scenario`` on ``root``; returns its pid (reap it with :meth:`wait`)."""
        progress.unlink(missing_ok=True)
        answer = self._ask({"scenario": scenario, "root": str(root), "progress": str(progress), **params})
        return int(answer["pid"])

    def wait(self) -> int:
        """The child's wait status (``-9`` when it was killed by SIGKILL, else its exit code)."""
        return int(self._answer()["status"])

    def run(self, scenario: str, root: Path, progress: Path, **params: Any) -> None:
        """Run ``scenario`` to its end (no kill); raises if the child failed."""
        self.start(scenario, root, progress, **params)
        status = self.wait()
        if status != 0:
            raise RuntimeError(f"{scenario} failed in the child (status {status}); see {progress}")

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "ForkServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class KillPoint:
    scenario: str
    step: int  # the progress step after which the kill was sent
    delay: float  # seconds after that step
    killed: bool = False  # False: the operation finished first
    steps_seen: int = 0
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    seconds_to_recover: float = 0.0
    children: list[int] = field(default_factory=list)  # the killed process's children at the kill

    def describe(self) -> str:
        state = "killed" if self.killed else "finished before the kill"
        return f"{self.scenario}: step {self.step} + {self.delay * 1000:.0f} ms ({state}, {self.steps_seen} steps seen)"


def kill_at(server: ForkServer, scenario: str, root: Path, progress: Path, step: int, delay: float,
            timeout: float = 120.0, **params: Any) -> KillPoint:
    """Start ``scenario``, SIGKILL it ``delay`` seconds after its ``step``-th progress report."""
    point = KillPoint(scenario, step, delay)
    pid = server.start(scenario, root, progress, **params)
    deadline = time.monotonic() + timeout
    fired_at = None
    while time.monotonic() < deadline:
        lines = _lines(progress)
        point.steps_seen = len(lines)
        if lines and lines[-1] == "done":
            break
        if fired_at is None and len(lines) >= step:
            fired_at = time.monotonic() + delay
        if fired_at is not None and time.monotonic() >= fired_at:
            point.children = children_of(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        time.sleep(0.002)
    else:
        os.kill(pid, signal.SIGKILL)
    status = server.wait()
    point.killed = status == -signal.SIGKILL
    if not point.killed and status != 0:
        point.problems.append(f"the child failed on its own (status {status})")
    return point


def children_of(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux: /proc/PID/task/*/children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            pass
    return found


def alive(pid: int) -> bool:
    """Is ``pid`` running (not gone, not a zombie waiting to be reaped)?"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _serve() -> None:
    """The fork server's loop: one JSON request per line on stdin, answers on stdout."""
    import multiprocessing
    import types

    import archive.bundles.export  # noqa: F401  (everything a child needs, imported once)
    import archive.bundles.merge  # noqa: F401
    import archive.check  # noqa: F401
    import archive.extract.pdf  # noqa: F401
    import archive.extract.sandbox as sandbox
    import archive.extract.web  # noqa: F401
    import archive.importing  # noqa: F401
    import archive.search.index  # noqa: F401
    import archive.verify  # noqa: F401

    sandbox.multiprocessing = types.SimpleNamespace(get_context=lambda _method: multiprocessing.get_context("fork"))
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(request)
            except BaseException:
                import traceback

                with open(request["progress"], "a", encoding="utf-8") as out:
                    out.write("failed\n" + traceback.format_exc())
            finally:
                os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(json.dumps({"status": code}), flush=True)


def _child(request: dict[str, Any]) -> int:
    random.seed()
    from archive.store import Archive

    out = open(request["progress"], "a", encoding="utf-8", buffering=1)

    def progress(step) -> None:
        out.write(f"{step.done}/{step.total} {step.label}\n")

    scenario, root = request["scenario"], Path(request["root"])
    with Archive.open(root, create=True) as archive:
        # Sandbox workers are forked here (not spawned, as in Footnote): they must not keep the write lock,
        # and they must die with this process (a forked worker holds both ends of its pipe, so it would
        # never see its parent go, and would keep the test run's output open).
        lock_fd = archive._lock._fd
        parent = os.getpid()
        os.register_at_fork(after_in_child=lambda: _as_worker(lock_fd, parent))
        if scenario == "import":
            from archive.importing import import_paths

            import_paths(archive, [Path(p) for p in request["files"]], progress=progress,
                         verify=request.get("verify", True))
        elif scenario == "verify":
            from archive.models import Article
            from archive.verify import verify_articles
            from sqlmodel import select

            with archive.session() as session:
                ids = sorted(session.exec(select(Article.id)))
            verify_articles(archive, ids, progress=progress)
        elif scenario == "reindex":
            if request.get("parallel"):
                from archive.search import index as index_module

                index_module.PARALLEL_MIN_CHARS, index_module.REBUILD_PROCESSES = 0, 2
            archive.search_index.rebuild(archive, progress=progress)
        elif scenario == "bundle":
            from archive.bundles.merge import import_bundle

            import_bundle(archive, Path(request["bundle"]), progress=progress)
        elif scenario == "export":
            from archive.bundles.export import export_bundle

            export_bundle(archive, Path(request["bundle"]), everything=True, progress=progress)
        else:
            raise ValueError(f"unknown scenario {scenario}")
    out.write("done\n")
    out.close()
    return 0


def _as_worker(lock_fd: int, parent: int) -> None:
    try:
        os.close(lock_fd)
    except OSError:
        pass
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent was killed before the line above ran
        os._exit(1)


# --- what the archive must look like after a kill ----------------------------------------------------


def copy_archive(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("archive.lock"))
    return target


def verification_state(root: Path) -> dict[str, tuple]:
    """Per article: its claims' statuses and automatic links (what one verification transaction writes)."""
    db = sqlite3.connect(f"file:{root / 'archive.db'}?mode=ro", uri=True)
    try:
        links: dict[str, list] = {}
        for claim_id, document_id, start, end, verdict in db.execute(
                "SELECT claim_id, document_id, start, \"end\", verdict FROM link WHERE origin = 'auto'"):
            links.setdefault(claim_id, []).append((document_id, start, end, verdict))
        state: dict[str, list] = {}
        for article_id, claim_id, status in db.execute(
                "SELECT article_id, id, status FROM claim ORDER BY article_id, position"):
            state.setdefault(article_id, []).append((claim_id, status, tuple(sorted(links.get(claim_id, [])))))
        return {article: tuple(claims) for article, claims in state.items()}
    finally:
        db.close()


def bundle_contents(bundle: Path) -> dict[str, Any]:
    """Articles (with claim ids) and document hashes of a bundle, from its catalog."""
    import zipfile

    with zipfile.ZipFile(bundle) as source:
        name = next(n for n in source.namelist() if n.endswith("data/catalog.json"))
        catalog = json.loads(source.read(name))
    return {"articles": {a["id"]: sorted(c["id"] for c in a["claims"]) for a in catalog["articles"]},
            "documents": sorted(d["sha256"] for d in catalog["documents"])}


def verify_archive(root: Path, *, scenario: str = "", before: dict | None = None, after: dict | None = None,
                   bundle: dict | None = None) -> tuple[list[str], list[str]]:
    """Reopen the archive as Footnote does and check every promise; returns (problems, notices)."""
    from archive.check import check_archive
    from archive.digest import parse_article
    from archive.store import Archive
    from archive.textcodec import decode_text

    problems: list[str] = []
    if not (root / "archive.db").exists():
        return problems, ["killed before the archive was created"]
    with Archive.open(root) as archive:
        notices = list(archive.notices)
        archive.search_index.ensure(archive)  # what the first search does
        report = check_archive(archive)
        problems.extend(f"check: {p.area}: {p.message}" for p in report.problems)
    db = sqlite3.connect(f"file:{root / 'archive.db'}?mode=ro", uri=True)
    try:
        for article_id, sha, fmt in db.execute("SELECT id, file_sha256, format FROM article"):
            path = root / "files" / sha[:2] / sha
            parsed = parse_article(decode_text(path.read_bytes(), path.name), filename=path.name,
                                   markdown=fmt == "markdown")
            counts = [db.execute(f"SELECT count(*) FROM {table} WHERE article_id = ?{extra}", (article_id,))
                      .fetchone()[0] for table, extra in (("claim", " AND origin = 'marker'"), ("source_entry", ""),
                                                          ("article_section", ""))]
            wanted = [len(parsed.claims), len(parsed.sources), len(parsed.sections)]
            if counts != wanted:
                problems.append(f"article {article_id[:8]} is incomplete: claims/sources/sections {counts}, "
                                f"its file gives {wanted}")
        if bundle is not None:
            present = {a for (a,) in db.execute("SELECT id FROM article")}
            landed = [a for a in bundle["articles"] if a in present]
            if landed and len(landed) != len(bundle["articles"]):
                problems.append(f"bundle half-imported: {len(landed)} of {len(bundle['articles'])} articles")
            for article_id in landed:
                claims = sorted(c for (c,) in db.execute("SELECT id FROM claim WHERE article_id = ?", (article_id,)))
                if claims != bundle["articles"][article_id]:
                    problems.append(f"bundle article {article_id[:8]} has {len(claims)} claims, the bundle "
                                    f"{len(bundle['articles'][article_id])}")
            if landed:
                shas = {s for (s,) in db.execute("SELECT file_sha256 FROM document")}
                if not set(bundle["documents"]) <= shas:
                    problems.append("bundle documents missing although its articles landed")
    finally:
        db.close()
    if before is not None and after is not None:
        now = verification_state(root)
        for article_id, claims in now.items():
            if claims != before.get(article_id) and claims != after.get(article_id):
                problems.append(f"article {article_id[:8]}: verification half-written")
    leftovers = [p.name for p in root.iterdir() if re.match(r"^(\.bundle-|index\.new-)", p.name)]
    if leftovers:
        problems.append(f"leftovers after reopening: {leftovers}")
    return problems, notices


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    _serve()
