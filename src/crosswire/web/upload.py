"""Uploads: the files of a form read as (safe name, bytes), checked before anything is stored; the
story name a form gives. Nothing from a request is used as a file-system path."""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from crosswire.errors import InputError
from crosswire.stories.service import SUPPORTED, refusal
from crosswire.stories.service import check_story_name as _check_name

MAX_FILES = 50


MAX_FILE_NAME_CHARS = 120


def safe_file_name(raw: str | None) -> str:
    """The base name of a client's file name: no directories (either slash), no control or
    direction characters, no leading dots, at most MAX_FILE_NAME_CHARS characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable())
    while name != (trimmed := name.strip().lstrip(".")):  # ". .hidden" -> "hidden", not ".hidden"
        name = trimmed
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    elif name.lower().endswith(".warc.gz"):  # (a long name cut must keep what it is read as)
        stem, suffix = name[: -len(".warc.gz")], name[-len("warc.gz") :]
    suffix = suffix[:16]
    stem = stem[: MAX_FILE_NAME_CHARS - len(suffix) - 1] or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def check_story_name(name: str) -> str:
    """The story name from a form, as ``stories.check_story_name`` takes it, or a 400."""
    try:
        return _check_name(name)
    except InputError as exc:
        raise HTTPException(400, exc.reason) from exc


Files = list[tuple[str, bytes]]  # (file name, bytes), as the store takes them


async def read_files(uploads: list[UploadFile | str], max_bytes: int) -> tuple[Files, list[str]]:
    """The uploaded files as (safe name, bytes), and each refused one with its reason: the others
    are stored (until 2026-12-07 one refused file refused the upload). An upload none of whose files
    can be taken is refused with their reasons (a 400, or the one status they share)."""
    files, problems, statuses = [], [], set()
    for upload in uploads:
        if not isinstance(upload, UploadFile):
            problems.append("'files' must be files, not text")
            statuses.add(400)
            continue
        name = safe_file_name(upload.filename)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED:
            problems.append(f"{name}: unsupported type {suffix or '(none)'}; use {', '.join(SUPPORTED)}")
            statuses.add(415)
            continue
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            problems.append(f"{name}: over the {max_bytes:,}-byte limit for one file")
            statuses.add(413)
        elif why := refusal(name, data):  # (as `crosswire add` and `watch` refuse them)
            problems.append(f"{name}: {why}")
            statuses.add(400 if not data.strip() else 415)
        else:
            files.append((name, data))
    if problems and not files:
        status = statuses.pop() if len(statuses) == 1 else 400
        raise HTTPException(status, "nothing was added: " + "; ".join(problems))
    return files, problems
