"""All models, by aggregate; importing this package registers every table on FAB's metadata."""

from .base import Model
from .org import Person, Unit
from .plan import AnnualPlan, LeaderNomination, PlanApproval, Round, Team, TeamMember
from .inspection import (
    Announcement, Briefing, Inspection, Meeting, NewsRelease, Speech, Survey, SurveyAnswer,
    SurveyQuestion, SurveyResponse, WorkPlan,
)
from .fieldwork import Clue, CustodyEvent, DeepDive, ImmediateFix, Material, Petition, Talk, UrgentReport, Visit
from .report import Feedback, FeedbackSignature, Finding, InspectionReport, Recommendation, TalkReport
from .rectification import Rectification, RectificationItem, Supervision
from .transfer import RoutingRule, Submission, Transfer
from .archive import ArchiveItem, ArchiveVolume, DestructionRecord
from .rules import CalendarDay, Deadline, DeadlineRule, Notification
from .document import Document, DocumentTemplate
from .history import StatusEvent
from .auth import UserSession

__all__ = [
    "Model", "Unit", "Person", "AnnualPlan", "PlanApproval", "LeaderNomination", "Round", "Team", "TeamMember",
    "Inspection", "Briefing", "WorkPlan", "Announcement", "NewsRelease", "Speech", "Meeting", "Survey",
    "SurveyQuestion", "SurveyResponse", "SurveyAnswer", "Petition", "Clue", "Talk", "Material", "CustodyEvent",
    "Visit", "DeepDive", "UrgentReport", "ImmediateFix", "Finding", "Recommendation", "InspectionReport",
    "TalkReport", "Feedback", "FeedbackSignature", "Rectification", "RectificationItem", "Supervision",
    "RoutingRule", "Transfer", "Submission", "ArchiveVolume", "ArchiveItem", "DestructionRecord",
    "CalendarDay", "DeadlineRule", "Deadline", "Notification", "DocumentTemplate", "Document", "StatusEvent",
    "UserSession",
]
