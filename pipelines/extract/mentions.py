"""Named instruments a plan relies on that carry no number (record field ``unnumbered_mentions``).

A plan often leans on instruments it names without a number: "theo quy định của Luật Ngân sách
nhà nước", "triển khai Chương trình tổng thể CCHC giai đoạn 2021 - 2030".  The graph cannot link
them by number, so they are listed apart.  Precision comes first, so a mention is kept only when

* its instrument head word is capitalised mid-clause (a proper name in Vietnamese administrative
  prose; the lower-case "kế hoạch" is the common noun), or it is a standard with a designation;
* it is not the object of a drafting verb ("Xây dựng Kế hoạch ...", "ban hành Bộ Chỉ số ...": the
  plan's own output, not an instrument it relies on) and does not open its clause (a task cell);
* its name carries something that singles one instrument out: a year or period, a version, the
  capitalised subject of a law, or a long enough subject ending at punctuation;
* it is not a citation (a number follows or lies inside it), not the subject a citation promulgates
  ("Nghị quyết số 76/NQ-CP ... ban hành Chương trình tổng thể ..."), and not the plan itself.

Offsets are character offsets into the NFC text, as for citation ``spans``.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from pipelines.extract.citations import literal_led
from pipelines.extract.numbers import fold, prepare_text
from pipelines.extract.text import cache_short, collapse

# Instrument head words (the general vocabulary of Vietnamese instrument types), by folded spelling.
_HEADS = {
    "bo luat": "Bộ luật", "luat": "Luật", "hien phap": "Hiến pháp", "phap lenh": "Pháp lệnh",
    "chuong trinh muc tieu quoc gia": "Chương trình mục tiêu quốc gia", "chuong trinh": "Chương trình",
    "de an": "Đề án", "ke hoach": "Kế hoạch", "bo chi so": "Bộ Chỉ số", "chien luoc": "Chiến lược",
    "quy hoach": "Quy hoạch", "kien truc": "Kiến trúc", "du an": "Dự án",
}
# First words of the head types, capitalised: only these can open another name inside a name.
_HEAD_FIRSTS = {"Bộ", "Luật", "Hiến", "Pháp", "Chương", "Đề", "Kế", "Chiến", "Quy", "Kiến", "Dự"}
_LAWS = {"Luật": "Quốc hội", "Bộ luật": "Quốc hội", "Hiến pháp": "Quốc hội", "Pháp lệnh": "Ủy ban Thường vụ Quốc hội"}
# Heads whose long subject alone can name one instrument (a programme, a strategy), not "Kế hoạch".
_NAMED_BY_SUBJECT = {"Chương trình", "Chiến lược", "Đề án", "Quy hoạch", "Kiến trúc"}

# No look-behind in front, so the regex engine can skip ahead on the first letters; the left word
# boundary and a leading count ("03 Chương trình ...") are checked afterwards.
_HEAD = re.compile(
    r"[BLHPCĐKQD](?:ộ\s+luật|uật|iến\s+pháp|háp\s+lệnh|hương\s+trình\s+mục\s+tiêu\s+quốc\s+gia|hương\s+trình|"
    r"ề\s+án|ế\s+hoạch|ộ\s+[Cc]hỉ\s+số|hiến\s+lược|uy\s+hoạch|iến\s+trúc|ự\s+án)(?![\w])"
    # the commonest dead ends, left in the regex engine: a number, "và", "này"
    r"(?!\s*(?:số\s*:?\s*)?\d|\s+(?:và|này)(?![\w]))"
)
_COUNT_BEFORE = re.compile(r"(?<![\w])\d{1,2}\s+$")
# Printed head -> type ("" for none); a few dozen spellings at most, kept for the process.
_PRINTED_HEADS: dict[str, str] = {}
_COUNT = re.compile(r"\d{1,2}\s+")
_STANDARD = re.compile(
    r"([Tt]iêu\s+chuẩn(?:\s+quốc\s+gia)?)\s+((?:TCVN\s+)?ISO(?:/IEC)?\s+(\d{3,5})(?::\d{4})?"
    r"|TCVN\s+(\d{3,5})(?::\d{4})?)(?![\w:])"
)
# ``_STANDARD`` led by the literal "iêu", its "[Tt]" checked by a look-behind: the engine scans for
# a literal where a leading class is tried at every character.  A match starts one character before
# ``_STANDARD``'s (its group 1 lacks the "T"; groups 2 to 4 are the same).  None is lost to overlap:
# a ``_STANDARD`` match ends with a digit, never with the "[Tt]" of the next one.
_STANDARD_FROM_IEU = re.compile("iêu(?<=[Tt]iêu)(" + _STANDARD.pattern[len("([Tt]iêu"):])
_ISSUER = (
    r"(?:Ủy|Uỷ)\s+ban\s+Thường\s+vụ\s+Quốc\s+hội|Quốc\s+hội|Thủ\s+tướng\s+Chính\s+phủ|Chính\s+phủ|"
    r"Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư|Ban\s+Chấp\s+hành\s+Trung\s+ương(?:\s+Đảng)?|Ban\s+Thường\s+vụ\s+Tỉnh\s+ủy|"
    r"Tỉnh\s+ủy|Thành\s+ủy|(?:(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND)\s+(?:tỉnh|thành\s+phố)"
    r"(?:\s+[A-ZĐÂÊÔƠƯ][^\s,.;:()|]*){0,3}"
)
# "các Nghị quyết của Quốc hội về ...": numbered types named by issuer and subject instead of a number.
_BY_ISSUER = re.compile(rf"của\s+({_ISSUER})\s+về\s+")
# Patterns that open with (?<![\w]) are written literal-led (citations.literal_led): the same matches,
# found without trying the look-behind at every position.
_NOT_WORD = r"[\w]"
_NUMBERED_BEFORE = re.compile(
    "(" + literal_led(r"Nghị\s+quyết|Nghị\s+định|Quyết\s+định|Chỉ\s+thị|Thông\s+tư|Kết\s+luận", _NOT_WORD) + r")\s+$"
)
_PLURAL_BEFORE = re.compile(literal_led("các", _NOT_WORD) + r"\s+$")
_ISSUER_BEFORE_VERB = re.compile(rf"(?:^|\s)({_ISSUER})\s+(?:đã\s+)?(?:ban\s+hành|phê\s+duyệt)\s*$")
_ENDS_WITH_VERB = re.compile(r"(?:ban\s+hành|phê\s+duyệt)\s*$")
_ISSUER_AFTER = re.compile(rf"\s*(?:của|được)\s+({_ISSUER})(?:\s+(?:ban\s+hành|phê\s+duyệt))?(?![\w])")
# "Sở Kế hoạch và Đầu tư": the head word is part of an agency's name.
_AGENCY_WORDS = ("Sở", "Bộ", "Phòng", "Vụ", "Ban", "Cục", "Viện", "tâm", "ban")
# Clause boundaries: punctuation, a sentence stop, a bullet or a list index.
_BREAK_CHARS = ';:|!?“”"•'
_SENTENCE_BREAK = re.compile(r"[|!?]|\.(?=\s)")
_SENTENCE_STOPS = "|!?"
_INDEX_ONLY = re.compile(r"^(?:[\dIVXivx]+[.)]?|[a-zđ]\)|[-+•])?$")
# The object of these verbs is the plan's own output, not an instrument it relies on.
_DRAFTING = re.compile(
    literal_led(r"xây\s+dựng|ban\s+hành|soạn\s+thảo|dự\s+thảo|phê\s+duyệt|sửa\s+đổi|lập", _NOT_WORD) + r"(?![\w])"
)
# After a drafting verb these make the mention what the drafted text follows or is about.
_RELIANCE = re.compile(literal_led(r"theo|tại|căn\s+cứ|về|của", _NOT_WORD) + r"(?![\w])")
_PROMULGATED = re.compile(literal_led(r"ban\s+hành|phê\s+duyệt", _NOT_WORD) + r"(?![\w])")
_ABOUT = re.compile(r"\svề\s")
# A year, or a period printed as one word ("2020-2025") or cut after its dash ("2021-").
_YEAR = re.compile(r"^(?:19|20)\d{2}(?:-(?:(?:19|20)\d{2})?)?$")


def _is_year(word: str) -> bool:
    """``_YEAR.match(word)``, most words (not starting "1" or "2") turned away without a regex call."""
    return word[:1] in ("1", "2") and _YEAR.match(word) is not None
_PERIOD_WORDS = {"năm", "giai", "đoạn", "đến", "định", "hướng", "tầm", "nhìn", "và", "-", "thời", "kỳ", "kì", "từ"}
# Words that end a name: what follows is the clause's verb, a preposition or a back-reference.
_STOP_WORDS = {
    "được", "theo", "tại", "để", "nhằm", "vào", "đã", "đang", "sẽ", "do", "với", "này", "đó", "là", "nói",
    "cho", "gắn", "có", "của", "khi", "nhưng", "thì", "mà", "cũng", "như", "trong", "trên", "đạt",
    "phải", "cần", "nêu", "sau", "ngày",
}
# Joining words a name may run through but never ends on ("Luật Cán bộ, công chức và Luật Viên chức").
_CONNECTORS = {"và", "hoặc", "-"}
# A number inside the name: a numbered instrument the citations own, whether or not they read it.
_NUMBERED_INSIDE = re.compile(literal_led(r"số\s*:?\s*\d", _NOT_WORD) + r"|\d+\s*/\s*\d*\s*/?\s*[A-ZĐ]")
_STOP_PAIRS = {
    ("ban", "hành"), ("phê", "duyệt"), ("chủ", "trì"), ("phối", "hợp"), ("đảm", "bảo"), ("bảo", "đảm"),
    ("phù", "hợp"), ("thông", "qua"), ("triển", "khai"), ("thực", "hiện"),
}
_STOP_PAIR_FIRSTS = {a for a, _ in _STOP_PAIRS}
# A subject that ends before its first word (what _name_end would find, tested by one regex).
_EMPTY_SUBJECT = re.compile(
    r"\s*(?:[,.;:()|]|(?:"
    + "|".join(sorted(_STOP_WORDS | {"và"}, key=len, reverse=True))
    + "|"
    + "|".join(rf"{a}\s+{b}" for a, b in sorted(_STOP_PAIRS))
    + r")(?![\w]))"
)
_STOP_AFTER_AND = {"các", "việc", "những", "kết", "đánh", "tổ", "thực", "triển", "công", "đồng"}
# After a year a name goes on only with these (a vision, a later period, an amendment).
_AFTER_YEAR = {"định", "tầm", "và", "giai", "-"}
_CONTINUE_AFTER_COMMA_NO = {
    "các", "những", "và", "hoặc", "đồng", "trong", "đảm", "bảo", "góp", "nhằm", "tổ", "thực", "triển",
}
_MAX_WORDS = 25
_WORD = re.compile(r"\S+")


def _is_upper_start(word: str) -> bool:
    return word[:1].isupper()


def _head_key(words: list[str]) -> str | None:
    """The head type named by the first words of ``words`` (folded lookup), longest first."""
    for n in (5, 3, 2, 1):
        key = fold(" ".join(words[:n]))
        if key in _HEADS:
            return _HEADS[key]
    return None


def _name_end(text: str, pos: int, limit: int) -> tuple[int, bool]:
    """End offset of the name whose subject starts at ``pos``; True when it ended at punctuation."""
    end = pos
    # 25 words of even long Vietnamese syllables fit in 260 characters.  The words are those of
    # ``_WORD.finditer(text, pos, pos + 260)`` (str.split splits exactly where \S+ stops), and a
    # word's offset is found from the end of the one before: only white space lies between them.
    words = text[pos : min(len(text), pos + 260)].split()
    n = len(words)
    after_year = False
    at = pos
    for i in range(min(limit, n)):
        w = words[i]
        start = text.index(w, at)
        at = start + len(w)
        nxt = words[i + 1] if i + 1 < n else ""
        core = w.rstrip(",.;:)")
        if w[:1] in "(;:|“”\"" or not core:
            if w.startswith("(sửa") and after_year:  # "năm 2015 (sửa đổi, bổ sung năm 2020)"
                close = text.find(")", start, start + 80)
                if close != -1:
                    return close + 1, True
            return end, True
        # Stop words are lower case: a capitalised "Ban hành" belongs to a law's name.
        if core in _STOP_WORDS or (core in _STOP_PAIR_FIRSTS and (core, nxt.rstrip(",.;:")) in _STOP_PAIRS):
            return end, False
        if core == "và" and nxt.rstrip(",.;") in _STOP_AFTER_AND:
            return end, False
        is_year = core[:1] in ("1", "2") and _YEAR.match(core) is not None  # _is_year(core), inlined
        if after_year and not is_year and core.lower() not in _AFTER_YEAR:
            return end, False
        if i and core in _HEAD_FIRSTS and _head_key(text[start : start + 80].split()[:5]):
            return end, False  # another instrument name starts: a list run together (menus, tables)
        if core not in _CONNECTORS:
            end = start + len(core)
        after_year = is_year and not core.endswith("-")
        if w.endswith((";", ":", ")", ".")):
            return end, True
        if w.endswith(",") and (
            not nxt or _is_upper_start(nxt) or nxt[:1].isdigit() or nxt in _CONTINUE_AFTER_COMMA_NO
        ):
            return end, True
    # Out of words (True) or stopped at the limit with words left (False).
    return end, n <= limit


def _subject_ok(doc_type: str, subject: list[str], at_punct: bool) -> bool:
    """Does the subject single one instrument out?"""
    if not subject:
        return False
    if doc_type in _LAWS:
        return _is_upper_start(subject[0])
    # One pass over the words (subjects run to 25 words): the content words (neither a year nor a
    # period word) counted, years and "phiên" noted.
    content = 0
    year_or_version = False
    for w in subject:
        f = w.strip(",.").lower()
        if f[:1] in ("1", "2") and _YEAR.match(f) is not None:  # _is_year(f)
            year_or_version = True
        elif f not in _PERIOD_WORDS:
            content += 1
            if f == "phiên":
                year_or_version = True
    if not content:
        return False
    if year_or_version:
        return True
    return doc_type in _NAMED_BY_SUBJECT and content >= 4 and at_punct


def _clause_prefix(text: str, start: int, reach: int = 300) -> str:
    """The clause's text before ``start`` (at most ``reach`` characters).

    A clause starts after punctuation, a sentence stop, a bullet ("- " before a capital) or a list
    letter ("a) "); all found by ``str.rfind``, which is much cheaper than a regex over the window.
    """
    lo = max(0, start - reach)
    cut = max(lo, max(text.rfind(ch, lo, start) for ch in _BREAK_CHARS) + 1)
    cut = max(cut, text.rfind(". ", cut, start) + 2, text.rfind(".\n", cut, start) + 2)
    at = text.rfind("- ", cut, start)
    while at >= cut:
        if (at == 0 or text[at - 1].isspace()) and text[at + 2 : at + 3].isupper():
            cut = at + 2
            break
        at = text.rfind("- ", cut, at)
    at = text.rfind(") ", cut, start)
    if at >= 1 and text[at - 1].islower() and (at == 1 or text[at - 2].isspace()):
        cut = max(cut, at + 2)
    return text[cut:start]


def _drafted(prefix: str) -> bool:
    """Is the mention the object of a drafting verb of its clause (and not of "theo"/"tại" after it)?"""
    low = prefix.lower()
    last_end = -1
    for m in _DRAFTING.finditer(low):
        last_end = m.end()
    return last_end >= 0 and not _RELIANCE.search(low, last_end)


_UBND_SPELLED = re.compile(r"^(?:Ủy|Uỷ) ban nhân dân")
_HDND_SPELLED = re.compile(r"^Hội đồng nhân dân")
_PROVINCE_LEFT_OUT = re.compile(r"(?:UBND|HĐND) tỉnh")


def _issuer_name(raw: str, document: dict) -> str:
    name = collapse(raw)
    name = _UBND_SPELLED.sub("UBND", name)
    name = _HDND_SPELLED.sub("HĐND", name)
    province = document.get("province")
    if province and _PROVINCE_LEFT_OUT.fullmatch(name):
        name = f"{name} {province}"
    return name


def _words(s: str) -> list[str]:
    return fold(collapse(s)).replace(",", " ").split()


_TITLE_LEAD = re.compile(r"^(?:(?:về|việc|ban\s+hành|phê\s+duyệt)\s+)+", re.IGNORECASE)


def _strip_title(title: str) -> str:
    return _TITLE_LEAD.sub("", title.strip())


def _title_words(citations: list[dict]) -> list[list[str]]:
    """Folded words of each citation's subject, leading "về"/"ban hành"/"phê duyệt" dropped ([] if none)."""
    return [list(_title_key(c["title"])) if c.get("title") else [] for c in citations]


