"""Multiple-choice forecasts: K option probabilities, each in [0.001, 0.999], summing to 1.

See SCORING.md, "Representing a forecast": a sum within 1e-6 of 1 is accepted and stored
renormalised; the PMF is the vector itself.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from forecast.core.distributions import DistributionError

MIN_OPTIONS = 2
MAX_OPTIONS = 20
P_MIN = 0.001
P_MAX = 0.999
SUM_TOLERANCE = 1e-6
MAX_LABEL = 200


def validate_probabilities(
    values: Sequence[object] | NDArray[np.float64], k: int
) -> NDArray[np.float64]:
    """Check K option probabilities and return them renormalised to sum exactly to 1."""
    if len(values) != k:
        raise DistributionError(
            f"probabilities must hold {k} numbers, one per option, got {len(values)}",
            "probabilities",
        )
    out = np.empty(k)
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
            raise DistributionError(
                f"probability {i + 1} must be a finite number", "probabilities", i
            )
        out[i] = float(v)
        if not P_MIN <= out[i] <= P_MAX:
            raise DistributionError(
                f"each probability must be between {P_MIN} and {P_MAX}; option {i + 1} "
                f"has {out[i]:g}",
                "probabilities",
                i,
            )
    total = float(out.sum())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise DistributionError(
            f"the probabilities must sum to 1 (100%), they sum to {total:.6g}", "probabilities"
        )
    # A sum already 1 up to float rounding is kept as given, so that storing, exporting and
    # importing again leaves the numbers as they were.
    if abs(total - 1.0) <= 8 * np.finfo(np.float64).eps * k:
        return out
    return out / total


def validate_options(labels: object) -> list[str]:
    """Check a list of 2 to 20 distinct, non-empty option labels and return them stripped."""
    if not isinstance(labels, list | tuple):
        raise DistributionError("options must be a list of labels", "options")
    out = []
    for i, label in enumerate(labels):
        if not isinstance(label, str) or not label.strip():
            raise DistributionError(f"option {i + 1} needs a label", "options", i)
        if len(label.strip()) > MAX_LABEL:
            raise DistributionError(
                f"option {i + 1} is longer than {MAX_LABEL} characters", "options", i
            )
        out.append(label.strip())
    if not MIN_OPTIONS <= len(out) <= MAX_OPTIONS:
        raise DistributionError(
            f"a multiple-choice question has {MIN_OPTIONS} to {MAX_OPTIONS} options, "
            f"got {len(out)}",
            "options",
        )
    seen = {label.casefold() for label in out}
    if len(seen) != len(out):
        raise DistributionError("option labels must differ from each other", "options")
    return out
