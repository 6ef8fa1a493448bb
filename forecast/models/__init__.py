"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from forecast.models.forecasts import Forecast
from forecast.models.questions import (
    REVIEW_STATUSES,
    SCHEDULED_STATUSES,
    Question,
    QuestionEvent,
    QuestionStatus,
    QuestionType,
    Tournament,
)
from forecast.models.users import ApiToken, Notification, Role, User

__all__ = [
    "REVIEW_STATUSES",
    "SCHEDULED_STATUSES",
    "ApiToken",
    "Forecast",
    "Notification",
    "Question",
    "QuestionEvent",
    "QuestionStatus",
    "QuestionType",
    "Role",
    "Tournament",
    "User",
]
