"""形成时间 of a generated 附件: the date of the record it documents, not the day someone downloaded it.

八（一）"填写归档材料清单" (附件24 lists each item's 形成时间). A 附件 is formed when the thing it records happened: the
公告 when it was published, a meeting's record on the meeting's day, the report on the day it was drafted. Each
附件 names, in order of preference, the record dates ("facts") that stand for it; the first one the inspection has
wins, otherwise the day the version was generated. The facts are read by app.commands.documents.record_dates.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

FORMED_BY: dict[int, tuple[str, ...]] = {
    1: ("动员部署会",),  # 动员部署会议程
    2: ("巡察通知",),  # 主要巡察内容, handed out with the notice
    3: ("情况准备",),  # the last briefing recorded
    4: ("巡察通知",),  # 巡察通知: its own date
    5: ("动员会",),
    6: ("问卷发放", "动员会"),  # 问卷 handed out at the 动员会
    7: ("公告发布", "巡察通知"),  # 巡察公告: the day it was published on OA
    8: ("听取汇报",),
    9: ("列席会议",),
    10: ("座谈会",),
    11: ("受理信访", "巡察结束"),  # the register closes with its last petition
    12: ("移送",),
    13: ("首次个别谈话",),  # the outline precedes the first talk
    14: ("个别谈话",),
    15: ("调阅资料",),
    16: ("走访调研",),
    17: ("巡察报告", "向党委汇报"),
    18: ("谈话情况报告", "巡察结束"),
    19: ("反馈",),
    20: ("反馈会议", "反馈"),
    21: ("反馈",),
    22: ("签收", "反馈"),
    23: ("反馈工作结束", "反馈", "巡察结束"),
    24: ("案卷移交", "反馈工作结束"),
}


def formed_on(no: int, facts: dict[str, date | None], generated_on: date) -> date:
    """The 形成时间 of 附件`no`: the first of its facts the inspection has, else the day it was generated."""
    return next((facts[f] for f in FORMED_BY.get(no, ()) if facts.get(f) is not None), generated_on)


# The day of generation is not content: a draft is not re-made because the calendar moved on.
VOLATILE_KEYS = frozenset({"today"})


def content_key(template_id: int, template_sha256: str | None, context: dict) -> str:
    """SHA-256 of what a version is rendered from (template and context). Rendered bytes cannot serve: a .docx or
    .xlsx zip carries the time it was written, so the same content never renders to the same bytes twice."""
    payload = {"template": [template_id, template_sha256 or ""],
               "context": {k: v for k, v in context.items() if k not in VOLATILE_KEYS}}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
