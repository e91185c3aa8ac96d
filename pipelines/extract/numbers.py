"""Instrument numbers: find them in real text, canonicalise them, identify them.

The shapes of numbers live in ``data/reference/number_forms.json`` and the
letter codes in ``document_types.csv`` / ``issuer_codes.csv``; this module only
expands and applies them.  Everything runs on the *original* text (spans are
offsets into it): the patterns themselves tolerate line breaks and stray
spaces, so no flattened copy of a whole document is needed on the hot path.

Public helpers used elsewhere:

- :func:`find_numbers` / :func:`canonical_number` -- matching and canonical form.
- :func:`instrument_key` -- the identity path of an instrument (DESIGN.md §4),
  used by the graph builder for IRIs.
- :func:`normalise_number_query` / :func:`number_query_regex` -- turn what an
  analyst types ("nq 76", "76 NQ-CP") into a canonical number or a regex.
"""

from __future__ import annotations

import csv
import json
import os
import re
import unicodedata
from collections import namedtuple
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pipelines.extract.regex_source import top_level_alternatives
from pipelines.extract.text import cache_short

REFERENCE_DIR = Path(os.environ.get("VANBAN_REFERENCE_DIR", Path(__file__).resolve().parents[2] / "data" / "reference"))

# --- character level tolerance ---------------------------------------------------------------

# One-to-one replacements only, so offsets never move.  Cyrillic and Greek
# look-alikes appear in texts pasted through OCR or odd keyboards; "Ð" (eth)
# is often typed for "Đ"; dash and slash variants come from word processors.
_CONFUSABLES = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "d",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "к": "k", "м": "m", "т": "t", "н": "h",
    "Α": "A", "Β": "B", "Ε": "E", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T",
    "Χ": "X", "Υ": "Y", "Ι": "I",
    "Ð": "Đ", "Ɖ": "Đ", "ð": "đ",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "﹣": "-", "－": "-",
    "∕": "/", "⁄": "/", "／": "/",
}
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)
_CONFUSABLE_PRESENT = re.compile("[" + re.escape("".join(_CONFUSABLES)) + "]")


# Decimal digits of the Basic Multilingual Plane other than 0-9 (what ``\d`` matches there besides
# them: Arabic-Indic, Devanagari, full-width ...), read from the regex engine itself.
_BMP_OTHER_DIGITS = "".join(re.findall(r"\d", "".join(chr(cp) for cp in range(0x80, 0x10000)
                                                        if not 0xD800 <= cp < 0xE000)))
_OTHER_DIGIT_BMP = re.compile("[" + re.escape(_BMP_OTHER_DIGITS) + "]")
# One scan for both: a look-alike to repair or a digit that is not 0-9.
_CONFUSABLE_OR_DIGIT = re.compile("[" + re.escape("".join(_CONFUSABLES) + _BMP_OTHER_DIGITS) + "]")


def prepare_text(text: str) -> str:
    """NFC plus one-to-one look-alike repair; the result has the same length as ``nfc(text)``."""
    if len(text) > 5000:
        return _prepare_document(text)
    return _prepare(text)


_CacheInfo = namedtuple("_CacheInfo", "hits misses maxsize currsize")  # as functools reports it


class _DigitFacts:
    """Prepared documents whose only decimal digits are 0-9, found while preparing them.

    Holds the last few documents (at least as many as ``_prepare_document`` caches, so a document
    served from that cache is still here).  The instance has ``cache_clear``/``cache_info`` as a
    functools cache has (set per instance: the class itself is no cache to clear).
    """

    maxsize = 4

    def __init__(self) -> None:
        self._facts: dict[str, bool] = {}
        self.get = self._facts.get
        self.cache_clear = self._facts.clear
        self.cache_info = lambda: _CacheInfo(0, 0, self.maxsize, len(self._facts))

    def remember(self, text: str, ascii_only: bool) -> None:
        if text not in self._facts and len(self._facts) >= self.maxsize:
            del self._facts[next(iter(self._facts))]
        self._facts[text] = ascii_only


