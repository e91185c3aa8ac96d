"""Fast paths of table reconstruction and task assembly (round 3), each checked against the plain
form it replaces on the seeds, the test fixtures and adversarial or random inputs."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pipelines.extract import agencies, tables, tasks
from pipelines.extract.text import collapse
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_tables import _plain_is_band

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "data" / "raw").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))

HEADER = "TT\n|\nNội dung\ncông việc\n|\nĐơn vị\nchủ trì\n|\nĐơn vị phối hợp\n|\nThời gian\nhoàn thành\n|\n"
ADVERSARIAL = [
    "", "|", "|\n", "\n|", "|\n|\n|", " |\t\n\t|\n", "a\n|\nb", "\n|\n\n|", " |\n|\t", "x|\n|", "a\n\n|\n\nb\n\n",
    "|\nPHỤ LỤC\nDANH MỤC NHIỆM VỤ\n" + HEADER + "1\n|\nViệc\n|\nSở A\n|\nSở B\n|\n2025\n|\n",
    HEADER + "I\n|\nCông tác chỉ đạo\n|\n1\n|\nViệc một\n|\nSở A\n|\nSở B\n|\nQuý I\n|\n" + HEADER
    + "2\n|\nViệc hai\n|\nSở C\n|\n|\n2026\n|\n",
    HEADER + "II. Giải pháp\n|\n|\n|\n|\n|\n1.1. Việc\n|\nSở D\n|\nSở E\n|\n2025\n|\nx\n|\n",
    "Nội dung\n|\nChủ trì\n|\nPhối hợp\n|\nThời gian\n|\n1. Việc\n|\nSở A\n|\n\n|\nQuý I\n|\nI. Phần\n|\n",
    "Phần I\n|\nNội dung\n|\nChủ trì\n|\nThời gian\n|\nMục 1 việc\n|\nSở F\n|\nQuý II",
    "Văn bản dài. " * 40 + "\nNội dung công việc\n|\nCơ quan chủ trì\n|\nThời hạn\n|\n" + "Việc\n|\n" * 7,
    # Merged band cells whose copies open with white space: one distinct text once collapsed.
    "Nội dung\n|\nChủ trì\n|\nThời gian\n|\nTiêu đề\n|\n\tTiêu đề\n|\n\n|\n1. Việc\n|\nSở A\n|\nQuý I\n|\n",
    HEADER + "III\n|\n III\n|\n\n|\n\n|\n\n|\nA\n|\n\u00a0A\n|\n\n|\n\n|\n\n|\n",
    HEADER + "III\n|\nTiêu đề\n|\n1\n|\nx\n|\n" + "Nội dung\n" + " " * 400 + "\n|\n" + "Chủ trì\n|\nThời gian\n|\n",
]

# Pieces of random cell-block texts: header cells, index cells, section titles, agencies, blanks.
_CELLS = ["TT", "STT", "Nội dung\ncông việc", "Nội dung", "Đơn vị\nchủ trì", "Chủ trì", "Phối hợp", "Cơ quan phối hợp",
          "Thời gian", "Thời gian\nhoàn thành", "Cấp ban hành", "Ghi chú", "Sản phẩm", "I", "II.", "IV", "1", "1.",
          "2)", "a)", "A.", "B", "I. Phần một", "Phần II", "Mục 3", "1. Việc một\nhai", "Sở A", "Sở B\nvà Sở C",
          "UBND tỉnh", "Quý I", "Năm 2025", "", " ", "\n", "PHỤ LỤC\nDANH MỤC NHIỆM VỤ\n(Kèm theo Kế hoạch.)",
          "Căn cứ.\nNội dung", "x" * 90, "Nội dung " + " " * 300 + "việc", " Sở A", "\tII", " 1. Việc", "\u00a0I"]
_BARS = ["\n|\n", "\n|\n", "\n|\n", "\n | \n", "\n|\t\n", "\n\t|\n", "\n", "\n\n|\n\n"]


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(_CELLS) + rng.choice(_BARS) for _ in range(rng.randint(0, 40))]
        text = "".join(parts)
        if rng.random() < 0.3:
            text = "|\n" + text
        if rng.random() < 0.3:
            text = text.rstrip("\n")
        out.append(text)
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [read_source(p).text for p in SOURCES] + ADVERSARIAL + _random_texts(600, 11)


def _plain_cell_blocks(text: str) -> list[tuple[str, int, int]]:
    """Blocks between the lines that hold one bar, read from the multiline regex."""
    blocks: list[tuple[str, int, int]] = []
    start = 0
    for m in re.finditer(r"^[ \t]*\|[ \t]*$", text, re.MULTILINE):
        blocks.append((text[start : m.start()].strip("\n"), start, m.start()))
        start = m.end() + 1
    if start < len(text):
        blocks.append((text[start:].strip("\n"), start, len(text)))
    return blocks


def test_block_split_equals_the_bar_line_matches(texts: list[str]) -> None:
    rng = random.Random(3)
    alphabet = ["|", "\n", " ", "\t", "a", "\n|\n", "|\n", "\n|", "\r", "x y", "\x0b"]
    small = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    for text in [*texts, *small]:
        plain = _plain_cell_blocks(text)
        assert tables._cell_blocks(text) == plain, text[:60]
        blocks = tables._Blocks(text)
        assert blocks.cells == [b[0] for b in plain]
        order = list(range(len(plain)))
        rng.shuffle(order)  # offsets asked out of order restart their running sum
        for b in order:
            assert (blocks.start(b), blocks.end(b)) == plain[b][1:], (text[:60], b)


def _plain_continues(cell: str) -> bool:
    flat = collapse(cell)
    return bool(tables.header_role(cell)) and len(flat) <= 80 and not tables._SECTION.match(flat) \
        and not tables._LEADING_INDEX.match(flat)


def test_cached_header_continuation_equals_the_plain_test(texts: list[str]) -> None:
    cells = {b[0] for text in texts for b in _plain_cell_blocks(text)} | set(_CELLS)
    for cell in cells:
        assert tables._continues_header_cell(cell) == _plain_continues(cell), cell[:60]
        if len(cell) <= tables._CONTINUES_MAX_LEN:
            assert tables._continues_cached(cell) == _plain_continues(cell), cell[:60]


def _plain_header_at(blocks: list[tuple[str, int, int]], i: int) -> tuple[str, list[str], list[str], int] | None:
    if i + 2 >= len(blocks):
        return None
    first = tables._split_caption(blocks[i][0])
    if not first:
        return None
    caption, head0 = first
    cells = [head0]
    j = i + 1
    while j < len(blocks) and _plain_continues(blocks[j][0]):
        cells.append(blocks[j][0])
        j += 1
    if len(cells) < 3:
        return None
    roles = tables.header_roles(cells)
    return (caption, cells, roles, j) if roles else None


def _plain_tables_from_cell_blocks(text: str) -> list[tables.Table]:
    """The cell-block reader as it read with (text, start, end) blocks and every test in full."""
    blocks = _plain_cell_blocks(text)
    out: list[tables.Table] = []
    i = 0
    while i < len(blocks):
        found = _plain_header_at(blocks, i)
        if not found:
            i += 1
            continue
        caption, header, roles, j = found
        ncols = len(header)
        rows: list[list[str]] = []
        while j < len(blocks):
            cell = blocks[j][0]
            flat = collapse(cell)
            if not flat and not rows:
                j += 1
                continue
            again = _plain_header_at(blocks, j)
            if again:
                if again[2] == roles and not collapse(again[0]):
                    j = again[3]
                    continue
                break
            if "index" in roles:
                section = bool(tables._ROMAN_SECTION.match(flat) or tables._PART_HEADING.match(flat))
            else:
                section = bool(tables._SECTION.match(flat)) and not tables._LEADING_INDEX.match(flat)
            nxt = collapse(blocks[j + 1][0]) if j + 1 < len(blocks) else ""
            continues = "index" in roles and bool(tables._ROMAN_ONLY.match(flat)) and bool(nxt) \
                and not tables._INDEX_CELL.match(nxt)
            if section and not continues:
                rows.append([cell, *[""] * (ncols - 1), "\x00section"])
                j += 1
                continue
            index_first = "index" in roles and roles.index("index") == 0
            if index_first and j + 2 < len(blocks) and tables._ROMAN_ONLY.match(flat):
                second, third = collapse(blocks[j + 1][0]), collapse(blocks[j + 2][0])
                if second and not tables._INDEX_CELL.match(second) and (
                        tables._INDEX_CELL.match(third) or tables._ROMAN_ONLY.match(third)):
                    rows.append([f"{flat.rstrip('.')}. {second}", *[""] * (ncols - 1), "\x00section"])
                    j += 2
                    continue
            chunk = [b[0] for b in blocks[j : j + ncols]]
            chunk += [""] * (ncols - len(chunk))
            j += ncols
            if _plain_is_band(chunk, roles):
                rows.append([tables._band_text(chunk), *[""] * (ncols - 1), "\x00section"])
                continue
            rows.append(chunk)
        out.append(tables.Table(header=header, roles=roles, rows=rows, caption=caption, start=blocks[i][1],
                                end=blocks[min(j, len(blocks)) - 1][2], layout="cell_blocks"))
        i = j
    return out


def _fields(table: tables.Table) -> tuple:
    return (table.header, table.roles, table.rows, table.caption, table.start, table.end, table.layout)


def test_cell_block_tables_equal_the_plain_reader(texts: list[str]) -> None:
    found = 0
    for text in texts:
        fast = tables.tables_from_cell_blocks(text)
        assert [_fields(t) for t in fast] == [_fields(t) for t in _plain_tables_from_cell_blocks(text)], text[:80]
        found += len(fast)
    assert found > 50  # the random texts do hold tables


def test_flat_cache_holds_collapse_of_its_keys(texts: list[str]) -> None:
    for text in texts:
        for table in tables.find_tables(text):
            tables.table_rows(table)
            tasks.appendix_tasks(table, {"date": "2025-01-01"})
            assert all(flat == collapse(cell) for cell, flat in table.flat_cache.items())
            assert tables.flat_cell(table, " a \n b ") == "a b"


def test_table_rows_and_tasks_read_the_same_with_a_cold_cache(texts: list[str]) -> None:
    """A table built elsewhere (empty cache) and one from the cell-block reader (cache filled) agree."""
    for text in texts[:40]:
        for table in tables.find_tables(text):
            cold = tables.Table(header=table.header, roles=table.roles, rows=[list(r) for r in table.rows],
                                caption=table.caption, start=table.start, end=table.end, layout=table.layout)
            assert tables.table_rows(cold) == tables.table_rows(table)
            assert tasks.appendix_tasks(cold, {}) == tasks.appendix_tasks(table, {})


def test_blank_checks_of_read_source_equal_strip() -> None:
    """read_source tests ``not data or data.isspace()`` for ``not data.strip()`` (bytes and text)."""
    for b in range(256):
        for data in (bytes([b]), bytes([b, b]), b" " + bytes([b]) + b"\n", bytes([b]) + b"x"):
            assert (not data or data.isspace()) == (not data.strip()), data
    assert not b"" or b"".isspace()
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        text = " " + chr(cp) + "\n"
        assert (not text or text.isspace()) == (not text.strip()), cp
    assert not "" or "".isspace()


def test_read_source_refuses_blank_files(tmp_path: Path) -> None:
    from pipelines.ingest.source import SourceError

    for name, data in (("empty.txt", b""), ("blank.txt", b" \t\r\n\x0b\x0c"), ("nbsp.txt", "\u00a0\u3000\n".encode())):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(SourceError) as info:
            read_source(path)
        assert info.value.kind == "empty", name
    (tmp_path / "ok.txt").write_bytes(b" x ")
    assert read_source(tmp_path / "ok.txt").text == " x "


def test_appendix_due_is_a_fresh_copy_per_task() -> None:
    table = tables.Table(header=["Nội dung", "Chủ trì", "Thời gian"], roles=["content", "lead", "timeframe"],
                         rows=[["Việc một", "Sở A", "Năm 2025"], ["Việc hai", "Sở B", "Năm\n2025"],
                               ["Việc ba", "Sở C", ""], ["Việc bốn", "Sở D", " "]])
    found = tasks.appendix_tasks(table, {"date": "2024-05-01"})
    assert [t["timeframe"] for t in found] == ["Năm 2025", "Năm 2025", None, None]
    assert found[0]["due"] == found[1]["due"] == tasks.due_of("Năm 2025", 2024)
    assert found[0]["due"] is not found[1]["due"] and found[2]["due"] is not found[3]["due"]
    assert found[2]["due"] == tasks.due_of(None, 2024)


def test_rank_word_is_the_ignorecase_top() -> None:
    from pipelines.extract import targets

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    for letter in "top":
        assert set(re.findall(letter, every, re.IGNORECASE)) == {letter, letter.upper()}
    bodies = ["Top 10 tỉnh", "TOP 5", "tOp 3 và 50%", "đạt 100 %", "đứng thứ top", "stop 5", "không có",
              "1,5% và top 20", "Tốp 10", "to p 3", "top\n7", "12.5%, 3,2 % và TOP 4"]
    for body in bodies:
        plain = sorted([(m.start(), f"{m.group(1)}%") for m in targets._PERCENT.finditer(body)]
                       + [(m.start(), m.group(0)) for m in targets._RANK.finditer(body)])
        assert targets.target_values(body) == [v for _, v in plain], body


def test_collapse_long_with_the_printable_test_equals_collapse() -> None:
    from pipelines.extract import text as text_module

    assert all(not c.isprintable() for c in text_module.RARE_SPACES)
    assert " ".isprintable()
    rng = random.Random(5)
    alphabet = ["a", "ô", " ", "  ", "\n", "\n\n", "x y", "\u00ad", "\u200b", "\ufeff", *text_module.RARE_SPACES]
    for _ in range(5000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 15)))
        assert text_module.collapse_long(s) == collapse(s), repr(s)
    for path in SOURCES[:20]:
        s = read_source(path).text
        assert text_module.collapse_long(s) == collapse(s)


def _plain_extract_tasks(text: str, document: dict) -> list[dict]:
    """extract_tasks in its plain form: the blanked prose read whole, every task re-keyed with its seq."""
    document = dict(document or {})
    if not document.get("province"):
        document["province"] = agencies.province_from_text(text)
    found = [t for t in tables.find_tables(text) if tasks.is_task_table(t)]
    out_tasks: list[dict] = []
    for t in found:
        out_tasks.extend(tasks.appendix_tasks(t, document))
    prose = tasks._blank_tables(text, found)
    if not tasks.tasks_delegated_to_appendix(prose, found):
        out_tasks.extend(tasks.extract_responsibilities(prose, default_year=tasks._default_year(document)))
    out_tasks.sort(key=lambda t: t.pop("_pos", 0))
    return [{"kind": t["kind"], "seq": seq, **t} for seq, t in enumerate(out_tasks, start=1)]


def test_extract_tasks_equal_the_plain_form(texts: list[str]) -> None:
    delegated = 0
    for text in texts:
        for document in ({"date": "2025-02-03", "province": "Tỉnh X"}, {}):
            fast = tasks.extract_tasks(text, document)
            plain = _plain_extract_tasks(text, document)
            assert [list(t.items()) for t in fast] == [list(t.items()) for t in plain], text[:80]
            delegated += bool(fast) and all(t["kind"] == "appendix_row" for t in fast)
    assert delegated > 10
    rows = tasks.appendix_tasks(tables.find_tables(ADVERSARIAL[11])[0], {})
    assert rows and all("seq" not in t and next(iter(t)) == "kind" for t in rows)


def test_target_heading_matches_equal_finditer(texts: list[str]) -> None:
    from pipelines.extract import targets

    rng = random.Random(9)
    words = ["chỉ", "CHỈ", "Chỉ", "mục", "MỤC", "tiêu", "TIÊU", "tiÊu", "tiêU", "cụ", "thể", "CỤ THỂ", "ê", "êu", "Êu",
             "u", " ", "\n", "  ", "\t", "x", "chỉtiêu", "mục  tiêu", "hiêu", "tiêuu"]
    made = ["".join(rng.choice(words) for _ in range(rng.randint(0, 14))) for _ in range(4000)]
    for text in [*texts, *made]:
        fast = [m.span() for m in targets._target_heading_matches(text)]
        assert fast == [m.span() for m in targets._TARGET_HEADING.finditer(text)], text[:80]
