"""What a leader commits to: the content hash of a version and the cost-loss threshold.

Content hash
------------
A committed version publishes ``content_hash(fields)``: the SHA-256 (lower-case hex) of the
UTF-8 bytes of its canonical JSON, which is ``json.dumps(fields, sort_keys=True,
separators=(",", ":"), ensure_ascii=False, allow_nan=False)`` in Python: keys sorted at every
level, no whitespace, non-ASCII text as itself, floats in their shortest round-trip form (repr),
integers without a decimal point. The fields are ``question`` (its key), ``action``, ``event``
(as stored: `event_to_json`), ``comparator``, ``threshold``, ``method``, ``rationale`` and
``version``. Anyone can recompute it, e.g.
``printf '%s' '{"action":"Brief the board",...}' | sha256sum``.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.core.boundaries.fields import BoundaryError, fmt_value, number_field

HASH_FIELDS = frozenset(
    {"question", "action", "event", "comparator", "threshold", "method", "rationale", "version"}
)


@dataclass(frozen=True)
class Suggestion:
    """A threshold from the cost-loss rule, with the reasoning in words."""

    threshold: float
    cost: float
    loss: float
    reasoning: str


def _percent(fraction: float) -> str:
    return str(
        np.format_float_positional(100.0 * fraction, precision=3, fractional=False, trim="-")
    )


def threshold_from_costs(cost: float, loss: float) -> Suggestion:
    """Suggest t = C / L for a cost of acting C and a loss L that acting would avoid."""
    c = number_field(cost, "cost", "the cost of acting")
    loss_avoided = number_field(loss, "loss", "the loss avoided")
    if c <= 0.0:
        raise BoundaryError("the cost of acting must be above 0", "cost")
    if loss_avoided <= c:
        raise BoundaryError(
            f"acting never pays: it costs {fmt_value(c)} whatever happens and saves at most "
            f"{fmt_value(loss_avoided)}, so no probability makes it worth it (a threshold needs "
            "the loss avoided L to exceed the cost C)",
            "loss",
        )
    t = c / loss_avoided
    if not 0.0 < t < 1.0:
        raise BoundaryError("the cost is too small beside the loss to give a threshold", "cost")
    c_text, l_text = fmt_value(c), fmt_value(loss_avoided)
    reasoning = (
        f"Acting costs {c_text} whatever happens; not acting loses {l_text} if the event "
        f"happens. Acting is worth it when p \u00d7 {l_text} > {c_text}, "
        f"i.e. p > {c_text} / {l_text} = {_percent(t)}%."
    )
    return Suggestion(threshold=t, cost=c, loss=loss_avoided, reasoning=reasoning)


def canonical_json(fields: Mapping[str, Any]) -> str:
    """Return the canonical JSON text of a version's committed content."""
    try:
        return json.dumps(
            fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError:
        raise BoundaryError("committed content must hold finite numbers only") from None


def content_hash(fields: Mapping[str, Any]) -> str:
    """Return the SHA-256 hex digest of a version's canonical JSON (see the module docstring)."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()