_DIGIT_FACTS = _DigitFacts()


def ascii_digits_only(text: str) -> bool:
    r"""True when ``text`` is a document :func:`prepare_text` prepared recently and 0-9 are its only
    decimal digits, so ``[0-9]`` may stand for ``\d`` in patterns run over it; False when unknown."""
    return len(text) > 5000 and _DIGIT_FACTS.get(text, False)


def _has_astral(text: str) -> bool:
    """Any character beyond the Basic Multilingual Plane (two UTF-16 units each)."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


@lru_cache(maxsize=2)
def _prepare_document(text: str) -> str:
    # A whole document is prepared by more than one extractor (metadata, citations): once is enough.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _CONFUSABLE_OR_DIGIT.search(text) is None:  # most documents: nothing to repair, digits 0-9
        _DIGIT_FACTS.remember(text, not _has_astral(text))
        return text
    if _CONFUSABLE_PRESENT.search(text):
        text = text.translate(_CONFUSABLE_TABLE)
    _DIGIT_FACTS.remember(text, _OTHER_DIGIT_BMP.search(text) is None and not _has_astral(text))
    return text


def _prepare(text: str) -> str:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _CONFUSABLE_PRESENT.search(text):
        text = text.translate(_CONFUSABLE_TABLE)
    return text


def ascii_digit_pattern(pattern: str) -> str:
    r"""``pattern`` with every ``\d`` written ``0-9`` (``[0-9]`` outside a class): the same matches
    on a text whose only decimal digits are 0-9 (:func:`ascii_digits_only`), found sooner."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt == "D":
                raise ValueError(f"\\D is not rewritten: {pattern}")
            out.append(("0-9" if in_class else "[0-9]") if nxt == "d" else ch + nxt)
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            # A "]" right after "[" or "[^" is a literal, not the end of the class.
            for lead in ("^", "]"):
                if pattern[i : i + 1] == lead:
                    out.append(lead)
                    i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[cp] = base.lower()
    for ch in "Đđ":
        table[ord(ch)] = "d"
    return table


