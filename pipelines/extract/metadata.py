"""Document metadata (contract ``document``): number, type, issuer, province, date, title, signer.

Read from the administrative layout of Nghị định 30/2020/NĐ-CP (letterhead,
"Số:", place-date line, type heading, signature block), from a legal-database
key/value header ("Số hiệu", "Ngày ban hành", ...) when there is one, and, for
news pages (no number, no heading), from the headline and its date line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from itertools import accumulate

from pipelines.extract.agencies import is_province_name, province_from_text, provinces
from pipelines.extract.dates import DATE_RE, date_from_match, iso_date
from pipelines.extract.numbers import canonical_number, fold, issuer_codes, parse_number, prepare_text
from pipelines.extract.text import DEFINED_SHORT_NAME_OPENING, RARE_SPACES, collapse

_HEADER_CHARS = 6000
_CASE_BODY_CHARS = 200_000  # enough body to learn how words are capitalised

_DB_FIELDS = {
    "number": r"Số\s+hiệu",
    "issued": r"Ngày\s+ban\s+hành",
    "effective": r"Ngày\s+có\s+hiệu\s+lực",
    "type": r"Loại\s+văn\s+bản",
    "issuer": r"Cơ\s+quan\s+ban\s+hành",
    "signer": r"Người\s+ký",
}
_DB_RE = {k: re.compile(rf"(?m)^[ \t]*{v}[ \t]*:?[ \t]+(?P<v>[^\n]+?)[ \t]*$") for k, v in _DB_FIELDS.items()}
_DB_WORDS = {k: tuple(re.split(r"\\s\+", v)) for k, v in _DB_FIELDS.items()}  # literal words of each label
_NUMBER_LINE = re.compile(r"(?<![\w])Số\s*(?::\s*|\s(?=\s*\d))(?P<v>[^\n|]{1,60})")
# The same matches led by the literal "S" (the look-behind moved after it, spanning it and the
# character before): a pattern opening with a look-behind is tried at every character.
_NUMBER_LINE_SCAN = re.compile(r"S(?<![\w]S)ố" + _NUMBER_LINE.pattern.removeprefix(r"(?<![\w])Số"))
_PLACE_DATE = re.compile(
    r"(?P<place>[^\n|,]{2,40}),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
    r"|(?P<place2>[^\n|,]{2,40}),\s*ngày\s+(?P<d2>\d{1,2})\s*/\s*(?P<m2>\d{1,2})\s*/\s*(?P<y2>\d{4})"
)
# Where a place-date match can have its comma: the comma, then "ngày" and a digit.
_PLACE_DATE_COMMA = re.compile(r",(?=\s*ngày\s+\d)")


def _place_date(text: str, pos: int, endpos: int) -> re.Match[str] | None:
    """``_PLACE_DATE.search(text, pos, endpos)`` without trying the place at every character.

    The place is a run of up to 40 characters other than line break, "|" and ",", so it ends at
    the comma: a match through a comma starts at the earliest character of that run, and a match
    through an earlier comma starts earlier.  Commas are tried in order, each at its one start.
    """
    for comma in _PLACE_DATE_COMMA.finditer(text, pos, endpos):
        c = comma.start()
        lo = max(pos, c - 40)
        start = max(lo, text.rfind("\n", lo, c) + 1, text.rfind("|", lo, c) + 1, text.rfind(",", lo, c) + 1)
        if c - start < 2:
            continue
        m = _PLACE_DATE.match(text, start, endpos)
        if m:
            return m
    return None


_NATIONAL_MOTTO = re.compile(r"c\s*o\s*n\s*g\s+h\s*o\s*a\s+x\s*a\s+h\s*o\s*i\s+c\s*h\s*u\s+n\s*g\s*h\s*i\s*a")
_ROLE_LINE = re.compile(
    r"^(?:KT\.|TM\.|TL\.|TUQ\.|Q\.|K/T|T/M)?\s*(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|"
    r"THỦ\s+TƯỚNG|BÍ\s+THƯ|CHÁNH\s+VĂN\s+PHÒNG|TRƯỞNG\s+BAN|VIỆN\s+TRƯỞNG|CHÁNH\s+ÁN|TỔNG\s+GIÁM\s+ĐỐC|"
    r"CHỦ\s+NHIỆM|THỐNG\s+ĐỐC|TRƯỞNG\s+PHÒNG|ỦY\s+BAN\s+NHÂN\s+DÂN|UBND)[^\n]*$"
)
# First letters a (stripped) line matching _ROLE_LINE can start with: its optional prefixes
# ("KT.", "TM.", "TL.", "TUQ.", "Q.", "K/T", "T/M", "PHÓ") and its role words.
_ROLE_FIRST = frozenset("KTQPCGBVỦU")
# _ROLE_LINE.match(line.strip()) for every line of a text at once: after a line break, the line's
# leading whitespace, its first letter (one of _ROLE_FIRST, a cheap test that fails most lines)
# and the same opening with whitespace kept inside the line (what the stripped line has after the
# opening cannot fail ``[^\n]*$``).  The literal line break lets the engine skip from line to line.
_ROLE_LINE_STARTS = re.compile(
    r"\n[^\S\n]*(?=[" + "".join(sorted(_ROLE_FIRST)) + "])"
    + _ROLE_LINE.pattern.removeprefix("^").removesuffix(r"[^\n]*$").replace(r"\s", r"[^\S\n]")
)
_PERSON = re.compile(r"^(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ]"
                     r"[a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]*"
                     r"\s){1,5}[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ]"
                     r"[a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]*$")
_SELF_ALIAS = re.compile(DEFINED_SHORT_NAME_OPENING + r"(?P<alias>[^()]{1,80}?)\s*\)")
_HEADLINE_DATE = re.compile(r"(?m)^[ \t]*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b[^\n]*$")

# Folded heading words -> document type names (the type heading of an administrative document).
_HEADING_TYPES = {
    "ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "nghi quyet": "Nghị quyết", "chi thi": "Chỉ thị",
    "nghi dinh": "Nghị định", "thong tu": "Thông tư", "thong bao": "Thông báo", "bao cao": "Báo cáo",
    "huong dan": "Hướng dẫn", "chuong trinh": "Chương trình", "de an": "Đề án", "phuong an": "Phương án",
    "quy che": "Quy chế", "quy dinh": "Quy định", "to trinh": "Tờ trình", "cong dien": "Công điện",
    "ket luan": "Kết luận", "luat": "Luật", "phap lenh": "Pháp lệnh", "du an": "Dự án",
}
_HEADING_RE = re.compile(r"^(" + "|".join(sorted(_HEADING_TYPES, key=len, reverse=True)) + r")(?![a-z])")


# Whitespace runs to one space, stripped (the shared helper; str.split is faster than a regex).
_collapse = collapse


def _is_caps(line: str) -> bool:
    """Has letters and none of them lower case (string methods, not a Python loop: lines can be long)."""
    return line == line.upper() and line != line.lower()


# Instrument numbers keep mixed-case codes inside upper-case headings ("CHỈ THỊ SỐ 23/CT-TTg").
_NUMBER_TOKEN = re.compile(r"\S*\d\S*/\S*|\S*/\S*\d\S*")


_DIGIT = re.compile(r"\d")


def _is_caps_heading(line: str) -> bool:
    """Upper case once instrument numbers, whose issuer codes may be mixed case, are set aside.

    That is ``_is_caps(_NUMBER_TOKEN.sub(" ", line))``, read by words.  The pattern replaces whole
    words (``\\S`` runs, which ``str.split`` gives) holding both a "/" and a digit: in a word
    without both, no part holds both either.  ``_is_caps`` asks whether no character changes when
    upper-cased and one does when lower-cased, a question of characters, which white space never
    answers: it may read the kept words alone.  The words before the first one holding a "/" are
    all kept; a lower-case letter among them settles it (most long lines: prose).  Tried at every
    character, the pattern cost as much as all the rest of the heading search.
    """
    slash = line.find("/")
    if slash < 0:
        return _is_caps(line)
    # Up to the start of the word holding the first "/" (white space as str.split sees it).
    cut = slash
    while cut and not line[cut - 1].isspace():
        cut -= 1
    head = line[:cut]
    if head != head.upper():
        return False
    return _is_caps(" ".join([w for w in line.split() if "/" not in w or _DIGIT.search(w) is None]))


def _place_case(name: str) -> str:
    """"TIỀN GIANG" -> "Tiền Giang" (place names are capitalised syllable by syllable)."""
    return " ".join(w.capitalize() if w.isalpha() else w for w in _collapse(name).split())


def _db_line(key: str, head: str) -> re.Match[str] | None:
    """``_DB_RE[key].search(head)`` tried only at the lines whose first word is the label's first word.

    A match starts at a line start, spaces and tabs, then the label: each line start it can have
    is just before an occurrence of that word, and occurrences come in line order.
    """
    rx, first = _DB_RE[key], _DB_WORDS[key][0]
    p = head.find(first)
    while p >= 0:
        line = head.rfind("\n", 0, p) + 1
        if not head[line:p].strip(" \t"):
            m = rx.match(head, line)
            if m:
                return m
        p = head.find(first, p + 1)
    return None


# (key, first word of its label), in the order of _DB_RE.
_DB_FIRST_WORDS = [(k, words[0]) for k, words in _DB_WORDS.items()]
# A line break, blanks, then the first word of some label: the lines _db_line tries, all at once.
_DB_LINE_START = re.compile(r"\n[ \t]*(?=" + "|".join(sorted({re.escape(w) for _, w in _DB_FIRST_WORDS})) + ")")
_BLANKS = re.compile(r"[ \t]*")


def _db_header(text: str) -> dict[str, str]:
    """Each label's first matching line (:func:`_db_line`), found in one pass over the lines.

    The lines whose text (after blanks) opens with some label's first word come in order, the
    first line of the head included; each label takes the first of its lines its pattern matches.
    """
    head = text[:_HEADER_CHARS]
    found: dict[str, re.Match[str]] = {}
    starts = [(0, _BLANKS.match(head).end())]  # type: ignore[union-attr]
    starts += [(m.start() + 1, m.end()) for m in _DB_LINE_START.finditer(head)]
    for line, word_at in starts:
        for key, first in _DB_FIRST_WORDS:
            if key not in found and head.startswith(first, word_at):
                m = _DB_RE[key].match(head, line)
                if m:
                    found[key] = m
    return {key: found[key].group("v").strip() for key in _DB_RE if key in found}


_LOCAL_UNIT = re.compile(
    r"(?P<kind>uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd)\s+"
    r"(?P<level>tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran)\s+"
    r"(?P<name>.+?)(?=\s+(?:so|ban|van phong|phong|chi cuc|cuc|trung tam|thanh tra)\s|$)"
)
_PARTY_BRANCH = re.compile(r"dang bo (?P<level>tinh|thanh pho)\s+(?P<name>.+?)(?=\s+(?:tinh uy|thanh uy)\b|$)")
_PARTY_COMMITTEE = re.compile(r"(?P<kind>tinh uy|thanh uy|huyen uy)(?:\s+(?P<name>.+))?$")
# Letterhead levels below the province (a "thành phố" here is one that is not a province).
_LOCAL_LEVELS = frozenset({"thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"})
_LEVELS = {"tinh": "tỉnh", "thanh pho": "thành phố", "huyen": "huyện", "quan": "quận", "thi xa": "thị xã",
           "xa": "xã", "phuong": "phường", "thi tran": "thị trấn"}
_MOTTOS = (_NATIONAL_MOTTO, re.compile(r"d\s*a\s*n\s*g\s+c\s*o\s*n\s*g\s+s\s*a\s*n\s+v\s*i\s*e\s*t\s+n\s*a\s*m"))


def _letterhead_block(head: str, motto_start: int) -> str:
    """The last block of upper-case lines before the motto, joined (it is often hard-wrapped)."""
    lines = [ln.strip() for ln in head[:motto_start].splitlines()]
    block: list[str] = []
    for ln in reversed(lines):
        if not ln or set(ln) <= set("-|_=*~ \t"):
            if block and ln and set(ln) <= set("|"):
                break
            continue
        if not _is_caps(ln):
            break
        block.insert(0, ln)
    return _collapse(" ".join(block))


# The motto tops the page (within 500 characters in every plan seen): these prefixes are folded
# first, in turn (folding costs about as much per character as the rest of the letterhead).
_MOTTO_PREFIXES = (512, 1000)


def _motto_hits(head: str) -> list[re.Match[str]]:
    """Matches of each motto in ``fold(head)``, looking in folded prefixes first.

    ``fold`` maps one character to one, so a match inside ``fold(head[:n])`` is a match of
    ``fold(head)`` at the same offsets.  The earliest motto found there is the earliest of all:
    an earlier match running past the prefix would contain it, and the letters of one motto
    never hold the letters of a motto (the same one included) at another offset.
    """
    for prefix in _MOTTO_PREFIXES:
        if len(head) <= prefix:
            break
        folded = fold(head[:prefix])
        hits = [m for m in (rx.search(folded) for rx in _MOTTOS) if m]
        if hits:
            return hits
    folded = fold(head)
    return [m for m in (rx.search(folded) for rx in _MOTTOS) if m]


def _letterhead(text: str) -> tuple[str | None, str | None, str | None, int]:
    """(issuer, province, level, end of the letterhead) from the lines before the state or Party motto."""
    head = text[:_HEADER_CHARS]
    hits = _motto_hits(head)
    if not hits:
        return None, None, None, 0
    motto = min(hits, key=lambda m: m.start())
    joined = _letterhead_block(head, motto.start())
    f = fold(joined)
    province = level = issuer = None
    lm = _LOCAL_UNIT.search(f)
    if lm:
        short = "UBND" if lm.group("kind") in ("uy ban nhan dan", "ubnd") else "HĐND"
        lvl = _LEVELS[lm.group("level")]
        name = _place_case(joined[lm.start("name") : lm.end("name")])
        issuer = f"{short} {lvl} {name}"
        # A "thành phố" is a province only when centrally run ("THÀNH PHỐ MỸ THO" is a provincial city).
        if lvl == "tỉnh" or (lvl == "thành phố" and is_province_name(name)):
            province = name
        level = lvl
        rest = joined[lm.end() :].strip()
        if rest:  # a department under the people's committee: "SỞ NỘI VỤ"
            dept = sentence_case(rest, text[motto.end() :])
            issuer = f"{dept} {lvl} {name}"
        return issuer, province, level, motto.start()
    pb = _PARTY_BRANCH.search(f)
    if pb:
        province = _place_case(joined[pb.start("name") : pb.end("name")])
        level = _LEVELS[pb.group("level")]
    pc = _PARTY_COMMITTEE.search(f)
    if pc:
        word = {"tinh uy": "Tỉnh ủy", "thanh uy": "Thành ủy", "huyen uy": "Huyện ủy"}[pc.group("kind")]
        if pc.group("name"):
            name = _place_case(joined[pc.start("name") : pc.end("name")])
            if pc.group("kind") == "tinh uy" or (pc.group("kind") == "thanh uy" and is_province_name(name)):
                province = name
        else:
            name = province or ""
        level = level or {"tinh uy": "tỉnh", "thanh uy": "thành phố", "huyen uy": "huyện"}[pc.group("kind")]
        return (f"{word} {name}" if name else word), province, level, motto.start()
    for i in issuer_codes():
        if i.scope in ("national", "party") and fold(i.name) in f:
            return i.name, None, None, motto.start()
    return (sentence_case(joined, text[motto.end() :]) if joined else None), None, None, motto.start()


@lru_cache(maxsize=4096)
def _phrase_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """The pattern of a lower-cased heading phrase, compiled once per phrase.

    Headings repeat their phrases across plans ("kế hoạch thực hiện"), and a document asks for
    more distinct phrases than the ``re`` module's own cache holds, so it kept recompiling them.
    Starts with a literal so the engine's fast prefix scan applies; the start boundary is checked
    by the caller (a match it skips still ends where ``finditer`` resumes).
    """
    return re.compile(r"\s+".join(re.escape(w) for w in words) + r"(?![\w])")


@lru_cache(maxsize=4096)
def _pair_sightings(prev: str, word: str) -> list[int]:
    """How many bodies asked for the lower-cased pair (``[n]``, counted by the caller).

    A pair asked for once is found with ``str.find`` (cheaper than compiling its pattern, which
    costs about two scans of a body); from its second body on, with :func:`_phrase_re`.
    """
    return [0]


_TWO_SPACES = re.compile("  ")  # (a regex finds it sooner than ``in`` in a long text)
_SPACE_RUNS = re.compile("(  +)")


def _case_lookup(body: str):
    """Casing of words as the body prints them mid-sentence (used to sentence-case headings)."""
    cache: dict[tuple[tuple[str, ...], int], str | None] = {}
    caps_line: dict[int, bool] = {}  # line start -> whether that line is upper case
    lowered = body.lower()
    if len(lowered) != len(body):  # a rare letter changed length when lowered: keep offsets honest
        lowered, body = body, body
    find, printed_as = lowered.find, body.startswith
    spaced_views: list[tuple[str, list[int], list[int]]] = []  # built at the first pair never seen

    def spaced() -> tuple[str, list[int], list[int]]:
        """``lowered`` with every white space run one space (``flat``), and where its pieces start
        in ``flat`` and in ``lowered`` (both empty when every run is one character already: the
        same offsets)."""
        if not spaced_views:
            flat = lowered.replace("\n", " ")
            # Every other white space character is unprintable (text.RARE_SPACES, tested): one
            # test rules them all out.
            if not flat.isprintable():
                for c in RARE_SPACES:
                    if c in flat:
                        flat = flat.replace(c, " ")
            if not _TWO_SPACES.search(flat):
                spaced_views.append((flat, [], []))
            else:
                # The pieces between runs of two spaces or more, and those runs (split keeps them):
                # offsets summed by C loops.  Each run becomes the one space joining two pieces.
                parts = _SPACE_RUNS.split(flat)
                pieces = parts[0::2]
                lowered_starts = list(accumulate(map(len, parts), initial=0))[0::2]
                flat_starts = list(accumulate(map((1).__add__, map(len, pieces)), initial=0))
                spaced_views.append((" ".join(pieces), flat_starts, lowered_starts))
        return spaced_views[0]

    def caps_at(start: int, end: int) -> bool:
        """Whether the line of a match is upper case (computed once per line start)."""
        line_from = body.rfind("\n", 0, start) + 1
        caps = caps_line.get(line_from)
        if caps is None:
            line_to = body.find("\n", end)
            caps = caps_line[line_from] = _is_caps(body[line_from : line_to if line_to >= 0 else len(body)])
        return caps

    def pair_variant(prev: str, target: str) -> str | None:
        """The general loop below for the word after ``prev`` (``target`` has a lower-case letter).

        Matches printed as ``target`` on one line are counted without a look at their line (see
        below); their count is added at the end, to the key placed where the first was seen.
        """
        size = len(target)
        counts: dict[str, int] = {}
        plain = 0
        sightings = _pair_sightings(prev, target)
        if sightings[0]:
            for m in _phrase_re((prev, target)).finditer(lowered):
                start, end = m.span()
                if start and lowered[start - 1].isalnum():
                    continue
                if printed_as(target, end - size) and find("\n", start, end) < 0:
                    if plain or target in counts:
                        plain += 1
                    else:
                        counts[target] = 1
                elif not caps_at(start, end):
                    word = body[end - size : end]
                    counts[word] = counts.get(word, 0) + 1
        else:
            sightings[0] = 1
            # In ``flat`` a match is ``prev``, one space (its white space run) and ``target``: an
            # occurrence of ``needle`` that no word character follows (no word holds white space,
            # and a run's neighbours are the same in both texts).  Taken as ``finditer`` does: the
            # leftmost from where the last match ended, mapped back to offsets in ``lowered``.
            flat, flat_starts, lowered_starts = spaced()
            needle, lp, nf = f"{prev} {target}", len(prev), len(flat)
            at = flat.find(needle)
            while at >= 0:
                after = at + len(needle)
                if after < nf and (flat[after].isalnum() or flat[after] == "_"):
                    at = flat.find(needle, at + 1)
                    continue
                if flat_starts:  # (a character of a piece, or the space after it: the run's start)
                    i = bisect_right(flat_starts, at) - 1
                    start = lowered_starts[i] + at - flat_starts[i]
                    i = bisect_right(flat_starts, after - 1) - 1
                    end = lowered_starts[i] + after - flat_starts[i]
                else:
                    start, end = at, after
                if start and lowered[start - 1].isalnum():
                    pass
                # (on one line: no line break in the match, whose only white space is its run; a
                # run of one character where the offsets are the same)
                elif printed_as(target, end - size) and (
                    find("\n", start, end) < 0 if flat_starts else lowered[start + lp] != "\n"
                ):
                    if plain or target in counts:
                        plain += 1
                    else:
                        counts[target] = 1
                elif not caps_at(start, end):
                    word = body[end - size : end]
                    counts[word] = counts.get(word, 0) + 1
                at = flat.find(needle, after)
        if plain:
            counts[target] += plain
        return max(counts, key=counts.__getitem__) if counts else None

    def variant(phrase_words: list[str], idx: int) -> str | None:
        key = (tuple(phrase_words), idx)
        if key in cache:
            return cache[key]
        words = tuple([w.lower() for w in phrase_words])
        target = words[idx]
        # The match holds the lowered words one to one, so the printed word is a slice of that length.
        size, last = len(target), len(words) - 1
        # A word printed as ``target`` that upper-casing changes puts a lower-case letter on its line.
        has_lower = target != target.upper()
        if idx == 1 == last and has_lower and not target[0].isspace():
            cache[key] = found = pair_variant(words[0], target)
            return found
        counts: dict[str, int] = {}  # in first-seen order: ties go to the earliest, as Counter.most_common
        for m in _phrase_re(words).finditer(lowered):
            start, end = m.span()
            if start and lowered[start - 1].isalnum():
                continue
            if idx == 0:
                prev = body[max(0, start - 3) : start].rstrip()
                if not prev or not (prev[-1].isalnum() or prev[-1] == ","):
                    continue  # sentence-initial capitals say nothing
                word = body[start : start + size]
            elif idx == last:
                word = body[end - size : end]
            else:
                word = body[start:end].split()[idx]
            # A match on one line whose word has a lower-case letter is on a line that is not upper
            # case: every region from that line start holds the word, so the cached answer for the
            # line (whoever computed it) is False and need not be looked up or stored.
            if not (has_lower and word == target and lowered.find("\n", start, end) < 0) and caps_at(start, end):
                continue  # another heading: its capitals are typographic
            counts[word] = counts.get(word, 0) + 1
        cache[key] = found = max(counts, key=counts.__getitem__) if counts else None
        return found

    return variant


# Type names, longest first, as (words, lower-cased words); no two names share their lower-cased words.
_TYPE_NAME_WORDS = [(name.split(), [w.lower() for w in name.split()])
                    for name in sorted(set(_HEADING_TYPES.values()), key=len, reverse=True)]


_TYPE_NAME_MAX_WORDS = max(len(n) for n, _ in _TYPE_NAME_WORDS)


def sentence_case(heading: str, body: str) -> str:
    """Upper-case heading -> sentence case; other words take the casing the body gives them."""
    words = heading.split()
    if not words:
        return heading
    variant = _case_lookup(body)
    out = [words[0].capitalize()]
    # The type name opening the heading keeps its registry spelling ("QUYẾT ĐỊNH" -> "Quyết định").
    first = 1
    opening = [w.lower() for w in words[:_TYPE_NAME_MAX_WORDS]]  # (lowered once for every name)
    for n, lowered in _TYPE_NAME_WORDS:
        if opening[: len(n)] == lowered:
            out, first = list(n), len(n)
            break
    registry: dict[int, str] | None = None  # registry spellings, before the body's casing
    for i in range(first, len(words)):
        w = words[i]
        # An all-letter word has a letter and no digit (no character is both): the common case.
        if not w.isalpha() and (any(c.isdigit() for c in w) or not any(c.isalpha() for c in w)):
            # Instrument numbers take their canonical letters ("27/CT-TTG" -> "27/CT-TTg").
            core = w.rstrip(",.;:")
            canon = canonical_number(core) if any(c.isalpha() for c in core) else None
            out.append(canon + w[len(core) :] if canon else w)
            continue
        if registry is None:
            registry = _registry_casing(words)
        cased = registry.get(i)
        if cased is None:
            cased = variant([words[i - 1], w], 1)
        if cased is None and i + 1 < len(words):
            cased = variant([w, words[i + 1]], 0)
        if cased is None:
            cased = variant([w], 0)
        out.append(cased if cased is not None else w.lower())
    return " ".join(out)


@lru_cache(maxsize=1)
def _registry_phrases() -> dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...], bool], ...]]:
    """First lower-cased word -> (lower-cased words, registry spelling, only before a number?) of the
    type names, the national bodies' names and the province names, longest first."""
    phrases = [(tuple(lowered), tuple(n), True) for n, lowered in _TYPE_NAME_WORDS]
    names = {i.name for i in issuer_codes() if i.scope in ("national", "party")}
    names |= {p["name"] for p in provinces()}
    phrases += [(tuple(n.lower().split()), tuple(n.split()), False) for n in names]
    by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], bool]]] = {}
    for phrase in sorted(phrases, key=lambda p: len(p[0]), reverse=True):
        by_first.setdefault(phrase[0][0], []).append(phrase)
    return {first: tuple(found) for first, found in by_first.items()}


