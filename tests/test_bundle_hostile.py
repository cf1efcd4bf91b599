"""Hostile bundles: every one is refused with its own one-line reason, and the archive is left byte-identical.

The target is a real archive with the demo imported (built once per module and
copied for each test); the hostile bundles are made from a real export of it,
by zip surgery or by hand (``bundle_factory``).  Each refusal is checked twice,
through ``import_bundle`` (a :class:`BundleRefused`) and through
``import_paths`` (a FAILED result with the same line), and the archive folder
(the database after a WAL checkpoint, its logical dump, every file's hash, the
file and index folders' listings) must be as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import stat
import struct
import tempfile
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import bundle_factory as factory
from archive.bundles import merge, unpack
from archive.bundles.export import export_bundle
from archive.bundles.merge import import_bundle
from archive.bundles.unpack import BundleRefused, check_zip, extract
from archive.demo import ensure_demo_archive
from archive.errors import FootnoteError
from archive.importing import Outcome, import_paths
from archive.store import Archive

BAG = factory.BAG


@dataclass(frozen=True)
class Demo:
    archive: Path  # the demo archive: never imported into, only copied
    bundle: Path  # everything in it, exported
    scratch: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("hostile")
    ensure_demo_archive(root / "demo")
    with Archive.open(root / "demo") as archive:
        export_bundle(archive, root / "demo.zip", everything=True)
    return Demo(root / "demo", root / "demo.zip", root)


@pytest.fixture
def target(demo: Demo, tmp_path: Path) -> Path:
    """A fresh copy of the demo archive, two folders down (so a "../../" escape would still land in tmp_path)."""
    copy = tmp_path / "home" / "user" / "archive"
    shutil.copytree(demo.archive, copy)
    return copy


@pytest.fixture
def base(demo: Demo) -> Path:
    return demo.bundle


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "bundles"
    folder.mkdir()
    return folder


# --- the archive, byte for byte ----------------------------------------------------------


def snapshot(root: Path) -> dict:
    """Everything that makes up the archive: the database bytes and dump, and every file and folder under it."""
    database = sqlite3.connect(root / "archive.db")
    try:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = list(database.iterdump())
    finally:
        database.close()  # the last connection: the WAL is checkpointed and removed
    tree = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            tree[relative] = f"symlink to {os.readlink(path)}"
        elif path.is_dir():
            tree[relative] = "folder"
        elif not relative.endswith("-shm"):  # SQLite's shared-memory index, not data
            tree[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"dump": dump, "tree": tree}


def assert_unchanged(before: dict, after: dict) -> None:
    assert after["tree"].keys() == before["tree"].keys(), (
        f"added {sorted(after['tree'].keys() - before['tree'].keys())}, "
        f"removed {sorted(before['tree'].keys() - after['tree'].keys())}")
    changed = [name for name in before["tree"] if before["tree"][name] != after["tree"][name]]
    assert not changed, f"changed: {changed}"
    assert after["dump"] == before["dump"]


def escaped_files(tmp_path: Path, target: Path) -> list[Path]:
    """Files the import may have written outside the archive (anything named like the attack's payload)."""
    return [p for p in tmp_path.rglob("*evil*") if p.parent.name != "bundles" and target not in p.parents]


def refuse(target: Path, bundle: Path, expected: str | re.Pattern, *, before_extracting: bool = False) -> str:
    """Import ``bundle`` into ``target`` both ways; both must refuse with ``expected`` and change nothing.

    ``before_extracting``: the refusal must come from the checks on the zip alone, before a byte is unpacked.
    """
    before = snapshot(target)
    extracted = []

    def spy(*args, **kwargs):
        extracted.append(args[0])
        return extract(*args, **kwargs)

    with Archive.open(target) as archive, pytest.MonkeyPatch.context() as patch:
        patch.setattr(merge, "extract", spy)
        with pytest.raises(BundleRefused) as caught:
            import_bundle(archive, bundle)
        report = import_paths(archive, [bundle])
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert caught.value.__cause__ is None
    if isinstance(expected, str):
        assert message == expected
    else:
        assert expected.fullmatch(message), message
    assert [(r.outcome, r.message) for r in report.results] == [(Outcome.FAILED, message)]
    assert not report.bundles
    assert_unchanged(before, snapshot(target))
    assert not escaped_files(target.parent.parent.parent, target)
    if before_extracting:
        assert not extracted, "refused only after unpacking"
    print(f"\n    {bundle.name}: {message}")
    return message


def refuses_in_extract(bundle: Path, tmp_path: Path, expected: str) -> None:
    """The second line of defence: ``extract`` alone, given entries ``check_zip`` would have stopped."""
    with zipfile.ZipFile(bundle) as opened:
        infos = [i for i in opened.infolist() if not i.is_dir()]
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(BundleRefused) as caught:
        extract(bundle, infos, staging)
    assert str(caught.value) == expected
    assert not escaped_files(tmp_path, staging)


# --- the positive controls ---------------------------------------------------------------


def test_the_untouched_bundle_imports_into_a_copy_of_the_archive(target: Path, base: Path) -> None:
    """The archive it came from: everything is already there, so nothing changes (the snapshot is that strict)."""
    before = snapshot(target)
    with Archive.open(target) as archive:
        report = import_paths(archive, [base])
    assert [r.outcome for r in report.results] == [Outcome.IMPORTED], report.results
    assert "added nothing" in report.results[0].message and "0 conflict(s)" in report.results[0].message
    assert_unchanged(before, snapshot(target))


def test_the_untouched_bundle_imports_into_an_empty_archive(archive: Archive, base: Path) -> None:
    report = import_bundle(archive, base)
    assert report.added == {"documents": 7, "articles": 1, "claims": 12}


def test_the_factory_round_trips_are_themselves_harmless(target: Path, base: Path, out: Path) -> None:
    """Rewritten, re-bagged and hand-written copies of the bundle still import: the attacks alone are refused."""
    copies = [
        factory.rewrite(base, out / "rewritten.zip"),
        factory.rebag(base, out / "rebagged.zip", lambda bag: None),
        factory.edit_tag_files(base, out / "retagged.zip", lambda tags: tags, update_tagmanifest=True),
    ]
    (out / "raw.zip").write_bytes(factory.raw_zip(factory.raw_entries(base)))
    copies.append(out / "raw.zip")
    with Archive.open(target) as archive:
        for copy in copies:
            assert import_bundle(archive, copy).added == {}, copy.name


# --- 1-5: names and kinds ----------------------------------------------------------------


def test_1_path_traversal(target: Path, base: Path, out: Path, tmp_path: Path) -> None:
    bundle = factory.rewrite(base, out / "traversal.zip", add=[(f"{BAG}/../../evil.txt", b"pwned")])
    refuse(target, bundle, f"bundle refused: entry '{BAG}/../../evil.txt' leaves the bundle (..)",
           before_extracting=True)
    refuses_in_extract(bundle, tmp_path, f"bundle refused: entry '{BAG}/../../evil.txt' would be written "
                                         "outside the bundle")


def test_1b_deep_traversal_from_inside_the_data_folder(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "deep.zip", add=[(f"{BAG}/data/../../../../../evil.txt", b"x")])
    refuse(target, bundle, f"bundle refused: entry '{BAG}/data/../../../../../evil.txt' leaves the bundle (..)",
           before_extracting=True)


def test_2_absolute_path(target: Path, base: Path, out: Path, tmp_path: Path) -> None:
    bundle = factory.rewrite(base, out / "absolute.zip", add=[("/etc/evil", b"x")])
    refuse(target, bundle, "bundle refused: entry '/etc/evil' has an absolute path", before_extracting=True)
    refuses_in_extract(bundle, tmp_path, "bundle refused: entry '/etc/evil' would be written outside the bundle")


def test_3_windows_drive_letter(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "drive.zip", add=[("C:/evil", b"x")])
    refuse(target, bundle, "bundle refused: entry 'C:/evil' has an absolute path", before_extracting=True)


def test_3_backslash_path(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "backslash.zip", add=[(f"{BAG}\\data\\evil.txt", b"x")])
    refuse(target, bundle, "bundle refused: entry 'footnote-bundle\\\\data\\\\evil.txt' uses a backslash in its path",
           before_extracting=True)


def test_3_backslash_traversal(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "backslash-up.zip", add=[(f"{BAG}/..\\..\\evil.txt", b"x")])
    refuse(target, bundle, "bundle refused: entry 'footnote-bundle/..\\\\..\\\\evil.txt' uses a backslash in its path",
           before_extracting=True)


def test_4_sibling_prefix_escape(target: Path, base: Path, out: Path, tmp_path: Path) -> None:
    bundle = factory.rewrite(base, out / "sibling.zip", add=[(f"{BAG}-evil/data/x.txt", b"x")])
    refuse(target, bundle, "bundle refused: entry 'footnote-bundle-evil/data/x.txt' is outside the bundle's "
                           "folder footnote-bundle/", before_extracting=True)
    refuses_in_extract(bundle, tmp_path, "bundle refused: entry 'footnote-bundle-evil/data/x.txt' would be "
                                         "written outside the bundle")


def test_5_symlink_pointing_outside(target: Path, base: Path, out: Path) -> None:
    link = factory.file_info(f"{BAG}/data/documents/evil-link", attr=factory.LINK_ATTR)
    bundle = factory.rewrite(base, out / "symlink.zip", add=[(link, b"../../../../../../etc/passwd")])
    refuse(target, bundle, f"bundle refused: entry '{BAG}/data/documents/evil-link' is a symbolic link or "
                           "special file", before_extracting=True)


def test_5b_device_file(target: Path, base: Path, out: Path) -> None:
    device = factory.file_info(f"{BAG}/data/evil-device", attr=(stat.S_IFCHR | 0o666) << 16)
    bundle = factory.rewrite(base, out / "device.zip", add=[(device, b"")])
    refuse(target, bundle, f"bundle refused: entry '{BAG}/data/evil-device' is a symbolic link or special file",
           before_extracting=True)


def test_5c_encrypted_entry(target: Path, out: Path) -> None:
    bundle = out / "encrypted.zip"
    bundle.write_bytes(factory.raw_zip([factory.stored(f"{BAG}/data/evil-secret.txt", b"x" * 100, flags=0x1)]))
    refuse(target, bundle, f"bundle refused: entry '{BAG}/data/evil-secret.txt' is encrypted", before_extracting=True)


def test_control_characters_in_a_name(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "control.zip", add=[(f"{BAG}/data/evil\r\n.txt", b"x")])
    refuse(target, bundle, f"bundle refused: entry '{BAG}/data/evil\\r\\n.txt' has control characters in its name",
           before_extracting=True)


# --- 6-8: bombs and broken zips ----------------------------------------------------------


def test_6_two_gib_of_zeros(target: Path, out: Path) -> None:
    """2 GiB of real zeros in ~2 MB; refused from the declared size, before a byte is inflated."""
    bomb = out / "bomb.zip"
    bomb.write_bytes(factory.raw_zip([factory.zeros_bomb(f"{BAG}/data/evil-zeros.bin", 2 << 30)]))
    assert bomb.stat().st_size < 3 << 20
    refuse(target, bomb, f"bundle refused: entry '{BAG}/data/evil-zeros.bin' expands to 2,147,483,648 bytes",
           before_extracting=True)


def test_6b_bomb_under_the_size_limit_is_caught_by_its_ratio(target: Path, out: Path) -> None:
    bomb = out / "ratio.zip"
    bomb.write_bytes(factory.raw_zip([factory.zeros_bomb(f"{BAG}/data/evil-zeros.bin", 512 << 20)]))
    refuse(target, bomb, re.compile(rf"bundle refused: entry '{BAG}/data/evil-zeros\.bin' expands 1,0\d\d times: "
                                    r"a zip bomb"), before_extracting=True)


def test_6c_bomb_that_lies_about_its_size_stops_at_the_declared_size(target: Path, out: Path) -> None:
    """Declares 1 MiB (ratio looks fine), really inflates to 1 GiB: extraction stops at 1 MiB, the CRC fails."""
    bomb = out / "liar.zip"
    entry = factory.zeros_bomb(f"{BAG}/data/evil-zeros.bin", 1 << 30, declared_size=1 << 20)
    bomb.write_bytes(factory.raw_zip([entry]))
    refuse(target, bomb, f"bundle refused: the zip is damaged (Bad CRC-32 for file '{BAG}/data/evil-zeros.bin')")


def test_6d_many_entries_adding_up_past_the_total_limit(target: Path, out: Path) -> None:
    entries = [factory.RawEntry(f"{BAG}/data/part{n}.bin", bytes(6 << 20), size=1 << 30) for n in range(5)]
    bomb = out / "total.zip"
    bomb.write_bytes(factory.raw_zip(entries))
    refuse(target, bomb, "bundle refused: it expands to more than 4 GiB", before_extracting=True)


def test_6e_bzip2_entry(target: Path, base: Path, out: Path) -> None:
    """bzip2 and LZMA inflate a whole read at once (zipfile has no cap for them): 81 bytes can be 45 MB."""
    info = factory.file_info(f"{BAG}/data/evil-zeros.bz2.bin")
    info.compress_type = zipfile.ZIP_BZIP2
    bundle = factory.rewrite(base, out / "bzip2.zip", add=[(info, bytes(1 << 20))])
    refuse(target, bundle, f"bundle refused: entry '{BAG}/data/evil-zeros.bz2.bin' is compressed with bzip2 "
                           "(Footnote reads only stored and deflated entries)", before_extracting=True)


def test_7_overlapping_entries_share_one_local_header(target: Path, base: Path, out: Path) -> None:
    entries = factory.raw_entries(base)
    catalog = next(e for e in entries if e.name.endswith("/data/catalog.json"))
    twin = replace(catalog, name=f"{BAG}/data/evil-twin.json", points_at=catalog.name)
    bundle = out / "overlap.zip"
    bundle.write_bytes(factory.raw_zip([*entries, twin]))
    refuse(target, bundle, f"bundle refused: entries '{BAG}/data/catalog.json' and '{BAG}/data/evil-twin.json' "
                           "overlap in the file", before_extracting=True)


def test_7b_overlapping_entries_quoted_inside_another(target: Path, out: Path) -> None:
    bundle = out / "quoted.zip"
    bundle.write_bytes(factory.quoted_overlap(f"{BAG}/data/evil-outer.bin", f"{BAG}/data/evil-inner.txt",
                                              b"quoted " * 1000))
    refuse(target, bundle, f"bundle refused: entries '{BAG}/data/evil-outer.bin' and '{BAG}/data/evil-inner.txt' "
                           "overlap in the file", before_extracting=True)


def test_8_truncated_zip(target: Path, base: Path, out: Path) -> None:
    bundle = out / "truncated.zip"
    data = base.read_bytes()
    bundle.write_bytes(data[:len(data) // 2])
    refuse(target, bundle, "bundle refused: not a readable zip file (File is not a zip file)", before_extracting=True)


def test_8c_damaged_deflate_data(target: Path, base: Path, out: Path) -> None:
    """A flipped byte inside a deflated entry: zlib's own error becomes a refusal, not a traceback."""
    data = bytearray(base.read_bytes())
    with zipfile.ZipFile(base) as opened:
        info = opened.getinfo(f"{BAG}/data/catalog.json")
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    data[info.header_offset + 30 + name_length + extra_length + 100] ^= 0x55
    bundle = out / "bad-deflate.zip"
    bundle.write_bytes(bytes(data))
    # What breaks first depends on the compressed bytes (the catalog differs on every export): the
    # inflater's own error or the CRC check; either way one line, nothing changed.
    refuse(target, bundle, re.compile(r"bundle refused: the zip is damaged \((Error -?\d+ while decompressing "
                                      r"data: .+|Bad CRC-32 for file '.+')\)"))


def test_8b_zip_cut_inside_its_central_directory(target: Path, base: Path, out: Path) -> None:
    data = base.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    bundle = out / "cut-directory.zip"
    bundle.write_bytes(data[:end - 100] + data[end:])  # the end record kept, the directory cut short
    refuse(target, bundle, re.compile(r"bundle refused: not a readable zip file \(.+\)"), before_extracting=True)


# --- 9-11: the bag's checksums -----------------------------------------------------------


def test_9_tampered_catalog_of_the_same_size(target: Path, base: Path, out: Path) -> None:
    catalog = factory.member(base, "data/catalog.json")
    tampered = factory.same_size_tamper(catalog)
    assert len(tampered) == len(catalog) and tampered != catalog
    bundle = factory.rewrite(base, out / "tampered-catalog.zip", replace_data={f"{BAG}/data/catalog.json": tampered})
    refuse(target, bundle, f'bundle refused: it does not match its checksums (data/catalog.json sha256 validation '
                           f'failed: expected="{hashlib.sha256(catalog).hexdigest()}" '
                           f'found="{hashlib.sha256(tampered).hexdigest()}")')


def test_9b_tampered_document_of_the_same_size(target: Path, base: Path, out: Path) -> None:
    with zipfile.ZipFile(base) as opened:
        name = next(n for n in opened.namelist() if n.endswith(".pdf"))
    original = factory.member(base, name[len(BAG) + 1:])
    tampered = factory.same_size_tamper(original, at=len(original) // 3)
    bundle = factory.rewrite(base, out / "tampered-pdf.zip", replace_data={name: tampered})
    refuse(target, bundle, f'bundle refused: it does not match its checksums ({name[len(BAG) + 1:]} sha256 '
                           f'validation failed: expected="{hashlib.sha256(original).hexdigest()}" '
                           f'found="{hashlib.sha256(tampered).hexdigest()}")')


def test_10_bag_info_edited_without_its_tag_manifest(target: Path, base: Path, out: Path) -> None:
    def edit(tags: dict[str, bytes]) -> dict[str, bytes]:
        info = tags["bag-info.txt"].replace(b"Source-Organization: Footnote user",
                                            b"Source-Organization: Evil Corp")
        assert info != tags["bag-info.txt"]
        return tags | {"bag-info.txt": info}

    bundle = factory.edit_tag_files(base, out / "bag-info.zip", edit, update_tagmanifest=False)
    refuse(target, bundle, re.compile(r'bundle refused: it does not match its checksums \(bag-info\.txt sha256 '
                                      r'validation failed: expected="[0-9a-f]{64}" found="[0-9a-f]{64}"\)'))


def test_11_malformed_payload_oxum(target: Path, base: Path, out: Path) -> None:
    def edit(tags: dict[str, bytes]) -> dict[str, bytes]:
        info = re.sub(rb"Payload-Oxum: \S+", b"Payload-Oxum: abc.def", tags["bag-info.txt"])
        return tags | {"bag-info.txt": info}

    bundle = factory.edit_tag_files(base, out / "oxum.zip", edit, update_tagmanifest=True)
    refuse(target, bundle, "bundle refused: it is not a valid BagIt bag (Malformed Payload-Oxum value: abc.def)")


def test_11b_payload_oxum_without_a_dot(target: Path, base: Path, out: Path) -> None:
    def edit(tags: dict[str, bytes]) -> dict[str, bytes]:
        return tags | {"bag-info.txt": re.sub(rb"Payload-Oxum: \S+", b"Payload-Oxum: 12345", tags["bag-info.txt"])}

    bundle = factory.edit_tag_files(base, out / "oxum-nodot.zip", edit, update_tagmanifest=True)
    refuse(target, bundle, "bundle refused: it is not a valid BagIt bag (Malformed Payload-Oxum value: 12345)")


def test_11c_payload_oxum_that_disagrees(target: Path, base: Path, out: Path) -> None:
    def edit(tags: dict[str, bytes]) -> dict[str, bytes]:
        return tags | {"bag-info.txt": re.sub(rb"Payload-Oxum: \S+", b"Payload-Oxum: 1.1", tags["bag-info.txt"])}

    bundle = factory.edit_tag_files(base, out / "oxum-wrong.zip", edit, update_tagmanifest=True)
    refuse(target, bundle, re.compile(r"bundle refused: it does not match its checksums \(Payload-Oxum validation "
                                      r"failed\. Expected 1 files and 1 bytes but found 12 files and \d+ bytes\)"))


def test_a_file_smuggled_in_without_a_manifest_line(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "smuggled.zip", add=[(f"{BAG}/data/documents/evil.html", b"<script>")])
    refuse(target, bundle, re.compile(r"bundle refused: it does not match its checksums \(Payload-Oxum validation "
                                      r"failed\. .+\)"))


def test_a_file_missing_from_the_bag(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "missing.zip", drop=[f"{BAG}/data/report.html"])
    refuse(target, bundle, re.compile(r"bundle refused: it does not match its checksums \(Payload-Oxum validation "
                                      r"failed\. .+\)"))


def test_a_manifest_line_pointing_outside_the_bag(target: Path, base: Path, out: Path) -> None:
    def edit(bag: Path) -> None:
        (bag / "data" / "evil.txt").write_text("x")

    rebagged = factory.rebag(base, out / "rebagged.zip", edit)

    def add_line(tags: dict[str, bytes]) -> dict[str, bytes]:
        line = f"{'0' * 64}  data/../../../evil.txt\n".encode()
        return tags | {"manifest-sha256.txt": tags["manifest-sha256.txt"] + line}

    bundle = factory.edit_tag_files(rebagged, out / "manifest-escape.zip", add_line, update_tagmanifest=True)
    refuse(target, bundle, 'bundle refused: it is not a valid BagIt bag (Path "../../evil.txt" in manifest '
                           '"manifest-sha256.txt" is unsafe)')


def test_no_tag_manifest(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "no-tagmanifest.zip", drop=[f"{BAG}/tagmanifest-sha256.txt"])
    refuse(target, bundle, "bundle refused: its tagmanifest-sha256.txt is missing: the bag cannot be checked")


# --- 12-13: counts and names ---------------------------------------------------------------


def test_12_a_hundred_thousand_entries(target: Path, out: Path) -> None:
    bundle = out / "many.zip"
    bundle.write_bytes(factory.many_entries(100_000))
    refuse(target, bundle, "bundle refused: it has 100,000 entries (at most 20,000 are accepted)",
           before_extracting=True)


def test_12b_the_entry_limit_applies_before_zipfile_reads_every_entry(out: Path, monkeypatch) -> None:
    bundle = out / "many.zip"
    bundle.write_bytes(factory.many_entries(100_000))

    def no_parsing(*args, **kwargs):
        raise AssertionError("zipfile parsed the central directory")

    monkeypatch.setattr(unpack.zipfile, "ZipFile", no_parsing)
    with pytest.raises(BundleRefused, match=r"it has 100,000 entries"):
        check_zip(bundle)


def test_13_the_same_name_twice(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "duplicate.zip", add=[(f"{BAG}/data/catalog.json", b'{"evil": true}')])
    refuse(target, bundle, f"bundle refused: entries '{BAG}/data/catalog.json' and '{BAG}/data/catalog.json' "
                           "have the same name", before_extracting=True)


def test_13b_names_differing_only_in_case(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "case.zip", add=[(f"{BAG}/data/Catalog.JSON", b'{"evil": true}')])
    refuse(target, bundle, f"bundle refused: entries '{BAG}/data/catalog.json' and '{BAG}/data/Catalog.JSON' "
                           "have the same name", before_extracting=True)


def test_13c_names_differing_only_in_unicode_normalisation(target: Path, base: Path, out: Path) -> None:
    composed = f"{BAG}/data/caf\u00e9.txt"
    decomposed = unicodedata.normalize("NFD", composed)
    bundle = factory.rewrite(base, out / "nfd.zip", add=[(composed, b"1"), (decomposed, b"2")])
    refuse(target, bundle, f"bundle refused: entries {composed!r} and {decomposed!r} have the same name",
           before_extracting=True)


def test_13d_a_file_and_a_folder_of_the_same_name(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "file-and-folder.zip", add=[(f"{BAG}/data/documents/", b"")])
    # A folder entry named like the folder the files go in is harmless…
    with Archive.open(target) as archive:
        assert import_bundle(archive, bundle).added == {}
    bundle = factory.rewrite(base, out / "file-shadows-folder.zip", add=[(f"{BAG}/data/documents", b"evil")])
    refuse(target, bundle, "bundle refused: two entries write the same file (documents)")


def test_13e_the_same_file_by_two_spellings(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rewrite(base, out / "dot.zip", add=[(f"{BAG}/./data/catalog.json", b'{"evil": true}')])
    refuse(target, bundle, "bundle refused: two entries write the same file (catalog.json)")


# --- 14: the catalog ---------------------------------------------------------------------


def edit_catalog(change):
    def edit(bag: Path) -> None:
        path = bag / "data" / "catalog.json"
        catalog = json.loads(path.read_text(encoding="utf-8"))
        catalog = change(catalog) or catalog
        path.write_text(json.dumps(catalog, indent=1), encoding="utf-8")

    return edit


def test_14_newer_bundle_version(target: Path, base: Path, out: Path) -> None:
    bundle = factory.rebag(base, out / "newer.zip", edit_catalog(lambda c: c.update(version=2)))
    refuse(target, bundle, "bundle refused: it was made by a newer Footnote (bundle version 2, this Footnote "
                           "reads up to 1)")


def first_article(catalog: dict) -> dict:
    return catalog["articles"][0]


MALFORMED = {
    "not-a-footnote-bundle": (lambda c: c.update(format="something-else"),
                              "it is not a Footnote bundle (catalog.json has another format)"),
    "documents-not-a-list": (lambda c: c.update(documents={"a": 1}),
                             "its catalog.json is malformed (documents should be a list)"),
    "claim-start-a-string": (lambda c: first_article(c)["claims"][0].update(start="12"),
                             "its catalog.json is malformed (claim 'start' is missing or not an int)"),
    "claim-end-true": (lambda c: first_article(c)["claims"][0].update(end=True),
                       "its catalog.json is malformed (claim 'end' is missing or not an int)"),
    "claim-outside-its-text": (lambda c: first_article(c)["claims"][0].update(end=10 ** 9),
                               re.compile(r"claim '[0-9a-f]+' points outside its article's text")),
    "unknown-document-kind": (lambda c: c["documents"][0].update(kind="exe"),
                              re.compile(r"document '[0-9a-f]+' has an unknown kind 'exe'")),
    "document-file-outside": (lambda c: c["documents"][0].update(file="../../../../etc/passwd"),
                              "its catalog names a file that is not in the bundle ('../../../../etc/passwd')"),
    "catalog-a-list": (lambda c: [c], "its catalog.json is malformed (catalog should be a dict)"),
    "source-not-a-record": (lambda c: first_article(c).update(sources=[1]),
                            "its catalog.json is malformed (source should be a dict)"),
    "source-number-a-word": (lambda c: first_article(c)["sources"][0].update(number="one"),
                             "its catalog.json is malformed (source 'number' is missing or not an int)"),
    "section-start-missing": (lambda c: first_article(c).update(sections=[{"title": "x"}]),
                              "its catalog.json is malformed (section 'start' is missing or not an int)"),
    "tags-not-strings": (lambda c: first_article(c)["claims"][0].update(tags=[["evil"]]),
                         "its catalog.json is malformed (tag should be a str)"),
    "citation-source-a-word": (lambda c: first_article(c)["claims"][0].update(citations=[{"source": "x"}]),
                               "its catalog.json is malformed (citation 'source' is missing or not an int)"),
    "link-score-a-word": (lambda c: next(claim for claim in first_article(c)["claims"] if claim["links"])
                          ["links"][0].update(score="high"),
                          "its catalog.json is malformed (link 'score' is not a number)"),
    "collection-items-not-records": (lambda c: c.update(collections=[{"id": "x", "name": "y", "items": ["z"]}]),
                                     "its catalog.json is malformed (collection item should be a dict)"),
    "document-size-a-word": (lambda c: c["documents"][0].update(size="big"),
                             "its catalog.json is malformed (document 'size' is not an int)"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_14b_malformed_catalog_with_valid_checksums(target: Path, base: Path, out: Path, case: str) -> None:
    change, reason = MALFORMED[case]
    bundle = factory.rebag(base, out / f"{case}.zip", edit_catalog(change))
    expected = (re.compile("bundle refused: " + reason.pattern) if isinstance(reason, re.Pattern)
                else f"bundle refused: {reason}")
    refuse(target, bundle, expected)


def test_14c_catalog_that_is_not_json(target: Path, base: Path, out: Path) -> None:
    def edit(bag: Path) -> None:
        (bag / "data" / "catalog.json").write_bytes(b"\xff\xfe not json")

    bundle = factory.rebag(base, out / "not-json.zip", edit)
    refuse(target, bundle, re.compile(r"bundle refused: its catalog\.json cannot be read \(.+\)"))


def test_14d_a_new_article_whose_claim_takes_an_existing_claims_id(target: Path, base: Path, out: Path) -> None:
    """Passes every check on its own, clashes with the archive at merge time: refused, the new file removed."""
    def change(catalog: dict) -> None:
        article = first_article(catalog)
        clone = json.loads(json.dumps(article))
        clone["id"] = uuid.uuid4().hex
        clone["file"] = "documents/evil-article.txt"
        clone["sha256"] = hashlib.sha256(b"an evil article\n").hexdigest()
        clone["claims"] = clone["claims"][:1]  # its id is the demo article's first claim's
        catalog["articles"].append(clone)

    def edit(bag: Path) -> None:
        (bag / "data" / "documents" / "evil-article.txt").write_bytes(b"an evil article\n")
        edit_catalog(change)(bag)

    bundle = factory.rebag(base, out / "clash.zip", edit)
    refuse(target, bundle, re.compile(r"bundle refused: it clashes with this archive \(.+\)"))


# --- 15: not a zip at all ------------------------------------------------------------------


def test_15_random_bytes_named_zip(target: Path, out: Path) -> None:
    bundle = out / "random.zip"
    bundle.write_bytes(random.Random(15).randbytes(100_000))
    refuse(target, bundle, "bundle refused: not a readable zip file (File is not a zip file)", before_extracting=True)


def test_15b_empty_file_named_zip(target: Path, out: Path) -> None:
    bundle = out / "empty.zip"
    bundle.write_bytes(b"")
    refuse(target, bundle, "bundle refused: not a readable zip file (File is not a zip file)", before_extracting=True)


def test_15c_an_empty_zip(target: Path, out: Path) -> None:
    bundle = out / "nothing.zip"
    bundle.write_bytes(factory.raw_zip([]))
    refuse(target, bundle, "bundle refused: it is not a valid BagIt bag (Expected bagit.txt does not exist: "
                           "bagit.txt)")


# --- the property: random damage never gets past the checks --------------------------------


def _payload(data: bytes) -> dict[str, bytes] | None:
    """What the bytes hold as a zip, read strictly (every CRC checked); None when unreadable."""
    try:
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as opened:
            return {info.filename: opened.read(info) for info in opened.infolist()}
    except Exception:  # noqa: BLE001 - the oracle: anything unreadable is simply "not valid"
        return None


def _mutations(length: int, hot: list[int]):
    position = st.one_of(st.integers(0, length - 1),
                         st.sampled_from(hot).flatmap(lambda start: st.integers(start, min(start + 64, length - 1))))
    return st.lists(st.one_of(
        st.tuples(st.just("flip"), position, st.integers(1, 255)),
        st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("delete"), position, st.integers(1, 8)),
        st.tuples(st.just("truncate"), position, st.just(0)),
    ), min_size=1, max_size=3)


def _apply(data: bytes, mutations) -> bytes:
    for kind, position, argument in mutations:
        position %= max(len(data), 1)
        if kind == "flip":
            data = data[:position] + bytes([data[position] ^ argument]) + data[position + 1:]
        elif kind == "insert":
            data = data[:position] + argument + data[position:]
        elif kind == "delete":
            data = data[:position] + data[position + argument:]
        else:
            data = data[:position]
    return data


@pytest.fixture(scope="module")
def hot_spots(demo: Demo) -> list[int]:
    """Where the zip's structure is: local headers, the central directory and its end record."""
    data = demo.bundle.read_bytes()
    with zipfile.ZipFile(demo.bundle) as opened:
        headers = [info.header_offset for info in opened.infolist()]
    directory = data.rindex(b"PK\x01\x02")
    return headers + list(range(data.index(b"PK\x01\x02"), directory + 1, 64)) + [data.rindex(b"PK\x05\x06")]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_damage_is_refused_or_harmless(demo: Demo, hot_spots: list[int], data: st.DataObject) -> None:
    original = demo.bundle.read_bytes()
    mutated = _apply(original, data.draw(_mutations(len(original), hot_spots), label="mutations"))
    work = Path(tempfile.mkdtemp(dir=demo.scratch))
    try:
        target = work / "archive"
        shutil.copytree(demo.archive, target)
        bundle = work / "mutated.zip"
        bundle.write_bytes(mutated)
        before = snapshot(target)
        try:
            with Archive.open(target) as archive:
                report = import_bundle(archive, bundle)
        except FootnoteError as error:  # anything else fails the test
            assert isinstance(error, BundleRefused)
            assert "\n" not in str(error) and str(error).startswith("bundle refused: ")
            assert_unchanged(before, snapshot(target))
            event(f"refused: {re.split(r' [(]|: |[0-9]', str(error).removeprefix('bundle refused: '))[0]}")
        else:
            event("imported (the damage was in bytes nothing reads)")
            assert _payload(mutated) == _payload(original), "imported bytes that do not hold the bundle"
            assert report.added == {}
    finally:
        shutil.rmtree(work, ignore_errors=True)
