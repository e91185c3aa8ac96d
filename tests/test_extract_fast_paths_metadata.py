"""Fast paths of metadata and target extraction checked against the plain forms they replace."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pipelines.extract import metadata
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))

ADVERSARIAL_BODIES = [
    "",
    "a a a a",
    "axã xã xã xã\nXã Xã xã",
    "Thực hiện kế hoạch, thực Hiện Kế Hoạch.\nKẾ HOẠCH THỰC HIỆN\n(kế hoạch) _kế hoạch kế hoạch_ kếhoạch",
    "ban hành\tBan  hành\n\nBAN HÀNH, ban\u00a0Hành; Ban\u2003hành ban hành",
    "a.a.a.a a.a x a.a",
    "İstanbul istanbul ISTANBUL",  # lowering changes the length: offsets fall back to the body
    "Tỉnh Tiền Giang, tỉnh tiền giang\nTỈNH TIỀN GIANG\ncủa tỉnh Tiền Giang",
]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _plain_case_lookup(body: str):
    """The form ``metadata._case_lookup`` replaced: one uncached pattern per query."""
    caps_line: dict[int, bool] = {}
    lowered = body.lower()
    if len(lowered) != len(body):
        lowered, body = body, body

    def variant(phrase_words: list[str], idx: int) -> str | None:
        pattern = r"\s+".join(re.escape(w.lower()) for w in phrase_words) + r"(?![\w])"
        counts: Counter[str] = Counter()
        for m in re.finditer(pattern, lowered):
            start, end = m.span()
            if start > 0 and lowered[start - 1].isalnum():
                continue
            if idx == 0:
                prev = body[max(0, start - 3) : start].rstrip()
                if not prev or not (prev[-1].isalnum() or prev[-1] == ","):
                    continue
            line_from = body.rfind("\n", 0, start) + 1
            caps = caps_line.get(line_from)
            if caps is None:
                line_to = body.find("\n", end)
                line = body[line_from : line_to if line_to >= 0 else len(body)]
                caps = caps_line[line_from] = metadata._is_caps(line)
            if caps:
                continue
            counts[body[start:end].split()[idx]] += 1
        return counts.most_common(1)[0][0] if counts else None

    return variant


def _queries(body: str) -> list[tuple[list[str], int]]:
    words = body.split()[:400]
    out: list[tuple[list[str], int]] = []
    for i, w in enumerate(words):
        out.append(([w.upper()], 0))
        if i:
            out.append(([words[i - 1].upper(), w.upper()], 1))
            out.append(([words[i - 1], w], 0))
    return out


def test_case_lookup_matches_the_plain_form(seed_texts: list[str]) -> None:
    for body in [*seed_texts, *ADVERSARIAL_BODIES]:
        fast, plain = metadata._case_lookup(body), _plain_case_lookup(body)
        queries = [*_queries(body), (["a", "a"], 0), (["xã", "xã"], 1), (["A.A"], 0), (["kế", "hoạch"], 1)]
        for words, idx in queries:
            assert fast(words, idx) == plain(words, idx), (words, idx, body[:60])
            assert fast(words, idx) == plain(words, idx)  # the per-body cache answers the same


def test_sentence_case_of_seed_headings(seed_texts: list[str]) -> None:
    heading = "KẾ HOẠCH THỰC HIỆN CẢI CÁCH HÀNH CHÍNH NĂM 2022 CỦA TỈNH TIỀN GIANG"
    for body in [*seed_texts, *ADVERSARIAL_BODIES]:
        plain = _plain_case_lookup(body)
        expected = ["Kế", "hoạch"]
        words = heading.split()
        for i in range(2, len(words)):
            w = words[i]
            if any(c.isdigit() for c in w):
                expected.append(w)
                continue
            cased = plain([words[i - 1], w], 1)
            if cased is None and i + 1 < len(words):
                cased = plain([w, words[i + 1]], 0)
            if cased is None:
                cased = plain([w], 0)
            expected.append(cased if cased is not None else w.lower())
        assert metadata.sentence_case(heading, body) == " ".join(expected)