def _registry_casing(words: list[str]) -> dict[int, str]:
    """Registry spellings of heading words, which win over the body's casing: the body may print
    none (a page cut before it) or print the word otherwise ("định" in "quyết định").  A type
    name before its number ("CHỈ THỊ SỐ 19/CT-TTG" -> "Chỉ thị số"), a national body's name ("THỦ
    TƯỚNG CHÍNH PHỦ" -> "Thủ tướng Chính phủ") and a province's name ("BÌNH ĐỊNH"); word index ->
    spelling."""
    lowered = [w.lower() for w in words]
    by_first = _registry_phrases()
    out: dict[int, str] = {}
    i = 0
    while i < len(words):
        for phrase, printed, before_number in by_first.get(lowered[i], ()):
            end = i + len(phrase)
            if tuple(lowered[i:end]) != phrase:
                continue
            number_follows = end < len(words) and (lowered[end] == "số" or any(c.isdigit() for c in words[end]))
            if before_number and not number_follows:
                continue
            out.update({i + k: word for k, word in enumerate(printed)})
            i = end - 1
            break
        i += 1
    return out


_AUTHORITY_LINE = re.compile(
    r"^(?:chu tich|pho chu tich|bo truong|thu tuong|uy ban nhan dan|hoi dong nhan dan|ban thuong vu|"
    r"ban chap hanh|giam doc|chanh van phong|truong ban|cuc truong|tong cuc truong|quyet dinh\s*:|"
    r"quyet nghi\s*:|chinh phu)"
)
_SUBJECT_LINE = re.compile(r"^(?:về|v/v|v\.v)(?:\s|$)", re.IGNORECASE)
_BODY_START = re.compile(r"^(?:Căn\s+cứ|Thực\s+hiện|Xét|Theo|Để|Nhằm|Triển\s+khai)\b")


