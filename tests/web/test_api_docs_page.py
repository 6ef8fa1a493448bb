"""GET /api/v1/docs: the interactive documentation, served from the app within its CSP."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_the_docs_page_loads_its_assets_from_the_app_only(client: FlaskClient) -> None:
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200
    assert answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    # No inline script or style: the policy allows neither.
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "<style" not in html and "style=" not in html
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.get_data()) > 100, source
        asset.close()


def test_only_the_pages_assets_are_served(client: FlaskClient) -> None:
    served = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert served.status_code == 200
    served.close()
    for name in ("index.html", "swagger-initializer.js", "..%2Fswagger-ui.js", "nothing.js"):
        assert client.get(f"/api/v1/docs/assets/{name}").status_code == 404, name
