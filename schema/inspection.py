"""The core record (组 × 单位 × 轮) and 二、了解准备 / 三（一）（二）: briefings, plans, notices, meetings, surveys."""

from __future__ import annotations

import secrets
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import MEETING_KINDS, NEWS_STAGES, QUESTION_KINDS
from .org import Person, Unit
from .plan import Round, Team


def new_intake_token() -> str:
    """32 random bytes, URL-safe: the public intake page's address cannot be guessed from the inspection's id."""
    return secrets.token_urlsafe(32)


class Inspection(Timestamps, Model):
    """One team inspecting one unit in one round, with every date the clocks of DOMAIN.md §3 hang on."""

    __tablename__ = "inspection"
    __table_args__ = (sa.UniqueConstraint("round_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = fk("round.id", nullable=False)
    team_id: Mapped[int] = fk("team.id", nullable=False)
    unit_id: Mapped[int] = fk("unit.id", nullable=False)
    notice_no: Mapped[str | None] = mapped_column(sa.String(50))  # 文号 of 附件4
    notice_date: Mapped[date | None] = mapped_column(sa.Date, index=True)  # D2
    entry_date: Mapped[date | None] = mapped_column(sa.Date, index=True)  # 进驻, D1 D4
    work_start: Mapped[date | None] = mapped_column(sa.Date, index=True)
    work_end: Mapped[date | None] = mapped_column(sa.Date, index=True)
    committee_report_date: Mapped[date | None] = mapped_column(sa.Date, index=True)  # D5
    feedback_date: Mapped[date | None] = mapped_column(sa.Date, index=True)  # D6
    feedback_done_date: Mapped[date | None] = mapped_column(sa.Date, index=True)  # D12 anchor
    meeting_list_received_on: Mapped[date | None] = mapped_column(sa.Date)  # D4
    liaison_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")  # 被巡察单位联络人
    note: Mapped[str | None] = mapped_column(sa.Text)
    # 码上巡察 (三（二）4 意见箱 online): the unguessable part of the public intake page's address (app.rules.intake)
    # (a credential: the change history records that it changed, never its value — app.audit)
    intake_token: Mapped[str | None] = mapped_column(sa.String(43), unique=True, default=new_intake_token,
                                                     info={"credential": True})

    round: Mapped[Round] = relationship(lazy="selectin")
    team: Mapped[Team] = relationship()
    unit: Mapped[Unit] = relationship(lazy="selectin")
    liaison: Mapped[Person | None] = relationship()

    def __str__(self) -> str:
        unit = self.unit.name if self.unit else ""
        return f"{self.round.name if self.round else ''}·{unit}"


class Briefing(Timestamps, Model):
    """二（一）1 情况准备 (附件3): a department briefs the 组长/副组长 on the unit."""

    __tablename__ = "briefing"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    department_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")
    briefer: Mapped[str | None] = mapped_column(sa.String(50))
    held_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    method: Mapped[str | None] = mapped_column(sa.String(50))  # 面谈 / 书面
    content: Mapped[str | None] = mapped_column(sa.Text)
    written_material: Mapped[str | None] = mapped_column(sa.String(200))
    recorder_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    department: Mapped[Unit | None] = relationship(lazy="selectin")
    recorder: Mapped[Person | None] = relationship()

    def __str__(self) -> str:
        return f"{self.department or ''}通报情况"


class WorkPlan(Timestamps, Model):
    """二（二）1 组内工作方案, 应于巡察进驻前报巡察办备案 (D1)."""

    __tablename__ = "work_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False, unique=True)
    tasks: Mapped[str | None] = mapped_column(sa.Text)
    methods: Mapped[str | None] = mapped_column(sa.Text)
    schedule: Mapped[str | None] = mapped_column(sa.Text)
    division: Mapped[str | None] = mapped_column(sa.Text)
    filed_on: Mapped[date | None] = mapped_column(sa.Date, index=True)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")

    def __str__(self) -> str:
        return f"{self.inspection}工作方案"


class Announcement(Timestamps, Model):
    """三（二）5 巡察公告 (附件7), 在学校OA发布, 单位张贴并在网站发布."""

    __tablename__ = "announcement"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    body: Mapped[str | None] = mapped_column(sa.Text)
    published_oa_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    posted_on_site_on: Mapped[date | None] = mapped_column(sa.Date)
    posted_on_premises_on: Mapped[date | None] = mapped_column(sa.Date)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")

    def __str__(self) -> str:
        return f"{self.inspection}巡察公告"


class NewsRelease(Timestamps, Model):
    """三（二）7 and 五（四）: news drafted by the unit, approved by the 组长 (and 巡察办 for feedback news)."""

    __tablename__ = "news_release"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    stage: Mapped[str] = mapped_column(choice("news_stage", NEWS_STAGES), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body: Mapped[str | None] = mapped_column(sa.Text)
    leader_approved_on: Mapped[date | None] = mapped_column(sa.Date)
    office_approved_on: Mapped[date | None] = mapped_column(sa.Date)
    published_on: Mapped[date | None] = mapped_column(sa.Date, index=True)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")

    def __str__(self) -> str:
        return self.title


class Speech(Timestamps, Model):
    """二（二）3 讲话稿: drafts by 巡察办, the 组长's version filed with 巡察办."""

    __tablename__ = "speech"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = fk("round.id", ondelete="CASCADE")
    inspection_id: Mapped[int | None] = fk("inspection.id", ondelete="CASCADE")
    speaker_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    occasion: Mapped[str] = mapped_column(sa.String(100), nullable=False)  # 动员部署会 / 动员会 …
    body: Mapped[str | None] = mapped_column(sa.Text)
    filed_on: Mapped[date | None] = mapped_column(sa.Date)

    round: Mapped[Round | None] = relationship()
    inspection: Mapped[Inspection | None] = relationship(lazy="selectin")
    speaker: Mapped[Person | None] = relationship()

    def __str__(self) -> str:
        return f"{self.occasion}讲话稿"


class Meeting(Timestamps, Model):
    """Every meeting of the procedure; round-level ones (动员部署会, 培训) carry no inspection."""

    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = fk("round.id", ondelete="CASCADE")
    inspection_id: Mapped[int | None] = fk("inspection.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(choice("meeting_kind", MEETING_KINDS), nullable=False, index=True)
    title: Mapped[str | None] = mapped_column(sa.String(200))
    held_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    place: Mapped[str | None] = mapped_column(sa.String(100))
    host_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    expected_count: Mapped[int | None] = mapped_column(sa.Integer)
    present_count: Mapped[int | None] = mapped_column(sa.Integer)
    attendees: Mapped[str | None] = mapped_column(sa.Text)
    agenda: Mapped[str | None] = mapped_column(sa.Text)
    minutes: Mapped[str | None] = mapped_column(sa.Text)  # 记录: 主要内容 / 讨论和决定事项 / 发言摘要
    recorder_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")

    round: Mapped[Round | None] = relationship()
    inspection: Mapped[Inspection | None] = relationship(lazy="selectin")
    host: Mapped[Person | None] = relationship(foreign_keys=[host_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])

    def __str__(self) -> str:
        return self.title or self.kind


class Survey(Timestamps, Model):
    """三（二）3 调查问卷 (附件6): 巡察办制定, 动员会上发放, 巡察组回收并统计分析."""

    __tablename__ = "survey"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    instructions: Mapped[str | None] = mapped_column(sa.Text)
    distributed_count: Mapped[int | None] = mapped_column(sa.Integer)
    collected_count: Mapped[int | None] = mapped_column(sa.Integer)
    distributed_on: Mapped[date | None] = mapped_column(sa.Date)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    questions: Mapped[list[SurveyQuestion]] = relationship(back_populates="survey", cascade="all, delete-orphan", order_by="SurveyQuestion.seq")

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(Timestamps, Model):
    __tablename__ = "survey_question"
    __table_args__ = (sa.UniqueConstraint("survey_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = fk("survey.id", ondelete="CASCADE", nullable=False)
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    text: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    kind: Mapped[str] = mapped_column(choice("question_kind", QUESTION_KINDS), nullable=False)
    options: Mapped[str | None] = mapped_column(sa.Text)  # one option per line

    survey: Mapped[Survey] = relationship(back_populates="questions")

    def __str__(self) -> str:
        return f"{self.seq}. {self.text}"


class SurveyResponse(Timestamps, Model):
    """One returned questionnaire (anonymous)."""

    __tablename__ = "survey_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = fk("survey.id", ondelete="CASCADE", nullable=False)
    respondent_group: Mapped[str | None] = mapped_column(sa.String(50))  # 教师 / 学生 / 干部 …
    submitted_on: Mapped[date | None] = mapped_column(sa.Date)

    survey: Mapped[Survey] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"问卷答卷 #{self.id}"


class SurveyAnswer(Model):
    __tablename__ = "survey_answer"
    __table_args__ = (sa.UniqueConstraint("response_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = fk("survey_response.id", ondelete="CASCADE", nullable=False)
    question_id: Mapped[int] = fk("survey_question.id", ondelete="CASCADE", nullable=False)
    value: Mapped[str | None] = mapped_column(sa.Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[SurveyQuestion] = relationship()

    def __str__(self) -> str:
        return self.value or ""