@cache_short(4096, 1000)
def _title_key(title: str) -> tuple[str, ...]:
    """``_words(_strip_title(title))``, cached: the instruments a plan cites recur across plans
    (a tuple, so that no caller can change the cached words; callers get a list)."""
    return tuple(_words(_strip_title(title)))


def _promulgates(title_words: list[list[str]], name: str) -> bool:
    """Does a citation's subject open with this name (it is the instrument the citation issues)?"""
    nw = _words(name)
    for tw in title_words:
        k = min(len(tw), len(nw), 6)
        if k >= 3 and tw[:k] == nw[:k]:
            return True
    return False


def _same_programme(tw: list[str], nw: list[str]) -> bool:
    """A citation whose subject issues an instrument of the same head, first word and years."""
    if not tw:
        return False
    years = {w for w in nw if _is_year(w)}
    head = len(_words(_HEADS[fold(" ".join(nw[:2]))])) if fold(" ".join(nw[:2])) in _HEADS else 0
    if not years or not head or len(tw) <= head or len(nw) <= head:
        return False
    return tw[: head + 1] == nw[: head + 1] and years <= {w for w in tw if _is_year(w)}


def _own(name: str, doc_type: str, document: dict) -> bool:
    """The plan itself: its type, and every word of the name is in its title or a short name."""
    if doc_type != document.get("doc_type"):
        return False
    own = " ".join([document.get("title") or "", *(document.get("aliases") or [])])
    return bool(own.strip()) and set(_words(name)) <= set(_words(own))


