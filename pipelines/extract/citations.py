"""Cited instruments: find every mention, identify the instrument, type the relation.

One pass finds instrument numbers (``numbers.find_numbers``) and reads what
is printed around each: the type word before it, then a date, the issuer and
the subject ("về ...") after it.  Mentions are grouped into instruments by
canonical number, split where the issuer or (for yearless numbers) the year
disagrees.  A second pass resolves short forms: "(sau đây gọi tắt là ...)"
definitions, "Nghị quyết 76", "Đề án 06" when the text introduced it.

Spans are character offsets into the NFC text passed in.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from pipelines.extract.agencies import known_name_length
from pipelines.extract.dates import date_at
from pipelines.extract.numbers import (
    NumberMatch,
    ascii_digit_pattern,
    ascii_digits_only,
    find_numbers,
    fold,
    instrument_key,
    issuer_codes,
    normalise_number_query,
    prepare_text,
)
from pipelines.extract.text import DEFINED_SHORT_NAME_OPENING, cache_short, collapse

# instrument_key and normalise_number_query live in numbers.py; re-exported for the graph builder.
__all__ = [
    "CitationIndex", "citation_index", "extract_citations", "instrument_key", "normalise_number_query",
    "numbers_mentioned",
]

# --- type words --------------------------------------------------------------------------------

# Printed type words (folded spelling -> name).  Folding makes "Qụyết định" read as "quyet dinh".
_TYPE_WORDS = {
    "nghi quyet": "Nghị quyết", "nghi dinh": "Nghị định", "quyet dinh": "Quyết định",
    "chi thi": "Chỉ thị", "thong tu lien tich": "Thông tư liên tịch", "thong tu": "Thông tư",
    "luat": "Luật", "bo luat": "Bộ luật", "phap lenh": "Pháp lệnh", "ke hoach": "Kế hoạch",
    "ke hoach hanh dong": "Kế hoạch", "chuong trinh": "Chương trình",
    "chuong trinh hanh dong": "Chương trình", "de an": "Đề án", "du an": "Dự án",
    "cong van": "Công văn", "cong dien": "Công điện", "thong bao": "Thông báo",
    "thong bao ket luan": "Thông báo", "ket luan": "Kết luận", "quy dinh": "Quy định",
    "quy che": "Quy chế", "huong dan": "Hướng dẫn", "bao cao": "Báo cáo", "to trinh": "Tờ trình",
    "phuong an": "Phương án", "thong tri": "Thông tri", "van ban hop nhat": "Văn bản hợp nhất",
    "chi thi lien tich": "Chỉ thị",
}
_TYPE_ALT = "|".join(sorted((w.replace(" ", r"\s+") for w in _TYPE_WORDS), key=len, reverse=True))


def literal_led(alternatives: str, not_before: str) -> str:
    """``(?<!not_before)(?:alternatives)`` with the look-behind moved after each first letter.

    The same matches, but every alternative now starts with a literal, so the regex engine scans
    for their first letters instead of trying the look-behind at every position.  Behind the first
    letter the look-behind spans two characters: that letter (``.``, never a newline) and the one
    before, which is the one the original tests.
    """
    alts = alternatives.split("|")
    if any(not a[:1].isalpha() for a in alts):
        raise ValueError(f"every alternative must start with a letter: {alternatives}")
    return "(?:" + "|".join(f"{a[0]}(?<!{not_before}.){a[1:]}" for a in alts) + ")"


# On folded text, right before a number: "<type> [số[:]] " at the end of the window.
# (The look-behind ``(?<![a-z])`` in front of the type word, written literal-led.)
_TYPE_BEFORE = re.compile(rf"({literal_led(_TYPE_ALT, '[a-z]')})\s*(?:so\s*:?\s*)?$")
_SPACES = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S+")
# Short forms on the original text: "Nghị quyết 76", "Đề án số 06" (not followed by "/" or "-code").
_SHORT_TYPE_WORDS = sorted({v for v in _TYPE_WORDS.values()}, key=len, reverse=True)
# A leading character class lets the regex engine skip ahead quickly; the pairing of first letter
# and rest is checked afterwards (_short_form_type), as is the left word boundary.
_SHORT_FIRSTS = "".join(sorted({c for n in _SHORT_TYPE_WORDS for c in (n[0].upper(), n[0].lower())}))


def _word_trie(phrases: list[str]) -> str:
    """One regex for a set of phrases, common beginnings shared (a space matches any white space).

    The engine then tests each next letter once instead of running through every phrase in turn.
    Longer continuations come first, as in an alternation sorted longest first.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + emit(child) for ch, child in node.items() if ch]
        if "" in node:
            alts.append("")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


def _check_exclusive(phrases: list[str]) -> None:
    """The trie may try phrases in another order than the alternation; that cannot change a short
    form's match only if no phrase is the word-wise beginning of another (which continues with a
    word where the short form needs a number)."""
    for a in phrases:
        for b in phrases:
            if a != b and (b + " ").startswith(a + " "):
                nxt = b[len(a) + 1 :].split()[0]
                if nxt[:1].isdigit() or nxt == "số":
                    raise ValueError(f"short-form type words {a!r} and {b!r} overlap")


_SHORT_RESTS = [n[1:] for n in _SHORT_TYPE_WORDS]
_check_exclusive(_SHORT_RESTS)
_SHORT_FORM = re.compile(
    rf"[{_SHORT_FIRSTS}]" + _word_trie(_SHORT_RESTS)
    + r"\s+(?:số\s+)?(\d{1,5})(?![\d,.]?\d)(?!\s*[/-]\s*[\wĐđ])"
)
# The same shape read backwards from the number, on the reversed text: a run of at most five
# digits (the whole run), white space, "số" optionally, a type word and its first letter.  Led by
# a digit, the engine passes over the letters the forward pattern has to try one by one.  The
# look-aheads after the number are left to the forward pattern, which confirms every hit.
_SHORT_FORM_REVERSED = re.compile(
    r"\d(?<!\d\d)\d{0,4}+\s+(?:ốs\s+)?" + _word_trie([r[::-1] for r in _SHORT_RESTS]) + rf"[{_SHORT_FIRSTS}]"
)
# The same for a text whose only digits are 0-9 (numbers.ascii_digits_only): a faster scan.
_SHORT_FORM_REVERSED_ASCII = re.compile(ascii_digit_pattern(_SHORT_FORM_REVERSED.pattern))


