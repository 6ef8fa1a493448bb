"""`python -m forecast.cli`: the forecast command."""

from forecast.cli import main

main()
