"""Step-owned fields: which field of which model only a step of the procedure writes (issue 13, item 1).

One declaration, read by one function. The generic paths (screen add/edit, REST POST/PUT, bulk actions, imports)
show these fields read-only and refuse a write to them, naming the step to use; the step commands are the only
writers. The Admin role (historic data, corrections) may write them directly: the change history records it and the
consistency rules (app.rules.dates) still apply. Pure: model names and field names in, a message out.
"""

from __future__ import annotations

ADMIN = "Admin"

# model → field → the step (its Chinese name as the screens and the README say it) that owns the field.
OWNED: dict[str, dict[str, str]] = {
    # 三（三）5（3） 经巡察组组长同意，可进行单独谈话；谈话记录由组长审阅
    "Talk": {"single_approved_by": "组长批准单独谈话", "single_approved_on": "组长批准单独谈话",
             "reviewed_by": "组长审阅谈话记录", "reviewed_on": "组长审阅谈话记录"},
    # 三（二）4 意见箱 online (码上巡察): the team answers the submitter through its step; the flag is the intake's
    "Petition": {"reply": "答复信访人", "replied_on": "答复信访人", "replied_by": "答复信访人",
                 "suspected_duplicate": "码上巡察提交"},
    # 三（三）6 调阅重要资料须经巡察组组长批准
    "Material": {"approved_by": "组长批准调阅重要资料", "approved_on": "组长批准调阅重要资料"},
    # 三（三）7 “经巡察组组长批准后，巡察组可以……开展调研工作，走访相关人员”
    "Visit": {"approved_by": "组长批准走访调研", "approved_on": "组长批准走访调研"},
    # 三（三）8 深入了解的工作方案经组长审批
    "DeepDive": {"plan_approved_by": "组长审批深入了解方案", "plan_approved_on": "组长审批深入了解方案"},
    # 三（四）2 重大、敏感问题须经巡察工作领导小组同意
    "ImmediateFix": {"leading_group_approved_on": "记录领导小组同意"},
    # 一（一） 巡察办“拟定巡察任务方案报巡察工作领导小组、党委常委会审批”: 巡察办 records each body's approval
    "PlanApproval": {"approved_on": "记录计划审批"},
    # 四（一）1 “巡察组起草巡察情况报告，征求巡察办意见后修改完善。巡察报告经领导小组有关领导同志审阅后……”
    "InspectionReport": {"office_reviewed_on": "巡察办提出报告意见", "leader_reviewed_on": "记录领导小组审阅报告"},
    # 五（一） “巡察办商巡察组根据会议要求修改巡察反馈意见并报领导小组审定”
    "Feedback": {"leading_group_approved_on": "记录领导小组审定反馈意见"},
    # 四（二） 向党委常委会汇报；五（三） 签收单签齐即为反馈日期；大会反馈记录反馈结束
    "Inspection": {"committee_report_date": "记录向常委会汇报", "feedback_date": "反馈签收（签收单签齐）",
                   "feedback_done_date": "记录大会反馈"},
    # 五（四） 新闻稿审定、发布
    "NewsRelease": {"leader_approved_on": "组长审定新闻稿", "office_approved_on": "巡察办审定新闻稿",
                    "published_on": "发布新闻稿"},
    # 五（三）1 《巡察反馈签收单》三方签字
    "FeedbackSignature": {"person": "反馈签收", "signed_on": "反馈签收"},
    # 六（一） 整改方案、整改情况报告报送，领导小组批准
    "Rectification": {"plan_submitted_on": "报送整改方案", "report_submitted_on": "报送整改情况报告",
                      "report_approved_on": "领导小组批准整改情况报告"},
    # 六（一）、七（二） 台账的状态经流转步骤，销号经巡察办审核
    "RectificationItem": {"status": "整改台账状态变更", "completed_on": "巡察办审核销号",
                          "reviewed_by": "巡察办审核销号", "reviewed_on": "巡察办审核销号"},
    # 六（二） 分类处置：提出处置意见、审核、党委决定、移送
    "Clue": {"status": "分类处置", "decision_on": "记录党委决定", "decision_meeting": "记录党委决定",
             "decision": "记录党委决定"},
    # 六（二）2-4 移送、签收、办理情况报告
    "Transfer": {"transferred_on": "移送", "handed_by": "移送", "received_on": "接收部门签收",
                 "received_by": "接收部门签收", "reported_on": "报告办理情况"},
    # 六（三） 党委决定生成提交事项（D11 自此起算），办理情况报领导小组
    "Submission": {"received_on": "记录党委决定", "reported_on": "报告办理情况"},
    # 回避: only 巡察办 records an exemption (a reason) for a person of, or in conflict with, the inspected unit
    "TeamMember": {"exemption_reason": "巡察办记录回避豁免"},
    # 八（二） 档案移交巡察办
    "ArchiveVolume": {"handed_over_on": "移交巡察办", "handed_by": "移交巡察办", "received_by": "移交巡察办",
                      "verified_count": "移交巡察办", "verified_at": "移交巡察办", "verified_by": "移交巡察办"},
}


# (model, field) → roles that write the field directly on the generic form: the step *is* their edit.
DIRECT_WRITERS: dict[tuple[str, str], frozenset[str]] = {
    ("TeamMember", "exemption_reason"): frozenset({"Office"}),
    ("PlanApproval", "approved_on"): frozenset({"Office"}),
}


# model → roles that may not delete its rows on any generic path (screen, REST). 六（一） the unit rectifies what
# the inspection found: its liaison fills in the ledger rows assigned to the unit and reports on them, but a row
# stands for a finding 巡察办 handed over, so removing one is not the unit's to do.
NO_DELETE: dict[str, frozenset[str]] = {
    "RectificationItem": frozenset({"UnitLiaison"}),
}


def delete_refusal(model: str, roles) -> str | None:
    """Why a caller with `roles` may not delete a `model` row, or None; a caller holding another role that writes
    the model (e.g. also 巡察办) may."""
    roles = set(roles or ())
    denied = NO_DELETE.get(model, frozenset())
    if not roles or is_admin(roles) or not roles <= denied | {"Public"}:
        return None
    return "整改台账事项由巡察办根据反馈意见下达，被巡察单位不能删除；如有错误，请联系巡察办"


def owned_fields(model: str) -> dict[str, str]:
    """field → owning step of `model` (empty when it has none)."""
    return OWNED.get(model, {})


def is_admin(roles) -> bool:
    return ADMIN in set(roles or ())


def locked_fields(model: str, roles) -> dict[str, str]:
    """field → step of the owned fields of `model` that a caller with `roles` may not write on a generic path."""
    if is_admin(roles):
        return {}
    roles = set(roles or ())
    return {f: step for f, step in owned_fields(model).items()
            if not roles & DIRECT_WRITERS.get((model, f), frozenset())}


def refusal_message(field_label: str, step: str) -> str:
    return f"「{field_label}」由「{step}」步骤填写，不能直接修改：请通过「{step}」办理"


def write_refusal(model: str, changed: list[str], roles, labels: dict | None = None) -> tuple[str, str] | None:
    """The first owned field among `changed` that the caller (with `roles`) may not write: (field, message).

    :param changed: the fields a generic write (form, JSON body, import row) would change.
    """
    owned = locked_fields(model, roles)
    for name in changed:
        base = name[:-3] if name.endswith("_id") and name[:-3] in owned else name
        if base in owned:
            return base, refusal_message(str((labels or {}).get(base, base)), owned[base])
    return None
