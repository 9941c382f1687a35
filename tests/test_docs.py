"""What the docs name exists: every dotted path imports and every file path is in the checkout."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
DOCS = [*sorted((BASE / "docs").glob("*.md")), BASE / "README.md"]
PACKAGES = "plans|indicators|initiatives|publications|kumamoto_welfare|django_tasks_db|django_tasks"
DOTTED = re.compile(rf"`((?:{PACKAGES})(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?:\(\))?`")
FILE = re.compile(r"`((?:[a-z_][a-z0-9_]*/)+[a-z0-9_.-]+\.(?:py|md|yaml|json|toml))`")


def named(pattern) -> list[tuple[str, str]]:
    return sorted({(doc.name, match) for doc in DOCS for match in pattern.findall(doc.read_text())})


def resolve(path: str):
    """The object a dotted path names: a module attribute, or app_label.Model."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            target = getattr(target, name)
        return target
    raise ImportError(path)


def test_the_docs_name_dotted_paths_and_files_at_all():
    assert len(named(DOTTED)) >= 5 and len(named(FILE)) >= 10


@pytest.mark.parametrize(("doc", "path"), named(DOTTED))
def test_every_dotted_path_the_docs_name_imports(doc, path):
    app_label, _, model = path.partition(".")
    if "." not in model and model[:1].isupper() and app_label in {a.label for a in apps.get_app_configs()}:
        assert apps.get_model(app_label, model), (doc, path)
        return
    assert resolve(path) is not None, (doc, path)


@pytest.mark.parametrize(("doc", "path"), named(FILE))
def test_every_file_the_docs_name_is_in_the_checkout(doc, path):
    assert (BASE / path).exists(), (doc, path)
