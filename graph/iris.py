"""IRIs and identities of documents, agencies, places and code-list concepts (DESIGN §4).

Citation identity and agency resolution belong to the extractor
(``pipelines.extract.citations.instrument_key`` and
``pipelines.extract.agencies.resolve_agency``).  When those are not importable
(they are written in parallel) a small local fallback is used so the graph can
still be built; the fallback knows only the generic shapes of numbers, never
any seed-specific alias.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

DEFAULT_BASE = "https://w3id.org/vanban/"

# Established vocabularies (DESIGN §3).
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ELI = "http://data.europa.eu/eli/ontology#"
ORG = "http://www.w3.org/ns/org#"
CV = "http://data.europa.eu/m8g/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
TIME = "http://www.w3.org/2006/time#"
SCHEMA = "http://schema.org/"
PPLAN = "http://purl.org/net/p-plan#"

# Our ontology namespace and code lists are fixed (they name terms, not data) so saved queries and
# the ontology's SKOS schemes work for any data base IRI.
VN = "https://w3id.org/vanban/ontology#"
SCHEME = "https://w3id.org/vanban/scheme/"

PREFIXES: dict[str, str] = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "eli": ELI, "org": ORG, "cv": CV,
    "skos": SKOS, "dct": DCT, "prov": PROV, "oa": OA, "time": TIME, "schema": SCHEMA,
    "pplan": PPLAN, "vn": VN,
}


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


@lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """ASCII slug: diacritics dropped (đ → d), lower case, runs of other characters → '-'."""
    # Cached: the same agency, province and code names are slugged for every task of every plan.
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def short_hash(*parts: str, n: int = 12) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:n]


# --------------------------------------------------------------------------- numbers

# Type codes of administrative (Nghị định 30/2020, Phụ lục III) and normative documents.
DOC_TYPE_CODES = {
    "NQ", "QĐ", "CT", "QC", "QYĐ", "TC", "TB", "HD", "CTR", "KH", "PA", "ĐA", "DA", "BC", "BB", "TTR",
    "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB", "NĐ", "TT", "TTLT", "L",
    "PL", "VBHN", "QĐI", "KL", "CV",
}
# Issuer codes whose documents are numbered per province (level and place come from context).
LOCAL_ISSUER_CODES = {"UBND", "HĐND", "TU", "HU", "ĐU", "TP", "TX", "VPUBND"}
_NORMATIVE = re.compile(r"^\d+[a-zA-Z]?/(\d{4})/", re.UNICODE)
_PARTY = re.compile(r"^\d+[a-zA-Z]?-[^/]+/", re.UNICODE)
_CAPITALISED = r"[A-ZĐÂĂÊÔƠƯ][^\s,;()]*"
_PROVINCE_IN_NAME = re.compile(
    r"(?:tỉnh|Tỉnh ủy|thành phố|Thành ủy|TP\.?)\s+(" + _CAPITALISED + r"(?:\s+" + _CAPITALISED + r")*)"
)


def number_parts(number: str) -> tuple[str, str | None, str | None]:
    """Split a canonical number into (leading number, type code, issuer code)."""
    number = re.sub(r"\s+", "", number)
    lead = re.match(r"\d+[a-zA-Z]?", number)
    head = lead.group(0) if lead else ""
    if _PARTY.match(number):
        type_code, _, issuer = number[len(head) + 1:].partition("/")
        return head, type_code or None, issuer or None
    tail = number.rsplit("/", 1)[-1] if "/" in number else ""
    pieces = [p for p in tail.split("-") if p]
    if not pieces:
        return head, None, None
    if pieces[0].upper() in DOC_TYPE_CODES:
        return head, pieces[0], pieces[-1] if len(pieces) > 1 else None
    # Công văn: issuer-unit ("6936/VPCP-KSTT"), no type code.
    return head, None, pieces[0]


def number_year(number: str) -> str | None:
    m = _NORMATIVE.match(re.sub(r"\s+", "", number))
    return m.group(1) if m else None


def is_party_number(number: str) -> bool:
    return bool(_PARTY.match(re.sub(r"\s+", "", number)))


def province_in_name(name: str | None) -> str | None:
    """The province named inside an issuer or agency name ("UBND tỉnh Tiền Giang" → "Tiền Giang")."""
    if not name:
        return None
    m = _PROVINCE_IN_NAME.search(name)
    return m.group(1).strip() if m else None


def clean_province(province: str | None) -> str | None:
    if not province or province.strip().lower() in {"national", "trung ương", "none", "null"}:
        return None
    return province.strip()


def issuer_is_local(number: str | None, issuer: str | None) -> bool:
    if issuer and province_in_name(issuer):
        return True
    if not number:
        return False
    _, _, code = number_parts(number)
    if not code:
        return False
    return code.upper() in LOCAL_ISSUER_CODES or code.upper().startswith(("UBND", "HĐND"))


def _fallback_instrument_key(
    number: str, issuer: str | None, date: str | None, province: str | None
) -> tuple[str, bool]:
    """(key, resolved) with the shapes of DESIGN §4: national normative numbers carry their year,
    administrative and Party numbers are scoped by issuer (province or issuer code) and year."""
    num = re.sub(r"\s+", "", number)
    year = number_year(num)
    if year:
        return slug(num), True
    if issuer_is_local(num, issuer):
        scope = province_in_name(issuer) or clean_province(province) or "unknown-province"
    else:
        _, _, code = number_parts(num)
        scope = code or (issuer or "unknown-issuer")
    year = (date or "")[:4] if date and re.match(r"\d{4}", date) else None
    resolved = year is not None and scope not in {"unknown-province", "unknown-issuer"}
    return f"{slug(scope)}/{year or 'undated'}/{slug(num)}", resolved


def _import(module: str, name: str) -> Callable | None:
    try:
        mod = __import__(module, fromlist=[name])
    except ImportError:
        return None
    return getattr(mod, name, None)


def instrument_key(
    number: str, issuer: str | None, date: str | None, province: str | None
) -> tuple[str, bool]:
    """Identity of an instrument: the extractor's ``instrument_key`` when available, else the fallback."""
    fn = _import("pipelines.extract.citations", "instrument_key")
    if fn is not None:
        try:
            key, resolved = fn(number, issuer, date, province)
        except Exception:  # a half-written colleague function must not break graph building
            key, resolved = None, False
        if key:
            parts = key if isinstance(key, list | tuple) else str(key).split("/")
            path = "/".join(s for s in (slug(str(p)) for p in parts) if s)
            if path:
                return path, bool(resolved)
    return _fallback_instrument_key(number, issuer, date, province)


