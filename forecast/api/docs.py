"""GET /api/v1/docs: the interactive API documentation, served by the app itself.

Swagger UI comes from the `swagger-ui-bundle` package (Apache-2.0; its licence travels with the
package), so the page loads nothing from outside and keeps the app's Content-Security-Policy:
no inline script (the page's setup is forecast/static/api-docs.js) and no inline style.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")

# The files the page uses; everything else in the package (its own index page, source maps)
# is not served.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js"})
ASSET_MAX_AGE_S = 24 * 3600


@bp.get("")
def page() -> str:
    """Show the interactive documentation of the API."""
    return render_template("api/docs.html")


@bp.get("/assets/<name>")
def asset(name: str) -> Response:
    """Serve one of Swagger UI's files from the installed package."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=ASSET_MAX_AGE_S)
