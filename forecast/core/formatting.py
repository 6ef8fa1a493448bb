"""Numbers and counts as people read them: pure text, for pages and the command line alike."""

from __future__ import annotations


def percent(value: float | None, digits: int = 1) -> str:
    """Format a probability as a percentage."""
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}%"


def signed(value: float | None, digits: int = 1) -> str:
    """Format a score with its sign ('+12.3', '-4.0'); zero reads '0.0', never '+0.0' or '-0.0'."""
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def number(value: float | None, digits: int = 2) -> str:
    """Format a number: separators from a thousand on, words from a million ('2.9 million')."""
    if value is None:
        return "—"
    size = abs(value)
    if size >= 1e12:
        return f"{value:.3g}"
    for word, unit in (("billion", 1e9), ("million", 1e6)):
        if size >= unit:
            return f"{value / unit:,.{1 if size < 100 * unit else 0}f} {word}"
    if size >= 1e3:
        return f"{value:,.0f}"
    text = f"{value:.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text


def plural(count: int, word: str, many: str | None = None) -> str:
    """Say how many of something: '1 question', '2 questions', '1,204 questions'."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
