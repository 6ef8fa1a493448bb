"""A thread that submits forecasts through the service, one transaction each, until stopped.

Each write has a probability of its own, so an export shows exactly which writes a copy holds.
The writer notes, before each write, whether the snapshot was already taken: a write begun
after it cannot be in a copy of that snapshot.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask
from sqlmodel import select

from forecast.infra.db import session_scope
from forecast.models import User
from forecast.services.forecasts import submit_forecast


@dataclass
class Write:
    probability: float
    after_snapshot: bool


@dataclass
class Writer:
    app: Flask
    question_id: int
    usernames: tuple[str, ...]
    warm_up: int
    after: int
    acknowledged: list[Write] = field(default_factory=list)
    snapshot_taken: threading.Event = field(default_factory=threading.Event)
    warmed_up: threading.Event = field(default_factory=threading.Event)
    written_after: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None

    def probability(self, n: int) -> float:
        """The n-th write's probability: distinct for every n below 8,000."""
        return round(0.1 + n * 1e-4, 6)

    def run(self) -> None:
        try:
            with self.app.app_context():
                n = 0
                after = 0
                while not self.stop.is_set():
                    begun_after = self.snapshot_taken.is_set()
                    name = self.usernames[n % len(self.usernames)]
                    with session_scope() as session:
                        user = session.exec(select(User).where(User.username == name)).one()
                        submit_forecast(
                            session=session,
                            actor=user,
                            question_id=self.question_id,
                            probability=self.probability(n),
                        )
                    self.acknowledged.append(Write(self.probability(n), begun_after))
                    n += 1
                    after += begun_after
                    if n >= self.warm_up:
                        self.warmed_up.set()
                    if after >= self.after:
                        self.written_after.set()
        except BaseException as exc:  # reported by the test, which waits on the events
            self.error = exc
            self.warmed_up.set()
            self.written_after.set()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread
