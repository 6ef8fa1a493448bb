"""Pastcasting in calibration training.

A pastcast is a resolved platform question shown as of a past vantage date with only what
was known then: the title, description and resolution criteria, the community prediction at
the vantage instant (under the same visibility rules as the live question) and the number of
forecasters by then. The person answers with a probability (binary questions) and is graded
exactly like a training item; the reveal then shows the outcome, the community prediction at
the vantage date and at close, and their Brier score against the community's.
"""
