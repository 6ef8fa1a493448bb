"""Conditional questions and signposts, as pure functions.

`branch_resolution` is the table by which a conditional question ("O if C = yes") follows its
condition C and outcome O (SCORING.md, "Conditional"). `value_of_waiting` is the expected value
of learning a signpost before a two-action cost-loss decision, and `signpost_reading` puts a
signpost's two branches against a boundary's threshold in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

VOID = ("annulled", "ambiguous")
BRANCHES = ("yes", "no")


@dataclass(frozen=True)
class Resolved:
    """A question's resolution: an outcome (yes, no, annulled, ambiguous, below_lower_bound,
    above_upper_bound, value or an option label) with its value and time."""

    outcome: str
    value: float | None
    resolved_at: datetime

    @property
    def void(self) -> bool:
        return self.outcome in VOID


def branch_resolution(
    branch: str, condition: Resolved | None, outcome: Resolved | None
) -> Resolved | None:
    """Return the resolution a conditional on `branch` of C follows from C's and O's (or None).

    | C                         | O           | the conditional                          |
    |---------------------------|-------------|------------------------------------------|
    | unresolved                | any         | unresolved                               |
    | annulled or ambiguous     | any         | annulled (at C's resolution time)        |
    | the other branch          | any         | annulled (at C's resolution time)        |
    | this branch               | unresolved  | unresolved                               |
    | this branch               | resolved    | O's resolution, O's time (annulled and   |
    |                           |             | ambiguous included: no scores)           |
    """
    if branch not in BRANCHES:
        raise ValueError(f"a branch is yes or no, not {branch!r}")
    if condition is None:
        return None
    if condition.void or condition.outcome != branch:
        return Resolved("annulled", None, condition.resolved_at)
    if outcome is None:
        return None
    return Resolved(outcome.outcome, outcome.value, outcome.resolved_at)


@dataclass(frozen=True)
class ValueOfWaiting:
    """What waiting for a signpost is worth to a cost-loss decision, as shares of the loss L."""

    p_now: float  # the probability of the event now that the loss of deciding now uses
    loss_now: float  # expected loss of deciding now: min(t, p_now)
    loss_after: float  # expected loss of deciding after the signpost resolves
    value: float  # loss_now - loss_after, >= 0
    incoherence: float  # community p minus the mixture (0 when not given)


def _check_probability(name: str, p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], not {p!r}")


def value_of_waiting(
    t: float, p_signpost: float, p_yes: float, p_no: float, p_community: float | None = None
) -> ValueOfWaiting:
    """Return the expected value of information of a signpost S for a cost-loss decision.

    The decision: act, at cost C whatever happens, or do not act and lose L if the event E
    happens; in shares of L acting costs t = C / L and not acting costs P(E) in expectation.
    So a decision taken with belief p costs min(t, p) (act when p >= t).

    - Deciding now, with p = P(E) now, costs min(t, p).
    - Deciding after S resolves costs P(S) * min(t, p_yes) + (1 - P(S)) * min(t, p_no), where
      p_yes = P(E | S yes) and p_no = P(E | S no): the best action is taken on each branch.
    - The value of waiting is EVI = now - after. With p = P(S) p_yes + (1 - P(S)) p_no it is
      >= 0, because min(t, .) is concave (Jensen), and 0 exactly when both branches fall on the
      same side of t (waiting changes no action).

    Which p "now" uses: the mixture P(S) p_yes + (1 - P(S)) p_no, not the community's own P(E).
    Three aggregates from different crowds are rarely coherent, and with an incoherent p the
    difference now - after mixes the value of learning S with the gap between two beliefs (it
    can even be negative, which no information can be worth). Using the mixture keeps one
    belief on both sides, so the figure is the value of the information alone; the gap
    p_community - mixture is returned as `incoherence` for the reader to judge.

    The figure does not depend on the boundary's direction: for an action taken when P(E) <= t
    the losses are min(1 - t, 1 - p), and 1 - max(t, p) differs from min(t, p) by t + p - 1,
    a term linear in p that cancels between now and after under the mixture.
    """
    for name, p in (("t", t), ("P(S)", p_signpost), ("P(E | S yes)", p_yes), ("P(E | S no)", p_no)):
        _check_probability(name, p)
    mixture = p_signpost * p_yes + (1.0 - p_signpost) * p_no
    loss_now = min(t, mixture)
    loss_after = p_signpost * min(t, p_yes) + (1.0 - p_signpost) * min(t, p_no)
    incoherence = 0.0
    if p_community is not None:
        _check_probability("P(E)", p_community)
        incoherence = p_community - mixture
    # Rounding may leave a -1e-17 where the branches agree; the value is >= 0 by Jensen.
    value = max(loss_now - loss_after, 0.0)
    return ValueOfWaiting(mixture, loss_now, loss_after, value, incoherence)


def _side(crossed: bool, comparator: str, threshold: str) -> str:
    if comparator == ">=":
        return f"rise to {threshold} or above" if crossed else f"fall below {threshold}"
    return f"fall to {threshold} or below" if crossed else f"rise above {threshold}"


def signpost_reading(
    now: bool | None, if_yes: bool | None, if_no: bool | None, comparator: str, threshold: str
) -> str:
    """Say where a boundary stands now and on each branch of a signpost, in one line:
    "crossed now; would stay crossed if S; would fall below 10% if not S".

    `now`, `if_yes` and `if_no` tell whether the probability is past the threshold (None: no
    forecasts there); `threshold` is the threshold as the reader sees it ("10%").
    """

    def branch(crossed: bool | None, label: str) -> str:
        if crossed is None:
            return f"no forecasts yet {label}"
        if now is not None and crossed == now:
            return f"would stay {'crossed' if crossed else 'not crossed'} {label}"
        return f"would {_side(crossed, comparator, threshold)} {label}"

    head = "no forecasts now" if now is None else ("crossed now" if now else "not crossed now")
    return f"{head}; {branch(if_yes, 'if S')}; {branch(if_no, 'if not S')}"


def decision_relevant(if_yes: bool | None, if_no: bool | None) -> bool:
    """Tell whether a signpost's two branches land on different sides of the threshold."""
    return if_yes is not None and if_no is not None and if_yes != if_no
