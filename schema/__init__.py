"""All models, by aggregate; importing this package registers every table on FAB's metadata."""

from .archive import ArchiveItem, ArchiveRequirement, ArchiveVolume, DestructionRecord
from .auth import CasTicket, LoginThrottle, SsoGroupRole, UserSession
from .base import Model
from .document import Document, DocumentTemplate
from .feedback import FeedbackItem, MeetingAttendee, ReboundCheck
from .fieldwork import Clue, CustodyEvent, DeepDive, ImmediateFix, Material, Petition, Talk, UrgentReport, Visit
from .history import ChangeLog, ReadLog, StatusEvent
from .inspection import (
    Announcement,
    Briefing,
    Inspection,
    Meeting,
    NewsRelease,
    Speech,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    WorkPlan,
)
from .jobs import Job
from .org import Person, Unit
from .plan import AnnualPlan, LeaderNomination, PlanApproval, Round, Team, TeamMember
from .rectification import Rectification, RectificationItem, Supervision
from .report import Feedback, FeedbackSignature, Finding, InspectionReport, Recommendation, TalkReport
from .rules import (
    CalendarDay,
    CodeRule,
    Deadline,
    DeadlineInput,
    DeadlineRule,
    Notification,
    ReferenceStamp,
    StatusTransition,
)
from .screens import ScreenSetting
from .search import SearchEntry
from .statistics import Bulletin, RepeatRule, RepeatSubmission
from .transfer import ClueExhibit, RoutingRule, Submission, Transfer

__all__ = [
    "Model", "Unit", "Person", "AnnualPlan", "PlanApproval", "LeaderNomination", "Round", "Team", "TeamMember",
    "Inspection", "Briefing", "WorkPlan", "Announcement", "NewsRelease", "Speech", "Meeting", "Survey",
    "SurveyQuestion", "SurveyResponse", "SurveyAnswer", "Petition", "Clue", "Talk", "Material", "CustodyEvent",
    "Visit", "DeepDive", "UrgentReport", "ImmediateFix", "Finding", "Recommendation", "InspectionReport",
    "TalkReport", "Feedback", "FeedbackSignature", "Rectification", "RectificationItem", "Supervision",
    "RoutingRule", "ClueExhibit", "Transfer", "Submission", "ArchiveVolume", "ArchiveItem", "ArchiveRequirement", "DestructionRecord",
    "CalendarDay", "CodeRule", "DeadlineRule", "ReferenceStamp", "Deadline", "DeadlineInput", "Notification",
    "DocumentTemplate",
    "Document", "StatusEvent", "StatusTransition", "ChangeLog", "ReadLog", "UserSession", "LoginThrottle",
    "SsoGroupRole", "CasTicket", "Job",
    "FeedbackItem", "MeetingAttendee", "ReboundCheck", "Bulletin", "RepeatRule", "RepeatSubmission", "ScreenSetting",
    "SearchEntry",
]
