"""The events a person can route, the channels they can go to, and which kind is which event."""

from __future__ import annotations

from dataclasses import dataclass

EMAIL = "email"
WEBHOOK = "webhook"
CHANNELS = (EMAIL, WEBHOOK)

# The webhook's body: Standard Webhooks JSON, or what Slack's and Discord's incoming webhooks take.
WEBHOOK_FORMATS = {
    "standard": "Standard Webhooks JSON (signed)",
    "slack": "Slack incoming webhook",
    "discord": "Discord incoming webhook",
}


@dataclass(frozen=True)
class Event:
    """One event a person chooses channels for."""

    key: str
    label: str
    kinds: frozenset[str]


EVENTS: tuple[Event, ...] = (
    Event(
        "alerts",
        "Decision boundary crossings",
        frozenset({"boundary_crossed", "boundary_not_crossed"}),
    ),
    Event("resolutions", "Resolutions", frozenset({"question_resolved", "resolution"})),
    Event("discussion", "Replies and mentions", frozenset({"reply", "mention", "comment"})),
    Event("reminders", "Reminders", frozenset({"resolution_overdue"})),
    Event(
        "reviews",
        "Reviews of proposed questions",
        frozenset({"question_proposed", "question_approve", "question_return", "question_reject"}),
    ),
    Event("community", "Community prediction moves", frozenset({"community_move"})),
)
EVENT_KEYS = tuple(event.key for event in EVENTS)
_EVENT_OF_KIND = {kind: event.key for event in EVENTS for kind in event.kinds}


def event_of(kind: str) -> str | None:
    """Return the event a notification kind belongs to (None: it stays in the app)."""
    return _EVENT_OF_KIND.get(kind)


def default_events() -> dict[str, list[str]]:
    """Return the routing of someone who has chosen nothing: every event to every channel set up."""
    return {key: list(CHANNELS) for key in EVENT_KEYS}
