"""Legacy Vietnamese encodings: TCVN3 (ABC), VNI, Windows-1258, and refusing mojibake."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from pipelines.ingest.encodings import (
    EncodingProblem,
    convert_legacy,
    decode_bytes,
    decode_tcvn3,
    decode_vni,
    encode_cp1258,
    encode_tcvn3,
    encode_vni,
    repair_legacy_text,
    vietnamese_score,
)

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"

SENTENCE = (
    "Ủy ban nhân dân tỉnh Khánh Hòa ban hành kế hoạch cải cách hành chính năm 2022; "
    "đẩy mạnh ứng dụng công nghệ thông tin, xây dựng chính quyền số, nâng cao chỉ số hài lòng "
    "của người dân, doanh nghiệp; Sở Nội vụ chủ trì, phối hợp với các sở, ngành, địa phương."
)
LOWER_SENTENCE = SENTENCE[0].lower() + SENTENCE[1:]  # TCVN3 has no byte for a toned capital "Ủ"


def test_tcvn3_publicly_documented_bytes() -> None:
    # Values shown by public TCVN3 converters (e.g. "B¶o Th¾ng" -> "Bảo Thắng").
    assert decode_tcvn3(b"\xb8") == "á"
    assert decode_tcvn3(b"\xb6") == "ả"
    assert decode_tcvn3(b"\xbe") == "ắ"
    assert decode_tcvn3(b"\xac") == "ơ"
    assert decode_tcvn3(b"\xea") == "ờ"
    assert decode_tcvn3(b"\xae") == "đ"
    assert decode_tcvn3(b"\xa7") == "Đ"
    assert decode_tcvn3("B¶o Th¾ng".encode("cp1252")) == "Bảo Thắng"
    assert decode_tcvn3("M\xadêng Kh\xad¬ng".encode("cp1252")) == "Mường Khương"  # 0xAD = ư (a soft hyphen)
    assert decode_tcvn3("B¸t X¸t".encode("cp1252")) == "Bát Xát"


def test_tcvn3_round_trip_of_every_lowercase_letter() -> None:
    letters = "aăâeêioôơuưyđ"
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    text = " ".join(unicodedata.normalize("NFC", v + t) for v in letters for t in (tones if v != "đ" else [""]))
    encoded = encode_tcvn3(text)
    assert all(b < 0x80 or b >= 0xA0 for b in encoded)
    assert decode_tcvn3(encoded) == text


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_tcvn3_table_agrees_with_glibc_iconv() -> None:
    probe = subprocess.run(["iconv", "-l"], capture_output=True, text=True, check=False)
    if "TCVN5712-1" not in probe.stdout:
        pytest.skip("iconv has no TCVN5712-1 codec")
    for byte in range(0xA0, 0x100):
        out = subprocess.run(
            ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]), capture_output=True, check=True
        ).stdout.decode()
        assert decode_tcvn3(bytes([byte])) == unicodedata.normalize("NFC", out), hex(byte)


def test_tcvn3_file_bytes_are_detected_and_converted() -> None:
    decoded = decode_bytes(encode_tcvn3(LOWER_SENTENCE))
    assert decoded.encoding == "tcvn3"
    assert decoded.legacy == "tcvn3"
    assert decoded.text == LOWER_SENTENCE


def test_tcvn3_capital_font_lines_become_capitals() -> None:
    # Headings typed in .VnTimeH carry lowercase codes for toned letters.
    raw = encode_tcvn3("KẾ HOẠCH HÀNH ĐỘNG\nỦY BAN NHÂN DÂN TỈNH\nSố: 35/KH-UBND\n" + LOWER_SENTENCE)
    text = decode_bytes(raw).text.split("\n")
    assert text[0] == "KẾ HOẠCH HÀNH ĐỘNG"
    assert text[1] == "ỦY BAN NHÂN DÂN TỈNH"
    assert text[2] == "Số: 35/KH-UBND"
    assert text[3] == LOWER_SENTENCE


def test_vni_public_example_and_round_trip() -> None:
    assert decode_vni("Xin chaøo caùc baïn".encode("cp1252")) == "Xin chào các bạn"
    assert decode_vni(encode_vni(SENTENCE)) == SENTENCE
    decoded = decode_bytes(encode_vni(SENTENCE))
    assert (decoded.encoding, decoded.legacy, decoded.text) == ("vni", "vni", SENTENCE)


def test_windows_1258_combining_marks_are_composed() -> None:
    raw = encode_cp1258(SENTENCE)
    assert b"\xcc" in raw or b"\xec" in raw  # tone marks written as separate combining bytes
    decoded = decode_bytes(raw)
    assert decoded.encoding == "cp1258"
    assert decoded.legacy is None
    assert decoded.text == SENTENCE
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_unicode_text_carrying_tcvn3_font_bytes_is_repaired() -> None:
    # A .VnTime document saved as Unicode keeps the Windows-1252 image of its bytes.
    garbled = encode_tcvn3(LOWER_SENTENCE).decode("cp1252")
    mixed = "Tiêu đề đã là Unicode đúng chuẩn\n" + garbled
    repaired = repair_legacy_text(mixed)
    assert repaired.legacy == "tcvn3"
    assert repaired.text == "Tiêu đề đã là Unicode đúng chuẩn\n" + LOWER_SENTENCE
    assert convert_legacy(garbled, "tcvn3") == LOWER_SENTENCE


def test_utf8_read_as_windows_1252_is_repaired() -> None:
    # as browsers decode "windows-1252": bytes it leaves undefined (0x81, 0x8D ...) pass through as U+0081 ...
    garbled = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in SENTENCE.encode("utf-8"))
    assert "á»" in garbled
    repaired = repair_legacy_text(garbled)
    assert (repaired.legacy, repaired.text) == ("utf-8-as-cp1252", SENTENCE)
    decoded = decode_bytes(garbled.encode("utf-8"))
    assert (decoded.encoding, decoded.legacy, decoded.text) == ("utf-8", "utf-8-as-cp1252", SENTENCE)


def test_unrepairable_mojibake_is_refused() -> None:
    # Russian Windows-1251 read as Windows-1252: no Vietnamese table fixes it.
    russian = "Комитет утвердил план административной реформы на территории области в текущем году"
    garbled = russian.encode("cp1251").decode("cp1252")
    with pytest.raises(EncodingProblem, match="mojibake"):
        repair_legacy_text(garbled)
    with pytest.raises(EncodingProblem, match="mojibake"):
        decode_bytes(garbled.encode("utf-8"))


def test_genuine_unicode_is_never_touched() -> None:
    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert vietnamese_score(text).ratio > 0.99
        repaired = repair_legacy_text(text)
        assert repaired.legacy is None
        assert repaired.text == text


def test_english_and_ascii_text_is_accepted() -> None:
    assert decode_bytes(b"Plain ASCII report, 2024.").text == "Plain ASCII report, 2024."
    assert repair_legacy_text("Résumé of the café meeting").legacy is None  # too little evidence to judge