def _short_forms(text: str) -> list[re.Match[str]]:
    """``list(_SHORT_FORM.finditer(text))``, found from the numbers backwards.

    Every short form ends with its number and holds no other digit, so matches never overlap
    and each belongs to one run of digits; ``finditer`` returns, per run, the match that starts
    leftmost.  Read backwards, the trie tries longer type words before shorter ones and white
    space is taken whole, so the reversed match is the longest, i.e. that leftmost start; the
    forward pattern is then matched there (the number's look-aheads decide).
    """
    n = len(text)
    found = []
    reversed_form = _SHORT_FORM_REVERSED_ASCII if ascii_digits_only(text) else _SHORT_FORM_REVERSED
    for rm in reversed_form.finditer(text[::-1]):
        m = _SHORT_FORM.match(text, n - rm.end())
        if m is not None:
            found.append(m)
    found.reverse()
    return found
_SHORT_NAMES = {fold(n): n for n in _SHORT_TYPE_WORDS}
_TRAILING_SO = re.compile(r"\s+số$")


def _short_form_type(text: str, m: re.Match[str]) -> str | None:
    """Type name of a short-form match, or ``None`` (mid-word hit or mismatched first letter)."""
    if m.start() > 0 and text[m.start() - 1].isalnum():
        return None
    word = _SPACES.sub(" ", text[m.start() : m.start(1)]).strip()
    word = _TRAILING_SO.sub("", word)
    name = _SHORT_NAMES.get(fold(word))
    if name is None or word[1:] != name[1:]:
        return None
    return name


_DEFINED_ALIAS_WORD = "tắt"
_DEFINED_ALIAS = re.compile(DEFINED_SHORT_NAME_OPENING + r"(?P<alias>[^()]{1,120}?)\s*\)")
assert _DEFINED_ALIAS_WORD in DEFINED_SHORT_NAME_OPENING

# --- issuers -----------------------------------------------------------------------------------

_NAME = r"[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ][^\W\d_]*"
_PLACE = rf"{_NAME}(?:[ \t]*-?[ \t]*\n?[ \t]*{_NAME}){{0,3}}"


def _ws(phrase: str) -> str:
    return r"\s+".join(re.escape(w) for w in phrase.split())


def _whole_words(phrase: str) -> re.Pattern[str]:
    r"""``(?<![\w])`` + ``_ws(phrase)`` + ``(?![\w])``: the phrase as whole words, any white space between.

    The look-behind is written after the first word, spanning it and the character before, so the
    pattern opens with a literal the regex engine searches for quickly (a pattern that opens with
    a look-behind is tried at every position of a whole document).  The same matches.
    """
    words = phrase.split()
    if not words:
        return re.compile(r"(?<![\w])(?![\w])")
    first = words[0]
    return re.compile(
        re.escape(first) + rf"(?<![\w][\s\S]{{{len(first)}}})"
        + "".join(r"\s+" + re.escape(w) for w in words[1:]) + r"(?![\w])"
    )


def _national_issuer_names() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for i in issuer_codes():
        if i.scope in ("national", "party"):
            pairs.append((i.name, i.name))
            pairs.extend((a, i.name) for a in i.aliases)
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


_ROLE = (
    r"(?:(?:Bộ\s+trưởng|Thứ\s+trưởng|Chủ\s+nhiệm|Thống\s+đốc|Tổng\s+Kiểm\s+toán|Chánh\s+án|Viện\s+trưởng"
    r"|Tổng\s+Thanh\s+tra)(?:\s*,\s*Chủ\s+nhiệm)?\s+)?"
)
# "tình" is a frequent typo of "tỉnh" (a dropped hook above).
_LOCAL_LEVEL = r"(?P<level>(?i:tỉnh|tình|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn))"


def _issuer_regex() -> re.Pattern[str]:
    national = "|".join(
        f"(?P<n{i}>{_ws(alias)})" for i, (alias, _name) in enumerate(_national_issuer_names())
    )
    party = (
        r"(?P<party>(?:Hội\s+nghị\s+(?:lần\s+thứ\s+\w+\s+)?)?Ban\s+Chấp\s+hành\s+Trung\s+ương(?:\s+Đảng)?"
        r"(?:\s+khóa\s+[IVXLC]+)?)"
    )
    bct = (
        r"(?P<politburo>Bộ\s+Chính\s+trị(?:\s+khóa\s+[IVXLC]+)?)"
        r"|(?P<secretariat>Ban\s+Bí\s+thư(?:\s+Trung\s+ương\s+Đảng)?(?:\s+khóa\s+[IVXLC]+)?)"
    )
    committee = (
        rf"(?P<committee>(?:Ban\s+Thường\s+vụ\s+)?(?P<cword>Tỉnh\s+ủy|Thành\s+ủy|Huyện\s+ủy))"
        rf"(?:[ \t]+(?P<cname>{_PLACE}))?"
    )
    ubnd = (
        rf"(?P<ubnd>(?:Chủ\s+tịch\s+)?(?:Ủy\s+ban\s+nhân\s+dân|UBND|Uỷ\s+ban\s+nhân\s+dân))"
        rf"(?:\s+{_LOCAL_LEVEL.replace('level', 'ulevel')}(?:[ \t]+(?P<uname>{_PLACE}))?)?"
    )
    hdnd = (
        rf"(?P<hdnd>(?:Thường\s+trực\s+)?(?:Hội\s+đồng\s+nhân\s+dân|HĐND))"
        rf"(?:\s+{_LOCAL_LEVEL.replace('level', 'hlevel')}(?:[ \t]+(?P<hname>{_PLACE}))?)?"
    )
    body = "|".join([party, bct, committee, ubnd, hdnd, f"{_ROLE}(?:{national})"])
    # After a comma only "của"/"do" introduces the issuer: ", UBND tỉnh ban hành ..." is a new clause.
    return re.compile(rf"(?:[\s,]*(?:của|do)\s+|\s+)(?:{body})(?![^\W\d_])")


