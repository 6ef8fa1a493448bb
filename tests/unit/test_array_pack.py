"""Packing named arrays for the aggregate cache: exact round trips, clear refusals."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from forecast.infra.array_pack import MAGIC, PackError, pack, unpack

DTYPES = st.sampled_from([np.float64, np.int64, np.bool_, np.float32])


@st.composite
def named_arrays(draw: st.DrawFn) -> dict[str, np.ndarray]:
    names = draw(st.lists(st.text("abcdefgh_", min_size=1, max_size=8), max_size=6, unique=True))
    return {
        name: draw(
            hnp.arrays(
                draw(DTYPES), hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=7)
            )
        )
        for name in names
    }


@given(named_arrays())
def test_a_round_trip_gives_back_every_array_exactly(arrays: dict[str, np.ndarray]) -> None:
    back = unpack(pack(arrays))
    assert list(back) == list(arrays)
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype and back[name].shape == array.shape
        np.testing.assert_array_equal(back[name], array)  # NaN equals NaN here


def test_arrays_come_back_writable_and_independent_of_the_bytes() -> None:
    payload = pack({"x": np.arange(4.0), "grid": np.ones((2, 3))})
    back = unpack(payload)
    back["x"][0] = 99.0
    assert unpack(payload)["x"][0] == 0.0
    assert back["grid"].shape == (2, 3) and back["grid"].flags.c_contiguous


def test_non_contiguous_input_is_packed_by_value() -> None:
    base = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(unpack(pack({"t": base.T}))["t"], base.T)


def test_anything_else_is_refused_with_a_pack_error() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, x=np.arange(3))
    with pytest.raises(PackError, match="not a forecast array pack"):
        unpack(buffer.getvalue())  # the cache's earlier layout
    good = pack({"x": np.arange(10.0)})
    with pytest.raises(PackError, match="cut short"):
        unpack(good[:-8])
    with pytest.raises(PackError, match="trailing"):
        unpack(good + b"\0")
    with pytest.raises(PackError, match="header"):
        unpack(MAGIC + b"\xff\xff\x00\x00{")
    with pytest.raises(PackError, match="object"):
        pack({"o": np.array([None, 1], dtype=object)})