def _signature(name: str) -> tuple[str, ...]:
    """Initials of the words, an acronym spelled out: "CCHC" and "cải cách hành chính" agree."""
    out: list[str] = []
    for w in collapse(name).replace(",", " ").split():
        if len(w) >= 2 and w.isupper() and w.isalpha():
            out.extend(fold(w))
        elif w[:1].isdigit():
            out.append(w)
        else:
            out.append(fold(w[:1]))
    return tuple(out)


class _Spans:
    """Citation spans sorted by start, with the citation each belongs to."""

    def __init__(self, citations: list[dict]) -> None:
        pairs = sorted((s[0], s[1], i) for i, c in enumerate(citations) for s in c.get("spans") or [])
        self.starts = [p[0] for p in pairs]
        self.pairs = pairs

    def covering(self, pos: int) -> bool:
        i = bisect_left(self.starts, pos + 1) - 1
        return i >= 0 and self.pairs[i][0] <= pos < self.pairs[i][1]

    def inside(self, start: int, end: int) -> list[tuple[int, int, int]]:
        i = bisect_left(self.starts, start)
        out = []
        while i < len(self.pairs) and self.pairs[i][0] < end:
            out.append(self.pairs[i])
            i += 1
        return out


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around ``[start, end)``: a stop, a table bar, or 800 characters."""
    lo, hi = max(0, start - 800), min(len(text), end + 800)
    s = max(lo, max(text.rfind(ch, lo, start) for ch in _SENTENCE_STOPS) + 1)
    dot = max(text.rfind(". ", lo, start), text.rfind(".\n", lo, start))
    s = max(s, dot + 1)
    m = _SENTENCE_BREAK.search(text, end, hi)
    return s, (m.start() if m else hi)


def _related(text: str, start: int, end: int, name: str, spans: _Spans, citations: list[dict],
             title_words: list[list[str]]) -> list[str]:
    """Numbers of cited instruments the mention's sentence ties it to."""
    s0, s1 = _sentence(text, start, end)
    in_sentence = spans.inside(s0, s1)
    found: dict[int, int] = {}  # citation index -> position
    # "X được ... ban hành tại / phê duyệt tại Quyết định số N": promulgated by N.
    verb = _PROMULGATED.search(text, end, min(s1, end + 120))
    if verb:
        for a, _b, ci in spans.inside(verb.end(), verb.end() + 60):
            found.setdefault(ci, a)
            break
    # The clause's head instrument whose subject ("về ...") runs on to the mention.
    clause_start = start - len(_clause_prefix(text, start, 1000))
    before = [p for p in in_sentence if clause_start <= p[0] and p[1] <= start]
    if before:
        a, b, ci = before[0]
        nxt = before[1][0] if len(before) > 1 else start
        if _ABOUT.search(text, b, nxt):
            found.setdefault(ci, a)
    # Citations in the sentence that issue an instrument of the same head and period.
    nw = _words(name)
    for a, _b, ci in in_sentence:
        if _same_programme(title_words[ci], nw):
            found.setdefault(ci, a)
    return [citations[ci]["number"] for ci, _ in sorted(found.items(), key=lambda p: p[1])]


