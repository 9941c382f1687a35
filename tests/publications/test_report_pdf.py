"""The yearly progress report as a PDF: laid out like the printed FY2021 report, tagged for accessibility,
built with every publication and served beside the Excel report.

Expected figures are the seed report's (../shared/seeds/000_80d97651c6aed2d7.txt) as it prints them, with the
達成率 worked out by hand: 実績値 ÷ 目標値, to one decimal.
"""

import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from indicators.models import IndicatorValue
from publications import artifacts
from publications.models import Publication
from publications.progress import load
from publications.report_pdf import Publisher, build_pdf
from tests.factories import publish

SLUG = "kumamoto-welfare-4"
PLAN_TITLE = "第４次熊本市地域福祉計画・地域福祉活動計画"

# Each indicator's row as the report prints it: code, 基準値 with its year, 令和2年度, 令和3年度, 目標値, 達成率.
ROWS = [
    ("1-1-1", "H30：95.1％", "91.8％", "92.43％", "100％", "92.4％"),  # 92.43 ÷ 100
    ("1-1-2", "H30：98人", "7人", "11人", "640人", "1.7％"),  # 11 ÷ 640 = 1.72
    ("1-2-1", "H30：46回", "0回", "1回", "70回", "1.4％"),  # 1 ÷ 70 = 1.43
    ("2-1-1", "H30：711箇所", "847箇所", "708箇所", "858箇所", "82.5％"),  # 708 ÷ 858 = 82.52
    ("2-1-2", "なし", "71.1％", "45.9％", "100％", "45.9％"),
    ("2-2-1", "R1：5校区", "20校区", "43校区", "95校区", "45.3％"),  # 43 ÷ 95 = 45.26
    ("3-1-1", "H30：484件", "5,233件", "3,894件", "1,200件", "324.5％"),  # 3894 ÷ 1200
    ("3-1-2", "H30：96回", "100回", "269回", "390回", "69.0％"),  # 269 ÷ 390 = 68.97
    ("3-2-1", "H30：24.2％", "24.3％", "23.1％", "50％", "46.2％"),  # 23.1 ÷ 50
    ("3-3-1", "H30：1,375団体", "1,367団体", "1,354団体", "1,555団体", "87.1％"),  # 1354 ÷ 1555 = 87.07
]
# The bookmarks of the 基本方針 and 取組, as the seed names them.
OUTLINE = [
    (1, "基本方針Ⅰ　地域力強化のための人材の確保・育成"),
    (2, "1　支え合い活動推進の核となる人材の確保"),
    (2, "2　地域福祉活動の新たな担い手の確保に向けた意識の醸成"),
    (1, "基本方針Ⅱ　支え合いの地域づくり"),
    (2, "1　住民に身近な地域での支え合い体制づくり"),
    (2, "2　住民主体の課題解決力の強化に向けた仕組みづくり"),
    (1, "基本方針Ⅲ　多様な主体の連携・協働の推進"),
    (2, "1　連携による支援の充実"),
    (2, "2　協働で取り組む災害対応力の強化"),
    (2, "3　包括的な支援に向けた多様な主体とのネットワークの構築"),
]


def program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: install poppler-utils (make test-tools does).")
    return path


def run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def report(kumamoto_plan, tmp_path) -> Path:
    """The FY2021 report as citizens download it: the file built when the year was published."""
    publication = Publication.objects.current(kumamoto_plan, 2021)
    path = tmp_path / "report-2021.pdf"
    path.write_bytes(artifacts.open_file(publication, artifacts.REPORT_PDF_FILE))
    artifacts_dir = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts_dir.mkdir(exist_ok=True)
    shutil.copy(path, artifacts_dir / "report-2021-pdf.pdf")
    return path


def page_texts(path: Path) -> list[str]:
    return run(program("pdftotext"), str(path), "-").split("\f")[:-1]


def structure_tags(reader: PdfReader) -> list:
    """Every element of the PDF's structure tree, in order: (tag, element)."""
    found = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "/S" in node:
            found.append((str(node["/S"]), node))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def test_the_report_is_a_tagged_a4_pdf_in_japanese_with_its_title(report):
    info = run(program("pdfinfo"), str(report))
    reader = PdfReader(report)

    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)$", info, re.M)
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    assert reader.metadata.title == f"{PLAN_TITLE} 令和3年度（2021年度） 進捗状況報告書"


