"""Plans of made-up but plausible data, for benchmarks and load tests (bench/, docs/benchmarks.md).

Each plan is written as a plan file (docs/plan-file.md) and saved by the same code as `import_plan`, so the
data is what an import makes: checked, one transaction per plan; with --publish, the plan's last year is
published, as a running site would have it. The same arguments give the same
data; running the command again updates the plans in place.
"""

import random
import time

import yaml
from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from publications.planfile import PlanFileError, parse_plan, save_plan
from publications.publishing import pending
from publications.publishing import publish as publish_year

UNITS = ["％", "人", "回", "箇所", "校区", "件", "団体"]
SUBJECTS = [
    "地域の見守り活動",
    "民生委員・児童委員の活動",
    "ボランティア登録者",
    "高齢者サロン",
    "子ども食堂",
    "地域包括支援センターへの相談",
    "生活困窮者の自立相談",
    "校区社会福祉協議会の活動",
    "避難行動要支援者の個別避難計画",
    "成年後見制度の利用",
    "認知症サポーター養成講座",
    "ひきこもり支援の窓口",
]
MEASURES = ["の担い手の確保", "の周知と啓発", "の体制づくり", "への参加の促進", "の関係機関との連携"]
ACTIONS = [
    "研修会をオンラインと対面の併用で開催した",
    "関係機関との連絡会議を四半期ごとに開催した",
    "広報紙とホームページで事例を紹介した",
    "校区ごとに説明会を実施し、参加者から意見を聴取した",
    "相談窓口の受付時間を延長し、休日の相談にも対応した",
    "新たな活動団体の立ち上げを支援した",
]
ISSUES = [
    "参加者の高齢化が進んでおり、若い世代への働きかけが課題である。",
    "地域によって取組に差があるため、好事例の共有を進める。",
    "感染症の影響で中止した事業の再開に向けて、実施方法を見直す。",
    "相談件数が増加しており、職員の対応体制を強化する必要がある。",
]


