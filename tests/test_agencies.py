"""Agencies: cell splitting (NOTES §10), prose phrases, gazetteer resolution, unknown names kept."""

from __future__ import annotations

import pytest

from pipelines.extract.agencies import (
    collect_agencies,
    coordinators_in,
    gazetteer,
    parse_lead_cell,
    province_from_text,
    provinces,
    recipients,
    resolve_agency,
    split_agencies,
    unknown_agencies,
)

SPLITS = [
    ("Sở Giáo dục và Đào tạo, Sở Y tế, Sở Văn hóa, Thể thao và Du lịch",
     ["Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Văn hóa, Thể thao và Du lịch"]),
    ("Các cơ quan, đơn vị có liên quan", ["Các cơ quan, đơn vị có liên quan"]),
    ("Các sở, ngành, địa phương", ["Các sở, ngành, địa phương"]),
    ("Cơ quan chuyên môn thuộc UBND cấp tỉnh, cấp huyện", ["Cơ quan chuyên môn thuộc UBND cấp tỉnh, cấp huyện"]),
    ("UBND cấp huyện, cấp xã", ["UBND cấp huyện", "UBND cấp xã"]),
    ("UBND cấp huyện; cấp xã", ["UBND cấp huyện", "UBND cấp xã"]),
    ("Sở, ngành tinh, UBND cấp huyện, cấp xã", ["Sở, ngành tinh", "UBND cấp huyện", "UBND cấp xã"]),
    ("Sở Nội vụ, các sở ngành, địa phương", ["Sở Nội vụ", "các sở ngành, địa phương"]),
    ("Sở Tư pháp và các cơ quan có liên quan", ["Sở Tư pháp", "các cơ quan có liên quan"]),
    ("Sở Tài chính và cơ quan chuyên môn thuộc UBND cấp tỉnh, cấp huyện",
     ["Sở Tài chính", "cơ quan chuyên môn thuộc UBND cấp tỉnh, cấp huyện"]),
    ("Văn phòng UBND tỉnh; VP HĐND - UBND cấp huyện", ["Văn phòng UBND tỉnh", "VP HĐND - UBND cấp huyện"]),
    ("Sở TT&TT VP.UBND tỉnh", ["Sở TT&TT", "VP.UBND tỉnh"]),  # two known bodies, separator lost
    ("- Các sở, ban, ngành tỉnh;\n- UBND huyện Mỏ Cày Bắc, thành phố\nBến Tre;\n- UBND xã Tân Phú Tây, phường An Hội.",
     ["Các sở, ban, ngành tỉnh", "UBND huyện Mỏ Cày Bắc", "UBND thành phố Bến Tre", "UBND xã Tân Phú Tây",
      "UBND phường An Hội"]),
    ("UBND các huyện, thành phố, thị xã", ["UBND các huyện, thành phố, thị xã"]),
    ("Báo Ấp Bắc, Đài Phát thanh và Truyền hình tỉnh, Cổng thông tin điện tử của tỉnh",
     ["Báo Ấp Bắc", "Đài Phát thanh và Truyền hình tỉnh", "Cổng thông tin điện tử của tỉnh"]),
]


@pytest.mark.parametrize(("cell", "names"), SPLITS)
def test_split_agency_cells(cell: str, names: list[str]) -> None:
    assert split_agencies(cell) == names


def test_lead_cell_names_its_coordinator() -> None:
    assert parse_lead_cell("Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư") == (
        ["Sở Tài chính"], ["Sở Kế hoạch và Đầu tư"])


def test_lead_cell_sentence_keeps_the_agency_part() -> None:
    cell = "Cơ quan, người có thẩm quyền giải quyết thủ tục hành chính tự đánh giá việc thực hiện của cơ quan mình."
    assert parse_lead_cell(cell) == (["Cơ quan, người có thẩm quyền giải quyết thủ tục hành chính"], [])


