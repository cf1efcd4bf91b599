"""Export and re-import an archive of 1,000 documents as a bundle, with a reference in the same run.

Builds an archive of N source documents (one-page PDFs made with reportlab, each
with a distinct title) and articles citing them, then times:

* ``export_bundle(everything=True)`` — copying, JSON-LD, report, bagit checksums, zip;
* ``import_bundle`` into an empty archive — zip checks, full bagit validation,
  sandboxed extraction of every document, one merge transaction, index update;
* the same bundle imported again (nothing to change);
* references: ``zip -r`` of the same files and ``bagit`` validating the unzipped bag.

Run: ``.venv/bin/python benchmarks/bench_bundles.py [--quick]`` (--quick: 100 documents).
"""

from __future__ import annotations

import _common  # noqa: F401  (paths)

import argparse
import json
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from _common import OUT, say


def build_archive(root: Path, documents: int) -> None:
    from archive.importing import import_paths
    from archive.store import Archive
    from pdf_factory import make_text_pdf

    import random

    folder = root.parent / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    vocabulary = [f"{a}{b}" for a in ("mar", "sol", "ven", "tor", "kal", "rin", "dus", "pel", "gor", "hax")
                  for b in ("ado", "ium", "eth", "ova", "ist", "ark", "une", "ilo", "esa", "omb")]
    titles = [" ".join(rng.sample(vocabulary, 4)).capitalize() + f" ({n})" for n in range(documents)]
    sources = []
    for n in range(documents):
        title = titles[n]
        sources.append(make_text_pdf(folder / f"s{n:05}.pdf", [f"This is sentence one of source {n}. "
                                                              f"Topic {n % 37} is discussed here in detail. "
                                                              f"The figure for item {n} was {n * 7}."],
                                     title=title))
    digests = []
    for a in range(max(1, documents // 20)):
        lines = ["1/2/2026, 9:00:00 AM \u00b7 bench", "", f"Bench article {a}", "", "Summary.", ""]
        refs = []
        for k in range(20):
            n = a * 20 + k
            if n >= documents:
                break
            lines += [f'Paragraph (cite index="{k + 1}-1">This is sentence one of source {n}.</cite>', ""]
            refs += [f"  {k + 1}. [{k + 1}]", f"    {titles[n]}"]
        lines += ["Sources", "", *refs]
        path = folder / f"a{a:04}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        digests.append(path)
    with Archive.open(root, create=True) as archive:
        import_paths(archive, [*sources, *digests])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    documents = 100 if options.quick else 1000
    from archive.bundles.export import export_bundle
    from archive.bundles.merge import import_bundle
    from archive.store import Archive

    work = Path(tempfile.mkdtemp(prefix="footnote-bench-bundles-"))
    source = work / "source"
    started = time.perf_counter()
    build_archive(source, documents)
    say(f"built an archive of {documents} documents in {time.perf_counter() - started:.1f} s")
    figures: dict[str, float | int | str] = {"documents": documents}
    with Archive.open(source) as archive:
        t = time.perf_counter()
        report = export_bundle(archive, work / "bundle.zip", everything=True)
        figures["export_s"] = time.perf_counter() - t
    figures["bundle_mb"] = report.size / 1e6
    figures.update(articles=report.articles, claims=report.claims, links=report.links)
    t = time.perf_counter()
    subprocess.run(["zip", "-qr", str(work / "reference.zip"), "."], cwd=source / "files", check=True)
    figures["reference_zip_s"] = time.perf_counter() - t
    with zipfile.ZipFile(work / "bundle.zip") as bundle:
        bundle.extractall(work / "unzipped")
    t = time.perf_counter()
    import bagit

    bagit.Bag(str(work / "unzipped" / "footnote-bundle")).validate(fast=False)
    figures["reference_bagit_validate_s"] = time.perf_counter() - t
    with Archive.open(work / "target", create=True) as target:
        t = time.perf_counter()
        merged = import_bundle(target, work / "bundle.zip")
        figures["import_s"] = time.perf_counter() - t
        figures["import_added"] = json.dumps(merged.added)
        t = time.perf_counter()
        again = import_bundle(target, work / "bundle.zip")
        figures["reimport_s"] = time.perf_counter() - t
        figures["reimport_added"] = json.dumps(again.added)
    say("")
    for name, value in figures.items():
        say(f"{name:>28}: {value:.2f}" if isinstance(value, float) else f"{name:>28}: {value}")
    say(f"{'export / zip reference':>28}: {figures['export_s'] / figures['reference_zip_s']:.1f}x")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bundles.json").write_text(json.dumps(figures, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
