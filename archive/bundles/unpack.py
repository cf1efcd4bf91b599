"""Opening a bundle someone sent: check everything before anything is unpacked, then unpack safely.

A bundle is untrusted input.  Before a byte is written, every entry name is
checked (no "..", absolute paths, drive letters, backslashes, escapes into a
sibling folder sharing the bag's name prefix, duplicate or colliding names),
entry kinds (no symlinks or devices), compression methods (stored and
deflated only: zipfile inflates the others without a cap), counts (read from
the end record first) and sizes, compression ratios
typical of zip bombs, and entries whose data overlap (the overlapping-entry
bomb).  Extraction then streams each entry with a hard cap on what it may
expand to.  Every problem becomes one :class:`BundleRefused` line.
"""

from __future__ import annotations

import stat
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from archive.bundles import BAG_FOLDER
from archive.errors import FootnoteError

MAX_ENTRIES = 20_000
MAX_ENTRY_BYTES = 1 << 30  # 1 GiB for one file
MAX_TOTAL_BYTES = 4 << 30  # 4 GiB for the whole bundle
MAX_RATIO = 200  # expanded / compressed, for entries over RATIO_FLOOR
RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20


class BundleRefused(FootnoteError):
    """The bundle is unsafe or damaged; nothing was changed."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"bundle refused: {reason}")
        self.reason = reason


def check_zip(path: Path) -> list[zipfile.ZipInfo]:
    """Every check that needs no extraction; returns the entries to unpack (files only)."""
    try:
        declared = _declared_entries(path)
        if declared > MAX_ENTRIES:  # refused before zipfile parses them all
            raise BundleRefused(f"it has {declared:,} entries (at most {MAX_ENTRIES:,} are accepted)")
        with zipfile.ZipFile(path) as bundle:
            infos = bundle.infolist()
            if len(infos) > MAX_ENTRIES:
                raise BundleRefused(f"it has {len(infos):,} entries (at most {MAX_ENTRIES:,} are accepted)")
            _check_names(infos)
            _check_kinds_and_sizes(infos)
            _check_overlaps(path, infos)
            return [info for info in infos if not info.is_dir()]
    except BundleRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, struct.error,
            NotImplementedError, UnicodeDecodeError) as error:
        raise BundleRefused(f"not a readable zip file ({_one_line(error)})") from None


def _declared_entries(path: Path) -> int:
    """The entry count in the zip's end record (zip64 too); 0 when there is none to read."""
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - 22 - 0xFFFF))  # the end record, then a comment of at most 64 KiB
        tail = handle.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or len(tail) < end + 22:
            return 0
        count = struct.unpack_from("<H", tail, end + 10)[0]
        if count == 0xFFFF and end >= 20 and tail[end - 20:end - 16] == b"PK\x06\x07":
            zip64_end = struct.unpack_from("<Q", tail, end - 12)[0]
            handle.seek(min(zip64_end, size))
            record = handle.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                count = struct.unpack_from("<Q", record, 32)[0]
        return count


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]


def _check_names(infos: list[zipfile.ZipInfo]) -> None:
    seen: dict[str, str] = {}
    for info in infos:
        name = info.filename
        if "\\" in name:
            raise BundleRefused(f"entry {name!r} uses a backslash in its path")
        if name.startswith("/") or (len(name) > 1 and name[1] == ":") or name.startswith("//"):
            raise BundleRefused(f"entry {name!r} has an absolute path")
        parts = PurePosixPath(name).parts
        if any(part == ".." for part in parts):
            raise BundleRefused(f"entry {name!r} leaves the bundle (..)")
        if "\x00" in name or any(ord(c) < 32 for c in name):
            raise BundleRefused(f"entry {name!r} has control characters in its name")
        if not parts or parts[0] != BAG_FOLDER:
            raise BundleRefused(f"entry {name!r} is outside the bundle's folder {BAG_FOLDER}/")
        key = unicodedata.normalize("NFC", name.rstrip("/")).casefold()
        if key in seen:
            raise BundleRefused(f"entries {seen[key]!r} and {name!r} have the same name")
        seen[key] = name


def _check_kinds_and_sizes(infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)  # 0 when the zip tool stored permissions only
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            raise BundleRefused(f"entry {info.filename!r} is a symbolic link or special file")
        if info.flag_bits & 0x1:
            raise BundleRefused(f"entry {info.filename!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # zipfile inflates bzip2 and LZMA a whole read at a time, with no cap: 100 bytes can be gigabytes.
            method = zipfile.compressor_names.get(info.compress_type, f"method {info.compress_type}")
            raise BundleRefused(f"entry {info.filename!r} is compressed with {method} "
                                "(Footnote reads only stored and deflated entries)")
        if info.file_size > MAX_ENTRY_BYTES:
            raise BundleRefused(f"entry {info.filename!r} expands to {info.file_size:,} bytes")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleRefused(f"entry {info.filename!r} expands {info.file_size // max(info.compress_size, 1):,}"
                                " times: a zip bomb")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise BundleRefused(f"it expands to more than {MAX_TOTAL_BYTES >> 30} GiB")


def _check_overlaps(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Entries must not share data: overlapping entries are how the worst zip bombs are built."""
    spans = []
    with open(path, "rb") as handle:
        for info in infos:
            handle.seek(info.header_offset)
            header = handle.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise BundleRefused(f"entry {info.filename!r} has a damaged header")
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            data_start = info.header_offset + 30 + name_length + extra_length
            spans.append((info.header_offset, data_start + info.compress_size, info.filename))
    spans.sort()
    for (start_a, end_a, name_a), (start_b, _end_b, name_b) in zip(spans, spans[1:]):
        if start_b < end_a:
            raise BundleRefused(f"entries {name_a!r} and {name_b!r} overlap in the file")


def extract(path: Path, infos: list[zipfile.ZipInfo], target: Path) -> Path:
    """Unpack the checked entries under ``target``; returns the bag folder."""
    root = target.resolve()
    try:
        with zipfile.ZipFile(path) as bundle:
            for info in infos:
                destination = (root / info.filename).resolve()
                if not destination.is_relative_to(root / BAG_FOLDER):  # the sibling-prefix escape, too
                    raise BundleRefused(f"entry {info.filename!r} would be written outside the bundle")
                destination.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                with bundle.open(info) as source, open(destination, "xb") as out:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        if written > info.file_size or written > MAX_ENTRY_BYTES:
                            raise BundleRefused(f"entry {info.filename!r} expands beyond its declared size")
                        out.write(chunk)
    except BundleRefused:
        raise
    except FileExistsError as error:
        raise BundleRefused(f"two entries write the same file ({Path(error.filename).name})") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, struct.error, NotImplementedError,
            zlib.error) as error:
        raise BundleRefused(f"the zip is damaged ({_one_line(error)})") from None
    return root / BAG_FOLDER
