"""Every page names its icon, and the icon is served: no 404 for /favicon.ico."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_pages_link_an_icon_that_is_served(client: FlaskClient) -> None:
    page = client.get("/").data.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    for path in ("/static/favicon.svg", "/favicon.ico"):
        icon = client.get(path)
        try:
            assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
            assert icon.data.startswith(b"<svg")
        finally:
            icon.close()
