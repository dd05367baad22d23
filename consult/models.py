"""Every model, imported in one place for Alembic and the test schema."""

from consult.accounts.models import ApiToken, Participant, User
from consult.comments.models import Comment, CommentRevision, Endorsement, Flag
from consult.core.audit import AuditEntry
from consult.core.idempotency import IdempotencyKey
from consult.hearings.models import (
    Hearing,
    HearingAttendee,
    hearing_facilitators,
    hearing_sections,
)
from consult.invitations.models import (
    Invitation,
    Invitee,
    StakeholderBody,
    Submission,
    SubmissionAttachment,
    SubmissionPoint,
)
from consult.moderation.models import (
    CampaignBand,
    CampaignGroup,
    CampaignSignature,
    CommentDisposition,
    CommentTheme,
    FeaturedQuote,
    ModerationAction,
    ModeratorNote,
    SectionResponse,
    Theme,
    ThemeDisposition,
)
from consult.policy.models import Objective, Policy, Quotation, Section, TextRevision
from consult.reports.models import ReportSnapshot
from consult.surveys.models import (
    Answer,
    Question,
    Survey,
    SurveyResponse,
    SurveyResponseRevision,
    SurveyRevision,
)

__all__ = [
    "Answer",
    "Question",
    "Survey",
    "SurveyResponse",
    "SurveyResponseRevision",
    "SurveyRevision",
    "ApiToken",
    "AuditEntry",
    "CampaignBand",
    "CampaignGroup",
    "CampaignSignature",
    "Comment",
    "CommentRevision",
    "Endorsement",
    "Flag",
    "IdempotencyKey",
    "Hearing",
    "HearingAttendee",
    "hearing_facilitators",
    "hearing_sections",
    "Invitation",
    "Invitee",
    "StakeholderBody",
    "Submission",
    "SubmissionAttachment",
    "SubmissionPoint",
    "CommentTheme",
    "FeaturedQuote",
    "ModerationAction",
    "ModeratorNote",
    "Theme",
    "ThemeDisposition",
    "CommentDisposition",
    "SectionResponse",
    "ReportSnapshot",
    "Objective",
    "Participant",
    "Policy",
    "Quotation",
    "Section",
    "TextRevision",
    "User",
]
