"""Answers of API token lookups kept by each process, for SQLite databases on a file.

Every API request names its caller by a token, and the lookup is one indexed SQL statement.
Under load that statement costs far more than its 10 us alone: the other worker's commits
empty this process's SQLite page cache before every transaction, and the lookup reads its
pages again. A kept answer costs a dictionary lookup and a read of the shared account
counter (forecast.infra.sqlite.account_generation).

A kept answer is used only while the counter has not moved since it was looked up, and for
at most `TTL_S` seconds. Only live tokens are kept: an unknown or revoked token is looked up
every time. PostgreSQL deployments, which may span machines, keep nothing.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from forecast.infra.sqlite.account_generation import AccountGeneration

TTL_S = 60.0  # a backstop only: the counter is what keeps answers current
CAPACITY = 10_000  # answers kept per process; a full cache starts over


@dataclass(frozen=True, slots=True)
class _Kept:
    row: tuple[Any, ...]
    generation: int
    until: float


class TokenCache:
    """Live tokens' lookup rows by token hash, valid for one value of the account counter."""

    def __init__(self, generation: AccountGeneration, *, ttl_s: float = TTL_S) -> None:
        self.generation = generation
        self.ttl_s = ttl_s
        self.kept: dict[str, _Kept] = {}

    def stamp(self) -> int | None:
        """Read the counter before a lookup: None while an account write may be in flight."""
        value = self.generation.read()
        return None if value % 2 else value

    def get(self, token_hash: str, stamp: int | None) -> tuple[Any, ...] | None:
        """Return the kept row of a token if it is still current at stamp, else None."""
        if stamp is None:
            return None
        kept = self.kept.get(token_hash)
        if kept is None or kept.generation != stamp or time.monotonic() >= kept.until:
            return None
        return kept.row

    def put(self, token_hash: str, row: tuple[Any, ...], stamp: int | None) -> None:
        """Keep a row looked up after stamp was read (nothing is kept without a stamp)."""
        if stamp is None:
            return
        if len(self.kept) >= CAPACITY:
            self.kept = {}
        self.kept[token_hash] = _Kept(row, stamp, time.monotonic() + self.ttl_s)


_CACHES: weakref.WeakKeyDictionary[Engine, TokenCache] = weakref.WeakKeyDictionary()


def keep_token_lookups(engine: Engine, generation: AccountGeneration) -> TokenCache:
    """Give a SQLite engine on a file its token cache, kept current by generation."""
    cache = _CACHES[engine] = TokenCache(generation)
    return cache


def token_cache(engine: Engine) -> TokenCache | None:
    """Return the token cache of an engine (None where its database keeps no counter)."""
    return _CACHES.get(engine)
