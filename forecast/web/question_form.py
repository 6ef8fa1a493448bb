"""Translate the question form's flat fields to and from the interchange shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forecast.errors import ValidationFailed


def _number_or_text(raw: str) -> Any:
    raw = raw.strip()
    try:
        return float(raw.replace(",", "")) if raw else None
    except ValueError:
        return raw


def form_to_input(form: Mapping[str, str]) -> dict[str, Any]:
    """Build the interchange question mapping the service validates."""
    qtype = form.get("type", "binary")
    data: dict[str, Any] = {
        "type": qtype,
        "tournament": form.get("tournament") or None,
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "resolution_criteria": form.get("resolution_criteria", ""),
        "source": form.get("source") or None,
        "open_time": _time(form.get("open_time", "")),
        "close_time": _time(form.get("close_time", "")),
        "resolve_time": _time(form.get("resolve_time", "")) or None,
        "range": None,
        "options": None,
        "hide_aggregate_until_forecast": bool(form.get("hide_aggregate_until_forecast")),
        "aggregate_reveal_time": _time(form.get("aggregate_reveal_time", "")) or None,
        "aggregate_open_to_leaders": bool(form.get("aggregate_open_to_leaders")),
    }
    if qtype == "multiple_choice":
        lines = (form.get("options") or "").splitlines()
        data["options"] = [line.strip() for line in lines if line.strip()]
    if qtype in ("numeric", "date"):
        convert = (lambda v: _time(v)) if qtype == "date" else _number_or_text
        data["range"] = {
            "min": convert(form.get("range_min", "")),
            "max": convert(form.get("range_max", "")),
            "open_lower": bool(form.get("open_lower")),
            "open_upper": bool(form.get("open_upper")),
            "zero_point": _zero_point(form) if qtype == "numeric" else None,
        }
    return data


def _zero_point(form: Mapping[str, str]) -> Any:
    """Read the zero point of a log scale; ticking Log scale without one is refused, not ignored."""
    raw = (form.get("zero_point") or "").strip()
    if not form.get("log_scale"):
        return None
    if not raw:
        raise ValidationFailed(
            "A log scale needs a zero point: the value the scale counts ratios from, outside "
            "the range (often 0 for a quantity above 0). Give one, or untick Log scale "
            "for a linear scale",
            "range.zero_point",
        )
    return _number_or_text(raw)


def _time(raw: str) -> str:
    """Read a datetime-local or date input as UTC ISO 8601."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if len(raw) == 10:
        return f"{raw}T00:00:00Z"
    if len(raw) == 16:
        return f"{raw}:00Z"
    return raw


def question_to_form(data: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten an interchange question into the form's fields."""
    form = {
        k: data.get(k) or ""
        for k in ("type", "tournament", "title", "description", "resolution_criteria", "source")
    }
    for name in ("open_time", "close_time", "resolve_time", "aggregate_reveal_time"):
        value = str(data.get(name) or "")
        form[name] = value[:16]
    for name in ("hide_aggregate_until_forecast", "aggregate_open_to_leaders"):
        form[name] = "on" if data.get(name) else ""
    form["options"] = "\n".join(str(label) for label in data.get("options") or [])
    r = data.get("range") or {}
    if r:
        for name in ("min", "max"):
            bound = str(r.get(name))
            form[f"range_{name}"] = bound[:10] if data.get("type") == "date" else bound
        form["open_lower"] = "on" if r.get("open_lower") else ""
        form["open_upper"] = "on" if r.get("open_upper") else ""
        if r.get("zero_point") is not None:
            form["log_scale"] = "on"
            form["zero_point"] = str(r["zero_point"])
    return form
