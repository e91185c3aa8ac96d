"""Fast paths of round 7 checked against the plain forms they replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract import agencies
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))

# Printed names with case, tone placement, prefixes, punctuation and spacing a name probe meets.
ADVERSARIAL_NAMES = [
    "", " ", "Sở Y tế", "sở Y tế", "SỞ Y TẾ", "Sở Y tế,", "Sở Y tế;", " Sở Y tế", "Sở  Y tế", "Sở Y\ntế",
    "UBND tỉnh", "uBND tỉnh", "UBND tỉnh Tiền Giang", "Ủy ban nhân dân tỉnh", "Uỷ ban nhân dân tỉnh",
    "Đề nghị Sở Y tế", "- Sở Y tế", "Giao cho Sở Nội vụ", "các sở, ban, ngành", "Các sở, ban, ngành tình",
    "Sở, ngành tinh", "Đài Phát thanh và Truyền hình", "VP.UBND tỉnh", "VPUBND", "Sở TT&TT", "cấp",
    "cấp tỉnh, cấp huyện", "Báo Ấp Bắc", "Sở Y tế (chủ trì)", "İl", "ǅ", "Sở Giáo dục và Đào tạo",
]
ADVERSARIAL_WORDS = [
    "", "tế", "tế,", "tế;", "tế.", "tế:", "tế)", "(tế", "TẾ", "Tế,", "tỉnh", "tỉnh;", "TỈNH:", "tinh", "tình,",
    "uỷ", "ủy", "Uỷ,", "hoá", "hóa.", "&", "TT&TT", "TT&TT,", "VP.UBND", "UBND", "ubnd;", "-", "–", "“Sở",
    "Sở”", "2021", "16/3/2021", "III.", "İ", "ß", "ǅ", "x" * 300,
]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _seed_names(texts: list[str]) -> list[str]:
    """Names and phrases the prose scan and the cell splitter meet in the seeds, and their word
    prefixes (the candidates a name probe looks up)."""
    out: list[str] = []
    for text in texts:
        for name in agencies._mentioned_names(text, False):
            words = name.split()
            out += [" ".join(words[:k]) for k in range(1, len(words) + 1)]
            out += [name + ",", name[:1].swapcase() + name[1:]]
    return out


def test_printed_lookups_are_the_plain_lookup() -> None:
    table = agencies._printed_lookups()
    assert len(table) >= len(agencies.gazetteer())
    for name, entry in table.items():
        assert entry == agencies._lookup(name), name


def test_lookup_matches_plain_form(seed_texts: list[str]) -> None:
    names = [*ADVERSARIAL_NAMES, *_seed_names(seed_texts), *agencies._printed_lookups()]
    for name in names:
        # Cold (the reference table read first) and warm.
        agencies.lookup.cache_clear()
        assert agencies.lookup(name) == agencies._lookup(name), name
        assert agencies.lookup(name) == agencies._lookup(name), name


def test_printed_word_facts_are_the_plain_facts() -> None:
    table = agencies._printed_word_facts()
    assert "tế," in table and "tỉnh;" in table
    for word, facts in table.items():
        assert facts == agencies._word_facts_of(word), word


def test_word_facts_match_plain_form(seed_texts: list[str]) -> None:
    words = {w for text in seed_texts for w in text.split()}
    agencies._word_facts.cache_clear()
    for word in [*ADVERSARIAL_WORDS, *sorted(words)]:
        assert agencies._word_facts(word) == agencies._word_facts_of(word), word
    agencies._word_facts.cache_clear()


def _plain_resolve(name: str, province: str | None) -> dict:
    """_resolve_agency as it was: the key always computed, every slug by slugify."""
    a = agencies
    printed = a.strip_agency_prefix(name)
    entry = a.lookup(printed)
    k = a._key(printed)
    tiered = a._TIER_SUFFIX.search(k) if not entry else None
    base = a.lookup(k[: tiered.start()]) if tiered else None
    office = a._OFFICE.match(printed) if not entry else None
    body = _plain_resolve(office.group(2), province) if office else None
    if entry:
        level, kind, canonical, known = entry.level, entry.type, entry.canonical, True
    elif base:
        tiers = tiered.group(0)
        level = "province" if "tỉnh" in tiers else "district" if "huyện" in tiers else "commune"
        kind, known = base.type, True
        printed_tiers = a._PRINTED_TIERS.search(printed)
        canonical = f"{base.canonical} {printed_tiers.group(1)}" if printed_tiers else base.canonical
    elif body and body["known"]:
        level, kind, known = body["level"], "office", True
        canonical = f"{office.group(1)} {body['canonical']}"
    else:
        m = a._LOCAL_UNIT.match(k)
        if m:
            unit = m.group(1)
            level = "commune" if unit in {"xã", "phường", "thị trấn"} else "district"
            kind, known = "specific", True
            canonical = a._HDND_OPENING.sub("HĐND", a._UBND_OPENING.sub("UBND", printed))
        else:
            level = a._level_of_unknown(k)
            kind = "collective" if a._COLLECTIVE_OPENING.match(k) else "specific"
            canonical, known = printed[:1].upper() + printed[1:], False
    if level == "any":
        level = "province" if province else "any"
    scope = "national" if level == "national" else province
    slug = a.slugify(canonical)
    return {
        "name": a.collapse(name),
        "canonical": canonical,
        "province": scope,
        "level": level,
        "type": kind,
        "known": known,
        "slug": slug,
        "iri_path": f"id/org/{slug}" if scope == "national"
        else f"id/org/{a.slugify(scope) if scope else 'unknown'}/{slug}",
    }


def test_reference_slugs_are_slugify() -> None:
    table = agencies._reference_slugs()
    assert len(table) >= len(agencies.provinces())
    for name, slug in table.items():
        assert slug == agencies.slugify.__wrapped__(name), name


def test_resolve_agency_matches_plain_form(seed_texts: list[str]) -> None:
    names = [*ADVERSARIAL_NAMES, *_seed_names(seed_texts), *agencies._printed_lookups(),
             "Giám đốc Sở Y tế", "Bộ trưởng Bộ Nội vụ", "UBND huyện Chợ Gạo", "Cơ quan chuyên môn thuộc UBND cấp tỉnh",
             "Đơn vị sự nghiệp công lập cấp tỉnh, cấp huyện", "Các cơ quan, đơn vị có liên quan", "Bộ Y tế"]
    provinces = [None, "", "Tiền Giang", "Hà Nội", "Thành phố Hồ Chí Minh", "Tỉnh không có"]
    for province in provinces:
        agencies._resolve_agency.cache_clear()
        for name in names:
            assert agencies.resolve_agency(name, province) == _plain_resolve(name, province), (name, province)


def test_printed_splits_are_the_plain_split() -> None:
    table = agencies._printed_splits()
    assert set(table) == set(agencies._printed_lookups())
    for form, split in table.items():
        assert split == agencies._split_agencies_of(form), form


def test_split_agencies_matches_plain_form(seed_texts: list[str]) -> None:
    cells = [*ADVERSARIAL_NAMES, *_seed_names(seed_texts), *agencies._printed_lookups(),
             "Sở Y tế; Sở Tài chính", "- Sở Y tế\n- UBND tỉnh", "UBND cấp huyện, cấp xã", "Sở TT&TT VP.UBND tỉnh"]
    cells += [line for text in seed_texts for line in text.split("\n") if line.strip()][:400]
    agencies._split_agencies.cache_clear()
    for cell in cells:
        assert agencies._split_agencies(cell) == agencies._split_agencies_of(cell), cell
    agencies._split_agencies.cache_clear()
