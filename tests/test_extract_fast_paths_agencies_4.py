"""Fast paths of the agency mentions (round 5) checked against the plain forms they replace."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pipelines.extract import agencies
from pipelines.extract import text as text_module
from pipelines.extract.text import collapse, nfc
from pipelines.ingest.encodings import VIETNAMESE_LETTERS
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_agencies import _key_plain
from tests.test_extract_fast_paths_agencies_3 import ADVERSARIAL, _plain_prefix

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))

# Words that turn every branch of the word folding: case, old and new tone placement, "&", the
# punctuation _vocab_words splits on, characters it does not split on, rewritten and made tokens,
# province names, words of no key, decomposed marks, the empty word.
ODD_WORDS = ["", "Sở", "SỞ", "sở,", "(Sở", "“Sở”", "Hoá", "hóa", "HOÁ", "Uỷ", "ủy", "ỦY", "GD&ĐT", "&", "VP.UBND",
             "VPUBND", "vp", "tỉnh.", "tình", "tinh", "Tiền", "Giang,", "Bến", "Tre;", "của", "x", "xyz", "2021-2025",
             "ngành/", "S\u01a1\u0309", "Sở#", "Sở\u200b", "-", "...", "•", "–", "Văn", "phòng", "HĐND-UBND", "gıao",
             "İ", "ß", "ﬁ", "Σ", "K", "đoàn", "thể", "và", "Và", "VÀ", "có", "liên", "quan"]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


@pytest.fixture(scope="module")
def words(seed_texts: list[str]) -> list[str]:
    out = set(ODD_WORDS)
    for e in agencies.gazetteer():
        for name in (e.canonical, *e.aliases):
            out.update(name.split())
    for text in [*seed_texts, *ADVERSARIAL]:
        out.update(nfc(text).split())
    return sorted(out)


# --- collapsing by replacements -----------------------------------------------------------


def test_collapse_equals_the_join_of_the_words(seed_texts: list[str]) -> None:
    every_space = [chr(i) for i in range(0x110000) if chr(i).isspace()]
    assert set(every_space) == {" ", "\n", *text_module.RARE_SPACES}
    unprintable = ["\u00ad", "\u200b", "\ufeff", "\x00", "\x07", "\u2066", "\ue000"]
    alphabet = ["a", "Sở", "ô", " ", "  ", "   ", "\n", "\r\n", "\n\n", " \n ", *every_space, *unprintable]
    rng = random.Random(3)
    texts = ["", " ", "\n", "x", " x ", "x" + " " * 1000 + "y", "\n".join(every_space) + "z"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    for text in seed_texts:
        texts += [text, *text.splitlines(), *text.split("\n\n")]
    for text in texts:
        assert collapse(text) == " ".join(text.split()), repr(text[:80])


# --- one fold per word -------------------------------------------------------------------


def _kept_tokens_plain(word: str) -> tuple[str, ...] | None:
    vocabulary = agencies._key_vocabulary()
    if not all(w in vocabulary for w in agencies._vocab_words(word)):
        return None
    rewritten = agencies._rewritten_tokens()
    return tuple(t for t in agencies._key_tokens(word) if t not in rewritten)


def _may_end_a_name_plain(token: str) -> bool:
    words = agencies._vocab_words(token)
    return not words or words[-1] in agencies._key_last_words()


def _may_open_with_plain(first: str) -> bool:
    if not first:
        return True
    first = nfc(first)
    if not all(c in VIETNAMESE_LETTERS for c in first):
        return True
    word = agencies.tone_normalise(first.casefold())
    return word in agencies._REWRITTEN_OPENINGS or word in agencies._key_first_words()


def test_word_facts_are_the_plain_folds(words: list[str]) -> None:
    kept = opens = 0
    for word in words:
        plain = (_kept_tokens_plain(word), _may_end_a_name_plain(word), _may_open_with_plain(word))
        assert agencies._word_facts.__wrapped__(word) == plain, word
        assert agencies._kept_tokens(word) == plain[0]
        assert agencies._may_end_a_name(word) == plain[1]
        assert agencies._may_open_with(word) == plain[2]
        kept += plain[0] is not None
        opens += plain[2]
    assert 100 < kept < len(words) and 100 < opens < len(words)  # both answers occur


# --- name keys --------------------------------------------------------------------------


def test_key_with_skipped_rewrites_equals_the_plain_form(words: list[str], seed_texts: list[str]) -> None:
    # Every rewrite, alone and together, at the ends and glued to punctuation; "&" making runs of
    # spaces; "tỉnh" / "thành phố" before a province name, at the end, before another word.
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    provinces = [p["name"] for p in agencies.provinces()]
    parts = ["Ủy ban nhân dân", "uỷ  ban\nnhân dân", "Hội đồng nhân dân", "Văn phòng", "VP", "vp.", "VP . UBND",
             "VPUBND", "vpubnd", "UBND", "&", " & ", "của", "của tỉnh", "tỉnh", "tỉnh " + provinces[0],
             "thành phố " + provinces[-1], "thành phố", "tinh", "tình", "-", "–", "/", "(x)", "2025", "Sở", "Y tế",
             ",", ";", ":", ".", "“", "\u00a0", "\u2003", "x_y", "½", "Σ", "ß"]
    rng = random.Random(11)
    texts = names + ADVERSARIAL + words + [f"{h} {p}" for p in provinces for h in ("UBND tỉnh", "Thành phố")]
    texts += [" ".join(rng.choice(parts) for _ in range(rng.randint(1, 7))) for _ in range(6000)]
    texts += [line for text in seed_texts for line in text.splitlines()[:300]]
    for text in texts:
        assert agencies._key.__wrapped__(text) == _key_plain(text), text


# --- the gazetteer probe -----------------------------------------------------------------


@pytest.fixture(scope="module")
def windows(seed_texts: list[str]) -> list[str]:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    # Openings strip_agency_prefix drops (every candidate is looked up then), in odd cases too.
    openings = ["Đề nghị ", "đề  nghị\n", "GIAO CHO ", "Giao ", "gıao ", "Trách nhiệm của ", "- Nhiệm vụ của ", " • "]
    tails = ["", " chủ trì", ", Sở Nội vụ", " tinh", ";", " (phối hợp)", " & Sở Y tế", "  \n  Sở Tư pháp"]
    out = [o + n + t for n in names[::2] for o in ["", *openings] for t in tails[:3]]
    out += [n + t for n in names for t in tails]
    # Windows that are not flat: white space before the words, runs and line breaks between them.
    out += [v for n in names[1::2] for v in (" " + n, "\t" + n + " chủ trì", n.replace(" ", "  ", 1),
                                             n.replace(" ", "\n", 1) + ", Sở Y tế", n.replace(" ", " \u00a0", 1))]
    out += [*ADVERSARIAL, "", " ", "  \n", "-", "- - -", ", Sở Y tế", "…", "x" * 300, "Sở " * 80]
    # Bullets and punctuation before the first word (the opening-word test looks past them).
    out += [m + g + n for n in names[::7] for m in "-+•*.;:,…(“" for g in ("", " ", m)]
    for text in seed_texts:
        flat = collapse(nfc(text))
        out += [flat[m.start(): m.start() + agencies._PREFIX_WINDOW] for m in re.finditer(r"\S+", flat)]
    return out


def test_probe_equals_the_plain_search(windows: list[str]) -> None:
    found = opened = 0
    for window in windows:
        got = agencies._gazetteer_prefix_window.__wrapped__(window)
        assert got == _plain_prefix(window), window
        found += got > 0
        opened += got > 0 and bool(agencies._OPENING_PREFIX.match(window))
    assert found > 1000 and opened > 100  # both branches find names


# --- phrases of one known name -----------------------------------------------------------


@pytest.fixture(scope="module")
def phrases(seed_texts: list[str]) -> list[str]:
    """Flat phrases opening with a letter: the walked phrases of the seeds, gazetteer names with
    trailing punctuation, glued names, openings, and random runs of list-like words."""
    out: set[str] = set()
    for text in [*seed_texts, *ADVERSARIAL]:
        for segment in agencies._segments(nfc(text)):
            flat = collapse(segment)
            for m in agencies._ITEM_SCAN.finditer(flat):
                end = agencies._phrase_end(flat, m.start(), None)
                if end is not None:
                    out.add(flat[m.start():end])
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    rng = random.Random(5)
    for n in names:
        out.update({n, n + ".", n + ":", n + " .", n + " :", n + " (", n + "”", n + " tỉnh", n + " tinh"})
        out.add(n + " " + rng.choice(names))  # two bodies glued (a lost separator)
        # Separators inside a known name: split on all the same when the gazetteer probe of the
        # splitter cannot see the whole name (more than twelve words: punctuation pads it).
        out.add(n.replace(" ", "; ", 1))
        pad = " ." * 12
        padded = n.replace(" ", pad + " ", 1).replace(", ", pad + ", ").replace(" và ", pad + " và ")
        out.update({padded, padded.title()})
        out.add("Giao " + n)
        out.add("Đề nghị " + n)
    vocabulary = ["Sở", "Y", "tế", "UBND", "tỉnh", "và", "Và", "các", "sở", "ban", "ngành", "Nội", "vụ", "(", ")",
                  "-", ".", ":", "huyện", "Mỏ", "Cày", "Bắc", "cấp", "xã", "Văn", "phòng", "Báo", "Ấp", "•", "+",
                  "Đài", "PTTH", "Tiền", "Giang", "Công", "an", "vàSở", "và.", "hành", "chính"]
    for _ in range(4000):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 20))]
        out.add(" ".join(words))
    return sorted(p for p in out if p[:1].isalpha() and p == collapse(p))


def test_one_known_name_is_the_split_of_the_phrase(phrases: list[str]) -> None:
    fired = 0
    for phrase in phrases:
        name = agencies._one_known_name(phrase)
        if name is not None:
            assert agencies._split_agencies.__wrapped__(phrase) == (name,), phrase
            assert agencies.lookup(name)
            fired += 1
        else:
            # Not a shortcut: holds a separator, or the gazetteer does not know it whole.
            assert any(s in phrase for s in ";,") or " và " in phrase or not agencies.lookup(phrase.strip(" .,;:"))
    assert fired > 500
