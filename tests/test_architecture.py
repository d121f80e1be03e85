"""The layout promises of STYLE.md: stages never reach for storage, web or CLI; docs name every command."""

from __future__ import annotations

import ast
from dataclasses import fields

from conftest import ROOT

from crosswire.settings import Settings

STAGES = ROOT / "src" / "crosswire" / "stages"


def test_architecture_stages_do_not_import_outer_layers():
    for path in STAGES.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(
                    ("crosswire.cli", "crosswire.store", "crosswire.web", "crosswire.pipeline", "crosswire.render")
                ), path.name


def test_architecture_readme_documents_commands_and_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in (
        "crosswire analyze",
        "--sample",
        "--json",
        "--md",
        "--html",
        "--config",
        "crosswire add",
        "crosswire diff",
        "crosswire serve",
        "--story",
        "--db",
        "--port",
        "--stories",
        "--engine ray",
    ):
        assert command in readme, command
    toml = (ROOT / "src" / "crosswire" / "settings.toml").read_text(encoding="utf-8")
    for field in fields(Settings):
        assert field.name in readme and field.name in toml, field.name


def test_architecture_models_are_frozen():
    from crosswire import models

    for name in ("Document", "Claim", "Entity", "Dossier", "Quote", "Conflict"):
        cls = getattr(models, name)
        assert cls.__dataclass_params__.frozen, name
