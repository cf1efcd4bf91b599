"""Benchmark: PDF import throughput (pages/s) beside poppler's ``pdftotext``, and peak memory.

Run from the repository root::

    .venv/bin/python benchmarks/bench_pdf_import.py [--quick] [--runs N] [--pages N] [--report-pages N]
                                                    [--memory-pages N] [--memory-pool]

Sets of PDFs:

* ``real``: ``/work/shared/corpus/real/*.pdf`` (skipped with a message when absent);
* ``synthetic``: ``tests/pdf_factory.make_many_pages_pdf``, 300 pages (one Helvetica size, one column,
  one text object per page: the easiest case for any extractor);
* ``report``: a report-like PDF laid out by ReportLab's platypus, 150 pages (two justified columns,
  Times with italic and bold runs, headings in three sizes, Courier figures, running header/footer; see
  ``_common.make_realistic_pdf``).  Generated PDFs are cached in ``benchmarks/out/pdfs/``.

For each set, ``--runs`` (3) rounds, each round running every variant once (so that every variant of a
round sees about the same load on a noisy machine); medians per variant, and the median over rounds of
the ratio to pdftotext's time in the same round.  CPU seconds (this process plus its reaped children)
are reported too: pages per CPU-second hardly depend on the machine's load.

* ``pdftotext``: one process per file, text to /dev/null (the reference);
* ``import``: ``import_paths(archive, files, verify=False)`` into a fresh archive per run: hashing,
  the file store, a new ``ExtractionPool`` (worker spawn included), sandboxed extraction with word boxes,
  sentence passages, the catalog write and the search index update (timed apart by wrapping
  ``importing._write_source`` and ``Archive.reindex``);
* ``import, pool of 2`` (sets of fewer files than workers): the same, given a new ``ExtractionPool(2)``.
  ``import_paths`` sizes its own pool by the number of files, so one long PDF gets one worker and is
  never split into page chunks;
* ``extract (cold)``: a new ``ExtractionPool(2)`` per run, ``.extract()`` over the files, then closed;
* ``extract (warm)``: the same on a pool whose workers are already running (no spawn);
* ``extract, 1 process``: ``extract_pdf`` in this process, no sandbox: the per-core cost;
* ``pypdfium2 text only``: page, text page and ``get_text_range`` per page, in this process: the floor
  of any PDFium-based extractor, without word boxes or layout.

Also: the start-up of an ``ExtractionPool(2)`` (spawn and imports, until both workers answer); for the
generated sets, where one core's time goes (cProfile of ``extract_pdf`` on the first 100 pages,
cumulative time of each step); for every set, a cProfile of the catalog write of the extracted
documents; and peak memory of importing a generated 1,000-page PDF in a child process run under
``/usr/bin/time -v`` (as ``import_paths`` does it; with ``--memory-pool`` also with a pool of 2): the
child reports its own peak (``RUSAGE_SELF``) and the largest of its reaped workers
(``RUSAGE_CHILDREN``).  Figures are printed and written to ``benchmarks/out/pdf_import.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common  # noqa: E402  (puts the repository and tests/ on sys.path)
from _common import clock, measure, page_count, say, seconds, table  # noqa: E402

REAL_CORPUS = Path("/work/shared/corpus/real")
WORKERS = 2
TARGET_PAGES_PER_S = 40.0
TARGET_VS_PDFTOTEXT = 0.5
TARGET_MEMORY_MB = 500.0
PROFILE_PAGES = 100


# --- what is measured ------------------------------------------------------------------------


def run_import(files: list[Path], workers: int | None = None) -> dict[str, Any]:
    """One full import into a fresh archive; the catalog write and source preparation timed apart.

    ``workers``: pass a new ``ExtractionPool(workers)`` (started inside the timed part, as import_paths
    would); ``None`` lets ``import_paths`` make its own pool, as the CLI does.
    """
    from archive import importing
    from archive.extract.sandbox import ExtractionPool
    from archive.importing import Outcome, import_paths
    from archive.store import Archive

    spent = {"write": 0.0, "prepare": 0.0, "reindex": 0.0}
    # (owner, attribute, key): the parts timed apart; a part missing from this version of the code is skipped.
    parts = [(importing, "_write_source", "write"), (importing, "_prepare_source", "prepare"),
             (Archive, "reindex", "reindex")]
    saved = [(owner, name, getattr(owner, name), key) for owner, name, key in parts if hasattr(owner, name)]
    pool_sizes: list[int] = []  # the ExtractionPool sizes import_paths made for itself
    original_init = ExtractionPool.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        pool_sizes.append(self.size)

    def timed(key, fn):
        def wrapper(*args, **kwargs):
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += clock() - start
        return wrapper

    with tempfile.TemporaryDirectory(prefix="fn-bench-") as folder:
        archive = Archive.open(Path(folder) / "archive", create=True)
        for owner, name, original, key in saved:
            setattr(owner, name, timed(key, original))
        if workers is None:
            ExtractionPool.__init__ = recording_init
        try:
            start = clock()
            if workers is None:
                report = import_paths(archive, files, verify=False)
            else:
                with ExtractionPool(workers) as pool:
                    report = import_paths(archive, files, verify=False, pool=pool)
            total = clock() - start
        finally:
            for owner, name, original, _ in saved:
                setattr(owner, name, original)
            ExtractionPool.__init__ = original_init
            archive.close()
    outcomes: dict[str, int] = {}
    for result in report.results:
        outcomes[result.outcome.value] = outcomes.get(result.outcome.value, 0) + 1
    failed = [f"{r.path.name}: {r.message}" for r in report.results if r.outcome is Outcome.FAILED]
    return {"seconds": total, **spent, "outcomes": outcomes, "failed": failed,
            "pool_workers": pool_sizes[0] if pool_sizes else workers}


def extract_all(pool, files: list[Path], keep: list | None = None) -> dict[str, Any]:
    """``pool.extract`` over the files; counts, and the documents appended to ``keep`` when given."""
    from archive.extract import Kind
    from archive.extract.sandbox import Task

    pages = passages = 0
    statuses: dict[str, int] = {}
    if keep is not None:
        keep.clear()
    for task, result in pool.extract([Task(path, Kind.PDF) for path in files]):
        pages += len(result.pages)
        passages += len(result.passages)
        statuses[result.status.value] = statuses.get(result.status.value, 0) + 1
        if keep is not None:
            keep.append((task.path, result))
    return {"pages": pages, "passages": passages, "statuses": statuses}


def pool_start() -> None:
    """A new ExtractionPool(2) until both workers have answered (a page count): spawn and imports."""
    from archive.extract import Kind
    from archive.extract.sandbox import ExtractionPool, Task

    probe = Task(common.many_pages_pdf(2), Kind.PDF, split_over=0)  # answers its page count: a probe
    with ExtractionPool(WORKERS) as pool:
        list(pool.run([probe] * WORKERS))


_SPAWN_SCRIPT = """\
import json, resource, sys, time
sys.path.insert(0, {repo!r})
{extra_import}
from archive.extract import Kind
from archive.extract.sandbox import ExtractionPool, Task