COORDINATORS = [
    ("Chủ trì, phối hợp với Sở Nội vụ, Công an tỉnh và các cơ quan, đơn vị liên quan tổ chức cuộc thi",
     ["Sở Nội vụ", "Công an tỉnh", "các cơ quan, đơn vị liên quan"]),
    ("Phối hợp tốt đối với các cơ quan đã được UBND tỉnh phân công phụ trách từng nội dung để việc triển khai",
     ["các cơ quan đã được UBND tỉnh phân công phụ trách từng nội dung"]),
    ("Phối hợp với các cơ quan truyền thông trong và ngoài tỉnh xây dựng các chuyên mục",
     ["các cơ quan truyền thông trong và ngoài tỉnh"]),
    ("Phối hợp Bưu điện tỉnh tổ chức thực hiện", ["Bưu điện tỉnh"]),
    ("Chủ trì, phối hợp với Sở Thông tin và Truyền thông hướng dẫn các cơ quan", ["Sở Thông tin và Truyền thông"]),
    ("Chủ trì, phối hợp với Sở Tài chính lập dự toán kinh phí", ["Sở Tài chính"]),
    ("Phối hợp thực hiện lồng ghép tuyên truyền", []),
    ("Báo cáo kết quả gửi về Sở Nội vụ để tổng hợp", []),  # a report recipient is no coordinator
]


@pytest.mark.parametrize(("duty", "names"), COORDINATORS)
def test_coordinators_after_phoi_hop(duty: str, names: list[str]) -> None:
    assert coordinators_in(duty) == names


RESOLVE = [
    ("Sở TT&TT", "Sở Thông tin và Truyền thông", "province"),
    ("VP.UBND tỉnh", "Văn phòng UBND tỉnh", "province"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh", "province"),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ", "province"),
    ("Đài PTTH tỉnh", "Đài Phát thanh và Truyền hình tỉnh", "province"),
    ("Đài Phát thanh và Truyền hình", "Đài Phát thanh và Truyền hình tỉnh", "province"),
    ("Các sở, ban, ngành tình", "Các sở, ban, ngành tỉnh", "province"),
    ("Sở, ngành tinh", "Các sở, ban, ngành tỉnh", "province"),
    ("Ủy ban nhân dân các huyện, thành phố, thị xã", "UBND cấp huyện", "district"),
    ("UBND cấp xã", "UBND cấp xã", "commune"),
    ("Uỷ ban nhân dân tỉnh Bến Tre", "UBND tỉnh", "province"),
    ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch", "province"),
]


@pytest.mark.parametrize(("name", "canonical", "level"), RESOLVE)
def test_resolve_known_names(name: str, canonical: str, level: str) -> None:
    r = resolve_agency(name, "Bến Tre")
    assert (r["canonical"], r["level"], r["known"], r["province"]) == (canonical, level, True, "Bến Tre")
    assert r["iri_path"] == f"id/org/ben-tre/{r['slug']}"


def test_central_bodies_are_national() -> None:
    r = resolve_agency("Bộ Nội vụ", "Tiền Giang")
    assert r["province"] == "national" and r["level"] == "national" and r["iri_path"] == "id/org/bo-noi-vu"


def test_same_body_in_two_provinces_is_two_bodies() -> None:
    a, b = resolve_agency("Sở Nội vụ", "Tiền Giang"), resolve_agency("Sở Nội vụ", "Bến Tre")
    assert a["slug"] == b["slug"] and a["iri_path"] != b["iri_path"]


def test_city_inside_a_province_is_not_the_province() -> None:
    r = resolve_agency("UBND thành phố Bến Tre", "Bến Tre")
    assert r["canonical"] == "UBND thành phố Bến Tre" and r["level"] == "district"


