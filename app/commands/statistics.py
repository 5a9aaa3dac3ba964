"""九、成果共享 use cases: draft and issue a 巡察情况通报, offer a recurring problem as a 提交类 submission."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for

from app import stats
from app.exports.statistics import bulletin_docx
from app.extensions import db
from app.rules.repeats import ACROSS_UNITS, NOUNS
from app.storage import store
from schema import Bulletin, Clue, Finding, Notification, Person, RepeatSubmission, Round, Submission
from schema.base import utcnow
from schema.enums import REPEAT_FIELDS

from . import CommandError
from .status import actor_name

MAIN_PROBLEMS = 3  # the bulletin names the aspects with most findings, this many
# what a flag's field counts: the model, its column, the text that describes one row
SOURCES = {"问题方面": (Finding, Finding.aspect, Finding.summary), "线索类别": (Clue, Clue.category, Clue.summary)}


YEARS = (2000, 2100)  # a year outside is a typing error


def _round(round_id) -> Round | None:
    if round_id in (None, ""):
        return None
    if not isinstance(round_id, int) or isinstance(round_id, bool):
        raise CommandError("轮次须为轮次编号（整数）", "round")
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        raise CommandError(f"轮次 {round_id} 不存在", "round")
    return rnd


def draft_content(year: int, round_id: int | None = None) -> str:
    """九（一）"通报巡察工作开展情况以及发现的主要问题": the period's figures, its main problems, its repeat flags."""
    selection = {"year": year, "round_id": round_id}
    rnd = _round(round_id)
    period = rnd.name if rnd else f"{year}年"
    t = stats.total(**selection)
    v = t.values
    aspects = sorted(((n, a) for a, n in t.breakdowns["aspect"].items() if n), reverse=True)[:MAIN_PROBLEMS]
    lines = ["一、巡察工作开展情况",
             f"{period}共巡察党组织{stats.count_inspections(**selection)}个，个别谈话{v['talks']}人次，"
             f"受理信访{v['petitions']}件，调阅资料{v['materials']}份，召开座谈会{v['forums']}次，"
             f"走访调研{v['visits']}次，发放问卷{v['surveys_out']}份、回收{v['surveys_in']}份；"
             f"发现问题{v['findings']}个，形成问题线索{v['clues']}件，提出立行立改事项{v['fixes']}项；"
             f"整改事项已完成{v['items_done']}项、未完成{v['items_open']}项。",
             "二、发现的主要问题"]
    if aspects:
        lines.append("发现问题较多的方面：" + "；".join(f"{a}方面{n}个" for n, a in aspects) + "。")
    general = db.session.scalars(
        sa.select(Finding.summary).where(Finding.inspection_id.in_(stats.inspection_ids(**selection)),
                                         Finding.is_general.is_(True)).order_by(Finding.id)).all()
    lines += [f"普遍性、倾向性问题：{s}。" for s in general]
    flags = stats.flags(**selection)
    if flags:
        lines.append("三、重复出现的问题")
        lines += [f"{f.text}。" for f in flags]
    lines.append("请各单位对照以上问题即知即改、举一反三、抓早抓小。")
    return "\n".join(lines)


def bulletin_write_problem(bulletin: Bulletin) -> tuple[str, str] | None:
    """The record rule of the bulletin screen and its REST POST/PUT: a plausible year, and a round of that year."""
    if bulletin.year is not None and not YEARS[0] <= bulletin.year <= YEARS[1]:
        return "year", f"年度须为 {YEARS[0]}～{YEARS[1]}"
    if bulletin.round is not None and bulletin.year is not None and bulletin.round.year != bulletin.year:
        return "round", f"轮次「{bulletin.round.name}」不属于{bulletin.year}年"
    return None


def draft_blank(bulletin: Bulletin) -> None:
    """Before a save: an unissued bulletin left blank is drafted from the period's figures (九（一）)."""
    if bulletin.issued_on is None and not (bulletin.content or "").strip() and bulletin.year is not None:
        bulletin.content = draft_content(bulletin.year, bulletin.round.id if bulletin.round else None)


def repeat_rule_problem(rule) -> tuple[str, str] | None:
    """The record rule of a 重复问题规则: at least two rounds or units make a repeat; more than 1000 is a typo."""
    if rule.threshold is not None and not 2 <= rule.threshold <= 1000:
        return "threshold", "标准须为 2～1000 的整数"
    return None


