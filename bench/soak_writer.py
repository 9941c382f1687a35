"""The writer of the soak test: saves one plan again and again, each time as a new version, until a deadline.

    python bench/soak_writer.py SECONDS          write, surviving a database that goes away and comes back
    python bench/soak_writer.py --check          is the plan wholly one version? (exit 1 if not)

Every save is `save_plan` (what `import_plan` runs): one transaction over the plan, its 40 indicators, their
values and narratives. Each version writes its number into all of them, so a save cut off half-way by a
restarted PostgreSQL would leave several numbers behind. Prints one line of JSON.
"""

import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_welfare.settings")

import django

django.setup()

import yaml  # noqa: E402
from django.db import DatabaseError, InterfaceError, connection  # noqa: E402

from indicators.models import Indicator, IndicatorValue  # noqa: E402
from initiatives.models import Narrative  # noqa: E402
from plans.models import Plan  # noqa: E402
from publications.management.commands.make_synthetic_data import plan_document  # noqa: E402
from publications.planfile import parse_plan, save_plan  # noqa: E402

SLUG = "soak-writes"
INDICATORS = 40


def version_text(version: int) -> str:
    document = plan_document(SLUG, INDICATORS, 10, 2015, seed=SLUG)
    document["summary"] = f"版{version}"
    for policy in document["policies"]:
        for measure in policy["measures"]:
            for indicator in measure["indicators"]:
                indicator["name"] += f"（版{version}）"
                indicator["actuals"] = {fy: version for fy in indicator["actuals"]}
            for narrative in measure["narratives"]:
                narrative["text"] += f"（版{version}）"
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def first_cause(error: BaseException) -> str:
    """The error that started it: a save cut off mid-way fails first in its query ("terminating connection due to
    administrator command"), then again in the rollback, whose error Python raises with the first as context."""
    while error.__context__ is not None:
        error = error.__context__
    return f"{type(error).__name__}: {' '.join(str(error).split())[:160]}"


def write(seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    version, saved, failed, errors = 0, 0, 0, set()
    while time.monotonic() < deadline:
        version += 1
        try:
            save_plan(parse_plan(version_text(version), source=SLUG))
            saved += 1
        except (DatabaseError, InterfaceError) as error:
            failed += 1
            errors.add(first_cause(error))
            connection.close()  # the next save opens a new connection
            time.sleep(0.5)
    return {"saves_attempted": version, "saved": saved, "failed": failed, "errors": sorted(errors)}


def check() -> dict:
    plan = Plan.objects.get(slug=SLUG)
    marks = {plan.summary}
    marks |= {
        re.search(r"版\d+", name)[0]
        for name in Indicator.objects.filter(plan=plan).values_list("name", flat=True)
    }
    marks |= {re.search(r"版\d+", text)[0] for text in Narrative.objects.filter(measure__policy__plan=plan).values_list("text", flat=True)}  # fmt: skip
    values = set(IndicatorValue.objects.filter(indicator__plan=plan).values_list("value", flat=True))
    counts = {
        "indicators": Indicator.objects.filter(plan=plan).count(),
        "values": IndicatorValue.objects.filter(indicator__plan=plan).count(),
    }
    whole = len(marks) == 1 and len(values) == 1 and marks == {f"版{int(next(iter(values)))}"}
    whole = whole and counts == {"indicators": INDICATORS, "values": INDICATORS * 10}
    return {
        "whole": whole,
        "versions_found": sorted(marks),
        "values_found": sorted(map(str, values)),
    } | counts


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        result = check()
        print(json.dumps(result, ensure_ascii=False))
        sys.exit(0 if result["whole"] else 1)
    print(json.dumps(write(float(sys.argv[1])), ensure_ascii=False))
