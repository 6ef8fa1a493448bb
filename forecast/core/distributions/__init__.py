"""Forecast representations: binary probabilities and 201-point CDFs on a question's axis.

- ``axis``: the axis (``Scale``), the CDF grid and the rules a probability or a CDF must keep.
- ``quantiles``: a forecaster's quantiles turned into a CDF.
- ``lookup``: reading a CDF (mass per bucket, value at a point, quantiles, density).
"""

from forecast.core.distributions.axis import (
    BINARY_MAX,
    BINARY_MIN,
    CDF_POINTS,
    MAX_STEP,
    MIN_STEP,
    MIN_TAIL,
    DistributionError,
    FloatArray,
    Scale,
    cdf_errors,
    validate_cdf,
    validate_probability,
)
from forecast.core.distributions.lookup import (
    cdf_at,
    cdf_at_u,
    density,
    pmf_from_cdf,
    quantile_of,
    resolution_bucket,
)
from forecast.core.distributions.quantiles import cdf_from_quantiles

__all__ = [
    "BINARY_MAX",
    "BINARY_MIN",
    "CDF_POINTS",
    "MAX_STEP",
    "MIN_STEP",
    "MIN_TAIL",
    "DistributionError",
    "FloatArray",
    "Scale",
    "cdf_at",
    "cdf_at_u",
    "cdf_errors",
    "cdf_from_quantiles",
    "density",
    "pmf_from_cdf",
    "quantile_of",
    "resolution_bucket",
    "validate_cdf",
    "validate_probability",
]
