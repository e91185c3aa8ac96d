"""Fast paths of table reconstruction, task assembly and text helpers, each checked against
the plain form it replaces, on the seeds and on adversarial inputs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from pipelines.extract import tables
from pipelines.extract.regex_source import top_level_alternatives
from pipelines.extract.text import collapse
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))

# Cell-block texts built to hit the edges: headers of two cells, header cells that open a body
# row, repeated headers, headers at the very end, bars with spaces and tabs, captions.
HEADER = "TT\n|\nNội dung\ncông việc\n|\nĐơn vị\nchủ trì\n|\nĐơn vị phối hợp\n|\nThời gian\nhoàn thành\n|\n"
ADVERSARIAL = [
    "",
    "|",
    "|\n|\n|",
    " |\t\n\t|\n",
    "PHỤ LỤC\nDANH MỤC NHIỆM VỤ\n(Kèm theo Kế hoạch)\n" + HEADER + "1\n|\nXây dựng\n|\nSở Nội vụ\n|\n"
    "Các sở\n|\nNăm 2025\n|\n",
    HEADER + "I. Sản phẩm\n|\nNội dung\n|\n",
    "Nội dung\n|\nChủ trì\n|\n",
    "Nội dung\n|\nChủ trì\n|\nPhối hợp",
    HEADER + "I\n|\nCông tác chỉ đạo\n|\n1\n|\nViệc một\n|\nSở A\n|\nSở B\n|\nQuý I\n|\n" + HEADER
    + "2\n|\nViệc hai\n|\nSở C\n|\n|\n2026\n|\n",
    HEADER + "II. Giải pháp\n|\n|\n|\n|\n|\n1.1. Việc\n|\nSở D\n|\nSở E\n|\n2025\n|\nx\n|\n",
    "Nội dung\n|\n1. Chủ trì\n|\nPhối hợp\n|\nThời gian\n|\n",
    "Nội dung\n|\nChủ trì\n|\nChủ trì\n|\nThời gian\n|\n",
    "Phần I\n|\nNội dung\n|\nChủ trì\n|\nThời gian\n|\nMục 1 việc\n|\nSở F\n|\nQuý II\n|\n",
    "Văn bản dài. " * 40 + "\nNội dung công việc\n|\nCơ quan chủ trì\n|\nThời hạn\n|\n" + "Việc\n|\n" * 7,
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [read_source(p).text for p in SEEDS] + ADVERSARIAL


def _plain_header_at(blocks: list[tuple[str, int, int]], i: int) -> tuple[str, list[str], list[str], int] | None:
    """The header test as it read before its tests were reordered (caption split first, cells in order)."""
    first = tables._split_caption(blocks[i][0])
    if not first:
        return None
    caption, head0 = first
    cells = [head0]
    j = i + 1
    while j < len(blocks) and tables.header_role(blocks[j][0]) and len(collapse(blocks[j][0])) <= 80:
        flat = collapse(blocks[j][0])
        if tables._SECTION.match(flat) or tables._LEADING_INDEX.match(flat):
            break
        cells.append(blocks[j][0])
        j += 1
    roles = tables.header_roles(cells)
    if roles and len(cells) >= 3:
        return caption, cells, roles, j
    return None


def test_header_at_tests_in_a_cheaper_order_with_the_same_answer(texts: list[str]) -> None:
    for text in texts:
        blocks = tables._cell_blocks(text)
        for i in range(len(blocks)):
            assert tables._header_at(blocks, i) == _plain_header_at(blocks, i), (text[:40], i)


def _plain_bar_lines(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"^[ \t]*\|[ \t]*$", text, re.MULTILINE)]


def test_bar_lines_match_the_multiline_regex(texts: list[str]) -> None:
    odd = ["|", "|\n", "\n|", "\n\n|\n\n", " | \n\t|\t\nx|\n|x\n||\n | | \n|\r\n", "a\n  |", "|\u00a0\n|",
           "\u2028|\n", "|\x0b\n", "no bars", "x\n|\n|"]
    for text in [*texts, *odd]:
        assert tables._bar_lines(text) == _plain_bar_lines(text), text[:40]


def test_two_bars_on_a_line_is_necessary_for_a_pipe_row(texts: list[str]) -> None:
    odd = ["|", "| |", " |a|\n", "|\n|", "|\u2028|", "|\r|", "\n  | x |  \n\n", "|x\n|", "a | b", "||"]
    for text in [*texts, *odd]:
        if tables._ANY_PIPE_ROW.search(text):
            assert tables._TWO_BARS_ON_A_LINE.search(text), text
    for text in odd:
        has = bool(tables._TWO_BARS_ON_A_LINE.search(text) and tables._ANY_PIPE_ROW.search(text))
        assert has == bool(tables._ANY_PIPE_ROW.search(text))


def test_html_table_tag_is_the_lowered_text_test() -> None:
    # The pattern relies on this: only "<" lowers to "<", and only the ASCII letters of "table"
    # (either case) lower to one of its letters.
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if ch not in "<tableTABLE":
            assert not set(ch.lower()) & set("<table"), hex(cp)
    for text in ["<table>", "<TABLE", "<TaBlE x>", "< table", "<tabl", "x<table", "<ta\u0130ble", "İ<table",
                 "<tab\u212ae", "", "<<table", "<t able"]:
        assert bool(tables._HTML_TABLE_TAG.search(text)) == ("<table" in text.lower()), text


def test_two_cell_band_reads_the_first_cell_it_is_given(texts: list[str]) -> None:
    def plain(blocks: list[tuple[str, int, int]], j: int, roles: list[str]) -> bool:
        if "index" not in roles or roles.index("index") != 0 or j + 2 >= len(blocks):
            return False
        first, second, third = (collapse(blocks[j + k][0]) for k in range(3))
        return bool(tables._ROMAN_ONLY.match(first)) and bool(second) and not tables._INDEX_CELL.match(second) \
            and bool(tables._INDEX_CELL.match(third) or tables._ROMAN_ONLY.match(third))

    for text in texts:
        blocks = tables._cell_blocks(text)
        for roles in (["index", "content", "lead"], ["content", "index"], ["content"]):
            for j in range(len(blocks)):
                fast = tables._two_cell_band(blocks, j, roles, collapse(blocks[j][0]))
                assert fast == plain(blocks, j, roles)


def test_cell_block_tables_of_the_adversarial_texts_are_found() -> None:
    found = tables.tables_from_cell_blocks(ADVERSARIAL[4])
    assert len(found) == 1
    assert found[0].roles == ["index", "content", "lead", "coordinators", "timeframe"]
    assert found[0].rows == [["1", "Xây dựng", "Sở Nội vụ", "Các sở", "Năm 2025"]]
    assert "DANH MỤC NHIỆM VỤ" in found[0].caption
    # The header repeated at a page break is skipped, its rows join the same table.
    repeated = tables.tables_from_cell_blocks(ADVERSARIAL[8])
    assert len(repeated) == 1 and [r[1] for r in repeated[0].rows] == ["", "Việc một", "Việc hai"]


def test_appendix_task_search_starts_at_the_first_appendix_sentence(texts: list[str]) -> None:
    from pipelines.extract import tasks

    odd = [
        "", "phụ lục", "Các nhiệm vụ tại Phụ lục kèm theo Kế hoạch này.",
        "Nhiệm vụ. Phụ lục kèm theo Quyết định số 06/QĐ-TTg; nhiệm vụ cụ thể tại phụ lục đính kèm",
        "PHỤ LỤC I) danh mục nhiệm vụ", "phụ\n\t lục 2 đính kèm các nhiệm vụ", "NHIỆM VỤ; xem PHỤ  LỤC)",
        "nhiệm vụ " + "x" * 199 + " phụ lục kèm theo", "nhiệm vụ " + "x" * 201 + " phụ lục kèm theo",
        "nhiệm vụ. " + "phụ lục đính kèm", "phụ lục kèm theo Kế hoạch số 5; phụ lục đính kèm nhiệm vụ",
        "nhiệm vụ a.b phụ lục I) x", "NHİỆM VỤ tại PHỤ LỤC)", "phu luc dinh kem nhiem vu",
    ]
    for text in [*map(collapse, texts), *odd]:
        expected = bool(tasks._TASKS_IN_APPENDIX.search(text))
        assert tasks._mentions_appendix_tasks(text) == expected, text[:60]
    # The case-by-case spelling finds "phụ lục" wherever the IGNORECASE pattern does: under
    # IGNORECASE its letters equal no character of Unicode but their own two cases.
    every = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
    assert set(re.findall(r"[phụlc]", every, re.IGNORECASE)) == set("phụlcPHỤLC")
    for word in ["Phụ lục", "PHỤ\nLỤC", "pHụ  lỤc", "phu lục"]:
        assert bool(tasks._APPENDIX_WORD.search(word)) == bool(re.search(r"phụ\s+lục", word, re.IGNORECASE))


def test_role_gate_by_first_letter_is_the_plain_union(texts: list[str]) -> None:
    for _, pattern in tables._ROLE_PATTERNS_PLAIN:
        assert "|".join(top_level_alternatives(pattern.pattern)) == pattern.pattern
    assert top_level_alternatives(r"a[|(]b|c\|d|(e|f)g") == ["a[|(]b", r"c\|d", "(e|f)g"]
    assert top_level_alternatives("[]|]x|y") == ["[]|]x", "y"]
    with pytest.raises(ValueError):
        tables._by_first_letter(["a+b"])
    with pytest.raises(ValueError):
        tables._by_first_letter(["^x"])
    cells = {c for text in texts for c, _, _ in tables._cell_blocks(text)}
    cells |= {line for text in texts for line in text.split("\n")}
    odd = ["stt", "stt.", "so tt", "so thu tu", "so", "so.", " stt", "stt x", "ten", "t", "tt", "noidung",
           "co quan dau moi", "cap trinh", "hoan   thanh", "nhiemvu", "", "phoi\thop", "ban\nhanh"]
    for cell in [*cells, *odd]:
        plain = tables._strip_accents(collapse(cell).casefold())
        for candidate in (plain, cell, cell.casefold()):
            assert tables._any_role_plain(candidate) == bool(tables._ANY_ROLE_PLAIN.search(candidate)), candidate


def _plain_cell_blocks(text: str) -> list[tuple[str, int, int]]:
    blocks: list[tuple[str, int, int]] = []
    start = 0
    for line_start, line_end in _plain_bar_lines(text):
        blocks.append((text[start:line_start].strip("\n"), start, line_start))
        start = line_end + 1
    if start < len(text):
        blocks.append((text[start:].strip("\n"), start, len(text)))
    return blocks


def test_cell_blocks_read_from_the_bar_matches(texts: list[str]) -> None:
    odd = ["", "|", "|\n", "\n|", "a\n|\nb", "\n|\n\n|", " |\n|\t", "x|\n|", "|\n|\n|", "a\n\n|\n\nb\n\n"]
    for text in [*texts, *odd]:
        assert tables._cell_blocks(text) == _plain_cell_blocks(text), text[:40]


def _plain_is_band(row: list[str], roles: list[str]) -> bool:
    cells = [collapse(c) for c in row]
    filled = [c for c in cells if c]
    if not filled:
        return False
    uniq = list(dict.fromkeys(filled))
    if len(uniq) == 1:
        return len(filled) > 1 or (bool(tables._SECTION.match(uniq[0])) and not tables._LEADING_INDEX.match(uniq[0]))
    if "index" not in roles:
        return False
    index = cells[roles.index("index")]
    duty_cells = [cells[k] for k, r in enumerate(roles) if r in ("lead", "coordinators", "timeframe", "approver")]
    return bool(tables._ROMAN_ONLY.match(index) or re.fullmatch(r"[A-Z]\.?", index)) and not any(duty_cells)


def test_band_test_stops_at_the_second_distinct_cell(texts: list[str]) -> None:
    rows = [[], [""], ["", " \n"], ["I. Chỉ đạo"], ["1. Việc"], ["A", "A"], ["A", " A\n"], ["II", "Giải pháp", "", ""],
            ["II", "Giải pháp", "Sở A", ""], ["B.", "x", "", ""], ["b", "x", "", ""], ["", "Tiêu đề", "Tiêu đề", ""],
            ["III", "", "", "2025"], ["Phần I", "", "", ""], ["X.", "y", "", "z"], ["IV", "IV", "", ""]]
    for text in texts:
        for table in tables.find_tables(text):
            rows.extend(table.rows)
    for roles in (["index", "content", "lead", "timeframe"], ["content", "lead", "coordinators", "note"],
                  ["content", "index", "approver", "output"]):
        for row in rows:
            row = [*row, *[""] * (len(roles) - len(row))][: len(roles)]
            assert tables._is_band(row, roles) == _plain_is_band(row, roles), (row, roles)


def _plain_appendix_tasks(table: tables.Table, document: dict) -> list[dict]:
    from pipelines.extract import agencies, tasks

    year = tasks._default_year(document)
    default_section = tasks.appendix_title(table.caption)
    out: list[dict] = []
    for row in _plain_table_rows(table):
        leads, extra = agencies.parse_lead_cell(row.cells.get("lead", ""))
        coords = extra + [c for c in tasks.split_agencies(row.cells.get("coordinators", "")) if c not in extra]
        approver = collapse(row.cells.get("approver", "")) or None
        timeframe = collapse(row.cells.get("timeframe", "")) or None
        out.append({"kind": "appendix_row", "section": row.section or default_section, "index": row.index,
                    "content": row.cells["content"], "lead": leads, "coordinators": coords, "approver": approver,
                    "timeframe": timeframe, "due": tasks.due_of(timeframe, year), "_pos": table.start})
        for extra_role in ("output", "note"):
            if extra_role in table.roles:
                out[-1][extra_role] = collapse(row.cells.get(extra_role, "")) or None
    return out


def _plain_extract_tasks(text: str, document: dict) -> list[dict]:
    """extract_tasks as it read before the caption test came first and the keys were updated in."""
    from pipelines.extract import agencies, tasks

    document = dict(document or {})
    if not document.get("province"):
        document["province"] = agencies.province_from_text(text)
    found = [t for t in tables.find_tables(text) if tasks.is_task_table(t)]
    out_tasks: list[dict] = []
    for t in found:
        out_tasks.extend(_plain_appendix_tasks(t, document))
    prose = tasks._blank_tables(text, found)
    body = collapse(prose)
    delegated = bool(tasks._TASKS_IN_APPENDIX.search(body)) or any(
        tasks.is_task_table(t) and re.search(r"nhiệm\s+vụ", t.caption, re.IGNORECASE) for t in found)
    if not delegated:
        out_tasks.extend(tasks.extract_responsibilities(prose, default_year=tasks._default_year(document)))
    out_tasks.sort(key=lambda t: t.pop("_pos", 0))
    return [{"kind": t["kind"], "seq": seq, **{k: v for k, v in t.items() if k != "kind"}}
            for seq, t in enumerate(out_tasks, start=1)]


def _plain_table_rows(table: tables.Table) -> list[tables.TableRow]:
    out: list[tables.TableRow] = []
    section = ""
    for row in table.rows:
        if row and row[-1] == "\x00section":
            section = collapse(row[0])
            continue
        cells = {role: row[i] if i < len(row) else "" for i, role in enumerate(table.roles)}
        content = collapse(cells.get("content", ""))
        index = collapse(cells.get("index", "")).rstrip(".)")
        m = tables._LEADING_INDEX.match(content)
        if m:
            index = index or m.group(1)
            content = content[m.end():].strip()
        if not content and not any(collapse(v) for k, v in cells.items() if k != "index"):
            continue
        cells["content"] = content
        out.append(tables.TableRow(section=section, index=index, cells=cells, seq=len(out) + 1))
    return out


def test_table_rows_map_cells_by_zip(texts: list[str]) -> None:
    odd = tables.Table(header=["a", "b", "c"], roles=["index", "content", "content"],
                       rows=[["1", "x"], ["2", "y", "z", "extra"], ["I. Phần", "", "", "\x00section"], [], ["", " "]])
    for table in [odd, *(t for text in texts for t in tables.find_tables(text))]:
        assert tables.table_rows(table) == _plain_table_rows(table)


def test_extract_tasks_reads_the_captions_first(texts: list[str]) -> None:
    from pipelines.extract import tasks

    with_prose = ("II. TỔ CHỨC THỰC HIỆN\n1. Sở Nội vụ chủ trì triển khai kế hoạch.\n"
                  "Giao Sở Tài chính bố trí kinh phí.\n")
    captioned = "|\nPHỤ LỤC\nDANH MỤC NHIỆM VỤ\n" + HEADER + "1\n|\nViệc\n|\nSở A\n|\nSở B\n|\n2025\n|\n"
    uncaptioned = "|\nPHỤ LỤC\nDANH MỤC\n" + HEADER + "1\n|\nViệc\n|\nSở A\n|\nSở B\n|\n2025\n|\n"
    noted = ("|\nDANH MỤC NHIỆM VỤ\nNội dung\n|\nChủ trì\n|\nSản phẩm\n|\nGhi chú\n|\nThời gian\n|\n"
             "Việc\n|\nSở A\n|\nBáo cáo\n|\n|\nQuý I\n|\n")
    delegating = with_prose + "Các nhiệm vụ tại Phụ lục kèm theo.\n" + uncaptioned
    extra = [noted, with_prose + captioned, with_prose + uncaptioned, delegating, with_prose]
    for text in [*texts, *extra]:
        document = {"date": "2025-01-02"}
        fast, plain = tasks.extract_tasks(text, document), _plain_extract_tasks(text, document)
        assert [list(t.items()) for t in fast] == [list(t.items()) for t in plain]  # keys in the same order
    assert "responsibility" in {t["kind"] for t in tasks.extract_tasks(with_prose + uncaptioned, {})}
    assert {t["kind"] for t in tasks.extract_tasks(with_prose + captioned, {})} == {"appendix_row"}


def test_header_role_of_long_blocks_reads_a_prefix_first(texts: list[str]) -> None:
    def plain(cell: str) -> str | None:
        text = collapse(cell).casefold()
        if not text or len(text) > 120:
            return None
        for role, pattern in tables._ROLE_PATTERNS:
            if pattern.search(text):
                return role
        stripped = tables._strip_accents(text)
        for role, pattern in tables._ROLE_PATTERNS_PLAIN:
            if pattern.search(stripped):
                return role
        return None

    blank = " \n\t" * 300
    cells = [blank + "Nội dung công việc", "Thời gian" + blank, blank, "x" * 481, "ß" * 100 + blank,
             "ß" * 61 + blank, blank + "a " * 60, blank + "a " * 61, "Chủ trì" + " " * 1000 + "x"]
    cells += [block for text in texts for block, _, _ in tables._cell_blocks(text)]
    for cell in cells:
        tables.header_role.cache_clear()
        assert tables.header_role(cell) == plain(cell), cell[:40]


def test_casefold_never_shortens_a_character() -> None:
    # header_role's prefix test relies on it.
    for cp in range(sys.maxunicode + 1):
        if not 0xD800 <= cp <= 0xDFFF:
            assert len(chr(cp).casefold()) >= 1


def test_control_check_on_utf8_bytes_matches_the_text_check(texts: list[str]) -> None:
    from pipelines.ingest import encodings

    for cp in [*range(0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        clean = encodings._utf8_has_no_controls(ch.encode())
        control = bool(encodings._CONTROL_CHARS.search(ch))
        assert not (clean and control), hex(cp)  # the fast answer is never wrong
        # and it only gives up on the characters that share the C2 lead byte of U+0080-U+009F
        assert clean or control or 0xA0 <= cp <= 0xBF, hex(cp)

    def outcome(text: str, **kw: bytes) -> object:
        try:
            return encodings._check_unicode(text, "utf-8", **kw)
        except encodings.EncodingProblem as exc:
            return str(exc)

    odd = ["a\x01b", "\x00", "x\x7f" * 300, "y\x85" * 300, "nbsp\u00a0 ở đây", "\u0080", "\t\n\r\x0b\x0c ok",
           "Ủy ban nhân dân\x1f" * 50, ""]
    for text in [*texts, *odd]:
        assert outcome(text, utf8=text.encode()) == outcome(text)


def test_record_cites_from_the_joined_fragment() -> None:
    from pipelines.extract.citations import numbers_mentioned
    from pipelines.extract.record import extract_record

    for path in SEEDS:
        record = extract_record(read_source(path))
        for task in record["tasks"]:
            fragment = " ".join(str(task.get(k) or "") for k in ("content", "timeframe"))
            assert task["cited_numbers"] == numbers_mentioned(fragment, record["citations"])


def test_read_bytes_reads_a_file_that_grew_after_stat(tmp_path: Path) -> None:
    import os

    from pipelines.ingest.source import SourceError, _read_bytes

    class Grown(type(Path())):  # type: ignore[misc]
        """A path whose stat reports the file smaller than it is (it grew after stat)."""

        def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
            real = super().stat()
            fields = list(real)
            fields[6] = max(real.st_size - 5, 0)  # st_size
            return os.stat_result(fields)

    for size in (0, 1, 5, 6, 99, 100, 101):
        path = tmp_path / f"f{size}.txt"
        path.write_bytes(bytes(range(size)))
        if size <= 100:
            assert _read_bytes(path, 100) == path.read_bytes()
            assert _read_bytes(Grown(path), 100) == path.read_bytes()
        else:
            for candidate in (path, Grown(path)):  # refused by stat, or by the length read
                with pytest.raises(SourceError, match="above"):
                    _read_bytes(candidate, 100)
    for seed in SEEDS:
        assert _read_bytes(seed, 10**8) == seed.read_bytes()


# --- whole-document views ----------------------------------------------------------------


def test_rare_spaces_are_every_split_character_but_space_and_line_break() -> None:
    from pipelines.extract import text as text_module

    every = {c for c in map(chr, range(0x110000)) if c.isspace()}
    assert set(text_module.RARE_SPACES) == every - {" ", "\n"}
    assert len(set(text_module.RARE_SPACES)) == len(text_module.RARE_SPACES)


def test_collapse_long_equals_collapse(texts: list[str]) -> None:
    from pipelines.extract.text import RARE_SPACES, collapse_long

    odd = ["", " ", "\n", "a", " a ", "a" + " " * 1025 + "b", "\u3000x\u00a0\u00a0y\r\n\tz\x1c", " \n \n a  b\n",
           "".join(RARE_SPACES) + "x" + "".join(reversed(RARE_SPACES)), "x\u200by", "a \u2028 \u2029 b  ",
           " ".join(["w"] * 50) + "  " * 33 + "\n" * 17 + "end\t"]
    for text in [*texts, *odd, *(t.replace("\n", "\r\n") for t in texts), *(t.replace(" ", "\u00a0") for t in texts)]:
        assert collapse_long(text) == collapse(text), text[:80]


def test_document_views_are_nfc_then_collapse(texts: list[str]) -> None:
    from pipelines.extract.text import flat_document, nfc, nfc_document

    decomposed = "U\u0309y ban nha\u0302n da\u0302n\n  ti\u0309nh"
    for text in [*texts, decomposed]:
        assert nfc_document(text) == nfc(text)
        assert flat_document(text) == collapse(nfc(text))
    assert flat_document(decomposed) == "Ủy ban nhân dân tỉnh"


def test_default_year_reads_four_leading_digits() -> None:
    from pipelines.extract import tasks

    for date, year in [("2025-03-01", 2025), ("20251", 2025), (None, None), ("", None), ("x2025", None),
                       ("999", None), (20240101, 2024)]:
        assert tasks._default_year({"date": date}) == year
        m = re.match(r"(\d{4})", str({"date": date}.get("date") or ""))
        assert (int(m.group(1)) if m else None) == year
    assert tasks._default_year(None) is None


def test_appendix_tasks_read_empty_and_absent_cells_as_the_plain_form() -> None:
    from pipelines.extract import tasks

    rows = [["1", "Việc một", "Sở A", "", " \n ", "Năm\n2025"], ["2", "Việc hai", "Sở B", "UBND tỉnh", "Quý I", ""],
            ["3", "Việc ba", "Sở C chủ trì, phối hợp với Sở D", "\t", "", "  "], ["4", "Việc bốn", "Sở E"]]
    for roles in (["index", "content", "lead", "approver", "timeframe", "note"],
                  ["index", "content", "lead", "coordinators", "timeframe", "output"],
                  ["index", "content", "lead", "col3", "col4", "col5"]):
        table = tables.Table(header=list(roles), roles=roles, rows=[list(r) for r in rows], caption="PHỤ LỤC\nDANH MỤC")
        document = {"date": "2025-01-02"}
        assert tasks.appendix_tasks(table, document) == _plain_appendix_tasks(table, document)
