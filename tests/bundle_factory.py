"""Crafting hostile bundles for the tests: zip surgery on a real bundle, and zips written by hand.

Two ways in.  ``rewrite``/``rebag`` go through :mod:`zipfile` and :mod:`bagit`
(edit a real bundle's entries, or edit its unpacked bag and re-bag it so that
every checksum is right again).  ``raw_zip`` writes the zip structures byte by
byte, for what :mod:`zipfile` refuses to write: central-directory entries
that point at another entry's data, sizes that lie, a 2 GiB entry built from
one repeated deflate block, 100,000 entries in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import stat
import struct
import tempfile
import warnings
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

import bagit

from archive.bundles import BAG_FOLDER

BAG = BAG_FOLDER
FILE_ATTR = (stat.S_IFREG | 0o644) << 16
LINK_ATTR = (stat.S_IFLNK | 0o777) << 16
_DOS_TIME, _DOS_DATE = 0, (2026 - 1980) << 9 | 1 << 5 | 1  # 2026-01-01 00:00


# --- through zipfile and bagit -----------------------------------------------------------


def read_entries(bundle: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Every entry of a (valid) bundle with its uncompressed bytes, in order."""
    with zipfile.ZipFile(bundle) as source:
        return [(info, source.read(info)) for info in source.infolist()]


def write_entries(target: Path, entries: Iterable[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    """Write entries with zipfile (duplicate names allowed: that is sometimes the point)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
            for info, data in entries:
                if isinstance(info, str):
                    info = file_info(info)
                out.writestr(info, data)
    return target


def file_info(name: str, attr: int = FILE_ATTR) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = attr
    return info


def rewrite(bundle: Path, target: Path, *, replace_data: dict[str, bytes] | None = None,
            add: Iterable[tuple[zipfile.ZipInfo | str, bytes]] = (), drop: Iterable[str] = ()) -> Path:
    """A copy of ``bundle`` with some entries' bytes replaced, some dropped and some appended (at the end)."""
    replace_data = dict(replace_data or {})
    dropped = set(drop)
    entries = []
    for info, data in read_entries(bundle):
        if info.filename in dropped:
            continue
        entries.append((info, replace_data.pop(info.filename, data)))
    if replace_data:
        raise KeyError(f"no such entries: {sorted(replace_data)}")
    return write_entries(target, [*entries, *add])


def member(bundle: Path, name: str) -> bytes:
    with zipfile.ZipFile(bundle) as source:
        return source.read(f"{BAG}/{name}")


def same_size_tamper(data: bytes, at: int | None = None) -> bytes:
    """Flip the case of one ASCII letter (or one bit): same length, different bytes."""
    start = len(data) // 2 if at is None else at
    for i in range(start, len(data)):
        if chr(data[i]).isalpha() and data[i] < 128:
            return data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1:]
    return data[:start] + bytes([data[start] ^ 0x01]) + data[start + 1:]


def retag(files: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute tagmanifest-sha256.txt for entries edited in memory (names relative to the bag)."""
    lines = []
    for line in files["tagmanifest-sha256.txt"].decode().splitlines():
        _digest, name = line.split(maxsplit=1)
        lines.append(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n")
    return files | {"tagmanifest-sha256.txt": "".join(lines).encode()}


def edit_tag_files(bundle: Path, target: Path, edit: Callable[[dict[str, bytes]], dict[str, bytes]],
                   *, update_tagmanifest: bool) -> Path:
    """Edit the bag's tag files (bag-info.txt…) in memory; optionally make the tag manifest agree again."""
    entries = read_entries(bundle)
    tags = {info.filename[len(BAG) + 1:]: data for info, data in entries if "/data/" not in info.filename}
    edited = edit(dict(tags))
    if update_tagmanifest:
        edited = retag(edited)
    return write_entries(target, [(info, edited.get(info.filename[len(BAG) + 1:], data)) for info, data in entries])


def rebag(bundle: Path, target: Path, edit: Callable[[Path], None]) -> Path:
    """Unpack, let ``edit`` change the bag, re-bag it with bagit (manifests, Payload-Oxum, tag manifest), zip it.

    Every checksum in the result is right: only checks past bagit can catch what ``edit`` did.
    """
    work = Path(tempfile.mkdtemp(prefix="rebag-"))
    try:
        with zipfile.ZipFile(bundle) as source:
            source.extractall(work)
        bag_dir = work / BAG
        edit(bag_dir)
        bag = bagit.Bag(str(bag_dir))
        bag.save(manifests=True)
        files = sorted(p for p in bag_dir.rglob("*") if p.is_file())
        return write_entries(target, [(f"{BAG}/{p.relative_to(bag_dir).as_posix()}", p.read_bytes())
                                      for p in files])
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- by hand -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RawEntry:
    """One entry as it goes into the zip: ``data`` is what is stored (already compressed)."""

    name: str
    data: bytes
    method: int = zipfile.ZIP_STORED
    crc: int = 0
    size: int = 0  # uncompressed size, as declared
    attr: int = FILE_ATTR
    flags: int = 0
    points_at: str | None = None  # no local header of its own: the central directory points at this entry's
    offset_delta: int = 0  # …header, moved by this many bytes

    @property
    def compressed_size(self) -> int:
        return len(self.data)


def stored(name: str, content: bytes, **changes) -> RawEntry:
    return replace(RawEntry(name, content, zipfile.ZIP_STORED, zlib.crc32(content), len(content)), **changes)


def deflated(name: str, content: bytes, **changes) -> RawEntry:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = packer.compress(content) + packer.flush()
    return replace(RawEntry(name, data, zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content)), **changes)


def local_header(entry: RawEntry) -> bytes:
    name = entry.name.encode("utf-8")
    return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, entry.flags, entry.method, _DOS_TIME, _DOS_DATE,
                       entry.crc, entry.compressed_size, entry.size, len(name), 0) + name