_ISSUER_RE = _issuer_regex()
_NATIONAL_NAMES = _national_issuer_names()
_NATIONAL_BY_GROUP = {f"n{i}": name for i, (_alias, name) in enumerate(_NATIONAL_NAMES)}


# Capitalised words that may follow "UBND tỉnh X" without being part of a place name (a clause
# printed with a capital, "... của Chính phủ Ban hành ..."); the place name ends before them.
_NOT_PLACE = {"Ban", "Về", "Phê", "Quy", "Tại", "Theo", "Và", "Trong", "Thực", "Triển", "Hướng", "Sửa",
              "Kế", "Quyết", "Nghị", "Chỉ", "Đề", "Chương", "Công", "Thông", "Ngày", "Năm", "Giai", "Tổ"}


@dataclass(slots=True)
class _Context:
    province: str | None
    level: str  # "tỉnh" or "thành phố": how the document's own province is styled
    doc_issuer: str | None


def _place_or_default(m: re.Match[str], group: str, ctx: _Context) -> tuple[str, str | None, int]:
    """(place or the document's province, the printed place or None, end of the issuer clause)."""
    raw = m.group(group)
    if not raw:
        return (ctx.province or ""), None, m.end()
    tokens = list(_NON_SPACE.finditer(raw))
    cut = next((i for i, t in enumerate(tokens) if t.group(0) in _NOT_PLACE), len(tokens))
    while cut > 0 and tokens[cut - 1].group(0) == "-":
        cut -= 1
    if cut == 0:
        return (ctx.province or ""), None, m.start(group)
    place = " ".join(t.group(0) for t in tokens[:cut])
    return place, place, m.start(group) + tokens[cut - 1].end()


# Any other body named after "của": its head noun and up to eight words, to the next clause.
_OTHER_ISSUER = re.compile(
    r"[\s,]*của\s+(?P<org>(?:Sở|Ban|Văn\s+phòng|Cục|Tổng\s+cục|Ủy\s+ban|Hội\s+đồng|Đảng\s+ủy|Đảng\s+đoàn|"
    r"Trung\s+tâm|Thanh\s+tra|Công\s+an|Bộ\s+Chỉ\s+huy|Kho\s+bạc|Ngân\s+hàng|Đoàn|Liên\s+đoàn|Hội)"
    r"(?:\s+[^\s,;.()]+){1,8}?)(?=\s+(?:về|ngày|và|tại|theo|trong|đã|được|nhằm|để)\s|\s*[,;.()]|\s*$)"
)


def _read_issuer(text: str, pos: int, ctx: _Context) -> tuple[str | None, int]:
    """Issuer clause at ``pos`` ("của Bộ trưởng Bộ Nội vụ", "Hội nghị lần thứ sáu Ban Chấp hành ...")."""
    m = _ISSUER_RE.match(text, pos)
    if not m:
        om = _OTHER_ISSUER.match(text, pos)
        if om:
            # A known name may hold a word the clause stops at ("Sở Thông tin và Truyền thông").
            known = known_name_length(text, om.start("org"))
            if om.start("org") + known > om.end("org"):
                return _collapse(text[om.start("org"):om.start("org") + known]), om.start("org") + known
            return _collapse(om.group("org")), om.end()
        return None, pos
    # Groups are read one by one (``groupdict`` builds a dict of all sixty); a national body is
    # the group that closed last, as nothing after its alternative captures.
    last = m.lastgroup
    if last is not None:
        national = _NATIONAL_BY_GROUP.get(last)
        if national is not None and m.group(last):
            return national, m.end()
    g = m.group
    if g("party"):
        return "Ban Chấp hành Trung ương", m.end()
    if g("politburo"):
        return "Bộ Chính trị", m.end()
    if g("secretariat"):
        return "Ban Bí thư", m.end()
    if g("committee"):
        word = _SPACES.sub(" ", g("cword"))
        place, printed, end = _place_or_default(m, "cname", ctx)
        return (f"{word} {place}".strip(), end)
    for key, short in (("ubnd", "UBND"), ("hdnd", "HĐND")):
        if g(key):
            level_group = "ulevel" if key == "ubnd" else "hlevel"
            name_group = "uname" if key == "ubnd" else "hname"
            level = _SPACES.sub(" ", g(level_group)).lower() if g(level_group) else None
            if level == "tình":
                level = "tỉnh"
            place, printed, end = _place_or_default(m, name_group, ctx)
            if level is None:
                if ctx.doc_issuer and ctx.doc_issuer.startswith(short):
                    return ctx.doc_issuer, end
                level = ctx.level
            if level in ("tỉnh", "thành phố") and not printed:
                return (f"{short} {level} {ctx.province}" if ctx.province else f"{short} {level}"), end
            return f"{short} {level} {place}".strip(), end
    for i, (_alias, name) in enumerate(_NATIONAL_NAMES):
        if g(f"n{i}"):
            return name, m.end()
    return None, pos


def _code_issuer(nm: NumberMatch, ctx: _Context) -> str | None:
    """Issuer implied by the number's issuer code; local codes take the citing document's province."""
    i = nm.issuer
    if i is None:
        return None
    if i.scope in ("national", "party"):
        return i.name
    if i.code in ("UBND", "HĐND"):
        if ctx.doc_issuer and ctx.doc_issuer.startswith(i.code) and ctx.province is None:
            return ctx.doc_issuer
        return f"{i.code} {ctx.level} {ctx.province}" if ctx.province else i.code
    if i.code == "TU":
        word = "Thành ủy" if ctx.level == "thành phố" else "Tỉnh ủy"
        return f"{word} {ctx.province}" if ctx.province else word
    return i.name


