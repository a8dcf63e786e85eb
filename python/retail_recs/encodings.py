"""The text encoding of a data folder's CSV files, told from their bytes.

DuckDB reads CSV text as UTF-8, UTF-16 or Latin-1 (``retail_recs__csv_encoding``), one
encoding for every CSV source. Two cases need no guess and are settled here, before dbt runs
or after it failed, in Python, which reads a file's bytes without decoding them (DuckDB's
Latin-1 decoder refuses bytes 0x80-0x9F, so SQL cannot peek at them):

- a file that begins with a UTF-16 byte-order mark (Excel's "Unicode Text" export) is UTF-16:
  read as such, or named when the other CSV files are not;
- a build that stopped on DuckDB's "not utf-8 encoded" or "not latin-1 encoded" gets one line
  naming the file, the first line it cannot read, and the option that reads it.

Telling Latin-1 from Windows-1252 or UTF-8 would need every byte of every file on each build,
and a wrong guess misreads names silently, so the encoding is never guessed.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from retail_recs.project import OPTIONAL_SOURCE_NAMES, SOURCE_NAMES

# The extensions the source macros read as CSV in format 'auto' (macro location_format).
CSV_NAME = re.compile(r"[.](csv|tsv|txt)([.]gz)?$", re.IGNORECASE)
UTF8_NAMES = ("utf-8", "utf8")
# What DuckDB says when a file's bytes do not decode (its CSV reader, its Latin-1 decoder).
DECODING_ERRORS = ("not utf-8 encoded", "not latin-1 encoded")
# Bytes that are control characters in Latin-1 and letters or signs (€, curly quotes) in
# Windows-1252; DuckDB's Latin-1 decoder refuses them.
WINDOWS_ONLY_BYTES = re.compile(rb"[\x80-\x9f]")
CHUNK_BYTES = 1 << 24


def csv_files(variables: Mapping[str, object]) -> list[Path]:
    """The files behind the CSV source locations among ``variables`` (globs expanded)."""
    chosen = str(variables.get("retail_recs__source_format", "auto"))
    files = []
    for name in (*SOURCE_NAMES, *OPTIONAL_SOURCE_NAMES):
        location = variables.get(f"retail_recs__{name}_location")
        if not location or chosen not in ("auto", "csv"):
            continue
        matches = sorted(glob.glob(str(location))) if glob.has_magic(str(location)) else [location]
        files += [
            Path(match)
            for match in matches
            if Path(match).is_file() and (chosen == "csv" or CSV_NAME.search(str(match)))
        ]
    return files


def read_bytes(path: Path, size: int | None = None) -> Iterator[bytes]:
    """The bytes of ``path`` in chunks (CHUNK_BYTES), decompressed when its name ends in .gz."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        while chunk := handle.read(size or CHUNK_BYTES):
            yield chunk


def byte_order_mark(path: Path) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``path`` begins with that byte-order mark, else None
    (a UTF-8 mark reads as UTF-8)."""
    first = next(read_bytes(path, 2), b"")
    return {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}.get(first)


def utf16_encoding(variables: Mapping[str, object], encoding: str) -> str | None:
    """'utf-16' when the CSV files begin with a UTF-16 mark and ``encoding`` (the build's
    retail_recs__csv_encoding) is UTF-8, the default; None to keep ``encoding``.

    Raises ValueError naming the files when only some CSV files are UTF-16, which one
    encoding cannot read, or when a file is big-endian UTF-16, which DuckDB reads as no rows.
    """
    if str(encoding).lower() not in UTF8_NAMES:
        return None
    # An empty file (a day without orders in a glob) has no mark and no text to disagree.
    marks = {path: byte_order_mark(path) for path in csv_files(variables) if path.stat().st_size}
    big_endian = [path.name for path, mark in marks.items() if mark == "utf-16-be"]
    if big_endian:
        raise ValueError(
            f"{', '.join(big_endian)}: big-endian UTF-16, which DuckDB reads as no rows; "
            "save it as UTF-8 (or Excel's 'CSV UTF-8')"
        )
    utf16 = [path.name for path, mark in marks.items() if mark == "utf-16-le"]
    if not utf16:
        return None
    others = [path.name for path, mark in marks.items() if mark is None]
    if others:
        raise ValueError(
            f"CSV files in two encodings: {', '.join(utf16)} begin with a UTF-16 byte-order "
            f"mark, {', '.join(others)} not. One encoding (--encoding, var "
            "retail_recs__csv_encoding) reads every CSV file: save them alike, as UTF-8"
        )
    return "utf-16"


def first_undecodable(path: Path, encoding: str) -> tuple[int, int] | None:
    """(line number, byte) of the first byte of ``path`` that DuckDB cannot decode as
    ``encoding`` (UTF-8, or Latin-1 without bytes 0x80-0x9F), or None when it decodes."""
    latin1 = str(encoding).lower().replace("_", "-") in ("latin-1", "latin1", "iso-8859-1")
    decoder = None if latin1 else codecs.getincrementaldecoder("utf-8")()
    lines = 1
    for chunk in read_bytes(path):
        position = None
        if decoder is None:
            found = WINDOWS_ONLY_BYTES.search(chunk)
            position = found.start() if found else None
        else:
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                position = max(error.start - pending, 0)
        if position is not None:
            return lines + chunk.count(b"\n", 0, position), chunk[position]
        lines += chunk.count(b"\n")
    if decoder is not None and decoder.getstate()[0]:
        return lines, decoder.getstate()[0][0]  # a character cut off by the end of the file
    return None


def decoding_hint(message: str, variables: Mapping[str, object], encoding: str) -> str | None:
    """One line for a build that stopped on DuckDB's decoding error in ``message``: which CSV
    file, where, and what reads it. None when ``message`` holds no such error."""
    if not any(error in message.lower() for error in DECODING_ERRORS):
        return None
    for path in csv_files(variables):
        found = first_undecodable(path, encoding)
        if found is None:
            continue
        line, byte = found
        where = f"{path} is not {encoding}: line {line} holds byte 0x{byte:02X}"
        if str(encoding).lower() in UTF8_NAMES and not any(
            WINDOWS_ONLY_BYTES.search(chunk) for chunk in read_bytes(path)
        ):
            return (
                f"{where}. If it is Latin-1, build with --encoding latin-1 "
                "(var retail_recs__csv_encoding)"
            )
        return (
            f"{where}, and bytes 0x80-0x9F, which DuckDB's UTF-8 and Latin-1 decoders refuse "
            "(Windows-1252 writes € and curly quotes there). Save it as UTF-8 under the same "
            "name (e.g. iconv -f cp1252 -t utf-8)"
        )
    return None