def raw_zip(entries: Iterable[RawEntry]) -> bytes:
    """A zip of exactly these entries (zip64 end records when there are more than 65,535)."""
    entries = list(entries)
    out = io.BytesIO()
    offsets: dict[str, int] = {}
    for entry in entries:
        if entry.points_at is None:
            offsets.setdefault(entry.name, out.tell())
            out.write(local_header(entry) + entry.data)
    directory_start = out.tell()
    for entry in entries:
        offset = offsets[entry.points_at or entry.name] + entry.offset_delta
        name = entry.name.encode("utf-8")
        out.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 0x031E, 20, entry.flags, entry.method, _DOS_TIME,
                              _DOS_DATE, entry.crc, entry.compressed_size, entry.size, len(name), 0, 0, 0, 0,
                              entry.attr, offset) + name)
    return _end_records(out.getvalue(), directory_start, len(entries))


def _end_records(body: bytes, directory_start: int, count: int) -> bytes:
    """Local headers and central directory, then the end records (zip64 ones past 65,535 entries)."""
    directory_size = len(body) - directory_start
    end = b""
    if count > 0xFFFF:
        end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 0x031E, 45, 0, 0, count, count, directory_size,
                          directory_start) + struct.pack("<4sLQL", b"PK\x06\x07", 0, len(body), 1)
        count = 0xFFFF
    return body + end + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, directory_size,
                                    directory_start, 0)


def raw_entries(bundle: Path) -> list[RawEntry]:
    """A real bundle's entries with their stored (compressed) bytes, for ``raw_zip`` to write again."""
    data = bundle.read_bytes()
    entries = []
    with zipfile.ZipFile(bundle) as source:
        for info in source.infolist():
            name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_length + extra_length
            entries.append(RawEntry(info.filename, data[start:start + info.compress_size], info.compress_type,
                                    info.CRC, info.file_size, info.external_attr, info.flag_bits & ~0x8))
    return entries


# --- bombs -------------------------------------------------------------------------------


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, column) for column in matrix]


def crc32_of_zeros(count: int) -> int:
    """``zlib.crc32(bytes(count))`` without touching ``count`` bytes (zlib's crc32_combine, in Python)."""
    # The CRC register after one more zero bit is linear in the register: a 32x32 matrix over GF(2).
    operator = [0xEDB88320] + [1 << (n - 1) for n in range(1, 32)]
    register = 0xFFFFFFFF
    bits = count * 8
    while bits:
        if bits & 1:
            register = _gf2_times(operator, register)
        operator = _gf2_square(operator)
        bits >>= 1
    return register ^ 0xFFFFFFFF


def zeros_bomb(name: str, size: int, *, block: int = 1 << 20, declared_size: int | None = None) -> RawEntry:
    """A deflated entry that really expands to ``size`` zero bytes, built in milliseconds.

    After a full flush deflate forgets everything, so the compressed form of one
    ``block`` of zeros can simply be repeated; the CRC comes from ``crc32_of_zeros``.
    ``declared_size`` makes the entry lie about how big it is.
    """
    if size % block:
        raise ValueError("size must be a multiple of block")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = packer.compress(bytes(block)) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(bytes(block)) + packer.flush(zlib.Z_FULL_FLUSH)
    assert again == piece, "deflate output of a block after a full flush should not depend on the past"
    data = piece * (size // block) + packer.flush()
    return RawEntry(name, data, zipfile.ZIP_DEFLATED, crc32_of_zeros(size),
                    size if declared_size is None else declared_size)


def quoted_overlap(outer: str, inner: str, inner_content: bytes) -> bytes:
    """The "overlapping files" bomb shape: ``inner``'s local header and data lie inside ``outer``'s data."""
    inner_entry = deflated(inner, inner_content)
    quoted = local_header(inner_entry) + inner_entry.data
    outer_entry = stored(outer, quoted)
    header_length = 30 + len(outer.encode())
    return raw_zip([outer_entry, replace(inner_entry, points_at=outer, offset_delta=header_length)])


def many_entries(count: int, folder: str = f"{BAG}/data/") -> bytes:
    """``count`` empty stored entries, written by hand (zipfile takes seconds for 100,000)."""
    names = [f"{folder}{n:06d}.txt".encode() for n in range(count)]
    local = struct.pack("<4s5H3L", b"PK\x03\x04", 20, 0, 0, _DOS_TIME, _DOS_DATE, 0, 0, 0)
    central = struct.pack("<4s6H3L", b"PK\x01\x02", 0x031E, 20, 0, 0, _DOS_TIME, _DOS_DATE, 0, 0, 0)
    tail = struct.pack("<3HL", 0, 0, 0, FILE_ATTR)
    parts, offsets, position = [], [], 0
    for name in names:
        offsets.append(position)
        header = local + struct.pack("<2H", len(name), 0) + name
        parts.append(header)
        position += len(header)
    for name, offset in zip(names, offsets):
        parts.append(central + struct.pack("<2H", len(name), 0) + tail + struct.pack("<L", offset) + name)
    body = b"".join(parts)
    return _end_records(body, position, count)