def test_unknown_names_are_kept_and_flagged() -> None:
    r = resolve_agency("Báo Đồng Khởi", "Bến Tre")
    assert r["known"] is False and r["canonical"] == "Báo Đồng Khởi"
    records = [{"source": "a.txt", "agencies": [r, resolve_agency("Sở Y tế", "Bến Tre")]},
               {"source": "b.txt", "agencies": [r]}]
    assert unknown_agencies(records) == [{"name": "Báo Đồng Khởi", "count": 2, "sources": ["a.txt", "b.txt"]}]


def test_collect_agencies_maps_every_task_name() -> None:
    tasks = [{"lead": ["Sở TT&TT", "VP.UBND tỉnh"], "coordinators": ["Báo Đồng Khởi"],
              "approver": "HĐND tỉnh, UBND tỉnh"}]
    out = collect_agencies("ỦY BAN NHÂN DÂN\nTỈNH BẾN TRE\n", {"province": None}, tasks, [])
    by_name = {a["name"]: a for a in out}
    assert list(by_name) == ["Sở TT&TT", "VP.UBND tỉnh", "Báo Đồng Khởi", "HĐND tỉnh", "UBND tỉnh"]
    assert by_name["Sở TT&TT"]["canonical"] == "Sở Thông tin và Truyền thông"
    assert by_name["Sở TT&TT"]["province"] == "Bến Tre"  # from the letterhead when metadata has none
    assert by_name["Báo Đồng Khởi"]["known"] is False


def test_reference_tables_are_well_formed() -> None:
    names = [p["name"] for p in provinces()]
    assert len(names) == len(set(names))
    assert sum(p["status"] != "until_2025" for p in provinces()) == 34
    assert sum(p["status"] != "from_2025" for p in provinces()) == 63
    canon = [e.canonical for e in gazetteer()]
    assert len(canon) == len(set(canon))
    assert province_from_text("ỦY BAN NHÂN DÂN\nTỈNH TIỀN GIANG\n-------") == "Tiền Giang"


@pytest.mark.parametrize(("name", "canonical", "level", "kind"), [
    ("Cơ quan chuyên môn thuộc UBND cấp tỉnh, cấp huyện", "Các cơ quan chuyên môn thuộc UBND cấp tỉnh, cấp huyện",
     "province", "collective"),
    ("Đơn vị sự nghiệp công lập cấp huyện", "Các đơn vị sự nghiệp công lập cấp huyện", "district", "collective"),
    ("Bộ trưởng Bộ Nội vụ", "Bộ trưởng Bộ Nội vụ", "national", "office"),
    ("Giám đốc Sở Y tế", "Giám đốc Sở Y tế", "province", "office"),
])
def test_tiered_collectives_and_office_holders(name: str, canonical: str, level: str, kind: str) -> None:
    r = resolve_agency(name, "Tiền Giang")
    assert (r["canonical"], r["level"], r["type"], r["known"]) == (canonical, level, kind, True)


_SPECIFIC = sorted(e.canonical for e in gazetteer()
                   if e.type == "specific" and e.canonical.startswith(("Sở ", "Bộ ", "Văn phòng ", "Đài ", "Công an")))


def test_any_list_of_named_bodies_splits_back_into_its_names() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.sampled_from(_SPECIFIC), min_size=1, max_size=5, unique=True),
           st.lists(st.sampled_from([", ", "; ", " và ", ";\n- "]), min_size=4, max_size=4))
    def check(names: list[str], seps: list[str]) -> None:
        cell = names[0] + "".join(sep + n for sep, n in zip(seps, names[1:], strict=False))
        assert split_agencies(cell) == names
        assert all(resolve_agency(n, "Huế")["known"] for n in names)

    check()


def test_coordinators_of_any_named_bodies_before_any_duty_verb() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    verbs = ["tổ chức", "triển khai", "xây dựng", "hướng dẫn", "rà soát", "tham mưu", "kiểm tra", "để",
             "trong việc", "lập"]

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.sampled_from(_SPECIFIC), min_size=1, max_size=4, unique=True), st.sampled_from(verbs))
    def check(names: list[str], verb: str) -> None:
        listed = ", ".join(names[:-1]) + (" và " if len(names) > 1 else "") + names[-1]
        duty = f"Chủ trì, phối hợp với {listed} {verb} các nội dung của Kế hoạch."
        assert coordinators_in(duty) == names

    check()


