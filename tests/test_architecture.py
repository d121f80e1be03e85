"""The layout promises of STYLE.md: stages import only the ground types and each other, the web app
goes through the stories service, renderers read only the dossier types; docs name every command."""

from __future__ import annotations

import ast
from dataclasses import fields

import pytest
from conftest import ROOT

from crosswire.settings import Settings

STAGES = ROOT / "src" / "crosswire" / "stages"


PACKAGE = ROOT / "src" / "crosswire"


def _imports(path) -> set[str]:
    """Every crosswire module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "crosswire"}


def test_architecture_stages_import_only_the_ground_and_each_other():
    ground = ("crosswire.models", "crosswire.errors", "crosswire.settings", "crosswire.lexicons", "crosswire.stages")
    for path in STAGES.glob("*.py"):
        outer = {name for name in _imports(path) if not name.startswith(ground)}
        assert not outer, f"{path.name} imports {sorted(outer)}"


def test_architecture_a_stage_borrows_only_shared_helpers():
    """A stage's public module is a stage, not a toolbox: what two stages share lives in a helper
    module (``stages/_dates.py``, ``_quantities.py``, ``_names.py`` ...)."""
    for path in STAGES.glob("*.py"):
        borrowed = {
            name
            for name in _imports(path)
            if name.startswith("crosswire.stages.") and not name.rsplit(".", 1)[1].startswith("_")
        }
        assert not borrowed, f"{path.name} imports the stage modules {sorted(borrowed)}"


def test_architecture_web_speaks_to_the_service_not_the_core():
    for path in (PACKAGE / "web").glob("*.py"):
        core = {n for n in _imports(path) if n.startswith(("crosswire.stages", "crosswire.analysis"))}
        assert not core, f"web/{path.name} imports {sorted(core)}: go through crosswire.stories"


def test_architecture_output_reads_only_the_dossier_types():
    for path in (PACKAGE / "output").glob("*.py"):
        outer = {
            n for n in _imports(path) if not n.startswith(("crosswire.models", "crosswire.errors", "crosswire.output"))
        }
        assert not outer, f"output/{path.name} imports {sorted(outer)}"


def test_architecture_each_folder_has_its_room():
    """The package root holds only the ground (models, errors, settings); the CLI, lexicons,
    analysis, stages, output, stories and web are folders a newcomer can find by name."""
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert root == ["__init__.py", "errors.py", "models.py", "settings.py"], root
    for folder in ("cli", "lexicons", "analysis", "stages", "output", "stories", "web"):
        assert (PACKAGE / folder / "__init__.py").is_file(), folder


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


def test_architecture_the_shipped_settings_file_says_the_defaults():
    """Every default lives on ``Settings``; the shipped settings.toml documents the same values, and
    the stages' own settings start from them (a default changed in one place changes everywhere)."""
    import tomllib

    from crosswire.settings import DEFAULTS
    from crosswire.stages.align import AlignSettings
    from crosswire.stages.cluster import ClusterSettings

    shipped = tomllib.loads((ROOT / "src" / "crosswire" / "settings.toml").read_text(encoding="utf-8"))["crosswire"]
    assert shipped == {f.name: getattr(DEFAULTS, f.name) for f in fields(Settings)}
    align = AlignSettings()
    assert (align.claim_similarity, align.copy_similarity, align.quantity_tolerance, align.encoder) == (
        DEFAULTS.claim_similarity,
        DEFAULTS.copy_similarity,
        DEFAULTS.quantity_tolerance,
        DEFAULTS.claim_encoder,
    )
    assert ClusterSettings().threshold == DEFAULTS.story_similarity


def test_architecture_the_type_checker_passes(tmp_path):
    """A field renamed in models.py is found by mypy, not by grep: src type-checks clean (mypy is in
    the test extra; the check is skipped, with its reason, where it is not installed)."""
    import subprocess
    import sys

    pytest.importorskip("mypy", reason="mypy is not installed: pip install -e '.[test]'")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path), str(ROOT / "src")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
