"""One-row sparse matrices kept in a temporary file, read back when asked for: a pile's stories keep
their totals (the sum of their documents' vectors) here once their part of the pile has been
clustered, so that memory does not hold every story's words while the rest of the pile is sorted.

A row comes back as the matrix it was: the same columns, in the same order, with the same values
and type, so that every product made from it is the one made before it was kept.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from types import TracebackType

import numpy as np
from scipy import sparse

_INDEX = np.dtype(np.int32)


class Shelf:
    """A temporary file of sparse rows, deleted when the shelf is closed (``with Shelf() as shelf``)."""

    def __init__(self) -> None:
        # (closed by ``close``, which ``with`` calls)
        self._file = tempfile.TemporaryFile(prefix="crosswire-stories-")  # noqa: SIM115
        self._end = 0

    def __enter__(self) -> Shelf:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def keep(self, row: sparse.csr_matrix) -> ShelvedRow:
        """Write ``row`` (a matrix of one row) to the file; where it is, to read it back.

        Raises:
            ValueError: ``row`` has more than one row, or more columns than 32-bit indices hold."""
        if row.shape[0] != 1 or row.shape[1] > np.iinfo(_INDEX).max:
            raise ValueError(f"Shelf.keep: one row of at most 2**31 columns, not a matrix of {row.shape}")
        start, end = row.indptr[0], row.indptr[1]
        indices = row.indices[start:end].astype(_INDEX, copy=False)
        data = row.data[start:end]
        self._file.seek(self._end)
        self._file.write(indices.tobytes())
        self._file.write(data.tobytes())
        kept = ShelvedRow(self, self._end, len(data), row.shape[1], data.dtype.str)
        self._end += indices.nbytes + data.nbytes
        return kept

    def read(self, offset: int, size: int) -> bytearray:
        """``size`` bytes from ``offset`` (writable: the arrays made on them are ordinary ones)."""
        buffer = bytearray(size)
        self._file.seek(offset)
        if self._file.readinto(buffer) != size:
            raise OSError(f"the temporary file of stories ended before byte {offset + size}")
        return buffer


@dataclass(frozen=True, slots=True)
class ShelvedRow:
    """Where one row waits on a ``Shelf``: its stored values (column indices, then values of
    ``dtype``) and the number of columns of the matrix it came from."""

    shelf: Shelf
    offset: int
    values: int
    columns: int
    dtype: str

    def load(self) -> sparse.csr_matrix:
        """The row, as the matrix of one row it was kept from."""
        data_type = np.dtype(self.dtype)
        raw = self.shelf.read(self.offset, self.values * (_INDEX.itemsize + data_type.itemsize))
        indices = np.frombuffer(raw, _INDEX, self.values)
        data = np.frombuffer(raw, data_type, self.values, offset=self.values * _INDEX.itemsize)
        return sparse.csr_matrix((data, indices, np.array([0, self.values])), shape=(1, self.columns))
