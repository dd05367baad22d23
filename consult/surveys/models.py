"""Surveys attached to policy sections, their questions, responses and answers.

Answers are stored one row per atomic value (a matrix row, a ranked option, a chosen
option) so every result is a GROUP BY in SQL, never a Python loop over responses.
What differs between question types lives in `consult.surveys.types`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, UTCDateTime, utcnow
from consult.core.vocab import (
    AGE_BANDS,
    CHANNELS,
    GENDERS,
    INPUT_STREAMS,
    PROVINCES,
    STAKEHOLDER_GROUPS,
    sql_in,
)
from consult.extensions import db
from consult.policy.models import Section
from consult.surveys.types import NO_OPINION, QUESTION_TYPES, QuestionType, get_type

# The one list of survey statuses: the CHECK constraint, the file format and the builder.
SURVEY_STATUSES = ("draft", "open", "closed")


class Survey(TimestampMixin, db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        UniqueConstraint("policy_id", "key"),
        # One survey per section: the section page links to "the" survey of the section.
        UniqueConstraint("section_id"),
        CheckConstraint(f"status IN ({sql_in(SURVEY_STATUSES)})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), nullable=False)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), nullable=False)
    key: Mapped[str] = mapped_column(String(80), nullable=False)
    title: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    intro: Mapped[dict[str, str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Respondents see the results after answering (on the page and in the API); everyone
    # once the survey is closed; moderators and admins always.
    show_results: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Set when the survey came from a policy file: reloads may update it; the builder may not
    # remove it. Builder-made surveys have no source.
    from_file: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    section: Mapped[Section] = relationship()
    questions: Mapped[list[Question]] = relationship(
        order_by="(Question.position, Question.id)",
        primaryjoin="and_(Question.survey_id == Survey.id, Question.retired_at.is_(None))",
        viewonly=True,
    )


class Question(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        UniqueConstraint("survey_id", "key"),
        CheckConstraint(f"type IN ({sql_in(QUESTION_TYPES)})", name="type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), nullable=False)
    key: Mapped[str] = mapped_column(String(64), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    prompt: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    help: Mapped[dict[str, str] | None] = mapped_column(JSON)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Type-specific settings: options/rows [{key, label}], no_opinion, min/max selections,
    # top_n, max_length, number min/max. Validated by the type's `parse_config`.
    config: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # {"question": key, "equals": value} or {"question": key, "includes": option}
    condition: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    survey: Mapped[Survey] = relationship(foreign_keys=[survey_id])

    @property
    def question_type(self) -> QuestionType:
        """The registered type that validates, stores, aggregates and shows this question."""
        return get_type(self.type)


class SurveyRevision(TimestampMixin, db.Model):
    """A wording change of a survey or question (kept even once responses exist)."""

    __tablename__ = "survey_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), nullable=False, index=True)
    question_key: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[Any] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SurveyResponse(TimestampMixin, db.Model):
    """One participant's response to one survey; changing it adds a revision, not a row.

    `respondent_key` enforces one response per person in the database: "p:<participant id>"
    normally, or an HMAC of the participant id when the survey is anonymous, in which case
    `participant_id` stays empty and only the coarse profile codes are copied, for reports.
    """

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "respondent_key"),
        CheckConstraint(f"channel IN ({sql_in(CHANNELS)})", name="channel"),
        CheckConstraint(f"stream IN ({sql_in(INPUT_STREAMS)})", name="stream"),
        CheckConstraint(f"province IN ({sql_in(PROVINCES)})", name="province"),
        CheckConstraint(
            f"stakeholder_group IN ({sql_in(STAKEHOLDER_GROUPS)})", name="stakeholder_group"
        ),
        CheckConstraint(f"gender IN ({sql_in(GENDERS)})", name="gender"),
        CheckConstraint(f"age_band IN ({sql_in(AGE_BANDS)})", name="age_band"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), nullable=False)
    respondent_key: Mapped[str] = mapped_column(String(80), nullable=False)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16), nullable=False, default="online")
    # `invited` or `open`, set at insert time by `policy.hooks.resolve_stream` (also anonymous).
    stream: Mapped[str] = mapped_column(
        String(16), nullable=False, default="open", server_default="open"
    )
    # As on comments: the hearing of a `hearing` or `paper` response (FK by table name).
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearings.id"), index=True)
    province: Mapped[str] = mapped_column(String(32), nullable=False, default="undisclosed")
    stakeholder_group: Mapped[str] = mapped_column(
        String(32), nullable=False, default="undisclosed"
    )
    gender: Mapped[str] = mapped_column(String(16), nullable=False, default="undisclosed")
    age_band: Mapped[str] = mapped_column(String(16), nullable=False, default="undisclosed")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    survey: Mapped[Survey] = relationship()


class SurveyResponseRevision(TimestampMixin, db.Model):
    """The answers a response had before its respondent changed them."""

    __tablename__ = "survey_response_revisions"
    __table_args__ = (UniqueConstraint("response_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


def _set(column: str) -> str:
    return f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"


class Answer(db.Model):
    """One atomic value of a response, shaped for aggregation in SQL.

    likert: value_int 1–5 or value_text "no-opinion"; matrix: one row per item_key (row);
    single: item_key; multiple: one row per chosen item_key; ranking: one row per ranked
    item_key with value_int = its rank (1 = top); text: value_text; number: value_num.

    The CHECK constraints hold what is true of every type's rows (a row does not know its
    question's type): at most one value, something stored, integers from 1, an integer
    without an item is a rating of 1 to 5, an item carries no number and no text but the
    no-opinion mark.
    """

    __tablename__ = "survey_answers"
    __table_args__ = (
        # With the value columns the report's rating and ranking aggregates are answered
        # from the index alone (docs/performance.md, B2).
        Index(
            "ix_survey_answers_question_item",
            "question_id",
            "item_key",
            "value_int",
            "value_text",
            "response_id",
        ),
        CheckConstraint(
            f"{_set('value_int')} + {_set('value_num')} + {_set('value_text')} <= 1",
            name="one_value",
        ),
        CheckConstraint(
            "item_key IS NOT NULL OR value_int IS NOT NULL OR value_num IS NOT NULL"
            " OR value_text IS NOT NULL",
            name="not_empty",
        ),
        CheckConstraint("value_int IS NULL OR value_int >= 1", name="value_int_positive"),
        CheckConstraint(
            "item_key IS NOT NULL OR value_int IS NULL OR value_int <= 5", name="rating_range"
        ),
        CheckConstraint(
            f"item_key IS NULL OR value_text IS NULL OR value_text = '{NO_OPINION}'",
            name="item_text",
        ),
        CheckConstraint("item_key IS NULL OR value_num IS NULL", name="item_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id"), nullable=False, index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"), nullable=False)
    item_key: Mapped[str | None] = mapped_column(String(64))
    value_int: Mapped[int | None] = mapped_column(Integer)
    value_num: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(Text)

    def as_row(self) -> dict[str, Any]:
        """The row as a type's `rows()` gives it (the columns that are set), for exports."""
        return {
            name: getattr(self, name)
            for name in ("item_key", "value_int", "value_num", "value_text")
            if getattr(self, name) is not None
        }
