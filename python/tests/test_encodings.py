"""Encodings told from bytes (retail_recs.encodings): known answers on hand-made files."""

from __future__ import annotations

import codecs
import gzip

import pytest

from retail_recs import encodings


def locations(folder, **files) -> dict:
    """Write each ``name=(file name, bytes)`` into ``folder``; return the location vars."""
    variables = {}
    for name, (file_name, data) in files.items():
        (folder / file_name).write_bytes(data)
        variables[f"retail_recs__{name}_location"] = str(folder / file_name)
    return variables


UTF16 = codecs.BOM_UTF16_LE + "item_id\tname\nI1\tCafé\n".encode("utf-16-le")


def test_utf16_marks_choose_utf16_only_when_every_csv_file_has_one(tmp_path):
    variables = locations(tmp_path, items=("items.txt", UTF16), events=("events.tsv", UTF16))
    variables["retail_recs__customers_location"] = str(tmp_path / "customers.parquet")
    assert encodings.utf16_encoding(variables, "utf-8") == "utf-16"
    assert encodings.utf16_encoding(variables, "UTF8") == "utf-16"
    # A glob's empty file has no mark and holds no text.
    (tmp_path / "events_empty.tsv").write_bytes(b"")
    globbed = {**variables, "retail_recs__events_location": str(tmp_path / "events*.tsv")}
    assert encodings.utf16_encoding(globbed, "utf-8") == "utf-16"
    # An encoding the shop chose is kept.
    assert encodings.utf16_encoding(variables, "latin-1") is None
    # A Parquet source is not read as text; a UTF-8 mark is UTF-8.
    variables.update(locations(tmp_path, customers=("customers.csv", b"\xef\xbb\xbfuser_id\n")))
    with pytest.raises(ValueError, match=r"events\.tsv, items\.txt begin.*, customers\.csv not"):
        encodings.utf16_encoding(variables, "utf-8")


def test_big_endian_utf16_and_gzipped_files_are_told_from_their_first_bytes(tmp_path):
    big = codecs.BOM_UTF16_BE + "item_id\n".encode("utf-16-be")
    with pytest.raises(ValueError, match=r"items\.csv: big-endian UTF-16"):
        encodings.utf16_encoding(locations(tmp_path, items=("items.csv", big)), "utf-8")
    packed = locations(tmp_path, items=("items.csv.gz", gzip.compress(UTF16)))
    assert encodings.utf16_encoding(packed, "utf-8") == "utf-16"
    # Format 'auto' reads .json as JSON, not CSV; format 'csv' reads any name as CSV.
    json_named = locations(tmp_path, items=("items.json", UTF16))
    assert encodings.csv_files(json_named) == []
    assert encodings.csv_files({**json_named, "retail_recs__source_format": "csv"}) == [
        tmp_path / "items.json"
    ]


@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        ("a,b\nCafé\n".encode(), "utf-8", None),
        ("a,b\nCafé\n".encode("latin-1"), "utf-8", (2, 0xE9)),
        ("a,b\nCafé\n".encode("latin-1"), "latin-1", None),
        ("a\n\nx\n5 €\n".encode("cp1252"), "latin-1", (4, 0x80)),
        ("a\n€".encode()[:-1], "utf-8", (2, 0xE2)),  # cut off by the end of the file
    ],
)
def test_the_first_undecodable_byte_is_found_with_its_line(tmp_path, data, encoding, expected):
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    assert encodings.first_undecodable(path, encoding) == expected


def test_a_character_split_across_chunks_decodes(tmp_path, monkeypatch):
    monkeypatch.setattr(encodings, "CHUNK_BYTES", 3)
    path = tmp_path / "events.csv"
    path.write_bytes(b"ab" + "€".encode() + b"\ncd\n\xff")
    # 'ab' + the 3 bytes of '€' straddle the first chunk; the bad byte is on line 3.
    assert encodings.first_undecodable(path, "utf-8") == (3, 0xFF)


def test_a_decoding_failure_gets_a_line_naming_file_and_option(tmp_path):
    latin = locations(tmp_path, items=("items.csv", "id\nCafé\n".encode("latin-1")))
    hint = encodings.decoding_hint("... This file is not utf-8 encoded.", latin, "utf-8")
    assert hint.startswith(f"{tmp_path / 'items.csv'} is not utf-8: line 2 holds byte 0xE9")
    assert "--encoding latin-1 (var retail_recs__csv_encoding)" in hint
    windows = locations(tmp_path, items=("items.csv", "id\n5 €\n".encode("cp1252")))
    hint = encodings.decoding_hint("File is not latin-1 encoded", windows, "latin-1")
    assert "line 2 holds byte 0x80" in hint and "iconv -f cp1252 -t utf-8" in hint
    assert encodings.decoding_hint("Binder Error: no such column", windows, "latin-1") is None