def test_bulleted_cell_rendered_on_one_line() -> None:
    # DOCX/PDF ingestion collapses a cell's line breaks: the bullets stay inline.
    assert split_agencies("- Các sở, ban, ngành tỉnh; - UBND cấp huyện - UBND cấp xã.") == [
        "Các sở, ban, ngành tỉnh", "UBND cấp huyện", "UBND cấp xã"]
    assert split_agencies("VP HĐND - UBND cấp huyện") == ["VP HĐND - UBND cấp huyện"]


def test_unknown_report_merges_case_variants() -> None:
    records = [{"source": "a.txt", "agencies": [resolve_agency("Báo Ấp Bắc", "Tiền Giang"),
                                                resolve_agency("Báo Ấp bắc", "Tiền Giang")]}]
    assert unknown_agencies(records) == [{"name": "Báo Ấp Bắc", "count": 2, "sources": ["a.txt"]}]


# --- conventions every plan may use, seen in no seed (found by the gazetteer report on generated plans)


@pytest.mark.parametrize(("printed", "canonical"), [
    ("TT Tỉnh ủy", "Thường trực Tỉnh ủy"),
    ("TT Thành ủy", "Thường trực Tỉnh ủy"),
    ("TT HĐND thành phố", "Thường trực HĐND tỉnh"),
    ("CT, các PCT UBND thành phố", "Chủ tịch, các Phó Chủ tịch UBND tỉnh"),
    ("Ban Tuyên giáo Thành ủy", "Ban Tuyên giáo Tỉnh ủy"),
    ("Các sở, ban, ngành thành phố", "Các sở, ban, ngành tỉnh"),
])
def test_city_and_standing_committee_forms_resolve(printed: str, canonical: str) -> None:
    """A centrally-run city prints "thành phố" / "Thành ủy" where a province prints "tỉnh" /
    "Tỉnh ủy", and "Thường trực" is abbreviated "TT"."""
    resolved = resolve_agency(printed, "Cần Thơ")
    assert resolved["known"] is True
    assert resolved["canonical"] == canonical


def test_city_forms_leave_district_lists_alone() -> None:
    # "thành phố" closing a list of district-level units stays district-level.
    assert resolve_agency("UBND các huyện, thành phố", "Bến Tre")["level"] == "district"
    assert split_agencies("TT Tỉnh ủy, TT HĐND tỉnh") == ["TT Tỉnh ủy", "TT HĐND tỉnh"]


def _names(text: str, province: str | None = "Quảng Trị") -> list[str]:
    return [a["name"] for a in collect_agencies(text, {"province": province}, [], [])]


def test_recipients_leave_out_as_above_lines_and_purpose_notes() -> None:
    text = ("Nơi nhận:\n- Như trên;\n- Bộ Y tế (để b/c);\n- TT Tỉnh ủy (b/c), TT HĐND tỉnh (b/c);\n"
            "- Như Điều 3;\n- Sở Tài chính (để biết và thực hiện);\n- Lưu: VT, VP.\n")
    assert recipients(text) == ["Bộ Y tế", "TT Tỉnh ủy", "TT HĐND tỉnh", "Sở Tài chính"]
    names = _names(text)
    assert "Bộ Y tế" in names and "Sở Tài chính" in names
    assert not [n for n in names if "(" in n or n.startswith("Như")]


@pytest.mark.parametrize("number", ["7877/KH- UBND", "7877/KH-\nUBND", "15/2023/QĐ- UBND"])
def test_a_number_cut_after_its_hyphen_names_no_agency(number: str) -> None:
    text = f"Thực hiện Kế hoạch số {number} ngày 03/08/2020 của Ủy ban nhân dân tỉnh về an toàn giao thông."
    assert _names(text) == ["Ủy ban nhân dân tỉnh"]