def _agency_before(text: str, pos: int) -> bool:
    before = text[max(0, pos - 12) : pos].split()
    return bool(before) and before[-1] in _AGENCY_WORDS and (
        before[-1] not in ("tâm", "ban") or (len(before) > 1 and before[-2] in ("Trung", "Ủy", "Uỷ"))
    )


def _word_start(text: str, pos: int) -> bool:
    return pos == 0 or not text[pos - 1].isalnum()


def _candidates(text: str) -> list[tuple[int, int, str, str, str | None]]:
    """(start, subject start, doc_type, kind, extra) of every head word worth a look, by position."""
    out: list[tuple[int, int, str, str, str | None]] = []
    for m in _HEAD.finditer(text):
        printed = m.group()
        doc_type = _PRINTED_HEADS.get(printed)
        if doc_type is None:
            doc_type = _PRINTED_HEADS.setdefault(printed, _HEADS.get(fold(collapse(printed)), ""))
        at = m.start()
        if not doc_type or (at and text[at - 1].isalnum()):
            continue
        # Only a digit two or three characters back can start a count ("03 Chương trình").
        count = _COUNT_BEFORE.search(text, max(0, at - 6), at) if text[at - 3 : at].strip()[-1:].isdigit() else None
        out.append((count.start() if count else at, m.end(), doc_type, "head", None))
    # "[các] Nghị quyết của Quốc hội về ...": found from "của <issuer> về", the type read before it.
    for m in _BY_ISSUER.finditer(text):
        typed = _NUMBERED_BEFORE.search(text, max(0, m.start() - 16), m.start())
        if typed:
            plural = _PLURAL_BEFORE.search(text, max(0, typed.start() - 8), typed.start())
            start = plural.start() if plural else typed.start()
            out.append((start, m.end(), collapse(typed.group(1)), "by_issuer", m.group(1)))
    # Every match holds "chuẩn", so its "ẩ" (one character, found far faster than a word), and
    # "ISO" or "TCVN".
    if "ẩ" in text and ("ISO" in text or "TCVN" in text):
        for m in _STANDARD_FROM_IEU.finditer(text):
            start = m.start() - 1
            if _word_start(text, start):
                doc_type = "Tiêu chuẩn quốc gia" if "quốc" in m.group(1) else "Tiêu chuẩn"
                out.append((start, m.end(), doc_type, "standard", m.group(3) or m.group(4)))
    out.sort(key=lambda c: c[0])
    return out


