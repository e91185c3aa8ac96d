"""Fast paths of the gazetteer probe (round 4) checked against the plain forms they replace."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipelines.extract import agencies
from pipelines.extract.text import collapse, nfc
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_agencies import _glued_plain

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))
GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.json"))

# Names and lists that turn every rewrite of _key: abbreviations, punctuation, "của tỉnh", province
# names after "tỉnh" / "thành phố", the "tình" / "tinh" typos, "&", openings strip_agency_prefix drops
# (in odd cases too: "GIAO", "gıao", "gİao" match its case-insensitive pattern).
ADVERSARIAL = [
    "UBND tỉnh", "VP UBND tỉnh", "VP.UBND tỉnh, Sở Y tế", "VPUBND", "VP . UBND tỉnh", "Văn phòng UBND tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh Bến Tre chủ trì", "Uỷ ban nhân dân tỉnh Tiền Giang ban hành",
    "Hội đồng nhân dân tỉnh, Ủy ban nhân dân tỉnh", "HĐND-UBND tỉnh", "Sở Tài chính của tỉnh",
    "các sở, ngành của tỉnh Bến Tre", "Sở, ngành tinh", "Các sở, ban, ngành tình", "Sở, ngành tinh, UBND cấp huyện",
    "Sở Giáo dục & Đào tạo", "Sở GD&ĐT;", "Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hoá,Thể thao và Du lịch",
    "“Sở Tư pháp”", "(Sở Nội vụ)", "Sở Y tế – Sở Tài chính", "Sở Nội vụ/Sở Tài chính", "Sở Nội vụ#Sở Y tế",
    "Đề nghị Sở Tư pháp", "đề  nghị\nSở Tư pháp chủ trì", "Giao Sở Tư pháp", "GIAO CHO Sở Y tế", "gıao Sở Tư pháp",
    "gİao Sở Tư pháp", "Trách nhiệm của Sở Tài chính", "trách nhıệm của Sở Tài chính", "Nhiệm vụ của UBND cấp huyện",
    "- Giao cho Sở Nội vụ, Sở Tài chính", "  • Đề nghị Công an tỉnh", "Đài Phát thanh và Truyền hình chủ trì",
    "UBND thành phố Bến Tre", "Ủy ban nhân dân thành phố Hồ Chí Minh", "UBND tỉnh Bà Rịa - Vũng Tàu",
    "Sở Nội vụ tỉnh Tiền Giang, Sở Y tế tỉnh Bến Tre", "Sở Kế hoạch và Đầu tư và các cơ quan có liên quan",
    "Các sở, ngành, UBND cấp huyện, cấp xã", "Sở\u00a0Nội\tvụ", "Sở Nội vụ\u200bSở Y tế", "S\u01a1\u0309 Y tế",
]


@pytest.fixture(scope="module")
def windows() -> list[str]:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    tails = ["", " triển khai thực hiện", ", Sở Nội vụ", " và UBND cấp huyện", " tinh", " tình, UBND", ";\n - ",
             " (phối hợp)", " & Sở Y tế", " của tỉnh Bến Tre", " tỉnh Tiền Giang chủ trì"]
    names += [n.removesuffix(" tỉnh") for n in names if n.endswith(" tỉnh")]
    out = [n + t for n in names for t in tails]
    out += [f"{h} {p['name']}{t}" for p in agencies.provinces() for h in ("UBND tỉnh", "Ủy ban nhân dân thành phố")
            for t in ("", " và Sở Y tế", ", Sở Tư pháp")]
    out += ADVERSARIAL + [h + " " + a for h in ("Đề nghị", "Giao", "gıao", "Trách nhiệm của") for a in ADVERSARIAL]
    texts = [read_source(p).text for p in SEEDS]
    for path in GOLD:  # the hand-checked names, printed one after another as a list
        data = json.loads(path.read_text(encoding="utf-8"))
        texts.append(", ".join(a.get("name") or a.get("canonical") or "" for a in data.get("agencies") or []))
    for text in texts:
        flat = collapse(nfc(text))
        out += [flat[m.start(): m.start() + agencies._PREFIX_WINDOW] for m in re.finditer(r"\S+", flat)]
    return out


def _plain_prefix(window: str) -> int:
    words = list(agencies._WORD.finditer(window))
    for k in range(min(len(words), 12), 0, -1):
        cand = window[: words[k - 1].end()].rstrip(",;.:()“”\"")
        if agencies.lookup(cand):
            return len(cand)
    return 0


def test_probe_with_the_kept_token_test_equals_the_plain_search(windows: list[str]) -> None:
    found = 0
    for window in windows:
        got = agencies._gazetteer_prefix_window.__wrapped__(window)
        assert got == _plain_prefix(window), window
        found += got > 0
    assert found > 1000


def _candidates(window: str) -> list[str]:
    ends = [m.end() for m in agencies._WORD.finditer(window)][:12]
    return [window[:e].rstrip(",;.:()“”\"") for e in ends]


def test_kept_prefixes_keep_every_candidate_lookup_finds(windows: list[str]) -> None:
    keys = agencies._kept_sequences()[0]
    cut = 0
    for window in windows:
        if agencies._OPENING_PREFIX.match(window):
            continue
        seqs = agencies._kept_prefixes(window.split(None, 12)[:12])
        for k, cand in enumerate(_candidates(window), start=1):
            if agencies.lookup(cand):
                assert k <= len(seqs) and seqs[k - 1] in keys, (window, k)
            else:
                cut += k > len(seqs) or seqs[k - 1] not in keys
    assert cut > len(windows)  # the test does rule candidates out


def _is_made_token_deletion(raw: list[str], key: list[str]) -> bool:
    i = 0
    for t in key:
        if i < len(raw) and raw[i] == t:
            i += 1
        elif t not in agencies._MADE_TOKENS:
            return False
    return i == len(raw)


def test_kept_tokens_are_the_key_kept_tokens_less_made_ones(windows: list[str]) -> None:
    # The premise itself, on every candidate: the kept tokens of its words, in order, are the kept
    # tokens of its key with some made tokens ("ubnd", "hđnd", "vp", "tỉnh") left out.
    rewritten = agencies._rewritten_tokens()
    checked = 0
    for window in windows[::3] + ADVERSARIAL:
        if agencies._OPENING_PREFIX.match(window):
            continue
        for cand in _candidates(window):
            raw = [t for w in cand.split() for t in agencies._key_tokens(w) if t not in rewritten]
            key = agencies._key(agencies.strip_agency_prefix(cand))
            kept = [t for t in re.findall(r"\w+", key) if t not in rewritten]
            assert _is_made_token_deletion(raw, kept), (cand, raw, kept)
            checked += 1
    assert checked > 50000


def test_glued_equals_the_plain_form(windows: list[str]) -> None:
    items = [w for w in windows if len(w.split()) <= 16][::5] + ADVERSARIAL
    items += ["Sở TT&TT VP.UBND tỉnh", "Sở Y tế Sở Tài chính", "UBND tỉnh HĐND tỉnh", "gıao Sở Y tế Sở Nội vụ", ""]
    glued = 0
    for item in items:
        got = agencies._glued.__wrapped__(item)
        assert got == _glued_plain(item), item
        glued += got is not None and len(got) > 1
    assert glued > 10


def test_odd_case_openings_are_seen_by_the_opening_test() -> None:
    for window in ["gıao Sở Tư pháp", "gİao Sở Tư pháp", "GIAO CHO Sở Y tế", " - trách nhıệm của Sở", "ĐỀ NGHỊ Sở"]:
        assert agencies._OPENING_PREFIX.match(window)
        assert agencies._key(agencies.strip_agency_prefix(window)) != agencies._key(window)
    assert agencies._gazetteer_prefix_window.__wrapped__("gıao Sở Tư pháp") == _plain_prefix("gıao Sở Tư pháp") > 0
