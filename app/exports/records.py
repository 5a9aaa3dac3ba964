"""附件 that record one meeting or one talk each (ATTACHMENTS.md): 8 专题汇报记录表 (a 听取汇报), 9 列席会议记录表, 10 座谈会记录表
and 14 个别谈话记录表. Besides the inspection's whole set (app.exports.attachments), each such meeting or talk is a
document of its own, with its own versions, 定稿 and 形成时间 (the meeting's or the talk's date). The contexts are the
inspection-wide builders' with one record in the list, so the same template renders both.
"""

from __future__ import annotations

from dataclasses import dataclass

from schema import Meeting, Talk

from .attachments import base, meeting_dict, scoped, talk_dict


@dataclass(frozen=True)
class RecordForm:
    """附件`no` documents one record of `model` (of meeting kind `kind`): what its subject is called."""

    no: int
    model: type
    kind: str | None
    noun: str  # the subject's key prefix (app.commands.documents.subject_key)


RECORD_FORMS: tuple[RecordForm, ...] = (
    RecordForm(8, Meeting, "听取汇报", "meeting"),
    RecordForm(9, Meeting, "列席会议", "meeting"),
    RecordForm(10, Meeting, "座谈会", "meeting"),
    RecordForm(14, Talk, None, "talk"),
)
BY_NO = {f.no: f for f in RECORD_FORMS}


def form_of(record) -> RecordForm | None:
    """The 附件 that records `record` on its own (None: a meeting of another kind, a round's meeting)."""
    if isinstance(record, Talk):
        return BY_NO[14]
    if isinstance(record, Meeting) and record.inspection_id is not None:
        return next((f for f in RECORD_FORMS if f.model is Meeting and f.kind == record.kind), None)
    return None


def record_context(record) -> dict:
    """The context of `record`'s own 附件: read through the caller's scope (a talk read here is a logged read of it,
    app.exports.attachments.contents)."""
    inspection = record.inspection
    if isinstance(record, Talk):
        return {**base(inspection), "talks": [talk_dict(t) for t in scoped(Talk, Talk.id == record.id)]}
    return {**base(inspection), "meetings": [meeting_dict(m) for m in scoped(Meeting, Meeting.id == record.id)]}


def record_label(record) -> str:
    """How a file name and a title name the record: the talk's interviewee or the meeting's title, and its date."""
    if isinstance(record, Talk):
        who = record.interviewee.name if record.interviewee else "谈话对象"
        return f"{who}，{record.held_on.isoformat()}" if record.held_on else who
    title = record.title or record.kind
    return f"{title}，{record.held_on.isoformat()}" if record.held_on else title


def record_count(context: dict) -> int:
    """How many records a 附件's context carries: its longest list of records (talks, meetings, register rows …,
    each sheet's rows on a workbook of several sheets). Decides whether its PDF renders in a job (app.exports.pdf)."""
    lists = [v for v in context.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
    lists += [s["rows"] for s in context.get("sheets") or () if isinstance(s, dict) and isinstance(s.get("rows"), list)]
    return max((len(v) for v in lists), default=0)
