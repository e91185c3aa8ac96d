"""Fast paths of round 6 checked against the plain forms they replace."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipelines.extract import metadata
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_metadata import _plain_case_lookup, _queries

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))

# Bodies whose white space runs are all one space or one line break (the pair search needs no
# offset map there), with pairs that overlap themselves, words inside words, underscores,
# pairs over a line break, upper-case lines and a letter whose lower case is longer.
REGULAR_BODIES = [
    "",
    "a a a a",
    "an toàn toàn an an an toàn\nAN TOÀN an Toàn",
    "xan an an an_an an an",
    "năm năm năm\nNĂM NĂM năm\nnăm năm",
    "aa aa aa aaa aa\naa\naa AA aa",
    "thực\nhiện THỰC HIỆN\nthực hiện\nTHỰC\nhiện thực hiện thực hiện",
    "_thực hiện 1thực hiện đthực hiện (thực hiện) thực hiện_ thực hiệnx thực hiện, thực hiện.",
    "KẾ HOẠCH THỰC HIỆN\nthực Hiện\nKẾ HOẠCH thực\nHiện kế hoạch thực hiện",
    "a-b a-b-a-b a-b a b-a",
    "İi ii İİ ii İi",
    "|\nKẾ HOẠCH\n|\nkế hoạch Kế Hoạch\nx | Kế hoạch",
]
PAIR_QUERIES = [
    (["AN", "TOÀN"], 1), (["TOÀN", "AN"], 1), (["AN", "AN"], 1), (["NĂM", "NĂM"], 1), (["AA", "AA"], 1),
    (["AA", "AAA"], 1), (["THỰC", "HIỆN"], 1), (["HOẠCH", "THỰC"], 1), (["KẾ", "HOẠCH"], 1),
    (["A-B", "A-B"], 1), (["B-A", "A-B"], 1), (["A", "B-A"], 1), (["(THỰC", "HIỆN)"], 1), (["İI", "İİ"], 1),
    (["II", "İI"], 1), (["THỰC", "HIỆN,"], 1), (["XAN", "AN"], 1), (["AN", "AN_AN"], 1), (["|", "KẾ"], 1),
    (["|"], 0), (["KẾ"], 0), (["kế", "hoạch"], 0),
]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _check(body: str, queries: list[tuple[list[str], int]]) -> None:
    """Every pair asked for the first time (the string search), in the given order, against the
    plain form; the per-line answers are shared as the plain form shares them."""
    metadata._pair_sightings.cache_clear()
    fast, plain = metadata._case_lookup(body), _plain_case_lookup(body)
    for words, idx in queries:
        assert fast(words, idx) == plain(words, idx), (words, idx, body[:80])
    metadata._pair_sightings.cache_clear()


def _is_regular(body: str) -> bool:
    flat = body.replace("\n", " ")
    return all(c == " " for c in flat if c.isspace()) and "  " not in flat


def test_pair_search_on_seeds(seed_texts: list[str]) -> None:
    assert any(_is_regular(t) for t in seed_texts)  # the string search is exercised
    for body in seed_texts:
        _check(body, [*_queries(body)[:900], *PAIR_QUERIES])


def test_pair_search_on_regular_bodies() -> None:
    for body in REGULAR_BODIES:
        assert _is_regular(body)
        _check(body, [*_queries(body), *PAIR_QUERIES])


def test_pair_search_on_random_regular_bodies_and_orders() -> None:
    """Pairs printed in every casing across line breaks, asked in random orders, single-word and
    following-word queries mixed in (all share the per-line answers)."""
    rnd = random.Random(61)
    vocab = ["an", "AN", "An", "toàn", "TOÀN", "xan", "an_", "_an", "aa", "AA", "aaa", "thực", "Thực", "THỰC",
             "hiện", "HIỆN", "hIện", "(thực", "hiện,", "1", "-", "a-b", "A-B", "b-a", "İ", "ǅa", "|", "kế", "KẾ"]
    for _ in range(400):
        body = "".join(rnd.choice(vocab) + rnd.choice([" ", " ", "\n", ""]) for _ in range(rnd.randint(1, 40)))
        if not _is_regular(body):
            continue
        queries = [*rnd.sample(PAIR_QUERIES, len(PAIR_QUERIES)), ([rnd.choice(vocab), rnd.choice(vocab)], 1)]
        _check(body, queries)


def test_pair_search_on_bodies_with_longer_runs() -> None:
    """Runs of two white space characters or more, rare spaces: the runs are shrunk to one space
    and the matches mapped back to the body's offsets."""
    bodies = ["kế  hoạch", "kế\n\nhoạch Kế hoạch", "kế \nhoạch", "kế\thoạch", "kế\u00a0hoạch KẾ HOẠCH",
              "  kế   hoạch  ", "\n\n|\n\nKẾ HOẠCH\n \nkế hoạch\n\n", "an  an an \n an\u2028an  an_an",
              "x  (thực  hiện)\n\n thực\t\thiện, THỰC \n\n HIỆN thực hiện", "İi  ii\n\nİİ ii   İi"]
    for body in bodies:
        assert not _is_regular(body)
        _check(body, [*_queries(body), *PAIR_QUERIES])
    # A line read as upper case by a one-line match is read so for a match that runs on past it
    # (the per-line answer is the first one asked): a pair over a run holding a line break.
    for body in ["KẾ HOẠCH THỰC \n\nhiện x", "KẾ HOẠCH THỰC  \nhiện x", "KẾ HOẠCH THỰC \n hiện x"]:
        _check(body, [(["KẾ", "HOẠCH"], 1), (["THỰC", "HIỆN"], 1)])


