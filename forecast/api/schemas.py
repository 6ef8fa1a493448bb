"""Marshmallow schemas: what the API accepts and returns (they generate the OpenAPI document)."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from forecast.api.json_fields import JsonNumber
from forecast.services.forecasts import MAX_RATIONALE
from forecast.services.paging import MAX_PAGE

QUESTION_TYPES = ("binary", "numeric", "date")
STATUSES = (
    "draft",
    "pending",
    "returned",
    "rejected",
    "upcoming",
    "open",
    "closed",
    "resolved",
    "annulled",
)
ISO = {"format": "date-time", "description": "ISO 8601 UTC timestamp"}
NUMBER_OR_ISO = {
    "description": "a number, or an ISO 8601 timestamp on date questions",
    "oneOf": [{"type": "number"}, {"type": "string", "format": "date-time"}],
}


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class ErrorDetail(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    field = fields.String(allow_none=True)


class ApiErrorSchema(Schema):
    error = fields.Nested(ErrorDetail, required=True)


class Credentials(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    label = fields.String(validate=validate.Length(max=100))


class UserOut(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    created_at = fields.String(required=True, metadata=ISO)


class TokenOut(Schema):
    token = fields.String(required=True)
    username = fields.String(required=True)


class PageArgs(Schema):
    """Which page of a list to answer; unknown query arguments are ignored."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))


class TokenInfo(Schema):
    id = fields.Integer(required=True)
    label = fields.String(required=True)
    hint = fields.String(
        required=True,
        metadata={"description": "the secret's last four characters; empty for older tokens"},
    )
    created_at = fields.String(required=True, metadata=ISO)
    revoked_at = fields.String(allow_none=True, required=True, metadata=ISO)
    current = fields.Boolean(
        required=True, metadata={"description": "the token this request was sent with"}
    )