def test_every_font_is_embedded_and_none_is_a_serif_fallback(report):
    lines = run(program("pdffonts"), str(report)).splitlines()[2:]

    assert lines, "the report names no fonts"
    for line in lines:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", line
        assert "Serif" not in name and "Mincho" not in name, line


def test_the_outline_has_every_basic_policy_with_its_measures_beneath(report):
    reader = PdfReader(report)
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title))

    walk(reader.outline, 0)
    policies_and_measures = [
        (depth, title)
        for depth, title in entries
        if title.startswith("基本方針") or re.match(r"^\d　", title)
    ]

    assert [(depth - policies_and_measures[0][0] + 1, t) for depth, t in policies_and_measures] == OUTLINE


def test_headings_come_in_order_and_tables_have_header_cells_and_charts_alt_text(report):
    tags = structure_tags(PdfReader(report))
    headings = [int(tag[2]) for tag, _ in tags if re.fullmatch(r"/H[1-6]", tag)]
    figures = [element for tag, element in tags if tag == "/Figure"]

    assert headings[0] == 1
    assert all(later <= earlier + 1 for earlier, later in pairwise(headings))
    # 10 indicator tables of 6 header cells (基準値, 令和2年度, 令和3年度, 目標値, 達成率, 評価), and more
    assert sum(tag == "/TH" for tag, _ in tags) >= 10 * 6
    # The grade chart and the ten indicator charts, each described.
    assert len(figures) == 11
    assert all(str(figure.get("/Alt", "")).strip() for figure in figures)
    assert any("民生委員・児童委員、主任児童委員の定員充足率" in str(f["/Alt"]) for f in figures)


def test_the_text_holds_every_figure_and_every_narrative_bullet_in_reading_order(report, kumamoto_plan):
    text = flat("".join(page_texts(report)))
    wanted = []
    for code, *figures in ROWS:
        wanted += [f"成果指標{code}", *figures]
        values = IndicatorValue.objects.filter(indicator__plan=kumamoto_plan, indicator__code=code)
        assert values.count() == 2  # FY2020 and FY2021, as the seed reports
    publication = Publication.objects.current(kumamoto_plan, 2021)
    # In the seed's order: under each indicator its own bullets, year by year; then those on the whole measure.
    narratives = [
        flat(item["text"])
        for policy in publication.document()["policies"]
        for measure in policy["measures"]
        for code in [*(i["code"] for i in measure["indicators"]), None]
        for item in measure["narratives"]
        if item["indicator"] == code
    ]
    # The seed's 45 bullets (〇) and its one ※ note on a measure (its other ※ is the plan period, on page 1).
    assert len(narratives) == 46

    position = 0
    for piece in wanted:
        found = text.find(flat(piece), position)
        assert found >= 0, f"{piece} is missing or out of order"
        position = found
    position = 0
    for narrative in narratives:
        found = text.find(narrative, position)
        assert found >= 0, f"{narrative[:30]} is missing or out of order"
        position = found


def test_no_line_starts_with_closing_punctuation(report):
    lines = [line for page in page_texts(report) for line in page.splitlines() if line.strip()]

    assert [line for line in lines if line.lstrip()[0] in "、。）」』，．"] == []


def test_every_page_after_the_cover_has_the_running_header_and_its_number(report):
    pages = page_texts(report)

    assert len(pages) >= 8
    assert "1 / " not in pages[0] and "令和3年度（2021年度）" in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert PLAN_TITLE in page and f"{number} / {len(pages)}" in page, number


def test_an_indicators_table_is_never_split_from_its_heading_across_pages(report):
    pages = [flat(page) for page in page_texts(report)]
    for code, *figures in ROWS:
        page = next(p for p in pages if f"成果指標{code}" in p)
        assert all(flat(figure) in page for figure in figures), code


def test_the_cover_names_the_plan_its_philosophy_the_year_the_date_and_the_two_organisations(report):
    cover = flat(page_texts(report)[0])

    for piece in (
        PLAN_TITLE,
        "令和3年度（2021年度）進捗状況報告書",
        "だれもが「おたがいさま」で支え合う協働のまちづくり",
        "第1版",
        "熊本市・熊本市社会福祉協議会",
    ):
        assert flat(piece) in cover, piece


