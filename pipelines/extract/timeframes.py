"""Time frames of tasks: keep the printed text, add an interval when the text gives one.

Plans state deadlines in words ("Quý I năm 2022", "Từ Quý II đến cuối năm 2022",
"Phấn đấu đến năm 2025") or as standing duties ("Thường xuyên", "Hàng năm") or
conditions ("Theo yêu cầu của Bộ Nội vụ", "Khi có hướng dẫn ...").  Only the
first kind becomes dates; the others are flagged and never get an invented date.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from pipelines.extract.text import cache_short, collapse, nfc

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_YEAR = r"(?:19|20)\d{2}"

# Standing duties: no end, they repeat.
_RECURRING = re.compile(
    r"\b(?:thường\s+xuyên|định\s+kỳ|đột\s+xuất|h[àằ]ng\s+(?:năm|quý|tháng|tuần|ngày)|"
    r"từng\s+(?:thời\s+kỳ|năm|quý|giai\s+đoạn)|liên\s+tục|mỗi\s+(?:năm|quý|tháng))\b",
    re.IGNORECASE,
)
# Conditions and references to other schedules: a date is not knowable from the text.
_CONDITIONAL = re.compile(
    r"^(?:theo\b|khi\b|sau\s+khi\b|ngay\s+sau\s+khi\b|căn\s+cứ\b|tùy\s+theo\b|tuỳ\s+theo\b|trường\s+hợp\b)"
    r"|\bkhi\s+có\b|\bsau\s+khi\b",
    re.IGNORECASE,
)

_DMY = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(" + _YEAR + r")\b")
_DMY_WORDS = re.compile(
    r"\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(" + _YEAR + r")\b", re.IGNORECASE
)
_MONTH = re.compile(
    r"\btháng\s+(\d{1,2})(?:\s*(?:/|năm)\s*(" + _YEAR + r"))?\b", re.IGNORECASE
)
_QUARTER = re.compile(r"\bquý\s+(IV|III|II|I|[1-4])(?:\s*(?:/|năm)\s*(" + _YEAR + r"))?\b", re.IGNORECASE)
_HALF = re.compile(
    r"\b6\s+tháng\s+(đầu|cuối)\s+năm(?:\s+(" + _YEAR + r"))?\b", re.IGNORECASE
)
# Two months or quarters of one year: "tháng 3-4/2025", "tháng 3 và tháng 4 năm 2025",
# "Quý I, II/2025", "Quý II và Quý III năm 2025" (from the first one's start to the second one's end).
_JOIN = r"\s*(?:[-–—,]|và|đến)\s*"
_MONTH_SPAN = re.compile(
    r"\btháng\s+(\d{1,2})" + _JOIN + r"(?:tháng\s+)?(\d{1,2})(?:\s*(?:/|năm)\s*(" + _YEAR + r"))?\b", re.IGNORECASE
)
_QUARTER_SPAN = re.compile(
    r"\bquý\s+(IV|III|II|I|[1-4])" + _JOIN + r"(?:quý\s+)?(IV|III|II|I|[1-4])(?:\s*(?:/|năm)\s*(" + _YEAR + r"))?\b",
    re.IGNORECASE,
)
# Two periods joined by a spaced dash: "Tháng 6/2025 - tháng 12/2025" (the second opening with a
# period of its own: in "Quý II - III/2025" the dash joins two quarters, see _QUARTER_SPAN).
_PERIOD_DASH = re.compile(r"\s+[-–—]\s+")
_PERIOD_OPENING = re.compile(r"(?:tháng|quý|năm|ngày|đầu|cuối|6\s+tháng|\d)", re.IGNORECASE)
_RANGE_YEARS = re.compile(r"\b(" + _YEAR + r")\s*[-–—]\s*(" + _YEAR + r")\b")
_YEAR_ONLY = re.compile(r"\b(" + _YEAR + r")\b")
_END_OF_YEAR = re.compile(r"\bcuối\s+năm(?:\s+(" + _YEAR + r"))?\b", re.IGNORECASE)
_START_OF_YEAR = re.compile(r"\bđầu\s+năm(?:\s+(" + _YEAR + r"))?\b", re.IGNORECASE)
_FROM = re.compile(r"^(?:ngay\s+)?(?:bắt\s+đầu\s+)?từ\b", re.IGNORECASE)
_UNTIL = re.compile(
    r"^(?:phấn\s+đấu\s+)?(?:đến|tới|trước|chậm\s+nhất|hoàn\s+thành|hết)\b|^phấn\s+đấu\b",
    re.IGNORECASE,
)
_TO_SPLIT = re.compile(r"\s+(?:đến|tới)\s+", re.IGNORECASE)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter(q: str) -> int:
    return _ROMAN.get(q.upper()) or int(q)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _interval(text: str, default_year: int | None) -> tuple[date | None, date | None]:
    """The calendar interval one phrase denotes, or (None, None)."""
    m = _MONTH_SPAN.search(text)  # (before the dates: "tháng 3-4/2025" is no day 3 of April)
    if m and 1 <= int(m.group(1)) < int(m.group(2)) <= 12:
        year = int(m.group(3)) if m.group(3) else _year_in(text, default_year)
        if year:
            return date(year, int(m.group(1)), 1), _month_end(year, int(m.group(2)))
    m = _QUARTER_SPAN.search(text)
    if m and _quarter(m.group(1)) < _quarter(m.group(2)):
        year = int(m.group(3)) if m.group(3) else _year_in(text, default_year)
        if year:
            return date(year, 3 * _quarter(m.group(1)) - 2, 1), _month_end(year, 3 * _quarter(m.group(2)))
    m = _DMY.search(text) or _DMY_WORDS.search(text)
    if m:
        d = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return d, d
    m = _HALF.search(text)
    if m:
        year = int(m.group(2)) if m.group(2) else default_year
        if year:
            if m.group(1).lower() == "đầu":
                return date(year, 1, 1), date(year, 6, 30)
            return date(year, 7, 1), date(year, 12, 31)
    m = _QUARTER.search(text)
    if m:
        year = int(m.group(2)) if m.group(2) else _year_in(text, default_year)
        if year:
            q = _quarter(m.group(1))
            return date(year, 3 * q - 2, 1), _month_end(year, 3 * q)
    m = _MONTH.search(text)
    if m and 1 <= int(m.group(1)) <= 12:
        year = int(m.group(2)) if m.group(2) else _year_in(text, default_year)
        if year:
            month = int(m.group(1))
            return date(year, month, 1), _month_end(year, month)
    m = _END_OF_YEAR.search(text)
    if m:
        year = int(m.group(1)) if m.group(1) else _year_in(text, default_year)
        if year:
            return date(year, 10, 1), date(year, 12, 31)
    m = _START_OF_YEAR.search(text)
    if m:
        year = int(m.group(1)) if m.group(1) else _year_in(text, default_year)
        if year:
            return date(year, 1, 1), date(year, 3, 31)
    m = _RANGE_YEARS.search(text)
    if m:
        return date(int(m.group(1)), 1, 1), date(int(m.group(2)), 12, 31)
    m = _YEAR_ONLY.search(text)
    if m:
        year = int(m.group(1))
        return date(year, 1, 1), date(year, 12, 31)
    return None, None


def _year_in(text: str, default_year: int | None) -> int | None:
    m = _YEAR_ONLY.search(text)
    return int(m.group(1)) if m else default_year


def parse_timeframe(text: str | None, default_year: int | None = None) -> dict:
    """Parse a printed time frame.

    Returns ``{"text", "start", "end", "recurring", "conditional"}``; ``start``
    and ``end`` are ISO dates or None.  Deadlines ("Cuối năm 2025", "Phấn đấu
    đến năm 2025") give only an end; "Từ ..." / "Ngay từ đầu năm" give only a
    start unless an end is printed too.
    """
    # Time frames repeat across rows and plans ("Năm 2025", "Hằng năm"); values are immutable.
    return dict(_parse_timeframe(text, default_year))


@cache_short(4096, 300)
def _parse_timeframe(text: str | None, default_year: int | None) -> dict:
    printed = collapse(nfc(text or ""))
    out: dict = {"text": printed or None, "start": None, "end": None, "recurring": False, "conditional": False}
    if not printed:
        return out
    low = printed.casefold()
    out["recurring"] = bool(_RECURRING.search(low))
    out["conditional"] = bool(_CONDITIONAL.search(low))
    if out["conditional"]:
        # "Theo kế hoạch 271/KH-UBND", "Sau khi Bộ ban hành ...": the date lives elsewhere.
        return out
    if out["recurring"] and not _YEAR_ONLY.search(low):
        # "Tháng 01 và tháng 7 hằng năm" repeats: a date would be invented.
        return out
    if _FROM.match(low):
        body = _FROM.sub("", low, count=1).strip()
        parts = _TO_SPLIT.split(body, maxsplit=1)
        start, end = _interval(parts[0], default_year)
        if len(parts) == 2:
            year_hint = _year_in(parts[1], default_year)
            _, end = _interval(parts[1], year_hint)
            if start is None or (_YEAR_ONLY.search(parts[0]) is None and year_hint and start.year != year_hint):
                start, _ = _interval(parts[0], year_hint)
        else:
            end = None
        out["start"], out["end"] = _iso(start), _iso(end)
        return out
    start, end = _interval(low, default_year)
    parts = _PERIOD_DASH.split(low, maxsplit=1)
    if len(parts) == 2 and not _UNTIL.match(low) and _PERIOD_OPENING.match(parts[1]):
        # "Tháng 6/2025 - tháng 12/2025": from the first period's start to the second one's end
        # (the first takes the second's year when it prints none).
        year_hint = _year_in(parts[1], default_year)
        first, _ = _interval(parts[0], year_hint if _YEAR_ONLY.search(parts[0]) is None else default_year)
        _, last = _interval(parts[1], year_hint)
        if first is not None and last is not None and first <= last:
            start, end = first, last
    if _UNTIL.match(low) or _END_OF_YEAR.match(low):
        # A deadline: the work may start any time before it.
        start = None
    out["start"], out["end"] = _iso(start), _iso(end)
    return out


_parse_cached = _parse_timeframe.cached
_PARSE_MAX_LEN: int = _parse_timeframe.max_len


def due_of(timeframe: str | None, default_year: int | None = None) -> dict:
    """The contract's ``due`` field: ``{"start", "end", "recurring"}`` plus ``conditional``."""
    # Read only: the cached dict needs no copy.  The cache is called directly for the short texts
    # it keeps (what ``cache_short``'s wrapper would do, without the extra call per task).
    if timeframe is None or len(timeframe) <= _PARSE_MAX_LEN:
        parsed = _parse_cached(timeframe, default_year)
    else:
        parsed = _parse_timeframe(timeframe, default_year)
    return {"start": parsed["start"], "end": parsed["end"], "recurring": parsed["recurring"],
            "conditional": parsed["conditional"]}


# A leading temporal clause of a prose duty ("Hàng năm, ...", "Sau khi Chính phủ ban hành X chủ trì ...").
_LEADING_ADVERB = re.compile(
    r"^(?:(?:h[àằ]ng|mỗi)\s+(?:năm|quý|tháng|tuần)|định\s+kỳ(?:\s+h[àằ]ng\s+(?:năm|quý|tháng))?|"
    r"từng\s+(?:thời\s+kỳ|năm|quý|giai\s+đoạn)|thường\s+xuyên|trước\s+mắt)\s*,",
    re.IGNORECASE,
)
_LEADING_CLAUSE = re.compile(
    r"^(?:ngay\s+)?(?:sau\s+khi|khi|trước\s+ngày|trước|trong\s+(?:năm|quý|tháng)|đến\s+(?:năm|cuối\s+năm|hết)|"
    r"từ\s+(?:năm|quý|tháng|nay|đầu\s+năm)|năm\s+(?:19|20)\d{2}|quý\s+[IV1-4]+|tháng\s+\d{1,2}|"
    r"giai\s+đoạn|cuối\s+năm|đầu\s+năm|6\s+tháng)\b",
    re.IGNORECASE,
)
# Where a leading clause without a comma gives way to the duty itself.
_DUTY_START = re.compile(
    r"\s(?:chủ\s+trì|phối\s+hợp|tham\s+mưu|phải|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|khẩn\s+trương)\b",
)


def leading_timeframe(text: str) -> str | None:
    """The temporal clause a prose duty starts with, as printed, or None."""
    s = collapse(text)
    m = _LEADING_ADVERB.match(s)
    if m:
        return s[: m.end() - 1].strip()
    if not _LEADING_CLAUSE.match(s):
        return None
    comma = s.find(",")
    verb = _DUTY_START.search(s, 3)
    ends = [p for p in (comma, verb.start() if verb else -1) if p > 0]
    if not ends:
        return None
    clause = s[: min(ends)].strip()
    # A clause longer than a sentence part is not a time frame but the duty itself.
    return clause if len(clause.split()) <= 25 else None
