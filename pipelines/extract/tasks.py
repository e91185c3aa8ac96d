"""Tasks of a plan: appendix table rows and prose responsibilities.

Appendix rows come from :mod:`pipelines.extract.tables`; prose duties from
:mod:`pipelines.extract.responsibilities`.  Agency names stay as printed
(lead, coordinators); the record's ``agencies`` list resolves them.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from pathlib import Path

from pipelines.extract.agencies import lead_cell_names, split_agencies
from pipelines.extract.responsibilities import extract_responsibilities
from pipelines.extract.tables import Table, find_tables, flat_cell, table_rows
from pipelines.extract.text import collapse, collapse_long, flat_document, nfc_document
from pipelines.extract.timeframes import due_of

# The plan says its task list lives in an appendix ("Các nội dung nhiệm vụ cụ thể ... tại Phụ lục",
# "IV. DANH MỤC CÁC NHIỆM VỤ ... (Phụ lục đính kèm)").  Its "Tổ chức thực hiện" section is then
# general guidance, and the duties with lead and coordinators are the appendix rows.
# The appendix must be the plan's own ("đính kèm", "kèm theo Kế hoạch này"), not another
# instrument's ("Phụ lục kèm theo Quyết định số 06/QĐ-TTg").
_OWN_APPENDIX = (r"phụ\s+lục(?:\s+(?:[IVX]+|\d+))?\s*(?:\)|đính\s+kèm|kèm\s+theo"
                 r"(?!\s+(?:quyết\s+định|nghị\s+quyết|nghị\s+định|chỉ\s+thị|thông\s+tư|kế\s+hoạch)\s+số))")
_TASKS_IN_APPENDIX = re.compile(
    r"nhiệm\s+vụ[^.;]{0,200}?" + _OWN_APPENDIX + r"|" + _OWN_APPENDIX + r"[^.;]{0,60}?nhiệm\s+vụ", re.IGNORECASE
)


_YEAR_OPENING = re.compile(r"(\d{4})")


def _default_year(document: dict) -> int | None:
    d = (document or {}).get("date") or ""
    m = _YEAR_OPENING.match(str(d))
    return int(m.group(1)) if m else None


def _sentence_case(text: str) -> str:
    """"DANH MỤC MỘT SỐ MỤC TIÊU" -> "Danh mục một số mục tiêu" (only for all-caps text)."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        low = text.lower()
        return low[:1].upper() + low[1:]
    return text


_APPENDIX_LINE = re.compile(r"^phụ\s+lục\b", re.IGNORECASE)


def appendix_title(caption: str) -> str:
    """Section name of a table without section rows, from its caption ("PHỤ LỤC / DANH MỤC ...")."""
    lines = [ln for ln in map(collapse, caption.split("\n")) if ln]
    out: list[str] = []
    started = False
    for ln in lines:
        if _APPENDIX_LINE.match(ln):
            started = True
            out = []
            continue
        if ln.startswith("("):
            break
        if started or not out:
            out.append(ln)
    title = _sentence_case(" ".join(out))
    return f"Phụ lục: {title}" if started and title else (f"Phụ lục: {title}" if title else "Phụ lục")


def appendix_tasks(table: Table, document: dict) -> list[dict]:
    """One task per body row of a task table."""
    year = _default_year(document)
    default_section = appendix_title(table.caption)
    # Optional columns ("Sản phẩm", "Ghi chú") are kept when the table has them.
    extra_roles = [r for r in ("output", "note") if r in table.roles]
    pos = table.start
    # due_of(timeframe, year) per distinct time frame of the table: rows repeat them ("Năm 2025"),
    # and each task gets its own copy (the values are str, None or bool).
    dues: dict[str | None, dict] = {}
    tasks: list[dict] = []
    for row in table_rows(table):
        cells = row.cells
        lead = cells.get("lead", "")
        # The cache is called directly for the cells short enough for it (cache_short's own rule).
        leads, extra = _lead_cached(lead) if lead is None or len(lead) <= _LEAD_MAX_LEN else lead_cell_names(lead)
        coords = split_agencies(cells.get("coordinators", ""))  # a new list: the task may own it
        if extra:
            coords = [*extra, *(c for c in coords if c not in extra)]
        # (An absent or empty cell collapses to "": no call for it.)
        approver = cells.get("approver")
        approver = (flat_cell(table, approver) or None) if approver else None
        timeframe = cells.get("timeframe")
        timeframe = (flat_cell(table, timeframe) or None) if timeframe else None
        due = dues.get(timeframe)
        if due is None:
            due = dues[timeframe] = due_of(timeframe, year)
        task = {
            "kind": "appendix_row",
            "section": row.section or default_section,
            "index": row.index,
            "content": cells["content"],
            "lead": list(leads),
            "coordinators": coords,
            "approver": approver,
            "timeframe": timeframe,
            "due": due.copy(),
            "_pos": pos,
        }
        for extra_role in extra_roles:
            task[extra_role] = flat_cell(table, cells.get(extra_role, "")) or None
        tasks.append(task)
    return tasks


