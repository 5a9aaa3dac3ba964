"""The petition register's rules (三（三）4 受理信访, 附件11 受理问题线索登记表)."""

from __future__ import annotations


def triage_problem(petition) -> tuple[str, str] | None:
    """(field, message) when a petition's triage breaks the register's rules (附件11), else None."""
    if petition.triage in ("不属受理范围", "重复", "转办") and not (petition.triage_reason or "").strip():
        return "triage_reason", f"分流为「{petition.triage}」时须填写理由"
    if petition.triage == "重复":
        dup = petition.duplicate_of
        if dup is None:
            return "duplicate_of", "分流为「重复」时须选择重复的信访件"
        if dup is petition or (petition.id is not None and dup.id == petition.id):
            return "duplicate_of", "信访件不能与自身重复"
    elif petition.duplicate_of is not None:
        return "duplicate_of", "只有分流为「重复」的信访件才能关联重复件"
    return None