# --- subject clause ----------------------------------------------------------------------------

_TITLE_STOP_START = re.compile(
    r"(?:và|của|đã|được|để|nhằm|theo|tại|trong|với|có|đến|thì|là|trên|cho|do|này|hoặc|như|từ|sau|"
    r"nay|đang|sẽ|còn|cũng|đối|gồm|bao|khi|nêu|kèm)(?![^\W\d_])",
    re.IGNORECASE,
)
# Where the subject ends; only the start of the match is used.  Every alternative begins with one
# of the characters of the leading class, which is consumed first and checked again by a
# look-behind, so the engine skips along to those characters instead of trying each alternative
# at every position.
_TITLE_END_ALTERNATIVES = (
    r"(?:(?<=[;:|])"
    r"|(?<=\.)(?=\s|$)"
    r"|(?<=\()(?![A-ZĐ&]{2,10}\))"  # a parenthesis ends it, except a short acronym "(CCHC)"
    r"|(?<=\n)\s*(?:\d{1,2}\s+[A-ZĐ]|\d{1,2}\.\s|[a-zđ]\)\s)"  # footnote or numbered item
    # a list item (but not the "- 2020" of a wrapped range): white space holding a line break
    r"|(?<![\d-][\s\S])(?:(?<=\n)\s*[-+•]\s(?!\d)|(?<=\s)\s*\n\s*[-+•]\s(?!\d))"
    r"|(?<=\n)\s*\n"  # a blank line ends the paragraph
    r"|(?<=\s)\s*nhằm\s"  # a purpose clause is the citing text's, not the instrument's subject
    r"|(?<=\s)\s*và\s+các\s+(?:văn\s+bản|Nghị\s+quyết|Nghị\s+định|Quyết\s+định|Chỉ\s+thị|Kế\s+hoạch|Thông\s+tư"
    r"|quy\s+định)"
    r"|(?<=,)\s*(?=(?:Ủy\s+ban|UBND|HĐND|Sở|Bộ\s|Chủ\s+tịch|Thủ\s+trưởng|Trên\s+cơ\s+sở)\b)"
    r")"
)
# The leading character is one of ``[;:|.(,\s]``.  White space other than a line break can only
# start the alternatives that go on through white space to a line break, "nhằm" or "và": a
# look-ahead says so first, so the many spaces of a subject cost one short test each instead of
# a try of every alternative.  The same matches.
_TITLE_END = re.compile(r"(?:[;:|.(,\n]|[^\S\n](?=[^\S\n]*+(?:\n|nhằm\s|và\s)))" + _TITLE_END_ALTERNATIVES)
_TITLE_MAX = 400
_LOCAL_SCOPE_WORD = "địa"
_LOCAL_SCOPE_TAIL = re.compile(
    rf"\s+(?:trên|tại)\s+{_LOCAL_SCOPE_WORD}\s+bàn(?:\s+(?:tỉnh|thành\s+phố|huyện))?(?:\s+[A-ZĐ]\S*)*$"
)
_SKIP_SPACE_COMMA = re.compile(r"[\s,]*")
_SKIP_SPACE = re.compile(r"\s*")
# "... theo Công văn số N": a reference made by the citing text, not part of the subject.
_REFERENCE_CLAUSE = re.compile(
    r"\s+(?:theo|tại|căn\s+cứ)\s+(?:[^\W\d_]+\s+){0,4}?(?:số\s*:?\s*)?(?=\d)", re.IGNORECASE
)
_PROGRAMME = re.compile(
    r"(?<![\w])(?:Chiến\s+lược|Chương\s+trình|Đề\s+án|Kế\s+hoạch|Quy\s+hoạch|Quy\s+chế|Quy\s+định|"
    r"Dự\s+án|Phương\s+án|Bộ\s+tiêu\s+chí|Kiến\s+trúc)(?![^\W\d_])"
)
_PROMULGATED_AT_WORD = "tại"
_PROMULGATED_AT = re.compile(rf"(?:được\s+)?(?:ban\s+hành|phê\s+duyệt)\s+{_PROMULGATED_AT_WORD}\s*$")
_CLAUSE_START = re.compile(r"[;:]|\.\s|\n\s*[-+•]\s|^")


# Whitespace runs to one space, stripped (the shared helper; str.split is faster than a regex).
_collapse = collapse


def _read_title(text: str, pos: int, introduced: bool, numbers: list[NumberMatch], idx: int) -> tuple[str | None, int]:
    """Subject clause at ``pos``: "về ..." always; a bare verb phrase only after a date/issuer."""
    m = _SKIP_SPACE_COMMA.match(text, pos)
    start = m.end() if m else pos
    comma = "," in text[pos:start]
    if text[start : start + 2].lower() == "về" and not text[start + 2 : start + 3].isalpha():
        start = _SKIP_SPACE.match(text, start + 2).end()  # type: ignore[union-attr]  # (\s* always matches)
    elif (not introduced or comma or start >= len(text) or not text[start].isalpha()
          or _TITLE_STOP_START.match(text, start)):
        return None, pos
    end_limit = min(len(text), start + _TITLE_MAX)
    em = _TITLE_END.search(text, start, end_limit)
    end = em.start() if em else end_limit
    # A nested instrument ends the subject right after its number ("thực hiện Nghị quyết số 10/NQ-CP").
    for j in range(idx + 1, len(numbers)):  # (by index: a slice would copy the rest of the list)
        nxt = numbers[j]
        if nxt.start >= end:
            break
        if nxt.start >= start:
            ref = _REFERENCE_CLAUSE.search(text, start, nxt.start + 1)
            end = ref.start() if ref else nxt.end
            break
    title = _collapse(text[start:end]).rstrip(" ,.-")
    nm = numbers[idx]
    # A national instrument is not about the citing province: "... trên địa bàn tỉnh" is the plan's.
    # (The pattern's literal word is looked for first: most titles lack it.)
    if nm.issuer is not None and nm.issuer.scope in ("national", "party") and _LOCAL_SCOPE_WORD in title:
        title = _LOCAL_SCOPE_TAIL.sub("", title)
    if not title or len(title) < 3:
        return None, pos
    return title, end