_lead_cached = lead_cell_names.cached
_LEAD_MAX_LEN: int = lead_cell_names.max_len


def is_task_table(table: Table) -> bool:
    return "content" in table.roles and ("lead" in table.roles or "coordinators" in table.roles)


def tasks_delegated_to_appendix(body: str, tables: list[Table]) -> bool:
    """True when the body sends its task list to an appendix (see ``_TASKS_IN_APPENDIX``)."""
    return _delegated(collapse(body), tables)


# ``phụ\s+lục`` under IGNORECASE, spelled case by case: each of its letters equals under
# IGNORECASE only its two cases.  A pattern with a case-sensitive first character lets the
# regex engine skip ahead, where the IGNORECASE pattern tries every position.
_APPENDIX_WORD = re.compile(r"[pP][hH][ụỤ]\s+[lL][ụỤ][cC]")
# The same matches, each led by its "ụ" or its "Ụ" (a literal the engine finds far faster than a
# leading class; the "ph" before it checked by a look-behind): a match starts two characters before.
# Matches never overlap (only the first letter of one can open another), so the two scans together
# give every match ``_APPENDIX_WORD.finditer`` gives.
_APPENDIX_WORD_BY_U = tuple(re.compile(f"{u}(?<=[pP][hH]{u})" + r"\s+[lL][ụỤ][cC]") for u in "ụỤ")


def _appendix_word_starts(text: str) -> list[int]:
    """``[m.start() for m in _APPENDIX_WORD.finditer(text)]``."""
    lower, upper = ([m.start() - 2 for m in pattern.finditer(text)] for pattern in _APPENDIX_WORD_BY_U)
    return sorted(lower + upper) if upper else lower


_SENTENCE_SEP = re.compile(r"[.;]")


def _mentions_appendix_tasks(flat_body: str) -> bool:
    """``bool(_TASKS_IN_APPENDIX.search(flat_body))``, searched only in the sentences holding a "phụ lục".

    Every match holds a "phụ lục" and, from its start to its end, no "." or ";" (its words, white
    space and ``[^.;]`` runs hold none), so it lies in the run between the "." or ";" before that
    "phụ lục" and the next one.  Searched with that run's bounds, the pattern finds the same
    matches there: it has no look-behind, and its one look-ahead reads words and white space, which
    stop at that "." or ";" as they stop at the end of the run.
    """
    searched_to = 0
    for p0 in _appendix_word_starts(flat_body):
        if p0 < searched_to:
            continue  # (in the run searched last)
        start = max(flat_body.rfind(".", 0, p0), flat_body.rfind(";", 0, p0)) + 1
        sep = _SENTENCE_SEP.search(flat_body, p0)
        end = sep.start() if sep is not None else len(flat_body)
        if _TASKS_IN_APPENDIX.search(flat_body, start, end) is not None:
            return True
        searched_to = end
    return False


_TASKS_WORD = re.compile(r"nhiệm\s+vụ", re.IGNORECASE)


def _delegated(flat_body: str, tables: list[Table]) -> bool:
    return _captions_name_tasks(tables) or _mentions_appendix_tasks(flat_body)


def _captions_name_tasks(tables: list[Table]) -> bool:
    """A task table whose caption says "nhiệm vụ" (the body need not be read then)."""
    return any(is_task_table(t) and _TASKS_WORD.search(t.caption) for t in tables)


