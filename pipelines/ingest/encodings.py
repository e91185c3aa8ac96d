"""Decoding Vietnamese text bytes, including the legacy font encodings TCVN3 and VNI.

Plans still circulate as exports of documents typed in the 1990s-2000s with
font-based encodings: TCVN3/ABC (``.VnTime``: one byte per precomposed
letter) and VNI (``VNI-Times``: a base letter followed by a byte carrying the
diacritics).  Such bytes decode without error as Windows-1252/1258 and give
mojibake ("Kh¸nh Hßa", "chaøo"), so no decoding is trusted on its own: each
candidate is scored by how Vietnamese its non-ASCII words look, and text
that is mojibake under every candidate is rejected rather than ingested.

The same check runs on text that is already Unicode (DOCX, HTML, PDF text
layers, UTF-8 files): a document typed in a legacy font and saved as Unicode
carries the Windows-1252 image of the legacy bytes, which is repaired the
same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pipelines.extract.text import nfc


class EncodingProblem(ValueError):
    """The bytes are not text in any encoding we accept (reason in the message)."""


# --------------------------------------------------------------------------- letters

_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # none, grave, acute, tilde, hook, dot
_TONE_MARKS = frozenset(_TONES[1:])
_BASE_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")


def _vietnamese_letters() -> frozenset[str]:
    letters: set[str] = set("abcdefghijklmnopqrstuvwxyz") | {"đ"}
    for vowel in _BASE_VOWELS:
        for tone in _TONES:
            letters.add(nfc(vowel + tone))
    return frozenset(letters | {c.upper() for c in letters})


VIETNAMESE_LETTERS: frozenset[str] = _vietnamese_letters()

# Punctuation that genuine Vietnamese text uses outside ASCII; never evidence of mojibake.
_NEUTRAL_PUNCT = frozenset("\u00a0–—‘’‚“”„…•·«»°€™©§²³¼½¾¹º\u200b\u00ad\ufeff")


def _has_tone(ch: str) -> bool:
    return any(m in _TONE_MARKS for m in unicodedata.normalize("NFD", ch)[1:])


def _suspicious(ch: str) -> bool:
    """A non-ASCII Latin-range character that Vietnamese text does not use."""
    cp = ord(ch)
    if cp < 0x80 or ch in VIETNAMESE_LETTERS or ch in _NEUTRAL_PUNCT:
        return False
    return cp <= 0x036F or cp == 0xFFFD or 0x1E00 <= cp <= 0x1EFF


# A word holding at least one non-ASCII letter (pure-ASCII words are no evidence either way).
_TOKEN = re.compile(r"[^\W\d_]*[^\W\d_\x00-\x7f][^\W\d_]*", re.UNICODE)


def _stray_symbols() -> re.Pattern[str]:
    """Suspicious characters that are not letters, so never part of a word (¸ ¶ × stray marks ...)."""
    codepoints = [*range(0x80, 0x370), 0xFFFD, *range(0x1E00, 0x1F00)]
    chars = [chr(c) for c in codepoints if _suspicious(chr(c)) and not chr(c).isalpha()]
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


_STRAY = _stray_symbols()
# Every character _suspicious accepts (it only accepts code points up to U+036F, U+FFFD and U+1E00-U+1EFF):
# one regex scan instead of a Python test per distinct character.
_SUSPICIOUS_CHAR = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in (*range(0x80, 0x370), 0xFFFD, *range(0x1E00, 0x1F00))
                  if _suspicious(chr(c))) + "]"
)


@lru_cache(maxsize=1 << 16)
def _word_verdict(word: str) -> int:
    """+1 a Vietnamese word, -1 a word only mojibake makes, 0 no evidence (another script)."""
    if any(_suspicious(c) for c in word):
        return -1
    if all(c in VIETNAMESE_LETTERS for c in word):
        return 1 if sum(_has_tone(c) for c in word) <= 1 else -1
    return 0


@dataclass(frozen=True, slots=True)
class VietScore:
    """How Vietnamese the non-ASCII part of a text looks.

    ``good``: words with Vietnamese letters and at most one tone mark;
    ``bad``: words or symbols that only mojibake produces.  ``ratio`` is 1.0
    for text with no evidence either way (pure ASCII, other scripts).
    """

    good: int
    bad: int

    @property
    def evidence(self) -> int:
        return self.good + self.bad

    @property
    def ratio(self) -> float:
        return 1.0 if self.evidence == 0 else self.good / self.evidence


def vietnamese_score(text: str) -> VietScore:
    good = bad = 0
    for word in _TOKEN.findall(text):  # syllables repeat: the verdict cache does most of the work
        verdict = _word_verdict(word)
        if verdict > 0:
            good += 1
        elif verdict < 0:
            bad += 1
    return VietScore(good=good, bad=bad + len(_STRAY.findall(text)))


# --------------------------------------------------------------------------- Windows-1252 image


def _cp1252_image() -> tuple[str, dict[str, int]]:
    """Byte -> char as Windows shows legacy-font bytes (undefined cp1252 slots as Latin-1)."""
    chars = []
    for b in range(256):
        try:
            chars.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(b))
    return "".join(chars), {c: i for i, c in enumerate(chars)}


_CP1252_CHARS, _CP1252_BYTES = _cp1252_image()


def _to_image(data: bytes) -> str:
    return "".join(_CP1252_CHARS[b] for b in data)


# --------------------------------------------------------------------------- TCVN3 (ABC)

# TCVN 5712:1993 bytes 0xA0-0xFF (checked against glibc iconv "TCVN5712-1" and
# public converters: 0xB8 "¸" = á, 0xB6 "¶" = ả, 0xBE "¾" = ắ, 0xAC "¬" = ơ,
# 0xEA "ê" = ờ).  TCVN3 proper (VN3) assigns only the 7 capitals at 0xA1-0xA7
# plus 67 lowercase letters; the other capitals here come from VN1/VN2 and
# are harmless in VN3 text, where those slots are unused.  Bytes 0x80-0x9F
# keep their Windows-1252 meaning (quotes, dashes) as .VnTime fonts drew them.
_TCVN3_HIGH = (
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"  # 0xA0-0xAF
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # 0xB0-0xBF
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # 0xC0-0xCF
    "éẹềểễếệìỉỄẾỒĩíịò"  # 0xD0-0xDF
    "Ổỏõóọồổỗốộờởỡớợù"  # 0xE0-0xEF
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # 0xF0-0xFF
)
assert len(_TCVN3_HIGH) == 96

TCVN3_DECODE: dict[int, str] = {b: _CP1252_CHARS[b] for b in range(0x80, 0xA0)} | {
    0xA0 + i: c for i, c in enumerate(_TCVN3_HIGH)
}
# Inverse for text typed in .VnTime: capitals with tone marks have no byte of
# their own (they were typed as lowercase codes in the capital font .VnTimeH).
TCVN3_ENCODE: dict[str, int] = {
    c: b for b, c in TCVN3_DECODE.items() if not unicodedata.combining(c) and unicodedata.category(c) != "Cc"
}


def decode_tcvn3(data: bytes) -> str:
    table = [chr(b) for b in range(0x80)] + [TCVN3_DECODE[b] for b in range(0x80, 0x100)]
    return _repair_capital_font(nfc("".join(table[b] for b in data)))


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3 bytes as a .VnTime/.VnTimeH typist produced them (tests, round trips)."""
    out = bytearray()
    for ch in nfc(text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in TCVN3_ENCODE and (ch.islower() or TCVN3_ENCODE[ch] <= 0xA7):
            out.append(TCVN3_ENCODE[ch])
        elif ch.lower() in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[ch.lower()])
        else:
            raise ValueError(f"character {ch!r} has no TCVN3 byte")
    return bytes(out)