def test_a_corrections_report_gives_its_reason_on_the_cover(kumamoto_plan, tmp_path):
    value = IndicatorValue.objects.get(
        indicator__plan=kumamoto_plan, indicator__code="1-1-1", fiscal_year=2021
    )
    value.value = 92.5
    value.save()
    (correction,) = publish(kumamoto_plan, 2021, reason="1-1-1 の実績値の誤記を訂正しました。")
    path = tmp_path / "correction.pdf"
    path.write_bytes(artifacts.open_file(correction, artifacts.REPORT_PDF_FILE))

    cover = flat(page_texts(path)[0])

    assert "訂正について" in cover and "第2版" in cover
    assert flat("1-1-1 の実績値の誤記を訂正しました。") in cover


def test_a_draft_report_says_so_on_every_page(kumamoto_plan, tmp_path):
    publication = Publication.objects.current(kumamoto_plan, 2021)
    path = tmp_path / "draft.pdf"
    path.write_bytes(
        build_pdf(load(publication.document()), Publisher(publication.published_at.date()), draft=True)
    )

    assert all("下書き" in page for page in page_texts(path))


def test_the_plan_page_links_to_the_pdf_which_opens_in_the_browser(client, kumamoto_plan):
    page = client.get(reverse("public:detail", args=[SLUG]) + "?fy=2021").content.decode()
    url = reverse("public:report_pdf", args=[SLUG]) + "?fy=2021"

    response = client.get(url)

    assert f'href="{url}"' in page.replace("&amp;", "&")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{SLUG}-2021-report.pdf"'
    assert response.content.startswith(b"%PDF-1.7")


def test_the_indicator_page_and_the_publication_history_link_to_the_report(client, kumamoto_plan):
    indicator = client.get(reverse("public:indicator", args=[SLUG, "1-1-1"]) + "?fy=2021").content.decode()
    history = client.get(reverse("public:publications", args=[SLUG])).content.decode()
    detail = client.get(f"/plans/{SLUG}/publications/2021-1/").content.decode()

    assert "進捗状況報告書（PDF形式" in indicator
    assert f'href="/plans/{SLUG}/publications/2021-1/report.pdf"' in history
    assert f'href="/plans/{SLUG}/publications/2021-1/report.pdf"' in detail
    assert client.get(f"/plans/{SLUG}/publications/2021-1/report.pdf").status_code == 200


def test_export_report_pdf_writes_the_report_of_the_year_asked_for(kumamoto_plan, tmp_path):
    out = tmp_path / "r3.pdf"

    call_command("export_report_pdf", SLUG, "--fy", "R3", "-o", str(out))

    assert out.read_bytes().startswith(b"%PDF")
    assert "令和3年度（2021年度）進捗状況報告書" in flat(page_texts(out)[0])


def test_export_report_pdf_names_the_published_years_when_the_year_is_not_published(kumamoto_plan, tmp_path):
    with pytest.raises(
        CommandError, match=r"令和4年度（2022年度）はまだ公表されていません（公表済み: 令和2年度"
    ):
        call_command("export_report_pdf", SLUG, "--fy", "2022", "-o", str(tmp_path / "x.pdf"))


def test_build_publication_files_adds_the_report_to_a_publication_made_before_it_existed(kumamoto_plan):
    from django.core.files.storage import default_storage

    publication = Publication.objects.current(kumamoto_plan, 2020)
    default_storage.delete(publication.storage_path(artifacts.REPORT_PDF_FILE))
    assert artifacts.open_file(publication, artifacts.REPORT_PDF_FILE) is None

    call_command("build_publication_files")

    assert artifacts.open_file(publication, artifacts.REPORT_PDF_FILE).startswith(b"%PDF")


def test_a_staff_preview_of_the_report_is_built_from_the_drafts_and_marked_on_every_page(
    admin_client, kumamoto_plan, tmp_path
):
    value = IndicatorValue.objects.get(
        indicator__plan=kumamoto_plan, indicator__code="3-1-1", fiscal_year=2021
    )
    value.value = 4000
    value.save()

    response = admin_client.get(reverse("public:report_pdf", args=[SLUG]) + "?fy=2021&preview=1")
    path = tmp_path / "preview.pdf"
    path.write_bytes(response.content)
    pages = page_texts(path)

    assert response["Cache-Control"] == "private, no-store"
    assert all("下書き" in page for page in pages)
    assert "4,000件" in "".join(pages)


def test_a_visitor_asking_for_a_preview_gets_the_published_report(client, kumamoto_plan, tmp_path):
    response = client.get(reverse("public:report_pdf", args=[SLUG]) + "?fy=2021&preview=1")
    path = tmp_path / "public.pdf"
    path.write_bytes(response.content)

    assert response.status_code == 200
    assert not any("下書き" in page for page in page_texts(path))