# --------------------------------------------------------------------------- agencies

_NATIONAL_HEADS = (
    "chính phủ", "thủ tướng", "quốc hội", "ủy ban thường vụ quốc hội", "văn phòng chính phủ",
    "ban chấp hành trung ương", "bộ chính trị", "ban bí thư", "trung ương", "bộ ", "bộ trưởng",
    "văn phòng trung ương", "ban tổ chức trung ương", "kiểm toán nhà nước", "tòa án nhân dân tối cao",
    "viện kiểm sát nhân dân tối cao", "ngân hàng nhà nước",
)
_EXPANSIONS = (("Ủy ban nhân dân", "UBND"), ("Uỷ ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND"))


@dataclass(frozen=True, slots=True)
class Agency:
    canonical: str
    province: str | None
    level: str  # "central" | "provincial"
    type: str
    known: bool
    slug: str


def _fallback_resolve_agency(name: str, province: str | None) -> dict:
    canonical = re.sub(r"\s+", " ", name).strip()
    for long, short in _EXPANSIONS:
        canonical = re.sub(re.escape(long), short, canonical, flags=re.IGNORECASE)
    named = province_in_name(canonical)
    province = clean_province(province)
    if named:
        province = named
        canonical = re.sub(r"\s+" + re.escape(named) + r"$", "", canonical).strip()
    if canonical.lower().startswith(_NATIONAL_HEADS) and not named:
        province = None
    canonical = canonical[:1].upper() + canonical[1:]
    return {
        "canonical": canonical, "province": province, "level": "provincial" if province else "central",
        "type": "specific", "known": False, "slug": slug(canonical),
    }