def test_a_dash_after_other_text_still_opens_a_body() -> None:
    # "2024/2025 - " is no number cut after its hyphen (a space comes before the dash).
    assert "UBND tỉnh" in _names("Năm học 2024/2025 - UBND tỉnh tổ chức tổng kết.")


@pytest.mark.parametrize(("printed", "level"), [
    ("Phòng Tổ chức cán bộ", "province"),
    ("Bộ phận Văn thư - Lưu trữ", "province"),
    ("Trung tâm Y tế các huyện, thị xã, thành phố", "district"),
    ("Trạm Y tế các xã, phường", "commune"),
    ("Vụ Tổ chức cán bộ, Bộ Khoa học", "national"),
    ("Vụ Pháp chế", "national"),
    ("Cục Văn thư và Lưu trữ", "national"),
    ("Cục Quản lý thị trường tỉnh", "province"),
    ("Phòng Nội vụ", "province"),
])
def test_level_of_an_unknown_body(printed: str, level: str) -> None:
    resolved = resolve_agency(printed, "Quảng Trị")
    assert resolved["known"] is False
    assert resolved["level"] == level


def test_district_office_and_commune_tier_of_district_plans() -> None:
    # The office serving both councils of a district is one body, not "Văn phòng HĐND" and "UBND huyện".
    assert split_agencies("Văn phòng HĐND và UBND huyện") == ["Văn phòng HĐND và UBND huyện"]
    assert resolve_agency("Văn phòng HĐND và UBND huyện", "Quảng Trị")["level"] == "district"
    assert resolve_agency("UBND các xã, thị trấn", "Quảng Trị")["canonical"] == "UBND cấp xã"


def test_departments_of_a_ministry_are_named_bodies() -> None:
    text = ("Vụ Tổ chức - Biên chế chủ trì, phối hợp với Vụ Pháp chế xây dựng dự thảo Nghị định; "
            "định kỳ báo cáo về Vụ Tổ chức cán bộ.")
    names = _names(text, None)
    assert names == ["Vụ Tổ chức - Biên chế", "Vụ Pháp chế", "Vụ Tổ chức cán bộ"]
    assert {resolve_agency(n, None)["level"] for n in names} == {"national"}


@pytest.mark.parametrize(("printed", "canonical", "known"), [
    ("Sở Y tế Long An", "Sở Y tế", True),
    ("Đài Phát thanh và Truyền hình Long An", "Đài Phát thanh và Truyền hình tỉnh", True),
    ("Tỉnh ủy Tiền Giang", "Tỉnh ủy", True),
    ("UBND thành phố Bến Tre", "UBND thành phố Bến Tre", True),  # a provincial city (a named unit), not the province
    ("Báo Long An", "Báo Long An", False),
])
def test_a_body_named_with_its_province(printed: str, canonical: str, known: bool) -> None:
    resolved = resolve_agency(printed, "Long An")
    assert (resolved["canonical"], resolved["known"]) == (canonical, known)


@pytest.mark.parametrize("printed", ["Sở Y tế tỉnh", "Sở Y tế tỉnh Long An", "Sở Y tế Long An", "Sở Y tế"])
def test_one_identity_for_a_department_printed_with_or_without_its_province(printed: str) -> None:
    resolved = resolve_agency(printed, "Long An")
    assert (resolved["canonical"], resolved["iri_path"]) == ("Sở Y tế", "id/org/long-an/so-y-te")


def test_a_word_after_a_closing_bracket_is_no_typo_of_tinh() -> None:
    text = "Báo cáo UBND tỉnh (qua Sở Nội vụ) tình hình thực hiện."
    assert "Sở Nội vụ" in _names(text) and not [n for n in _names(text) if "tình" in n]
