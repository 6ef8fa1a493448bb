"""Pastcasting in calibration training.

A pastcast is a resolved platform question shown as of a past vantage date with only what
was known then: the title, description and resolution criteria, the community prediction at
the vantage instant (under the same visibility rules as the live question) and the number of
forecasters by then. The person answers as a training item is answered and is graded exactly
like one: a yes/no question with a probability (a true/false item, Brier), a numeric or date
question with a 90% interval (an interval item: a hit and the interval score; interval.py).
The reveal then shows the outcome, the community prediction at the vantage date and at close,
and the person's score against the community's then, scored the same way.
"""