_ACT_WORDS = r"Bộ\s+luật|Luật|Pháp\s+lệnh"
_ACT_WORDS_LED = literal_led(_ACT_WORDS, r"[\w]")
# (?<![\w])(?:Bộ luật|Luật|Pháp lệnh) ..., written literal-led.
_NAMED_ACT = re.compile(
    rf"{_ACT_WORDS_LED}\s+(?P<name>[A-ZĐ][^;:()\n]{{2,150}}?)"
    r"(?:\s+(?:năm\s+)?\d{4})?\s+(?:số\s*:?\s*)?$"
)


def _read_title_before(text: str, type_start: int) -> str | None:
    """Subject printed before the number.

    "Chiến lược X ... ban hành tại Quyết định số N": the programme X is the subject.
    """
    window_start = max(0, type_start - 400)
    window = text[window_start:type_start]
    # _PROMULGATED_AT ends with "tại" and white space: most windows fail this cheap test.
    if not window.rstrip().endswith(_PROMULGATED_AT_WORD):
        return None
    pm = _PROMULGATED_AT.search(window)
    if not pm:
        return None
    head = window[: pm.start()]
    clause_from = 0
    for cm in _CLAUSE_START.finditer(head):
        clause_from = cm.end()
    prog = _PROGRAMME.search(head, clause_from)
    if not prog:
        return None
    subject = _collapse(head[prog.start() :])
    # "X được UBND tỉnh phê duyệt tại ...": the agent belongs to the citing sentence.
    cut = subject.rfind(" được ")
    if cut > 0:
        subject = subject[:cut]
    return subject.rstrip(" ,") or None


# --- mentions and instruments ------------------------------------------------------------------


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    number: NumberMatch | None
    printed_type: str | None = None
    stated_issuer: str | None = None
    date: str | None = None
    title: str | None = None
    title_end: int | None = None
    clause_end: int | None = None  # end of the number, date and issuer when no subject follows
    alias: str | None = None  # the printed short form for alias mentions
    title_before: bool = False  # subject read from "X ban hành tại <number>"
    implements: bool = False


@dataclass(slots=True)
class _Instrument:
    canonical: str
    mentions: list[_Mention] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


_ACT_BEFORE = re.compile(rf"({_ACT_WORDS_LED})\s+[A-ZĐ][^;:()\n]{{2,150}}?\s+(?:số\s*:?\s*)?$")


# "Mẫu số 01/TH-CCHC", "Biểu số 02/BC-SNV": a template or table label, not an instrument.
_FORM_LABEL = re.compile(rf"{literal_led('mau|bieu mau|bieu|phu luc|bang|phieu', '[a-z]')}\s+(?:so\s*:?\s*)?$")


def _is_form_label(text: str, nm: NumberMatch) -> bool:
    return _FORM_LABEL.search(fold(text[max(0, nm.start - 24) : nm.start])) is not None


def _printed_type(text: str, nm: NumberMatch) -> tuple[str | None, int]:
    lo = max(0, nm.start - 48)
    window = fold(text[lo : nm.start])
    m = _TYPE_BEFORE.search(window)
    if m:
        return _TYPE_WORDS[_SPACES.sub(" ", m.group(1))], lo + m.start()
    if nm.form == "normative":
        # A named act: "Luật Tổ chức chính quyền địa phương số 77/2015/QH13".
        lo = max(0, nm.start - 200)
        am = _ACT_BEFORE.search(text, lo, nm.start)
        if am:
            return _TYPE_WORDS[fold(_SPACES.sub(" ", am.group(1)))], am.start()
    return None, nm.start


def _analyse(text: str, numbers: list[NumberMatch], idx: int, ctx: _Context) -> _Mention:
    nm = numbers[idx]
    printed, start = _printed_type(text, nm)
    mention = _Mention(start=start, end=nm.end, number=nm, printed_type=printed)
    pos = nm.end
    introduced = False
    for _ in range(2):  # date and issuer, either order ("... của UBND tỉnh ngày 18/10/2021")
        if mention.date is None:
            d, p = date_at(text, pos)
            if d is not None or p != pos:
                mention.date, pos, introduced = d, p, True
                continue
        if mention.stated_issuer is None:
            iss, p = _read_issuer(text, pos, ctx)
            if iss is not None:
                mention.stated_issuer, pos, introduced = iss, p, True
                continue
        break
    title, tend = _read_title(text, pos, introduced, numbers, idx)
    if title is None:
        act = _NAMED_ACT.search(text, start, nm.start) if nm.start - start > 12 else None
        title = _collapse(act.group("name")) if act else _read_title_before(text, start)
        mention.title_before = title is not None
        mention.clause_end = pos
    else:
        mention.title_end = tend
    mention.title = title
    return mention


def _context(document: dict) -> _Context:
    issuer = document.get("issuer") or None
    level = "thành phố" if issuer and " thành phố " in f" {issuer} " else "tỉnh"
    return _Context(province=document.get("province") or None, level=level, doc_issuer=issuer)


def _same_issuer(a: str | None, b: str | None) -> bool:
    return a is None or b is None or fold(a) == fold(b)


def _year(d: str | None) -> str | None:
    return d[:4] if d else None


