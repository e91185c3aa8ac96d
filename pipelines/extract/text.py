"""Text views over a decoded source that keep a map back to its character offsets.

Plans arrive hard-wrapped: a citation or an agency name may be split over two
lines.  Extraction runs on a *flat* view where every whitespace run is one
space, and reports spans in the original decoded (NFC) text through the
offset map, so provenance always points at the real characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from inspect import Parameter, signature
from typing import Any, Protocol, TypeVar, cast

# The opening of a short name defined in brackets: "(sau đây gọi tắt là X)", "(gọi tắt là X)",
# "(sau đây được viết tắt là: X)", "(sau đây gọi tắt X)"; the short name follows it.
DEFINED_SHORT_NAME_OPENING = r"\(\s*(?:sau\s+đây\s+)?(?:được\s+)?(?:gọi|viết)\s+tắt\s+(?:là\s*:?\s*)?"

_WHITESPACE = re.compile(r"\s+")
T = TypeVar("T")


def nfc(text: str) -> str:
    """Normalise to NFC; Vietnamese diacritics are kept, never stripped."""
    return unicodedata.normalize("NFC", text)


# Every character ``str.split()`` splits on (``str.isspace``) but the space and the line break,
# which every text holds; a text rarely holds any of these (the tests check the list is complete).
RARE_SPACES = ("\t", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680",
               *map(chr, range(0x2000, 0x200B)), "\u2028", "\u2029", "\u202f", "\u205f", "\u3000")


def collapse(text: str) -> str:
    """Collapse whitespace runs (line breaks included) to one space and strip."""
    # = " ".join(text.split()) (str.split() splits on exactly the characters ``\s`` matches,
    # str.isspace), by whole-text replacements as collapse_long does: a few C scans of the text
    # instead of a list of its words, faster from about twenty characters on and never slower.
    if "\n" in text:
        text = text.replace("\n", " ")
    if not text.isprintable():  # (see collapse_long)
        for c in RARE_SPACES:
            if c in text:
                text = text.replace(c, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def collapse_long(text: str) -> str:
    """:func:`collapse` by whole-text replacements, faster on a long text (a document).

    Each whitespace character becomes a space, then runs of spaces are halved until none is
    left and the ends are stripped: the words ``str.split()`` gives, joined by one space.
    Every pass is one C scan of the text; a run of ``n`` spaces needs ``log2(n)`` passes.
    """
    text = text.replace("\n", " ")
    # Every character of RARE_SPACES is unprintable (str.isprintable: categories Cc, Zs but the
    # space, Zl, Zp; checked in the tests), and a text without unprintable characters holds none
    # of them: one scan instead of one per character.
    if not text.isprintable():
        for c in RARE_SPACES:
            if c in text:
                text = text.replace(c, " ")
    while _TWO_SPACES.search(text):  # ``"  " in text``: the regex finds it sooner in a long text
        text = text.replace("  ", " ")
    return text.strip(" ")


_TWO_SPACES = re.compile("  ")


@lru_cache(maxsize=2)
def nfc_document(text: str) -> str:
    """``nfc(text)`` of a whole document, computed once for the extractors that all need it.

    Keyed by the document text (its hash is computed once per string); two entries are enough
    for one record at a time, and a worker does not hold on to older documents.
    """
    return nfc(text)


@lru_cache(maxsize=2)
def flat_document(text: str) -> str:
    """``collapse(nfc(text))`` of a whole document, computed once (see :func:`nfc_document`)."""
    return collapse_long(nfc_document(text))


@dataclass(frozen=True, slots=True)
class FlatText:
    """A whitespace-collapsed view of ``original`` with an offset map.

    ``offsets[i]`` is the index in ``original`` of ``flat[i]``; one extra
    entry maps the end of ``flat`` to the end of the original text.
    """

    original: str
    flat: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``flat`` back to ``original``."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def flatten(original: str) -> FlatText:
    """Build the flat view: every whitespace run becomes a single space."""
    flat_chars: list[str] = []
    offsets: list[int] = []
    last = 0
    for match in _WHITESPACE.finditer(original):
        for i in range(last, match.start()):
            flat_chars.append(original[i])
            offsets.append(i)
        flat_chars.append(" ")
        offsets.append(match.start())
        last = match.end()
    for i in range(last, len(original)):
        flat_chars.append(original[i])
        offsets.append(i)
    offsets.append(len(original))
    return FlatText(original=original, flat="".join(flat_chars), offsets=tuple(offsets))


class ShortCached(Protocol[T]):
    """A function wrapped by :func:`cache_short`, with the parts hot loops call directly."""

    cached: Callable[..., T]  # the lru_cache (for arguments no longer than ``max_len``)
    __wrapped__: Callable[..., T]  # the plain function
    max_len: int

    def __call__(self, *args: Any) -> T: ...

    def cache_clear(self) -> None: ...


def _one_positional_argument(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` takes exactly one positional argument and nothing else (no ``*a``, ``**k``,
    keyword-only)."""
    params = list(signature(fn).parameters.values())
    return len(params) == 1 and params[0].kind in (Parameter.POSITIONAL_ONLY, Parameter.POSITIONAL_OR_KEYWORD)


def cache_short(maxsize: int, max_len: int = 2000) -> Callable[[Callable[..., T]], ShortCached[T]]:
    """``functools.lru_cache`` for pure functions of a text, skipped when the text is long.

    Extraction calls the same helpers with the same cells, names and phrases over and over;
    caching them pays, but a cache keyed by whole paragraphs or documents would hold on to
    their text.  Calls whose first argument is longer than ``max_len`` characters run uncached,
    so a full cache holds at most ``maxsize * max_len`` characters of keys.
    """

    def decorate(fn: Callable[..., T]) -> ShortCached[T]:
        cached = lru_cache(maxsize=maxsize)(fn)

        if _one_positional_argument(fn):

            @wraps(fn)
            def call(first: Any) -> T:  # the common case, without packing arguments
                if first is None or len(first) <= max_len:
                    return cached(first)
                return fn(first)

        else:

            @wraps(fn)
            def call(*args: Any) -> T:
                first = args[0]
                if first is None or len(first) <= max_len:
                    return cached(*args)
                return fn(*args)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        # For hot loops that check the length themselves and skip this wrapper.
        call.cached = cached  # type: ignore[attr-defined]
        call.max_len = max_len  # type: ignore[attr-defined]
        return cast(ShortCached[T], call)

    return decorate
