"""The evaluation CSV: one row per indicator with Japanese headings, 達成率 and 評価, and its data dictionary."""

import csv
import io
import re
from pathlib import Path

from django.conf import settings

from publications import opendata

SLUG = "kumamoto-welfare-4"


def read(content: bytes) -> list[dict[str, str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_the_evaluation_csv_has_a_row_per_indicator_with_its_rate_and_grade(client, kumamoto_plan):
    response = client.get(f"/plans/{SLUG}/evaluation.csv?fy=2021", follow=True)
    rows = {
        row["指標コード"]: row for row in read(b"".join(response) if response.streaming else response.content)
    }

    assert len(rows) == 10
    first = rows["1-1-1"]
    # From the plan file: 95.1 ％ (H30), 92.43 ％ in FY2021, target 100 ％ in R6; 92.43 / 100 → 92.4 ％.
    assert (first["基準値の年度"], first["基準値の年度（和暦）"], first["基準値"]) == (
        "2018",
        "平成30年度",
        "95.1",
    )
    assert (first["実績値の年度"], first["実績値"], first["目標値"]) == ("2021", "92.43", "100")
    assert (first["達成率"], first["評価の記号"], first["評価"]) == ("92.4", "×", "後退")
    assert (first["評価年度"], first["評価年度（和暦）"], first["目指す方向"]) == (
        "2021",
        "令和3年度",
        "増やす",
    )
    assert first["評価の理由"] == "実績値92.43％が基準値95.1％より下がっているため「後退」です。"


def test_a_missing_value_is_blank_and_zero_stays_zero(client, kumamoto_plan):
    rows = {
        row["指標コード"]: row
        for row in read(client.get(f"/plans/{SLUG}/evaluation.csv?fy=2020", follow=True).content)
    }

    assert rows["2-1-2"]["基準値"] == "" and rows["2-1-2"]["基準値の年度"] == ""  # no baseline
    assert rows["1-2-1"]["実績値"] == "0"  # 0 training sessions in FY2020
    assert (
        rows["1-2-1"]["評価の補足"]
        == "新型コロナウイルス感染症の拡大防止のため、計画していた研修会を中止したため。"
    )


def test_the_data_dictionary_names_every_column_in_order_with_type_unit_and_meaning(client, kumamoto_plan):
    dictionary = read(client.get("/api/evaluation-columns.csv").content)
    headings = next(
        csv.reader(
            io.StringIO(
                client.get(f"/plans/{SLUG}/evaluation.csv?fy=2021", follow=True).content.decode("utf-8-sig")
            )
        )
    )

    assert [row["項目名"] for row in dictionary] == headings
    assert all(row["型"] in {"文字列", "整数", "数値"} and row["説明"] for row in dictionary)


def test_docs_list_the_same_columns_as_the_data_dictionary():
    api = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text(encoding="utf-8")
    section = api[api.index("### 評価の一覧の項目定義") :]
    section = section[: section.index("\n## ")]
    documented = re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)

    assert documented == [heading for heading, *_ in opendata.EVALUATION_COLUMNS]


def test_the_publication_page_and_the_downloads_link_to_the_evaluation_csv(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/?fy=2021").content.decode()
    publication = client.get(f"/plans/{SLUG}/publications/2021-1/").content.decode()

    assert f"/plans/{SLUG}/evaluation.csv?fy=2021" in page and "/api/evaluation-columns.csv" in page
    assert f"/plans/{SLUG}/publications/2021-1/evaluation.csv" in publication