def resolve_agency(name: str, province: str | None) -> dict:
    """The extractor's ``resolve_agency`` when available, else the local fallback."""
    fn = _import("pipelines.extract.agencies", "resolve_agency")
    if fn is not None:
        try:
            out = dict(fn(name, province))
        except Exception:
            out = {}
        if out.get("canonical"):
            out.setdefault("province", province)
            out["province"] = clean_province(out.get("province"))
            out.setdefault("slug", slug(out["canonical"]))
            out.setdefault("level", "provincial" if out["province"] else "central")
            out.setdefault("type", "specific")
            out.setdefault("known", False)
            return out
    return _fallback_resolve_agency(name, province)


def _fallback_normalise_number_query(text: str) -> tuple[str, frozenset[str]]:
    """("76", {"NQ", "CP"}) from "76/NQ-CP", "76 NQ-CP", "nq 76": leading number plus code tokens."""
    tokens = [t for t in re.split(r"[^0-9A-Za-zÀ-ỹĐđ]+", unicodedata.normalize("NFC", text)) if t]
    digits = [t for t in tokens if t.isdigit()]
    head = digits[0] if digits else ""
    codes = frozenset(ascii_code(t) for t in tokens if not t.isdigit())
    return head, codes


def ascii_code(token: str) -> str:
    return slug(token).upper().replace("-", "")


def number_tokens(number: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """(leading number, code tokens, year tokens) of a stored number, for matching analyst input."""
    tokens = [t for t in re.split(r"[^0-9A-Za-zÀ-ỹĐđ]+", unicodedata.normalize("NFC", number)) if t]
    head = tokens[0] if tokens and tokens[0].isdigit() else ""
    years = frozenset(t for t in tokens[1:] if t.isdigit())
    return head, frozenset(ascii_code(t) for t in tokens if not t.isdigit()), years


def number_matches(query: str, number: str) -> bool:
    """True when analyst input ("76 NQ-CP", "nq 76", "61/2018") names the stored number."""
    q_tokens = [t for t in re.split(r"[^0-9A-Za-zÀ-ỹĐđ]+", unicodedata.normalize("NFC", query)) if t]
    q_digits = [t for t in q_tokens if t.isdigit()]
    q_codes = {ascii_code(t) for t in q_tokens if not t.isdigit()}
    head, codes, years = number_tokens(number)
    if head not in q_digits:  # "nq 76": the number may come after the code
        return False
    rest = [d for d in q_digits if d != head]
    return q_codes <= codes and all(d in years for d in rest)


def normalise_number_query(text: str) -> list[str]:
    """Candidate canonical numbers from analyst input, or one anchored regex (starting with "^") over
    canonical numbers; the extractor's version when available, else the input without spaces."""
    fn = _import("pipelines.extract.citations", "normalise_number_query") or _import(
        "pipelines.extract.numbers", "normalise_number_query"
    )
    if fn is not None:
        try:
            out = fn(text)
        except Exception:
            out = None
        if isinstance(out, str) and out:
            return [out]
        if isinstance(out, list | tuple | set | frozenset) and out:
            return [str(x) for x in out]
    return [re.sub(r"\s+", "", text)]


# --------------------------------------------------------------------------- IRIs


class Iris:
    """Mints IRIs under one base (DESIGN §4)."""

    def __init__(self, base: str | None = None) -> None:
        base = base or DEFAULT_BASE
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.id = self.base + "id/"
        self.scheme = SCHEME

    def graph(self, source_name: str) -> str:
        return f"{self.base}graph/{quote(source_name, safe='._-~')}"

    def file_version(self, sha256: str) -> str:
        return f"{self.id}file/{sha256}"

    def extractor(self, version: str) -> str:
        return f"{self.id}agent/extractor/{slug(version) or 'unknown'}"

    def document(self, key: str) -> str:
        return f"{self.id}doc/{key}"

    def unnumbered_document(self, source_name: str) -> str:
        return f"{self.id}doc/source/{slug(source_name)}"

    def agency(self, agency_slug: str, province: str | None) -> str:
        province = clean_province(province)
        return f"{self.id}org/{slug(province)}/{agency_slug}" if province else f"{self.id}org/{agency_slug}"

    def place(self, province: str) -> str:
        return f"{self.id}place/{slug(province)}"

    def concept(self, scheme: str, notation: str) -> str:
        return f"{self.scheme}{scheme}/{slug(notation) or 'unknown'}"

    def assertion(self, graph_iri: str, s: str, p: str, o: str) -> str:
        return f"{self.id}assertion/{short_hash(graph_iri, s, p, o, n=20)}"
