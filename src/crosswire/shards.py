"""Output shards for shared storage: every story's dossier in one file a cluster job can read back.

JSON Lines always work; Parquet needs pyarrow (``pip install 'crosswire[ray]'``). A Parquet shard has
one row per story with the columns ``story``, ``label``, ``documents`` (list of document ids) and
``dossier`` (the dossier as compact JSON text: the same content as the story's ``.json`` file), so
engines that read Parquet (Ray Data, Spark, DuckDB) can filter stories without parsing every dossier.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crosswire.errors import ConfigError

FORMATS = ("jsonl", "parquet")


def check_format(kind: str) -> None:
    """Fail before any work when a shard of this kind cannot be written.

    Raises:
        ConfigError: an unknown format, or Parquet without pyarrow installed.
    """
    if kind not in FORMATS:
        raise ConfigError(f"unknown shard format {kind!r}; use one of {', '.join(FORMATS)}")
    if kind == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError as exc:
            raise ConfigError("writing Parquet shards needs pyarrow: pip install 'crosswire[ray]'") from exc


def write_shard(rows: Sequence[dict[str, Any]], out: Path, kind: str) -> Path:
    """Write ``rows`` ({story, label, documents, dossier: dict}) as ``out/dossiers.<kind>``; returns the path.

    Raises:
        ConfigError: an unknown format, or Parquet without pyarrow installed.
    """
    check_format(kind)
    path = out / f"dossiers.{kind}"
    if kind == "jsonl":
        with path.open("w", encoding="utf-8") as shard:
            for row in rows:
                shard.write(json.dumps({"story": row["story"], **row["dossier"]}, ensure_ascii=False) + "\n")
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "story": pa.array([row["story"] for row in rows], pa.string()),
            "label": pa.array([row["label"] for row in rows], pa.string()),
            "documents": pa.array([list(row["documents"]) for row in rows], pa.list_(pa.string())),
            "dossier": pa.array([json.dumps(row["dossier"], ensure_ascii=False) for row in rows], pa.string()),
        }
    )
    pq.write_table(table, path)
    return path


def read_shard(path: Path) -> list[dict[str, Any]]:
    """The rows of a shard written by :func:`write_shard`, dossiers parsed back into dicts."""
    if path.suffix == ".jsonl":
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            rows.append({"story": data.pop("story"), "dossier": data})
        return rows
    import pyarrow.parquet as pq

    return [{**row, "dossier": json.loads(row["dossier"])} for row in pq.read_table(path).to_pylist()]