# One line of ``str.splitlines(keepends=True)``: its text and its line break ("\r\n" is one).
_SPLITLINES_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_SPLITLINES = re.compile(f"[^{_SPLITLINES_BREAKS}]*(?:\r\n|[{_SPLITLINES_BREAKS}])?")


def _heading(text: str, start: int) -> tuple[str | None, list[tuple[str, bool]], int]:
    """Type name, heading parts ``(text, upper-case?)`` and end offset of the type heading after ``start``.

    The heading is upper case ("KẾ HOẠCH / THỰC HIỆN ..."); a decision often prints its subject in
    mixed case on the next lines ("Về việc ban hành ..."), followed by the upper-case authority line.
    """
    pos = start
    parts: list[tuple[str, bool]] = []
    doc_type = None
    end = start
    mixed_lines = 0
    # The lines of ``text[start : start + _HEADER_CHARS].splitlines(keepends=True)``, read one
    # by one (the loop mostly stops after a few lines; splitting the whole window cost more).
    for lm in _SPLITLINES.finditer(text, start, start + _HEADER_CHARS):
        ln = lm.group()
        if not ln:  # (the empty match at the window's end)
            break
        s = ln.strip().strip("|").strip()
        pos += len(ln)
        if not parts:
            if s and _is_caps_heading(s):
                hm = _HEADING_RE.match(fold(s))
                if hm:
                    doc_type = _HEADING_TYPES[hm.group(1)]
                    parts.append((s, True))
                    end = pos
            continue
        if not s:
            continue
        if _is_caps_heading(s):
            if mixed_lines or s.startswith("(") or _AUTHORITY_LINE.match(fold(s)):
                break
            parts.append((s, True))
            end = pos
            continue
        if (mixed_lines == 0 and (_SUBJECT_LINE.match(s) or _names_the_subject(parts, s))) or (
            0 < mixed_lines < 4 and not _BODY_START.match(s) and not parts[-1][0].endswith((".", ";"))
        ):
            parts.append((s, False))
            mixed_lines += 1
            end = pos
            continue
        break
    return doc_type, parts, (end if parts else start)


