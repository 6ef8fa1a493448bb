"""The community prediction a pastcast shows: the aggregate history standing at an instant.

Read from the cached history of the default method, so a pastcast shows what the question's
page showed at that instant; nothing after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlmodel import Session

from forecast.core.aggregation.aggregate import DEFAULT_METHOD, cdf_quantile
from forecast.core.calibration import ALPHA
from forecast.infra.clock import to_epoch
from forecast.models import Question
from forecast.services.aggregation.values import cached_aggregate, evaluation_time
from forecast.services.kinds.ranges import question_scale

LEVELS = (ALPHA / 2, 0.5, 1 - ALPHA / 2)  # a 90% interval's ends and the median


@dataclass(frozen=True)
class Community:
    """The community prediction (default method) and forecasters standing at an instant."""

    probability: float | None
    forecasters: int


def standing_at(session: Session, question: Question, at: datetime) -> tuple[Any, int]:
    """Read the aggregate history (default method) at an instant: the entry's value standing
    then (a probability, or a CDF row) and its forecasters; (None, 0) before the first."""
    h = cached_aggregate(session, question, DEFAULT_METHOD).history
    i = int(np.searchsorted(h.start, to_epoch(evaluation_time(question, at)), side="right")) - 1
    if i < 0 or int(h.forecaster_count[i]) == 0:
        return None, 0
    return h.value[i], int(h.forecaster_count[i])


def community_at(session: Session, question: Question, at: datetime) -> Community:
    """Return a binary question's community probability and forecasters at an instant."""
    value, forecasters = standing_at(session, question, at)
    return Community(None if value is None else float(value), forecasters)


@dataclass(frozen=True)
class CommunityInterval:
    """The community's 5th percentile, median and 95th percentile at an instant (axis units)."""

    lower: float | None
    median: float | None
    upper: float | None
    forecasters: int


def community_interval_at(session: Session, question: Question, at: datetime) -> CommunityInterval:
    """Return the community's 90% interval and median at an instant (none before the first)."""
    cdf, forecasters = standing_at(session, question, at)
    if cdf is None:
        return CommunityInterval(None, None, None, 0)
    positions = [float(cdf_quantile(np.asarray(cdf), level)) for level in LEVELS]
    low, mid, high = (float(x) for x in question_scale(question).from_u(np.array(positions)))
    return CommunityInterval(low, mid, high, forecasters)