_FOLD_TABLE = _build_fold_table()
# The same mapping as a list indexed by code point, identity where the table has no entry.
# ``str.translate`` looks every character up; a dict raises (and swallows) a KeyError for each
# character it lacks (most of them: ASCII letters, spaces), a list returns the character itself.
# It runs to the end of General Punctuation (quotes, dashes are common in plans); code points
# past its end raise IndexError, which ``translate`` reads as "unchanged" too.
_FOLD_LIST: list[str] = [_FOLD_TABLE.get(cp, chr(cp)) for cp in range(max(max(_FOLD_TABLE) + 1, 0x2070))]


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics one character for one (offsets kept)."""
    return text.translate(_FOLD_LIST).lower()


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII slug for IRIs: "UBND tỉnh Tiền Giang" -> "ubnd-tinh-tien-giang"."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-")


# --- registry ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocType:
    code: str
    name: str
    families: tuple[str, ...]
    example: str


@dataclass(frozen=True, slots=True)
class IssuerCode:
    code: str
    name: str
    scope: str  # national | local | party | local-party | district-party
    default_type: str | None
    aliases: tuple[str, ...]
    example: str


@dataclass(frozen=True, slots=True)
class NumberForm:
    name: str
    description: str
    pattern: str
    examples: tuple[tuple[str, str], ...]


def _read_csv(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise RuntimeError(f"{path}: cannot read reference table ({exc})") from exc


@cache
def document_types() -> tuple[DocType, ...]:
    return tuple(
        DocType(r["code"], r["name"], tuple(r["families"].split(";")), r["example"])
        for r in _read_csv("document_types.csv")
    )


@cache
def issuer_codes() -> tuple[IssuerCode, ...]:
    return tuple(
        IssuerCode(
            r["code"], r["name"], r["scope"], r["default_type"] or None,
            tuple(a for a in r["aliases"].split(";") if a), r["example"],
        )
        for r in _read_csv("issuer_codes.csv")
    )


@cache
def number_forms() -> tuple[NumberForm, ...]:
    path = REFERENCE_DIR / "number_forms.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"{path}: cannot read number forms ({exc})") from exc
    return tuple(
        NumberForm(f["name"], f["description"], f["pattern"],
                   tuple((e["raw"], e["canonical"]) for e in f["examples"]))
        for f in data["forms"]
    )


def _code_key(code: str) -> str:
    """Lookup key of a letter code: case and the Đ/D distinction do not matter."""
    return fold(code).upper()


@cache
def _type_by_code() -> tuple[dict[str, DocType], dict[str, list[DocType]]]:
    exact = {t.code: t for t in document_types()}
    loose: dict[str, list[DocType]] = {}
    for t in document_types():
        loose.setdefault(_code_key(t.code), []).append(t)
    return exact, loose


@cache
def _issuer_by_code() -> tuple[dict[str, IssuerCode], dict[str, list[IssuerCode]]]:
    coded = [i for i in issuer_codes() if i.code]
    exact = {i.code: i for i in coded}
    loose: dict[str, list[IssuerCode]] = {}
    for i in coded:
        loose.setdefault(_code_key(i.code), []).append(i)
    return exact, loose


@cache
def lookup_type(code: str, family: str | None = None) -> DocType | None:
    """Document type of a code; "QD" finds QĐ, "DA" stays Dự án (exact spelling wins).

    With ``family`` ("party", "normative", "admin") a loose spelling is read within that family
    first: Party documents have Đề án (ĐA) but no Dự án, so "01-DA/TU" is an Đề án.
    """
    exact, loose = _type_by_code()
    hits = loose.get(_code_key(code), [])
    if family is not None:
        in_family = [t for t in hits if family in t.families]
        if code in exact and exact[code] in in_family:
            return exact[code]
        if len(in_family) == 1:
            return in_family[0]
    if code in exact:
        return exact[code]
    return hits[0] if len(hits) == 1 else None


_TERM_SUFFIX = re.compile(r"^(\D+?)(\d{1,3})$")


@cache
def lookup_issuer(code: str) -> IssuerCode | None:
    """Issuer of a code; a term number is allowed ("QH13", "UBTVQH15")."""
    exact, loose = _issuer_by_code()
    if code in exact:
        return exact[code]
    hits = loose.get(_code_key(code), [])
    if len(hits) == 1:
        return hits[0]
    m = _TERM_SUFFIX.match(code)
    if m:
        return lookup_issuer(m.group(1))
    return None


@cache
def _canonical_code(code: str, family: str | None = None) -> str:
    """Registry spelling of a code when known ("QD" -> "QĐ", "TTG" -> "TTg"), else upper-cased."""
    t = lookup_type(code, family)
    if t is not None:
        return t.code
    i = lookup_issuer(code)
    if i is not None:
        m = _TERM_SUFFIX.match(code)
        return i.code + (m.group(2) if m and m.group(1) != code else "")
    if any(c.islower() for c in code[1:]) and not code.isupper():
        return code  # mixed-case unknown code: keep as printed (e.g. a unit "KSTTg")
    return code.upper()


# --- the matcher ---------------------------------------------------------------------------------

_PLACEHOLDERS = {
    "NUM": r"\d{1,5}",
    "YEAR": r"(?:19|20)\d{2}",
    "SLASH": r"[ \t]*/+\s*",
    "DASH": r"[ \t]*-\s*",
    "CODE": r"[A-ZĐ][A-Za-zĐđ]{0,9}\d{0,3}(?![^\W\d_])",
}


def _expand(pattern: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: _PLACEHOLDERS[m.group(1)], pattern)


@cache
def _number_regex() -> re.Pattern[str]:
    seen: list[str] = []
    for form in number_forms():
        p = _expand(form.pattern)
        if p not in seen:
            seen.append(p)
    # Longest shapes first so "61/2018/NĐ-CP" is never read as "61/2018" + junk.  Every form starts
    # with {NUM}; the first digit is matched before the boundary check so the scan stays fast.
    num = _PLACEHOLDERS["NUM"]
    if not all(p.startswith(num) for p in seen):
        raise RuntimeError(f"{REFERENCE_DIR / 'number_forms.json'}: every form must start with {{NUM}}")
    tails = "|".join(f"(?:{p[len(num):]})" for p in sorted(seen, key=len, reverse=True))
    return re.compile(rf"\d(?<![\w/.,]\d)\d{{0,4}}(?:{tails})")


@cache
def _number_scan_regex() -> re.Pattern[str]:
    """:func:`_number_regex` for scanning: the same matches, dead ends left sooner.

    Every tail starts with a slash or a hyphen after optional blanks: a lookahead says so before
    the tails are tried one by one, and the serial's digits are taken possessively (a tail never
    starts with a digit, so giving digits back could not let one match).
    """
    pattern = _number_regex().pattern
    head = r"\d(?<![\w/.,]\d)\d{0,4}"
    tails = pattern[len(head) :]
    if not pattern.startswith(head) or not all(
        t.startswith(("(?:[ \\t]*/+", "(?:[ \\t]*-")) for t in top_level_alternatives(tails[3:-1])
    ):
        return _number_regex()
    return re.compile(head + r"+(?=[ \t]*[/-])" + tails)


_SEGMENT = re.compile(r"\d+|[^\W\d_]+\d*")
_SEPARATORS = re.compile(r"\s*(/+|-)\s*")


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """One instrument number found in a text."""

    start: int
    end: int
    raw: str
    canonical: str
    form: str  # normative | administrative | official_letter | party
    serial: str
    year: str | None
    type_code: str | None
    issuer_code: str | None
    doc_type: str | None  # implied by the codes; the printed type word may override it
    issuer: IssuerCode | None


def _parse(raw: str, start: int) -> NumberMatch | None:
    """Split a matched string into its parts; ``None`` when it is not an instrument number."""
    parts = _SEPARATORS.split(raw.strip())
    # parts alternates token, separator, token ...
    tokens = parts[0::2]
    seps = [s[0] for s in parts[1::2]]
    if not tokens or not tokens[0].isdigit():
        return None
    # Spaced hyphens are only trusted before a real code: "12/KH-UBND - Sở" must stop at UBND.
    kept_tokens, kept_seps = [tokens[0]], []
    for i, sep in enumerate(seps):
        seg = tokens[i + 1]
        sep_raw = parts[2 * i + 1]
        if sep == "-" and sep_raw != "-" and i > 0 and not (
            lookup_type(seg) or lookup_issuer(seg) or (len(seg) >= 2 and seg.isupper())
        ):
            break
        kept_tokens.append(seg)
        kept_seps.append(sep)
    tokens, seps = kept_tokens, kept_seps
    if len(tokens) < 2:
        return None
    year = None
    codes = tokens[1:]
    form: str
    if seps[0] == "-":
        # party: n-TYPE/ISSUER[-UNIT]
        if len(seps) < 2 or seps[1] != "/":
            return None
        form = "party"
        type_code, issuer_code = codes[0], codes[1]
        units = codes[2:]
    else:
        if codes[0].isdigit():
            if len(codes[0]) != 4 or len(codes) < 2:
                return None
            year = codes[0]
            codes = codes[1:]
        if any(c.isdigit() for c in codes):
            return None
        first = codes[0]
        t = lookup_type(first)
        if year is not None:
            form = "normative"
            if t is not None and len(codes) >= 2:
                type_code, issuer_code, units = first, codes[1], codes[2:]
            else:
                type_code, issuer_code, units = None, first, codes[1:]
        elif t is not None and len(codes) >= 2 and not lookup_issuer(first):
            form = "administrative"
            type_code, issuer_code, units = first, codes[1], codes[2:]
        elif lookup_issuer(first) is not None or len(codes) >= 2:
            form = "official_letter"
            type_code, issuer_code, units = None, first, codes[1:]
        else:
            return None
        if len(codes) == 1 and year is None and lookup_issuer(first) is None:
            return None
    issuer = lookup_issuer(issuer_code) if issuer_code else None
    family = {"party": "party", "normative": "normative"}.get(form, "admin")
    doc_type = None
    if type_code is not None:
        t = lookup_type(type_code, family)
        doc_type = t.name if t else None
    elif form == "official_letter":
        doc_type = "Công văn"
    elif issuer is not None and issuer.default_type:
        doc_type = issuer.default_type
    canon_codes = ([_canonical_code(type_code, family)] if type_code else []) + [
        _canonical_code(c) for c in (issuer_code, *units)
    ]
    if form == "party":
        canonical = f"{tokens[0]}-{canon_codes[0]}/" + "-".join(canon_codes[1:])
    else:
        head = f"{tokens[0]}/{year}/" if year else f"{tokens[0]}/"
        canonical = head + "-".join(canon_codes)
    # End of the kept part of the raw string (trailing junk after a rejected hyphen dropped).
    end = start + _raw_length(raw, len(tokens), len(seps))
    return NumberMatch(
        start=start, end=end, raw=raw[: end - start], canonical=canonical, form=form, serial=tokens[0],
        year=year, type_code=_canonical_code(type_code, family) if type_code else None,
        issuer_code=_canonical_code(issuer_code) if issuer_code else None,
        doc_type=doc_type, issuer=issuer,
    )


def _raw_length(raw: str, n_tokens: int, n_seps: int) -> int:
    for count, m in enumerate(_SEGMENT.finditer(raw), start=1):
        if count == n_tokens:
            return m.end()
    return len(raw)


@lru_cache(maxsize=65536)
def _parse_cached(raw: str) -> NumberMatch | None:
    return _parse(raw, 0)


@cache
def _number_scan_regex_ascii() -> re.Pattern[str]:
    """:func:`_number_scan_regex` for texts whose only digits are 0-9 (:func:`ascii_digits_only`)."""
    return re.compile(ascii_digit_pattern(_number_scan_regex().pattern))


@cache
def _scan_needs_separator() -> bool:
    """Whether every match of the scanning pattern holds a "/" or a "-" (its look-ahead after the
    serial asks for one): true unless :func:`_number_scan_regex` fell back to the plain pattern."""
    return _number_scan_regex() is not _number_regex()


# Where a match of :func:`_number_scan_regex` can start, read on the reversed text from the separator
# its look-ahead asks for: the separator, blanks, then the serial's digits backwards, a whole run of
# at most five (``\\d{1,5}+`` then no digit) with none of ``[\\w/.,]`` before it in the text.  Led by
# a literal, each scan skips through the text where the scanning pattern, led by a digit class,
# tries every character.  A match spans one separator (its first character), so none is lost to
# overlap.
_SERIAL_BEFORE_SEPARATOR_REVERSED = tuple(re.compile(sep + r"[ \t]*\d{1,5}+(?![\w/.,])") for sep in "/-")
# Below this length one scan of the text costs less than reversing it and two scans.
_SEPARATOR_LED_FROM = 1000


def _serial_starts(text: str) -> list[int]:
    """Every offset where the head of :func:`_number_scan_regex` (serial and look-ahead) matches, in order."""
    rev = text[::-1]
    n = len(text)
    starts = [n - m.end() for pattern in _SERIAL_BEFORE_SEPARATOR_REVERSED for m in pattern.finditer(rev)]
    starts.sort()
    return starts


def find_numbers(text: str) -> list[NumberMatch]:
    """Every instrument number in ``text`` (already prepared), in order."""
    out: list[NumberMatch] = []
    # Short fragments (task contents) mostly hold neither separator: nothing to scan for.
    if "/" not in text and "-" not in text and _scan_needs_separator():
        return out
    scan = _number_scan_regex_ascii() if ascii_digits_only(text) else _number_scan_regex()
    if len(text) >= _SEPARATOR_LED_FROM and _scan_needs_separator():
        # What ``finditer`` does: the leftmost match from where the last one ended, tried only
        # where one can start (every match starts where its head does).
        match = scan.match
        resume = 0
        for start in _serial_starts(text):
            if start < resume:
                continue
            m = match(text, start)
            if m is not None:
                resume = m.end()
                parsed = _parse_cached(m.group(0))
                if parsed is not None:
                    out.append(_moved(parsed, start))
        return out
    for m in scan.finditer(text):
        parsed = _parse_cached(m.group(0))
        if parsed is not None:
            out.append(_moved(parsed, m.start()))
    return out


def _moved(parsed: NumberMatch, start: int) -> NumberMatch:
    """``replace(parsed, start=start, end=start + parsed.end)`` for a match parsed at offset 0,
    built directly (``dataclasses.replace`` costs several times more, and numbers are many)."""
    p = parsed
    return NumberMatch(start, start + p.end, p.raw, p.canonical, p.form, p.serial, p.year, p.type_code,
                       p.issuer_code, p.doc_type, p.issuer)


@cache_short(16384, 200)
def parse_number(raw: str) -> NumberMatch | None:
    """Parse one string that should be exactly a number (tolerant forms allowed)."""
    text = prepare_text(raw.strip())
    m = _number_regex().match(text)
    if not m:
        return None
    return _parse_cached(m.group(0))  # the numbers found in the text were mostly parsed already


def canonical_number(raw: str) -> str | None:
    """Canonical spelling: no spaces, one slash, registry letters ("2703/QĐ- UBND" -> "2703/QĐ-UBND")."""
    p = parse_number(raw)
    return p.canonical if p else None


# --- identity ------------------------------------------------------------------------------------

_LOCAL_SCOPES = {"local", "local-party", "district-party"}


_PROVINCIAL_ISSUER = re.compile(r"^(?:UBND|HĐND|Ủy ban nhân dân|Hội đồng nhân dân)\s+(tỉnh|thành phố)\s+(.+)$")
_LOCAL_ISSUER = re.compile(r"^(?:UBND|HĐND|Ủy ban nhân dân|Hội đồng nhân dân)\s+(.+)$")
_ANY_SPACE = re.compile(r"\s+")
_YEAR_FIRST = re.compile(r"^\d{4}")


def _issuer_scope(issuer: str, province: str | None) -> str:
    """Scope slug of an issuer: provincial UBND/HĐND -> the province; others -> their own slug."""
    m = _PROVINCIAL_ISSUER.match(issuer)
    if m:
        return slugify(m.group(2))
    m = _LOCAL_ISSUER.match(issuer)
    if m:
        local = slugify(m.group(1))
        return f"{slugify(province)}/{local}" if province else local
    return slugify(issuer)


@cache_short(16384, 200)
def instrument_key(number: str, issuer: str | None, date: str | None, province: str | None) -> tuple[str, bool]:
    """Identity path of an instrument (DESIGN.md §4) and whether it is fully resolved.

    - A number with a year issued by a national body is national:
      ``("61-2018-nd-cp", True)``.
    - A number with a year issued by a local body (``15/2024/QĐ-UBND``) is
      scoped by its province: ``("tien-giang/15-2024-qd-ubnd", True)``.
    - A number without a year repeats per issuer and year, so it is scoped by
      the issuer slug (a provincial UBND/HĐND by the province slug) and the
      year of ``date``: ``("tien-giang/2021/397-kh-ubnd", True)``,
      ``("chinh-phu/2021/76-nq-cp", True)``,
      ``("tinh-uy-tien-giang/2021/09-nq-tu", True)``.
    - Missing year (no date) or missing issuer: the key carries ``unknown``
      in that place and ``resolved`` is ``False``; callers keep such
      instruments apart instead of merging them with a namesake.

    ``number`` may be in any tolerated spelling; it is canonicalised first.
    """
    parsed = parse_number(number)
    canonical = parsed.canonical if parsed else _ANY_SPACE.sub("", number)
    num_slug = slugify(canonical)
    year_in_number = parsed.year if parsed else None
    scope_code = parsed.issuer.scope if parsed and parsed.issuer else None
    if year_in_number and scope_code not in _LOCAL_SCOPES:
        return num_slug, True
    resolved = True
    if issuer:
        scope = _issuer_scope(issuer, province)
    elif province and scope_code in _LOCAL_SCOPES:
        scope = slugify(province)
    else:
        scope, resolved = "unknown-issuer", False
    if year_in_number:
        return f"{scope}/{num_slug}", resolved
    year = date[:4] if date and _YEAR_FIRST.match(date) else None
    if year is None:
        return f"{scope}/unknown/{num_slug}", False
    return f"{scope}/{year}/{num_slug}", resolved


# --- analyst queries -----------------------------------------------------------------------------

_QUERY_TOKENS = re.compile(r"\d+|[^\W\d_]+\d*")


def _xsd_escape(s: str) -> str:
    """Escape for both Python ``re`` and SPARQL/XPath ``REGEX`` (no Python-only syntax)."""
    return re.sub(r"([.\\?*+(){}\[\]^$|\-])", r"\\\1", s)


def number_query_regex(query: str) -> str:
    """Anchored regex over canonical numbers for a partial query; valid in Python and SPARQL REGEX.

    "nq 76" -> ``^76(/[0-9]{4})?/NQ(-.*)?$|^76-NQ/.*$`` (any issuer, with or without year);
    "nq-cp 76" -> the same restricted to issuer CP; "76" -> any number 76.
    Letter codes are canonicalised ("qd" -> "QĐ"); match case-sensitively.
    """
    text = prepare_text(query)
    tokens = _QUERY_TOKENS.findall(text)
    digits = [t for t in tokens if t.isdigit()]
    codes = [_canonical_code(t) for t in tokens if not t.isdigit()]
    serial = digits[0] if digits else r"[0-9]+"
    year = next((d for d in digits[1:] if len(d) == 4), None)
    year_part = f"/{year}" if year else "(/[0-9]{4})?"
    if not codes:
        return f"^{serial}{year_part}[/-].*$"
    esc = [_xsd_escape(c) for c in codes]
    admin = f"^{serial}{year_part}/" + r"\-".join(esc) + (r"(\-.*)?$" if len(esc) < 3 else "$")
    alternatives = [admin]
    if len(codes) == 1 and lookup_type(codes[0]) is None:
        alternatives.append(f"^{serial}{year_part}/.*\\-{esc[0]}(\\-.*)?$")  # an issuer code alone
    if not year:
        party = f"^{serial}\\-{esc[0]}/" + (r"\-".join(esc[1:]) + "$" if len(esc) > 1 else ".*$")
        alternatives.append(party)
    return "|".join(alternatives)


def normalise_number_query(s: str) -> str:
    """What an analyst typed -> a canonical number, or else an anchored regex.

    Returns the canonical number (e.g. ``"76/NQ-CP"``) when ``s`` names one
    completely: "76/NQ-CP", "76 NQ-CP", "76/nq-cp", "76/QD-TTG", "61/2018/ND-CP".
    Otherwise (only a type, a serial, or codes before the serial: "nq 76",
    "nq-cp 76") it returns :func:`number_query_regex`, which always starts
    with ``^``; canonical numbers never do, so callers test
    ``result.startswith("^")`` to choose exact lookup or ``REGEX()``.
    """
    text = prepare_text(s).strip()
    direct = canonical_number(text)
    if direct:
        return direct
    # "76 NQ-CP" / "76 nq cp": serial first, codes after, spaces instead of the slash.
    m = re.match(r"^(\d{1,5})(?:\s*/\s*((?:19|20)\d{2}))?[\s/]+([^\W\d_][\w\s-]*)$", text)
    if m:
        codes = [_canonical_code(c) for c in re.split(r"[\s-]+", m.group(3)) if c]
        if len(codes) >= 2:
            cand = f"{m.group(1)}/{m.group(2) + '/' if m.group(2) else ''}{'-'.join(codes)}"
            direct = canonical_number(cand)
            if direct:
                return direct
    return number_query_regex(text)
