"""The shelf a pile's stories keep their word totals on: each row comes back as it was kept."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from crosswire.stages._shelf import Shelf


def _rows(kind: type) -> list[sparse.csr_matrix]:
    tiny = 1e-300 if kind is np.float64 else 1e-30
    odd = sparse.csr_matrix(np.array([[0.0, 1.5, 0.0, -2.25, tiny]], dtype=kind))  # (3 values)
    unsorted = sparse.csr_matrix(
        (np.array([2.0, 3.0], dtype=kind), np.array([5, 1], dtype=np.int64), np.array([0, 2])),
        shape=(1, 9),
    )
    return [
        odd,
        sparse.csr_matrix((1, 7), dtype=kind),  # (no values)
        sparse.csr_matrix(np.random.default_rng(3).random((1, 300)).astype(kind)),
        unsorted,  # (its columns out of order, as 64-bit integers)
        sparse.csr_matrix(np.array([[0.0, 4.0], [5.0, 0.0]], dtype=kind))[1],  # (a view: starts at 1)
    ]


@pytest.mark.parametrize("kind", [np.float64, np.float32])
def test_shelf_gives_back_each_row_as_it_was(kind):
    rows = _rows(kind)
    with Shelf() as shelf:
        kept = [shelf.keep(row) for row in rows]
        for row, where in zip(rows[::-1], kept[::-1], strict=True):  # (read in any order)
            back = where.load()
            start, end = row.indptr[0], row.indptr[1]
            assert back.shape == row.shape and back.dtype == row.dtype
            assert back.indices.tolist() == row.indices[start:end].tolist()  # (in the same order)
            assert back.data.tobytes() == row.data[start:end].tobytes()
            assert back.data.flags.aligned and back.data.flags.writeable
            assert (back != row).nnz == 0


def test_shelf_takes_only_one_csr_row_and_is_not_read_once_closed():
    with Shelf() as shelf:
        kept = shelf.keep(sparse.csr_matrix(np.ones((1, 3))))
        with pytest.raises(ValueError, match="one CSR row"):
            shelf.keep(sparse.csr_matrix(np.ones((2, 3))))
        with pytest.raises(ValueError, match="csc matrix"):
            shelf.keep(sparse.csc_matrix(np.ones((1, 3))))
    with pytest.raises(ValueError):  # (closed with its ``with``: the file is gone)
        kept.load()