def _group(mentions: list[_Mention], ctx: _Context) -> list[_Instrument]:
    """Mentions -> instruments; namesakes (other issuer, other year of a yearless number) kept apart."""
    by_number: dict[str, list[_Instrument]] = {}
    for m in sorted(mentions, key=lambda x: x.start):
        assert m.number is not None
        canonical = m.number.canonical
        groups = by_number.setdefault(canonical, [])
        target = None
        for g in groups:
            g_issuer = next((x.stated_issuer for x in g.mentions if x.stated_issuer), None)
            g_year = next((_year(x.date) for x in g.mentions if x.date), None)
            # A national or Party code names its issuer: differently worded issuers are sloppiness,
            # not namesakes.  Local codes (UBND, TU ...) repeat in every province, so there they split.
            scope = m.number.issuer.scope if m.number.issuer else None
            if scope not in ("national", "party") and not _same_issuer(g_issuer, m.stated_issuer):
                continue
            if m.number.year is None and g_year and m.date and _year(m.date) != g_year:
                continue
            target = g
            break
        if target is None:
            target = _Instrument(canonical)
            groups.append(target)
        target.mentions.append(m)
    return [g for gs in by_number.values() for g in gs]


def _own_number(inst: _Instrument, document: dict) -> bool:
    own = document.get("number")
    if not own or inst.canonical != own:
        return False
    own_year = _year(document.get("date"))
    years = {_year(m.date) for m in inst.mentions if m.date}
    return not years or own_year in years or own_year is None


_FIRST_SECTION = re.compile(r"(?m)^[ \t]*(?:I|1)[ \t]*[.)][ \t]*\S|^[ \t]*Điều[ \t]+1\b")
_BASIS_START = re.compile(r"(?m)^[ \t]*(?:Căn\s+cứ|Thực\s+hiện|Triển\s+khai)\b")
_BASIS_END = re.compile(r"[.:;]?[ \t]*\n[ \t]*\n|[.:][ \t]*\n|\.\s+(?=[A-ZĐ])")


def _preamble_end(text: str, document: dict) -> int:
    """End of the opening legal basis (formal documents only).

    Plans and decisions: the first numbered section ("I.", "1.", "Điều 1").  Letters without
    sections: the end of the paragraph that opens with "Căn cứ"/"Thực hiện".
    """
    if not document.get("number"):
        return 0
    m = _FIRST_SECTION.search(text)
    if m:
        return m.start()
    b = _BASIS_START.search(text, 0, min(len(text), 8000))
    if not b:
        return 0
    e = _BASIS_END.search(text, b.end())
    return e.start() if e else 0


_IMPLEMENT_VERB = r"(?:thực\s+hiện|triển\s+khai(?:\s*,?\s*thực\s+hiện)?)"


@cache_short(64, 200)
def _self_reference_regex(own_type: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?:ban\s+hành|Trên\s+đây\s+là)\s+{_ws(own_type)}(?:(?!\s*[;.]\s)[^;:|])*?{_IMPLEMENT_VERB}\s*$",
        re.IGNORECASE,
    )


# Every spelling of _IMPLEMENT_VERB ends with one of these words, and only white space may follow
# it in the window: its last four characters are the last non-space ones (the same test, cheaply).
_IMPLEMENT_VERB_TAIL = re.compile(r"(?:hiện|khai)\Z", re.IGNORECASE)


def _self_reference_implements(text: str, mention_start: int, own_type: str | None) -> bool:
    """"ban hành Kế hoạch ... thực hiện <mention>" / "Trên đây là Kế hoạch ... thực hiện <mention>"."""
    if not own_type:
        return False
    lo = max(0, mention_start - 300)
    # The window's last non-space character, found in place (``rstrip`` of the window, without
    # copying 300 characters for every mention); the tail test then runs on the text itself.
    end = mention_start
    while end > lo and text[end - 1].isspace():
        end -= 1
    if not _IMPLEMENT_VERB_TAIL.search(text, max(lo, end - 4), end):
        return False
    return _self_reference_regex(own_type).search(text[lo:mention_start]) is not None


_PARENTHESISED = re.compile(r"\([^)]*\)")
_ALNUM_RUN = re.compile(r"[a-z0-9]+")


def _title_words(s: str) -> set[str]:
    return set(_ALNUM_RUN.findall(fold(_PARENTHESISED.sub(" ", s))))


_IMPLEMENTS_IN_TITLE = re.compile(r"(?:thuc hien|trien khai)(?:\s*,?\s*(?:thuc hien|trien khai))*\s+(.*)$")


@cache_short(64, 4000)
def _implemented_part(doc_title: str) -> tuple[str, str] | None:
    """What the folded title says it implements ("thuc hien <rest>"): (rest, rest without spaces)."""
    verb = _IMPLEMENTS_IN_TITLE.search(fold(doc_title))
    if not verb:
        return None
    rest = verb.group(1)
    return rest, _SPACES.sub("", rest)


@cache_short(64, 4000)
def _implemented_subject(rest: str, doc_type: str) -> frozenset[str] | None:
    """Words of the subject after "<doc_type> " in ``rest``; None when the type does not follow."""
    tm = re.match(rf"{re.escape(fold(doc_type))}\s+(.*)$", rest)
    return frozenset(_title_words(tm.group(1))) if tm else None


def _title_implements(doc_title: str | None, inst: _Instrument, doc_type: str | None, title: str | None) -> bool:
    """The document title says it implements the instrument (by number, or by type and subject)."""
    if not doc_title:
        return False
    # The title's verb and subject are the same for every citation of a document: read once.
    part = _implemented_part(doc_title)
    if part is None:
        return False
    rest, rest_unspaced = part
    canon = fold(inst.canonical)
    if canon in rest_unspaced or f" {canon}" in f" {rest}":
        return True
    # Or by a short name the text defines for it ("Kế hoạch thực hiện Đề án 06", "(gọi tắt là Đề án 06)").
    padded = f" {rest} "
    if any(len(alias) >= 6 and f" {fold(alias)} " in padded for alias in inst.aliases):
        return True
    if not doc_type or not title:
        return False
    subject = _implemented_subject(rest, doc_type)
    if subject is None:
        return False
    cited = _title_words(title)
    if len(subject) < 3 or not cited:
        return False
    return len(subject & cited) / len(subject) >= 0.75


