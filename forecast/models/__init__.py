"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from forecast.models.boundaries import (
    Boundary,
    BoundaryEvaluation,
    BoundaryEvent,
    BoundaryStatus,
    BoundaryVersion,
)
from forecast.models.calibration import (
    CalibrationAnswer,
    CalibrationItem,
    CalibrationSession,
    CalibrationSet,
)
from forecast.models.comments import Comment, CommentKind, CommentModeration, QuestionFollow
from forecast.models.conditionals import Branch, Conditional
from forecast.models.forecasts import Forecast
from forecast.models.notifications import (
    DeliveryAttempt,
    NotificationSettings,
    OutboxMessage,
)
from forecast.models.pastcasts import PastcastAnswer
from forecast.models.questions import (
    HIDDEN_STATUSES,
    REVIEW_STATUSES,
    SCHEDULED_STATUSES,
    Question,
    QuestionEvent,
    QuestionStatus,
    QuestionType,
    Tournament,
)
from forecast.models.reference_scores import ReferenceScore
from forecast.models.scheduler import SchedulerLease
from forecast.models.scores import AggregateCache, DataVersion, Score
from forecast.models.signposts import BoundarySignpost
from forecast.models.teams import Team, TeamMember, TeamRole
from forecast.models.trends import TrendSeries
from forecast.models.users import ApiToken, Notification, Role, User

__all__ = [
    "HIDDEN_STATUSES",
    "REVIEW_STATUSES",
    "SCHEDULED_STATUSES",
    "AggregateCache",
    "ApiToken",
    "Boundary",
    "BoundaryEvaluation",
    "BoundaryEvent",
    "BoundarySignpost",
    "BoundaryStatus",
    "BoundaryVersion",
    "Branch",
    "CalibrationAnswer",
    "CalibrationItem",
    "CalibrationSession",
    "CalibrationSet",
    "Comment",
    "CommentKind",
    "CommentModeration",
    "Conditional",
    "DataVersion",
    "DeliveryAttempt",
    "Forecast",
    "Notification",
    "NotificationSettings",
    "OutboxMessage",
    "PastcastAnswer",
    "Question",
    "QuestionEvent",
    "QuestionFollow",
    "QuestionStatus",
    "QuestionType",
    "ReferenceScore",
    "Role",
    "SchedulerLease",
    "Score",
    "Team",
    "TeamMember",
    "TeamRole",
    "Tournament",
    "TrendSeries",
    "User",
]