def _names_the_subject(parts: list[tuple[str, bool]], line: str) -> bool:
    """Whether a mixed-case ``line`` right under a heading that is the type name alone ("KẾ HOẠCH" /
    "Cải cách hành chính năm 2023") prints the subject: it opens with a capital, and neither the
    body ("Căn cứ ...") nor a note ("(Kèm theo ...)") begins there."""
    return (len(parts) == 1 and _HEADING_RE.fullmatch(fold(parts[0][0])) is not None and line[:1].isupper()
            and not _BODY_START.match(line) and not line.endswith((".", ";", ":", ",")))


_LETTER_SUBJECT = re.compile(r"(?m)^[ \t|]*(?:V/v|V\.v|Về\s+việc)[ \t:.]*(?P<s>[^\n|]+(?:\n(?![ \t]*(?:Kính\s+gửi|"
                             r"[A-ZĐ][^\n,]{0,40},\s*ngày))[^\n|]+){0,2})")


def _letter_subject(text: str, doc_type: str | None) -> str | None:
    """An official letter names its subject on a "V/v ..." line under the number."""
    head = text[:_HEADER_CHARS]
    stop = re.search(r"Kính\s+gửi", head)
    m = _LETTER_SUBJECT.search(head, 0, stop.start() if stop else len(head))
    if not m:
        return None
    subject = _collapse(m.group("s")).rstrip(" .")
    return f"{doc_type or 'Văn bản'} về việc {subject}" if subject else None