def _flat_outside(text: str, tables: list[Table]) -> str | None:
    """``collapse`` of ``text`` with the tables blanked: the words outside them, joined by one space
    (a blanked table is whitespace, so it only separates words).  None for a table span that the
    blanking would not keep in place (start after end).

    The pieces outside the tables, joined by a space (which keeps words of two pieces apart), are
    collapsed by ``collapse_long``, which equals ``collapse`` and is faster on a document.  With no
    table to blank that is the flat text of the whole document, which ``flat_document`` computes
    once for every extractor that reads it (when the text is NFC already, as decoded sources are).
    """
    pieces: list[str] = []
    pos = 0
    for start, end in sorted((t.start, t.end) for t in tables):
        if start < 0 or start > end:
            return None
        if start == end:
            continue  # blanks nothing, so splits no word
        if start > pos:
            pieces.append(text[pos:start])
        pos = max(pos, end)
    if pos == 0:  # (nothing blanked)
        return flat_document(text) if nfc_document(text) == text else collapse_long(text)
    pieces.append(text[pos:])
    return collapse_long(" ".join(pieces))


def _blank_tables(text: str, tables: list[Table]) -> str:
    """The text with the tables blanked out (offsets kept), wherever the tables sit."""
    prose = text
    for t in tables:
        prose = prose[: t.start] + _blank(prose[t.start : t.end]) + prose[t.end :]
    return prose


def _blank(text: str) -> str:
    """Every character but line breaks turned into a space (lengths and line offsets kept)."""
    return "\n".join(map(" ".__mul__, map(len, text.split("\n"))))


def extract_tasks(text: str, document: dict, *, tables: list[Table] | None = None) -> list[dict]:
    """Every appendix task row and every prose duty, in document order, numbered by ``seq``.

    ``tables`` is ``find_tables(text)`` when the caller has it already (read, never changed).
    """
    tables = [t for t in (find_tables(text) if tables is None else tables) if is_task_table(t)]
    tasks: list[dict] = []
    for t in tables:
        tasks.extend(appendix_tasks(t, document))
    # The appendix test reads the words outside the tables; the prose itself is only built when read.
    # A caption naming the tasks settles the test without the words.
    prose = None
    delegated = _captions_name_tasks(tables)
    if not delegated:
        flat_prose = _flat_outside(text, tables)
        if flat_prose is None:
            prose = _blank_tables(text, tables)
            delegated = tasks_delegated_to_appendix(prose, tables)
        else:
            delegated = _delegated(flat_prose, tables)
    if not delegated:
        prose = prose if prose is not None else _blank_tables(text, tables)
        tasks.extend(extract_responsibilities(prose, default_year=_default_year(document)))
    tasks.sort(key=lambda t: t.pop("_pos", 0))
    out = []
    for seq, found in enumerate(tasks, start=1):
        # Keys in the order kind, seq, then the task's own; updating keeps "kind" in its first place.
        task = {"kind": found["kind"], "seq": seq}
        task.update(found)
        out.append(task)
    return out


TASKS_CSV_FIELDS = ("plan", "source", "seq", "kind", "section", "index", "content", "lead", "coordinators",
                    "approver", "timeframe", "start", "end", "recurring")


def write_tasks_csv(records: list[dict], path: str | os.PathLike[str]) -> int:
    """Write ``outputs/tasks.csv`` (one row per task of every record) atomically; returns the row count."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = [row for record in records for row in tasks_csv_rows(record)]
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=TASKS_CSV_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(rows)


def tasks_csv_rows(record: dict) -> list[dict]:
    """Flat rows for ``outputs/tasks.csv``: plan, section, content, lead, coordinators, approver, time frame."""
    doc = record.get("document") or {}
    rows = []
    for t in record.get("tasks") or []:
        due = t.get("due") or {}
        rows.append({
            "plan": doc.get("number") or record.get("source"),
            "source": record.get("source"),
            "seq": t.get("seq"),
            "kind": t.get("kind"),
            "section": t.get("section"),
            "index": t.get("index"),
            "content": t.get("content"),
            "lead": "; ".join(t.get("lead") or []),
            "coordinators": "; ".join(t.get("coordinators") or []),
            "approver": t.get("approver") or "",
            "timeframe": t.get("timeframe") or "",
            "start": due.get("start") or "",
            "end": due.get("end") or "",
            "recurring": bool(due.get("recurring")),
        })
    return rows
