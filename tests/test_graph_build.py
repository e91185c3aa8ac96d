"""Building one document's named graph: IRIs (DESIGN §4), identities, provenance per edge."""

from __future__ import annotations

import copy

import pytest
import rdflib
from rdflib import Literal, URIRef

from graph.build import RecordError, document_graph, document_graph_nquads
from graph.iris import Iris, slug
from tests import test_graph_support as support

seeds = support.seeds
ELI = "http://data.europa.eu/eli/ontology#"
VN = "https://w3id.org/vanban/ontology#"
OA = "http://www.w3.org/ns/oa#"
OWL = "http://www.w3.org/2002/07/owl#"
PROV = "http://www.w3.org/ns/prov#"


def _graph(item: dict, **kw) -> tuple[str, rdflib.Graph]:
    rec = item["record"]
    iri, ds = document_graph(rec, source_name=rec["source"], source_sha256=item["sha256"],
                             text=item.get("text"), **kw)
    return iri, ds.graph(URIRef(iri))


def _doc(g: rdflib.Graph, number: str) -> URIRef:
    return next(g.subjects(URIRef(VN + "docNumber"), Literal(number)))


def test_same_record_gives_the_same_bytes(seeds: list[dict]) -> None:
    item = seeds[0]
    rec = item["record"]
    a = document_graph_nquads(rec, source_name=rec["source"], source_sha256=item["sha256"])
    b = document_graph_nquads(copy.deepcopy(rec), source_name=rec["source"], source_sha256=item["sha256"])
    assert a == b
    assert a[0] == "https://w3id.org/vanban/graph/000_8b11740c270d85e3.txt"
    assert b"_:" not in a[1]  # no blank nodes: every node has a stable IRI
    assert all(line.endswith(f"<{a[0]}> .") for line in a[1].decode().splitlines())


def test_document_iris_follow_design_section_4(seeds: list[dict]) -> None:
    _, g = _graph(seeds[0])
    plan = _doc(g, "397/KH-UBND")
    assert str(plan).startswith("https://w3id.org/vanban/id/doc/tien-giang/2021/")
    assert str(plan).endswith("397-kh-ubnd")
    assert str(_doc(g, "61/2018/NĐ-CP")) == "https://w3id.org/vanban/id/doc/61-2018-nd-cp"
    assert "/2021/" in str(_doc(g, "76/NQ-CP")) and str(_doc(g, "76/NQ-CP")).endswith("76-nq-cp")
    nq09 = str(_doc(g, "09-NQ/TU"))
    assert "tien-giang" in nq09 and nq09.endswith("/2021/09-nq-tu")
    # Two instruments sharing a number stay apart.
    assert _doc(g, "10/NQ-CP") != _doc(g, "10-KH/TW")
    assert _doc(g, "108/2014/NĐ-CP") != _doc(g, "108/2020/NĐ-CP")
    assert (plan, URIRef(RDF_TYPE), URIRef(VN + "Plan")) in g
    assert (_doc(g, "61/2018/NĐ-CP"), URIRef(RDF_TYPE), URIRef(ELI + "LegalResource")) in g


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_base_iri_is_configurable(seeds: list[dict]) -> None:
    iri, g = _graph(seeds[4], base_iri="https://example.org/kg")
    assert iri == "https://example.org/kg/graph/004_73fa6a4ca7d894cc.txt"
    subjects = {str(s) for s in g.subjects() if str(s).startswith("http")}
    assert all(s.startswith(("https://example.org/kg/", "https://w3id.org/vanban/scheme/")) for s in subjects)


def test_undated_yearless_instrument_is_kept_apart_from_namesakes(seeds: list[dict]) -> None:
    _, g = _graph(seeds[0])
    undated = _doc(g, "271/KH-UBND")
    assert (undated, URIRef(VN + "resolved"), Literal(False)) in g
    other = copy.deepcopy(seeds[2])
    other["record"]["citations"].append({"number": "271/KH-UBND", "doc_type": "Kế hoạch", "issuer": None,
                                          "date": None, "title": None, "relation": "cites", "aliases": [],
                                          "first_mention": "Kế hoạch 271/KH-UBND"})
    _, g2 = _graph(other)
    assert _doc(g2, "271/KH-UBND") != undated


