"""One extraction record → that document's RDF named graph (N-Quads), with provenance per edge.

The graph uses no blank nodes (every node gets a deterministic IRI) and is
written straight as sorted N-Quads lines, so the same record always gives the
same bytes and the store can tell unchanged graphs from changed ones by hash.
Terms are encoded here rather than through rdflib objects: building thousands
of graphs is the hot path of a large build, and an rdflib Dataset per document
cost ten times the extraction itself.  ``document_graph`` still gives an rdflib
Dataset (parsed from those bytes) for validation and tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from graph.iris import (
    CV,
    DCT,
    ELI,
    OA,
    ORG,
    OWL,
    PPLAN,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    TIME,
    VN,
    XSD,
    Iris,
    clean_province,
    instrument_key,
    is_party_number,
    issuer_is_local,
    number_parts,
    number_year,
    province_in_name,
    resolve_agency,
    short_hash,
    slug,
)

if TYPE_CHECKING:
    from rdflib import Dataset

PLAN_TYPES = {"kế hoạch", "chương trình", "đề án", "phương án", "kế hoạch hành động", "chương trình hành động"}
RELATIONS = {"based_on": ELI + "based_on", "implements": VN + "implements", "cites": ELI + "cites"}
QUOTE_CONTEXT = 32
# Bump when the graph made from the same record changes, so the pipeline rebuilds graphs it would
# otherwise keep (its stamp holds the source hash and extractor version, which stay the same).
# 2: the extractor is stated once on the document graph instead of on every assertion.
GRAPH_FORMAT = 2
# Closed code lists (also declared in ontology/vanban.ttl): code -> (Vietnamese, English) labels.
CODE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "issuer-level": {"central": ("trung ương", "central"), "provincial": ("địa phương", "provincial"),
                     "party": ("Đảng", "Party")},
    "role": {"lead": ("chủ trì", "lead"), "coordinating": ("phối hợp", "coordinating")},
    "task-kind": {"appendix_row": ("dòng của phụ lục nhiệm vụ", "appendix task row"),
                  "responsibility": ("trách nhiệm được giao", "assigned responsibility")},
    "agency-type": {"specific": ("cơ quan cụ thể", "specific body"), "collective": ("nhóm cơ quan", "collective"),
                    "office": ("chức danh", "office holder")},
}


class RecordError(ValueError):
    """A record that cannot be turned into a graph; the message names the source and the reason."""


class Lit(str):
    """A literal already in its N-Quads form (``"text"@vi``, ``"5"^^<xsd:integer>``)."""


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# Characters N-Quads forbids inside <...>; IRIs minted by graph.iris never contain them, but a
# record's text can reach an IRI through a key, and one bad line must not break the whole load.
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _quoted(text: str) -> str:
    return '"' + text.translate(_ESCAPES) + '"'


def _plain(value: object) -> Lit:
    """A literal of Python value: bool and int get their XSD datatype, anything else is a plain string."""
    if isinstance(value, bool):
        return Lit(f'"{str(value).lower()}"^^<{XSD}boolean>')
    if isinstance(value, int):
        return Lit(f'"{value}"^^<{XSD}integer>')
    return Lit(_quoted(str(value)))


def _vi(text: str) -> Lit:
    return Lit(_quoted(text) + "@vi")


def _en(text: str) -> Lit:
    return Lit(_quoted(text) + "@en")


def _decimal(value: float) -> Lit:
    return Lit(f'"{value}"^^<{XSD}decimal>')


def _date(value: str | None) -> Lit | None:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Lit(f'"{value}"^^<{XSD}date>')
    return None


@lru_cache(maxsize=1 << 16)
def _iri(iri: str) -> str:
    if _IRI_FORBIDDEN.search(iri):
        iri = _IRI_FORBIDDEN.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), iri)
    return f"<{iri}>"


class _Builder:
    def __init__(self, record: dict, source_name: str, source_sha256: str,
                 previous_sha256: str | None, base_iri: str | None, text: str | None) -> None:
        self.record = record
        self.source_name = source_name
        self.iris = Iris(base_iri)
        self.graph_iri = self.iris.graph(source_name)
        self.graph_term = _iri(self.graph_iri)
        self.lines: set[str] = set()
        # A body named in many rows is resolved and described once per graph.
        self.agencies_seen: dict[tuple[str, str | None], str] = {}
        self.sha = source_sha256
        self.previous = previous_sha256
        self.text = text
        self.version = str(record.get("extractor_version") or "unknown")
        self.file_iri = self.iris.file_version(source_sha256)
        doc = record.get("document") or {}
        self.doc = doc
        self.province = clean_province(doc.get("province")) or province_in_name(doc.get("issuer"))
        self.agency_table = {}
        for a in record.get("agencies") or []:
            name = (a.get("name") or "").strip()
            if name:
                self.agency_table[name[:1].lower() + name[1:]] = a

    # -- helpers -----------------------------------------------------------------
    def add(self, s: str, p: str, o: Lit | str | None) -> None:
        """Add s p o (o an IRI string or a :class:`Lit`); an empty object adds nothing."""
        if not o:
            return
        obj = o if isinstance(o, Lit) else _iri(o)
        self.lines.add(f"{_iri(s)} {_iri(p)} {obj} {self.graph_term} .")

    def nquads(self) -> bytes:
        return ("\n".join(sorted(self.lines)) + "\n").encode("utf-8")

    def place(self, province: str | None) -> str | None:
        province = clean_province(province)
        if not province:
            return None
        iri = self.iris.place(province)
        self.add(iri, RDF + "type", SKOS + "Concept")
        self.add(iri, SKOS + "inScheme", self.iris.scheme + "province")
        self.add(iri, SKOS + "prefLabel", _vi(province))
        return iri

    def concept(self, scheme: str, label: str, notation: str | None = None) -> str:
        iri = self.iris.concept(scheme, label)
        self.add(iri, RDF + "type", SKOS + "Concept")
        self.add(iri, SKOS + "inScheme", self.iris.scheme + scheme)
        self.add(iri, SKOS + "prefLabel", _vi(label))
        if notation:
            self.add(iri, SKOS + "notation", _plain(notation))
        return iri

    def section(self, heading: str) -> str:
        """The part of the plan (mục, phụ lục) a task is stated in: one node per distinct heading,
        named by a readable slug plus a hash (two headings may share their first words)."""
        iri = f"{self.doc_iri}/section/{slug(heading)[:40].strip('-')}-{short_hash(heading, n=6)}"
        self.add(iri, RDF + "type", ELI + "WorkSubdivision")
        self.add(iri, ELI + "is_part_of", self.doc_iri)
        self.add(iri, RDFS + "label", _vi(heading))
        return iri

    def code(self, scheme: str, code: str) -> str:
        """A concept of one of the closed code lists (labels in vi and en when the code is known)."""
        iri = self.iris.concept(scheme, code)
        self.add(iri, RDF + "type", SKOS + "Concept")
        self.add(iri, SKOS + "inScheme", self.iris.scheme + scheme)
        self.add(iri, SKOS + "notation", _plain(code))
        labels = CODE_LABELS.get(scheme, {}).get(code)
        if labels:
            self.add(iri, SKOS + "prefLabel", _vi(labels[0]))
            self.add(iri, SKOS + "prefLabel", _en(labels[1]))
        return iri

    def agency(self, name: str | None, province: str | None = None) -> str | None:
        """IRI of an agency: one identity per body and province."""
        if not name or not name.strip():
            return None
        key = (name, province)
        if key not in self.agencies_seen:
            self.agencies_seen[key] = self._describe_agency(name, province)
        return self.agencies_seen[key]

    def _describe_agency(self, name: str, province: str | None) -> str:
        name = re.sub(r"\s+", " ", name).strip()
        entry = self.agency_table.get(name[:1].lower() + name[1:])
        if entry is not None:
            canonical = entry.get("canonical") or name
            prov = clean_province(entry.get("province"))
            resolved = resolve_agency(canonical, prov)
            # The record's own resolution decides the province (it saw the context).
            resolved["province"] = prov if "province" in entry else resolved.get("province")
            kind = entry.get("type") or resolved.get("type")
        else:
            resolved = resolve_agency(name, province if province is not None else self.province)
            kind = resolved.get("type")
        canonical = resolved["canonical"]
        prov = clean_province(resolved.get("province"))
        iri = self.iris.agency(resolved["slug"], prov)
        self.add(iri, RDF + "type", CV + "PublicOrganisation")
        self.add(iri, RDF + "type", ORG + "Organization")
        self.add(iri, SKOS + "prefLabel", _vi(canonical))
        if name != canonical:
            self.add(iri, SKOS + "altLabel", _vi(name))
        self.add(iri, VN + "province", self.place(prov))
        if kind:
            self.add(iri, VN + "agencyType", self.code("agency-type", str(kind)))
        if prov and canonical.startswith("Sở "):
            # Provincial departments sit under the provincial People's Committee.
            parent = self.iris.agency(resolve_agency("UBND tỉnh", prov)["slug"], prov)
            self.add(iri, ORG + "subOrganizationOf", parent)
        return iri

    def assertion(self, s: str, p: str, o: str, quote: str | None,
                  spans: Iterable[Iterable[int]] = (), confidence: float | None = None) -> str:
        """One vn:Assertion (owl:Axiom pattern) carrying the provenance of the edge s-p-o."""
        a = self.iris.assertion(self.graph_iri, s, p, o)
        self.add(a, RDF + "type", VN + "Assertion")
        self.add(a, RDF + "type", OWL + "Axiom")
        self.add(a, OWL + "annotatedSource", s)
        self.add(a, OWL + "annotatedProperty", p)
        self.add(a, OWL + "annotatedTarget", o)
        # The extractor is stated once on the named graph (prov:wasAttributedTo, vn:extractorVersion):
        # every assertion of a document's graph comes from one extraction run, and two more quads on
        # each of them were a twelfth of the whole graph.
        self.add(a, PROV + "wasDerivedFrom", self.file_iri)
        if confidence is not None:
            self.add(a, VN + "confidence", _decimal(confidence))
        for i, span in enumerate(spans):
            start, end = (int(x) for x in list(span)[:2])
            sel = f"{a}-pos-{i}"
            self.add(a, OA + "hasSelector", sel)
            self.add(sel, RDF + "type", OA + "TextPositionSelector")
            self.add(sel, OA + "start", _plain(start))
            self.add(sel, OA + "end", _plain(end))
            if quote is None and self.text is not None:
                quote = self.text[start:end]
        if quote:
            sel = f"{a}-quote"
            self.add(a, OA + "hasSelector", sel)
            self.add(sel, RDF + "type", OA + "TextQuoteSelector")
            self.add(sel, OA + "exact", _vi(quote))
            spans = list(spans)
            if self.text is not None and spans:
                start, end = (int(x) for x in list(spans[0])[:2])
                self.add(sel, OA + "prefix", _vi(self.text[max(0, start - QUOTE_CONTEXT):start]))
                self.add(sel, OA + "suffix", _vi(self.text[end:end + QUOTE_CONTEXT]))
        return a

    # -- documents ---------------------------------------------------------------
    def instrument(self, number: str, issuer: str | None, date: str | None, doc_type: str | None,
                   title: str | None, citing: str | None, known_key: tuple[str, bool] | None = None) -> str:
        number = re.sub(r"\s+", "", number)
        local = issuer_is_local(number, issuer)
        province = (province_in_name(issuer) or self.province) if local else None
        # The extractor may already have keyed the citation in its full context ("iri_key").
        key, resolved = known_key or instrument_key(number, issuer, date, province)
        if not resolved and citing is not None:
            # Never merge an unresolved instrument with a namesake cited elsewhere.
            key = f"{key}/in-{short_hash(citing)}"
        iri = self.iris.document(key)
        self.add(iri, RDF + "type", ELI + "Work")
        if number_year(number):
            self.add(iri, RDF + "type", ELI + "LegalResource")
        if doc_type and doc_type.strip().lower() in PLAN_TYPES:
            self.add(iri, RDF + "type", VN + "Plan")
            self.add(iri, RDF + "type", PROV + "Plan")
        self.add(iri, VN + "docNumber", _plain(number))
        self.add(iri, ELI + "id_local", _plain(number))
        head, type_code, issuer_code = number_parts(number)
        self.add(iri, ELI + "number", _plain(head) if head else None)
        if doc_type:
            t = self.concept("doctype", doc_type, type_code)
            self.add(iri, ELI + "type_document", t)
        if title:
            self.add(iri, ELI + "title", _vi(title))
        self.add(iri, ELI + "date_document", _date(date))
        if issuer:
            self.add(iri, ELI + "passed_by", self.agency(issuer, province))
        if issuer_code:
            self.add(iri, VN + "issuerCode", _plain(issuer_code))
        level = "party" if is_party_number(number) else ("provincial" if local else "central")
        self.add(iri, VN + "issuerLevel", self.code("issuer-level", level))
        self.add(iri, ELI + "jurisdiction", self.place(province))
        if not resolved:
            self.add(iri, VN + "resolved", _plain(False))
        return iri

    def build(self) -> None:
        doc = self.doc
        number = doc.get("number")
        if number:
            iri = self.instrument(number, doc.get("issuer"), doc.get("date"), doc.get("doc_type"),
                                  doc.get("title"), citing=None)
        else:
            iri = self.iris.unnumbered_document(self.source_name)
            self.add(iri, RDF + "type", ELI + "Work")
            if doc.get("doc_type"):
                self.add(iri, ELI + "type_document", self.concept("doctype", doc["doc_type"]))
            if doc.get("title"):
                self.add(iri, ELI + "title", _vi(doc["title"]))
            self.add(iri, ELI + "date_document", _date(doc.get("date")))
            self.add(iri, ELI + "passed_by", self.agency(doc.get("issuer"), self.province))
            self.add(iri, ELI + "jurisdiction", self.place(self.province))
        self.doc_iri = iri
        for alias in doc.get("aliases") or []:
            self.add(iri, SKOS + "altLabel", _vi(alias))
        if doc.get("signer"):
            self.add(iri, VN + "signer", _vi(doc["signer"]))
        # Version facts of the source file, kept inside the document's own graph.
        self.add(iri, VN + "sourceFile", _plain(self.source_name))
        self.add(iri, VN + "sourceSha256", _plain(self.sha))
        self.add(iri, PROV + "wasDerivedFrom", self.file_iri)
        self.add(self.graph_iri, VN + "sourceFile", _plain(self.source_name))
        self.add(self.graph_iri, VN + "sourceSha256", _plain(self.sha))
        self.add(self.graph_iri, VN + "extractorVersion", _plain(self.version))
        self.add(self.graph_iri, PROV + "wasAttributedTo", self.iris.extractor(self.version))
        self.add(self.file_iri, RDF + "type", PROV + "Entity")
        self.add(self.file_iri, VN + "sha256", _plain(self.sha))
        self.add(self.file_iri, DCT + "identifier", _plain(self.source_name))
        if self.previous:
            self.add(self.graph_iri, VN + "previousSha256", _plain(self.previous))
            prev = self.iris.file_version(self.previous)
            self.add(self.file_iri, PROV + "wasRevisionOf", prev)
            self.add(prev, RDF + "type", PROV + "Entity")
            self.add(prev, VN + "sha256", _plain(self.previous))
        agent = self.iris.extractor(self.version)
        self.add(agent, RDF + "type", PROV + "SoftwareAgent")
        self.add(agent, RDFS + "label", _plain(f"vanban extractor {self.version}"))

        for agency in self.record.get("agencies") or []:
            self.agency(agency.get("name"))

        cited: dict[str, str] = {}
        for c in self.record.get("citations") or []:
            if not c.get("number"):
                continue
            known = (c["iri_key"], bool(c.get("iri_resolved"))) if c.get("iri_key") else None
            target = self.instrument(c["number"], c.get("issuer"), c.get("date"), c.get("doc_type"),
                                     c.get("title"), citing=iri, known_key=known)
            cited[re.sub(r"\s+", "", c["number"])] = target
            for alias in c.get("aliases") or []:
                self.add(target, SKOS + "altLabel", _vi(alias))
            relation = c.get("relation") or "cites"
            if relation not in RELATIONS:
                raise RecordError(f"{self.source_name}: citation {c['number']} has unknown relation {relation!r}")
            prop = RELATIONS[relation]
            self.add(iri, prop, target)
            quote = c.get("first_mention") or (c.get("aliases") or [None])[0]
            self.assertion(iri, prop, target, quote, c.get("spans") or (), c.get("confidence"))

        for n, task in enumerate(self.record.get("tasks") or [], start=1):
            self.task(task, n, cited)
        for n, target in enumerate(self.record.get("targets") or [], start=1):
            self.target(target, n)

    def task(self, task: dict, n: int, cited: dict[str, str]) -> None:
        t = f"{self.doc_iri}/task/{task.get('seq') or n}"
        content = task.get("content") or ""
        self.add(t, RDF + "type", VN + "Task")
        self.add(t, RDF + "type", PPLAN + "Step")
        self.add(self.doc_iri, VN + "hasTask", t)
        self.add(t, PPLAN + "isStepOfPlan", self.doc_iri)
        span = task.get("span")
        spans = [span] if span else ()
        self.assertion(self.doc_iri, VN + "hasTask", t, content or None, spans)
        label = task.get("index") or str(n)
        self.add(t, RDFS + "label", _plain(str(label)))
        self.add(t, VN + "taskIndex", _plain(str(label)))
        self.add(t, VN + "sequence", _plain(int(task.get("seq") or n)))
        if task.get("kind"):
            self.add(t, VN + "taskKind", self.code("task-kind", task["kind"]))
        if task.get("section"):
            self.add(t, VN + "section", _vi(task["section"]))
            self.add(t, VN + "statedIn", self.section(task["section"]))
        if content:
            self.add(t, SCHEMA + "description", _vi(content))
        for role, prop in (("lead", VN + "leadAgency"), ("coordinators", VN + "coordinatingAgency")):
            for name in task.get(role) or []:
                org = self.agency(name)
                if org:
                    self.add(t, prop, org)
                    self.assertion(t, prop, org, name, ())
                    part = f"{t}/{'lead' if role == 'lead' else 'coordinating'}/{org.rsplit('/', 1)[-1]}"
                    self.add(t, CV + "hasParticipation", part)
                    self.add(part, RDF + "type", CV + "Participation")
                    self.add(part, CV + "role", self.code("role", "lead" if role == "lead" else "coordinating"))
                    self.add(part, CV + "hasParticipant", org)
        approver = task.get("approver")
        if approver:
            org = self.agency(approver)
            self.add(t, VN + "approver", org)
            canonical = resolve_agency(approver, self.province)["canonical"]
            self.add(t, VN + "approvalLevel", self.concept("approval-level", canonical))
            self.add(t, VN + "approverText", _vi(approver))
        if task.get("timeframe"):
            self.add(t, VN + "timeFrameText", _vi(task["timeframe"]))
        due = task.get("due") or {}
        start, end = _date(due.get("start")), _date(due.get("end"))
        if start is not None or end is not None:
            tf = f"{t}/timeframe"
            self.add(t, VN + "timeFrame", tf)
            self.add(tf, RDF + "type", TIME + "ProperInterval")
            for key, value, prop in (("start", start, TIME + "hasBeginning"), ("end", end, TIME + "hasEnd")):
                if value is not None:
                    inst = f"{tf}/{key}"
                    self.add(tf, prop, inst)
                    self.add(inst, RDF + "type", TIME + "Instant")
                    self.add(inst, TIME + "inXSDDate", value)
        if due.get("recurring") is not None:
            self.add(t, VN + "recurring", _plain(bool(due["recurring"])))
        for number in task.get("cited_numbers") or []:
            target = cited.get(re.sub(r"\s+", "", number))
            if target:
                self.add(t, ELI + "cites", target)
                self.assertion(t, ELI + "cites", target, content or None, ())

    def target(self, target: dict, n: int) -> None:
        iri = f"{self.doc_iri}/target/{n}"
        self.add(iri, RDF + "type", VN + "Target")
        self.add(self.doc_iri, VN + "hasTarget", iri)
        if target.get("index"):
            self.add(iri, RDFS + "label", _plain(str(target["index"])))
        if target.get("section"):
            self.add(iri, VN + "section", _vi(target["section"]))
        if target.get("text"):
            self.add(iri, VN + "indicatorText", _vi(target["text"]))
        for value in target.get("values") or []:
            self.add(iri, VN + "valueText", _plain(str(value)))
        if target.get("deadline"):
            self.add(iri, VN + "deadlineText", _vi(target["deadline"]))


def _built(record: dict, source_name: str, source_sha256: str, previous_sha256: str | None,
           base_iri: str | None, text: str | None) -> _Builder:
    if not isinstance(record, dict) or not isinstance(record.get("document"), dict):
        raise RecordError(f"{source_name}: not an extraction record (no 'document' object)")
    if not re.fullmatch(r"[0-9a-f]{64}", source_sha256 or ""):
        raise RecordError(f"{source_name}: source_sha256 is not a sha256 hex digest: {source_sha256!r}")
    b = _Builder(record, source_name, source_sha256, previous_sha256, base_iri, text)
    b.build()
    return b


def document_graph_nquads(record: dict, *, source_name: str, source_sha256: str,
                          previous_sha256: str | None = None, base_iri: str | None = None,
                          text: str | None = None) -> tuple[str, bytes]:
    """(named-graph IRI, sorted N-Quads bytes) of one source document's graph.

    ``text`` (the decoded NFC source) is optional: with it, quotes get prefix/suffix context and
    spans without a printed quote get their exact text.
    """
    b = _built(record, source_name, source_sha256, previous_sha256, base_iri, text)
    return b.graph_iri, b.nquads()


def document_graph(record: dict, *, source_name: str, source_sha256: str,
                   previous_sha256: str | None = None, base_iri: str | None = None,
                   text: str | None = None) -> tuple[str, Dataset]:
    """The document's named graph as an rdflib Dataset (for validation and tests)."""
    from rdflib import Dataset

    graph_iri, data = document_graph_nquads(record, source_name=source_name, source_sha256=source_sha256,
                                            previous_sha256=previous_sha256, base_iri=base_iri, text=text)
    ds = Dataset()
    ds.parse(data=data, format="nquads")
    return graph_iri, ds
