from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REFERENCE, SAMPLE, SHARED

from crosswire import cli

CHECK = SHARED / "tools" / "check_dossier.py"


@pytest.fixture(autouse=True)
def _reuse_model(monkeypatch, nlp):
    import crosswire.analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)


def test_cli_sample_writes_valid_json_and_markdown(tmp_path, capsys):
    out, md = tmp_path / "d.json", tmp_path / "b.md"
    assert cli.main(["analyze", "--sample", "--json", str(out), "--md", str(md), "--quiet"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1" and len(data["documents"]) == 7 and data["errors"] == []
    assert md.read_text(encoding="utf-8").startswith("# ")


def test_cli_bad_input_exit_1_and_dossier_still_written(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "d.json"
    code = cli.main(["analyze", "--sample", str(tmp_path / "empty.txt"), "--json", str(out)])
    assert code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["documents"]) == 7 and data["errors"][0]["source"].endswith("empty.txt")
    assert "empty.txt" in capsys.readouterr().err


def test_cli_a_file_given_twice_is_read_once_said_and_no_failure(tmp_path, capsys):
    # The same article saved again under a second name (a line more at its end: other bytes, one
    # article): one document, a line that says so, exit code 0 (a failure makes it 1, as above); a
    # story's add says the same and exits 0 too.
    copy = tmp_path / "wire copy.txt"
    copy.write_bytes((SAMPLE / "wire_report.txt").read_bytes() + b"\n\n")
    out = tmp_path / "d.json"
    assert cli.main(["analyze", "--sample", str(copy), "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    # (the first read is kept: here the file named, read before the sample)
    original = SAMPLE / "wire_report.txt"
    assert len(data["documents"]) == 7 and [e["source"] for e in data["errors"]] == [str(original)]
    said = capsys.readouterr().err
    assert f"left out {original}: the same article as {copy} (alike in every field)" in said
    assert "0 inputs skipped, 1 note(s) of copies read once" in said
    db = str(tmp_path / "s.db")
    assert cli.main(["add", str(SAMPLE / "wire_report.txt"), "--story", "s", "--db", db]) == 0
    assert cli.main(["add", str(copy), "--story", "s", "--db", db]) == 0
    said = capsys.readouterr().err
    assert "left out s/wire copy.txt: the same article as s/wire_report.txt" in said


def test_cli_without_inputs_explains(capsys):
    assert cli.main(["analyze"]) == 2
    assert "--sample" in capsys.readouterr().err


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_cli_reference_dossier_passes_schema_and_provenance_check(tmp_path):
    out = tmp_path / "ref.json"
    assert cli.main(["analyze", str(REFERENCE), "--json", str(out), "--quiet"]) == 0
    if CHECK.exists():
        result = subprocess.run([sys.executable, str(CHECK), str(out)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "schema: 0 errors" in result.stdout
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SHARED / "spec" / "dossier.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(out.read_text(encoding="utf-8")))


def test_cli_json_is_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    cli.main(["analyze", "--sample", "--json", str(a), "--quiet"])
    cli.main(["analyze", "--sample", "--json", str(b), "--quiet"])
    assert a.read_bytes() == b.read_bytes()


def test_cli_help_and_diff_start_without_loading_the_analysis(tmp_path):
    """`crosswire --help` and `crosswire diff` need no model: they must not import spaCy, scikit-learn
    or onnxruntime (about 3.5 s here), so they start in a fraction of a second."""
    import subprocess
    import sys

    heavy = ("spacy", "sklearn", "onnxruntime")
    probe = (
        "import sys\nfrom crosswire import cli\n"
        "try:\n    cli.main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    for args in (["--help"], ["diff", "--story", "none", "--db", str(tmp_path / "s.db")]):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
        assert done.stdout.strip().splitlines()[-1] == "[]", (args, done.stdout[-500:], done.stderr[-500:])


def test_cli_analysing_one_story_or_adding_to_one_does_not_import_scikit_learn(tmp_path):
    """scikit-learn is for sorting a pile into stories (its hashers) and for benchmarks; a command that
    analyses one story, or adds to a named one, does not pay its import (1.1-1.4 s of every fresh
    process here)."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom crosswire import cli\ncode = cli.main(sys.argv[1:])\nprint(code, 'sklearn' in sys.modules)"
    )
    story = ["add", str(SAMPLE / "wire_report.txt"), "--story", "s", "--db", str(tmp_path / "s.db"), "--quiet"]
    for args in (["analyze", "--sample", "--json", str(tmp_path / "d.json"), "--quiet"], story):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=300)
        assert done.stdout.strip().splitlines()[-1] == "0 False", (args, done.stdout[-500:], done.stderr[-500:])


@pytest.mark.parametrize("errors", [[], [{"source": "bad.html", "reason": "not read: «denied»"}]])
def test_cli_a_piles_index_kept_on_disk_is_written_as_its_json(tmp_path, errors):
    from crosswire.cli.commands import _StoryIndex

    entries = [
        {"story": "story-1", "label": "Brücke — «Tarnholm»", "documents": ["a", "b"], "claims": 3},
        {"story": "story-2", "label": "", "documents": [], "claims": 0, "headline": "Line\nbreak"},
    ]
    index = _StoryIndex(tmp_path)
    for entry in entries:
        index.add(entry)
    assert index.write(tmp_path / "index.json", errors) == 2
    whole = json.dumps({"stories": entries, "errors": errors}, ensure_ascii=False, indent=2) + "\n"
    assert (tmp_path / "index.json").read_text(encoding="utf-8") == whole
