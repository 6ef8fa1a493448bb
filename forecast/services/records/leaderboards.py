"""Leaderboards: per tournament (Peer sums, prize shares, medals) and global (Peer per coverage)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from forecast.core.leaderboard import global_leaderboard, tournament_leaderboard
from forecast.models import Question, Score, User
from forecast.services.records.reference_board import reference_rows
from forecast.services.tournaments.catalog import find_tournament


def _usernames(session: Session, ids: list[int]) -> dict[int, tuple[str, bool]]:
    if not ids:
        return {}
    rows = session.execute(
        sa_select(col(User.id), col(User.username), col(User.is_demo)).where(col(User.id).in_(ids))
    ).all()
    return {uid: (name, demo) for uid, name, demo in rows}


def tournament_board(*, session: Session, slug: str, viewer: User | None = None) -> dict[str, Any]:
    """Return a tournament's ranked entries with Peer sum, coverage, take, share and medal
    (a team's tournament: for its members only), and apart from them the trend line's
    unranked `reference` row."""
    tournament = find_tournament(session, slug, viewer)
    reference = reference_rows(session, tournament, viewer)
    rows = session.execute(
        sa_select(col(Score.user_id), col(Score.peer), col(Score.coverage), col(Question.weight))
        .join(Question, col(Question.id) == col(Score.question_id))
        .where(
            col(Question.tournament_id) == tournament.id,
            col(Question.team_id) == tournament.team_id,
        )
    ).all()
    if not rows:
        return {
            "tournament": slug,
            "title": tournament.title,
            "prize_pool": tournament.prize_pool,
            "entries": [],
            "reference": reference,
        }
    user, peer, coverage, weight = (np.array(column) for column in zip(*rows, strict=True))
    questions = np.bincount(user.astype(np.int64))
    board = tournament_leaderboard(user, peer, coverage, weight)
    names = _usernames(session, board.user.tolist())
    entries = [
        {
            "rank": int(rank),
            "user": names[int(uid)][0],
            "demo": names[int(uid)][1],
            "score": float(score),
            "coverage": float(cov),
            "questions": int(questions[int(uid)]),
            "take": float(take),
            "share": float(share),
            "prize": float(share) * tournament.prize_pool,
            "medal": str(medal) or None,
        }
        for uid, score, cov, rank, take, share, medal in zip(
            board.user.tolist(),
            board.score.tolist(),
            board.coverage.tolist(),
            board.rank.tolist(),
            board.take.tolist(),
            board.share.tolist(),
            board.medal.tolist(),
            strict=True,
        )
    ]
    return {
        "tournament": slug,
        "title": tournament.title,
        "prize_pool": tournament.prize_pool,
        "entries": entries,
        "reference": reference,
    }


def global_board(*, session: Session) -> list[dict[str, Any]]:
    """Return everyone ranked by summed Peer divided by max(30, summed coverage).

    Public: only questions outside any team count, for every viewer alike (a team's questions
    are scored on its own tournaments' boards).
    """
    rows = session.execute(
        sa_select(col(Score.user_id), col(Score.peer), col(Score.coverage))
        .join(Question, col(Question.id) == col(Score.question_id))
        .where(col(Question.team_id).is_(None))
    ).all()
    if not rows:
        return []
    user, peer, coverage = (np.array(column) for column in zip(*rows, strict=True))
    board = global_leaderboard(user, peer, coverage)
    names = _usernames(session, board.user.tolist())
    return [
        {
            "rank": int(rank),
            "user": names[int(uid)][0],
            "demo": names[int(uid)][1],
            "score": float(score),
            "peer": float(total),
            "coverage": float(cov),
        }
        for uid, total, cov, score, rank in zip(
            board.user.tolist(),
            board.peer.tolist(),
            board.coverage.tolist(),
            board.score.tolist(),
            board.rank.tolist(),
            strict=True,
        )
    ]
