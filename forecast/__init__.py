"""forecast: forecasting tournaments with decision boundaries.

The app is built by forecast.app.create_app; importing this package imports nothing else.
"""