def _mixed_case_heading(text: str, start: int) -> str | None:
    """A heading printed in mixed case ("Kế hoạch thực hiện ..."): the first line after the date that
    opens with a type name, with its continuation lines up to the body."""
    lines = [ln.strip().strip("|").strip() for ln in text[start : start + 2000].splitlines()]
    seen = 0
    for i, ln in enumerate(lines):
        if not ln:
            continue
        seen += 1
        if seen > 4:
            break
        hm = _HEADING_RE.match(fold(ln))
        if not hm or len(ln) > 250 or not ln[0].isupper():
            continue
        parts = [ln]
        for nxt in lines[i + 1 : i + 3]:
            if (not nxt or _BODY_START.match(nxt) or _is_caps(nxt) or parts[-1].endswith((".", ";", ":"))
                    or any(rx.match(nxt) for rx in _DB_RE.values())):
                break
            parts.append(nxt)
        return _collapse(" ".join(parts)).rstrip(" .")
    return None


def _heading_title(parts: list[tuple[str, bool]], body: str) -> str | None:
    if not parts:
        return None
    caps = _collapse(" ".join(p for p, upper in parts if upper))
    mixed = _collapse(" ".join(p for p, upper in parts if not upper))
    title = sentence_case(caps, body)
    if mixed:
        mixed = re.sub(r"^(?:V/v|V\.v|v/v)\s*", "về việc ", mixed)
        mixed = re.sub(r"^Về\b", "về", mixed)
        words = mixed.split(" ", 2)
        # Sentence case after the type name ("Cải cách hành chính"), but not for an abbreviation
        # ("UBND") or a name ("Hà Nội": its next word is capitalised too).
        if words[0][1:].islower() and (len(words) == 1 or not words[1][:1].isupper()):
            mixed = mixed[0].lower() + mixed[1:]
        title = f"{title} {mixed}".rstrip(" .")
    return title


