"""Fast paths of the agency extraction checked against the plain forms they replace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.extract import agencies
from pipelines.extract.record import extract_record
from pipelines.extract.regex_source import top_level_alternatives
from pipelines.extract.text import collapse, flat_document, nfc
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))

# Prose that exercises the turns of the agency grammar: heads split over lines, look-aheads at a
# segment's end, stop words and their exceptions, relative clauses, collectives, tiers and units.
ADVERSARIAL = [
    "",
    "Sở",
    "Ban hành\nBan\nhành Ban  hành, Ban",
    "Bộ Chỉ số\nBộ Chỉ huy Quân sự tỉnh; Bộ\tcâu hỏi; Bộ Nội vụ",
    "Cổng\nthông tin điện tử tỉnh, Cổng TTĐT, Cổng chào",
    "Báo cáo\nBáo Ấp Bắc\nBáo\n\ncáo",
    "Hội nghị, Hội thi, Hội thảo, Hội Nông dân, Hội\u00a0đồng nhân dân tỉnh",
    "VP.UBND tỉnh, VPUBND, VP UBND, VP.\nUBMTTQVN tỉnh",
    "397/KH-UBND; (UBND tỉnh); “Sở Y tế”; 'Sở Tư pháp'; xSở Nội vụ",
    "các sở, ban, ngành tỉnh và UBND các huyện, thành phố có liên quan triển khai thực hiện",
    "Các Sở, Những cơ quan, những đơn vị, Những Hội; các tổ chức, cácsở",
    "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính và Công an tỉnh tổ chức thực hiện.",
    "UBND tỉnh đã được Chính phủ giao nhiệm vụ để thực hiện; Sở Y tế được phân công nhằm",
    "Công an tỉnh, công an các huyện, ban ngành, Ban Dân tộc có trách nhiệm",
    "Sở Tư pháp trong việc rà soát; Sở Tư pháp trong và ngoài tỉnh; các tổ chức, tổ chức",
    "Các cơ quan truyền thông trong và ngoài tỉnh thường xuyên đăng tải",
    "UBND cấp huyện, cấp xã; UBND huyện Mỏ Cày Bắc, huyện Châu Thành triển khai",
    "Ủy ban nhân dân tỉnh Bến Tre, Uỷ ban nhân dân thành phố Bến Tre (phối hợp)",
    "Sở Giáo dục & Đào tạo: Sở Văn hoá, Thể thao và Du lịch. Sở Khoa học và Công nghệ;",
    "Trung tâm Phục vụ hành chính công\n\n| Sở Công Thương | Bưu điện tỉnh |\n- Kho bạc Nhà nước tỉnh\n1. Cục Thuế",
    "Đài Phát thanh và Truyền hình, " * 12 + "Sở Nội vụ",
    " ".join(["Sở"] * 40),
    "Giám đốc Sở Y tế, Thủ trưởng các cơ quan, Người đứng đầu cơ quan hành chính các cấp",
]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _flats(seed_texts: list[str]) -> list[str]:
    return [collapse(nfc(t)) for t in [*seed_texts, *ADVERSARIAL]]


# --- the item-start scan -----------------------------------------------------------------


def test_grouped_item_scan_finds_what_item_start_finds(seed_texts: list[str]) -> None:
    for text in [*seed_texts, *ADVERSARIAL]:
        for view in (text, collapse(text)):
            assert [m.span() for m in agencies._ITEM_SCAN.finditer(view)] == \
                [m.span() for m in agencies._ITEM_START.finditer(view)]
            for pos in range(0, min(len(view), 6000)):
                assert bool(agencies._ITEM_SCAN.match(view, pos)) == bool(agencies._ITEM_START.match(view, pos))


def test_item_scan_sees_whitespace_only_through_classes() -> None:
    # What lets a segment as printed stand in for its collapsed form in _segment_mentions.
    pattern = agencies._ITEM_SCAN.pattern
    assert not any(c.isspace() for c in pattern)
    assert "\\n" not in pattern and "\\t" not in pattern and "\\x" not in pattern


def test_alternatives_split_at_the_top_level_only() -> None:
    assert top_level_alternatives(r"a|b(?:c|d)|[|]e|f\|g") == ["a", "b(?:c|d)", "[|]e", r"f\|g"]
    assert "|".join(top_level_alternatives(agencies._HEAD_WORDS)) == agencies._HEAD_WORDS
    assert agencies._by_opening_letter(["Sở", "Ban", "Bộ", "Báo"]) == "Sở|B(?:an|ộ|áo)"
    with pytest.raises(ValueError):
        agencies._by_opening_letter(["(?:x)"])
    with pytest.raises(ValueError):
        agencies._by_opening_letter(["X?y"])


# --- mentions of one segment -------------------------------------------------------------


def _segment_mentions_plain(segment: str) -> tuple[str, ...]:
    flat = collapse(segment)
    out: list[str] = []
    pos = 0
    for m in agencies._ITEM_START.finditer(flat):
        if m.start() < pos or (m.start() > 0 and flat[m.start() - 1] not in " (“\"'"):
            continue
        end = _agency_phrase_end_plain(flat, m.start())
        if end is None:
            continue
        for name in agencies.split_agencies(flat[m.start():end]):
            words = name.split()
            named = agencies._NAMED_BODY.match(name) and any(w[:1].isupper() for w in words[1:]) and len(words) <= 12
            if agencies.lookup(name) or agencies._named_unit(agencies._UNIT_ITEM, name) or named:
                out.append(name)
        pos = end
    return tuple(out)


def test_segment_mentions_equal_the_plain_form(seed_texts: list[str]) -> None:
    segments = {s for text in [*seed_texts, *ADVERSARIAL] for s in agencies._segments(nfc(text))}
    segments |= {" \n Sở Y tế \n", "\tBan\n", "Ban\nhành", "x\u2003UBND\u00a0tỉnh", "Các\n\nsở, ban"}
    skipped = 0
    for segment in segments:
        skipped += not agencies._ITEM_SCAN.search(segment)
        assert agencies._segment_mentions.__wrapped__(segment) == _segment_mentions_plain(segment), segment
    assert skipped  # the shortcut does fire


# --- the phrase walk ---------------------------------------------------------------------


def _ends_phrase_plain(text: str, i: int, word: str, bare: str, nxt_bare: str, relative: bool) -> bool:
    if relative:
        return bare in {"để", "nhằm"}
    if bare == "trong":
        return bool(agencies._TRONG_STOP.match(text[i:].casefold()))
    if not word[:1].islower() or bare not in agencies._STOP_WORDS or (bare, nxt_bare) in agencies._STOP_EXCEPTIONS:
        return False
    return not (bare == "tổ" and text[:i].rstrip().endswith("các"))


def _is_item_start_plain(text: str, pos: int) -> bool:
    return bool(agencies._ITEM_START.match(text[pos:])) or bool(agencies._gazetteer_prefix(text[pos:]))


def _agency_phrase_end_plain(text: str, pos: int = 0) -> int | None:
    gpw = agencies._gazetteer_prefix_window.__wrapped__
    if not _is_item_start_plain(text, pos):
        return None
    i = pos
    relative = False
    plain_words = False
    last_end = pos
    n_words = 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        opens = not relative and (i == pos or _is_item_start_plain(text, i))
        g = gpw(text[i:i + agencies._PREFIX_WINDOW]) if opens else 0
        if g and not plain_words:
            entry = agencies.lookup(text[i:i + g])
            i += g
            last_end = i
        else:
            plain_words = False
            entry = None
            m = agencies._WORD.match(text, i)
            if not m:
                break
            word = m.group(0)
            bare = word.strip(",;.:()“”\"").casefold()
            nxt = agencies._WORD.search(text, m.end())
            nxt_bare = nxt.group(0).strip(",;.:()").casefold() if nxt else ""
            if i > pos and word.startswith("("):
                break
            if bare in ("được", "đã") and i > pos:
                relative = True
            elif i > pos and _ends_phrase_plain(text, i, word, bare, nxt_bare, relative):
                break
            i = m.end()
            n_words += 1
            if not word.endswith((",", ";", ".", ":", ")")):
                last_end = i
            if n_words > 30:
                return None
            if word.endswith((".", ":", ")")) and not agencies._VP_TP_END.search(word):
                last_end = i - 1
                break
            if word.endswith((",", ";")):
                after = i
                while after < len(text) and text[after].isspace():
                    after += 1
                if _is_item_start_plain(text, after) \
                        or (word.endswith(",") and agencies._CONTINUE_AFTER_COMMA_AT.match(text, after)) \
                        or (word.endswith(",") and text[after:after + 1].isupper() and not relative):
                    last_end = i - 1
                    continue
                last_end = i - 1
                break
            continue
        j = agencies._JOINER.match(text, i)
        if j and _is_item_start_plain(text, j.end()):
            i = j.end()
            continue
        if j and "," in j.group(0) and agencies._CONTINUE_AFTER_COMMA_AT.match(text, j.end()):
            i = j.end()
            continue
        if entry is not None and entry.type == "collective" and text[i:i + 1] == " ":
            plain_words = True
            continue
        break
    end = last_end
    while end > pos and text[end - 1] in " ,;":
        end -= 1
    return end if end > pos else None


def test_agency_phrase_end_equals_the_plain_form(seed_texts: list[str]) -> None:
    for flat in _flats(seed_texts):
        starts = [m.start() for m in re.finditer(r"\S+", flat)]
        for pos in [*starts[::3], *(m.start() for m in agencies._ITEM_START.finditer(flat))]:
            assert agencies.agency_phrase_end(flat, pos) == _agency_phrase_end_plain(flat, pos), flat[pos:pos + 80]


# --- the record's agency list ------------------------------------------------------------


def _collect_plain(text: str, document: dict, tasks: list[dict], citations: list[dict]) -> list[dict]:
    province = (document or {}).get("province") or agencies.province_from_text(text)
    flat = flat_document(text)
    seen: dict[str, dict] = {}

    def add(name: str | None, role: str, at: int | None = None, printed: bool = True) -> None:
        name = collapse(name or "").strip(" .,;:")
        if not name:
            return
        k = name[:1].casefold() + name[1:]
        if k not in seen:
            rec = agencies.resolve_agency(name, province)
            rec["roles"] = set()
            if at is None:
                at = flat.find(name)
                if at < 0:
                    at = flat.find(name[:1].swapcase() + name[1:])
            if printed and (at is None or at < 0):
                rec["restored"] = True
            rec["_at"] = at if at is not None and at >= 0 else len(flat)
            seen[k] = rec
        seen[k]["roles"].add(role)

    for t in tasks:
        for n in t.get("lead") or []:
            add(n, "lead")
        for n in t.get("coordinators") or []:
            add(n, "coordinator")
        for n in agencies.split_agencies(t.get("approver") or ""):
            add(n, "approver")
    for c in citations or []:
        issuer = c.get("issuer")
        if issuer and agencies.lookup(issuer):
            add(issuer, "issuer", printed=False)
    for n in agencies.recipients(text):
        add(n, "recipient")
    for at, n in agencies.mentioned_agencies(text, distinct=True):
        add(n, "mentioned", at)
    out = []
    for rec in sorted(seen.values(), key=lambda r: r["_at"]):
        rec.pop("_at")
        rec["roles"] = sorted(rec["roles"])
        out.append(rec)
    return out


def test_collect_agencies_equals_the_plain_form() -> None:
    sources = [read_source(p) for p in SEEDS]
    for source in sources:
        record = extract_record(source)
        args = (source.text, record["document"], record["tasks"], record["citations"])
        assert agencies.collect_agencies(*args) == _collect_plain(*args) == record["agencies"]
    # Names repeated across roles and in both cases of the first letter, one of them never printed.
    text = "Sở Nội vụ chủ trì.\nsở Nội vụ, UBND tỉnh và Công an tỉnh phối hợp.\nNơi nhận:\n- Sở Nội vụ;\n- Lưu: VT."
    tasks = [{"lead": ["Sở Nội vụ", " sở Nội vụ ", "UBND thành phố Bến Tre"], "coordinators": ["Công an tỉnh", ""],
              "approver": "UBND tỉnh"}, {"lead": None, "coordinators": ["Sở Nội vụ"], "approver": None}]
    citations = [{"issuer": "UBND tỉnh"}, {"issuer": "Ai đó"}, {}]
    document = {"province": "Bến Tre"}
    args = (text, document, tasks, citations)
    assert agencies.collect_agencies(*args) == _collect_plain(*args)


# --- the gazetteer probe -----------------------------------------------------------------


def _plain_prefix(window: str) -> int:
    words = list(agencies._WORD.finditer(window))
    for k in range(min(len(words), 12), 0, -1):
        cand = window[: words[k - 1].end()].rstrip(",;.:()“”\"")
        if agencies.lookup(cand):
            return len(cand)
    return 0


def test_gazetteer_probe_finds_every_name_the_plain_search_finds(seed_texts: list[str]) -> None:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    tails = ["", " triển khai thực hiện", ", Sở Nội vụ", " tỉnh Bến Tre chủ trì", " tinh", ";\n - ", " (phối hợp)"]
    # Names printed without their closing "tỉnh" ("Bộ Chỉ huy Quân sự"): lookup adds it back.
    names += [n.removesuffix(" tỉnh") for n in names if n.endswith(" tỉnh")]
    windows = [n + t for n in names for t in tails]
    windows += [f"{h} {p['name']}{t}" for p in agencies.provinces() for h in ("UBND tỉnh", "Ủy ban nhân dân thành phố")
                for t in ("", " và Sở Y tế")]
    windows += ["Đài Phát thanh và Truyền hình chủ trì", "Văn phòng", "Ủy ban nhân dân", "Hội đồng nhân dân",
                "VP.UBND", "VPUBND tỉnh", "Các sở, ban, ngành tình", "Giao cho", "Đề nghị", "Sở Văn hoá",
                "Sở GD&ĐT;", "Sở GD & ĐT", "Sở  Nội\tvụ \u00a0 chủ trì", "  Sở Y tế", "“Sở Tư pháp”", "Sở Y tế –",
                "Sở Y tế - ", "Sở Y tế +", "của tỉnh", "Trách nhiệm của Sở Tài chính", "x " * 30]
    for text in seed_texts:
        flat = collapse(text)
        windows += [flat[m.start(): m.start() + agencies._PREFIX_WINDOW] for m in re.finditer(r"\S+", flat)]
    found = 0
    for window in windows:
        got = agencies._gazetteer_prefix_window.__wrapped__(window)
        assert got == _plain_prefix(window), window
        found += got > 0
    assert found > len(names)  # the probe does find names


def test_last_word_shortcut_fires_and_key_spaces_fold_as_the_regex(seed_texts: list[str]) -> None:
    assert not agencies._may_end_a_name("trì,") and agencies._may_end_a_name("vụ,") and agencies._may_end_a_name("–")
    for name in ["  Sở\u00a0Nội  vụ ", "UBND\ntỉnh\tBến Tre", "Sở GD&ĐT", "Văn phòng - UBND tỉnh", "\u2003", ""]:
        assert agencies._key.__wrapped__(name) == _key_plain(name)
    for text in seed_texts[:2]:
        for line in text.splitlines()[:400]:
            assert agencies._key.__wrapped__(line) == _key_plain(line)


def _key_plain(name: str) -> str:
    s = agencies.tone_normalise(collapse(nfc(name)).casefold())
    s = s.replace("&", " và ")
    for _, pattern, replacement in agencies._KEY_REWRITES:
        s = pattern.sub(replacement, s)
    s = re.sub(r"\s+", " ", s).strip()
    s = agencies._KEY_OF_PROVINCE.sub(r"\1", s)
    s = agencies._province_suffix_re().sub(lambda m: m.group(1) or m.group(2), s)
    # A province's bare name closing the key goes, unless a unit word comes before it (the earliest
    # match of the alternation is the longest name that ends the key).
    names = sorted(agencies._province_variants(), key=len, reverse=True)
    m = re.search(r"(\S+) (?:" + "|".join(map(re.escape, names)) + r")$", s)
    if m and m.group(1) not in {"tỉnh", "phố", "huyện", "quận", "xã", "phường", "trấn", "tp"}:
        s = s[: m.start()] + m.group(1)
    if re.search(r"[()]\s*\S+\s*$", name):  # the word after a bracket is no typo of "tỉnh"
        return s
    return agencies._KEY_TINH_TYPO.sub("tỉnh", s)


# --- cells, duties and recipients --------------------------------------------------------


def test_chu_tri_precheck_covers_every_case_the_pattern_ignores() -> None:
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    for letter in "chủ":
        taken = re.findall(re.escape(letter), every, re.IGNORECASE)
        assert letter in taken and all(c.casefold() == letter for c in taken), letter


def _parse_lead_cell_plain(cell: str) -> tuple[list[str], list[str]]:
    text = collapse(cell)
    m = agencies._LEAD_WITH_COORD.search(text)
    if m:
        extra = agencies.split_agencies(m.group("coord")) if m.group("coord") else []
        return agencies.split_agencies(text[: m.start()]), extra
    if text.endswith(".") or len(text.split()) > 14:
        return agencies.split_agencies(agencies._SENTENCE_TAIL.sub("", text)), []
    return agencies.split_agencies(cell), []


def _coordinators_plain(text: str) -> list[str]:
    flat = collapse(text)
    out: list[str] = []
    for m in agencies._COORD_CUE.finditer(flat):
        if re.search(r"giữa\s*$", flat[: m.start()]):
            continue
        found = agencies.agencies_at(flat, m.end())
        if found:
            for n in found[0]:
                if n not in out:
                    out.append(n)
    return out


def _recipients_plain(text: str) -> list[str]:
    m = agencies._RECIPIENTS.search(text)
    if not m:
        return []
    out: list[str] = []
    for line in re.split(r"\n\s*[-+•]\s*", "\n" + m.group(1)):
        line = collapse(line).strip(" .;")
        if not line or re.match(r"^Lưu\b", line, re.IGNORECASE):
            continue
        out.extend(agencies.split_agencies(line.split(":", 1)[0]))
    return out


def test_cells_duties_and_recipients_equal_the_plain_forms(seed_texts: list[str]) -> None:
    cells = [ln for text in seed_texts for ln in text.splitlines()]
    cells += ["Sở Nội vụ chủ trì, phối hợp với Sở Tài chính", "Sở Y tế CHỦ TRÌ",
              "Sở Y tế Chủ\ntrì phối hợp Công an tỉnh",
              "UBND tỉnh chủ trì.", "Sở Y tế chủtrì", "Cơ quan chuyên môn tự đánh giá và báo cáo kết quả thực hiện.",
              "Sở Khoa học và Công nghệ chủ trì, phối hợp", "chủ trì", "CHỦ TRÌ, PHỐI HỢP VỚI Sở Tư pháp"]
    for cell in cells:
        assert agencies.parse_lead_cell(cell) == _parse_lead_cell_plain(cell), cell
    duties = [*cells, "Phân chia giữa  phối hợp với Sở Y tế",
              "giữa\nphối hợp với Sở Y tế; phối hợp chặt chẽ với UBND tỉnh",
              "Sở A phối hợp với các sở, ban, ngành; giữa các bên phối hợp cùng với Công an tỉnh"]
    for duty in duties:
        assert agencies.coordinators_in(duty) == _coordinators_plain(duty), duty
    odd = ["Nơi nhận:\n- Sở Nội vụ;\n- VPUB: CVP, các PCVP;\n- lưu: VT, NC.\n\n\nx",
           "Nơi  nhận :\n+ UBND tỉnh\n• Sở Y tế"]
    for text in [*seed_texts, *odd, ""]:
        assert agencies.recipients(text) == _recipients_plain(text)


def _glued_plain(item: str) -> tuple[str, ...] | None:
    if agencies.lookup(item):
        return (item,)
    words = item.split()
    for k in range(1, len(words)):
        left = " ".join(words[:k])
        if agencies.lookup(left):
            rest = _glued_plain(" ".join(words[k:]))
            if rest:
                return (left, *rest)
    return None


def test_glued_bodies_equal_the_plain_split(seed_texts: list[str]) -> None:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    items = [f"{a} {b}" for a, b in zip(names, reversed(names), strict=True)]
    items += [ln.strip() for text in seed_texts for ln in text.splitlines() if len(ln.split()) <= 16]
    items += ["Sở TT&TT VP.UBND tỉnh", "- Sở Y tế Công an tỉnh", "Bộ Chỉ huy Quân sự Sở Y tế", "x Sở Y tế", "“Sở Y tế”"]
    glued = 0
    for item in items:
        got = agencies._glued.__wrapped__(item)
        assert got == _glued_plain(item), item
        glued += bool(got and len(got) > 1)
    assert glued


# --- precompiled patterns and cached cells -----------------------------------------------


def _slugify_plain(text: str) -> str:
    import unicodedata

    s = nfc(text).replace("Đ", "D").replace("đ", "d")
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def _level_of_unknown_plain(key: str) -> str:
    # "thị xã" (a district-level town) is no commune; "cán bộ", "toàn bộ", "nội bộ", "bộ phận" no ministry.
    towns_out = re.sub(r"\bthị xã\b", "thị_xã", key)
    if "cấp xã" in key or re.search(r"\b(?:xã|phường|thị trấn)\b", towns_out):
        return "commune"
    if "cấp huyện" in key or re.search(r"\b(?:huyện|quận|thị xã)\b", key):
        return "district"
    ministries = re.sub(r"\b(?:cán|toàn|nội) bộ\b|\bbộ phận\b", "_", key)
    central = re.match(r"(?:vụ|cục|tổng cục) ", key) is not None
    if (central or re.search(r"\b(?:trung ương|chính phủ|quốc gia|bộ)\b", ministries)) and "tỉnh" not in key:
        return "national"
    return "province"


def _province_from_text_plain(text: str) -> str | None:
    head = collapse(nfc(text[:1500])).casefold()
    names = sorted(agencies._province_variants(), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    m = re.search(r"\b(?:tỉnh|thành phố|tp\.?)\s+(" + alt + r")\b", agencies.tone_normalise(head))
    return agencies._province_variants()[m.group(1)] if m else None


def test_precompiled_patterns_equal_the_inline_ones(seed_texts: list[str]) -> None:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    names += [p["name"] for p in agencies.provinces()]
    names += ["", "Đ", "--x--", "Ủy ban nhân dân xã Phú Mỹ", "các hội quần chúng", "những đơn vị",
              "Bộ phận một cửa", "cấp huyện", "thị xã Ba Đồn", "Trung ương Đoàn tỉnh", "chính phủ điện tử",
              "Phòng Tổ chức cán bộ", "Trung tâm Y tế các huyện, thị xã, thành phố", "Ban Nội bộ",
              "Vụ Tổ chức cán bộ - Bộ Nội vụ", "UBND xã Tân Phú Tây", "UBND thị xã", "toàn bộ cơ quan",
              "Vụ Pháp chế", "Cục Thuế tỉnh", "Tổng cục Thống kê", "Phòng Nội vụ"]
    for name in names:
        assert agencies.slugify(name) == _slugify_plain(name), name
        key = agencies._key(name)
        assert agencies._level_of_unknown(key) == _level_of_unknown_plain(key), name
    for text in [*seed_texts, *ADVERSARIAL, "ỦY BAN NHÂN DÂN\nTỈNH TIỀN GIANG", "TP. Hồ Chí Minh", "thành phố Huế"]:
        assert agencies.province_from_text(text) == _province_from_text_plain(text), text[:60]


def test_resolved_local_units_and_collectives_keep_their_canonical_form() -> None:
    unit = agencies.resolve_agency("Ủy ban nhân dân huyện Châu Thành", "Bến Tre")
    assert unit["canonical"] == "UBND huyện Châu Thành" and unit["level"] == "district"
    council = agencies.resolve_agency("Hội đồng nhân dân xã Phú Mỹ", "Bến Tre")
    assert council["canonical"] == "HĐND xã Phú Mỹ" and council["level"] == "commune"
    assert agencies.resolve_agency("Các hợp tác xã nông nghiệp kiểu mới", "Bến Tre")["type"] == "collective"


def test_lead_cell_names_are_the_parsed_lists_and_callers_get_their_own(seed_texts: list[str]) -> None:
    cells = [ln for text in seed_texts for ln in text.splitlines()][:3000]
    cells += ["Sở Nội vụ chủ trì, phối hợp với Sở Tài chính và Công an tỉnh", "", "Sở Y tế"]
    for cell in cells:
        leads, extra = agencies.lead_cell_names(cell)
        assert (list(leads), list(extra)) == _parse_lead_cell_plain(cell), cell
    first = agencies.parse_lead_cell("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính")
    first[0].append("changed")
    first[1].clear()
    assert agencies.parse_lead_cell("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính") == (["Sở Nội vụ"], ["Sở Tài chính"])


def _mentioned_plain(text: str, distinct: bool) -> list[tuple[int, str]]:
    """mentioned_agencies as it read before the names were listed apart from their offsets."""
    flat_all = collapse(nfc(text))
    out: list[tuple[int, str]] = []
    for segment in agencies._SEGMENT_BREAK.split(nfc(text)):
        for name in _segment_mentions_plain(segment):
            at = flat_all.find(name)
            pair = (at if at >= 0 else len(flat_all), name)
            if not distinct or pair not in out:
                out.append(pair)
    return out


def test_mentioned_agencies_equal_the_plain_form(seed_texts: list[str]) -> None:
    repeated = "Sở Y tế, Sở Tư pháp\n\nSở Y tế, Sở Tư pháp\n\n- UBND huyện Mỏ Cày Bắc, huyện Châu Thành\n\nSở Y tế"
    for text in [*seed_texts, *ADVERSARIAL, repeated, "Uy\u0309 ban nhân dân tỉnh Bến Tre"]:
        for distinct in (False, True):
            found: dict[str, int] = {}
            got = agencies.mentioned_agencies(text, distinct=distinct, found=found)
            assert got == _mentioned_plain(text, distinct)
            assert agencies.mentioned_agencies(text, distinct=distinct, found=found) == got  # offsets reused
            assert [n for _, n in got] == agencies._mentioned_names(text, distinct)


def test_segments_without_a_bar_after_a_space_are_the_line_split(seed_texts: list[str]) -> None:
    odd = ["a | b", "a\t|\tb", "a |b", "a| b", "x\n|\ny", "a |\tb\n- c", "| a |", " |", "\t|", "a\u00a0|\u00a0b",
           "1. Sở A\n2. Sở B |\tSở C\n\nSở D", "a)\tx\nb) y"]
    for text in [*seed_texts, *ADVERSARIAL, *odd]:
        assert agencies._segments(text) == agencies._SEGMENT_BREAK.split(text), text
        if " |" not in text and "\t|" not in text:
            assert agencies._segments(text) == agencies._LINE_BREAKS.split(text)