def test_agencies_have_one_identity_per_body_and_province(seeds: list[dict]) -> None:
    _, tg = _graph(seeds[0])
    _, bt = _graph(seeds[1])
    pref = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    sonv_tg = {s for s in tg.subjects(pref, Literal("Sở Nội vụ", lang="vi"))}
    sonv_bt = {s for s in bt.subjects(pref, Literal("Sở Nội vụ", lang="vi"))}
    assert len(sonv_tg) == 1 and len(sonv_bt) == 1 and sonv_tg != sonv_bt
    assert "/org/tien-giang/" in str(next(iter(sonv_tg))) and "/org/ben-tre/" in str(next(iter(sonv_bt)))
    # Printed variants resolve to the same body, kept as labels.
    ubnd = next(iter(tg.subjects(pref, Literal("UBND tỉnh", lang="vi"))))
    alt = {str(o) for o in tg.objects(ubnd, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))}
    assert {"Ủy ban nhân dân tỉnh", "ỦY BAN NHÂN DÂN TỈNH TIỀN GIANG"} <= alt
    # Sở → UBND tỉnh of the same province.
    assert (next(iter(sonv_tg)), URIRef("http://www.w3.org/ns/org#subOrganizationOf"), ubnd) in tg
    # Central bodies carry no province.
    cp = next(iter(tg.subjects(pref, Literal("Chính phủ", lang="vi"))))
    assert str(cp) == Iris().agency(slug("Chính phủ"), None)


def test_every_extracted_edge_has_one_provenance_assertion(seeds: list[dict]) -> None:
    item = seeds[0]
    graph_iri, g = _graph(item)
    props = [ELI + "based_on", VN + "implements", ELI + "cites", VN + "hasTask", VN + "leadAgency",
             VN + "coordinatingAgency"]
    edges = [(s, URIRef(p), o) for p in props for s, o in g.subject_objects(URIRef(p))]
    assert len(edges) > 200
    for s, p, o in edges:
        found = [a for a in g.subjects(URIRef(OWL + "annotatedTarget"), o)
                 if (a, URIRef(OWL + "annotatedSource"), s) in g and (a, URIRef(OWL + "annotatedProperty"), p) in g]
        assert len(found) == 1, (s, p, o)
    plan = _doc(g, "397/KH-UBND")
    basis = _doc(g, "2703/QĐ-UBND")
    a = next(x for x in g.subjects(URIRef(OWL + "annotatedTarget"), basis)
             if (x, URIRef(OWL + "annotatedSource"), plan) in g)
    assert (a, URIRef(PROV + "wasDerivedFrom"), URIRef(Iris().file_version(item["sha256"]))) in g
    # The extraction run is stated once, on the graph that holds the assertion.
    assert (URIRef(graph_iri), URIRef(VN + "extractorVersion"), Literal("gold")) in g
    agent = g.value(URIRef(graph_iri), URIRef(PROV + "wasAttributedTo"))
    assert (agent, URIRef(RDF_TYPE), URIRef(PROV + "SoftwareAgent")) in g
    assert (a, URIRef(VN + "extractorVersion"), None) not in g
    selectors = list(g.objects(a, URIRef(OA + "hasSelector")))
    pos = next(s for s in selectors if (s, URIRef(OA + "start"), None) in g)
    start = int(g.value(pos, URIRef(OA + "start")))
    end = int(g.value(pos, URIRef(OA + "end")))
    quote = next(s for s in selectors if (s, URIRef(OA + "exact"), None) in g)
    exact = str(g.value(quote, URIRef(OA + "exact")))
    assert exact == "Quyết định số 2703/QĐ-UBND ngày 18 tháng 10 năm 2021 của Ủy ban nhân dân tỉnh"
    # The span points at the printed text (hard-wrapped in the source: compare whitespace-collapsed).
    assert " ".join(item["text"][start:end].split()) == exact
    assert str(g.value(quote, URIRef(OA + "prefix"))) == item["text"][max(0, start - 32):start]