class PageOut(Schema):
    """The numbering every paged list carries beside its items."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class TokenPage(PageOut):
    items = fields.List(fields.Nested(TokenInfo), required=True)


class RevokedOut(Schema):
    revoked = fields.Integer(required=True, metadata={"description": "how many were live"})


class HealthOut(Schema):
    status = fields.String(required=True)


class RangeSchema(StrictSchema):
    min = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    max = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    open_lower = fields.Boolean(load_default=False)
    open_upper = fields.Boolean(load_default=False)
    zero_point = JsonNumber(allow_none=True, allow_nan=False, load_default=None)


class QuestionIn(StrictSchema):
    key = fields.String(validate=validate.Length(min=1, max=100))
    tournament = fields.String(allow_none=True, validate=validate.Length(max=80))
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20_000))
    resolution_criteria = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    source = fields.String(allow_none=True, validate=validate.Length(max=2_000))
    open_time = fields.String(required=True, metadata=ISO)
    close_time = fields.String(required=True, metadata=ISO)
    resolve_time = fields.String(metadata=ISO)
    range = fields.Nested(RangeSchema, allow_none=True, load_default=None)
    resolution = fields.Constant(None, metadata={"description": "must be null when creating"})
    hide_aggregate_until_forecast = fields.Boolean(
        metadata={"description": "hide the community prediction until the viewer forecasts"}
    )
    aggregate_reveal_time = fields.String(
        allow_none=True, metadata={**ISO, "description": "hide the community prediction until"}
    )
    aggregate_open_to_leaders = fields.Boolean(
        metadata={
            "description": "leaders see the community prediction while it is hidden from "
            "forecasters (said on the question's page)"
        }
    )


class ReviewIn(StrictSchema):
    decision = fields.String(
        required=True, validate=validate.OneOf(("approve", "return", "reject"))
    )
    comment = fields.String(allow_none=True, validate=validate.Length(max=5_000))
    tournament = fields.String(allow_none=True, validate=validate.Length(max=80))
    changes = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        metadata={"description": "edited question fields, applied on approval"},
    )


class RangeOut(Schema):
    min = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    max = fields.Raw(required=True, metadata=NUMBER_OR_ISO)
    open_lower = fields.Boolean(required=True)
    open_upper = fields.Boolean(required=True)
    zero_point = fields.Float(allow_none=True)


class ResolutionOut(Schema):
    class Meta:
        unknown = EXCLUDE

    outcome = fields.String()
    value = fields.Float()
    date = fields.String(metadata=ISO)
    resolved_at = fields.String(required=True, metadata=ISO)


METHODS = ("recency_weighted", "unweighted", "mean", "geo_mean_odds", "extremized", "track_record")


class AggregateOut(Schema):
    method = fields.String(required=True)
    probability = fields.Float(allow_none=True)
    cdf = fields.List(fields.Float(), allow_none=True)
    forecaster_count = fields.Integer(required=True)
    at = fields.String(required=True, metadata=ISO)
    interval = fields.List(
        fields.Raw(),
        allow_none=True,
        metadata={
            "description": "bootstrap 90% interval [low, high] (pointwise CDFs when continuous)"
        },
    )
    x = fields.Float()
    p_below = fields.Float(metadata={"description": "P(X <= x)"})
    p_above = fields.Float(metadata={"description": "P(X >= x)"})
    p_before = fields.Float(metadata={"description": "P(event before the given date)"})
    p_below_interval = fields.List(fields.Float())
    p_above_interval = fields.List(fields.Float())


class AggregateArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    method = fields.String(validate=validate.OneOf(METHODS))
    at = fields.String(metadata=ISO)
    x = fields.String(
        metadata={
            "description": "numeric questions: a number; date questions: an ISO 8601 date. "
            "Adds x, p_below = P(X <= x) and p_above = P(X >= x). Binary questions: a 422"
        }
    )
    before = fields.String(
        metadata={
            **ISO,
            "description": "date questions only (numeric questions take x; both others a 422): "
            "an ISO 8601 date; adds p_before = P(the event happens before it)",
        }
    )


class HistoryArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    method = fields.String(validate=validate.OneOf(METHODS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000_000))
    per_page = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=10_000))


class HistoryEntry(Schema):
    start = fields.String(required=True, metadata=ISO)
    end = fields.String(allow_none=True, required=True, metadata=ISO)
    forecaster_count = fields.Integer(required=True)
    probability = fields.Float(allow_none=True)
    cdf = fields.List(fields.Float(), allow_none=True)


class HistoryPage(PageOut):
    items = fields.List(fields.Nested(HistoryEntry), required=True)
    method = fields.String(required=True)


class CommunityOut(Schema):
    method = fields.String(required=True)
    forecaster_count = fields.Integer(required=True)
    probability = fields.Float(allow_none=True, metadata={"description": "binary questions"})
    median = fields.Raw(
        allow_none=True,
        metadata={"description": "continuous questions: a number, or an ISO date on date ones"},
    )
    quartiles = fields.List(
        fields.Raw(),
        allow_none=True,
        metadata={"description": "continuous questions: the 25th and 75th percentiles"},
    )


class QuestionOut(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True)
    title = fields.String(required=True)
    tournament = fields.String(allow_none=True, required=True)
    description = fields.String(required=True)
    resolution_criteria = fields.String(required=True)
    source = fields.String(allow_none=True)
    open_time = fields.String(required=True, metadata=ISO)
    close_time = fields.String(required=True, metadata=ISO)
    resolve_time = fields.String(required=True, metadata=ISO)
    range = fields.Nested(RangeOut, allow_none=True)
    resolution = fields.Nested(ResolutionOut, allow_none=True)
    proposer = fields.String(allow_none=True)
    review_comment = fields.String(allow_none=True)
    forecaster_count = fields.Integer()
    aggregate = fields.Nested(AggregateOut, allow_none=True)
    community = fields.Nested(
        CommunityOut,
        allow_none=True,
        metadata={"description": "in lists: the community prediction now (null while hidden)"},
    )
    hide_aggregate_until_forecast = fields.Boolean()
    aggregate_reveal_time = fields.String(allow_none=True, metadata=ISO)
    aggregate_open_to_leaders = fields.Boolean()


class QuestionListArgs(PageArgs):
    tournament = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    search = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "words in the title or key, in any case"},
    )
    mine = fields.String(
        validate=validate.OneOf(("with", "without")),
        metadata={"description": "questions you do (with) or do not (without) forecast on now"},
    )
    sort = fields.String(
        validate=validate.OneOf(("close", "newest", "forecasters", "title")),
        metadata={"description": "close (default): open first, closing soonest"},
    )


class QuestionPage(PageOut):
    items = fields.List(fields.Nested(QuestionOut), required=True)


class ForecastIn(StrictSchema):
    probability = JsonNumber(allow_nan=False, metadata={"minimum": 0.001, "maximum": 0.999})
    cdf = fields.List(JsonNumber(allow_nan=False), validate=validate.Length(equal=201))
    quantiles = fields.List(
        fields.List(fields.Raw(metadata=NUMBER_OR_ISO), validate=validate.Length(equal=2)),
        validate=validate.Length(min=3, max=50),
        metadata={"description": "[[probability level, value], ...]; at least 3 pairs"},
    )
    rationale = fields.String(allow_none=True, validate=validate.Length(max=MAX_RATIONALE))


class ForecastOut(Schema):
    id = fields.Integer(required=True)
    question = fields.String(required=True)
    user = fields.String(required=True)
    time = fields.String(required=True, metadata=ISO)
    end_time = fields.String(allow_none=True, metadata=ISO)
    probability = fields.Float(allow_none=True)
    cdf = fields.List(fields.Float(), allow_none=True)
    rationale = fields.String(allow_none=True)


class ForecastList(Schema):
    items = fields.List(fields.Nested(ForecastOut), required=True)


class PreviewIn(StrictSchema):
    quantiles = fields.List(
        fields.List(fields.Raw(metadata=NUMBER_OR_ISO), validate=validate.Length(equal=2)),
        required=True,
        validate=validate.Length(min=3, max=50),
    )


class PreviewOut(Schema):
    cdf = fields.List(fields.Float(), required=True)
    x = fields.List(fields.Float(), required=True)
    density = fields.List(fields.Float(), required=True)


EVENT_DOC = {
    "description": 'binary: {"kind": "yes"}; date: {"kind": "before", "date": ISO} or '
    '{"kind": "within", "years": N}; numeric: {"kind": "at_least"|"at_most", "value": x}'
}


HYSTERESIS_DOC = {
    "description": "the band (in probability) the aggregate must clear to turn back; left "
    "out: 0.02, narrowed to a quarter of the threshold's distance from 0 or 1"
}
MIN_FORECASTERS_DOC = {
    "description": "the state changes only while at least this many forecasters stand on the "
    "question (default 1)"
}


class BoundaryFields(StrictSchema):
    question = fields.Raw(required=True, metadata={"description": "question id or key"})
    action = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    event = fields.Dict(required=True, metadata=EVENT_DOC)
    comparator = fields.String(load_default=">=", validate=validate.OneOf((">=", "<=")))
    threshold = JsonNumber(
        required=True,
        allow_nan=False,
        # OpenAPI 3.0: the exclusive bounds are flags on minimum and maximum.
        metadata={"minimum": 0, "maximum": 1, "exclusiveMinimum": True, "exclusiveMaximum": True},
    )
    method = fields.String(validate=validate.OneOf(METHODS))
    rationale = fields.String(allow_none=True, validate=validate.Length(max=5000))
    blind = fields.Boolean()
    shared = fields.Boolean()
    hysteresis = JsonNumber(
        allow_nan=False, validate=validate.Range(min=0, max=0.5), metadata=HYSTERESIS_DOC
    )
    min_forecasters = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=1000), metadata=MIN_FORECASTERS_DOC
    )
    ladder = fields.String(allow_none=True, validate=validate.Length(max=100))
    key = fields.String(validate=validate.Length(min=1, max=100))


class BoundaryIn(BoundaryFields):
    pass


class BoundaryPatch(StrictSchema):
    action = fields.String(validate=validate.Length(min=1, max=5000))
    event = fields.Dict(metadata=EVENT_DOC)
    comparator = fields.String(validate=validate.OneOf((">=", "<=")))
    threshold = JsonNumber(allow_nan=False)
    method = fields.String(validate=validate.OneOf(METHODS))
    rationale = fields.String(allow_none=True, validate=validate.Length(max=5000))
    blind = fields.Boolean()
    shared = fields.Boolean()
    hysteresis = JsonNumber(
        allow_nan=False, validate=validate.Range(min=0, max=0.5), metadata=HYSTERESIS_DOC
    )
    min_forecasters = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=1000), metadata=MIN_FORECASTERS_DOC
    )


class RevisionIn(BoundaryPatch):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class LadderStep(StrictSchema):
    threshold = JsonNumber(required=True, allow_nan=False)
    action = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    rationale = fields.String(allow_none=True, validate=validate.Length(max=5000))


class LadderIn(StrictSchema):
    question = fields.Raw(required=True, metadata={"description": "question id or key"})
    event = fields.Dict(required=True, metadata=EVENT_DOC)
    comparator = fields.String(load_default=">=", validate=validate.OneOf((">=", "<=")))
    method = fields.String(validate=validate.OneOf(METHODS))
    blind = fields.Boolean()
    shared = fields.Boolean()
    hysteresis = JsonNumber(
        allow_nan=False, validate=validate.Range(min=0, max=0.5), metadata=HYSTERESIS_DOC
    )
    min_forecasters = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=1000), metadata=MIN_FORECASTERS_DOC
    )
    ladder = fields.String(allow_none=True, validate=validate.Length(max=100))
    steps = fields.List(
        fields.Nested(LadderStep), required=True, validate=validate.Length(min=1, max=12)
    )


class BoundaryVersionOut(Schema):
    version = fields.Integer(required=True)
    action = fields.String(required=True)
    event = fields.Dict(required=True)
    comparator = fields.String(required=True)
    threshold = fields.Float(required=True)
    method = fields.String(required=True)
    rationale = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    committed_at = fields.String(allow_none=True, metadata=ISO)
    hash = fields.String(allow_none=True)


class BoundaryOut(BoundaryVersionOut):
    id = fields.Integer(required=True)
    key = fields.String(allow_none=True)
    status = fields.String(required=True)
    owner = fields.String(allow_none=True)
    question = fields.Dict(allow_none=True)
    ladder = fields.String(allow_none=True)
    shared = fields.Boolean()
    blind = fields.Boolean()
    hysteresis = fields.Float()
    min_forecasters = fields.Integer()
    created_at = fields.String(metadata=ISO)
    versions = fields.List(fields.Nested(BoundaryVersionOut))


class ReportArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    at = fields.String(metadata={**ISO, "description": "evaluate as of this past instant"})
    owner = fields.String()
    tournament = fields.String()
    verdict = fields.String(
        validate=validate.OneOf(("crossed", "not_crossed", "contested", "no_forecasts", "hidden"))
    )
    format = fields.String(validate=validate.OneOf(("json", "csv")))


class ReportOut(Schema):
    id = fields.Integer(required=True)
    version = fields.Integer()
    action = fields.String(required=True)
    ladder = fields.String(allow_none=True)
    question = fields.Dict(required=True)
    event = fields.Dict(required=True)
    comparator = fields.String(required=True)
    threshold = fields.Float(required=True)
    method = fields.String(required=True)
    probability = fields.Float(allow_none=True, required=True)
    hidden = fields.String(
        allow_none=True,
        metadata={
            "description": "why the aggregate and everything drawn from it are left out of "
            "this row (null when shown)"
        },
    )
    crossed = fields.Boolean(required=True, allow_none=True)
    margin = fields.Float(allow_none=True, metadata={"description": "percentage points past"})
    margin_log_odds = fields.Float(allow_none=True)
    verdict = fields.String(
        required=True,
        metadata={
            "description": "crossed, not_crossed, contested, no_forecasts, or hidden when the "
            "question's community prediction is hidden from you"
        },
    )
    by_method = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    methods_known = fields.Integer(metadata={"description": "methods with a value"})
    methods_crossed = fields.Integer(
        metadata={"description": "of methods_known, how many are past the threshold"}
    )
    interval = fields.List(fields.Float(), allow_none=True)
    forecaster_count = fields.Integer(required=True)
    first_crossed_at = fields.String(allow_none=True, metadata=ISO)
    events = fields.List(fields.Dict())
    outcome = fields.String(allow_none=True)
    at = fields.String(metadata=ISO)
    committed_at = fields.String(allow_none=True, metadata=ISO)
    version_committed_at = fields.String(allow_none=True, metadata=ISO)
    tournament = fields.String(allow_none=True)


class BoundaryEventOut(Schema):
    at = fields.String(required=True, metadata=ISO)
    state = fields.String(required=True)
    probability = fields.Float(allow_none=True)
    threshold = fields.Float(allow_none=True)
    version = fields.Integer(allow_none=True)


class BoundaryEventList(Schema):
    items = fields.List(fields.Nested(BoundaryEventOut), required=True)
    hidden = fields.String(
        allow_none=True,
        metadata={"description": "why no events are shown: the aggregate is hidden from you"},
    )


class ResolutionIn(StrictSchema):
    outcome = fields.String(
        validate=validate.OneOf(
            ("yes", "no", "annulled", "ambiguous", "below_lower_bound", "above_upper_bound")
        )
    )
    value = JsonNumber(allow_nan=False, metadata={"description": "numeric questions"})
    date = fields.String(metadata={**ISO, "description": "date questions"})
    resolved_at = fields.String(metadata={**ISO, "description": "default: now"})
    reason = fields.String(
        allow_none=True,
        validate=validate.Length(max=5000),
        metadata={"description": "required when re-resolving"},
    )


class ResolvedOut(QuestionOut):
    scores_written = fields.Integer(required=True)


class UnresolveIn(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ScoreOut(Schema):
    question = fields.String(required=True)
    user = fields.String(required=True)
    baseline = fields.Float(required=True, metadata={"description": "higher is better"})
    peer = fields.Float(required=True, metadata={"description": "higher is better"})
    coverage = fields.Float(required=True)
    brier = fields.Float(allow_none=True, metadata={"description": "binary; lower is better"})
    log = fields.Float(allow_none=True, metadata={"description": "binary; higher is better"})


class BoardArgs(PageArgs):
    format = fields.String(validate=validate.OneOf(("json", "csv")))


class BoardEntry(Schema):
    rank = fields.Integer(required=True)
    user = fields.String(required=True)
    demo = fields.Boolean()
    score = fields.Float(required=True)
    peer = fields.Float(metadata={"description": "global board: summed Peer"})
    coverage = fields.Float(required=True)
    questions = fields.Integer()
    take = fields.Float()
    share = fields.Float()
    prize = fields.Float()
    medal = fields.String(allow_none=True)


class BoardPage(PageOut):
    items = fields.List(fields.Nested(BoardEntry), required=True)


class TournamentBoardPage(BoardPage):
    tournament = fields.String(required=True)
    prize_pool = fields.Float(required=True)


CSV_DOC = {"content": {"text/csv": {"schema": {"type": "string"}}}}


class RecordArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    tournament = fields.String()
    from_ = fields.String(data_key="from", metadata=ISO)
    to = fields.String(metadata=ISO)


class CalibrationAnswerIn(StrictSchema):
    answer = fields.Boolean(metadata={"description": "true/false items"})
    confidence = JsonNumber(allow_nan=False, metadata={"minimum": 0.5, "maximum": 0.99})
    lower = JsonNumber(allow_nan=False, metadata={"description": "interval items"})
    upper = JsonNumber(allow_nan=False, metadata={"description": "interval items"})


class RecordScore(Schema):
    question = fields.String(required=True)
    title = fields.String(required=True)
    type = fields.String(required=True)
    resolved_at = fields.String(required=True, metadata=ISO)
    baseline = fields.Float(required=True)
    peer = fields.Float(required=True)
    coverage = fields.Float(required=True)
    brier = fields.Float(allow_none=True)
    log = fields.Float(allow_none=True)


class RecordPoint(Schema):
    at = fields.String(required=True, metadata=ISO)
    cumulative_peer = fields.Float(required=True)
    question = fields.String(metadata={"description": "the key of the question resolved then"})
    title = fields.String()
    peer = fields.Float(metadata={"description": "that question's own Peer score"})


class TrackRecordOut(Schema):
    user = fields.String(required=True)
    resolved_questions = fields.Integer(required=True)
    mean_baseline = fields.Float(allow_none=True, required=True)
    mean_peer = fields.Float(allow_none=True, required=True)
    mean_brier = fields.Float(allow_none=True, required=True)
    mean_log = fields.Float(allow_none=True, required=True)
    scores = fields.List(fields.Nested(RecordScore), required=True)
    over_time = fields.List(fields.Nested(RecordPoint), required=True)
    calibration = fields.List(fields.Dict(), required=True)
    murphy = fields.Dict(allow_none=True, required=True)


class CalibrationSetOut(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    items = fields.Integer(required=True)
    answered = fields.Integer(required=True)


class CalibrationSetCreated(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    created = fields.Boolean(required=True, metadata={"description": "false: already stored"})


class CalibrationItemOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    prompt = fields.String(required=True)
    unit = fields.String(allow_none=True, required=True)


class CalibrationResultOut(Schema):
    correct = fields.Boolean(required=True)
    truth = fields.Raw(
        required=True,
        metadata={
            "description": "true/false, or the number",
            "oneOf": [{"type": "boolean"}, {"type": "number"}],
        },
    )
    score = fields.Float(required=True)
    log_score = fields.Float(metadata={"description": "true/false items"})
    source = fields.String(required=True)
    unit = fields.String(allow_none=True, required=True)


class CertificateOut(Schema):
    binary_needed = fields.Integer(
        required=True, metadata={"description": "true/false answers to go"}
    )
    interval_needed = fields.Integer(required=True, metadata={"description": "90% intervals to go"})
    gap_points = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "mean confidence minus hit rate, in points (+: overconfident)"},
    )
    gap_ok = fields.Boolean(required=True)
    interval_hit_rate = fields.Float(allow_none=True, required=True)
    hit_rate_ok = fields.Boolean(required=True)
    binary_required = fields.Integer(required=True)
    interval_required = fields.Integer(required=True)
    gap_limit_points = fields.Float(required=True)
    hit_range = fields.List(fields.Float(), required=True)


class CalibrationSummaryOut(Schema):
    sessions = fields.List(fields.Dict(), required=True)
    answered = fields.Integer(required=True)
    binary = fields.Dict(required=True)
    interval = fields.Dict(required=True)
    certified = fields.Boolean(required=True)
    certificate = fields.Nested(
        CertificateOut, required=True, metadata={"description": "how far the badge is"}
    )


class TournamentIn(StrictSchema):
    slug = fields.String(required=True, metadata={"description": "1-80 of a-z, 0-9 and '-'"})
    title = fields.String(required=True)
    description = fields.String(load_default="")


class TournamentOut(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    prize_pool = fields.Float()
    question_count = fields.Integer(metadata={"description": "public questions"})
    questions = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "public questions by their status now"},
    )
    forecasters = fields.Integer(metadata={"description": "people with a standing forecast"})
    next_close = fields.String(allow_none=True, metadata=ISO)


class TournamentPage(PageOut):
    items = fields.List(fields.Nested(TournamentOut), required=True)