_SIGNED = re.compile(r"^[\[(]?(?:đã\s+ký|ký|\(ký)", re.IGNORECASE)
_TITLE_PREFIXES = ("KT.", "TM.", "TL.", "TUQ.", "Q.")
# The line breaks of str.splitlines other than "\n".
_OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# _ROLE_LINE_STARTS without its line break: a role line at the start of the text.
_ROLE_LINE_FIRST = re.compile(_ROLE_LINE_STARTS.pattern.removeprefix("\\n"))


def _role_line_starts(text: str) -> list[int]:
    """``[m.start() for m in _ROLE_LINE_STARTS.finditer("\\n" + text)]`` without copying the text.

    A match never reaches past its own line, so each line is tried on its own: the first at
    offset 0, every other one after its line break.
    """
    starts = [m.start() + 1 for m in _ROLE_LINE_STARTS.finditer(text)]
    if _ROLE_LINE_FIRST.match(text):
        starts.insert(0, 0)
    return starts


def _signer(text: str) -> tuple[str | None, str | None]:
    if any(c in text for c in _OTHER_LINE_BREAKS):
        return _signer_of_lines([ln.strip() for ln in text.splitlines()])
    # Lines are the "\n"-separated pieces (a final empty piece is an empty line, which changes
    # nothing below); only the role lines and the few lines around them are cut out.
    starts = _role_line_starts(text)
    role_set = set(starts)
    best: tuple[str | None, str | None] = (None, None)
    for start in starts:
        prev = text.rfind("\n", 0, start - 1) + 1 if start else -1
        if prev in role_set:
            continue
        end = text.find("\n", start)
        role = [text[start : end if end >= 0 else len(text)].strip()]
        while prev >= 0:
            ln = text[prev : start - 1].strip()
            if ln not in _TITLE_PREFIXES:
                break
            role.insert(0, ln)
            start, prev = prev, (text.rfind("\n", 0, prev - 1) + 1 if prev else -1)
        for _ in range(4):
            if end < 0:
                break
            k, end = end + 1, text.find("\n", end + 1)
            cand = text[k : end if end >= 0 else len(text)].strip()
            if k in role_set:
                role.append(cand)
            elif _PERSON.match(cand):
                best = (cand, " / ".join(_merge_role(role)))
                break
            elif cand and not _SIGNED.match(cand):
                break
    return best