_WORD = re.compile(r"\S+")


def _repair_capital_font(text: str) -> str:
    """Restore capitals typed in the all-capital font (.VnTimeH).

    In that font a lowercase code draws as a capital, so "KÕ HO¹CH" decodes
    to "Kế HOạCH".  A line with no ASCII lowercase letter and at least one
    word of two or more ASCII capitals mixed with decoded letters is a
    capital-font line: all its letters become capitals.  "Số: 35/KH-UBND"
    stays as it is (one ASCII letter in the accented word).
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line or any("a" <= c <= "z" for c in line):
            continue
        if any(
            sum(1 for c in w if "A" <= c <= "Z") >= 2 and any(not c.isascii() and c.islower() for c in w)
            for w in _WORD.findall(line)
        ):
            lines[i] = line.upper()
    return "\n".join(lines)


# --------------------------------------------------------------------------- VNI (VNI-Windows)

# In VNI fonts a vowel is followed by one byte carrying its diacritics; the
# bytes are shown here as Windows-1252 characters (how the fonts are mapped).
_VNI_MODIFIERS: dict[str, str] = {
    "ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
    "â": "\u0302", "á": "\u0302\u0301", "à": "\u0302\u0300", "å": "\u0302\u0309",
    "ã": "\u0302\u0303", "ä": "\u0302\u0323",
    "ê": "\u0306", "é": "\u0306\u0301", "è": "\u0306\u0300", "ú": "\u0306\u0309",
    "ü": "\u0306\u0303", "ë": "\u0306\u0323",
}  # fmt: skip
# Letters that are one byte of their own in VNI.
_VNI_LETTERS: dict[str, str] = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
}  # fmt: skip
VNI_MODIFIERS = _VNI_MODIFIERS | {k.upper(): v for k, v in _VNI_MODIFIERS.items()}
VNI_LETTERS = _VNI_LETTERS | {k.upper(): v.upper() for k, v in _VNI_LETTERS.items()}
_VNI_BASES = frozenset("aeouyAEOUYơưƠƯ")


def vni_from_image(image: str) -> str:
    """Convert the Windows-1252 image of VNI bytes to NFC Unicode."""
    out: list[str] = []
    for ch in image:
        if ch in VNI_MODIFIERS and out and out[-1] in _VNI_BASES:
            out[-1] = nfc(out[-1] + VNI_MODIFIERS[ch])
        else:
            out.append(VNI_LETTERS.get(ch, ch))
    return nfc("".join(out))


def decode_vni(data: bytes) -> str:
    return vni_from_image(_to_image(data))


_VNI_MARKS_TO_MODIFIER = {v: k for k, v in _VNI_MODIFIERS.items()}
_VNI_LETTER_FOR = {v: k for k, v in _VNI_LETTERS.items() if k not in "íì"}


def encode_vni(text: str) -> bytes:
    """Unicode -> VNI bytes (tests, round trips)."""
    out: list[str] = []
    for ch in nfc(text):
        if ch.isascii():
            out.append(ch)
            continue
        upper = ch.isupper()
        low = ch.lower()
        if low in _VNI_LETTER_FOR:
            key = _VNI_LETTER_FOR[low]
            out.append(key.upper() if upper else key)
            continue
        decomposed = unicodedata.normalize("NFD", low)
        base, marks = decomposed[0], decomposed[1:]
        shape = "".join(m for m in marks if m in "\u0302\u0306\u031b")
        tone = "".join(m for m in marks if m in _TONE_MARKS)
        if base == "i" and not shape:
            key = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}[tone]
            out.append(key.upper() if upper else key)
            continue
        if shape == "\u031b":
            horn_base = _VNI_LETTER_FOR[nfc(base + shape)]
            out.append(horn_base.upper() if upper else horn_base)
            shape = ""
        else:
            out.append(base.upper() if upper else base)
        if shape or tone:
            key = _VNI_MARKS_TO_MODIFIER[shape + tone]
            out.append(key.upper() if upper else key)
    return "".join(out).encode("cp1252")


# --------------------------------------------------------------------------- decoding files

ACCEPT_RATIO = 0.85  # share of Vietnamese-looking evidence a decoding must reach
MOJIBAKE_MIN_EVIDENCE = 5  # fewer suspicious words than this is too little to judge


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    legacy: str | None = None  # "tcvn3" / "vni" / "utf-8-as-cp1252": what the text was converted from
    bom: bool = False
    score: float = 1.0


_LEGACY_DECODERS: dict[str, Callable[[bytes], str]] = {
    "cp1258": lambda data: nfc(data.decode("cp1258", errors="replace")),
    "tcvn3": decode_tcvn3,
    "vni": decode_vni,
}
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def sniff_bom(data: bytes) -> tuple[str | None, int]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None, 0


def _looks_utf16_without_bom(data: bytes) -> str | None:
    """ASCII-heavy UTF-16 has NUL in every other byte; binary data does not."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    half = len(sample) // 2
    odd = sample[1::2].count(0) / half
    even = sample[0::2].count(0) / half
    if odd > 0.4 and even < 0.02:
        return "utf-16-le"
    if even > 0.4 and odd < 0.02:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode text bytes: BOM, then strict UTF-8, then the declared charset, then scored guesses.

    Raises :class:`EncodingProblem` for binary data and for bytes that no
    accepted encoding turns into Vietnamese-looking text.
    """
    name, skip = sniff_bom(data)
    if name is not None:
        try:
            text = data[skip:].decode(name.removesuffix("-sig") if name == "utf-8-sig" else name)
        except UnicodeDecodeError as exc:
            raise EncodingProblem(f"has a {name} byte-order mark but invalid {name} data at byte {exc.start}") from exc
        return _check_unicode(text, name, bom=True)
    utf16 = _looks_utf16_without_bom(data)
    if utf16 is not None:
        try:
            return _check_unicode(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise EncodingProblem("binary data (NUL bytes), not text")
    try:
        return _check_unicode(data.decode("utf-8"), "utf-8", utf8=data)
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            # every byte before is valid UTF-8: the file was cut inside its last character
            raise EncodingProblem(
                f"truncated UTF-8 text: the file ends inside a multi-byte character (byte {exc.start})"
            ) from exc
        utf8_error = f"{exc.reason} at byte {exc.start}"
    candidates: list[Decoded] = []
    if declared:
        try:
            text = nfc(data.decode(declared))
            candidates.append(Decoded(text, declared.lower(), score=vietnamese_score(text).ratio))
        except (LookupError, UnicodeDecodeError):
            pass
    for enc, decoder in _LEGACY_DECODERS.items():
        text = decoder(data)
        legacy = enc if enc in ("tcvn3", "vni") else None
        candidates.append(Decoded(text, enc, legacy=legacy, score=vietnamese_score(text).ratio))
    best = max(candidates, key=lambda d: d.score)  # ties keep the earlier (declared, cp1258) choice
    if best.score < ACCEPT_RATIO:
        tried = ", ".join(f"{d.encoding} {d.score:.0%}" for d in candidates)
        raise EncodingProblem(
            f"not UTF-8 ({utf8_error}) and no Vietnamese encoding fits "
            f"(share of Vietnamese-looking words: {tried}); refusing to ingest mojibake"
        )
    return best


# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F; layout controls (\t \n \v \f \r) are text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample or not _CONTROL_CHARS.search(sample):
        return 0.0
    return len(_CONTROL_CHARS.findall(sample)) / len(sample)


# Bytes that are not, in UTF-8, a control character of ``_CONTROL_CHARS`` on their own: deleting
# them leaves the control bytes.  U+0080-U+009F are two bytes, C2 80-9F, ruled out by the absence of C2.
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b <= 0x08 or 0x0E <= b <= 0x1F or b == 0x7F))


def _utf8_has_no_controls(data: bytes) -> bool:
    """True when the text of these UTF-8 bytes has no character of ``_CONTROL_CHARS`` (NUL included)."""
    return b"\xc2" not in data and not data.translate(None, _NOT_CONTROL_BYTES)


def _check_unicode(text: str, encoding: str, *, bom: bool = False, utf8: bytes | None = None) -> Decoded:
    """``utf8``: the bytes ``text`` was decoded from as UTF-8, when it was (a faster control check)."""
    # Clean bytes mean no control character: no NUL and a control share of 0.
    clean = utf8 is not None and _utf8_has_no_controls(utf8)
    if not clean and ("\x00" in text or _control_share(text) > 0.01):
        raise EncodingProblem(f"decodes as {encoding} but is full of control characters: binary data, not text")
    text = nfc(text)
    repaired = repair_legacy_text(text)
    return Decoded(repaired.text, encoding, legacy=repaired.legacy, bom=bom, score=repaired.score)


def repair_legacy_text(text: str) -> Decoded:
    """Repair Unicode text that carries the Windows-1252 image of TCVN3, VNI or UTF-8 bytes.

    Returns the text unchanged (``legacy=None``) when it already looks
    Vietnamese or has too little evidence to judge.  Raises
    :class:`EncodingProblem` when it is mojibake that no legacy table fixes.
    """
    if not _SUSPICIOUS_CHAR.search(text):
        return Decoded(text, "unicode")  # no character that mojibake needs: nothing to repair
    score = vietnamese_score(text)
    if score.bad < MOJIBAKE_MIN_EVIDENCE or score.ratio >= ACCEPT_RATIO:
        return Decoded(text, "unicode", score=score.ratio)
    options: list[Decoded] = []
    for legacy in _IMAGE_CONVERTERS:
        fixed = convert_legacy(text, legacy)
        options.append(Decoded(fixed, "unicode", legacy=legacy, score=vietnamese_score(fixed).ratio))
    best = max(options, key=lambda d: d.score)
    if best.score >= ACCEPT_RATIO:
        return best
    raise EncodingProblem(
        f"text does not read as Vietnamese: mojibake or another language ({score.bad} garbled words "
        f"or symbols, {score.ratio:.0%} Vietnamese-looking) "
        "and no repair fits (" + ", ".join(f"{d.legacy} {d.score:.0%}" for d in options) + ")"
    )


def _tcvn3_from_image(image: str) -> str:
    # Characters outside the Windows-1252 image are genuine Unicode: kept as they are.
    return _repair_capital_font(nfc("".join(TCVN3_DECODE.get(_CP1252_BYTES.get(c, -1), c) for c in image)))


def _utf8_from_image(image: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("á»¦y ban" -> "Ủy ban"); lines that do not decode stay."""
    if any(c not in _CP1252_BYTES for c in image):
        return image
    try:
        return nfc(bytes(_CP1252_BYTES[c] for c in image).decode("utf-8"))
    except UnicodeDecodeError:
        return image


