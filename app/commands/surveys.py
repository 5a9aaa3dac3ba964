"""导入问卷答卷: the returned questionnaires of one survey from Excel — one row per response, one column per question
(headed by its number, "1. …") — previewed, then saved all or nothing (app.commands.imports). A 单选 answer must be
one of the question's options, a 多选 answer any of them (separated by ；、, or line breaks); a 文本 answer is free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.extensions import db
from app.rules.surveys import chosen, options_of
from schema import Survey, SurveyAnswer, SurveyResponse

from . import CommandError
from .imports import ImportPlan, cell_date, cell_text, read_sheet, template_xlsx

COL_GROUP, COL_DATE = "答卷人类别", "答卷日期"
GROUP_MAX, TEXT_MAX = 50, 2000
HEADER_SEQ = re.compile(r"^(?:第\s*)?(\d+)\s*(?:题)?\s*[.．、:：]?")
WHAT = "问卷答卷"


@dataclass
class ResponseRow:
    line: int
    group: str | None
    submitted_on: date | None
    answers: dict[int, str]  # question id → value


def question_header(q) -> str:
    return f"{q.seq}. {q.text}"


def survey_template(survey: Survey) -> bytes:
    questions = list(survey.questions)
    header = [COL_GROUP, COL_DATE] + [question_header(q) for q in questions]
    notes = [f"{survey.title}：每行一份答卷，每题一列（列名以题号开头，请勿修改）。",
             f"「{COL_GROUP}」如 教师、学生、干部（可留空）；「{COL_DATE}」格式 YYYY-MM-DD（可留空）。",
             "单选题填一个选项；多选题填一个或多个选项，用“；”分隔；文本题直接填写。选项须与下列文字一致："]
    notes += [f"{q.seq}. {q.text}（{q.kind}）：{'、'.join(options_of(q)) or '自由填写'}" for q in questions]
    choices = {i + 2: options_of(q) for i, q in enumerate(questions) if q.kind == "单选"}
    return template_xlsx(WHAT, header, notes=notes, choices=choices)


def plan_responses(survey: Survey, data: bytes) -> ImportPlan:
    """Check every row of an uploaded answer sheet against the survey's questions; nothing is written."""
    header, lines = read_sheet(data, [], [COL_GROUP, COL_DATE])
    questions = {q.seq: q for q in survey.questions}
    columns: dict[int, int] = {}  # column index → question seq
    for col, name in enumerate(header):
        if name in (COL_GROUP, COL_DATE) or not name:
            continue
        m = HEADER_SEQ.match(name)
        if not m or int(m.group(1)) not in questions:
            raise CommandError(f"表头「{name}」不是本问卷的题目（列名须以题号开头，请使用下载的模板）", "file")
        if int(m.group(1)) in columns.values():
            raise CommandError(f"表头「{name}」：第 {m.group(1)} 题出现了两列", "file")
        columns[col] = int(m.group(1))
    if not columns:
        raise CommandError("表头中没有题目列（请使用下载的模板）", "file")
    plan = ImportPlan()
    for number, raw in lines:
        def err(column: str, message: str) -> None:
            plan.errors.append(f"第 {number} 行「{column}」：{message}")

        errors_before = len(plan.errors)
        group = cell_text(raw[header.index(COL_GROUP)]) if COL_GROUP in header else None
        if group and len(group) > GROUP_MAX:
            err(COL_GROUP, f"不能超过 {GROUP_MAX} 个字")
        submitted = None
        if COL_DATE in header:
            try:
                submitted = cell_date(raw[header.index(COL_DATE)])
            except ValueError:
                err(COL_DATE, f"「{cell_text(raw[header.index(COL_DATE)])}」不是有效的日期（格式：YYYY-MM-DD）")
        answers = {}
        for col, seq in columns.items():
            q, text = questions[seq], cell_text(raw[col])
            if text is None:
                continue
            name = header[col]
            if q.kind == "文本":
                if len(text) > TEXT_MAX:
                    err(name, f"不能超过 {TEXT_MAX} 个字")
                answers[q.id] = text
                continue
            options, parts = options_of(q), chosen(text)
            wrong = [p for p in parts if p not in options]
            if wrong:
                err(name, f"「{'、'.join(wrong)}」不是本题的选项（可选：{'、'.join(options)}）")
            elif q.kind == "单选" and len(parts) > 1:
                err(name, "单选题只能填一个选项")
            else:
                answers[q.id] = "\n".join(dict.fromkeys(parts))
        if len(plan.errors) > errors_before:
            continue
        if not answers:
            err("题目", "没有任何答案")
            continue
        plan.rows.append(ResponseRow(number, group, submitted, answers))
        plan.changes.append({"line": number, "action": "新增", "title": f"答卷（{group or '未填类别'}）",
                             "fields": [(f"第 {q.seq} 题", "", answers[q.id].replace("\n", "；"))
                                        for q in survey.questions if q.id in answers]})
    return plan


def apply_responses(survey: Survey, data: bytes) -> dict[str, int]:
    """Save an answer sheet whose every row is valid (the caller's transaction): any error and nothing is saved."""
    plan = plan_responses(survey, data)
    if not plan.ok:
        raise CommandError("问卷答卷有误，未保存任何内容：" + "；".join(plan.errors), "file")
    for row in plan.rows:
        response = SurveyResponse(survey_id=survey.id, respondent_group=row.group, submitted_on=row.submitted_on)
        response.answers = [SurveyAnswer(question_id=qid, value=value) for qid, value in row.answers.items()]
        db.session.add(response)
    db.session.flush()
    return {"added": len(plan.rows)}
