"""Prose duties: the "Tổ chức thực hiện" / "Trách nhiệm" sections of a plan.

A duty section is a top-level heading (roman numeral) about carrying out the
plan or assigning responsibility.  Inside it, items are numbered ("1."),
lettered ("a)") or bulleted ("-", "+").  Each item is one of:

- an *agency heading* ("2. Sở Nội vụ", "b) Trách nhiệm của Sở Nội vụ",
  "12. Đề nghị Báo ..., Đài ..."): the agencies lead every duty under it
  (its sub-items, or the paragraph(s) that follow it);
- a *grouping heading* ("2. Phân công tổ chức thực hiện"): only a path segment;
- a *duty sentence* ("1. Căn cứ ..., các sở, ban, ngành tỉnh ... tổ chức triển
  khai ..."): its grammatical subject leads; a paragraph with no subject
  ("Từng thời kỳ, phải có sơ kết ...") keeps the previous paragraph's lead.

A "Giao/Đề nghị <agency> ..." sentence is a duty sentence whose subject follows the verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.extract.agencies import agencies_at, agency_phrase_end, coordinators_in, split_agencies
from pipelines.extract.text import collapse
from pipelines.extract.timeframes import due_of, leading_timeframe

_ROMAN_HEADING = re.compile(r"^\s*([IVXLC]+)\s*\.\s+(\S.*)$")
_DUTY_SECTION = re.compile(r"tổ\s+chức\s+thực\s+hiện|trách\s+nhiệm|phân\s+công", re.IGNORECASE)
_MARKERS = (
    ("num", re.compile(r"^\s*(\d{1,2})\s*[.)]\s+(?=\S)")),
    ("letter", re.compile(r"^\s*([a-zđ])\s*\)\s+(?=\S)")),
    ("dash", re.compile(r"^\s*([-–])\s+(?=\S)")),
    ("plus", re.compile(r"^\s*([+•*])\s+(?=\S)")),
)
_HEADING_PREFIX = re.compile(
    r"^(?:trách\s+nhiệm\s+của|nhiệm\s+vụ\s+của|đề\s+nghị|giao(?:\s+cho)?|yêu\s+cầu)\s+", re.IGNORECASE
)
_INTRO_CLAUSE = re.compile(
    r"^(?:căn\s+cứ|trên\s+cơ\s+sở|theo(?!\s+dõi)|để|nhằm|sau\s+khi|khi|h[àằ]ng\s+năm|định\s+kỳ|từng|trong\s+quá\s+trình)\b",
    re.IGNORECASE,
)
# Where the body ends: the closing formula, the recipients, the signature block, an appendix.
_CLOSING = re.compile(
    r"^\s*(?:Trên\s+đây\s+là|Nơi\s+nhận\s*:|(?:KT|TM|TL|TUQ)\.\s|PHỤ\s+LỤC\b|Phụ\s+lục(?:\s+[IVX\d]+)?\s*$)"
)
# ``_ROMAN_HEADING`` and ``_CLOSING`` tried on every line of a whole text at once: each ``\s`` of
# theirs reads ``[^\S\n]`` (white space within the line), ``$`` the line's end.  The patterns for the
# lines after the first open with their line break: a literal first character lets the regex engine
# skip ahead to the next line (a ``^`` under MULTILINE is tried at every character).
_ROMAN_HEADING_REST = r"[^\S\n]*([IVXLC]+)[^\S\n]*\.[^\S\n]+(\S.*)$"
_ROMAN_HEADING_FIRST = re.compile(_ROMAN_HEADING_REST, re.MULTILINE)
_ROMAN_HEADING_NEXT = re.compile("\n" + _ROMAN_HEADING_REST, re.MULTILINE)
_CLOSING_NEXT = re.compile(
    r"\n[^\S\n]*(?:Trên[^\S\n]+đây[^\S\n]+là|Nơi[^\S\n]+nhận[^\S\n]*:|(?:KT|TM|TL|TUQ)\.[^\S\n]|PHỤ[^\S\n]+LỤC\b"
    r"|Phụ[^\S\n]+lục(?:[^\S\n]+[IVX\d]+)?[^\S\n]*$)",
    re.MULTILINE,
)
_ASSIGN_VERB = re.compile(r"^(?:giao(?:\s+cho)?|đề\s+nghị|yêu\s+cầu)\s+", re.IGNORECASE)
# Outside duty sections only an explicit assignment opens a duty ("Yêu cầu" there is a heading).
_ASSIGN_ANYWHERE = re.compile(r"^(?:giao(?:\s+cho)?|đề\s+nghị)\s+", re.IGNORECASE)

# What a line ``_assignments`` reads must open with (white space, a marker, white space, the verb):
# a section with no such line has no assignment.  Case-blind as ``_ASSIGN_ANYWHERE`` (the marker
# letters too: only more lines pass); led by the line break so the engine skips ahead to each line.
_ASSIGN_LINE_REST = (r"[^\S\n]*(?:(?:\d{1,2}[^\S\n]*[.)]|[a-zđ][^\S\n]*\)|[-–]|[+•*])[^\S\n]*)?"
                     r"(?:giao|đề[^\S\n]+nghị)")
_ASSIGN_LINE_FIRST = re.compile(_ASSIGN_LINE_REST, re.IGNORECASE)
_ASSIGN_LINE_NEXT = re.compile("\n" + _ASSIGN_LINE_REST, re.IGNORECASE)


@dataclass
class _Item:
    kind: str  # marker kind, "root" for the section itself
    label: str
    paragraphs: list[list[str]] = field(default_factory=list)  # each paragraph: its lines
    children: list[_Item] = field(default_factory=list)
    pos: int = 0


def _sentence_case(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        low = text.lower()
        return low[:1].upper() + low[1:]
    return text


def _wrap_width(lines: list[str]) -> int:
    """The width a hard-wrapped export breaks lines at; 10**6 when lines are whole paragraphs.

    Text rendered from DOCX/HTML has one paragraph per line: its lines are long, or most of
    them end a sentence.
    """
    filled = [ln.rstrip() for ln in lines if ln.strip()]
    if not filled:
        return 80
    lengths = sorted(len(ln) for ln in filled)
    width = lengths[int(len(lengths) * 0.9)]
    ends = sum(ln.endswith((".", ";", ":", "!", "?")) for ln in filled) / len(filled)
    return 10**6 if width > 160 or ends >= 0.6 else width


# The markers of ``_MARKERS`` open with different characters, so at most one matches a line:
# one pass (same patterns, same order) finds it.
_ANY_MARKER = re.compile(
    r"^\s*(?:(?P<num>\d{1,2})\s*[.)]\s+(?=\S)|(?P<letter>[a-zđ])\s*\)\s+(?=\S)"
    r"|(?P<dash>[-–])\s+(?=\S)|(?P<plus>[+•*])\s+(?=\S))"
)


def _marker(line: str) -> tuple[str, str, int] | None:
    m = _ANY_MARKER.match(line)
    if m is None or m.lastgroup is None:
        return None
    return m.lastgroup, m.group(m.lastgroup), m.end()


def _new_paragraph(prev: str, line: str, width: int) -> bool:
    """A hard-wrapped export starts each paragraph on a short (indented) line after a sentence end."""
    if not prev.strip():
        return True
    if width >= 10**6:
        return True  # one paragraph per line: nothing is wrapped
    ends_sentence = prev.rstrip().endswith((".", ";", ":", "!", "?", ".)", "./."))
    starts_upper = line.strip()[:1].isupper()
    return ends_sentence and starts_upper and len(line.rstrip()) < 0.75 * width


def top_sections(text: str) -> list[tuple[str, int, int]]:
    """(heading, start, end) of every top-level (roman-numbered) section of the body.

    The closing formula ("Trên đây là Kế hoạch ...") and "Nơi nhận" end the last section.
    """
    n = len(text)
    heads: list[tuple[int, str, int]] = []  # (heading line start, title, body start)
    # Every line ``_ROMAN_HEADING`` matches, found in one scan (was: each line of ``text.split``
    # matched in turn): a line continuing a heading never matches it, so no match is skipped.
    first = _ROMAN_HEADING_FIRST.match(text)
    for m in ([first] if first else []) + list(_ROMAN_HEADING_NEXT.finditer(text)):
        if not m.group(2).strip()[:1].isupper():
            continue
        line_start = m.start() if m is first else m.start() + 1
        title = m.group(2).strip()
        nxt = m.end() + 1  # start of the next line (past n when the heading is the last line)
        # All-caps headings wrap onto following all-caps lines ("VI. TỔ CHỨC THỰC" / "HIỆN").
        while nxt <= n and title.isupper():
            stop = text.find("\n", nxt)
            line = text[nxt : stop if stop >= 0 else n]
            if not (line.strip() and line.strip().isupper() and not _marker(line)
                    and not _ROMAN_HEADING.match(line)):
                break
            title += " " + line.strip()
            nxt = stop + 1 if stop >= 0 else n + 1
        heads.append((line_start, f"{m.group(1)}. {_sentence_case(collapse(title))}", min(nxt, n)))
    out = []
    for k, (_, title, start) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else n
        # Every line from ``start`` on follows a line break at or after ``start - 1``.
        closing = _CLOSING_NEXT.search(text, start - 1, end) if start < end else None
        if closing is not None:
            end = closing.start() + 1
        out.append((title, start, end))
    return out


def duty_sections(text: str) -> list[tuple[str, int, int]]:
    """Top-level sections about carrying out the plan or assigning responsibility."""
    return [s for s in top_sections(text) if _DUTY_SECTION.search(s[0])]


def _parse_items(section_text: str, base: int) -> _Item:
    lines = section_text.split("\n")
    width = _wrap_width(lines)
    root = _Item("root", "", pos=base)
    levels: list[str] = []  # marker kinds in order of first appearance = nesting depth
    stack: list[_Item] = [root]
    prev = ""
    pos = base
    for line in lines:
        line_pos = pos
        pos += len(line) + 1
        if not line.strip():
            prev = ""
            continue
        mk = _marker(line)
        if mk:
            kind, label, cut = mk
            if kind not in levels:
                levels.append(kind)
            depth = levels.index(kind) + 1
            while len(stack) > depth:
                stack.pop()
            while len(stack) < depth:
                # A deeper marker with no parent at the level above: attach to the nearest item.
                stack.append(stack[-1])
            item = _Item(kind, label, [[line[cut:].strip()]], pos=line_pos)
            stack[-1].children.append(item)
            stack.append(item)
        else:
            current = stack[-1]
            if not current.paragraphs or _new_paragraph(prev, line, width):
                current.paragraphs.append([line.strip()])
            else:
                current.paragraphs[-1].append(line.strip())
        prev = line
    return root


def _agency_heading(lines: list[str]) -> tuple[list[str], str, list[str]] | None:
    """(agencies, heading text, remaining lines) when a paragraph opens with an agency heading."""
    best = None
    words: list[str] = []  # the words of lines[:k] (``collapse`` of their join: each line split once)
    for k in range(1, len(lines) + 1):
        words += lines[k - 1].split()
        cand = " ".join(words).rstrip(":").strip()
        body = _HEADING_PREFIX.sub("", cand)
        # ``body``'s words are the last ones of ``cand``'s, which are at most ``words``: only more
        # than 40 of those can make more than 40 of ``body``'s.
        if not body or (len(words) > 40 and len(body.split()) > 40):
            break
        rest = lines[k:]
        if rest and not rest[0][:1].isupper():
            # "2. Văn phòng UBND tỉnh" / "theo dõi, ...": a wrapped sentence, not a heading.  (Tested
            # before the agency phrase is read: with or without one, the loop goes on.)
            continue
        end = agency_phrase_end(body, 0)
        if end is not None and end >= len(body.rstrip(" .:")):
            best = (split_agencies(body[:end]), cand, rest)
    return best


def subject_of(text: str) -> list[str]:
    """Agencies that are the subject of a duty sentence (after an introductory clause, if any)."""
    flat = collapse(text)
    m = _ASSIGN_VERB.match(flat)
    starts = [m.end()] if m else [0]
    if _INTRO_CLAUSE.match(flat):
        starts += [c.end() for c in re.finditer(r",\s*", flat[:400])]
    for s in starts:
        found = agencies_at(flat, s)
        if not found:
            continue
        names, end = found
        after = flat[end:].lstrip(" ,")
        # A subject is followed by its verb (lower case), not by the end of the text, or it heads
        # its duty before a colon ("Sở Tài chính: Tham mưu UBND tỉnh bố trí kinh phí").
        if after[:1].islower() or (after[:1] == ":" and after[1:].strip()):
            return names
    return []


def _is_grouping(lines: list[str]) -> bool:
    text = collapse(" ".join(lines))
    return not text.endswith(".") and len(text.split()) <= 20


def _duty(section: str, index: str, text: str, lead: list[str], pos: int, year: int | None) -> dict:
    content = collapse(text)
    timeframe = leading_timeframe(content)
    return {
        "kind": "responsibility",
        "section": section,
        "index": index,
        "content": content,
        "lead": list(lead),
        "coordinators": [c for c in coordinators_in(content) if c not in lead],
        "approver": None,
        "timeframe": timeframe,
        "due": due_of(timeframe, year),
        "_pos": pos,
    }


def _label(item: _Item) -> str:
    return {"num": f"{item.label}.", "letter": f"{item.label})"}.get(item.kind, item.label)


def _walk(item: _Item, path: list[str], lead: list[str], index_base: str, out: list[dict],
          year: int | None) -> None:
    section = " / ".join(path)
    bullets = 0
    for child in item.children:
        if child.kind in ("dash", "plus"):
            bullets += 1
            index = f"{index_base}-{bullets}" if index_base else str(bullets)
        else:
            index = child.label
        paragraphs = child.paragraphs
        heading = _agency_heading(paragraphs[0]) if paragraphs else None
        if heading is None and child.children and len(paragraphs) == 1:
            # "Sở Nội vụ có trách nhiệm:" / "Giao Sở Y thực hiện các nhiệm vụ sau:" introduces a list.
            intro = collapse(" ".join(paragraphs[0]))
            subject = subject_of(intro) if intro.endswith(":") else []
            if subject:
                heading = (subject, intro.rstrip(":").strip(), [])
        if heading:
            names, title, rest = heading
            duties = ([rest] if rest else []) + paragraphs[1:]
            if child.children:
                label = _label(child)
                _walk(child, [*path, f"{label} {title}"], names, index, out, year)
            for para in duties:
                out.append(_duty(section, index, " ".join(para), names, child.pos, year))
            continue
        if child.children and paragraphs and _is_grouping(paragraphs[0]):
            title = collapse(" ".join(paragraphs[0]))
            label = _label(child)
            sub_lead = subject_of(title) or lead
            _walk(child, [*path, f"{label} {title}"], sub_lead, index, out, year)
            continue
        current = lead
        for para in paragraphs:
            subject = subject_of(" ".join(para))
            current = subject or current
            if current:
                out.append(_duty(section, index, " ".join(para), current, child.pos, year))
        if child.children:
            _walk(child, path, current or lead, index, out, year)


def _assignments(title: str, text: str, base: int, year: int | None) -> list[dict]:
    """"Giao Sở X ..." / "Đề nghị Y ..." paragraphs outside the duty sections."""
    out: list[dict] = []
    if _ASSIGN_LINE_FIRST.match(text) is None and _ASSIGN_LINE_NEXT.search(text) is None:
        return out
    lines = text.split("\n")
    width = -1  # ``_wrap_width(lines)``, computed at the first assignment (most sections have none)
    pos = base
    i = 0
    while i < len(lines):
        line_pos = pos
        mk = _marker(lines[i])
        body = lines[i][mk[2]:] if mk else lines[i]
        pos += len(lines[i]) + 1
        i += 1
        if not _ASSIGN_ANYWHERE.match(body.strip()):
            continue
        para = [body.strip()]
        if width < 0:
            width = _wrap_width(lines)
        while i < len(lines) and lines[i].strip() and not _marker(lines[i]) \
                and not _new_paragraph(lines[i - 1], lines[i], width):
            para.append(lines[i].strip())
            pos += len(lines[i]) + 1
            i += 1
        lead = subject_of(" ".join(para))
        if lead:
            index = mk[1] if mk and mk[0] in ("num", "letter") else ""
            out.append(_duty(title, index, " ".join(para), lead, line_pos, year))
    return out


def extract_responsibilities(text: str, default_year: int | None = None) -> list[dict]:
    """Duties listed in the plan's duty sections, each led by its agency heading or subject,
    and "Giao/Đề nghị <agency> ..." sentences anywhere else in the body."""
    out: list[dict] = []
    for title, start, end in top_sections(text):
        if not _DUTY_SECTION.search(title):
            out.extend(_assignments(title, text[start:end], start, default_year))
            continue
        root = _parse_items(text[start:end], start)
        # Paragraphs before the first item belong to no agency unless they name one as subject.
        lead: list[str] = []
        for para in root.paragraphs:
            subject = subject_of(" ".join(para))
            if subject:
                lead = subject
                out.append(_duty(title, "", " ".join(para), lead, start, default_year))
        _walk(root, [title], [], "", out, default_year)
    return out
