"""Medals and prize shares by the Metaculus rule, computed by hand for small boards."""

from __future__ import annotations

from forecast.core import scoring


def board_medals(scores: list[float]) -> list[str]:
    """Return the medals of users 0..n-1 with these summed scores, in rank order."""
    n = len(scores)
    return scoring.tournament_leaderboard(list(range(n)), scores, [1.0] * n).medal.tolist()


def test_a_board_of_50_has_one_gold_one_silver_and_one_bronze() -> None:
    # 1% of 50 rounds up to 1, 2% to 1 and 5% to 3: the floors (1, 2, 3) give silver its rank.
    medals = board_medals([float(50 - k) for k in range(50)])
    assert medals[:4] == ["gold", "silver", "bronze", ""]
    assert medals.count("") == 47


def test_a_small_board_gives_silver_to_the_second_and_nothing_to_a_negative_score() -> None:
    assert board_medals([3.0, 1.0, -2.0]) == ["gold", "silver", ""]


def test_a_cancelling_sum_is_zero_and_wins_neither_a_medal_nor_the_prize() -> None:
    # Peer scores of a question sum to zero; 0.1 + 0.2 - 0.3 leaves 5.6e-17 in floating point.
    board = scoring.tournament_leaderboard(
        user=[1, 1, 1, 2, 2, 2],
        score=[0.1, 0.2, -0.3, -0.1, -0.2, 0.3],
        coverage=[1.0] * 6,
    )
    assert board.score.tolist() == [0.0, 0.0]
    assert board.rank.tolist() == [1, 1]
    assert board.share.tolist() == [0.0, 0.0]
    assert board.medal.tolist() == ["", ""]
