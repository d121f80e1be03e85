"""The checks of hostile_pipeline.py: one case run through the CLI's analysis and the story store, and what
its outputs must hold (no live markup, no evaluated template, strict JSON, the normal article unchanged)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from _hostile_inputs import EVALUATED, NORMAL, NORMAL_NAME, SECOND, STORY, Case
from fuzz_ingest import _reason_kind

BUG_MARKS = ("This is a bug in crosswire", "could not be cleaned (")
# document_seconds bounds one document's cleaning and its parse, each in a worker that is stopped; an
# analysis of the pair (or its cleaning alone) that runs longer than it plus this was not bounded by it.
OVER_BUDGET_SLACK = 15.0


class _Markup(HTMLParser):
    """Live markup in a page: scripts, event handlers, URLs that run code, elements that load things."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background"}
    FOREIGN = {"img", "iframe", "object", "embed", "base", "frame", "link", "form", "input", "video", "audio"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.problems: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append("")
            self._script = True
        if tag in self.FOREIGN:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in self.URL_ATTRIBUTES and re.match(r"\s*(javascript|vbscript|data):", value or "", re.I):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script:
            self.scripts[-1] += data


def live_markup(page: str) -> list[str]:
    """What in ``page`` could run or load something that is not the page's own script."""
    from crosswire.output.html import SCRIPT

    parser = _Markup()
    parser.feed(page)
    parser.close()
    problems = parser.problems
    if len(parser.scripts) != 1 or parser.scripts[0].strip() != SCRIPT.strip():
        problems.append(f"{len(parser.scripts)} script elements, not the page's one")
    return problems


def unescaped(payloads: tuple[str, ...], page: str, markdown: str) -> list[str]:
    """Payloads found verbatim where they would be markup: HTML (<>"' unescaped), Markdown (<>[] unescaped),
    or a template that was evaluated."""
    found = []
    for payload in payloads:
        if re.search(r"[<>\"']", payload) and payload in page:
            found.append(f"HTML holds {payload!r}")
        if re.search(r"[<>\[\]]", payload) and payload in markdown:
            found.append(f"Markdown holds {payload!r}")
    if EVALUATED in page or EVALUATED in markdown:
        found.append("a template was evaluated (zq49zq)")
    return found


def strict_json(data: dict[str, Any]) -> str | None:
    """Why ``data`` is not strict JSON that loads back to itself, or None."""

    def refuse(name: str) -> None:
        raise ValueError(f"non-standard constant {name}")

    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        back = json.loads(text, parse_constant=refuse)
    except ValueError as exc:
        return str(exc)[:200]
    if json.dumps(back, ensure_ascii=False, allow_nan=False) != text:
        return "does not load back to the same JSON"
    return None


def write_case(case: Case, folder: Path) -> list[str]:
    """The case's files written in a fresh ``folder`` (names as bytes); their paths as str."""
    folder.mkdir(parents=True)
    paths = []
    for name, data in case.files:
        path = os.path.join(os.fsencode(folder), name)
        with open(path, "wb") as file:
            file.write(data)
        paths.append(os.fsdecode(path))
    return paths


def _belongs(source: str, paths: list[str]) -> bool:
    """Whether a document or error source is (a record of) one of these files."""
    from crosswire.stages.ingest import printable

    shown = [printable(p) for p in paths]
    return any(source == p or source.startswith(p + ":") for p in shown)


@dataclass
class Row:
    """What became of one input."""

    family: str
    label: str
    bytes: int
    seconds: float = 0.0
    documents: int = 0  # hostile documents analysed
    skipped: list[str] = field(default_factory=list)  # "stage: reason kind" of each hostile error
    problems: list[str] = field(default_factory=list)  # "kind: detail"
    store_seconds: float = 0.0
    clean_seconds: float = 0.0  # ingest + clean of the pair (outside the per-document worker)
    order: str = ""  # "", "same" or "differs: ..."
    payloads_seen: int = 0  # payloads found as text in the dossier (the check is not passed by losing them)


def crash_row(row: Row, step: str, crashes: list[dict[str, Any]]) -> None:
    text = traceback.format_exc()
    last = text.strip().splitlines()[-1]
    row.problems.append(f"crash: {step}: {last[:200]}")
    crashes.append({"family": row.family, "input": row.label, "step": step, "error": last[:300], "traceback": text})


def run_case(
    case: Case,
    folder: Path,
    nlp: Any,
    settings: Any,
    crashes: list[dict[str, Any]],
    store: bool = True,
) -> Row:
    """Analyse the case beside the normal article, render it, and (``store``) add it to a fresh story."""
    from crosswire.analysis.pipeline import analyze, version
    from crosswire.output.html import to_html
    from crosswire.output.json import to_dict
    from crosswire.output.markdown import to_markdown

    row = Row(case.family, case.label, sum(len(data) for _, data in case.files))
    paths = write_case(case, folder / "in")
    started = time.perf_counter()
    try:
        dossier = analyze([str(NORMAL), *paths], settings, nlp=nlp)
    except Exception:  # a crash: what this benchmark exists to find
        row.seconds = time.perf_counter() - started
        crash_row(row, "analyze", crashes)
        dossier = None
    else:
        row.seconds = time.perf_counter() - started
        row.clean_seconds = dossier.stats.get("ingest+clean", 0.0)
        _check_dossier(dossier, case, paths, row, crashes, to_dict, to_markdown, to_html, version())
    if 0 < settings.document_seconds < row.seconds - OVER_BUDGET_SLACK:
        row.problems.append(
            f"over budget: the analysis took {row.seconds:.0f} s, the budget for one document is "
            f"{settings.document_seconds:g} s"
        )
    if 0 < settings.document_seconds < row.clean_seconds - OVER_BUDGET_SLACK:
        row.problems.append(
            f"over budget: ingest and clean took {row.clean_seconds:.0f} s, the budget for one document is "
            f"{settings.document_seconds:g} s"
        )
    if store:
        started = time.perf_counter()
        _check_store(case, paths, folder / "store.db", nlp, settings, row, crashes)
        row.store_seconds = time.perf_counter() - started
    return row


def _check_dossier(
    dossier: Any,
    case: Case,
    paths: list[str],
    row: Row,
    crashes: list[dict[str, Any]],
    to_dict: Callable[..., Any],
    to_markdown: Callable[..., str],
    to_html: Callable[..., str],
    generator: str,
) -> None:
    row.documents = sum(_belongs(d.source, paths) for d in dossier.documents)
    if not any(d.source == str(NORMAL) for d in dossier.documents):
        row.problems.append("normal article lost: the article beside the hostile input is not in the dossier")
    for error in dossier.errors:
        if not getattr(error, "failed", True):
            continue  # (a copy read once: said, and no failure)
        if _belongs(error.source, paths):
            row.skipped.append(f"{error.stage}: {_reason_kind(error.reason)}")
        else:
            row.problems.append(f"normal article skipped: {error.stage}: {error.reason[:150]}")
        if any(mark in error.reason for mark in BUG_MARKS):
            row.problems.append(f"internal error: {error.stage}: {error.reason[:300]}")
    try:
        data = to_dict(dossier, generator)
    except Exception:
        crash_row(row, "to_dict", crashes)
        return
    why = strict_json(data)
    if why:
        row.problems.append(f"non-strict JSON: {why}")
    else:
        text = json.dumps(data, ensure_ascii=False)
        row.payloads_seen = sum(json.dumps(p, ensure_ascii=False)[1:-1] in text for p in case.payloads)
    page = markdown = ""
    try:
        markdown = to_markdown(dossier)
    except Exception:
        crash_row(row, "render markdown", crashes)
    try:
        page = to_html(dossier, generator)
    except Exception:
        crash_row(row, "render html", crashes)
    row.problems += [f"unescaped: {p}" for p in unescaped(case.payloads, page, markdown)]
    if page:
        row.problems += [f"unescaped: live markup in HTML: {p}" for p in live_markup(page)]


def _check_store(
    case: Case, paths: list[str], db: Path, nlp: Any, settings: Any, row: Row, crashes: list[dict[str, Any]]
) -> None:
    """Add the case to a fresh story, then a normal article, then take the case out again."""
    from crosswire.stories.service import add_to_story, collect_files, remove_from_story
    from crosswire.stories.store import open_store

    if case.store_names is not None:
        files = [(name, data) for name, (_, data) in zip(case.store_names, case.files, strict=True)]
    else:
        files, refused = collect_files(paths, settings.max_file_bytes)
        if refused:  # what the CLI refuses before the store (too large): nothing to store
            row.skipped += [f"store: refused: {_reason_kind(e.reason)}" for e in refused]
    store = open_store(db)
    try:
        if files:
            try:
                add_to_story(store, STORY, files, settings, nlp=nlp)
            except Exception:
                crash_row(row, "store add", crashes)
        hostile = [d.name for d in store.documents(STORY)] if store.stories() else []
        try:
            result = add_to_story(store, STORY, [(NORMAL_NAME, NORMAL.read_bytes())], settings, nlp=nlp)
            latest = store.version(STORY) or {}
            analysed = [d["source"] for d in latest.get("documents", [])]
            if result.version is None or f"{STORY}/{NORMAL_NAME}" not in analysed or store.unanalysed(STORY):
                row.problems.append(f"frozen: the next add gave version {result.version}, analysing {analysed[:4]}")
        except Exception:
            crash_row(row, "store add normal", crashes)
            row.problems.append("frozen: adding a normal article after it raises")
        for info in store.versions(STORY):
            why = strict_json(store.version(STORY, info.number) or {})
            if why:
                row.problems.append(f"non-strict JSON: stored version {info.number}: {why}")
        if hostile:
            try:
                remove_from_story(store, STORY, hostile, settings, nlp=nlp)
                left = [d["source"] for d in (store.version(STORY) or {}).get("documents", [])]
                if left != [f"{STORY}/{NORMAL_NAME}"]:
                    row.problems.append(f"not removable: after the removal the story holds {left[:4]}")
            except Exception:
                crash_row(row, "store remove", crashes)
                row.problems.append("not removable: remove_from_story raises")
    finally:
        store.close()


def normalised(dossier: Any, files: dict[str, str]) -> str:
    """The dossier's JSON with each document id and source replaced by a hash of its sentences, and each
    input file's path by a hash of its bytes (tests/test_order.py's comparison, plus error sources)."""
    from crosswire.output.json import to_json
    from crosswire.stages.ingest import printable

    text = to_json(dossier)
    names = {printable(path): token for path, token in files.items()}
    for document in dossier.documents:
        body = "\n".join(s.text for s in document.sentences)
        token = "doc-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        names[document.source] = token + "-source"
        names[document.id] = token
    for name in sorted(names, key=len, reverse=True):  # a source holds its file's path and id
        text = text.replace(json.dumps(name, ensure_ascii=False)[1:-1], names[name])
    return text


def order_check(case: Case, folder: Path, nlp: Any, settings: Any) -> str:
    """'same' when [a, b, hostile] and [hostile, b, a] (renamed) give one dossier; else where they differ."""
    from crosswire.analysis.pipeline import analyze

    def pile(tag: str, order: list[tuple[bytes, bytes]]) -> tuple[list[str], dict[str, str]]:
        where = folder / tag
        where.mkdir(parents=True)
        paths, tokens = [], {}
        for number, (name, data) in enumerate(order):
            path = where / f"{chr(ord('a') + number)}-{tag}-{number}{Path(os.fsdecode(name)).suffix}"
            path.write_bytes(data)
            paths.append(str(path))
            tokens[str(path)] = "file-" + hashlib.sha256(data).hexdigest()[:16]
        return paths, tokens

    a, b = (NORMAL.name.encode(), NORMAL.read_bytes()), (SECOND.name.encode(), SECOND.read_bytes())
    forward, tokens = pile("fwd", [a, b, *case.files])
    backward, more = pile("rev", [*case.files[::-1], b, a])
    first = normalised(analyze(forward, settings, nlp=nlp), tokens)
    second = normalised(analyze(backward, settings, nlp=nlp), more)
    if first == second:
        return "same"
    x, y = first.splitlines(), second.splitlines()
    line = next((n for n, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
    shown = (x[line] if line < len(x) else "")[:150] + " | " + (y[line] if line < len(y) else "")[:150]
    return f"differs from line {line + 1}: {shown}"
