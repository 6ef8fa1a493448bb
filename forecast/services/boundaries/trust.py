"""The track-record reads of whose forecasts to trust now live in `forecast.services.methods.trust`
(what the "best at your threshold" method stands on); this name stays for the pages that still
import it from here until they read it from there."""

from forecast.services.methods.trust import murphy_diagram, panel, skills

__all__ = ["murphy_diagram", "panel", "skills"]