def test_source_versions_are_recorded(seeds: list[dict]) -> None:
    item = seeds[4]
    rec = item["record"]
    iri, ds = document_graph(rec, source_name=rec["source"], source_sha256="c" * 64, previous_sha256=item["sha256"])
    g = ds.graph(URIRef(iri))
    assert (URIRef(iri), URIRef(VN + "sourceSha256"), Literal("c" * 64)) in g
    assert (URIRef(iri), URIRef(VN + "previousSha256"), Literal(item["sha256"])) in g
    assert (URIRef(Iris().file_version("c" * 64)), URIRef(PROV + "wasRevisionOf"),
            URIRef(Iris().file_version(item["sha256"]))) in g


def test_tasks_time_frames_and_targets(seeds: list[dict]) -> None:
    _, g = _graph(seeds[0])
    plan = _doc(g, "397/KH-UBND")
    tasks = list(g.objects(plan, URIRef(VN + "hasTask")))
    assert len(tasks) == 49
    t1 = next(t for t in tasks if (t, URIRef(VN + "sequence"), Literal(1)) in g)
    assert str(g.value(t1, URIRef(VN + "timeFrameText"))) == "Tháng 01 năm 2022"
    tf = g.value(t1, URIRef(VN + "timeFrame"))
    time = "http://www.w3.org/2006/time#"
    begin = g.value(g.value(tf, URIRef(time + "hasBeginning")), URIRef(time + "inXSDDate"))
    end = g.value(g.value(tf, URIRef(time + "hasEnd")), URIRef(time + "inXSDDate"))
    assert (str(begin), str(end)) == ("2022-01-01", "2022-01-31")
    level = g.value(t1, URIRef(VN + "approvalLevel"))
    assert str(level) == "https://w3id.org/vanban/scheme/approval-level/ubnd-tinh"
    assert len(list(g.objects(plan, URIRef(VN + "hasTarget")))) == 20


def test_tasks_link_to_the_section_stating_them(seeds: list[dict]) -> None:
    _, g = _graph(seeds[0])
    plan = _doc(g, "397/KH-UBND")
    tasks = list(g.objects(plan, URIRef(VN + "hasTask")))
    sections = {t: g.value(t, URIRef(VN + "statedIn")) for t in tasks}
    assert all(sections.values())
    # One node per distinct heading, part of the plan, labelled with the heading the task carries.
    assert len(set(sections.values())) == len({str(g.value(t, URIRef(VN + "section"))) for t in tasks}) == 7
    for t, section in sections.items():
        assert (section, rdflib.RDF.type, URIRef(ELI + "WorkSubdivision")) in g
        assert (section, URIRef(ELI + "is_part_of"), plan) in g
        assert g.value(section, rdflib.RDFS.label) == g.value(t, URIRef(VN + "section"))
    iri = str(sections[tasks[0]])
    assert iri.startswith(str(plan) + "/section/") and iri.isascii()


def test_bad_records_are_clear_errors() -> None:
    with pytest.raises(RecordError, match=r"x\.txt: not an extraction record"):
        document_graph_nquads({"citations": []}, source_name="x.txt", source_sha256="a" * 64)
    with pytest.raises(RecordError, match=r"x\.txt: source_sha256"):
        document_graph_nquads({"document": {}}, source_name="x.txt", source_sha256="abc")
    bad = {"document": {"number": "1/KH-UBND"}, "citations": [{"number": "2/QĐ-UBND", "relation": "amends"}]}
    with pytest.raises(RecordError, match="unknown relation 'amends'"):
        document_graph_nquads(bad, source_name="x.txt", source_sha256="a" * 64)