def _first_mention_text(text: str, start: int) -> str:
    s = _collapse(text[start : start + 160])
    if len(s) <= 80:
        return s
    cut = s.rfind(" ", 0, 81)
    return s[: cut if cut > 0 else 80]


class _Intervals:
    """Union of half-open ranges with a logarithmic membership test (documents can be long)."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(r for r in ranges if r[1] > r[0]):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self._starts = [a for a, _ in merged]
        self._ends = [b for _, b in merged]

    def covers(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


def _resolve_short_forms(text: str, instruments: list[_Instrument], own_spans: list[tuple[int, int]]) -> None:
    """Second pass: defined aliases and "Nghị quyết 76"-style short forms -> known instruments."""
    # 1. "(sau đây gọi tắt là X)": X names a known instrument by number, or follows its subject clause
    #    (or its number's clause).
    extra_aliases: list[tuple[str, _Instrument]] = []
    title_end_owner: dict[int, _Instrument] = {}
    if _DEFINED_ALIAS_WORD in text:  # a literal every definition contains: most texts have none
        for inst in instruments:
            for m in inst.mentions:
                # A definition closes the subject clause, or the number's own clause where no subject
                # is printed ("Quyết định số 06/QĐ-TTg ... của Thủ tướng Chính phủ (sau đây gọi tắt là
                # Đề án 06)").
                end = m.title_end if m.title_end is not None else m.clause_end
                if end is not None:
                    title_end_owner.setdefault(end, inst)
    for dm in _DEFINED_ALIAS.finditer(text) if _DEFINED_ALIAS_WORD in text else ():
        alias = _collapse(dm.group("alias"))
        nums = find_numbers(alias)
        owner = None
        if nums:
            canon = nums[0].canonical
            owner = next((i for i in instruments if i.canonical == canon), None)
        else:
            owner = next((title_end_owner[p] for p in range(dm.start() - 2, dm.start() + 1)
                          if p in title_end_owner), None)
            if owner is not None:
                extra_aliases.append((alias, owner))
        if owner is not None and alias not in owner.aliases:
            owner.aliases.append(alias)
    # 2. Short forms "Type n" resolved by a subject that introduced them or by type + serial.
    taken = _Intervals([(m.start, m.end) for i in instruments for m in i.mentions] + own_spans)
    # Subjects and the type + serial index are built at the first short form (most texts have none);
    # the mentions added below carry neither a subject nor a number, so they would not change them.
    subjects: list[tuple[_Instrument, str]] = []
    by_serial_type: dict[tuple[int, str], list[_Instrument]] = {}
    resolved: dict[str, _Instrument | None] = {}
    for sm in _short_forms(text):
        type_name = _short_form_type(text, sm)
        if type_name is None or taken.covers(sm.start()):
            continue
        if not resolved:
            subjects = [(i, "\n".join(fold(m.title) for m in i.mentions if m.title)) for i in instruments]
            for i in instruments:
                nm = i.mentions[0].number
                if nm is not None:
                    by_serial_type.setdefault((int(nm.serial), fold(_inst_type(i) or "")), []).append(i)
        form = _collapse(sm.group(0))
        if form not in resolved:
            form_f = fold(form)
            cands = [i for i, titles in subjects if form_f in titles or form in i.aliases]
            if not cands:
                cands = by_serial_type.get((int(sm.group(1)), fold(type_name)), [])
            resolved[form] = cands[0] if len(cands) == 1 else None
        named = resolved[form]
        if named is None:
            continue
        named.mentions.append(_Mention(start=sm.start(), end=sm.end(), number=None, alias=form))
        if form not in named.aliases:
            named.aliases.append(form)
    # 3. Later uses of an alias defined after a subject clause ("Chương trình tổng thể").
    for alias, inst in extra_aliases:
        if len(alias) < 6:
            continue
        seen_starts = {m.start for m in inst.mentions}
        for am in _whole_words(alias).finditer(text):
            if taken.covers(am.start()) or am.start() in seen_starts:
                continue
            seen_starts.add(am.start())
            inst.mentions.append(_Mention(start=am.start(), end=am.end(), number=None, alias=alias))


def _best_title(mentions: list[_Mention]) -> str | None:
    """Subject from the first fully introduced mention (dated or with issuer); upper-case headings last."""
    titled = [m for m in mentions if m.title]
    if not titled:
        return None

    def rank(m: _Mention) -> tuple[int, int, int, int]:
        caps = m.title is not None and m.title.upper() == m.title
        introduced = m.date is not None or m.stated_issuer is not None
        return (int(caps), int(m.title_before), int(not introduced), m.start)

    return min(titled, key=rank).title


def _inst_type(inst: _Instrument) -> str | None:
    numbered = [m for m in inst.mentions if m.number is not None]
    printed = next((m.printed_type for m in numbered if m.printed_type), None)
    return printed or next((m.number.doc_type for m in numbered if m.number and m.number.doc_type), None)


def _with_printed_forms(text: str, numbered: list[_Mention], aliases: list[str], doc_type: str | None,
                        canonical: str) -> list[str]:
    """``aliases`` plus each printed "<type> số <number>" spelling that differs from the standard one
    and from those listed (folded), capitalised and not all capitals."""
    known: set[str] | None = None  # folded spellings already listed, read at the first candidate
    for m in numbered:
        if m.printed_type:
            form = _collapse(text[m.start : m.end])
            # (the cheap tests first; folding is the costly one)
            if form[:1].isupper() and form.upper() != form:
                if known is None:
                    known = {fold(a) for a in aliases} | {fold(f"{doc_type} số {canonical}")}
                folded_form = fold(form)
                if folded_form not in known:
                    known.add(folded_form)
                    aliases.append(form)
    return aliases


def extract_citations(text: str, document: dict) -> list[dict]:
    """One record per distinct instrument the text names (contract ``citations``).

    ``document`` is the metadata record (its number, date, type, title, issuer and
    province give the context: the own number is not a citation, local codes take
    the province, the title and preamble decide ``implements``/``based_on``).
    Besides the contract fields each record carries ``first_mention`` (up to 80
    characters of flattened text from the first mention), ``iri_key`` and
    ``iri_resolved`` (:func:`numbers.instrument_key`).  Records are ordered by
    their first mention; ``spans`` cover the type word and number (or the short
    form) of every mention.
    """
    text = prepare_text(text)
    ctx = _context(document)
    numbers = [nm for nm in find_numbers(text) if not _is_form_label(text, nm)]
    mentions = [_analyse(text, numbers, i, ctx) for i in range(len(numbers))]
    instruments = _group(mentions, ctx)
    own = [i for i in instruments if _own_number(i, document)]
    own_spans = [(m.start, m.end) for i in own for m in i.mentions]
    instruments = [i for i in instruments if not _own_number(i, document)]
    _resolve_short_forms(text, instruments, own_spans)

    preamble_end = _preamble_end(text, document)
    own_type = document.get("doc_type")
    doc_title = document.get("title")
    nested = _Intervals([(m.end, m.title_end) for i in instruments for m in i.mentions if m.title_end is not None])
    out: list[tuple[int, dict]] = []
    for inst in instruments:
        numbered = [m for m in inst.mentions if m.number is not None]
        nm0 = numbered[0].number
        assert nm0 is not None
        doc_type = _inst_type(inst)
        issuer = next((m.stated_issuer for m in numbered if m.stated_issuer), None) or _code_issuer(nm0, ctx)
        date = next((m.date for m in numbered if m.date), None)
        title = _best_title(numbered)
        implements = any(_self_reference_implements(text, m.start, own_type) for m in inst.mentions)
        implements = implements or _title_implements(doc_title, inst, doc_type, title)
        based_on = any(m.start < preamble_end and not nested.covers(m.start) for m in inst.mentions)
        relation = "implements" if implements else "based_on" if based_on else "cites"
        aliases = _with_printed_forms(text, numbered, list(inst.aliases), doc_type, inst.canonical)
        first = min(inst.mentions, key=lambda m: m.start)
        key, resolved = instrument_key(inst.canonical, issuer, date, ctx.province)
        extra = {}
        if first.number is None:  # first named by a short form: say where the number first appears
            extra["number_first_mention"] = _first_mention_text(text, min(m.start for m in numbered))
        out.append((first.start, {
            "number": inst.canonical,
            "doc_type": doc_type,
            "issuer": issuer,
            "date": date,
            "title": title,
            "relation": relation,
            "aliases": aliases,
            "spans": [[m.start, m.end] for m in sorted(inst.mentions, key=lambda x: x.start)],
            "first_mention": _first_mention_text(text, first.start),
            "iri_key": key,
            "iri_resolved": resolved,
            **extra,
        }))
    out.sort(key=lambda p: p[0])
    return [c for _, c in out]


@cache_short(4096, 300)
def _alias_pattern(alias: str) -> tuple[str, re.Pattern[str]] | None:
    """The whole-word pattern of a short alias, with a word every match contains ("" if none);
    None when the alias carries a number."""
    if find_numbers(alias):
        return None
    words = alias.split()
    return (words[0] if words else ""), _whole_words(alias)


@dataclass(frozen=True, slots=True)
class CitationIndex:
    """What :func:`numbers_mentioned` reads from a document's citations, read once for all the
    fragments of that document (its tasks): the numbers, and each alias without a number as
    (its first word, its whole-word pattern, the citation)."""

    known: frozenset[str | None]
    aliases: tuple[tuple[str, re.Pattern[str], dict], ...]


def _alias_matchers(citations: list[dict]) -> tuple[tuple[str, re.Pattern[str], dict], ...]:
    cached, max_len = _alias_pattern.cached, _alias_pattern.max_len
    out = []
    for c in citations:
        for alias in c.get("aliases") or []:
            matcher = cached(alias) if len(alias) <= max_len else _alias_pattern(alias)
            if matcher is not None:  # aliases that carry the number are found as numbers
                out.append((*matcher, c))
    return tuple(out)


def citation_index(citations: list[dict]) -> CitationIndex:
    """The index of ``citations`` for :func:`numbers_mentioned` (valid while they are unchanged)."""
    return CitationIndex(frozenset(c.get("number") for c in citations), _alias_matchers(citations))


def numbers_mentioned(fragment: str, citations: list[dict], *, index: CitationIndex | None = None) -> list[str]:
    """Canonical numbers of known citations named in ``fragment`` (by number or by a short alias).

    ``index`` (:func:`citation_index` of the same ``citations``) saves reading the citations again
    for every fragment of a document; the result is the same.
    """
    if not fragment or not citations:
        return []
    text = prepare_text(fragment)
    found: list[tuple[int, str]] = []
    nums = find_numbers(text)
    if nums:
        known = index.known if index is not None else {c.get("number") for c in citations}
        for nm in nums:
            if nm.canonical in known:
                found.append((nm.start, nm.canonical))
    # Most fragments lack an alias's first word: ``in`` passes them over before any regex call.
    if index is not None:
        for word, pattern, c in index.aliases:
            if word in text:
                found.extend((am.start(), c["number"]) for am in pattern.finditer(text))
    else:
        cached, max_len = _alias_pattern.cached, _alias_pattern.max_len
        for c in citations:
            for alias in c.get("aliases") or ():
                matcher = cached(alias) if len(alias) <= max_len else _alias_pattern(alias)
                if matcher is not None and matcher[0] in text:  # (aliases with a number: found above)
                    found.extend((am.start(), c["number"]) for am in matcher[1].finditer(text))
    if not found:  # (most fragments)
        return []
    seen: set[str] = set()
    out: list[str] = []
    for _, num in sorted(found):
        if num not in seen:
            seen.add(num)
            out.append(num)
    return out
