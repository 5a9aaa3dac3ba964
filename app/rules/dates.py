"""Date and count orders that cannot happen (issue 13, item 5), declared as pairs and judged by one pure function.

Each pair says "`earlier` is on or before `later`" (or, for counts, "`smaller` ≤ `larger`"); a dotted name reads a
related record (``inspection.feedback_date``). Pairs where either value is missing are not judged. The generic write
paths (screens, REST, imports) and the step commands call `order_problems`; the message names both fields.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Order:
    model: str
    earlier: str  # the field that cannot be later (dates) or larger (counts)
    later: str
    clause: str
    count: bool = False


ORDERS: tuple[Order, ...] = (
    # 三（一） 巡察工作时间：开始在前，结束在后
    Order("Inspection", "work_start", "work_end", "三（一）“巡察组进驻……开展工作”"),
    # 四（二） “巡察结束后两周内向党委常委会汇报”
    Order("Inspection", "work_end", "committee_report_date", "四（二）“巡察结束后两周内……向学校党委常委会汇报”"),
    # 五（一） “巡察报告经党委常委会审议后……反馈”
    Order("Inspection", "committee_report_date", "feedback_date", "五（一）“向学校党委常委会汇报后一周内……反馈”"),
    # 八（二） “反馈工作结束后1个月内……移交巡察办”
    Order("ArchiveVolume", "inspection.feedback_date", "handed_over_on", "八（二）“巡察反馈结束后1个月内……移交”"),
    # a consent is given before the thing consented to
    Order("Talk", "single_approved_on", "held_on", "三（三）5（3）“经巡察组组长同意，可进行单独谈话”"),
    Order("ImmediateFix", "leading_group_approved_on", "raised_on",
          "三（四）2“对重大、敏感问题的处理意见，需报领导小组同意后，再向被巡察党组织提出”"),
    Order("Visit", "approved_on", "held_on", "三（三）7“经巡察组组长批准后……走访相关人员”"),
    # 四（一）1 起草 → 征求巡察办意见 → 领导小组审阅 → 四（二） 向常委会汇报
    Order("InspectionReport", "drafted_on", "office_reviewed_on", "四（一）1“起草巡察情况报告，征求巡察办意见”"),
    Order("InspectionReport", "office_reviewed_on", "leader_reviewed_on",
          "四（一）1“征求巡察办意见后修改完善。巡察报告经领导小组有关领导同志审阅”"),
    Order("InspectionReport", "leader_reviewed_on", "inspection.committee_report_date",
          "四（一）1“巡察报告经领导小组有关领导同志审阅后，巡察办应及时安排向学校党委汇报”"),
    # 五（一） 党委听取汇报后修改反馈意见报领导小组审定, then 反馈
    Order("Feedback", "inspection.committee_report_date", "leading_group_approved_on",
          "五（一）“学校党委听取巡察组汇报后，巡察办商巡察组根据会议要求修改巡察反馈意见并报领导小组审定”"),
    Order("Feedback", "leading_group_approved_on", "inspection.feedback_date",
          "五（一）反馈意见经领导小组审定后向被巡察党组织反馈"),
    Order("DeepDive", "plan_approved_on", "finished_on", "三（三）8 深入了解的工作方案经组长审批"),
    Order("NewsRelease", "leader_approved_on", "published_on", "五（四）“新闻稿……经巡察组组长审定后发布”"),
    Order("NewsRelease", "office_approved_on", "published_on", "五（四）反馈新闻稿经巡察办审定后发布"),
    Order("Rectification", "report_submitted_on", "report_approved_on", "六（一） 整改情况报告报领导小组批准"),
    # 三（二）2 参会人数
    Order("Meeting", "present_count", "expected_count", "三（二）2“实际参加人数不少于应到人数的80%”", count=True),
    Order("Meeting", "expected_count", "inspection.unit.staff_count", "三（二）2 应参会人数以教职工总人数为限",
          count=True),
)


def pairs_of(model: str) -> tuple[Order, ...]:
    return tuple(o for o in ORDERS if o.model == model)


def order_problems(model: str, values: dict, labels: dict | None = None) -> list[tuple[str, str]]:
    """(field, Chinese message naming both fields) for each declared order of `model` the values break.

    :param values: field (dotted for related records) → value; a missing or None value is not judged.
    """
    labels = labels or {}
    problems = []
    for o in pairs_of(model):
        a, b = values.get(o.earlier), values.get(o.later)
        if a is None or b is None or a <= b:
            continue
        la, lb = (labels.get(n) or labels.get(n.rsplit('.', 1)[-1], n) for n in (o.earlier, o.later))
        if o.count:
            text = f"「{la}」（{a}）不能大于「{lb}」（{b}）"
        else:
            text = f"「{la}」（{a.isoformat()}）不能晚于「{lb}」（{b.isoformat()}）"
        field = o.later if "." not in o.later else o.earlier
        problems.append((field, f"{text}——{o.clause}"))
    return problems
