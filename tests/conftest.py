from pathlib import Path

import pytest
from django.conf import settings

KUMAMOTO_PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "kumamoto_4th_plan.yaml"


@pytest.fixture
def kumamoto_plan(db):
    """The Kumamoto plan as `make run` loads it, for tests that are about the real plan."""
    from plans.models import Plan
    from publications.planfile import import_plan_file

    plan, _ = import_plan_file(KUMAMOTO_PLAN_FILE)
    return Plan.objects.get(pk=plan.pk)