def _signer_of_lines(lines: list[str]) -> tuple[str | None, str | None]:
    """The signer from stripped lines: the last role line (not continuing one) with a person under it."""
    best: tuple[str | None, str | None] = (None, None)
    for i, ln in enumerate(lines):
        # A role line opens with one of _ROLE_FIRST (lines are stripped): most lines fail that test.
        if ln[:1] not in _ROLE_FIRST or not _ROLE_LINE.match(ln) or (i > 0 and _ROLE_LINE.match(lines[i - 1])):
            continue
        role = [ln]
        j = i - 1
        while j >= 0 and lines[j] in _TITLE_PREFIXES:
            role.insert(0, lines[j])
            j -= 1
        k = i + 1
        while k < len(lines) and k <= i + 4:
            cand = lines[k]
            if _ROLE_LINE.match(cand):
                role.append(cand)
            elif _PERSON.match(cand):
                label = " / ".join(_merge_role(role))
                best = (cand, label)
                break
            elif cand and not _SIGNED.match(cand):
                break
            k += 1
    return best


def _merge_role(parts: list[str]) -> list[str]:
    out: list[str] = []
    for p in parts:
        if out and out[-1] in ("KT.", "TM.", "TL.", "TUQ.", "Q."):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return out


def _self_aliases(text: str, doc_type: str | None) -> list[str]:
    if not doc_type:
        return []
    out: list[str] = []
    for m in _SELF_ALIAS.finditer(text):
        alias = _collapse(m.group("alias"))
        if not fold(alias).startswith(fold(doc_type) + " ") or parse_number_in(alias):
            continue
        if alias not in out:
            out.append(alias)
    # Variants printed with "năm" before the year ("Kế hoạch CCHC 2022" / "Kế hoạch CCHC năm 2022").
    for alias in list(out):
        ym = re.search(r"(?<!năm )\b((?:19|20)\d{2})\b", alias)
        if ym:
            variant = alias[: ym.start()] + "năm " + alias[ym.start() :]
            if re.search(r"\s+".join(re.escape(w) for w in variant.split()), text) and variant not in out:
                out.append(variant)
    return out