if __name__ == "__main__":
    probe = Task(__import__("pathlib").Path({pdf!r}), Kind.PDF, split_over=0)  # answers its page count: a probe
    start = time.perf_counter()
    with ExtractionPool({workers}) as pool:
        list(pool.run([probe] * {workers}))
        ready = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({{"seconds": ready, "workers_cpu": usage.ru_utime + usage.ru_stime,
                      "worker_max_rss_mb": usage.ru_maxrss / 1024}}))
"""


def worker_start_by_main_module(runs: int) -> dict[str, Any]:
    """Workers are spawned: each one re-imports the parent's ``__main__`` module from its file.  The
    ``footnote`` console script imports ``archive.cli`` at its top, so every worker of a CLI import pays
    for importing ``archive.cli`` (SQLAlchemy, the search engine, ...).  Measured with two throwaway
    scripts, identical but for that import: pool start-up time, the workers' CPU and their peak RSS."""
    pdf = str(common.many_pages_pdf(2))
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="fn-bench-spawn-") as folder:
        scripts = {}
        for label, extra in (("plain script", ""),
                             ("script importing archive.cli (as the footnote console script)",
                              "from archive.cli import main  # noqa: F401")):
            path = Path(folder) / f"spawn_{len(scripts)}.py"
            path.write_text(_SPAWN_SCRIPT.format(repo=str(common.REPO), extra_import=extra, pdf=pdf,
                                                 workers=WORKERS), encoding="utf-8")
            scripts[label] = path
        samples: dict[str, list[dict[str, float]]] = {label: [] for label in scripts}
        for _ in range(runs):
            for label, path in scripts.items():
                done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
                samples[label].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for label, values in samples.items():
        figures[label] = {key: statistics.median(v[key] for v in values) for key in values[0]}
    return figures


