"""Agencies: split agency cells, find agency phrases in prose, resolve names against the gazetteer.

Task records keep agency names *as printed* (the gold compares printed names);
:func:`resolve_agency` maps a printed name to its canonical body, level and
province so the graph can mint one IRI per body and province
(``id/org/<province-slug>/<canonical-slug>``).  Names the gazetteer does not
know are kept and flagged ``known: false``, never dropped.

The gazetteer (``data/reference/agencies.csv``) lists the standard apparatus
valid for every province (Sở, Ban, UBND/HĐND tiers, provincial media, mass
organisations) and the central bodies; ``provinces.csv`` lists the provinces.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

from pipelines.extract.regex_source import top_level_alternatives
from pipelines.extract.text import cache_short, collapse, collapse_long, flat_document, nfc, nfc_document
from pipelines.ingest.encodings import VIETNAMESE_LETTERS

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"

# --- name keys ---------------------------------------------------------------------------

# Old-style tone placement ("hoá", "uỷ") and new style ("hóa", "ủy") are the same word.
_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE_RE = re.compile("(" + "|".join(_OLD_TONES) + r")(?![a-zà-ỹđ])")


def tone_normalise(text: str) -> str:
    """Put tone marks where the new orthography does (``hoá`` -> ``hóa``); input must be lower case."""
    return _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(1)], text)


_NON_SLUG = re.compile(r"[^a-z0-9]+")


@cache_short(16384, 500)
def slugify(text: str) -> str:
    s = nfc(text)
    # One C pass where every character is ASCII or a Latin letter with marks (see _slug_table).
    t = s.translate(_slug_table())
    if t.isascii():
        return "-".join(t.split())
    return _slugify_plain(s)


def _slugify_plain(text: str) -> str:
    return _NON_SLUG.sub("-", _without_marks(text).lower()).strip("-")


def _without_marks(text: str) -> str:
    s = text.replace("Đ", "D").replace("đ", "d")
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1)
def _slug_table() -> dict[int, str]:
    """:func:`_slugify_plain` character by character, for ASCII and the precomposed Latin letters:
    a letter with marks -> its base letter, lower case; other ASCII but [a-z0-9] -> a space.

    Exact on a text made of those characters only (the translated text is then ASCII): each
    decomposes on its own (a base letter, then marks that NFD keeps in place, as the next character
    opens with a base letter), the marks dropped are all of category Mn, lower-casing ASCII goes
    letter by letter, and joining the words by "-" is _NON_SLUG's replacement of every run of
    separators, with none left at the ends.  Any other character stays out of ASCII: plain form.
    """
    table: dict[int, str] = {}
    for cp in range(0x80):
        c = chr(cp)
        if not ("a" <= c <= "z" or "0" <= c <= "9"):
            table[cp] = c.lower() if "A" <= c <= "Z" else " "
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = _without_marks(chr(cp)).lower()
        if len(base) == 1 and ("a" <= base <= "z" or "0" <= base <= "9"):
            table[cp] = base
    return table


_KEY_UBND = re.compile(r"\bủy\s+ban\s+nhân\s+dân\b")
_KEY_HDND = re.compile(r"\bhội\s+đồng\s+nhân\s+dân\b")
_KEY_VP = re.compile(r"\bvăn\s+phòng\b")
_KEY_VP_UBND = re.compile(r"\bvp\s*\.?\s*ubnd\b")
_KEY_VPUBND = re.compile(r"\bvpubnd\b")
_KEY_PUNCTUATION = re.compile(r"[.,;:()\-–—/]+")
# (a literal every match contains, pattern, replacement), in the order _key applies them.
_KEY_REWRITES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("ủy", _KEY_UBND, "ubnd"),
    ("hội", _KEY_HDND, "hđnd"),
    ("văn", _KEY_VP, "vp"),
    ("vp", _KEY_VP_UBND, "vp ubnd"),
    ("vpubnd", _KEY_VPUBND, "vp ubnd"),
    ("", _KEY_PUNCTUATION, " "),
)
_KEY_OF_PROVINCE = re.compile(r"\bcủa\s+(tỉnh|thành phố)\b")
_KEY_TINH_TYPO = re.compile(r"\b(?:tình|tinh)$")
_BRACKET_BEFORE_LAST_WORD = re.compile(r"[()]\s*\S+\s*$")


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    """A comparison key: case, tone placement, abbreviations, punctuation and province names folded."""
    # The _KEY_REWRITES in order, each skipped where its literal is missing.  The text is collapsed
    # on the way in, and only "&" and the punctuation rewrite may leave runs of spaces (the others
    # put a word or "vp ubnd" where a match opened and closed with a letter): it is collapsed again
    # only after those.  A text with letters and digits only, spaces aside, holds no punctuation.
    s = tone_normalise(collapse(nfc(name)).casefold())
    spaced = "&" in s
    if spaced:
        s = s.replace("&", " và ")
    if "ủy" in s:
        s = _KEY_UBND.sub("ubnd", s)
    if "hội" in s:
        s = _KEY_HDND.sub("hđnd", s)
    if "văn" in s:
        s = _KEY_VP.sub("vp", s)
    if "vp" in s:
        s = _KEY_VP_UBND.sub("vp ubnd", s)
        if "vpubnd" in s:
            s = _KEY_VPUBND.sub("vp ubnd", s)
    if not s.replace(" ", "").isalnum():
        s = _KEY_PUNCTUATION.sub(" ", s)
        spaced = True
    if spaced:
        s = " ".join(s.split())  # = re.sub(r"\s+", " ", s).strip(): str.split() splits where \s matches
    if "của" in s:
        s = _KEY_OF_PROVINCE.sub(r"\1", s)
    if "tỉnh " in s or "thành phố " in s:  # (the province pattern's \s+ is one space in a collapsed text)
        s = _province_suffix_re().sub(lambda m: m.group(1) or m.group(2), s)
    if s[s.rfind(" ") + 1:] in _province_last_words():
        # A body named with its province's bare name ("Đài Phát thanh và Truyền hình Long An",
        # "Sở Y tế Bến Tre"): the name is dropped, as after "tỉnh".
        s = _without_bare_province(s)
    if s.endswith(("tình", "tinh")) and not _BRACKET_BEFORE_LAST_WORD.search(name):
        # Printed typos of "tỉnh" at the end of a name ("Sở, ngành tinh", "Các sở, ban, ngành tình"),
        # not a word after a closing bracket ("(qua Sở Nội vụ) tình hình" is no "Sở Nội vụ tỉnh").
        s = _KEY_TINH_TYPO.sub("tỉnh", s)
    return s


# --- reference tables --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    canonical: str
    level: str  # national | province | district | commune | any
    type: str  # specific | collective | office
    aliases: tuple[str, ...]
    parent: str


@lru_cache(maxsize=1)
def provinces() -> tuple[dict, ...]:
    """Rows of ``provinces.csv`` (name, kind, slug, status, merged_into, variants)."""
    with open(REFERENCE_DIR / "provinces.csv", encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@lru_cache(maxsize=1)
def _province_suffix_re() -> re.Pattern[str]:
    # "tỉnh Bến Tre" names the province, "thành phố Bến Tre" a city inside it:
    # only centrally-run cities drop their name after "thành phố".
    def alt(kind: str | None) -> str:
        names = {p["name"].casefold() for p in provinces() if kind is None or p["kind"] == kind}
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    return re.compile(r"\b(?:(tỉnh)\s+(?:" + alt(None) + r")|(thành phố)\s+(?:" + alt("thành phố") + r"))\b")


@lru_cache(maxsize=1)
def _province_last_words() -> frozenset[str]:
    """Last words of the province names as _key folds them (a cheap test before _without_bare_province)."""
    return frozenset(name.rsplit(" ", 1)[-1] for name in _province_variants())


@lru_cache(maxsize=1)
def _province_names_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_province_variants(), key=len, reverse=True))


_UNIT_WORDS_BEFORE_A_PLACE = frozenset({"tỉnh", "phố", "huyện", "quận", "xã", "phường", "trấn", "tp"})


def _without_bare_province(key: str) -> str:
    """``key`` without the province name closing it after a body's name, if one does: the longest
    such name, kept when a unit word comes before it ("ubnd thành phố bến tre" is a provincial city,
    "thành phố thừa thiên huế" a province) or when it is all of the key."""
    for name in _province_names_longest_first():
        if key.endswith(" " + name):
            before = key[: -len(name) - 1]
            return key if before[before.rfind(" ") + 1:] in _UNIT_WORDS_BEFORE_A_PLACE else before
    return key


@lru_cache(maxsize=1)
def _province_variants() -> dict[str, str]:
    out: dict[str, str] = {}
    for p in provinces():
        out[p["name"].casefold()] = p["name"]
        for v in filter(None, p["variants"].split("|")):
            out[tone_normalise(v.casefold())] = p["name"]
    return out


@lru_cache(maxsize=1)
def _letterhead_province_re() -> re.Pattern[str]:
    names = sorted(_province_variants(), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(r"\b(?:tỉnh|thành phố|tp\.?)\s+(" + alt + r")\b")


def is_province_name(name: str) -> bool:
    """Whether ``name`` (any case, old or new tone placement) is a province or centrally-run city."""
    return tone_normalise(collapse(nfc(name)).casefold()) in _province_variants()


def province_from_text(text: str) -> str | None:
    """Province named by a letterhead ("ỦY BAN NHÂN DÂN / TỈNH TIỀN GIANG") near the top of a text."""
    head = collapse(nfc(text[:1500])).casefold()
    m = _letterhead_province_re().search(tone_normalise(head))
    return _province_variants()[m.group(1)] if m else None


@lru_cache(maxsize=1)
def gazetteer() -> tuple[GazetteerEntry, ...]:
    path = REFERENCE_DIR / "agencies.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for i, r in enumerate(rows, start=2):
        if not r.get("canonical") or r.get("level") not in {"national", "province", "district", "commune", "any"}:
            raise ValueError(f"{path}: line {i}: needs a canonical name and a known level")
        aliases = tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip())
        out.append(GazetteerEntry(r["canonical"].strip(), r["level"], r["type"].strip(), aliases, r["parent"].strip()))
    return tuple(out)


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, GazetteerEntry]:
    """Name key -> entry: every name the gazetteer prints, with and without an opening "các", then
    the forms of :func:`_conventional_forms` where no printed name has the key already."""
    index: dict[str, GazetteerEntry] = {}
    for e in gazetteer():
        for name in (e.canonical, *e.aliases):
            for k in _with_or_without_cac(_key(name)):
                index.setdefault(k, e)
    for k, e in list(index.items()):
        if e.level != "province":
            continue
        forms = _conventional_forms(k)
        if e.type == "specific" and not k.endswith((" tỉnh", " thành phố")) and "tỉnh" not in k.split():
            # "Sở Y tế tỉnh" is the province's "Sở Y tế" (and "Sở Y tế thành phố" a city's).
            forms |= {k + " tỉnh", *_conventional_forms(k + " tỉnh")}
        for form in forms:
            index.setdefault(form, e)
    return index


def _with_or_without_cac(key: str) -> tuple[str, str]:
    return (key, key[4:]) if key.startswith("các ") else (key, "các " + key)


_KEY_PROVINCE_END = re.compile(r" tỉnh$")
_KEY_PROVINCE_PARTY = re.compile(r"\btỉnh ủy\b")
_KEY_STANDING = re.compile(r"^(các )?thường trực ")


def _conventional_forms(key: str) -> set[str]:
    """Other keys of a province-level body under the conventions of Vietnamese administrative
    writing: a centrally-run city prints "thành phố" and "Thành ủy" where a province prints "tỉnh"
    and "Tỉnh ủy" ("Sở Nội vụ thành phố", "Ban Tuyên giáo Thành ủy"), and "Thường trực" is
    abbreviated "TT" ("TT Tỉnh ủy", "TT HĐND thành phố")."""
    forms = {key}
    for pattern, replacement in ((_KEY_PROVINCE_END, " thành phố"), (_KEY_PROVINCE_PARTY, "thành ủy"),
                                 (_KEY_STANDING, r"\1tt ")):
        forms |= {pattern.sub(replacement, f) for f in forms}
    forms.discard(key)
    return forms


@lru_cache(maxsize=65536)
def lookup(name: str) -> GazetteerEntry | None:
    """The gazetteer entry a printed name denotes, or None."""
    # The gazetteer's own names are looked up once per run (see _printed_lookups).
    entry = _printed_lookups().get(name, _UNSEEN)
    return _lookup(name) if entry is _UNSEEN else cast("GazetteerEntry | None", entry)


_UNSEEN = object()


@lru_cache(maxsize=1)
def _printed_lookups() -> dict[str, GazetteerEntry | None]:
    """:func:`_lookup` of every name the gazetteer prints (canonical names and aliases), as printed
    and with the case of its first letter swapped ("Sở Y tế", "các sở, ban, ngành").

    Reference data built once per run, as the alias index is: documents print these names again
    and again, and a worker would otherwise fold each of them again for each new document.
    """
    out: dict[str, GazetteerEntry | None] = {}
    for e in gazetteer():
        for name in (e.canonical, *e.aliases):
            for form in (name, name[:1].swapcase() + name[1:]):
                if form not in out:
                    out[form] = _lookup(form)
    return out


def _lookup(name: str) -> GazetteerEntry | None:
    """:func:`lookup` itself (uncached)."""
    k = _key(strip_agency_prefix(name))
    idx = _alias_index()
    if k in idx:
        return idx[k]
    # "Đài Phát thanh và Truyền hình" printed without "tỉnh".
    if len(k.split()) >= 3 and k + " tỉnh" in idx and idx[k + " tỉnh"].level == "province":
        return idx[k + " tỉnh"]
    return None


# --- resolution --------------------------------------------------------------------------

_LOCAL_UNIT = re.compile(
    r"^(?:ubnd|hđnd)\s+(huyện|quận|thị xã|thành phố|xã|phường|thị trấn)\s+\S", re.IGNORECASE
)
_PREFIX = re.compile(
    r"^(?:[-+•*]\s*)?(?:đề\s+nghị|trách\s+nhiệm\s+của|nhiệm\s+vụ\s+của|giao(?:\s+cho)?)\s+", re.IGNORECASE
)


def strip_agency_prefix(name: str) -> str:
    s = collapse(name).strip(" -+•*.;:,")
    return _PREFIX.sub("", s).strip()


# ("thị xã" is a district-level town; "cán bộ", "toàn bộ", "nội bộ" and "bộ phận" name no ministry.)
_COMMUNE_WORD = re.compile(r"(?<!thị )\b(?:xã|phường|thị trấn)\b")
_DISTRICT_WORD = re.compile(r"\b(?:huyện|quận|thị xã)\b")
_NATIONAL_WORD = re.compile(r"\b(?:trung ương|chính phủ|quốc gia|(?<!cán )(?<!toàn )(?<!nội )bộ(?! phận))\b")


def _level_of_unknown(key: str) -> str:
    if "cấp xã" in key or _COMMUNE_WORD.search(key):
        return "commune"
    if "cấp huyện" in key or _DISTRICT_WORD.search(key):
        return "district"
    # A "Vụ" is a department of a ministry, a "Cục" or "Tổng cục" a central agency unless a
    # province's ("Cục Thuế tỉnh").
    if (_NATIONAL_WORD.search(key) or key.startswith(("vụ ", "cục ", "tổng cục "))) and "tỉnh" not in key:
        return "national"
    return "province"


_TIER_SUFFIX = re.compile(r"\s+(?:cấp (?:tỉnh|huyện|xã)(?:\s*(?:và\s+)?cấp (?:tỉnh|huyện|xã))*|các cấp)$")
_PRINTED_TIERS = re.compile(r"\s+(cấp (?:tỉnh|huyện|xã)(?:\s*(?:,|và)?\s*cấp (?:tỉnh|huyện|xã))*|các cấp)$",
                            re.IGNORECASE)
_OFFICE = re.compile(
    r"^((?:Phó\s+)?(?:Bộ\s+trưởng|Thứ\s+trưởng|Giám\s+đốc|Chánh\s+Văn\s+phòng|Chánh\s+Thanh\s+tra|Trưởng\s+ban|"
    r"Chủ\s+tịch|Thủ\s+trưởng|Người\s+đứng\s+đầu))\s+(\S.*)$"
)


_UBND_OPENING = re.compile(r"^(?:Ủy ban nhân dân|Uỷ ban nhân dân)")
_HDND_OPENING = re.compile(r"^(?:Hội đồng nhân dân)")
_COLLECTIVE_OPENING = re.compile(r"^(?:các|những)\s")


def resolve_agency(name: str, province: str | None) -> dict:
    """Canonical body, level, type, province ("national" for central bodies), known flag and slug."""
    return dict(_resolve_agency(name, province))


@cache_short(16384, 500)
def _resolve_agency(name: str, province: str | None) -> dict:
    # Pure in (name, province); callers get a copy, so the cached dict is never changed.
    printed = strip_agency_prefix(name)
    entry = lookup(printed)
    k = _key(printed) if not entry else ""  # (read below only for a name the gazetteer does not know)
    tiered = _TIER_SUFFIX.search(k) if not entry else None
    base = lookup(k[: tiered.start()]) if tiered else None
    office = _OFFICE.match(printed) if not entry else None
    body = resolve_agency(office.group(2), province) if office else None
    if entry:
        level, kind, canonical, known = entry.level, entry.type, entry.canonical, True
    elif base:
        # A known collective scoped to tiers: "Cơ quan chuyên môn thuộc UBND cấp tỉnh, cấp huyện".
        assert tiered is not None  # (base is only looked up for a tiered name)
        tiers = tiered.group(0)
        level = "province" if "tỉnh" in tiers else "district" if "huyện" in tiers else "commune"
        kind, known = base.type, True
        printed_tiers = _PRINTED_TIERS.search(printed)
        canonical = f"{base.canonical} {printed_tiers.group(1)}" if printed_tiers else base.canonical
    elif body and body["known"]:
        # An office holder of a known body: "Bộ trưởng Bộ Nội vụ", "Giám đốc Sở Y tế".
        level, kind, known = body["level"], "office", True
        assert office is not None  # (body is only resolved for an office holder)
        canonical = f"{office.group(1)} {body['canonical']}"
    else:
        m = _LOCAL_UNIT.match(k)
        if m:
            unit = m.group(1)
            level = "commune" if unit in {"xã", "phường", "thị trấn"} else "district"
            kind, known = "specific", True
            canonical = _UBND_OPENING.sub("UBND", printed)
            canonical = _HDND_OPENING.sub("HĐND", canonical)
        else:
            level = _level_of_unknown(k)
            kind = "collective" if _COLLECTIVE_OPENING.match(k) else "specific"
            canonical, known = printed[:1].upper() + printed[1:], False
    if level == "any":
        # A generic group ("Các cơ quan, đơn vị có liên quan") acts at the level of the plan's issuer.
        level = "province" if province else "any"
    scope = "national" if level == "national" else province
    # (slugify is pure: one call for the slug and the IRI path.)
    slugs = _reference_slugs()
    slug = slugs.get(canonical) or slugify(canonical)
    return {
        "name": collapse(name),
        "canonical": canonical,
        "province": scope,
        "level": level,
        "type": kind,
        "known": known,
        "slug": slug,
        "iri_path": f"id/org/{slug}" if scope == "national"
        else f"id/org/{(slugs.get(scope) or slugify(scope)) if scope else 'unknown'}/{slug}",
    }


@lru_cache(maxsize=1)
def _reference_slugs() -> dict[str, str]:
    """:func:`slugify` of the gazetteer's canonical names and of the province names: reference data
    built once per run (most agencies of a record resolve to one of those names)."""
    names = [e.canonical for e in gazetteer()] + [p["name"] for p in provinces()]
    return {name: slugify(name) for name in names}


# --- splitting cells ---------------------------------------------------------------------

# Words that open the name of a body: a new list item starts where one follows "," / "và" / ";".
_HEAD_WORDS = (
    r"Sở|Ban(?!\s+hành)|Bộ(?!\s+(?:[Cc]hỉ\s+số|câu\s+hỏi|tiêu\s+chí|luật|công\s+cụ|thủ\s+tục))|Văn\s+phòng|VP\.?|VPUB\w*|UBND|Ủy\s+ban|Uỷ\s+ban|UBMTTQ\w*|HĐND|Hội\s+đồng|Thường\s+trực|"
    r"Đài|Báo(?!\s+cáo)|Cổng(?=\s+(?:[Tt]hông\s+tin|TTĐT))|Công\s+an|Bưu\s+điện|Thanh\s+tra|Kho\s+bạc|Cục|Chi\s+cục|Trung\s+tâm|Tỉnh\s+ủy|Tỉnh\s+uỷ|"
    r"Thành\s+ủy|Tỉnh\s+đoàn|Hội(?!\s+nghị|\s+thi|\s+thảo)|Liên\s+đoàn|Liên\s+minh|Mặt\s+trận|Trường|Bệnh\s+viện|Viện|Tòa\s+án|"
    r"Ngân\s+hàng|Bảo\s+hiểm|Phòng|Thủ\s+trưởng|Chủ\s+tịch|Người\s+đứng\s+đầu|Lãnh\s+đạo|Giám\s+đốc|"
    r"Cơ\s+quan|Đơn\s+vị|Chính\s+phủ|Thủ\s+tướng|Quốc\s+hội|Bộ\s+Chỉ\s+huy|Đoàn|Vụ"
)
_COLLECTIVE_NOUNS = (
    r"sở|ban|ngành|bộ|cơ\s+quan|đơn\s+vị|địa\s+phương|tổ\s+chức|huyện|quận|xã|phường|phòng|trường|hội|"
    r"đoàn\s+thể|cấp|thành\s+viên|doanh\s+nghiệp|Sở|Bộ|Ban|UBND|Ủy\s+ban|Hội|Phòng|Cơ\s+quan|Đơn\s+vị"
)
_ITEM_START = re.compile(
    r"(?:(?:" + _HEAD_WORDS + r")(?=[\s.,;]|$)|(?:[Cc]ác|[Nn]hững)\s+(?:" + _COLLECTIVE_NOUNS + r")\b)"
)


def _by_opening_letter(alternatives: list[str]) -> str:
    """The alternation of ``alternatives`` with those that open with the same letter grouped
    (``Sở|Ban|Bộ`` -> ``Sở|B(?:an|ộ)``), each group's alternatives kept in their order.

    The same matches: only alternatives opening with the letter at a position can match there,
    and they are tried in the same order.  But the engine picks the group on the letter at once,
    and with every alternative opening with a literal it skips positions holding none of them.
    """
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        if not alt[:1].isalpha() or alt[1:2] in ("?", "*", "+", "{"):
            raise ValueError(f"{alt!r}: an alternative must open with a literal letter")
        groups.setdefault(alt[0], []).append(alt[1:])
    return "|".join(letter + (rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")")
                    for letter, rest in groups.items())


# ``_ITEM_START`` with its alternatives grouped by opening letter: the same matches, found faster.
_ITEM_SCAN = re.compile(_by_opening_letter(
    [alt + r"(?=[\s.,;]|$)" for alt in top_level_alternatives(_HEAD_WORDS)]
    + [opener + r"\s+(?:" + _COLLECTIVE_NOUNS + r")\b" for opener in ("Các", "các", "Những", "những")]
))
_TIER = re.compile(r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân)\s+cấp\s+\w+$", re.IGNORECASE)
_TIER_TAIL = re.compile(r"^cấp\s+(?:tỉnh|huyện|xã)$", re.IGNORECASE)
_UNIT_WORDS = r"(?:huyện|quận|thị xã|thành phố|xã|phường|thị trấn)"
# A named unit: the unit word is followed by a capitalised place name ("huyện Mỏ Cày Bắc").
_UNIT_ITEM = re.compile(r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+" + _UNIT_WORDS + r"\s+(?P<name>\w)")
_UNIT_TAIL = re.compile(r"^" + _UNIT_WORDS + r"\s+(?P<name>\w)")


def _named_unit(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    m = pattern.match(text)
    return m if m and m.group("name").isupper() else None


_BULLET_OPENS = re.compile(r"[-+•*]\s")
_BULLETS = re.compile(r"\n\s*[-+•*]\s*|^\s*[-+•*]\s*", re.MULTILINE)
_BULLETS_INLINE = re.compile(r"\n\s*[-+•*]\s*|^\s*[-+•*]\s*|\s[-+•]\s", re.MULTILINE)
_LEADING_BULLET = re.compile(r"^[-+•*]\s*")
_LIST_JOINER = re.compile(r"\s*,\s*|\s+và\s+")
_CO_QUAN = re.compile(r"cơ\s+quan\b")


def _split_top(cell: str) -> list[str]:
    """Split on ";" and on bullets: always item boundaries.

    Bullets are line-initial in text exports; a cell rendered on one line ("- Sở A; - UBND cấp
    huyện") keeps them inline, so a cell that opens with a bullet also splits on " - ".
    """
    text = cell.strip()
    if not _has_bullet(text):
        # (Most cells and phrases.)  No bullet pattern can match, nor a leading bullet be dropped.
        return [p for p in (collapse(p).strip(" .,;:") for p in text.split(";")) if p]
    pattern = _BULLETS_INLINE if _BULLET_OPENS.match(text) else _BULLETS
    parts: list[str] = []
    for line_group in pattern.split(text):
        for p in line_group.split(";"):
            p = _LEADING_BULLET.sub("", collapse(p).strip(" .,;:")).strip(" .,;:")
            if p:
                parts.append(p)
    return parts


def _split_list(piece: str) -> list[str]:
    """Split one piece on "," / "và" where the next item opens a distinct body or tier."""
    items: list[str] = []
    pos = 0
    for m in _LIST_JOINER.finditer(piece):
        nxt = piece[m.end():]
        current = piece[pos:m.start()].strip()
        comma = "," in m.group(0)
        # The next item opens a body, or an elliptic tier or unit follows (each test made only
        # where the ones before it fail).
        opens = (_ITEM_SCAN.match(nxt) or (not comma and _CO_QUAN.match(nxt))
                 or (comma and _TIER.match(current) and _TIER_TAIL.match(_first_words(nxt, 2)))
                 or (comma and _named_unit(_UNIT_ITEM, current) and _named_unit(_UNIT_TAIL, nxt)))
        if opens and _gazetteer_prefix_window(piece[pos:pos + _PREFIX_WINDOW]) <= m.start() - pos:
            # (A known name may hold "và <head>": "Văn phòng Đoàn đại biểu Quốc hội và HĐND tỉnh".)
            items.append(current)
            pos = m.end()
    items.append(piece[pos:].strip())
    return [i for i in items if i]


_WORD_SEPARATORS = re.compile(r"[\s,;]+")


def _first_words(s: str, n: int) -> str:
    return " ".join(_WORD_SEPARATORS.split(s.strip())[:n])


def _restore_heads(items: list[str]) -> list[str]:
    """Expand elliptical tiers and units: "UBND cấp huyện, cấp xã" -> "UBND cấp huyện", "UBND cấp xã"."""
    out: list[str] = []
    for item in items:
        if out and _TIER_TAIL.match(item):
            m = _TIER.match(out[-1])
            if m:
                out.append(f"{m.group(1)} {item}")
                continue
        if out and _named_unit(_UNIT_TAIL, item):
            m = _named_unit(_UNIT_ITEM, out[-1])
            if m:
                out.append(f"{m.group(1)} {item}")
                continue
        out.append(item)
    return out


@lru_cache(maxsize=4096)
def _glued(item: str) -> tuple[str, ...] | None:
    """``item`` as a run of known bodies (one or more), or None."""
    words = item.split()
    # Most items are one known body (names of cells and phrases): looked up at once, before the
    # kept-token test below, which only spares lookups that would say no.  Where the last word ends
    # no name lookup would say no too (see the loop below).
    if (not words or _may_end_a_name(words[-1])) and lookup(item):
        return (item,)
    # The item's left parts are word prefixes of ``item``: the kept-token test of
    # _gazetteer_prefix_window applies to them (unless an opening strip_agency_prefix drops is there).
    seqs = None if not words or _OPENING_PREFIX.match(item) else _kept_prefixes(words)
    keys = _kept_sequences()[0]
    if "" not in _alias_index() and not _may_open_a_name(item):
        return None  # no word prefix of the item opens a name either
    for k in range(1, len(words) if seqs is None else min(len(words), len(seqs) + 1)):
        if seqs is not None and seqs[k - 1] not in keys:
            continue  # lookup(left) would say no: its kept tokens are no key's
        if not _may_end_a_name(words[k - 1]):
            continue  # lookup(left) would say no: its last word ends no name
        left = " ".join(words[:k])
        if lookup(left):
            rest = _glued(" ".join(words[k:]))
            if rest:
                return (left, *rest)
    return None


def _split_glued(item: str) -> list[str]:
    """Two known bodies printed with no separator ("Sở TT&TT VP.UBND tỉnh": a lost line break)."""
    if len(item.split()) > 16:
        return [item]
    run = _glued(item)
    return list(run) if run else [item]


def split_agencies(cell: str) -> list[str]:
    """Printed agency names of one cell or list, split per the gold conventions (NOTES §10)."""
    if "\n" in cell and not _has_bullet(cell):
        cell = collapse(cell)  # the same split (see _has_bullet), cached with the one-line form
    return list(_split_agencies(cell))


def _has_bullet(cell: str) -> bool:
    """Whether ``cell`` holds a character a bullet pattern of _split_top needs.

    Without one, _split_top splits ``cell`` on ";" alone and collapses each piece, as it does
    ``collapse(cell)`` (";" is no whitespace): both split the same.  A name printed over two lines
    (a table cell, a wrapped duty) then shares the cache entry of the same name printed on one
    line (the phrase of the prose scan).
    """
    return "-" in cell or "+" in cell or "•" in cell or "*" in cell


@cache_short(16384, 1000)
def _split_agencies(cell: str) -> tuple[str, ...]:
    # Pure in ``cell``: the same cells and phrases recur across the rows and plans of a run.  A cell
    # holding one name the gazetteer prints is split once per run (see _printed_splits).
    split = _printed_splits().get(cell)
    return _split_agencies_of(cell) if split is None else split


@lru_cache(maxsize=1)
def _printed_splits() -> dict[str, tuple[str, ...]]:
    """:func:`_split_agencies_of` every name form of _printed_lookups: reference data built once per
    run (most table cells and many phrases are one such name)."""
    return {form: _split_agencies_of(form) for form in _printed_lookups()}


def _split_agencies_of(cell: str) -> tuple[str, ...]:
    """:func:`_split_agencies` itself (uncached)."""
    items: list[str] = []
    for piece in _split_top(cell):
        items.extend(_split_list(piece))
    out: list[str] = []
    for item in _restore_heads(items):
        out.extend(_split_glued(item))
    return tuple(filter(None, [x.strip(" .,;:") for x in out]))


_LEAD_WITH_COORD = re.compile(r"\s*,?\s*\bchủ\s+trì\b\s*,?\s*(?:phối\s+hợp(?:\s+với)?\s*(?P<coord>.*))?$",
                              re.IGNORECASE | re.DOTALL)
_SENTENCE_TAIL = re.compile(
    r"\s+(?:tự|chịu\s+trách\s+nhiệm|có\s+trách\s+nhiệm|thực\s+hiện|triển\s+khai|tổ\s+chức\s+thực\s+hiện)\s.*$",
    re.IGNORECASE | re.DOTALL,
)


def parse_lead_cell(cell: str) -> tuple[list[str], list[str]]:
    """Leads of a "chủ trì" cell and coordinators it names ("X chủ trì, phối hợp với Y")."""
    leads, extra = lead_cell_names(cell)
    return list(leads), list(extra)


@cache_short(16384, 1000)
def lead_cell_names(cell: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`parse_lead_cell` as tuples, cached: lead cells recur from row to row and plan to plan."""
    text = collapse(cell)
    # Every match holds "chủ" in some case: the characters the pattern takes for "c", "h" and "ủ"
    # when ignoring case are exactly those that case-fold to them (checked in the tests).
    m = _LEAD_WITH_COORD.search(text) if "chủ" in text.casefold() else None
    if m:
        extra = _split_agencies(m.group("coord")) if m.group("coord") else ()
        return _split_agencies(text[: m.start()]), extra
    if text.endswith(".") or len(text.split()) > 14:
        # A sentence in the lead cell ("Cơ quan ... tự đánh giá ..."): keep the agency part.
        return _split_agencies(_SENTENCE_TAIL.sub("", text)), ()
    return _split_agencies(cell if _has_bullet(cell) else text), ()  # (see _has_bullet)


# --- agency phrases in prose -------------------------------------------------------------

_STOP_WORDS = {
    "để", "nhằm", "theo", "triển", "thực", "xây", "hướng", "nghiên", "lập", "tham", "đề", "rà", "kiểm",
    "tuyên", "cung", "chủ", "phối", "phải", "căn", "báo", "đánh", "tăng", "chỉ", "ban", "tiếp", "thường",
    "khẩn", "nâng", "quán", "đôn", "giám", "bố", "tập", "duy", "cập", "công", "hoàn", "tự", "về", "bảo",
    "đảm", "xử", "chuẩn", "trình", "ký", "thẩm", "gửi", "tạo", "huy", "chịu", "có", "sớm", "kịp", "khi",
    "tại", "là", "cần", "được", "đã", "sẽ", "đang", "không", "vào", "với", "viết", "đăng", "lồng", "vận",
    "quy", "giao", "thống", "phát", "biên", "in", "xuất", "tìm", "đẩy", "mở", "tích", "khảo", "ứng", "tổ",
}
# Words that look like stops but continue a collective name ("có liên quan", "ban, ngành").
_STOP_EXCEPTIONS = {("có", "liên"), ("công", "an"), ("ban", "ngành")}
_CONTINUE_AFTER_COMMA = re.compile(
    r"^(?:ban|ngành|đơn\s+vị|địa\s+phương|thành\s+phố|thị\s+xã|thành|thị|huyện|quận|xã|phường|thị\s+trấn|"
    r"cấp\s+(?:tỉnh|huyện|xã)|đoàn\s+thể|sở|cơ\s+quan\s+ngang|người)\b"
)
# The same test at a position of a longer text (``pattern.match(text, pos)`` anchors at ``pos``).
_CONTINUE_AFTER_COMMA_AT = re.compile(_CONTINUE_AFTER_COMMA.pattern.removeprefix("^"))
_TRONG_STOP = re.compile(r"^trong\s+(?:việc|công\s+tác|quá\s+trình|các|lĩnh\s+vực|phạm\s+vi|thời\s+gian|năm|"
                         r"tháng|triển\s+khai|thực\s+hiện|tổ\s+chức|hoạt\s+động)\b")
_WORD = re.compile(r"\S+")
_JOINER = re.compile(r"\s*(?:,|;|\s+và)\s*")
_VP_TP_END = re.compile(r"\b(?:VP|TP)\.$")


def _is_item_start(text: str) -> bool:
    return bool(_ITEM_START.match(text)) or bool(_gazetteer_prefix(text))


def _is_item_start_at(text: str, pos: int) -> bool:
    """``_is_item_start(text[pos:])`` without copying the rest of the text (``_ITEM_START`` has no
    look-behind and a name is looked for in a window of ``_PREFIX_WINDOW`` characters)."""
    return bool(_ITEM_SCAN.match(text, pos)) or bool(_gazetteer_prefix_window(text[pos:pos + _PREFIX_WINDOW]))


def known_name_length(text: str, pos: int = 0) -> int:
    """Length in characters of the longest gazetteer name opening ``text`` at ``pos`` (0 if none)."""
    return _gazetteer_prefix_window(text[pos:pos + _PREFIX_WINDOW])


def _gazetteer_prefix(text: str) -> int:
    """Length in characters of the longest gazetteer name opening ``text`` (0 if none)."""
    return known_name_length(text)


_PREFIX_WINDOW = 200  # a name is looked for in the first 200 characters only


@lru_cache(maxsize=1)
def _key_first_words() -> frozenset[str]:
    """First words of the gazetteer's name keys."""
    return frozenset(k.split()[0] for k in _alias_index() if k.strip())


# Opening words that strip_agency_prefix or _key may drop or rewrite ("Đề nghị ...", "Ủy ban nhân
# dân" -> "ubnd", "Văn phòng" -> "vp", "của tỉnh" -> "tỉnh", the "tinh" typo): no shortcut for them.
_REWRITTEN_OPENINGS = frozenset({"đề", "trách", "nhiệm", "giao", "ủy", "hội", "văn", "vp", "vpubnd", "của",
                                 "tỉnh", "thành", "tình", "tinh"})


_FIRST_WORD = re.compile(r"[\s\-+•*.;:,]*(\S*)")


def _may_open_a_name(window: str) -> bool:
    """False only when no name key can start as ``window`` does.

    Every candidate of :func:`_gazetteer_prefix_window` that holds the first word keeps it,
    case-folded, as the first word of its key, unless the word is rewritten (see above) or
    holds anything but letters; the shorter candidates are only punctuation and key to "".
    """
    # The first word after any opening spaces, bullets and punctuation (the window's own is not
    # collapsed: a last word keeps trailing punctuation here, which only makes the answer True).
    first = _FIRST_WORD.match(window)
    assert first is not None  # (every part of the pattern may be empty)
    return _may_open_with(first.group(1))


def _may_open_with(first: str) -> bool:
    """:func:`_may_open_a_name` of a window opening with the word ``first``."""
    return _word_facts(first)[2]


# Word separators of the vocabulary test below: _key's punctuation, whitespace, and the characters
# strip_agency_prefix and the candidates' rstrip take off (splitting on more never hides a name:
# the vocabulary is cut the same way).
_VOCAB_SPLIT = re.compile(r"[.,;:()\-–—/+•*“”\"\s]+")
# Words _key or strip_agency_prefix may drop or rewrite away: "ủy ban nhân dân" -> "ubnd", "văn phòng"
# -> "vp", "vpubnd", "của tỉnh", the "tinh" typo, "Đề nghị" / "Trách nhiệm của" / "Giao cho" openings.
_DROPPED_WORDS = ("ủy ban nhân dân hội đồng văn phòng vp ubnd vpubnd hđnd của đề nghị trách nhiệm vụ "
                  "giao cho tình tinh tỉnh thành phố")


def _vocab_words(text: str) -> list[str]:
    """Words of ``text`` as _key cases, tones and splits them (before its rewrites)."""
    s = tone_normalise(nfc(text).casefold()).replace("&", " và ")
    return [w for w in _VOCAB_SPLIT.split(s) if w]


@lru_cache(maxsize=1)
def _key_vocabulary() -> frozenset[str]:
    """Every word a name key can hold, and every word _key may drop on the way to one."""
    words: set[str] = set(_vocab_words(_DROPPED_WORDS))
    for k in _alias_index():
        words.update(_vocab_words(k))
    for p in provinces():  # _key drops the province name after "tỉnh" / "thành phố"
        for name in (p["name"], *p["variants"].split("|")):
            words.update(_vocab_words(name))
    return frozenset(words)


@lru_cache(maxsize=1)
def _key_last_words() -> frozenset[str]:
    """Every word a name key can end with, and every word _key may drop on the way to one.

    ``lookup`` accepts a key or, for three words and more, a key followed by "tỉnh": the word
    before a key's closing "tỉnh" ends a name too.
    """
    words: set[str] = set(_vocab_words(_DROPPED_WORDS))
    for k in _alias_index():
        key_words = _vocab_words(k)
        words.update(key_words[-1:])
        if key_words[-1:] == ["tỉnh"]:
            words.update(key_words[-2:-1])
    for p in provinces():
        for name in (p["name"], *p["variants"].split("|")):
            words.update(_vocab_words(name))
    return frozenset(words)


def _may_end_a_name(token: str) -> bool:
    """False only when no candidate ending with ``token`` can be a name.

    The last word of a candidate reaches its key as the key's last word unless _key or
    strip_agency_prefix drops or rewrites it (those words are all kept in the set, as are the
    province names).  A token of punctuation alone leaves the last word to the token before: True.
    """
    return _word_facts(token)[1]


# --- kept tokens of the name keys ---------------------------------------------------------
#
# Tokens are runs of ``\w`` (what ``\b`` separates).  Every step of _key on a candidate maps its
# token sequence by replacing a run of whole tokens (each rewrite is fenced by ``\b`` or ``$``, or
# replaces only ``\W`` characters); each token it removes or changes is a "rewritten" token and
# each token it puts in is a "made" token (_made_tokens, never rewritten):
#   "ủy ban nhân dân" -> "ubnd", "hội đồng nhân dân" -> "hđnd", "văn phòng" -> "vp", "vpubnd" ->
#   "vp ubnd", "vp . ubnd" -> "vp ubnd" (the same tokens), punctuation -> " " and the whitespace
#   join (no token), "của" before "tỉnh" / "thành phố" dropped, the province name after "tỉnh" /
#   "thành phố" dropped, a closing "tình" / "tinh" -> "tỉnh".
# Casefolding, NFC, tone placement and "&" -> " và " come first and are done word by word here
# (none of them looks across whitespace: NFC composes nothing with a space, casefold has no
# context, the tone pattern looks ahead only for a letter), and collapsing or stripping the ends
# changes no token.  So the tokens of a candidate that are not rewritten ones ("kept" tokens) are,
# in order, the kept tokens of its key with some made tokens left out.  A key lookup finds is a key
# of the index, or one whose " tỉnh" form is ("tỉnh" is a made token): the kept sequence of a
# candidate lookup finds is that of an index key with some made tokens left out, and every word
# prefix of such a candidate has a kept sequence that opens one.  The one other step,
# strip_agency_prefix's opening ("Đề nghị", "Giao cho", matched case-insensitively: also "GIAO"
# or "gıao", whose folded tokens may be anything), drops tokens too: no candidate is ruled out in
# a text where that opening may match (_OPENING_PREFIX; nor by the vocabulary test there).
_TOKEN = re.compile(r"\w+")
_OPENING_PREFIX = re.compile(r"[\s\-+•*.;:,]*" + _PREFIX.pattern.removeprefix("^"), _PREFIX.flags)
_MADE_TOKENS = frozenset({"ubnd", "hđnd", "vp", "tỉnh"})


def _key_tokens(word: str) -> list[str]:
    """Tokens of one printed word as _key folds it (before its rewrites)."""
    return _TOKEN.findall(tone_normalise(nfc(word).casefold()).replace("&", " và "))


@lru_cache(maxsize=1)
def _rewritten_tokens() -> frozenset[str]:
    """Tokens a step of _key may remove or change (see above); province names included."""
    words = {"ủy", "ban", "nhân", "dân", "hội", "đồng", "văn", "phòng", "vpubnd", "của", "tình", "tinh"}
    for p in provinces():
        for name in (p["name"], *p["variants"].split("|")):
            words.update(_TOKEN.findall(name.casefold()))
            words.update(_TOKEN.findall(tone_normalise(nfc(name).casefold())))
    return frozenset(words - _MADE_TOKENS)


@lru_cache(maxsize=1)
def _kept_sequences() -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
    """(kept sequences of the index keys with any of their made tokens left out, every opening of one)."""
    rewritten = _rewritten_tokens()
    keys: set[tuple[str, ...]] = set()
    for k in _alias_index():
        variants: list[tuple[str, ...]] = [()]
        for t in _TOKEN.findall(k):
            if t in rewritten:
                continue
            grown = [(*v, t) for v in variants]
            variants = grown + variants if t in _MADE_TOKENS else grown
        keys.update(variants)
    openings = {seq[:i] for seq in keys for i in range(len(seq) + 1)}
    return frozenset(keys), frozenset(openings)


def _kept_tokens(word: str) -> tuple[str, ...] | None:
    """Kept tokens of a printed word, or None when the word is not in the key vocabulary."""
    return _word_facts(word)[0]


_WordFacts = tuple[tuple[str, ...] | None, bool, bool]


@lru_cache(maxsize=16384)
def _word_facts(word: str) -> _WordFacts:
    """:func:`_word_facts_of` ``word``, cached (words recur), read from _printed_word_facts first."""
    facts = _printed_word_facts().get(word)
    return _word_facts_of(word) if facts is None else facts


# What follows a word of a name in running text: nothing, or a closing joiner or full stop.
_WORD_CLOSERS = ("", ",", ";", ".", ":")


@lru_cache(maxsize=1)
def _printed_word_facts() -> dict[str, _WordFacts]:
    """:func:`_word_facts_of` every word the gazetteer's names and the province names print, bare
    and followed by one of _WORD_CLOSERS ("tế", "tế,", "tỉnh;").

    Reference data built once per run, as _kept_sequences is: most words a name probe reads are
    these, and a worker would otherwise fold each of them again for each new document.
    """
    words: set[str] = set()
    for e in gazetteer():
        for name in (e.canonical, *e.aliases):
            words.update(name.split())
    for p in provinces():
        for name in (p["name"], *p["variants"].split("|")):
            words.update(name.split())
    return {word + closer: _word_facts_of(word + closer) for word in sorted(words) for closer in _WORD_CLOSERS}


def _word_facts_of(word: str) -> _WordFacts:
    """(:func:`_kept_tokens`, :func:`_may_end_a_name`, :func:`_may_open_with`) of a printed word,
    from one fold of it.

    The kept tokens are None when a word of it (as _vocab_words splits it) is in no key and no
    step of _key drops it, else its _key_tokens that are not rewritten ones.  It may open a name
    unless it is made of Vietnamese letters only and, folded, is neither a key's first word nor
    one _key or strip_agency_prefix may rewrite or drop (see _may_open_a_name).
    """
    composed = nfc(word)
    s = tone_normalise(composed.casefold())
    opens = not composed or not VIETNAMESE_LETTERS.issuperset(composed) or s in _REWRITTEN_OPENINGS \
        or s in _key_first_words()
    if s.isalpha():
        # Letters only (most words): one vocabulary word and one token, the word itself (no letter
        # is a separator of _VOCAB_SPLIT, every letter is a \w of _TOKEN).
        ends = s in _key_last_words()
        if s not in _key_vocabulary():
            return None, ends, opens
        return ((s,) if s not in _rewritten_tokens() else ()), ends, opens
    s = s.replace("&", " và ")
    words = [w for w in _VOCAB_SPLIT.split(s) if w]  # = _vocab_words(word)
    ends = not words or words[-1] in _key_last_words()
    vocabulary = _key_vocabulary()
    if not all(w in vocabulary for w in words):
        return None, ends, opens
    rewritten = _rewritten_tokens()
    kept = tuple(t for t in _TOKEN.findall(s) if t not in rewritten)  # _TOKEN.findall(s) = _key_tokens(word)
    return kept, ends, opens


def _kept_prefixes(words: list[str]) -> list[tuple[str, ...]]:
    """Kept sequence of each word prefix ``words[:k]`` (k = 1, 2, ...) while one may open a name.

    It stops at the first word prefix holding a word that no key holds and _key does not drop
    (see _word_facts), or whose kept sequence opens no key's: every longer one holds it
    too.  Valid where no opening strip_agency_prefix drops may match (see above).
    """
    openings = _kept_sequences()[1]
    out: list[tuple[str, ...]] = []
    seq: tuple[str, ...] = ()
    for word in words:
        kept = _kept_tokens(word)
        if kept is None:
            break
        if kept:
            seq += kept
            if seq not in openings:
                break
        out.append(seq)
    return out


_CANDIDATE_TAIL = ",;.:()“”\""  # what the probe takes off the end of a candidate


@lru_cache(maxsize=16384)
def _gazetteer_prefix_window(window: str) -> int:
    # Cached: one opening is probed several times (item start, phrase walk, prose and table passes).
    # The first twelve words (str.split() splits exactly where _WORD's \S+ stops).
    words = window.split(None, 12)
    if not words:
        return 0
    # The opening-word test of _may_open_a_name on the first word: where bullets or punctuation open
    # it, that word is not made of letters and the test says True (no shortcut), as it may.
    if not _word_facts(words[0])[2] and "" not in _alias_index():
        return 0  # spares up to twelve cold lookups of an ordinary word
    del words[12:]
    if _OPENING_PREFIX.match(window):
        worth = [k for k in range(1, len(words) + 1) if _word_facts(words[k - 1])[1]]  # every candidate
    else:
        # The word prefixes of _kept_prefixes(words) (candidates of more words hold no name) whose
        # kept tokens are a key's and whose last word may end a name (_may_end_a_name): the others
        # would not be found by lookup.
        keys, openings = _kept_sequences()
        worth = []
        seq: tuple[str, ...] = ()
        for k, word in enumerate(words, start=1):
            kept, ends, _ = _word_facts(word)
            if kept is None:
                break
            if kept:
                seq += kept
                if seq not in openings:
                    break
            if ends and seq in keys:
                worth.append(k)
    if not worth:
        return 0
    joined = " ".join(words[:worth[-1]])
    if window.startswith(joined):
        # One space between the words and none before them (a flat window): a candidate is the
        # join of its words.
        for k in reversed(worth):
            cand = " ".join(words[:k]).rstrip(_CANDIDATE_TAIL)
            if lookup(cand):
                return len(cand)
        return 0
    ends_at: list[int] = []  # end offset of each word
    at = 0
    for word in words[:worth[-1]]:
        at = window.index(word, at) + len(word)  # only spaces lie between two words
        ends_at.append(at)
    for k in reversed(worth):
        cand = window[:ends_at[k - 1]].rstrip(_CANDIDATE_TAIL)
        if lookup(cand):
            return len(cand)
    return 0


_EXCEPTION_FIRSTS = frozenset(first for first, _ in _STOP_EXCEPTIONS)


def _ends_phrase(text: str, i: int, word_end: int, word: str, bare: str, relative: bool) -> bool:
    """Whether ``word`` (at ``i``, ending at ``word_end``) is the verb or preposition that closes an agency phrase."""
    if relative:
        # Inside "đã được UBND tỉnh phân công ..." only a purpose clause closes the phrase.
        return bare in {"để", "nhằm"}
    if bare == "trong":
        return bool(_TRONG_STOP.match(text[i:].casefold()))
    if not word[:1].islower() or bare not in _STOP_WORDS:
        return False
    if bare in _EXCEPTION_FIRSTS:  # the next word matters only here
        nxt = _WORD.search(text, word_end)
        if (bare, nxt.group(0).strip(",;.:()").casefold() if nxt else "") in _STOP_EXCEPTIONS:
            return False
    return not (bare == "tổ" and text[:i].rstrip().endswith("các"))


def agency_phrase_end(text: str, pos: int = 0) -> int | None:
    """End offset of the agency list starting at ``pos`` (None if no agency starts there).

    The list runs over names, "," / "và" / ";" joins that open a new body, and collective
    modifiers ("có liên quan", "từ tỉnh đến cấp xã"), and stops at the verb of the clause.
    """
    # _is_item_start_at(text, pos), keeping the gazetteer probe at ``pos`` for the first word.
    first_g = None if _ITEM_SCAN.match(text, pos) else _gazetteer_prefix_window(text[pos:pos + _PREFIX_WINDOW])
    if first_g == 0:
        return None
    return _phrase_end(text, pos, first_g)


def _phrase_end(text: str, pos: int, first_g: int | None) -> int | None:
    """:func:`agency_phrase_end` past its opening test: ``first_g`` is None where ``_ITEM_SCAN``
    matches at ``pos``, else the gazetteer probe there (not 0)."""
    i = pos
    relative = False
    plain_words = False
    last_end = pos
    n_words = 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        # Named bodies the gazetteer knows: jump over the whole name (it may hold "," or "và").
        # (The plain form asked _is_item_start_at first: where it says no, no name opens here either;
        # after a collective's name the words are read one by one, so no probe is needed.)
        if relative or plain_words:
            g = 0
        elif i == pos and first_g is not None:
            g = first_g
        else:
            g = _gazetteer_prefix_window(text[i:i + _PREFIX_WINDOW])
        if g and not plain_words:
            entry = lookup(text[i:i + g])
            i += g
            last_end = i
        else:
            plain_words = False
            entry = None
            m = _WORD.match(text, i)
            if not m:
                break
            word = m.group(0)
            bare = word.strip(",;.:()“”\"").casefold()
            if i > pos and word.startswith("("):
                break
            if bare in ("được", "đã") and i > pos:
                relative = True
            elif i > pos and _ends_phrase(text, i, m.end(), word, bare, relative):
                break
            i = m.end()
            n_words += 1
            if not word.endswith((",", ";", ".", ":", ")")):
                last_end = i
            if n_words > 30:
                return None
            if word.endswith((".", ":", ")")) and not _VP_TP_END.search(word):
                last_end = i - 1
                break
            if word.endswith((",", ";")):
                after = i
                while after < len(text) and text[after].isspace():
                    after += 1
                if _is_item_start_at(text, after) \
                        or (word.endswith(",") and _CONTINUE_AFTER_COMMA_AT.match(text, after)) \
                        or (word.endswith(",") and text[after:after + 1].isupper() and not relative):
                    last_end = i - 1
                    continue
                last_end = i - 1
                break
            continue
        # After a named body: a joiner opening another body continues the list.
        j = _JOINER.match(text, i)
        if j and _is_item_start_at(text, j.end()):
            i = j.end()
            continue
        if j and "," in j.group(0) and _CONTINUE_AFTER_COMMA_AT.match(text, j.end()):
            i = j.end()
            continue
        # A collective's modifiers may follow its gazetteer name ("các cơ quan truyền thông" is known,
        # "các cơ quan truyền thông trong và ngoài tỉnh" is not): go on word by word.
        if entry is not None and entry.type == "collective" and text[i:i + 1] == " ":
            plain_words = True
            continue
        break
    end = last_end
    while end > pos and text[end - 1] in " ,;":
        end -= 1
    return end if end > pos else None


def agencies_at(text: str, pos: int = 0) -> tuple[list[str], int] | None:
    """Printed agency names of the list starting at ``pos`` and its end offset."""
    end = agency_phrase_end(text, pos)
    if end is None:
        return None
    names = split_agencies(text[pos:end])
    return (names, end) if names else None


_COORD_CUE = re.compile(
    r"\bphối\s+hợp(?:\s+(?:tốt|chặt\s+chẽ|thường\s+xuyên))?(?:\s+(?:với|đối\s+với|cùng(?:\s+với)?))?\s+",
    re.IGNORECASE,
)


def coordinators_in(text: str) -> list[str]:
    """Agencies named after "phối hợp (với)" in a prose duty."""
    flat = collapse(text)
    out: list[str] = []
    for m in _COORD_CUE.finditer(flat):
        if flat[: m.start()].rstrip().endswith("giữa"):  # = re.search(r"giữa\s*$", ...), without the scan
            continue
        found = agencies_at(flat, m.end())
        if found:
            for n in found[0]:
                if n not in out:
                    out.append(n)
    return out


# --- collecting the agency list of a record ----------------------------------------------

_RECIPIENTS = re.compile(r"Nơi\s+nhận\s*:(.*?)(?:\n\s*\|\s*\n|\n\s*\n\s*\n|$)", re.DOTALL)
_NAMED_BODY = re.compile(
    r"^(?:Sở|Báo|Đài|Ban|Bộ|Cục|Chi\s+cục|Trung\s+tâm|Công\s+an|Hội|Ủy\s+ban|Uỷ\s+ban|UBND|HĐND|Tỉnh\s+ủy|"
    r"Văn\s+phòng|Cổng|Bưu\s+điện|Kho\s+bạc|Thanh\s+tra|Liên\s+đoàn|Trường|Viện|Tòa\s+án|Vụ)\s+\S"
)


_RECIPIENT_ITEM = re.compile(r"\n\s*[-+•]\s*")
_ARCHIVE_LINE = re.compile(r"^Lưu\b", re.IGNORECASE)
# "Như trên;", "Như Điều 3;": the addressees named in the text, not a body.
_AS_ABOVE = re.compile(r"^Như\s+(?:trên|điều|mục|khoản|phần)\b", re.IGNORECASE)
# What a recipient gets the copy for: "Bộ Nội vụ (để b/c);", "Sở Y tế (t/h)", "(để biết và thực hiện)".
_PURPOSE_NOTE = re.compile(
    r"\s*\((?:để\s+)?(?:b/c|t/h|p/h|đ/b|t/d|báo\s+cáo|biết|thực\s+hiện|chỉ\s+đạo|phối\s+hợp|theo\s+dõi|thi\s+hành)"
    r"\b[^()]*\)", re.IGNORECASE)


def recipients(text: str) -> list[str]:
    """Bodies listed under "Nơi nhận:" ("- Sở Nội vụ;", "- VPUB: CVP, ..."), archive line left out."""
    m = _RECIPIENTS.search(text)
    if not m:
        return []
    out: list[str] = []
    for line in _RECIPIENT_ITEM.split("\n" + m.group(1)):
        line = _PURPOSE_NOTE.sub("", collapse(line)).strip(" .;")
        if not line or _ARCHIVE_LINE.match(line) or _AS_ABOVE.match(line):
            continue
        head = line.split(":", 1)[0]  # "VPUB: CVP, các PCVP, ..." -> the office itself
        out.extend(split_agencies(head))
    return out


_SEGMENT_BREAK = re.compile(r"\n[ \t]*\|[ \t]*\n|[ \t]\|[ \t]|\n[ \t]*(?:[-+•]|\d{1,2}\.|[a-zđ]\))[ \t]+|\n[ \t]*\n")
# _SEGMENT_BREAK in two passes: the breaks that open with a line break (a literal the engine
# jumps to), then " | " inside the pieces that hold a bar.  A " | " break holds no line break,
# so it can neither overlap nor hide a break of the first kind: the pieces are the same.
# (Each alternative's opening ``[ \t]*`` is read once, before the alternatives: every alternative
# goes on with a character other than a space or a tab, so the greedy run must take all of them
# either way, and the same break is found.)
_LINE_BREAKS = re.compile(r"\n[ \t]*(?:\|[ \t]*\n|(?:[-+•]|\d{1,2}\.|[a-zđ]\))[ \t]+|\n)")
_BAR_BREAK = re.compile(r"[ \t]\|[ \t]")


# A bar after a space or a tab (``" |" in text or "\t|" in text``), found by a scan for the bar
# alone: two-character needles that open with a space are slow to look for, a bar is rare.
_BAR_AFTER_SPACE = re.compile(r"\|(?<=[ \t]\|)")


def _segments(text: str) -> list[str]:
    """``_SEGMENT_BREAK.split(text)``, faster."""
    if not _BAR_AFTER_SPACE.search(text):
        return _LINE_BREAKS.split(text)  # no " | " break: its bar follows a space or a tab
    out: list[str] = []
    for piece in _LINE_BREAKS.split(text):
        if "|" in piece:
            out.extend(_BAR_BREAK.split(piece))
        else:
            out.append(piece)
    return out


def mentioned_agencies(text: str, *, distinct: bool = False,
                       found: dict[str, int] | None = None) -> list[tuple[int, str]]:
    """(offset in the flat text, printed name) of bodies named anywhere in the text.

    Kept: names the gazetteer knows and capitalised named bodies ("Báo Ấp Bắc"); generic
    objects inside duties ("các sở, cơ quan ngang sở") are left out unless the gazetteer lists them.
    Table cells, list items and paragraphs are scanned separately so a name never runs across them.
    ``distinct``: each (offset, name) pair once, in order of first appearance (a repeated
    segment only repeats pairs already given, so it is skipped).  ``found``: name -> ``str.find`` of
    it in the flat text, shared with a caller that looks names up in the same flat text.
    """
    flat_all = flat_document(text)
    out: list[tuple[int, str]] = []
    # A name recurs many times: look for its first occurrence once.
    first_at: dict[str, int] = {} if found is None else found
    for name in _mentioned_names(text, distinct):
        at = first_at.get(name)
        if at is None:
            at = first_at[name] = flat_all.find(name)
        out.append((at if at >= 0 else len(flat_all), name))
    return out


def _mentioned_names(text: str, distinct: bool) -> list[str]:
    """The names of :func:`mentioned_agencies` without their offsets (a caller that has seen a
    name already needs no offset for it)."""
    segments = _segments(nfc_document(text))
    # The cache behind _segment_mentions, called directly: this loop runs once per segment.
    cached, plain, max_len = _segment_mentions.cached, _segment_mentions.__wrapped__, _segment_mentions.max_len
    if distinct:
        segments = list(dict.fromkeys(segments))
    if segments and max(map(len, segments)) <= max_len:
        # Every segment goes to the cache (the wrapper's own rule): the same calls in the same
        # order, made by map, and the Python loop sees only the segments that name a body.
        found = [names for names in map(cached, segments) if names]
    else:
        found = [cached(segment) if len(segment) <= max_len else plain(segment) for segment in segments]
    out: list[str] = []
    if not distinct:
        for names in found:
            out.extend(names)
        return out
    given: set[str] = set()  # names given already
    for names in found:
        for name in names:
            if name not in given:
                given.add(name)
                out.append(name)
    return out


@cache_short(8192, 1000)
def _segment_mentions(segment: str) -> tuple[str, ...]:
    """Names :func:`mentioned_agencies` keeps in one segment, in order (pure in ``segment``:
    cached because table cells and boilerplate paragraphs recur across plans)."""
    # Most segments hold no item start: spare collapsing them.  A match in the collapsed segment is
    # one in the segment as printed too (the pattern sees a whitespace run only through ``\s+``, a
    # one-character ``\s`` class, ``\b`` or ``$``, all true of a run as of one space or the end).
    first = _ITEM_SCAN.search(segment)
    if not first:
        return ()
    # The other way round too (a run read by those as one space or the end is read the same as
    # printed), so the first match in the collapsed segment is the image of ``first``: what lies
    # before it is neither collapsed nor scanned.  The rest reads only forward from a match (no
    # look-behind; ``\b`` only after a consumed letter; the phrase walk looks back only over its
    # own words, and a head word opens none of them with "các"'s tail), except for the character
    # before the first match, kept apart ("" at the segment's start, " " after a run).
    at = first.start()
    flat = collapse_long(segment[at:])  # = collapse, faster on a paragraph
    before = "" if at == 0 or segment[:at].isspace() else " " if segment[at - 1].isspace() else segment[at - 1]
    out: list[str] = []
    pos = 0
    for m in _ITEM_SCAN.finditer(flat):
        # A name starts a word: "397/KH-UBND" holds no agency, nor does "397/KH- UBND" (a number
        # printed with a space or wrapped after its hyphen).
        start = m.start()
        prev = flat[start - 1] if start else before
        if start < pos or (prev and prev not in " (“\"'"):
            continue
        if prev == " " and (_after_broken_number(flat, start) if start else _after_broken_number(segment, at)):
            continue
        # (= agency_phrase_end: _ITEM_SCAN matches here.)  A cell holding one known body: all of it.
        end = _known_whole_end(flat) if start == 0 else None
        if end is None:
            end = _phrase_end(flat, start, None)
        if end is None:
            continue
        pos = end
        phrase = flat[start:end]
        name = _one_known_name(phrase)  # most phrases are one name: spares splitting them
        if name is not None:
            out.append(name)  # (lookup(name) is true: kept)
            continue
        for name in _split_agencies(phrase):
            if lookup(name) or _named_unit(_UNIT_ITEM, name) or _is_named_body(name):
                out.append(name)
    return tuple(out)


# The tail of an instrument number cut after its hyphen or slash ("7877/KH- ", "12/QĐ-\n"):
# digits, a slash, then a code ending with the cut.
_BROKEN_NUMBER_TAIL = re.compile(r"\d[^\s/]*/\S*[-/]\s+$")


def _after_broken_number(text: str, start: int) -> bool:
    """Whether the white space before ``start`` follows the cut of an instrument number."""
    tail = text[max(0, start - 40):start]
    return tail.rstrip()[-1:] in ("-", "/") and _BROKEN_NUMBER_TAIL.search(tail) is not None


def _known_whole_end(flat: str) -> int | None:
    """``_phrase_end(flat, 0, None)`` where ``flat`` (a flat text opening with a letter) is one name
    the gazetteer knows, seen whole by the probe at its start, and at most one character of
    _CANDIDATE_TAIL right after it (a table cell, a list line "UBND tỉnh;"): the name's end.  Else None.

    The probe's candidates are the word prefixes of its window (at most twelve words of at most 200
    characters) with _CANDIDATE_TAIL taken off their end, the longest known one taken: with fewer
    than twelve spaces and no more characters, the name, ending with no such character nor a space,
    is the longest candidate.  The walk jumps over it; after it comes the end of the text, or one
    character that is no space: a joiner "," / ";" with nothing after it, or no joiner, and the
    walk stops at the name's end.  The last word of a known name may end one (as _glued uses it):
    a cheap test first, sparing cold lookups.
    """
    name = flat[:-1] if flat[-1] in _CANDIDATE_TAIL else flat
    if (len(flat) <= _PREFIX_WINDOW and flat.count(" ") < 12 and name and name[-1] not in _CANDIDATE_TAIL + " "
            and _may_end_a_name(name[name.rfind(" ") + 1:]) and lookup(name) is not None):
        return len(name)
    return None


def _one_known_name(phrase: str) -> str | None:
    """The one name ``_split_agencies(phrase)`` gives when ``phrase`` holds no separator it splits
    on and the gazetteer knows the whole of it, else None (the phrase must then be split).

    ``phrase`` is a flat (collapsed) text opening with a letter, as a phrase of _segment_mentions is.
    Then, with no ";" (nor a line break: flat), _split_top gives the one piece ``phrase.strip(" .,;:")``
    (no bullet opens it); with no "," nor " và " (the only whitespace of a flat text is one space)
    _split_list finds no joiner; _restore_heads keeps a lone item; and _glued gives the item itself
    when lookup knows it (its kept-token test passes for every name lookup finds).
    """
    if ";" in phrase or "," in phrase or " và " in phrase:
        return None
    name = phrase.strip(" .,;:")
    return name if name and lookup(name) else None


def _is_named_body(name: str) -> bool:
    """A capitalised named body ("Báo Ấp Bắc") of at most twelve words."""
    if not _NAMED_BODY.match(name):
        return False
    words = name.split()
    return any(w[:1].isupper() for w in words[1:]) and len(words) <= 12


@cache_short(16384, 200)
def _tidy(name: str) -> tuple[str, str]:
    """A printed name tidied as a record keeps it, and its entry key (the first letter's case ignored)."""
    clean = collapse(name).strip(" .,;:")
    return clean, clean[:1].casefold() + clean[1:]


def collect_agencies(text: str, document: dict, tasks: list[dict], citations: list[dict],
                     *, scan_text: bool = True) -> list[dict]:
    """Agencies of a record: task leads, coordinators and approver parts, citation issuers the
    gazetteer knows, "Nơi nhận" recipients and (``scan_text``) bodies named anywhere in the text.

    One entry per printed name (case of the first letter ignored), ordered by first occurrence
    in the text, each resolved to canonical + province + level + type + known, with its roles.
    """
    province = (document or {}).get("province") or province_from_text(text)
    flat = flat_document(text)
    found: dict[str, int] = {}  # name -> flat.find(name), shared with mentioned_agencies

    def find(name: str) -> int:
        at = found.get(name)
        if at is None:
            at = found[name] = flat.find(name)
        return at

    seen: dict[str, dict] = {}
    tidy: dict[str, tuple[str, str]] = {}  # printed form -> (tidied name, entry key); names recur often
    # _tidy without its wrapper: names recur across plans too.
    tidied, tidy_plain, tidy_max = _tidy.cached, _tidy.__wrapped__, _tidy.max_len
    # resolve_agency(name, province) without its wrapper: the cache behind it called directly.
    resolved, resolve_plain, max_len = _resolve_agency.cached, _resolve_agency.__wrapped__, _resolve_agency.max_len

    def add(name: str | None, role: str, at: int | None = None, printed: bool = True) -> None:
        raw = name or ""
        known = tidy.get(raw)
        if known is None:
            known = tidy[raw] = tidied(raw) if len(raw) <= tidy_max else tidy_plain(raw)
        name, k = known
        if not name:
            return
        rec = seen.get(k)
        if rec is None:
            rec = dict(resolved(name, province) if len(name) <= max_len else resolve_plain(name, province))
            rec["roles"] = {role}
            if at is None:
                at = find(name)
                if at < 0:
                    at = find(name[:1].swapcase() + name[1:])
            if printed and (at is None or at < 0):
                rec["restored"] = True  # a head restored by splitting ("UBND thành phố Bến Tre")
            rec["_at"] = at if at is not None and at >= 0 else len(flat)
            seen[k] = rec
        else:
            rec["roles"].add(role)

    def add_all(names: list[str] | tuple[str, ...], role: str) -> None:
        for name in names:
            # Most names were added already (by an earlier task or role): only a role to record.
            known = tidy.get(name)
            rec = seen.get(known[1]) if known is not None else None
            if rec is not None:
                rec["roles"].add(role)
            else:
                add(name, role)

    for t in tasks:
        # (Empty fields name no one: _split_agencies("") is empty too.)
        names = t.get("lead")
        if names:
            add_all(names, "lead")
        names = t.get("coordinators")
        if names:
            add_all(names, "coordinator")
        approver = t.get("approver")
        if approver:
            add_all(_split_agencies(approver), "approver")
    for c in citations or []:
        issuer = c.get("issuer")
        if issuer and lookup(issuer):
            add(issuer, "issuer", printed=False)
    add_all(recipients(text), "recipient")
    if scan_text:
        # mentioned_agencies(text, distinct=True, found=found), with the offset of a name looked
        # for only when the name is new (add would drop it otherwise).
        for n in _mentioned_names(text, True):
            known = tidy.get(n)
            if known is None:
                known = tidy[n] = tidied(n) if len(n) <= tidy_max else tidy_plain(n)
            rec = seen.get(known[1])
            if rec is not None:
                rec["roles"].add("mentioned")
            elif known[0]:
                at = find(n)
                add(n, "mentioned", at if at >= 0 else len(flat))
    out = []
    for rec in sorted(seen.values(), key=lambda r: r["_at"]):
        rec.pop("_at")
        rec["roles"] = sorted(rec["roles"])
        out.append(rec)
    return out


def unknown_agencies(records: list[dict]) -> list[dict]:
    """Agency names the gazetteer does not know, across records: name, count, sources (for the gazetteer report)."""
    counts: dict[str, dict] = {}
    for r in records:
        for a in r.get("agencies") or []:
            if a.get("known", True):
                continue
            # Spellings differing only in case or tone placement are one entry ("Báo Ấp bắc").
            e = counts.setdefault(_key(a["canonical"]), {"name": a["canonical"], "count": 0, "sources": []})
            e["count"] += 1
            src = r.get("source")
            if src and src not in e["sources"]:
                e["sources"].append(src)
    return sorted(counts.values(), key=lambda e: (-e["count"], e["name"]))
