"""Write N synthetic provincial plans in the text layout of the real seeds.

    python benchmarks/generate_corpus.py --n 1000 --seed 7 --out outputs/corpus/n1000

The layout copies the shape of data/raw/000 and 001 (plain text saved from a
legal-database page): a letterhead and date line separated by ``|`` cells,
an upper-case title, a "Căn cứ ..." / "Thực hiện ..." preamble, numbered
sections wrapped at ~80 columns with hard line breaks, a signature block,
and an appendix task table whose cells each end with a line holding ``|``.
The content is generic: every province, agency, instrument and task is drawn
from pools defined here, never copied from a seed.

Each file is deterministic given (seed, index). Instruments are consistent
across the corpus: a national or provincial instrument always has the same
number, date, issuer and subject wherever it is cited, and later plans cite
earlier plans of the same province, so lineage runs through the corpus.

Alongside the plans the generator writes ``manifest.jsonl`` (one line per
file: the expected document number, citations with relations, and counts of
appendix rows, responsibilities and targets). The manifest's suffix keeps it
out of ``vanban build``/``vanban extract`` folder scans (they read .txt/.html/
.docx/.pdf).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_NAME = "manifest.jsonl"

# 63 provincial-level units before the 2025 merger (the period the plans cover).
CITIES = ["Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"]
PROVINCES = [
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương",
    "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng",
    "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]  # fmt: skip
ALL_UNITS = CITIES + PROVINCES

# Provincial departments: (full name, printed abbreviation or None).
DEPARTMENTS = [
    ("Sở Nội vụ", None), ("Sở Tư pháp", None), ("Sở Tài chính", None),
    ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT"), ("Sở Thông tin và Truyền thông", "Sở TT&TT"),
    ("Sở Khoa học và Công nghệ", "Sở KH&CN"), ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT"), ("Sở Y tế", None),
    ("Sở Tài nguyên và Môi trường", "Sở TN&MT"), ("Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT"),
    ("Sở Giao thông vận tải", "Sở GTVT"), ("Sở Xây dựng", None), ("Sở Công Thương", None),
    ("Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"), ("Sở Lao động - Thương binh và Xã hội", "Sở LĐTBXH"),
    ("Văn phòng UBND tỉnh", None), ("Công an tỉnh", None), ("Thanh tra tỉnh", None),
    ("Ban Dân tộc tỉnh", None),
]  # fmt: skip
COLLECTIVES = [
    "Các cơ quan, đơn vị có liên quan", "Các sở, ban, ngành tỉnh; UBND cấp huyện",
    "Các sở, ngành, địa phương", "UBND cấp huyện, cấp xã", "Các cơ quan, đơn vị, địa phương",
    "UBND các huyện, thành phố, thị xã",
]  # fmt: skip
APPROVERS = ["UBND tỉnh", "UBND tỉnh", "UBND tỉnh", "Chủ tịch UBND tỉnh", "HĐND tỉnh", ""]


@dataclass(frozen=True)
class Topic:
    key: str
    name: str  # as it reads after "công tác" / in titles
    lead: str  # department that usually leads
    objects: tuple[str, ...]  # task objects
    goals: tuple[str, ...]  # target subjects ("... đạt 90%")


TOPICS = [
    Topic("cchc", "cải cách hành chính", "Sở Nội vụ",
          ("công tác cải cách hành chính", "Chỉ số cải cách hành chính của tỉnh",
           "cơ chế một cửa, một cửa liên thông", "thủ tục hành chính nội bộ",
           "việc đánh giá, xếp loại chất lượng cán bộ, công chức"),
          ("hồ sơ thủ tục hành chính được giải quyết đúng hạn", "mức độ hài lòng của người dân, doanh nghiệp",
           "cơ quan, đơn vị triển khai kế hoạch cải cách hành chính")),
    Topic("cds", "chuyển đổi số", "Sở Thông tin và Truyền thông",
          ("hạ tầng số của tỉnh", "nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh",
           "hệ thống quản lý văn bản và điều hành", "dịch vụ công trực tuyến toàn trình",
           "kỹ năng số cho cán bộ, công chức"),
          ("dịch vụ công trực tuyến toàn trình", "hồ sơ được số hóa kết quả giải quyết",
           "văn bản trao đổi dưới dạng điện tử")),
    Topic("pbgdpl", "phổ biến, giáo dục pháp luật", "Sở Tư pháp",
          ("công tác phổ biến, giáo dục pháp luật", "tủ sách pháp luật tại cơ sở",
           "đội ngũ báo cáo viên pháp luật", "hoạt động hòa giải ở cơ sở"),
          ("xã, phường, thị trấn đạt chuẩn tiếp cận pháp luật", "vụ việc hòa giải thành")),
    Topic("moitruong", "bảo vệ môi trường", "Sở Tài nguyên và Môi trường",
          ("công tác thu gom, xử lý chất thải rắn sinh hoạt", "quan trắc môi trường",
           "việc kiểm soát ô nhiễm tại các cụm công nghiệp", "phân loại rác tại nguồn"),
          ("chất thải rắn sinh hoạt đô thị được thu gom, xử lý",
           "cụm công nghiệp có hệ thống xử lý nước thải")),
    Topic("yte", "chăm sóc sức khỏe Nhân dân", "Sở Y tế",
          ("mạng lưới y tế cơ sở", "hồ sơ sức khỏe điện tử", "công tác tiêm chủng mở rộng",
           "an toàn thực phẩm"),
          ("dân số được quản lý hồ sơ sức khỏe", "trạm y tế xã có bác sĩ",
           "người dân tham gia bảo hiểm y tế")),
    Topic("giaoduc", "phát triển giáo dục và đào tạo", "Sở Giáo dục và Đào tạo",
          ("mạng lưới trường, lớp học", "đội ngũ nhà giáo và cán bộ quản lý giáo dục",
           "chương trình giáo dục phổ thông", "ứng dụng công nghệ thông tin trong dạy học"),
          ("trường đạt chuẩn quốc gia", "học sinh trong độ tuổi đến trường")),
    Topic("nongthon", "xây dựng nông thôn mới", "Sở Nông nghiệp và Phát triển nông thôn",
          ("Bộ tiêu chí xã nông thôn mới", "sản phẩm OCOP", "hạ tầng giao thông nông thôn",
           "chuyển đổi cơ cấu cây trồng, vật nuôi"),
          ("xã đạt chuẩn nông thôn mới", "xã đạt chuẩn nông thôn mới nâng cao")),
    Topic("atgt", "bảo đảm trật tự, an toàn giao thông", "Công an tỉnh",
          ("công tác tuần tra, kiểm soát", "kết cấu hạ tầng giao thông",
           "công tác tuyên truyền an toàn giao thông",
           "điểm đen tai nạn giao thông"),
          ("giảm số vụ tai nạn giao thông", "người tham gia giao thông đội mũ bảo hiểm")),
    Topic("dulich", "phát triển du lịch", "Sở Văn hóa, Thể thao và Du lịch",
          ("sản phẩm du lịch đặc trưng", "công tác xúc tiến, quảng bá du lịch", "nguồn nhân lực du lịch",
           "hạ tầng các khu, điểm du lịch"),
          ("tăng trưởng lượt khách du lịch", "cơ sở lưu trú đạt chuẩn")),
    Topic("thientai", "phòng, chống thiên tai và tìm kiếm cứu nạn", "Sở Nông nghiệp và Phát triển nông thôn",
          ("phương án ứng phó thiên tai", "hệ thống cảnh báo sớm",
           "lực lượng xung kích phòng chống thiên tai",
           "công trình phòng, chống sạt lở"),
          ("hộ dân vùng nguy cơ được di dời", "xã có lực lượng xung kích")),
]  # fmt: skip

VERBS = [
    "Xây dựng kế hoạch triển khai", "Tổ chức thực hiện", "Rà soát, đánh giá",
    "Kiểm tra, giám sát việc thực hiện",
    "Tổ chức tập huấn về", "Tuyên truyền, phổ biến về", "Nâng cao chất lượng", "Đầu tư nâng cấp",
    "Báo cáo sơ kết việc thực hiện", "Tổng kết, đánh giá", "Tham mưu ban hành quy chế về",
    "Khảo sát, đánh giá", "Hướng dẫn, đôn đốc thực hiện", "Duy trì, vận hành hiệu quả",
]  # fmt: skip
PURPOSE_SENTENCES = [
    "Triển khai đồng bộ, hiệu quả các nhiệm vụ, giải pháp về {topic} trên địa bàn tỉnh, góp phần thực hiện "
    "thắng lợi nhiệm vụ phát triển kinh tế - xã hội của địa phương.",
    "Xác định cụ thể các nội dung công việc, thời hạn, tiến độ hoàn thành và trách nhiệm của các cơ quan, "
    "đơn vị trong việc tổ chức thực hiện.",
    "Nâng cao nhận thức, trách nhiệm của người đứng đầu các cơ quan, đơn vị, địa phương về {topic}.",
    "Tăng cường sự phối hợp giữa các sở, ban, ngành tỉnh và UBND cấp huyện trong quá trình triển khai "
    "thực hiện, bảo đảm thống nhất, kịp thời.",
    "Việc triển khai thực hiện phải bám sát chỉ đạo của Trung ương, của tỉnh, gắn với điều kiện thực tế "
    "của từng cơ quan, đơn vị, địa phương.",
    "Kết quả thực hiện là một trong những tiêu chí đánh giá, xếp loại mức độ hoàn thành nhiệm vụ của cơ "
    "quan, đơn vị và người đứng đầu.",
    "Huy động sự tham gia của Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, các tổ chức chính trị - xã hội, người "
    "dân và doanh nghiệp trong giám sát việc thực hiện.",
]
SOLUTION_SENTENCES = [
    "Tiếp tục {verb_lower} {obj}, bảo đảm đúng quy định, phù hợp với tình hình thực tế của địa phương.",
    "{verb} {obj} gắn với trách nhiệm của người đứng đầu; kịp thời chấn chỉnh những hạn chế, yếu kém.",
    "Đẩy mạnh {obj}; tăng cường kiểm tra, đôn đốc, định kỳ báo cáo kết quả thực hiện về UBND tỉnh.",
    "Bố trí nguồn lực phù hợp để {verb_lower} {obj}, ưu tiên các địa bàn khó khăn.",
]
FUNDING_SENTENCES = [
    "Kinh phí thực hiện Kế hoạch này được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành và "
    "các nguồn huy động hợp pháp khác.",
    "Các cơ quan, đơn vị lập dự toán kinh phí thực hiện nhiệm vụ được giao, tổng hợp chung vào dự toán "
    "ngân sách hằng năm gửi Sở Tài chính thẩm định, trình cấp có thẩm quyền phê duyệt.",
]
RESPONSIBILITY_DUTIES = [
    "Chủ trì, phối hợp với các cơ quan, đơn vị có liên quan tổ chức triển khai thực hiện các nhiệm vụ "
    "được giao tại Kế hoạch này.",
    "Hướng dẫn, theo dõi, đôn đốc, kiểm tra việc thực hiện {obj} thuộc ngành, lĩnh vực phụ trách.",
    "Định kỳ 6 tháng, hàng năm tổng hợp, báo cáo UBND tỉnh kết quả thực hiện {obj}.",
    "Tham mưu UBND tỉnh ban hành các văn bản chỉ đạo, điều hành về {topic} theo thẩm quyền.",
    "Bố trí cán bộ, công chức có năng lực theo dõi, tổng hợp tình hình thực hiện {obj}.",
    "Phối hợp với Sở Tài chính tham mưu bố trí kinh phí thực hiện {obj}.",
]
SIGNERS_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô"]
SIGNERS_MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Thanh", "Quốc", "Ngọc", "Đức", "Hoàng", "Xuân"]
SIGNERS_GIVEN = ["Dũng", "Hùng", "Lan", "Tâm", "Hải", "Sơn", "Phương", "Thắng", "Tuấn", "Hòa", "Bình", "Long"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
QUARTERS = ["I", "II", "III", "IV"]


@dataclass(frozen=True)
class Instrument:
    """One citable instrument; identical wherever it is cited."""

    number: str  # canonical, as the extractor should report it
    doc_type: str  # full Vietnamese name ("Nghị định")
    issuer: str  # as the contract names it ("Chính phủ", "UBND tỉnh Bến Tre")
    issuer_phrase: str  # as printed after "của" ("Chính phủ", "Ủy ban nhân dân tỉnh", "Tỉnh ủy")
    date: tuple[int, int, int]  # (year, month, day)
    subject: str  # subject clause printed after "về"
    upper_safe: bool  # number has no lower-case letters, so it survives an upper-cased title
    nested: Instrument | None = None  # an instrument named inside the subject ("về thực hiện Nghị quyết số ...")


@dataclass
class PlanMeta:
    index: int
    province: str
    number: str
    date: tuple[int, int, int]
    topic: Topic
    title: str  # "Kế hoạch thực hiện ..." (sentence case)
    implements: Instrument | None
    as_instrument: Instrument = field(init=False)

    def __post_init__(self) -> None:
        subject = self.title.removeprefix("Kế hoạch ").strip()
        self.as_instrument = Instrument(
            number=self.number,
            doc_type="Kế hoạch",
            issuer=f"UBND {unit_prefix(self.province)} {self.province}",
            issuer_phrase=f"Ủy ban nhân dân {unit_prefix(self.province)}",
            date=self.date,
            subject=subject,
            upper_safe=True,
            nested=self.implements,
        )


def unit_prefix(unit: str) -> str:
    return "thành phố" if unit in CITIES else "tỉnh"


def iso(d: tuple[int, int, int]) -> str:
    return f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"


def nn(n: int) -> str:
    """Numbers below 10 are printed with a leading zero ("09-NQ/TU", "08/NQ-CP")."""
    return f"{n:02d}"


def rand_date(rng: random.Random, year: int) -> tuple[int, int, int]:
    month = rng.randint(1, 12)
    return (year, month, rng.randint(1, 28))


# ---------------------------------------------------------------- instrument pools
NATIONAL_KINDS = [
    # (weight, doc_type, code builder, issuer, issuer_phrase, has_year)
    (5, "Nghị định", "NĐ-CP", "Chính phủ", "Chính phủ", True),
    (5, "Nghị quyết", "NQ-CP", "Chính phủ", "Chính phủ", False),
    (4, "Quyết định", "QĐ-TTg", "Thủ tướng Chính phủ", "Thủ tướng Chính phủ", False),
    (2, "Quyết định", "QĐ-TTg", "Thủ tướng Chính phủ", "Thủ tướng Chính phủ", True),
    (2, "Chỉ thị", "CT-TTg", "Thủ tướng Chính phủ", "Thủ tướng Chính phủ", False),
    (2, "Thông tư", "TT-BNV", "Bộ Nội vụ", "Bộ Nội vụ", True),
    (1, "Thông tư", "TT-BTC", "Bộ Tài chính", "Bộ Tài chính", True),
    (1, "Thông tư", "TT-BTTTT", "Bộ Thông tin và Truyền thông", "Bộ Thông tin và Truyền thông", True),
    (1, "Quyết định", "QĐ-BNV", "Bộ Nội vụ", "Bộ trưởng Bộ Nội vụ", False),
    (2, "Nghị quyết", "NQ/TW", "Ban Chấp hành Trung ương", "Ban Chấp hành Trung ương Đảng", False),
    (1, "Kết luận", "KL/TW", "Bộ Chính trị", "Bộ Chính trị", False),
    (1, "Chỉ thị", "CT/TW", "Ban Bí thư", "Ban Bí thư", False),
    (1, "Công văn", "VPCP-KSTT", "Văn phòng Chính phủ", "Văn phòng Chính phủ", False),
    (1, "Luật", "QH15", "Quốc hội", "Quốc hội", True),
]
PROVINCIAL_KINDS = [
    (5, "Quyết định", "QĐ-UBND", "UBND", False),
    (5, "Kế hoạch", "KH-UBND", "UBND", False),
    (2, "Quyết định", "QĐ-UBND", "UBND", True),
    (2, "Nghị quyết", "NQ-HĐND", "HĐND", True),
    (2, "Nghị quyết", "NQ/TU", "TU", False),
    (1, "Chương trình", "CTr/TU", "TU", False),
    (1, "Công văn", "UBND-KSTT", "UBND", False),
]
SUBJECT_FORMS = [
    "ban hành Chương trình {name} giai đoạn 2021 - 2030",
    "đẩy mạnh {name} trong tình hình mới",
    "phê duyệt Đề án {name} đến năm 2025, định hướng đến năm 2030",
    "một số nhiệm vụ, giải pháp trọng tâm về {name}",
    "quy định chi tiết một số điều về {name}",
    "tăng cường trách nhiệm của người đứng đầu trong công tác {name}",
]


def _weighted(rng: random.Random, kinds: list) -> tuple:
    return rng.choices(kinds, weights=[k[0] for k in kinds])[0]


def build_national_pool(seed: int, per_topic: int = 14) -> dict[str, list[Instrument]]:
    """Instruments issued by central bodies, shared by every province; unique numbers per code."""
    rng = random.Random(f"{seed}:national")
    used: set[tuple[str, int, int | None]] = set()
    pool: dict[str, list[Instrument]] = {}
    for topic in TOPICS:
        items: list[Instrument] = []
        while len(items) < per_topic:
            _, doc_type, code, issuer, phrase, has_year = _weighted(rng, NATIONAL_KINDS)
            year = rng.randint(2015, 2023)
            n = rng.randint(1, 60) if code.endswith("/TW") else rng.randint(1, 1200 if "QĐ" in code else 180)
            if code == "QH15":
                year, n = rng.randint(2021, 2024), rng.randint(1, 60)
            key = (code, n, year if has_year else None)
            if key in used:
                continue
            used.add(key)
            if code.endswith("/TW"):
                number = f"{nn(n)}-{code}"
            elif code == "QH15":
                number = f"{nn(n)}/{year}/QH15"
            elif has_year:
                number = f"{nn(n)}/{year}/{code}"
            else:
                number = f"{nn(n)}/{code}"
            subject = rng.choice(SUBJECT_FORMS).format(name=topic.name)
            items.append(
                Instrument(
                    number,
                    doc_type,
                    issuer,
                    phrase,
                    rand_date(rng, year),
                    subject,
                    upper_safe=number == number.upper(),
                )
            )
        pool[topic.key] = items
    return pool


def build_provincial_pool(seed: int, province: str, per_topic: int = 6) -> dict[str, list[Instrument]]:
    rng = random.Random(f"{seed}:province:{province}")
    used: set[tuple[str, int, int]] = set()
    prefix = unit_prefix(province)
    pool: dict[str, list[Instrument]] = {}
    for topic in TOPICS:
        items: list[Instrument] = []
        while len(items) < per_topic:
            _, doc_type, code, body, has_year = _weighted(rng, PROVINCIAL_KINDS)
            year = rng.randint(2016, 2023)
            # provincial KH/QĐ numbers here stay below 2000; corpus plans are numbered from 2000 up
            n = rng.randint(1, 99) if "/" in code else rng.randint(1, 1999)
            key = (code, n, year)
            if key in used:
                continue
            used.add(key)
            if body == "TU":
                number, issuer, phrase = f"{nn(n)}-{code}", f"Tỉnh ủy {province}", "Tỉnh ủy"
            elif body == "HĐND":
                number = f"{nn(n)}/{year}/{code}"
                issuer, phrase = f"HĐND {prefix} {province}", f"Hội đồng nhân dân {prefix}"
            else:
                number = f"{nn(n)}/{year}/{code}" if has_year else f"{nn(n)}/{code}"
                issuer, phrase = (
                    f"UBND {prefix} {province}",
                    rng.choice([f"Ủy ban nhân dân {prefix}", f"UBND {prefix}"]),
                )
            subject = rng.choice(SUBJECT_FORMS).format(name=topic.name) + f" trên địa bàn {prefix}"
            items.append(
                Instrument(
                    number,
                    doc_type,
                    issuer,
                    phrase,
                    rand_date(rng, year),
                    subject,
                    upper_safe=number == number.upper(),
                )
            )
        pool[topic.key] = items
    return pool


# ---------------------------------------------------------------- text layout helpers
def wrap(text: str, rng: random.Random, width: int | None = None) -> str:
    """Hard-wrap like the seeds: a short first line (the page's indent), then ~80 columns."""
    width = width or rng.randint(72, 86)
    words = text.split(" ")
    lines: list[str] = []
    line = ""
    limit = rng.randint(30, 45)
    for w in words:
        if line and len(line) + 1 + len(w) > limit:
            lines.append(line)
            line, limit = w, width
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return "\n".join(lines)


def wrap_cell(text: str, rng: random.Random) -> str:
    """Table cells in the seeds often break after the first word ("Sở Nội\\nvụ", "Tháng\\n01 năm 2022")."""
    words = text.split(" ")
    if len(words) > 1 and rng.random() < 0.6:
        k = rng.randint(1, min(2, len(words) - 1))
        return " ".join(words[:k]) + "\n" + wrap(" ".join(words[k:]), rng, rng.randint(60, 80))
    return wrap(text, rng, rng.randint(60, 80))


def fmt_date_long(d: tuple[int, int, int], rng: random.Random) -> str:
    y, m, day = d
    dd = f"{day:02d}" if rng.random() < 0.5 else str(day)
    return f"ngày {dd} tháng {m} năm {y}"


def fmt_date_short(d: tuple[int, int, int], rng: random.Random) -> str:
    y, m, day = d
    if rng.random() < 0.5:
        return f"ngày {day:02d}/{m:02d}/{y}"
    return f"ngày {day}/{m}/{y}"


def printed_number(number: str, rng: random.Random, variants: bool) -> str:
    """The canonical number as it may be printed: sometimes "2703/QĐ- UBND" (stray space after the hyphen)."""
    if variants and rng.random() < 0.08 and "-" in number:
        head, _, tail = number.rpartition("-")
        # only administrative codes ("QĐ-UBND") are printed this way; Party numbers keep "09-NQ/TU"
        if tail and "/" in head and not head.endswith("/"):
            return f"{head}- {tail}"
    return number


def full_mention(inst: Instrument, rng: random.Random, variants: bool, long_date: bool | None = None) -> str:
    long_date = rng.random() < 0.5 if long_date is None else long_date
    date = fmt_date_long(inst.date, rng) if long_date else fmt_date_short(inst.date, rng)
    return (
        f"{inst.doc_type} số {printed_number(inst.number, rng, variants)} {date} "
        f"của {inst.issuer_phrase} về {inst.subject}"
    )


def short_mention(inst: Instrument) -> str:
    return f"{inst.doc_type} số {inst.number}"


def upper_vn(text: str) -> str:
    return unicodedata.normalize("NFC", text.upper())


# ---------------------------------------------------------------- one document
def pick(rng: random.Random, items: list[Instrument], k: int) -> list[Instrument]:
    return rng.sample(items, min(k, len(items)))


def before(items: list[Instrument], date: tuple[int, int, int]) -> list[Instrument]:
    earlier = [i for i in items if i.date < date]
    return earlier or sorted(items, key=lambda i: i.date)[:2]


@dataclass
class Expected:
    citations: dict[str, dict] = field(default_factory=dict)  # canonical number -> facts

    def add(self, inst: Instrument, relation: str) -> None:
        rank = {"implements": 3, "based_on": 2, "cites": 1}
        cur = self.citations.get(inst.number)
        if cur is None:
            self.citations[inst.number] = {
                "number": inst.number,
                "doc_type": inst.doc_type,
                "issuer": inst.issuer,
                "date": iso(inst.date),
                "relation": relation,
            }
        elif rank[relation] > rank[cur["relation"]]:
            cur["relation"] = relation
        if inst.nested is not None:  # named inside the subject: its own citation, a mere mention
            self.add(inst.nested, "cites")


def render_plan(
    meta: PlanMeta,
    earlier: list[PlanMeta],
    national: dict[str, list[Instrument]],
    provincial: dict[str, list[Instrument]],
    seed: int,
    variants: bool = True,
) -> tuple[str, dict]:
    """Return (text, manifest entry) for one plan."""
    rng = random.Random(f"{seed}:doc:{meta.index}")
    topic, province = meta.topic, meta.province
    prefix = unit_prefix(province)
    exp = Expected()
    # only instruments issued before the plan can be cited (keep at least one to cite)
    nat = before(national[topic.key], meta.date)
    prov = before(provincial[topic.key], meta.date)
    nat_extra = [i for i in before(national[rng.choice(TOPICS).key], meta.date) if i not in nat] or nat
    out: list[str] = []

    # Letterhead, date line: cells closed by "|" lines, as in seeds 000/001.
    head = f"ỦY BAN NHÂN DÂN\n{upper_vn(prefix)} {upper_vn(province)}"
    if rng.random() < 0.4:
        head = f"ỦY\nBAN NHÂN DÂN\n{upper_vn(prefix)} {upper_vn(province)}"
    y, m, d = meta.date
    out += [
        head,
        "-------",
        "|",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" if rng.random() < 0.5 else "CỘNG\nHÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "---------------",
        "|",
        f"Số: {meta.number}",
        "|",
        wrap(f"{province}, ngày {d:02d} tháng {m} năm {y}", rng, 40),
        "|",
    ]

    # Title (upper case), possibly naming the instrument the plan implements.
    out.append("KẾ HOẠCH")
    out.append(wrap(upper_vn(meta.title.removeprefix("Kế hoạch ")), rng, rng.randint(70, 80)))

    # Preamble: Căn cứ / Thực hiện lines -> based_on (the implemented one stays implements).
    basis: list[Instrument] = []
    if meta.implements is not None:
        basis.append(meta.implements)
        exp.add(meta.implements, "implements")
    k_nat = rng.randint(1, 3)
    basis += [i for i in pick(rng, nat, k_nat) if i is not meta.implements]
    basis += [i for i in pick(rng, prov, rng.randint(0, 2)) if i not in basis]
    same_prov = [p for p in earlier if p.province == province][-20:]
    # in the preamble only plans without a nested number: whether a number nested in a căn cứ
    # subject is itself a basis is a judgement call, so the corpus keeps those to the body
    plain = [p for p in same_prov if p.implements is None]
    if plain and rng.random() < 0.6:
        basis.append(rng.choice(plain).as_instrument)
    if rng.random() < 0.3:
        out.append(
            wrap(f"Căn cứ Luật Tổ chức chính quyền địa phương {fmt_date_long((2015, 6, 19), rng)};", rng)
        )
    aliases: dict[str, str] = {}
    for j, inst in enumerate(basis):
        lead = "Thực hiện" if (inst is meta.implements or rng.random() < 0.3) else "Căn cứ"
        mention = full_mention(inst, rng, variants)
        if rng.random() < 0.35:
            alias = short_mention(inst)
            aliases[inst.number] = alias
            mention += f" (sau đây gọi tắt là {alias})"
        end = "." if j == len(basis) - 1 else ";"
        out.append(wrap(f"{lead} {mention}{end}", rng))
        if inst is not meta.implements:
            exp.add(inst, "based_on")
    out.append(
        wrap(
            f"Ủy ban nhân dân {prefix} {province} ban hành {meta.title} với các nội dung sau:"
            if rng.random() < 0.5
            else f"Ủy ban nhân dân {prefix} ban hành {meta.title} (sau đây gọi tắt là Kế hoạch) như sau:",
            rng,
        )
    )

    sec = 0

    def heading(text: str) -> None:
        nonlocal sec
        out.append(wrap(f"{ROMAN[sec]}. {text}", rng, rng.randint(20, 40)))
        sec += 1

    # I. Purpose and requirements.
    heading("MỤC ĐÍCH, YÊU CẦU")
    for label, picks in (("1. Mục đích", 2), ("2. Yêu cầu", 3)):
        out.append(label)
        for s in rng.sample(PURPOSE_SENTENCES, picks):
            out.append(wrap("- " + s.format(topic=topic.name), rng))
    if basis and rng.random() < 0.7:
        inst = rng.choice(basis)
        ref = aliases.get(inst.number) or short_mention(inst)
        out.append(
            wrap(
                f"- Nội dung Kế hoạch gắn với việc thực hiện {ref} và các văn bản chỉ đạo, điều hành "
                f"của Trung ương, của {prefix}.",
                rng,
            )
        )

    # II. Targets: numbered items carrying percentages.
    n_targets = rng.randint(0, 8)
    if n_targets:
        heading("CÁC CHỈ TIÊU CHỦ YẾU")
        for t in range(1, n_targets + 1):
            goal = rng.choice(topic.goals)
            pct = rng.choice([50, 60, 70, 80, 85, 90, 95, 100])
            out.append(
                wrap(
                    f"{t}. Phấn đấu đến cuối năm {y + rng.randint(0, 3)}, tỷ lệ {goal} đạt "
                    f"{'tối thiểu ' if rng.random() < 0.5 else ''}{pct}%.",
                    rng,
                )
            )

    # III. Tasks and solutions: prose that cites further instruments (-> cites).
    heading("NHIỆM VỤ, GIẢI PHÁP")
    cited_in_body = pick(rng, nat_extra, rng.randint(1, 4)) + pick(rng, prov, rng.randint(0, 2))
    if same_prov and rng.random() < 0.5:
        cited_in_body.append(rng.choice(same_prov).as_instrument)
    subs = rng.sample(topic.objects, rng.randint(2, len(topic.objects)))
    for s, obj in enumerate(subs, start=1):
        out.append(wrap(f"{s}. {obj[0].upper()}{obj[1:]}", rng, rng.randint(25, 45)))
        for _ in range(rng.randint(3, 9)):
            verb = rng.choice(VERBS)
            out.append(
                wrap(
                    "- "
                    + rng.choice(SOLUTION_SENTENCES).format(
                        verb=verb, verb_lower=verb[0].lower() + verb[1:], obj=rng.choice(topic.objects)
                    ),
                    rng,
                )
            )
        if cited_in_body and rng.random() < 0.7:
            inst = cited_in_body.pop()
            if inst.number in exp.citations:
                ref = aliases.get(inst.number) or short_mention(inst)
            else:
                ref = full_mention(inst, rng, variants)
                exp.add(inst, "cites")
            out.append(wrap(f"- Tiếp tục tổ chức thực hiện có hiệu quả {ref}.", rng))
    for inst in cited_in_body:  # any left over go into one closing paragraph
        ref = full_mention(inst, rng, variants) if inst.number not in exp.citations else short_mention(inst)
        exp.add(inst, "cites")
        out.append(wrap(f"- Thực hiện đúng các quy định tại {ref}.", rng))

    # IV. Appendix pointer, V. funding, VI. organisation (optionally lettered responsibilities).
    n_rows = rng.randint(5, 55)
    heading("DANH MỤC NHIỆM VỤ (Phụ lục đính kèm)")
    heading("KINH PHÍ THỰC HIỆN")
    out.append(wrap(rng.choice(FUNDING_SENTENCES), rng))
    heading("TỔ CHỨC THỰC HIỆN")
    n_resp = 0
    if rng.random() < 0.5:
        out.append("1. Phân công thực hiện")
        depts = rng.sample(DEPARTMENTS, rng.randint(2, 5))
        if topic.lead not in [dep[0] for dep in depts]:
            depts[0] = (topic.lead, None)
        for letter, (dept, _abbr) in zip("abcdeghik", depts, strict=False):
            out.append(wrap(f"{letter}) Trách nhiệm của {dept}", rng, rng.randint(20, 40)))
            for duty in rng.sample(RESPONSIBILITY_DUTIES, rng.randint(1, 4)):
                out.append(wrap("- " + duty.format(obj=rng.choice(topic.objects), topic=topic.name), rng))
                n_resp += 1
        out.append("2. Chế độ báo cáo")
    else:
        out.append("1. Chế độ báo cáo")
    out.append(
        wrap(
            f"Các cơ quan, đơn vị định kỳ 6 tháng (trước ngày 15/6) và hằng năm (trước ngày 15/12) "
            f"báo cáo kết quả thực hiện về {topic.lead} để tổng hợp, báo cáo UBND {prefix}.",
            rng,
        )
    )
    out.append(
        wrap(
            f"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh về "
            f"{topic.lead} để tổng hợp, báo cáo Ủy ban nhân dân {prefix} xem xét, giải quyết./.",
            rng,
        )
    )

    # Recipients and signature block.
    signer = f"{rng.choice(SIGNERS_FAMILY)} {rng.choice(SIGNERS_MIDDLE)} {rng.choice(SIGNERS_GIVEN)}"
    out += [
        "Nơi nhận:",
        "- Như trên;",
        f"- TT Tỉnh ủy, TT HĐND {prefix};",
        f"- CT, các PCT UBND {prefix};",
        "- Các sở, ban, ngành tỉnh;",
        "- UBND các huyện, thành phố;",
        "- Lưu: VT.",
        "|",
    ]
    if rng.random() < 0.6:
        out += ["KT.", "CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    else:
        out += ["CHỦ TỊCH"]
    out += [signer, "|"]

    # Appendix table, layout of seed 000 (index inside content) or 001 (STT column first).
    out += [
        "PHỤ LỤC",
        wrap(f"DANH MỤC NHIỆM VỤ {upper_vn(topic.name)}", rng, 50),
        wrap(
            f"(Ban hành kèm theo Kế hoạch số {meta.number} {fmt_date_long(meta.date, rng)} của Ủy ban nhân "
            f"dân {prefix} {province})",
            rng,
            70,
        ),
    ]
    layout_stt = rng.random() < 0.35
    if layout_stt:
        cols = ["STT", "Nội dung công việc", "Thời gian hoàn thành", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    else:
        cols = [
            "Nội dung công việc",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Cấp ban hành/phê duyệt",
            "Thời gian thực hiện",
        ]
    for c in cols:
        out += [wrap_cell(c, rng), "|"]
    sections = [] if layout_stt else rng.sample(topic.objects, rng.randint(1, len(topic.objects)))
    row_cites = pick(rng, nat, 2)
    rows_done = 0
    for s_i in range(max(1, len(sections))):
        if sections:
            title = sections[s_i]
            out += [wrap(f"{ROMAN[s_i]}. {title[0].upper()}{title[1:]}", rng, 60), "|"]
        per = n_rows // max(1, len(sections)) + (n_rows % max(1, len(sections)) if s_i == 0 else 0)
        for r in range(1, per + 1):
            obj = rng.choice(topic.objects)
            content = f"{rng.choice(VERBS)} {obj}"
            if rng.random() < 0.5:
                content += f" năm {y + rng.randint(0, 1)}"
            if row_cites and rng.random() < 0.08:
                inst = row_cites.pop()
                content += (
                    f" theo {short_mention(inst)}"
                    if inst.number in exp.citations
                    else f" theo {full_mention(inst, rng, variants, long_date=False)}"
                )
                exp.add(inst, "cites")
            lead = topic.lead if rng.random() < 0.6 else rng.choice(DEPARTMENTS)[0]
            coord = rng.choice(COLLECTIVES) if rng.random() < 0.7 else rng.choice(DEPARTMENTS)[0]
            when = timeframe(rng, y)
            if layout_stt:
                cells = [str(rows_done + 1), content, when, lead, coord]
            else:
                cells = [f"{r}. {content}", lead, coord, rng.choice(APPROVERS), when]
            for c in cells:
                out += ([wrap_cell(c, rng)] if c else []) + ["|"]
            rows_done += 1

    text = "\n".join(out) + "\n"
    entry = {
        "number": meta.number,
        "doc_type": "Kế hoạch",
        "province": province,
        "issuer": f"UBND {prefix} {province}",
        "date": iso(meta.date),
        "title": meta.title,
        "topic": topic.key,
        "citations": list(exp.citations.values()),
        "appendix_rows": rows_done,
        "responsibilities": n_resp,
        "targets": n_targets,
    }
    return text, entry


def timeframe(rng: random.Random, year: int) -> str:
    y = year + rng.randint(0, 1)
    forms = [
        "Thường xuyên",
        "Hằng năm",
        "Theo kế hoạch",
        f"Tháng {rng.randint(1, 12):02d} năm {y}",
        f"Quý {rng.choice(QUARTERS)} năm {y}",
        f"Trước ngày {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{y}",
        f"Năm {y}",
        f"Từ Quý II đến cuối năm {y}",
        f"Cuối năm {y}",
        f"Giai đoạn {y} - {y + 4}",
        f"6 tháng đầu năm {y}",
        "Theo yêu cầu của Bộ, ngành Trung ương",
    ]
    return rng.choice(forms)


# ---------------------------------------------------------------- the corpus
def plan_metas(n: int, seed: int, national: dict[str, list[Instrument]]) -> list[PlanMeta]:
    """Metadata of every plan first, so later plans can cite earlier ones consistently."""
    rng = random.Random(f"{seed}:metas")
    used: set[tuple[str, int, int]] = set()
    metas: list[PlanMeta] = []
    for i in range(n):
        province = rng.choice(ALL_UNITS)
        year = rng.randint(2019, 2024)  # independent of n: plan i is the same in every corpus size
        while True:
            num = rng.randint(2000, 9999)
            if (province, num, year) not in used:
                used.add((province, num, year))
                break
        topic = rng.choice(TOPICS)
        date = rand_date(rng, year)
        implements = None
        candidates = [x for x in national[topic.key] if x.upper_safe and x.date < date]
        if candidates and rng.random() < 0.4:
            implements = rng.choice(candidates)
            title = (
                f"Kế hoạch thực hiện {implements.doc_type} số {implements.number} "
                f"{fmt_date_short(implements.date, rng)} của {implements.issuer_phrase} "
                f"về {implements.subject}"
            )
        else:
            scope = rng.choice([f"năm {year + 1}", f"giai đoạn {year} - {year + 5}", f"năm {year}"])
            verb = rng.choice(["thực hiện công tác", "triển khai", "nâng cao hiệu quả"])
            title = (
                f"Kế hoạch {verb} {topic.name} "
                f"{scope} trên địa bàn {unit_prefix(province)} {province}"
            )
        metas.append(PlanMeta(i, province, f"{num}/KH-UBND", date, topic, title, implements))
    return metas


def generate(n: int, seed: int, variants: bool = True) -> Iterator[tuple[str, str, dict]]:
    """Yield (file name, text, manifest entry) for plans 0..n-1, in order."""
    national = build_national_pool(seed)
    metas = plan_metas(n, seed, national)
    provincial_cache: dict[str, dict[str, list[Instrument]]] = {}
    for meta in metas:
        prov = provincial_cache.get(meta.province)
        if prov is None:
            prov = provincial_cache[meta.province] = build_provincial_pool(seed, meta.province)
        earlier = [m for m in metas[max(0, meta.index - 400) : meta.index] if m.date < meta.date]
        text, entry = render_plan(meta, earlier, national, prov, seed, variants)
        data = text.encode("utf-8")
        name = f"{meta.index:05d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
        entry = {"file": name, **entry}
        yield name, text, entry


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_corpus(n: int, seed: int, out: Path, variants: bool = True) -> dict:
    """Write the corpus and its manifest into ``out`` (created; stale generated files removed)."""
    out.mkdir(parents=True, exist_ok=True)
    keep: set[str] = set()
    total = 0
    manifest_lines: list[str] = []
    for name, text, entry in generate(n, seed, variants):
        data = text.encode("utf-8")
        target = out / name
        if not (target.exists() and target.stat().st_size == len(data)):
            _write_atomic(target, data)
        keep.add(name)
        total += len(data)
        manifest_lines.append(json.dumps(entry, ensure_ascii=False))
    for old in out.glob("[0-9][0-9][0-9][0-9][0-9]_*.txt"):
        if old.name not in keep:
            old.unlink()
    _write_atomic(out / MANIFEST_NAME, ("\n".join(manifest_lines) + "\n").encode("utf-8"))
    return {"files": n, "bytes": total, "out": str(out)}


def read_manifest(out: Path) -> list[dict]:
    path = out / MANIFEST_NAME
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of plans")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True, help="output folder (created)")
    ap.add_argument("--no-variants", action="store_true", help="print every number in its canonical form")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    t0 = time.perf_counter()
    summary = write_corpus(args.n, args.seed, args.out, variants=not args.no_variants)
    dt = time.perf_counter() - t0
    print(
        f"wrote {summary['files']} plans, {summary['bytes'] / 1e6:.1f} MB to {args.out} in {dt:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
