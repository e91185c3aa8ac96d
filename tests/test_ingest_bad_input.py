"""Bad input: the right error naming the file, quarantine with a reason file, nothing lost."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.ingest.encodings import encode_tcvn3
from pipelines.ingest.quarantine import list_quarantined, quarantine, read_reason, reason_path
from pipelines.ingest.scan import partition_key, scan_folder
from pipelines.ingest.source import SourceError, read_source

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PLAN = "Kế hoạch cải cách hành chính năm 2023: Sở Nội vụ chủ trì, phối hợp với các sở, ngành.\n"


def _docx_bytes(text: str = PLAN) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(text: str | None = PLAN) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if text is not None:
        pdf.add_font("DejaVu", "", str(FONT))
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(0, 6, text)
    else:  # a scanned page: drawing only, no text layer
        pdf.rect(20, 20, 100, 50, style="F")
    return bytes(pdf.output())


def _zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx_bomb() -> bytes:
    """A real DOCX plus a member of 8 MiB zeros (compresses about 1000:1)."""
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["word/media/image1.bin"] = bytes(8 << 20)
    return _zip_with(members)


def _docx_lying_sizes() -> bytes:
    """A member that declares 1,000 bytes but inflates to 3 MiB."""
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["word/media/image1.bin"] = bytes(3 << 20)
    data = bytearray(_zip_with(members))
    name = b"word/media/image1.bin"
    for signature, name_len_at, size_at, name_at in ((b"PK\x03\x04", 26, 22, 30), (b"PK\x01\x02", 28, 24, 46)):
        at = data.find(signature)
        while at >= 0:
            (length,) = struct.unpack_from("<H", data, at + name_len_at)
            if data[at + name_at : at + name_at + length] == name:
                struct.pack_into("<I", data, at + size_at, 1000)
            at = data.find(signature, at + 4)
    return bytes(data)


# name, file content builder, read_source options, expected kind, phrase in the reason
BAD: list[tuple[str, Callable[[], bytes], dict, str, str]] = [
    ("empty.txt", lambda: b"", {}, "empty", "file is empty"),
    ("blank.txt", lambda: b" \r\n\t\n", {}, "empty", "only whitespace"),
    ("binary.txt", lambda: b"PLAN\x00\x01\x02\x00" * 64, {}, "binary", "NUL bytes"),
    ("renamed-pdf.txt", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", {}, "binary", "this is a PDF file, not text"),
    ("old-word.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), {}, "unsupported", "save it as .docx"),
    ("photo.pdf", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), {}, "binary", "this is a PNG image, not a PDF"),
    ("archive.html", lambda: _zip_with({"a.txt": b"x"}), {}, "binary", "ZIP archive (DOCX, XLSX ...), not an HTML"),
    ("controls.txt", lambda: bytes(range(1, 9)) * 100, {}, "binary", "control characters"),
    (
        "mojibake.txt",
        lambda: "Комитет утвердил план реформы на территории области".encode("cp1251").decode("cp1252").encode(),
        {},
        "encoding",
        "mojibake",
    ),
    ("latin1-junk.txt", lambda: bytes(range(0xC0, 0x100)) * 20, {}, "encoding", "no Vietnamese encoding fits"),
    ("truncated.docx", lambda: _docx_bytes()[:-200], {}, "truncated", "truncated or corrupt DOCX"),
    ("not-word.docx", lambda: _zip_with({"hello.txt": b"hi"}), {}, "corrupt", "has no word/document.xml"),
    ("bomb-ratio.docx", _docx_bomb, {}, "zip_bomb", "compressed"),
    ("bomb-total.docx", _docx_bomb, {"max_unpacked_bytes": 4 << 20}, "zip_bomb", "declares"),
    ("bomb-lying.docx", _docx_lying_sizes, {}, "corrupt", "cannot be read"),
    ("truncated.pdf", lambda: _pdf_bytes()[:-400], {}, "truncated", "truncated PDF"),
    ("scanned.pdf", lambda: _pdf_bytes(None), {}, "no_text", "no text layer"),
    ("fake.pdf", lambda: b"<html>not a pdf</html>\n%%EOF", {}, "corrupt", "no %PDF- header"),
    ("oversized.txt", lambda: PLAN.encode("utf-8") * 100, {"max_bytes": 1000}, "oversized", "above the"),
    ("long.pdf", _pdf_bytes, {"max_pages": 0}, "oversized", "1 pages, above the 0-page limit"),
    ("unsupported.doc", lambda: b"\xd0\xcf\x11\xe0old word", {}, "unsupported", "'.doc' (supported: .docx, .htm"),
]


@pytest.mark.parametrize(("name", "build", "options", "kind", "phrase"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_reported_and_quarantined(
    tmp_path: Path, name: str, build: Callable[[], bytes], options: dict, kind: str, phrase: str
) -> None:
    if name.endswith(".pdf") and name != "fake.pdf" and not FONT.exists():
        pytest.skip("DejaVuSans.ttf is needed to build PDFs")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    data = build()
    path = inbox / name
    path.write_bytes(data)

    with pytest.raises(SourceError) as caught:
        read_source(path, **options)
    error = caught.value
    assert str(error).startswith(str(path) + ": ")
    assert phrase in error.reason
    assert error.kind == kind

    where = quarantine(path, error.reason, tmp_path / "quarantine")
    assert not path.exists()
    assert where.read_bytes() == data  # nothing lost
    reason = reason_path(where).read_text(encoding="utf-8")
    assert f"reason: {' '.join(error.reason.split())}\n" in reason
    assert f"sha256: {hashlib.sha256(data).hexdigest()}\n" in reason
    assert f"source: {path}\n" in reason
    assert "quarantined_at: " in reason
    fields = read_reason(where)
    assert fields["reason"] == " ".join(error.reason.split())
    assert [f["name"] for f in list_quarantined(tmp_path / "quarantine")] == [name]


def test_missing_file_and_directory_are_unreadable(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found") as caught:
        read_source(tmp_path / "gone.txt")
    assert caught.value.kind == "unreadable"
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(SourceError, match="not a regular file"):
        read_source(tmp_path / "folder.txt")
    # Quarantining a file that is gone still leaves a reason file saying so.
    where = quarantine(tmp_path / "gone.txt", "file not found", tmp_path / "q")
    assert not where.exists()
    assert "NOT moved" in reason_path(where).read_text(encoding="utf-8")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(PLAN, encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(SourceError, match="cannot read file") as caught:
            read_source(path)
        assert caught.value.kind == "unreadable"
        where = quarantine(path, caught.value.reason, tmp_path / "q")
        assert where.exists() and not path.exists()  # a rename needs no read permission
    finally:
        for p in (path, tmp_path / "q" / "locked.txt"):
            if p.exists():
                p.chmod(0o600)


def test_permission_denied_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs as root too (where chmod 0 does not stop reads): the OS refusal is simulated.
    path = tmp_path / "locked.txt"
    path.write_text(PLAN, encoding="utf-8")
    real_open = Path.open

    def refuse(self: Path, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(SourceError, match="cannot read file: Permission denied") as caught:
        read_source(path)
    assert caught.value.kind == "unreadable"
    listed = scan_folder(tmp_path)
    assert [(f.name, f.sha256, f.error) for f in listed] == [
        ("locked.txt", None, "cannot read file: Permission denied")
    ]
    where = quarantine(path, caught.value.reason, tmp_path / "q")  # rename: no read needed
    monkeypatch.undo()
    assert where.read_text(encoding="utf-8") == PLAN and not path.exists()
    assert "sha256: " + hashlib.sha256(PLAN.encode("utf-8")).hexdigest() in reason_path(where).read_text(
        encoding="utf-8"
    )


def test_quarantine_name_collisions_and_copies(tmp_path: Path) -> None:
    q = tmp_path / "quarantine"
    first = tmp_path / "a" / "plan.txt"
    second = tmp_path / "b" / "plan.txt"
    third = tmp_path / "c" / "plan.txt"
    for path, content in ((first, b"one"), (second, b"two"), (third, b"one")):
        path.parent.mkdir()
        path.write_bytes(content)
    where1 = quarantine(first, "empty-ish", q)
    where2 = quarantine(second, "other reason", q)
    where3 = quarantine(third, "same bytes again", q)
    assert where1 == q / "plan.txt" and where1.read_bytes() == b"one"
    assert where2 == q / "plan.2.txt" and where2.read_bytes() == b"two"
    assert where3 == where1  # same content: one copy, latest reason recorded
    assert "reason: same bytes again" in reason_path(where1).read_text(encoding="utf-8")
    assert not third.exists()
    kept = tmp_path / "raw.txt"
    kept.write_bytes(b"curated")
    copy = quarantine(kept, "bad", q, keep_original=True)
    assert kept.read_bytes() == b"curated" and copy.read_bytes() == b"curated"
    assert not [p for p in q.iterdir() if p.name.startswith(".tmp-")]  # no temporary files left


def test_scan_then_ingest_a_folder_quarantines_bad_files_and_reads_the_rest(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = {
        "358_KH-UBND.txt": PLAN.encode("utf-8"),
        "Kế hoạch cũ.txt": encode_tcvn3(PLAN.lower()),
        "plan.docx": _docx_bytes(),
        "page.html": f"<html><body><nav>Trang chủ</nav><p>{PLAN}</p></body></html>".encode(),
    }
    if FONT.exists():
        good["plan.pdf"] = _pdf_bytes()
    bad = {"empty.txt": b"", "truncated.docx": _docx_bytes()[:-300], "bomb.docx": _docx_bomb()}
    ignored = {"~$plan.docx": b"lock", ".hidden.txt": b"x", "download.pdf.part": b"%PDF", "notes.odt": b"x"}
    for name, data in {**good, **bad, **ignored}.items():
        (inbox / name).write_bytes(data)

    listed = scan_folder(inbox)
    assert sorted(f.name for f in listed) == sorted([*good, *bad])
    for entry in listed:
        data = (inbox / entry.name).read_bytes()
        assert entry.sha256 == hashlib.sha256(data).hexdigest()
        assert entry.size == len(data)
        assert entry.key == partition_key(entry.path)

    read, quarantined = {}, {}
    for entry in listed:
        try:
            read[entry.name] = read_source(entry.path)
        except SourceError as exc:
            quarantined[entry.name] = quarantine(entry.path, exc.reason, tmp_path / "quarantine")
    assert set(read) == set(good)
    assert set(quarantined) == set(bad)
    for name, source in read.items():
        assert "sở nội vụ chủ trì" in source.text.lower(), name
        assert source.sha256 == hashlib.sha256(good[name]).hexdigest()
    for name, where in quarantined.items():
        assert where.read_bytes() == bad[name]
        assert reason_path(where).exists()
    # nothing lost: every non-ignored file is either still in the inbox or in quarantine
    assert sorted(p.name for p in inbox.iterdir()) == sorted([*good, *ignored])
    assert {f.name for f in scan_folder(inbox, include_unsupported=True) if not f.supported} == {"notes.odt"}


def test_partition_keys_are_stable_and_safe() -> None:
    assert partition_key(Path("data/raw/358_KH-UBND.txt")) == "358_KH-UBND.txt"
    assert partition_key("Kế hoạch.docx") == partition_key("Ke\u0302\u0301 hoạch.docx")  # NFC and NFD names agree
    spaced = partition_key("Kế hoạch 358.docx")
    assert " " not in spaced and spaced.startswith("Kế_hoạch_358.docx~")
    assert partition_key("a b.txt") != partition_key("a_b.txt")
    for name in ("a...b.txt", "x|y,z[1].pdf", "tab\there.txt", "n" * 300 + ".txt"):
        key = partition_key(name)
        assert "..." not in key and not any(c in key for c in "|,[]\t\n")
        assert len(key) <= 200
        assert key == partition_key(name)


def test_unforeseen_reader_failure_is_a_source_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.ingest import formats

    def broken(data: bytes, options: object) -> object:
        raise KeyError("word/styles.xml")

    monkeypatch.setitem(formats.FORMATS, ".docx", ("docx", broken))
    path = tmp_path / "odd.docx"
    path.write_bytes(_docx_bytes())
    with pytest.raises(SourceError, match="malformed file or reader bug") as caught:
        read_source(path)
    assert caught.value.kind == "reader_error"
