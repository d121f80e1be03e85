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
from crosswire.models import Dossier
from crosswire.output.json import to_dict

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


class ShardWriter:
    """Writes ``out/dossiers.<kind>`` one story at a time, so no more than a batch of dossiers is held
    in memory: a line per story for JSONL, a row group per ``batch`` stories for Parquet."""

    def __init__(self, out: Path, kind: str, batch: int = 64) -> None:
        check_format(kind)
        self.path = out / f"dossiers.{kind}"
        self._kind, self._batch = kind, batch
        self._pending: list[dict[str, Any]] = []
        self._lines = self.path.open("w", encoding="utf-8") if kind == "jsonl" else None
        self._parquet: Any = None

    def write(
        self, story: str, label: str, documents: Sequence[str], dossier: Dossier, generator_version: str = "0"
    ) -> None:
        """Add one story's dossier (as the schema's JSON, the same content as its ``.json`` file)."""
        data = to_dict(dossier, generator_version)
        if self._lines is not None:
            self._lines.write(json.dumps({"story": story, **data}, ensure_ascii=False) + "\n")
            return
        text = json.dumps(data, ensure_ascii=False)
        self._pending.append({"story": story, "label": label, "documents": list(documents), "dossier": text})
        if len(self._pending) >= self._batch:
            self._flush()

    def close(self) -> None:
        if self._lines is not None:
            self._lines.close()
            return
        self._flush()
        if self._parquet is None:  # no story at all: an empty shard still has its columns
            self._flush(force=True)
        self._parquet.close()

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _flush(self, force: bool = False) -> None:
        if not (self._pending or force):
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows, self._pending = self._pending, []
        table = pa.table(
            {
                "story": pa.array([r["story"] for r in rows], pa.string()),
                "label": pa.array([r["label"] for r in rows], pa.string()),
                "documents": pa.array([r["documents"] for r in rows], pa.list_(pa.string())),
                "dossier": pa.array([r["dossier"] for r in rows], pa.string()),
            }
        )
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, table.schema)
        self._parquet.write_table(table)


def read_shard(path: Path) -> list[dict[str, Any]]:
    """The rows of a shard written by :class:`ShardWriter`, dossiers parsed back into dicts."""
    if path.suffix == ".jsonl":
        rows = []
        for line in path.read_text(encoding="utf-8").split("\n"):  # not splitlines: U+2028 may be in a value
            if not line:
                continue
            data = json.loads(line)
            rows.append({"story": data.pop("story"), "dossier": data})
        return rows
    import pyarrow.parquet as pq

    return [{**row, "dossier": json.loads(row["dossier"])} for row in pq.read_table(path).to_pylist()]