def issue_bulletin(bulletin: Bulletin, user, *, on: date | None = None) -> Bulletin:
    """Issue a bulletin: each recipient unit's users get an in-app notification; the Word document is filed."""
    if bulletin.issued_on is not None:
        raise CommandError(f"该通报已于 {bulletin.issued_on.isoformat()} 印发，不能重复印发", "issued_on")
    if not bulletin.recipients:
        raise CommandError("请选择通报的接收单位（领导小组成员单位、有关职能部门或院系）", "recipients")
    if not (bulletin.content or "").strip():
        bulletin.content = draft_content(bulletin.year, bulletin.round_id)
    on = on or date.today()
    names = [u.name for u in bulletin.recipients]
    data = bulletin_docx(bulletin.title, names, bulletin.content, on)
    doc = store(data, f"{bulletin.title}.docx", title=bulletin.title, is_generated=True, formed_on=on,
                uploaded_by=actor_name(user))
    bulletin.issued_on, bulletin.document = on, doc
    db.session.flush()
    usernames = db.session.scalars(
        sa.select(Person.username).where(Person.unit_id.in_([u.id for u in bulletin.recipients]),
                                         Person.username.is_not(None)).order_by(Person.username)).all()
    link = _link("BulletinView.show", pk=bulletin.id)
    for username in usernames:
        db.session.add(Notification(
            username=username, key=f"bulletin:{bulletin.id}", title=f"巡察情况通报：{bulletin.title}"[:200],
            message=f"巡察办于{on.isoformat()}印发{bulletin.period}巡察情况通报，请查阅并即知即改。",
            link=link, level="notice", created_at=utcnow()))
    return bulletin


def _link(endpoint: str, **values) -> str | None:
    try:
        return url_for(endpoint, **values)
    except RuntimeError:  # outside a request (seeds, CLI)
        return None


def submit_repeat(round_id, field_name, value, user) -> tuple[Submission, bool]:
    """六（三）提交类 from a flag (b): the same aspect/category at many units of one round, as a special report to the
    学校党委 with a generated summary and links. Idempotent: the round's flag for that value makes one submission;
    answers (submission, created)."""
    rnd = _round(round_id)
    if rnd is None:
        raise CommandError("请指定轮次", "round")
    if field_name not in REPEAT_FIELDS:
        raise CommandError(f"依据须为 {'、'.join(REPEAT_FIELDS)} 之一，收到「{field_name}」", "field")
    if not isinstance(value, str) or not value.strip():
        raise CommandError("请指定问题方面或线索类别", "value")
    done = db.session.scalar(sa.select(RepeatSubmission).where(
        RepeatSubmission.round_id == rnd.id, RepeatSubmission.field == field_name, RepeatSubmission.value == value))
    if done is not None:
        return done.submission, False
    flag = stats.flag_for(rnd.id, field_name, value)
    if flag is None:
        raise CommandError(f"{rnd.name}的“{value}”未达到“{ACROSS_UNITS}”重复出现的标准，不能作为提交类事项", "value")
    model, column, text = SOURCES[field_name]
    rows = db.session.execute(
        sa.select(model.inspection_id, text).where(model.inspection_id.in_(flag.inspection_ids), column == value)
        .order_by(model.inspection_id, model.id)).all()
    lines = [f"{flag.text}，属普遍性、倾向性问题，建议形成专题报告，分析原因，向学校党委提出建议（规程六（三））。"]
    lines += [f"{n}. {s}（{_link('InspectionView.show', pk=iid) or f'巡察 #{iid}'}）" for n, (iid, s) in enumerate(rows, 1)]
    title = f"专题报告：{rnd.name}{len(flag.places)}个单位存在“{value}”{NOUNS[field_name]}"
    sub = Submission(round_id=rnd.id, title=title[:200], summary="\n".join(lines), status="已提交")
    if model is Clue:
        sub.clues = list(db.session.scalars(sa.select(Clue).where(Clue.inspection_id.in_(flag.inspection_ids),
                                                                   Clue.category == value)))
    db.session.add(sub)
    db.session.flush()
    db.session.add(RepeatSubmission(round_id=rnd.id, field=field_name, value=value, submission_id=sub.id))
    return sub, True