def parse_number_in(s: str) -> bool:
    return bool(re.search(r"\d+\s*[/-]\s*[A-ZĐ]", s))


# ``(?<![\w])tỉnh\s+(<name>)`` written literal-led: the look-behind after "tỉnh" spans it and the
# character before (a pattern opening with a look-behind is tried at every position of the text).
_PROVINCE_IN_TEXT = re.compile(r"tỉnh(?<![\w][\s\S]{4})\s+([A-ZĐ][^\W\d_]+(?:\s+[A-ZĐ][^\W\d_]+){0,2})")


def _province_from_text(text: str) -> str | None:
    counts: Counter[str] = Counter()
    for m in _PROVINCE_IN_TEXT.finditer(text):
        counts[_collapse(m.group(1))] += 1
    return counts.most_common(1)[0][0] if counts else None


def extract_metadata(text: str) -> dict:
    """Document metadata (contract ``document``); fields the text does not give are ``None``.

    Extra fields: ``signer_role`` ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), ``aliases`` (the
    document's own short names from "(sau đây gọi tắt là Kế hoạch ...)"),
    ``effective_date`` when a database header gives one, and for news pages
    ``issuer_inferred: True`` (the portal is inferred, not printed).
    """
    text = prepare_text(text)
    db = _db_header(text)
    issuer, province, level, letter_end = _letterhead(text)
    province_inferred = False
    if province is None and level in _LOCAL_LEVELS:
        # A district or commune body (or a provincial city) prints no province in its letterhead:
        # the province its text names first is its own.
        province = province_from_text(text)
        province_inferred = province is not None

    number = None
    nm = _NUMBER_LINE_SCAN.search(text, 0, _HEADER_CHARS)
    raw_number = nm.group("v") if nm else db.get("number")
    parsed = parse_number(raw_number) if raw_number else None
    if parsed is None and db.get("number"):
        parsed = parse_number(db["number"])
    if parsed is not None:
        number = parsed.canonical

    date = None
    pd = _place_date(text, letter_end, letter_end + _HEADER_CHARS)
    if pd:
        date = (iso_date(pd.group("d"), pd.group("m"), pd.group("y")) if pd.group("d")
                else iso_date(pd.group("d2"), pd.group("m2"), pd.group("y2")))
    if date is None and db.get("issued"):
        dm = DATE_RE.search(db["issued"])
        date = date_from_match(dm) if dm else None

    heading_from = pd.end() if pd else (nm.end() if nm else letter_end)
    heading_type, heading, heading_end = _heading(text, heading_from)
    heading_text = _heading_title(heading, text[heading_end : heading_end + _CASE_BODY_CHARS])
    doc_type = db.get("type") or (parsed.doc_type if parsed else None) or heading_type
    title = heading_text
    if title is None and number is not None:
        title = _mixed_case_heading(text, heading_from)
    if title is None and number is not None:
        title = _letter_subject(text, doc_type)
    if title is None and db:
        # A legal-database page cut before the heading: its page title line names the document.
        first = re.search(r"\S[^\n]*", text)
        header = text[:_HEADER_CHARS]
        db_start = min((m.start() for m in map(lambda rx: rx.search(header), _DB_RE.values()) if m), default=0)
        if first and first.start() < db_start:
            title = _collapse(first.group(0))

    if issuer is None and db.get("issuer"):
        place = re.match(r"^(Tỉnh|Thành phố)\s+(.+)$", db["issuer"])
        if place:
            province = _collapse(place.group(2))
            lvl = place.group(1).lower()
            code = parsed.issuer.code if parsed and parsed.issuer else "UBND"
            issuer = f"{code} {lvl} {province}" if code in ("UBND", "HĐND") else db["issuer"]
        else:
            issuer = db["issuer"]

    result: dict = {"number": number, "doc_type": doc_type, "issuer": issuer, "province": province,
                    "date": date, "title": title, "signer": None}
    if province_inferred:
        result["province_inferred"] = True
    signer, role = _signer(text)
    if signer is None and db.get("signer"):
        signer = db["signer"]
    result["signer"] = signer
    result["signer_role"] = role
    if db.get("effective"):
        em = DATE_RE.search(db["effective"])
        result["effective_date"] = date_from_match(em) if em else None

    if number is None and not heading:
        _news_page(text, result)
    result["aliases"] = _self_aliases(text, result.get("doc_type"))
    return result


def _news_page(text: str, result: dict) -> None:
    """A news article: the headline is the line right above its "dd/mm/yyyy" date line."""
    dm = _HEADLINE_DATE.search(text)
    if not dm:
        return
    before = text[: dm.start()].rstrip().splitlines()
    headline = _collapse(before[-1]) if before else ""
    if not headline or len(headline) < 15:
        return
    result["title"] = headline
    result["date"] = iso_date(dm.group("d"), dm.group("m"), dm.group("y"))
    result["doc_type"] = "Tin tức"
    province = result.get("province") or _province_from_text(text)
    result["province"] = province
    if result.get("issuer") is None and province:
        # Provincial portals publish their own news; the page names no other publisher.
        result["issuer"] = f"Cổng Thông tin điện tử tỉnh {province}"
        result["issuer_inferred"] = True
