"""Independent check of the hand transcription fixtures/kumamoto_4th_plan.yaml.

Every expected value below was written from the source document
(/work/shared/seeds/000_80d97651c6aed2d7.txt, text extracted from the FY2021 progress report of
第４次熊本市地域福祉計画・地域福祉活動計画), not from the YAML file or from the importer's output.

Reading decisions:
- Lines broken by the PDF extraction are joined without a space; bullet marks 〇/○ are dropped;
  typos of the source are kept (「難し状況」, 「ピンバッチ」, 「サポータ―」 with U+2015).
- On most pages the bullets before the 令和２年度/令和３年度の主な取組 heading pair are FY2020, the
  contiguous block right after it is FY2021, and the block after that (forward-looking: 〜していく,
  〜予定, 検討) is 課題・改善事項・方針, stored under FY2021.
- Page Ⅰ-1 (充足率): the block after the heading pair has three bullets (市民児協主体で…アンケート,
  ズームの研修, 令和２年度に引き続き…アンケート); all three are read as FY2021 initiatives and the three
  〜予定 bullets after them as issues.
- Ⅱ-1 spans two pages with both of its indicators on the first, so its narratives are tied to no
  indicator; its one ※ note is a FY2020 initiative entry of its own.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command

from indicators.models import Indicator
from initiatives.models import Narrative
from plans.models import BasicPolicy, Measure, Plan

FIXTURE = settings.BASE_DIR / "fixtures" / "kumamoto_4th_plan.yaml"

INIT = Narrative.Section.INITIATIVES
ISSUES = Narrative.Section.ISSUES

# ---------------------------------------------------------------------------------------------------
# Plan, basic policies, measures
# ---------------------------------------------------------------------------------------------------

PLAN_TITLE = "第４次熊本市地域福祉計画・地域福祉活動計画"
PLAN_PHILOSOPHY = "だれもが「おたがいさま」で支え合う協働のまちづくり"
PLAN_SUMMARY = (
    "本市における「地域共生社会」の実現にむけ、地域住民をはじめ行政や各関係機関が支え合い、"
    "一人ひとりが生きがいを持って、地域をともに創っていくための基本方針や取組をまとめたもの"
)
PLAN_PERIOD = (2020, 2024)  # 令和２年度（2020年度）から令和６年度（2024年度）までの５年間

POLICIES = [
    (
        1,
        "地域力強化のための人材の確保・育成",
        "支え合い活動の推進を担う人材を確保するため、以下の２つの取組を推進します。",
    ),
    (
        2,
        "支え合いの地域づくり",
        "地域における支え合い活動をさらに活性化するため、以下の２つの取組を推進します。",
    ),
    (
        3,
        "多様な主体の連携・協働の推進",
        "住民・地域団体・事業者などを含む地域全体で支え合う社会の実現のため、以下の３つの取組を推進します。",
    ),
]

MEASURES = [
    ("1-1", "支え合い活動推進の核となる人材の確保"),
    ("1-2", "地域福祉活動の新たな担い手の確保に向けた意識の醸成"),
    ("2-1", "住民に身近な地域での支え合い体制づくり"),
    ("2-2", "住民主体の課題解決力の強化に向けた仕組みづくり"),
    ("3-1", "連携による支援の充実"),
    ("3-2", "協働で取り組む災害対応力の強化"),
    ("3-3", "包括的な支援に向けた多様な主体とのネットワークの構築"),
]

# ---------------------------------------------------------------------------------------------------
# Indicators: code, name, unit, direction, baseline (fy, value) or None, target (fy, value),
# actual FY2020 (令和2年度), actual FY2021 (令和3年度). Values as strings exactly as printed.
# ---------------------------------------------------------------------------------------------------

INDICATORS = [
    (
        "1-1-1",
        "民生委員・児童委員、主任児童委員の定員充足率",
        "％",
        "increase",
        (2018, "95.1"),
        (2024, "100"),
        "91.8",
        "92.43",
    ),
    (
        "1-1-2",
        "ボランティア登録者等のうち地域福祉活動へのマッチングを行った件数（年間）",
        "人",
        "increase",
        (2018, "98"),
        (2024, "640"),
        "7",
        "11",
    ),
    (
        "1-2-1",
        "熊本市ボランティアセンターによる研修の実施回数（年間）",
        "回",
        "increase",
        (2018, "46"),
        (2024, "70"),
        "0",
        "1",
    ),
    (
        "2-1-1",
        "住民主体の通いの場（定期的に介護予防活動等を行うための場）の数",
        "箇所",
        "increase",
        (2018, "711"),
        (2024, "858"),
        "847",
        "708",
    ),
    (
        "2-1-2",
        "支え合い活動が推進されていると感じる民生委員・児童委員、校区社会福祉協議会関係者の割合",
        "％",
        "increase",
        None,  # 基準値なし
        (2024, "100"),
        "71.1",
        "45.9",
    ),
    (
        "2-2-1",
        "行動計画を策定した校区社会福祉協議会数",
        "校区",
        "increase",
        (2019, "5"),
        (2024, "95"),
        "20",
        "43",
    ),
    (
        "3-1-1",
        "「熊本市生活自立支援センター」の新規相談受付件数（年間）",
        "件",
        "increase",
        (2018, "484"),
        (2024, "1200"),
        "5233",
        "3894",
    ),
    (
        "3-1-2",
        "住宅確保要配慮者への見守り訪問件数（年間）",
        "回",
        "increase",
        (2018, "96"),
        (2024, "390"),
        "100",
        "269",
    ),
    (
        "3-2-1",
        "避難行動要支援者数に占める災害時要援護者数の割合",
        "％",
        "increase",
        (2018, "24.2"),
        (2024, "50"),
        "24.3",
        "23.1",
    ),
    (
        "3-3-1",
        "「赤い羽根共同募金」を行った団体数（年間）",
        "団体",
        "increase",
        (2018, "1375"),
        (2024, "1555"),
        "1367",
        "1354",
    ),
]

# ---------------------------------------------------------------------------------------------------
# Narratives in document order: (measure, fiscal year, section, indicator code or None, text).
# ---------------------------------------------------------------------------------------------------

NARRATIVES = [
    # Ⅰ-1, page of 1-1-1 (民生委員・児童委員、主任児童委員の定員充足率)
    (
        "1-1",
        2020,
        INIT,
        "1-1-1",
        "民生委員・児童委員の委嘱に係る推薦準備会については、新型コロナウイルス感染症感染拡大防止の観点から、"
        "書面審査を導入した。",
    ),
    (
        "1-1",
        2020,
        INIT,
        "1-1-1",
        "民生委員・児童委員の負担軽減策を検討するため、民生委員・児童委員に対しアンケート調査を行った。",
    ),
    (
        "1-1",
        2021,
        INIT,
        "1-1-1",
        "民生委員・児童委員の負担軽減策を検討するため、市民児協主体で民生委員・児童委員に対しアンケート調査を"
        "行った。",
    ),
    (
        "1-1",
        2021,
        INIT,
        "1-1-1",
        "今後のコロナ禍の対策として、熊本市から主任児童委員に向けて、ズームの使い方についての研修を実施した。",
    ),
    (
        "1-1",
        2021,
        INIT,
        "1-1-1",
        "令和２年度に引き続き、民生委員・児童委員の負担軽減策を検討するため、市民児協主体で民生委員・児童委員に"
        "対しアンケート調査を行った。",
    ),
    (
        "1-1",
        2021,
        ISSUES,
        "1-1-1",
        "令和3年度末のアンケート結果を踏まえ民生委員・児童委員の負担軽減策について、市民児協等と協議を実施予定。",
    ),
    (
        "1-1",
        2021,
        ISSUES,
        "1-1-1",
        "8月に民児協会長研修を実施。民生委員一斉改選に向けて民生委員交代に伴う引継ぎ等の留意事項等研修を実施予"
        "定。",
    ),
    (
        "1-1",
        2021,
        ISSUES,
        "1-1-1",
        "10月に民生委員・児童委員大学講座（民生委員向けの研修）を実施、熊本市から研修動画30分×3本を作成予定。"
        "また、コロナにも対応した研修形態を検討、実施予定。その他、Ｒ4．12月に熊本市主体の民生委員全体研修会、Ｒ5．"
        "2月に熊本市主体の主任児童委員研修、Ｒ5．3月に熊本市主体の新任研修を実施予定。",
    ),
    # Ⅰ-1, page of 1-1-2 (ボランティアのマッチング件数)
    (
        "1-1",
        2020,
        INIT,
        "1-1-2",
        "新型コロナウイルス感染拡大により、ボランティア活動を自粛せざるを得なかったことに加え、ボランティアの"
        "依頼及びボランティア登録者の更新も減少した。",
    ),
    (
        "1-1",
        2020,
        INIT,
        "1-1-2",
        "パソコン・スマホからボランティア登録・募集等を依頼できるよう市社協ホームページに登録フォームを作成した。",
    ),
    (
        "1-1",
        2021,
        INIT,
        "1-1-2",
        "地域行事やボランティア活動が新型コロナウイルス感染拡大により、活動が減少した。",
    ),
    (
        "1-1",
        2021,
        INIT,
        "1-1-2",
        "市社協ホームページの充実を図り、情報発信を行った。登録や募集依頼など登録フォームを活用した。併せて活動"
        "者に対して活動保険の普及啓発に努めた。",
    ),
    (
        "1-1",
        2021,
        ISSUES,
        "1-1-2",
        "コロナ禍において、ボランティアの受入が難し状況が続いており、登録者の減少に加え、高齢によるボランティア"
        "団体の解散など見られている。ボランティアが安心・安全に活動できる備えとして、継続し活動保険の普及啓発を"
        "行い、活動先との連携や関係の構築を図っていく。",
    ),
    # Ⅰ-2 (1-2-1 研修の実施回数)
    (
        "1-2",
        2020,
        INIT,
        "1-2-1",
        "ボランティアコーディネーター養成講座、傾聴ボランティア養成講座、傾聴ボランティアアフターフォロー研修会"
        "等計画していたが、新型コロナウイルス感染拡大防止のため中止した。",
    ),
    (
        "1-2",
        2021,
        INIT,
        "1-2-1",
        "各研修会を計画していたが、集合しての研修は新型コロナウイルス感染拡大防止のため中止とし、ボランティア"
        "コーディネーター養成講座のみオンラインで開催した。",
    ),
    (
        "1-2",
        2021,
        ISSUES,
        "1-2-1",
        "新型コロナウイルス感染拡大により、オンライン開催に変更を試みたが、申込者の９割がオンラインでの参加が難"
        "しいとの返答であった。知識や機材及びネット環境が整っていないことが要因。また、研修内容では対面の演習が"
        "必要であることから、オンライン研修での内容や演習について、講師と検討していく。",
    ),
    # Ⅱ-1, two pages, two indicators on the first: tied to no indicator
    (
        "2-1",
        2020,
        INIT,
        None,
        "高齢者見守り事業については、新型コロナウィルス感染拡大防止の観点から、電話や戸外からの見守りを行うなど"
        "工夫して行った。",
    ),
    (
        "2-1",
        2020,
        INIT,
        None,
        "地域における高齢者サロンや住民主体の介護予防活動「くまもと元気くらぶ」、「地域支え合い型サービス（通所、"
        "訪問、移動支援）」、子育てサークル等の活動を支援した。",
    ),
    (
        "2-1",
        2020,
        INIT,
        None,
        "※新型コロナウイルス対策として、活動助成の要件（人数や活動頻度など）を緩和した。また、自粛期間中に自宅"
        "で取り組める運動を紹介するリーフレットや、交換日記（南区）を作成し配布した。",
    ),
    (
        "2-1",
        2021,
        INIT,
        None,
        "地域における住民主体の介護予防活動「くまもと元気くらぶ」、「地域支え合い型サービス（通所、訪問、移動支"
        "援）」「ふれあい・いきいきサロン」等の活動を支援した。",
    ),
    (
        "2-1",
        2021,
        INIT,
        None,
        "「くまもと元気くらぶ」への活動支援として、リハビリテーション専門職を派遣しているが、新型コロナウイルス"
        "感染症の影響等も考慮し、オンラインで指導が行えるよう環境整備を行った。",
    ),
    (
        "2-1",
        2021,
        INIT,
        None,
        "引き続き新型コロナウイルス感染症対策として、活動助成の要件（人数や活動頻度など）を緩和するとともに、自"
        "粛期間、自宅で取り組める運動を紹介するリーフレットを作成し配布した。",
    ),
    (
        "2-1",
        2021,
        ISSUES,
        None,
        "地域住民主体の活動における担い手不足の課題に対して介護予防サポータ―の養成及び継続的な支援を実施していく。",
    ),
    (
        "2-1",
        2021,
        ISSUES,
        None,
        "新しい生活様式の中での地域活動支援として、ICTを利用した取り組みを加速させていく。",
    ),
    (
        "2-1",
        2021,
        ISSUES,
        None,
        "地域での支え合い活動を継続的に支援するため、リハビリテーション専門職派遣の対象拡大や新しいコンテンツの提"
        "供についての検討を行う。また、民間企業と協働し、新たな取り組みについても積極的に実施していく。",
    ),
    # Ⅱ-2 (2-2-1 行動計画を策定した校区社協数)
    (
        "2-2",
        2020,
        INIT,
        "2-2-1",
        "15校区社協における行動計画の策定支援に取り組んだ。コロナ禍により住民参加型の座談会の開催が困難であった"
        "が、校区世帯数の25％（上限1000件）に対しアンケート調査を実施したことで、策定会議において、その調査結果"
        "から地域生活課題等を抽出することができ、行動計画を策定できた。",
    ),
    (
        "2-2",
        2020,
        INIT,
        "2-2-1",
        "令和元年度に計画策定済みの5校区社協について、その取り組み状況を把握するとともに評価を行った。",
    ),
    (
        "2-2",
        2021,
        INIT,
        "2-2-1",
        "23校区社協における行動計画の策定支援に取り組んだ。策定校区の実情や意向、新型コロナウイルス感染症の影響"
        "を考慮しつつ、座談会の開催やアンケートの実施など、策定校区に応じた手法を調整した。",
    ),
    (
        "2-2",
        2021,
        INIT,
        "2-2-1",
        "令和2年度以前に計画策定済みの20校区社協について、その取り組み状況を把握するとともに評価を行った。",
    ),
    (
        "2-2",
        2021,
        ISSUES,
        "2-2-1",
        "26校区社協における行動計画の策定支援に取り組む。策定にあたっての手法については、策定校区の実情や意向、"
        "新型コロナウイルス感染症の影響を考慮しつつ、座談会の開催やアンケートの実施等を検討・調整する。",
    ),
    (
        "2-2",
        2021,
        ISSUES,
        "2-2-1",
        "令和3年度以前に計画策定済みの43校区社協について、その取り組み状況を把握するとともに評価を行う。",
    ),
    # Ⅲ-1, page of 3-1-1 (生活自立支援センターの新規相談受付件数)
    (
        "3-1",
        2020,
        INIT,
        "3-1-1",
        "生活自立支援センターを中央区に加え、東区と南区内にも設置するとともに、生活自立支援センターを設置して"
        "いない西区・北区については、出張相談を行った。",
    ),
    (
        "3-1",
        2020,
        INIT,
        "3-1-1",
        "新型コロナウイルス感染症感染拡大により、生活福祉資金貸付や住居確保給付金の要件等が緩和されたため、"
        "生活自立支援センターの新規相談が増加し、生活に困っている多くの方を支援することができた。",
    ),
    (
        "3-1",
        2021,
        INIT,
        "3-1-1",
        "新型コロナウイルス感染症拡大により、住居確保給付金の相談増や特例貸付の利用要件として、自立支援センター"
        "への相談が必須だったため、そちらへの対応を主に行い、多くの困窮者を支援する事が出来た。",
    ),
    (
        "3-1",
        2021,
        ISSUES,
        "3-1-1",
        "引き続き感染症拡大による臨時的な給付等は続いているものの、給付金を目的とした相談に加え、真に困窮した世"
        "帯からの相談など、本来業務に近い相談も増えてくるため、相談員のスキルアップを含め、しっかり対応していく。",
    ),
    # Ⅲ-1, page of 3-1-2 (住宅確保要配慮者への見守り訪問件数)
    (
        "3-1",
        2020,
        INIT,
        "3-1-2",
        "本人の状況に応じた入居時から退去時までの包括的かつ継続的な相談支援を行うとともに、自立支援を行う関係"
        "機関、その他関係団体と連携することにより、居住福祉の向上を図り、安心して生活を送れるよう支援した。",
    ),
    (
        "3-1",
        2021,
        INIT,
        "3-1-2",
        "前年度までは新規契約者数の増加に注力していたが、令和３年度は、見守り訪問や電話連絡を密に行うことで、既"
        "存の契約者との関係づくりに努め、課題の早期発見により、必要な支援や福祉サービス等へ繋ぎ、安心して生活を"
        "送れるよう支援した。",
    ),
    (
        "3-1",
        2021,
        ISSUES,
        "3-1-2",
        "契約当初と比較した契約者の生活・身体ニーズの変化に応じた支援の在り方について、関係機関・団体と連携を図"
        "りながら、体制づくりに努めたい。",
    ),
    # Ⅲ-2 (3-2-1 災害時要援護者数の割合)
    (
        "3-2",
        2020,
        INIT,
        "3-2-1",
        "「熊本市災害時要援護者避難支援制度」に未登録の避難行動要支援者のうち、要介護認定３～５を受けている方"
        "約3,200人に対し、郵送にて登録勧奨を行い、752人の新規登録を行うことができた。",
    ),
    (
        "3-2",
        2021,
        INIT,
        "3-2-1",
        "「熊本市災害時要援護者避難支援制度」に未登録の避難行動要支援者への登録勧奨を継続して実施。令和3年度は、"
        "身体障害者手帳1、2級を所持している方約2,200人に対し、郵送にて登録勧奨を行った。",
    ),
    (
        "3-2",
        2021,
        INIT,
        "3-2-1",
        "年度内に、約450人の新規登録申請があった。",
    ),
    (
        "3-2",
        2021,
        ISSUES,
        "3-2-1",
        "「熊本市災害時要援護者避難支援制度」に未登録の避難行動要支援者への登録勧奨を継続して実施する。令和4年"
        "度は、要介護認定3～5を受けている方へ勧奨通知を送付予定。",
    ),
    (
        "3-2",
        2021,
        ISSUES,
        "3-2-1",
        "制度登録者については、自治会等の地域関係者への名簿の配付や、個別避難支援プランの策定を行い、平時からの"
        "地域における要援護者支援体制の整備を進める。",
    ),
    # Ⅲ-3 (3-3-1 赤い羽根共同募金を行った団体数)
    (
        "3-3",
        2020,
        INIT,
        "3-3-1",
        "新型コロナウイルス感染症の影響もあり、従来のくまモン運動ポスターも「マスクバージョン」にしたり、"
        "例年協力いただくピンバッチも「マスクバージョン」にするなどして、募金増収に努めた。",
    ),
    (
        "3-3",
        2021,
        INIT,
        "3-3-1",
        "令和3年度においても、新型コロナウイルス感染症感染拡大防止の観点から、街頭募金等の実施を控え、資材募金で"
        "あるピンバッジによる募金増収に努めた。",
    ),
    (
        "3-3",
        2021,
        ISSUES,
        "3-3-1",
        "年々、町内自治会からの募金額が減少傾向にあるため、資材募金「ピンバッジ等」など、違う形での募金運動の展"
        "開が求められている。今後、検討が必要である。",
    ),
]

# Number of narrative rows per (measure, fiscal year, section), counted on the pages.
NARRATIVE_COUNTS = {
    ("1-1", 2020, INIT): 4,
    ("1-1", 2021, INIT): 5,
    ("1-1", 2021, ISSUES): 4,
    ("1-2", 2020, INIT): 1,
    ("1-2", 2021, INIT): 1,
    ("1-2", 2021, ISSUES): 1,
    ("2-1", 2020, INIT): 3,  # two bullets and the ※ note
    ("2-1", 2021, INIT): 3,
    ("2-1", 2021, ISSUES): 3,
    ("2-2", 2020, INIT): 2,
    ("2-2", 2021, INIT): 2,
    ("2-2", 2021, ISSUES): 2,
    ("3-1", 2020, INIT): 3,
    ("3-1", 2021, INIT): 2,
    ("3-1", 2021, ISSUES): 2,
    ("3-2", 2020, INIT): 1,
    ("3-2", 2021, INIT): 2,
    ("3-2", 2021, ISSUES): 2,
    ("3-3", 2020, INIT): 1,
    ("3-3", 2021, INIT): 1,
    ("3-3", 2021, ISSUES): 1,
}


# ---------------------------------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def plan(db):
    call_command("import_plan", str(FIXTURE), verbosity=0)
    return Plan.objects.get(title=PLAN_TITLE)


def measure_code(measure: Measure) -> str:
    return f"{measure.policy.number}-{measure.number}"


def narrative_rows(plan: Plan) -> list[tuple]:
    """All narratives as (measure, fiscal year, section, indicator code, position, text)."""
    narratives = Narrative.objects.filter(measure__policy__plan=plan).select_related(
        "measure__policy", "indicator"
    )
    return [
        (
            measure_code(n.measure),
            n.fiscal_year,
            n.section,
            n.indicator.code if n.indicator else None,
            n.position,
            n.text,
        )
        for n in narratives
    ]


def expected_rows_with_positions() -> list[tuple]:
    """NARRATIVES numbered 1.. within each (measure, fiscal year, section), in document order."""
    positions: dict[tuple, int] = {}
    rows = []
    for measure, fy, section, code, text in NARRATIVES:
        key = (measure, fy, section)
        positions[key] = positions.get(key, 0) + 1
        rows.append((measure, fy, section, code, positions[key], text))
    return rows


def by_group(rows: list[tuple]) -> dict[tuple, list[tuple]]:
    """{(measure, fiscal year, section): [(position, indicator code, text), ...] by position}."""
    groups: dict[tuple, list[tuple]] = {}
    for measure, fy, section, code, position, text in rows:
        groups.setdefault((measure, fy, section), []).append((position, code, text))
    return {key: sorted(items) for key, items in groups.items()}


# ---------------------------------------------------------------------------------------------------
# 1. Plan, policies, measures
# ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_has_the_title_philosophy_summary_and_period_of_the_document(plan):
    assert plan.title == PLAN_TITLE
    assert plan.philosophy == PLAN_PHILOSOPHY
    assert plan.summary == PLAN_SUMMARY
    assert (plan.start_fy, plan.end_fy) == PLAN_PERIOD


@pytest.mark.django_db
def test_the_three_basic_policies_have_their_numbers_titles_and_descriptions(plan):
    policies = BasicPolicy.objects.filter(plan=plan).order_by("number")
    assert [(p.number, p.title, p.description) for p in policies] == POLICIES


@pytest.mark.django_db
def test_the_seven_measures_have_their_numbers_and_titles(plan):
    measures = Measure.objects.filter(policy__plan=plan).select_related("policy")
    assert [(measure_code(m), m.title) for m in measures.order_by("policy__number", "number")] == MEASURES


# ---------------------------------------------------------------------------------------------------
# 2. Indicators
# ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_there_are_exactly_the_ten_indicators_of_the_document_in_order(plan):
    codes = list(Indicator.objects.filter(plan=plan).values_list("code", flat=True))
    assert codes == [row[0] for row in INDICATORS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "unit", "direction", "baseline", "target", "fy2020", "fy2021"),
    INDICATORS,
    ids=[row[0] for row in INDICATORS],
)
def test_each_indicator_has_the_name_unit_direction_baseline_target_and_actuals_of_the_document(
    plan, code, name, unit, direction, baseline, target, fy2020, fy2021
):
    indicator = Indicator.objects.select_related("measure__policy").get(plan=plan, code=code)
    assert measure_code(indicator.measure) == code.rsplit("-", 1)[0]
    assert indicator.name == name
    assert indicator.unit == unit
    assert indicator.direction == direction

    if baseline is None:
        assert (indicator.baseline_fy, indicator.baseline_value) == (None, None)
    else:
        assert (indicator.baseline_fy, indicator.baseline_value) == (baseline[0], Decimal(baseline[1]))
        assert str(indicator.baseline_value) == baseline[1]

    assert (indicator.target_fy, indicator.target_value) == (target[0], Decimal(target[1]))
    assert str(indicator.target_value) == target[1]

    actuals = {v.fiscal_year: v.value for v in indicator.values.all()}
    assert actuals == {2020: Decimal(fy2020), 2021: Decimal(fy2021)}
    assert {fy: str(value) for fy, value in actuals.items()} == {2020: fy2020, 2021: fy2021}


# ---------------------------------------------------------------------------------------------------
# 3. Narratives
# ---------------------------------------------------------------------------------------------------


def test_the_expected_narratives_are_45_bullets_and_one_note():
    notes = [row for row in NARRATIVES if row[4].startswith("※")]
    assert len(NARRATIVES) == 46
    assert len(notes) == 1
    assert sum(NARRATIVE_COUNTS.values()) == 46


@pytest.mark.django_db
def test_there_are_45_bullets_and_one_note_as_46_narratives(plan):
    rows = narrative_rows(plan)
    assert len(rows) == 46
    notes = [row for row in rows if row[5].startswith("※")]
    assert [(n[0], n[1], n[2], n[3]) for n in notes] == [("2-1", 2020, INIT, None)]


@pytest.mark.django_db
def test_each_measure_year_and_section_has_the_expected_number_of_narratives(plan):
    counts: dict[tuple, int] = {}
    for measure, fy, section, *_ in narrative_rows(plan):
        counts[(measure, fy, section)] = counts.get((measure, fy, section), 0) + 1
    assert counts == NARRATIVE_COUNTS


@pytest.mark.django_db
def test_no_narrative_keeps_a_bullet_mark_or_a_line_break(plan):
    for *_, text in narrative_rows(plan):
        assert text == text.strip()
        assert text[0] not in "〇○"
        assert "\n" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("group", sorted(NARRATIVE_COUNTS, key=lambda k: (k[0], k[1], k[2] != INIT)), ids=str)
def test_each_group_has_the_bullets_of_the_document_in_order_with_their_indicator(plan, group):
    actual = by_group(narrative_rows(plan)).get(group, [])
    expected = by_group(expected_rows_with_positions())[group]
    assert actual == expected