def extract_unnumbered_mentions(text: str, document: dict, citations: list[dict]) -> list[dict]:
    """Named instruments without a number, in order of first mention, one per name.

    Each entry: ``name``, ``doc_type``, ``issuer`` (printed, or Quốc hội for a law), ``first_mention``
    (the text of the name where it first appears), ``start``/``end`` (its offsets) and
    ``related_numbers`` (numbers of citations the same sentence ties it to).
    """
    text = prepare_text(text)
    spans = _Spans(citations)
    out: list[tuple[dict, tuple[str, ...], str]] = []
    seen: set[tuple[str, ...]] = set()
    title_words: list[list[str]] | None = None  # read when a candidate gets that far
    for start, sub_start, doc_type, kind, extra in _candidates(text):
        if spans.covering(start) or spans.covering(sub_start - 1):
            continue
        head_start = start
        issuer: str | None = None
        if kind == "standard":
            end, _ = sub_start, True
            key = ("std", extra or "")
        else:
            if kind == "head":
                count = _COUNT.match(text, start)
                head_start = count.end() if count else start
                if _agency_before(text, head_start):  # (a number after the head: _HEAD refused it)
                    continue
                if doc_type == "Chương trình mục tiêu quốc gia":
                    end, at_punct = sub_start, True
                    sub = text[sub_start : sub_start + 60].split()
                    if sub and not _is_upper_start(sub[0]) and fold(sub[0].strip(",.;")) not in _STOP_WORDS:
                        end, at_punct = _name_end(text, sub_start, _MAX_WORDS)
                else:
                    if _EMPTY_SUBJECT.match(text, sub_start):
                        continue  # "Kế hoạch này", "Sở Kế hoạch và Đầu tư", "Đề án." (cheap test first)
                    end, at_punct = _name_end(text, sub_start, _MAX_WORDS)
                    if not _subject_ok(doc_type, text[sub_start:end].split(), at_punct):
                        continue
            else:  # by_issuer
                end, at_punct = _name_end(text, sub_start, _MAX_WORDS)
                if len(text[sub_start:end].split()) < 3:
                    continue
                issuer = extra
            if spans.inside(start, end) or _NUMBERED_INSIDE.search(text, sub_start, end):
                continue  # a number inside the name: a citation names it
            key = ("name", fold(collapse(text[start:end])))
        dedupe = key if kind == "standard" else (doc_type, key[1])
        if dedupe in seen:
            continue  # kept already at its first mention
        name = collapse(text[start:end]).rstrip(",")
        prefix = _clause_prefix(text, start)
        if _INDEX_ONLY.match(prefix.strip()) and doc_type not in _LAWS:
            # Opens its clause: a task cell or heading naming what is to be produced.  Not a law,
            # which a plan never produces: "Căn cứ Luật A; Luật B;" lists bases clause by clause.
            continue
        issuer_before = _ISSUER_BEFORE_VERB.search(prefix) if _ENDS_WITH_VERB.search(prefix) else None
        if not issuer_before and _drafted(prefix):
            continue
        if _own(name, doc_type, document):
            continue
        if title_words is None:
            title_words = _title_words(citations)
        if _promulgates(title_words, name):
            continue
        sig = _signature(name)
        if kind != "standard" and len(sig) >= 5 and any(d == doc_type and s == sig for _, s, d in out):
            continue
        seen.add(dedupe)
        if issuer is None:
            if issuer_before:
                issuer = issuer_before.group(1)
            else:
                after = _ISSUER_AFTER.match(text, end)
                issuer = after.group(1) if after else _LAWS.get(doc_type)
        out.append(({
            "name": name,
            "doc_type": doc_type,
            "issuer": _issuer_name(issuer, document) if issuer else None,
            "first_mention": collapse(text[start:end]),
            "start": start,
            "end": end,
            "related_numbers": _related(text, head_start, end, name, spans, citations, title_words),
        }, sig, doc_type))
    return [m for m, _, _ in out]
