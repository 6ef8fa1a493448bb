"""The readiness check: may a load balancer send this process requests?"""

from __future__ import annotations

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from forecast.api.schemas.readiness import ReadyOut
from forecast.infra.db import get_engine
from forecast.infra.readiness import check

bp = Blueprint("api_readiness", __name__, url_prefix="/api/v1", description="Operations")


@bp.route("/ready")
class Ready(MethodView):
    @bp.response(200, ReadyOut)
    @bp.alt_response(503, schema=ReadyOut, description="Not ready: `problems` says why")
    def get(self) -> Response:
        """Tell whether the database answers and is at the migration head (else 503 and why)."""
        result = check(get_engine())
        response = jsonify(result.as_json())
        response.status_code = 200 if result.ready else 503
        response.headers["Cache-Control"] = "no-store"
        return response
