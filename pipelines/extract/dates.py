"""Vietnamese dates in instrument text -> ISO strings."""

from __future__ import annotations

import datetime as dt
import re

# "ngày 15 tháng 7 năm 2021" (any whitespace, also across lines) or "ngày 15/7/2021", "15-7-2021", "15.7.2021".
_DAY_MONTH_YEAR = (
    r"(?P<d1>\d{1,2})\s+tháng\s+(?P<m1>\d{1,2})\s*,?\s+năm\s+(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<y2>\d{4})"
)
DATE_RE = re.compile(_DAY_MONTH_YEAR)
# A date introduced by "ngày" right at the current position (after optional spaces/commas).
DATE_AFTER_RE = re.compile(r"[\s,]*(?:ban\s+hành\s+)?ngày\s+(?:" + _DAY_MONTH_YEAR + r")", re.IGNORECASE)


def iso_date(day: str | int, month: str | int, year: str | int) -> str | None:
    """ISO date, or ``None`` when the parts do not form a real date."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def date_from_match(m: re.Match[str]) -> str | None:
    if m.group("d1"):
        return iso_date(m.group("d1"), m.group("m1"), m.group("y1"))
    return iso_date(m.group("d2"), m.group("m2"), m.group("y2"))


def parse_date(text: str) -> str | None:
    """First date in ``text`` as ISO, or ``None``."""
    m = DATE_RE.search(text)
    return date_from_match(m) if m else None


def date_at(text: str, pos: int) -> tuple[str | None, int]:
    """A "ngày ..." date starting at ``pos`` (spaces and commas skipped): (ISO date, end) or (None, pos)."""
    m = DATE_AFTER_RE.match(text, pos)
    if not m:
        return None, pos
    return date_from_match(m), m.end()
