"""Conditional questions in the interchange file: `condition: {"if", "is", "then"}`.

On export a conditional question carries its `condition` and no resolution of its own. On
import its `type`, `range` and window may be left out (they are the outcome's), its condition
and outcome may appear anywhere in the file or be stored already, and its resolution follows
from theirs once everything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from forecast.models import Conditional, Question, QuestionType
from forecast.services.questions.conditions import links_of

# What a conditional takes from its outcome when the record leaves it out.
INHERITED = ("type", "range", "open_time", "close_time", "resolve_time", "options")


def with_conditions(
    session: Session, questions: Sequence[Question], records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Add `condition` to the records of conditional questions and drop their resolution."""
    links = links_of(session, [q.id for q in questions if q.id is not None])
    for question, record in zip(questions, records, strict=True):
        link = links.get(question.id or 0)
        if link is not None:
            record["condition"] = link.as_json()
            record["resolution"] = None
    return records


@dataclass(frozen=True)
class PlannedLink:
    """A conditional question of the file and the keys it is conditional on."""

    key: str
    condition: str
    branch: str
    outcome: str


class ConditionError(ValueError):
    """A record's condition is wrong; the message says how."""


def _stored(session: Session, keys: set[str]) -> dict[str, Question]:
    if not keys:
        return {}
    return {
        q.key: q for q in session.exec(select(Question).where(col(Question.key).in_(list(keys))))
    }


def _field(question: Any, name: str) -> Any:
    return question.get(name) if isinstance(question, Mapping) else None


def complete_records(
    session: Session, records: list[Any]
) -> tuple[list[Any], dict[int, PlannedLink]]:
    """Return the question records with each conditional's missing fields taken from its
    outcome, and the links to make, by record index (ConditionError names what is wrong)."""
    by_key = {
        r["key"]: r for r in records if isinstance(r, Mapping) and isinstance(r.get("key"), str)
    }
    wanted: set[str] = set()
    for r in records:
        cond = r.get("condition") if isinstance(r, Mapping) else None
        if isinstance(cond, Mapping):
            wanted |= {str(cond.get("if")), str(cond.get("then"))}
    stored = _stored(session, wanted - set(by_key))
    completed: list[Any] = []
    links: dict[int, PlannedLink] = {}
    for i, record in enumerate(records):
        cond = record.get("condition") if isinstance(record, Mapping) else None
        if cond is None:
            completed.append(record)
            continue
        where = f"questions[{i}] ({record.get('key')!r})"
        if not isinstance(cond, Mapping) or set(cond) != {"if", "is", "then"}:
            raise ConditionError(f'{where}: condition must be {{"if", "is", "then"}}')
        if cond["is"] not in ("yes", "no"):
            raise ConditionError(f"{where}: condition.is must be yes or no")
        if record.get("resolution") is not None:
            raise ConditionError(
                f"{where}: a conditional question carries no resolution of its own"
            )
        found = {}
        for name, what in (("if", "condition"), ("then", "outcome")):
            ref = cond[name]
            other = by_key.get(ref) if isinstance(ref, str) else None
            if other is None and isinstance(ref, str) and ref in stored:
                other = _as_record(stored[ref])
            if other is None:
                raise ConditionError(f"{where}: unknown {what} question {ref!r}")
            if isinstance(other.get("condition"), Mapping):
                raise ConditionError(f"{where}: the {what} is itself a conditional question")
            found[name] = other
        if cond["if"] == cond["then"]:
            raise ConditionError(f"{where}: a question cannot be conditional on itself")
        if found["if"].get("type") != QuestionType.BINARY.value:
            raise ConditionError(f"{where}: the condition must be a binary question")
        merged = dict(record)
        merged.pop("resolution", None)  # it follows from the condition's and the outcome's
        outcome = found["then"]
        for name in INHERITED:
            if name not in outcome:
                continue
            if merged.get(name) is None:
                merged[name] = outcome[name]
            elif merged[name] != outcome[name] and name in ("type", "range", "options"):
                raise ConditionError(f"{where}: {name} differs from the outcome's")
        completed.append(merged)
        links[i] = PlannedLink(str(record.get("key")), cond["if"], cond["is"], cond["then"])
    return completed, links


def _as_record(question: Question) -> dict[str, Any]:
    from forecast.services.questions.serialize import interchange_question

    record = interchange_question(question, None)
    if question.id is not None and links_of_one(question) is not None:
        record["condition"] = {}
    return record


def links_of_one(question: Question) -> Conditional | None:
    """Return the stored link of a question loaded in a session (None: not conditional)."""
    from sqlalchemy.orm import object_session

    session = object_session(question)
    return session.get(Conditional, question.id) if session is not None else None


def write_links(session: Session, planned: Sequence[PlannedLink]) -> list[int]:
    """Insert the links of newly imported conditional questions; return the condition and
    outcome ids whose branches must follow them (the caller holds the transaction)."""
    keys = {p.key for p in planned} | {p.condition for p in planned}
    keys |= {p.outcome for p in planned}
    ids: dict[str, int] = {
        key: int(qid or 0)
        for key, qid in session.exec(
            select(col(Question.key), col(Question.id)).where(col(Question.key).in_(list(keys)))
        )
    }
    touched: set[int] = set()
    for p in planned:
        session.add(
            Conditional(
                question_id=ids[p.key],
                condition_id=ids[p.condition],
                outcome_id=ids[p.outcome],
                branch=p.branch,
            )
        )
        touched |= {ids[p.condition], ids[p.outcome]}
    session.flush()
    return sorted(touched)
