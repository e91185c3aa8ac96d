"""Reading the source text of a regular expression (used to derive faster patterns from slow ones)."""

from __future__ import annotations


def top_level_alternatives(pattern: str) -> list[str]:
    """The ``|`` alternatives of a regex source outside any group or class, escapes kept whole.

    ``"a[|(]b|c\\|d|(e|f)g"`` -> ``["a[|(]b", "c\\|d", "(e|f)g"]``; a ``]`` right after a class's
    opening ``[`` is a member (``"[]|]x|y"`` -> ``["[]|]x", "y"]``).
    """
    out: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out