def plan_document(slug: str, indicators: int, years: int, start_fy: int, seed: str) -> dict:
    """A plan file's content: policies of 3 measures, about 5 indicators a measure, every year with actuals."""
    rng = random.Random(seed)
    end_fy = start_fy + years - 1
    per_measure = 5
    measures = -(-indicators // per_measure)
    policies = -(-measures // 3)
    document = {
        "slug": slug,
        "title": f"合成データの地域福祉計画（{slug}）",
        "philosophy": "だれもが安心して暮らせる支え合いのまちづくり",
        "summary": "ベンチマークと負荷試験のために作った架空の計画です。数値と記述に意味はありません。",
        "start_fy": start_fy,
        "end_fy": end_fy,
        "policies": [],
    }
    made = 0
    for p in range(1, policies + 1):
        policy = {"number": p, "title": f"基本方針{p}：{rng.choice(SUBJECTS)}の推進", "measures": []}
        for m in range(1, 4):
            if made >= indicators:
                break
            subject = rng.choice(SUBJECTS)
            measure = {
                "number": m,
                "title": subject + rng.choice(MEASURES),
                "indicators": [],
                "narratives": [],
            }
            for i in range(1, per_measure + 1):
                if made >= indicators:
                    break
                made += 1
                measure["indicators"].append(
                    indicator_document(rng, f"{p}-{m}-{i}", subject, start_fy, end_fy)
                )
            for fy in range(start_fy, end_fy + 1):
                codes = [indicator["code"] for indicator in measure["indicators"]]
                for code in (rng.choice(codes), None):
                    measure["narratives"].append(
                        {
                            "fy": fy,
                            "section": "initiatives",
                            "indicator": code,
                            "text": narrative(rng, subject),
                        }
                    )
                measure["narratives"].append(
                    {"fy": fy, "section": "issues", "indicator": None, "text": rng.choice(ISSUES)}
                )
            policy["measures"].append(measure)
        document["policies"].append(policy)
    return document


def indicator_document(rng: random.Random, code: str, subject: str, start_fy: int, end_fy: int) -> dict:
    unit = rng.choice(UNITS)
    direction = rng.choices(["increase", "decrease", "maintain"], weights=[7, 2, 1])[0]
    base = rng.uniform(20, 95) if unit == "％" else rng.randint(10, 5000)
    factor = {"increase": 1.3, "decrease": 0.7, "maintain": 1.0}[direction]
    target = min(base * factor, 100) if unit == "％" else base * factor
    actuals = {}
    value = base
    for fy in range(start_fy, end_fy + 1):
        value = value + (target - base) / (end_fy - start_fy + 1) + rng.gauss(0, abs(base) * 0.05)
        actuals[fy] = round(min(max(value, 0), 100), 1) if unit == "％" else max(round(value), 0)
    rounded = round if unit != "％" else lambda number: round(number, 1)
    return {
        "code": code,
        "name": f"{subject}に関する指標{code}（{'割合' if unit == '％' else '年間'}）",
        "unit": unit,
        "direction": direction,
        "baseline": {"fy": start_fy - 2, "value": rounded(base)} if rng.random() > 0.1 else None,
        "target": {"fy": end_fy, "value": rounded(target)} if rng.random() > 0.05 else None,
        "actuals": actuals,
    }


def narrative(rng: random.Random, subject: str) -> str:
    return f"{subject}について、{rng.choice(ACTIONS)}。" + "その結果、" + rng.choice(ACTIONS) + "。"


def publish_latest_year(plan: Plan) -> None:
    """The plan as a running site has it: its latest year published (a correction if it has changed)."""
    found = pending(plan, plan.end_fy)
    if not found.unchanged:
        publish_year(None, plan, plan.end_fy, reason="合成データの更新" if found.current else "")


class Command(BaseCommand):
    help = (
        "ベンチマーク用の合成データ（架空の計画）を作ります。既定では 50 計画 × 成果指標 40 × 10 年度、"
        "取組内容つき。同じ引数なら同じデータで、もう一度実行すると同じ計画を上書きします。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--plans", type=int, default=50, help="計画の数（既定 50）")
        parser.add_argument("--indicators", type=int, default=40, help="1計画あたりの成果指標の数（既定 40）")
        parser.add_argument("--years", type=int, default=10, help="計画期間の年数（既定 10、毎年度に実績値）")
        parser.add_argument("--start-fy", type=int, default=2015, help="計画期間の開始年度（既定 2015）")
        parser.add_argument(
            "--prefix", default="synthetic", help="計画の slug の頭（既定 synthetic → synthetic-01）"
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="同じ slug の計画がすでにあれば作り直さない（時間の節約）",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="作った計画の最後の年度を公表する（グラフ・Excel などのファイルも作ります）",
        )

    def handle(self, *args, plans, indicators, years, start_fy, prefix, if_missing, publish, **options):
        if plans < 1 or indicators < 1 or not 1 <= years <= 30:
            raise CommandError("--plans と --indicators は1以上、--years は1～30にしてください。")
        started = time.monotonic()
        width = len(str(plans))
        made = 0
        for number in range(1, plans + 1):
            slug = f"{prefix}-{number:0{width}d}"
            existing = Plan.objects.filter(slug=slug).first() if if_missing else None
            if existing is not None:
                if publish:  # made before, perhaps without --publish
                    publish_latest_year(existing)
                continue
            text = yaml.safe_dump(
                plan_document(slug, indicators, years, start_fy, seed=slug),
                allow_unicode=True,
                sort_keys=False,
            )
            try:
                plan, _ = save_plan(parse_plan(text, source=slug))
            except PlanFileError as error:
                raise CommandError(f"合成データが計画ファイルとして正しくありません: {error}") from None
            if publish:
                publish_latest_year(plan)
            made += 1
            self.stdout.write(f"{slug}: 成果指標 {indicators}、{start_fy}～{start_fy + years - 1}年度")
        elapsed = time.monotonic() - started
        skipped = f"、{plans - made} 計画はすでにあったので飛ばしました" if made < plans else ""
        self.stdout.write(
            self.style.SUCCESS(f"{made} 計画を作成または更新しました{skipped}（{elapsed:.1f} 秒）。")
        )