def test_pair_search_on_random_bodies_and_orders() -> None:
    rnd = random.Random(67)
    vocab = ["an", "AN", "toàn", "TOÀN", "xan", "an_", "aa", "AA", "thực", "Thực", "THỰC", "hiện", "HIỆN",
             "(thực", "hiện,", "1", "-", "a-b", "İ", "ǅa", "|", "kế", "KẾ"]
    seps = [" ", " ", "\n", "  ", "\n\n", " \n ", "\t", "\u00a0", "\u2028", "   ", ""]
    for _ in range(400):
        body = "".join(rnd.choice(vocab) + rnd.choice(seps) for _ in range(rnd.randint(1, 40)))
        queries = [*rnd.sample(PAIR_QUERIES, len(PAIR_QUERIES)), ([rnd.choice(vocab), rnd.choice(vocab)], 1)]
        _check(body, queries)


def test_unicode_facts_of_the_pair_search() -> None:
    """White space but the space and the line break is unprintable (one ``isprintable`` call rules
    it out), and no character lowers to a string holding white space unless it is white space."""
    for code in range(0x110000):
        c = chr(code)
        if c.isspace() and c not in " \n":
            assert not c.isprintable(), hex(code)
        if not c.isspace():
            assert not any(x.isspace() for x in c.lower()), hex(code)


def _plain_table_targets(text: str, document: dict, tables: list) -> list[dict]:
    """The form ``targets._table_targets`` replaced: the caption's title read again for every row."""
    import re

    from pipelines.extract.tables import table_rows
    from pipelines.extract.targets import _TARGET_HEADING, target_values, target_years
    from pipelines.extract.tasks import appendix_title
    from pipelines.extract.text import collapse
    from pipelines.extract.timeframes import parse_timeframe

    year = None
    m = re.match(r"(\d{4})", str((document or {}).get("date") or ""))
    if m:
        year = int(m.group(1))
    out: list[dict] = []
    for table in tables:
        header = " ".join(table.header)
        if "content" not in table.roles or not (
            _TARGET_HEADING.search(table.caption) or _TARGET_HEADING.search(header)
        ):
            continue
        for row in table_rows(table):
            body = row.cells["content"]
            deadline = collapse(row.cells.get("timeframe", "")) or None
            parsed = parse_timeframe(deadline, year) if deadline else None
            years = target_years(body)
            if parsed and parsed.get("end"):
                y = int(parsed["end"][:4])
                if y not in years:
                    years.append(y)
            rec = {"section": row.section or appendix_title(table.caption), "index": row.index, "text": body,
                   "values": target_values(body), "years": years}
            if deadline:
                rec["deadline"] = deadline
            out.append(rec)
    return out


def test_table_targets_read_the_caption_once(seed_texts: list[str]) -> None:
    from pipelines.extract.tables import Table, find_tables
    from pipelines.extract.targets import _table_targets

    document = {"date": "2022-01-05"}
    synthetic = [
        Table(header=["STT", "Chỉ tiêu", "Thời gian"], roles=["index", "content", "timeframe"],
              rows=[["1", "Tỷ lệ 100%", "Năm 2023"], ["Nhóm A", "\x00section"], ["2", "Đạt 90%", "2024"],
                    ["", "\x00section"], ["3", "Top 10", ""]],
              caption="PHỤ LỤC I\nMỤC TIÊU CỤ THỂ NĂM 2023"),
        Table(header=["Mục tiêu", "Thời hạn"], roles=["content", "timeframe"],
              rows=[["Giảm 20%", "Quý II/2023"], ["Tăng 5%", ""]], caption=""),
        Table(header=["Nội dung"], roles=["content"], rows=[["Chỉ tiêu 1"]], caption="Các chỉ tiêu chủ yếu"),
    ]
    found = 0
    for text, tables in [*((t, find_tables(t)) for t in seed_texts), ("", synthetic)]:
        want = _plain_table_targets(text, document, tables)
        assert _table_targets(text, document, tables) == want
        found += len(want)
    assert found > 5  # rows with and without a section of their own were read