def extract_cold(files: list[Path]) -> dict[str, int]:
    from archive.extract.sandbox import ExtractionPool

    with ExtractionPool(WORKERS) as pool:
        return extract_all(pool, files)


def extract_in_process(files: list[Path]) -> None:
    from archive.extract.pdf import extract_pdf

    for path in files:
        extract_pdf(path)


def text_only(files: list[Path]) -> None:
    import pypdfium2

    for path in files:
        document = pypdfium2.PdfDocument(str(path))
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
        finally:
            document.close()


def cpu_now() -> float:
    """CPU seconds (user + system) of this process and of its children reaped so far."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measure_set(name: str, files: list[Path], runs: int) -> dict[str, Any]:
    """Every variant once per round, ``runs`` rounds (so each round sees about the same machine load);
    medians per variant, and the median of the per-round ratios to pdftotext."""
    from archive.extract.sandbox import ExtractionPool

    pages = sum(page_count(path) for path in files)
    say(f"\n[{name}] {len(files)} file(s), {pages} pages, {sum(p.stat().st_size for p in files) / 2**20:.1f} MB")
    figures: dict[str, Any] = {"files": len(files), "pages": pages}
    imports: dict[str, list[dict[str, Any]]] = {}
    kept: list = []
    extra: dict[str, dict[str, Any]] = {}

    def do_import(label: str, workers: int | None) -> None:
        imports.setdefault(label, []).append(run_import(files, workers))

    def do_cold() -> None:
        extra["extract (cold)"] = extract_cold(files)

    warm_pool = ExtractionPool(WORKERS)
    extract_all(warm_pool, files[:2])  # starts both workers (two files, or one long PDF in chunks)

    def do_warm() -> None:
        extra["extract (warm)"] = extract_all(warm_pool, files, kept)

    variants: list[tuple[str, Any, bool]] = [  # label, function, CPU time fully seen (children reaped)
        ("pdftotext", lambda: common.pdftotext_seconds(files), True),
        ("import", lambda: do_import("import", None), True),
    ]
    if len(files) < WORKERS:  # import_paths sizes its own pool by the number of files: show both
        variants.append((f"import, pool of {WORKERS}", lambda: do_import(f"import, pool of {WORKERS}", WORKERS), True))
    variants += [
        ("extract (cold)", do_cold, True),
        ("extract (warm)", do_warm, False),  # the warm workers' CPU is not counted until they exit
        ("extract, 1 process", lambda: extract_in_process(files), True),
        ("pypdfium2 text only", lambda: text_only(files), True),
    ]
    walls: dict[str, list[float]] = {label: [] for label, _, _ in variants}
    cpus: dict[str, list[float]] = {label: [] for label, _, _ in variants}
    try:
        for _ in range(runs):
            for label, fn, _ in variants:
                gc.collect()
                cpu, start = cpu_now(), clock()
                fn()
                walls[label].append(clock() - start)
                cpus[label].append(cpu_now() - cpu)
    finally:
        warm_pool.close()
    figures["_extracted"] = kept  # for the catalog-write profile (dropped before writing JSON)
    reference = walls["pdftotext"]
    for label, _, cpu_seen in variants:
        median = statistics.median(walls[label])
        entry: dict[str, Any] = {
            "seconds": median, "runs": walls[label], "pages_per_s": pages / median,
            "vs_pdftotext": statistics.median(r / w for r, w in zip(reference, walls[label])),
            "cpu_seconds": statistics.median(cpus[label]) if cpu_seen else None,
        }
        entry["pages_per_cpu_s"] = pages / entry["cpu_seconds"] if entry["cpu_seconds"] else None
        if label in imports:
            middle = sorted(imports[label], key=lambda r: r["seconds"])[len(imports[label]) // 2]
            entry.update(write_seconds=middle["write"], prepare_seconds=middle["prepare"],
                         reindex_seconds=middle["reindex"], outcomes=middle["outcomes"], failed=middle["failed"],
                         pool_workers=middle["pool_workers"])
        entry.update(extra.get(label, {}))
        figures[label] = entry
        cpu = f"{entry['pages_per_cpu_s']:7.1f} pages/CPU-s" if entry["pages_per_cpu_s"] else " " * 19
        say(f"  {label:<22} {seconds(median):>8}  {entry['pages_per_s']:7.1f} pages/s  {cpu}  "
            f"x{entry['vs_pdftotext']:.2f} of pdftotext  (runs: {', '.join(seconds(t) for t in walls[label])})")
        if label in imports:
            if entry["failed"]:
                say(f"  !! failed: {entry['failed']}")
            say(f"  {'':<22} of which catalog write {seconds(entry['write_seconds'])}, search index "
                f"{seconds(entry['reindex_seconds'])}, hash + file store {seconds(entry['prepare_seconds'])}; "
                f"pool of {entry['pool_workers']} worker(s); outcomes {entry['outcomes']}")
    return figures


# --- where the time goes -------------------------------------------------------------------------

STEPS = [  # (label, file suffix, function name) as cProfile names them
    ("page + text page load (PDFium)", "pypdfium2/_helpers/page.py", "get_textpage"),
    ("get_text_range", "pypdfium2/_helpers/textpage.py", "get_text_range"),
    ("_page_lines (all of it)", "archive/extract/pdf.py", "_page_lines"),
    ("  make_lines", "archive/extract/layout.py", "make_lines"),
    ("  reading_order", "archive/extract/layout.py", "reading_order"),
    ("  _restore_line_end_hyphens", "archive/extract/pdf.py", "_restore_line_end_hyphens"),
    ("  _display_box", "archive/extract/pdf.py", "_display_box"),
    ("page_text", "archive/extract/layout.py", "page_text"),
    ("pack (word boxes)", "archive/extract/boxes.py", "pack"),
    ("split_sentences", "archive/sentences.py", "split_sentences"),
]


def profile_extract(path: Path, pages: int = PROFILE_PAGES) -> dict[str, Any]:
    """cProfile of ``extract_pdf`` on the first ``pages`` pages, in this process; cumulative seconds of
    each step, and the top 12 functions by own time."""
    from archive.extract.pdf import extract_pdf, split_sentences

    profiler = cProfile.Profile()
    start = clock()
    profiler.enable()
    document = extract_pdf(path, pages=(0, pages))  # a chunk, as a worker extracts it...
    split_sentences(document.text)  # ...plus the sentences the merge adds
    profiler.disable()
    total = clock() - start
    stats = pstats.Stats(profiler)
    steps: dict[str, float] = {}
    own_time_page_lines = 0.0
    for (filename, _, function), (_, _, tottime, cumtime, _) in stats.stats.items():
        for label, suffix, name in STEPS:
            if function == name and filename.endswith(suffix):
                steps[label] = steps.get(label, 0.0) + cumtime
                if name == "_page_lines":
                    own_time_page_lines += tottime
    top = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:12]
    return {
        "profiled_seconds": total,
        "steps": steps,
        # ctypes calls are not seen by cProfile: the word-box loop's FPDFText_CountRects / GetRect /
        # GetFontSize calls are counted in _page_lines' own time.
        "page_lines_own_time": own_time_page_lines,
        "top_by_own_time": [{"function": f"{Path(f).name}:{line}({fn})", "own": tt, "cumulative": ct, "calls": nc}
                            for (f, line, fn), (_, nc, tt, ct, _) in top],
    }


def profile_write(extracted: list) -> dict[str, Any]:
    """cProfile of the catalog write (``documents.write_document``) of already extracted ``(path, document)``."""
    from archive.documents import write_document
    from archive.filestore import sha256_bytes
    from archive.store import Archive

    profiler = cProfile.Profile()
    total = 0.0
    with tempfile.TemporaryDirectory(prefix="fn-bench-write-") as folder:
        archive = Archive.open(Path(folder) / "archive", create=True)
        try:
            for path, document in extracted:
                data = path.read_bytes()
                sha256 = sha256_bytes(data)
                archive.files.put_bytes(data, sha256)
                start = clock()
                profiler.enable()
                with archive.session() as session:
                    write_document(session, document, sha256=sha256, size=len(data),
                                   media_type="application/pdf", name=path.name)
                profiler.disable()
                total += clock() - start
        finally:
            archive.close()
    stats = pstats.Stats(profiler).stats
    wanted = {"rects_for_span": "archive/extract/boxes.py", "unpack": "archive/extract/boxes.py",
              "write_document": "archive/documents.py", "execute": "sqlalchemy/orm/session.py",
              "commit": "sqlalchemy/orm/session.py"}
    steps: dict[str, float] = {}
    for (filename, _, function), (_, _, _, cumtime, _) in stats.items():
        if function in wanted and filename.endswith(wanted[function]):
            steps[function] = max(steps.get(function, 0.0), cumtime)
    return {"profiled_seconds": total, "steps": steps,
            "passages": sum(len(d.passages) for _, d in extracted),
            "words_per_page": sum(len(unpack_words(p.words)) for _, d in extracted for p in d.pages)
            / max(1, sum(len(d.pages) for _, d in extracted))}


def unpack_words(blob: bytes) -> list:
    from archive.extract.boxes import unpack

    return unpack(blob)


# --- memory ------------------------------------------------------------------------------------


def child_import(pdf: str, workers: int) -> None:
    """Run inside the child: import one PDF into a fresh archive; print peaks as JSON.

    ``workers`` 0: import_paths makes its own pool; otherwise it is given an ``ExtractionPool(workers)``."""
    from archive.extract.sandbox import ExtractionPool
    from archive.importing import import_paths
    from archive.store import Archive

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory(prefix="fn-bench-mem-") as folder:
        archive = Archive.open(Path(folder) / "archive", create=True)
        start = clock()
        if workers:
            with ExtractionPool(workers) as pool:
                report = import_paths(archive, [Path(pdf)], verify=False, pool=pool)
        else:
            report = import_paths(archive, [Path(pdf)], verify=False)
        elapsed = clock() - start
        archive.close()
    print(json.dumps({
        "seconds": elapsed,
        "outcomes": [r.outcome.value for r in report.results],
        "messages": [r.message for r in report.results],
        "parent_before_import_kb": before,
        "parent_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "workers_peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }))


def max_rss_of(command: list[str]) -> tuple[int | None, str]:
    """Run ``command`` under ``/usr/bin/time -v``; its "Maximum resident set size" (KB) and stdout."""
    time_binary = Path("/usr/bin/time")
    if not time_binary.exists():
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        return None, done.stdout
    done = subprocess.run([str(time_binary), "-v", *command], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return (int(match.group(1)) if match else None), done.stdout


def measure_memory(pages: int, with_pool: bool) -> dict[str, Any]:
    path = common.many_pages_pdf(pages, seed=7, title=f"Memory benchmark of {pages} pages")
    say(f"\n[memory] importing a generated {pages}-page PDF ({path.stat().st_size / 2**20:.1f} MB) "
        "in a child process under /usr/bin/time -v")
    pdftotext_kb, _ = max_rss_of([common.PDFTOTEXT, "-q", str(path), "/dev/null"])
    figures: dict[str, Any] = {"pages": pages, "pdftotext_max_rss_mb": pdftotext_kb / 1024 if pdftotext_kb else None}
    variants = [("import", 0)] + ([(f"import, pool of {WORKERS}", WORKERS)] if with_pool else [])
    for label, workers in variants:
        total_kb, stdout = max_rss_of([sys.executable, str(Path(__file__).resolve()), "--child-import", str(path),
                                       "--child-workers", str(workers)])
        child = json.loads(stdout.strip().splitlines()[-1])
        figures[label] = entry = {
            "import_seconds": child["seconds"],
            "pages_per_s": pages / child["seconds"],
            "outcomes": child["outcomes"],
            "messages": child["messages"],
            "parent_before_import_mb": child["parent_before_import_kb"] / 1024,
            "parent_peak_mb": child["parent_peak_kb"] / 1024,
            "workers_peak_mb": child["workers_peak_kb"] / 1024,
            "time_v_max_rss_mb": total_kb / 1024 if total_kb else None,
        }
        say(f"  {label}: {seconds(child['seconds'])} ({entry['pages_per_s']:.0f} pages/s), {child['messages']}")
        say(f"    parent peak {entry['parent_peak_mb']:.0f} MB ({entry['parent_before_import_mb']:.0f} MB before "
            f"the import); largest worker peak {entry['workers_peak_mb']:.0f} MB; /usr/bin/time -v max RSS "
            f"{entry['time_v_max_rss_mb'] or 0:.0f} MB")
    say(f"  pdftotext on the same file: max RSS {figures['pdftotext_max_rss_mb'] or 0:.0f} MB")
    return figures


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round, 60-page generated PDFs, 200-page memory test")
    parser.add_argument("--runs", type=int, help="rounds of measurements (default 3, 1 with --quick)")
    parser.add_argument("--pages", type=int, help="pages of each generated PDF (default 300)")
    parser.add_argument("--report-pages", type=int, help="pages of the two-column report (default 150)")
    parser.add_argument("--memory-pages", type=int, help="pages of the memory test's PDF (default 1000)")
    parser.add_argument("--memory-pool", action="store_true",
                        help=f"repeat the memory test with import_paths given an ExtractionPool({WORKERS})")
    parser.add_argument("--child-import", metavar="PDF", help=argparse.SUPPRESS)
    parser.add_argument("--child-workers", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(args.child_import, args.child_workers)
        return
    runs = args.runs or (1 if args.quick else 3)
    pages = args.pages or (60 if args.quick else 300)
    report_pages = args.report_pages or (60 if args.quick else 150)
    memory_pages = args.memory_pages or (200 if args.quick else 1000)
    started = clock()
    say(f"PDF import benchmark: {runs} round(s), {WORKERS} workers, {common.machine()['cpus']} CPUs")

    sets: dict[str, list[Path]] = {}
    real = sorted(REAL_CORPUS.glob("*.pdf")) if REAL_CORPUS.is_dir() else []
    if real:
        sets["real"] = real
    else:
        say(f"(skipping the real corpus: no PDFs in {REAL_CORPUS})")
    sets["synthetic"] = [common.many_pages_pdf(pages, title=f"Synthetic benchmark document of {pages} pages")]
    sets["report"] = [common.realistic_pdf(report_pages, title=f"Two-column benchmark report of {report_pages} pages")]

    results: dict[str, Any] = {"machine": common.machine(), "runs": runs, "workers": WORKERS,
                               "load_average_at_start": os.getloadavg(), "sets": {}}
    median, times, _ = measure(pool_start, runs)
    results["pool_start"] = {"seconds": median, "runs": times}
    say(f"\nstarting an ExtractionPool({WORKERS}) until both workers answer: {seconds(median)} "
        f"(runs: {', '.join(seconds(t) for t in times)})")
    results["worker_start_by_main_module"] = spawn = worker_start_by_main_module(runs)
    for label, f in spawn.items():
        say(f"  from a {label}: {seconds(f['seconds'])}, workers' CPU {f['workers_cpu']:.2f} s, "
            f"largest worker {f['worker_max_rss_mb']:.0f} MB")
    for name, files in sets.items():
        results["sets"][name] = measure_set(name, files, runs)
    profiles = {}
    for name in ("synthetic", "report"):
        profiles[name] = profile_extract(sets[name][0])
    results["profile"] = profiles
    writes = {name: profile_write(results["sets"][name].pop("_extracted")) for name in sets}
    results["profile_write"] = writes
    results["memory"] = measure_memory(memory_pages, args.memory_pool)
    results["seconds"] = clock() - started
    results["load_average_at_end"] = os.getloadavg()

    # --- summary ---
    say(f"\nThroughput (median of {runs} rounds; ratio = median over rounds of pdftotext time / this time; "
        "pages per CPU-second counts this process and its reaped children)")
    rows = []
    for name, f in results["sets"].items():
        ref = f["pdftotext"]
        for label in ("import", f"import, pool of {WORKERS}", "extract (cold)", "extract (warm)",
                      "extract, 1 process", "pypdfium2 text only"):
            if label not in f:
                continue
            e = f[label]
            rows.append([f"{name} ({f['pages']} p): {label}", f"{e['pages_per_s']:.0f}", f"{ref['pages_per_s']:.0f}",
                         f"{e['vs_pdftotext']:.2f}", f"{e['pages_per_cpu_s']:.0f}" if e["pages_per_cpu_s"] else "-",
                         f"{ref['pages_per_cpu_s']:.0f}"])
    say(table(["set: what", "pages/s", "pdftotext", "ratio", "pages/CPU-s", "pdftotext/CPU-s"], rows))

    say("\nWhere one core's time goes in extract_pdf (cProfile, cumulative; profiling inflates Python code)")
    labels = [label for label, _, _ in STEPS]
    rows = []
    for label in labels:
        rows.append([label, *(f"{profiles[n]['steps'].get(label, 0.0) / profiles[n]['profiled_seconds']:.0%}"
                              for n in profiles)])
    rows.append(["_page_lines own time (word-box ctypes calls)",
                 *(f"{profiles[n]['page_lines_own_time'] / profiles[n]['profiled_seconds']:.0%}" for n in profiles)])
    rows.append(["profiled total", *(seconds(profiles[n]["profiled_seconds"]) for n in profiles)])
    say(table(["step", *profiles], rows))

    say("\nThe catalog write, already extracted documents (cProfile of write_document, cumulative)")
    rows = []
    for name, w in writes.items():
        total = w["profiled_seconds"]
        pages_n = results["sets"][name]["pages"]
        rows.append([name, f"{pages_n}", f"{w['passages']}", f"{w['words_per_page']:.0f}", seconds(total),
                     f"{total / pages_n * 1000:.1f}",
                     f"{w['steps'].get('rects_for_span', 0.0) / total:.0%}",
                     f"{w['steps'].get('execute', 0.0) / total:.0%}"])
    say(table(["set", "pages", "passages", "words/page", "write", "ms/page", "rects_for_span", "SQL execute"],
              rows))

    memory = results["memory"]
    checks = []
    for name, f in results["sets"].items():
        for label in ("import", f"import, pool of {WORKERS}"):
            if label not in f:
                continue
            rate = f[label]["pages_per_s"]
            share = f[label]["vs_pdftotext"]
            checks.append([f"{name}: {label} >= {TARGET_PAGES_PER_S:.0f} pages/s", f"{rate:.0f}",
                           "met" if rate >= TARGET_PAGES_PER_S else "MISSED"])
            checks.append([f"{name}: {label} >= {TARGET_VS_PDFTOTEXT} x pdftotext", f"{share:.2f}",
                           "met" if share >= TARGET_VS_PDFTOTEXT else "MISSED"])
    for label in ("import", f"import, pool of {WORKERS}"):
        if label not in memory:
            continue
        m = memory[label]
        for who in ("parent", "workers"):
            value = m[f"{who}_peak_mb"]
            checks.append([f"memory, {memory['pages']} pages, {label}: {who} peak < {TARGET_MEMORY_MB:.0f} MB",
                           f"{value:.0f} MB", "met" if value < TARGET_MEMORY_MB else "MISSED"])
    results["targets"] = {row[0]: {"value": row[1], "status": row[2]} for row in checks}
    say("\nTargets")
    say(table(["target", "value", ""], checks))
    path = common.write_json("pdf_import.json", results)
    say(f"\nwritten to {path.relative_to(common.REPO)} in {seconds(clock() - started)}")


if __name__ == "__main__":
    main()
