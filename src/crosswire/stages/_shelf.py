"""One-row sparse matrices kept in a temporary file, read back when asked for. A pile's stories keep
their totals (the sum of their documents' vectors) here once their partition has been clustered,
so that memory does not hold every story's words while the rest of the pile is clustered.

A row comes back with the same columns in the same order, the same values and the same value type
(its column indices as 32-bit integers), so every sum and product made from it is the one made
before it was kept. The file is in the system's temporary folder: where that folder is held in
memory (tmpfs), so are the rows, outside the process.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from types import TracebackType

import numpy as np
from scipy import sparse

_INDEX = np.dtype(np.int32)
_ALIGN = 8  # each row starts at a multiple of this, so its values are read back aligned


class Shelf:
    """A temporary file of sparse rows, deleted when the shelf is closed (``with Shelf() as
    shelf``)."""

    def __init__(self) -> None:
        # (closed by ``close``, which ``with`` calls)
        self._file = tempfile.TemporaryFile(prefix="crosswire-stories-")  # noqa: SIM115
        self._end = 0

    def __enter__(self) -> Shelf:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def keep(self, row: sparse.csr_matrix) -> ShelvedRow:
        """Write ``row`` (a CSR matrix of one row) to the file; where it is, to read it back.

        Raises:
            ValueError: ``row`` is not a CSR matrix of one row and fewer than 2**31 columns."""
        if row.format != "csr" or row.shape[0] != 1 or row.shape[1] > np.iinfo(_INDEX).max:
            found = f"a {row.format} matrix of shape {row.shape}"
            raise ValueError(f"Shelf.keep: one CSR row of fewer than 2**31 columns, not {found}")
        start, end = row.indptr[0], row.indptr[1]
        data = row.data[start:end]
        indices = row.indices[start:end].astype(_INDEX, copy=False)
        self._file.seek(self._end)
        self._file.write(data.tobytes())  # (the values first: they start aligned)
        self._file.write(indices.tobytes())
        kept = ShelvedRow(self, self._end, len(data), row.shape[1], data.dtype.str)
        self._end += -(-(data.nbytes + indices.nbytes) // _ALIGN) * _ALIGN
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
    """Where one row waits on a ``Shelf``: its number of stored values (values of ``dtype``, then
    their column indices) and the number of columns of the matrix it came from."""

    shelf: Shelf
    offset: int
    values: int
    columns: int
    dtype: str

    def load(self) -> sparse.csr_matrix:
        """The row, as a CSR matrix of one row."""
        kind = np.dtype(self.dtype)
        raw = self.shelf.read(self.offset, self.values * (kind.itemsize + _INDEX.itemsize))
        data = np.frombuffer(raw, kind, self.values)
        indices = np.frombuffer(raw, _INDEX, self.values, offset=self.values * kind.itemsize)
        shape = (1, self.columns)
        return sparse.csr_matrix((data, indices, np.array([0, self.values])), shape=shape)
