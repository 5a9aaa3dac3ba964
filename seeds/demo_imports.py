"""Demo records that arrive the way a user brings them in: through the Excel imports (app.commands.roster and
app.commands.surveys), so the demo exercises those paths — a roster for 图书馆 and 20 more returned questionnaires
of 机械工程学院's survey (40 in all), so its chart has something to show."""

from __future__ import annotations

import random

from sqlalchemy import select

from app.commands import roster, surveys
from app.commands.imports import template_xlsx
from schema import Survey, Unit

ROSTER_UNIT = "图书馆"
ROSTER = [  # 姓名, 职务, 职级, 政治面貌, 电话, 领导班子成员 — 廖静 is on file already: the import updates her phone
    ("廖静", "馆办公室主任", "正科级", "中共党员", "010-62331201", "否"),
    ("蒋文", "流通阅览部主任", "正科级", "中共党员", "010-62331202", "否"),
    ("邵丽", "采编部主任", "正科级", "中共党员", "010-62331203", "否"),
    ("孔伟", "信息技术部主任", "正科级", "群众", "010-62331204", "否"),
    ("崔敏", "特藏部馆员", "", "中共党员", "010-62331205", "否"),
]
SURVEY_TITLE = "机械工程学院巡察工作调查问卷"
MORE_RESPONSES = 20


class ImportedRecords:
    """Mixin of DemoBuilder."""

    def imported(self):
        unit = self.s.scalar(select(Unit).where(Unit.name == ROSTER_UNIT))
        sheet = template_xlsx("人员名单", [name for name, _, _ in roster.COLUMNS], [list(r) for r in ROSTER])
        roster.apply_roster(unit, sheet)
        survey = self.s.scalar(select(Survey).where(Survey.title == SURVEY_TITLE))
        questions = list(survey.questions)
        rng = random.Random(8)  # its own sequence: the records built before stay as they were  # nosec B311
        header = [surveys.COL_GROUP, surveys.COL_DATE] + [surveys.question_header(q) for q in questions]
        rows = []
        for n in range(MORE_RESPONSES):
            rows.append([rng.choice(["教师", "教师", "学生", "干部"]), "2026-03-19" if n < 12 else "2026-03-20",
                         rng.choice(["满意", "基本满意", "基本满意", "不满意", "不了解"]),
                         rng.choice(["满意", "基本满意", "不满意", "不了解"]),
                         "；".join(rng.sample(["科研经费管理", "设备采购", "干部选拔任用", "师德师风", "实验室安全"],
                                             rng.choice([1, 2, 3]))),
                         rng.choice(["", "建议定期公开学院财务收支情况", "希望加强实验室安全检查", ""]) or None])
        surveys.apply_responses(survey, template_xlsx("问卷答卷", header, rows))