_IMAGE_CONVERTERS: dict[str, Callable[[str], str]] = {
    "tcvn3": _tcvn3_from_image,
    "vni": vni_from_image,
    "utf-8-as-cp1252": _utf8_from_image,
}


def convert_legacy(text: str, legacy: str) -> str:
    """Convert the Windows-1252 image of ``legacy`` ("tcvn3"/"vni") bytes, line by line.

    Only lines that get more Vietnamese are converted: mixed documents keep their Unicode lines.
    """
    convert = _IMAGE_CONVERTERS[legacy]
    out = []
    for line in text.split("\n"):
        before = vietnamese_score(line)
        if before.bad == 0:
            out.append(line)
            continue
        after_line = convert(line)
        after = vietnamese_score(after_line)
        out.append(after_line if (after.ratio, -after.bad) > (before.ratio, -before.bad) else line)
    return "\n".join(out)


def encode_cp1258(text: str) -> bytes:
    """Unicode -> Windows-1258 as Word writes it: precomposed where the code page has it, else base + tone."""
    out = bytearray()
    for ch in nfc(text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tone = "".join(m for m in decomposed if m in _TONE_MARKS)
        base = nfc("".join(m for m in decomposed if m not in _TONE_MARKS))
        try:
            out += base.encode("cp1258") + tone.encode("cp1258")
        except UnicodeEncodeError as exc:
            raise ValueError(f"character {ch!r} has no Windows-1258 form") from exc
    return bytes(out)
