"""After the archive handover (八（二）) nothing of the inspection changes or leaves the team (issue 13, item 4).

八（二） “巡察组应在巡察反馈结束后1个月内……将巡察工作档案移交巡察办”: once handed over, the inspection and every
record under it are read-only on the generic paths for everyone (Admin included), and the team can no longer
export its 附件 or download its files. 巡察办's archive steps (collect, destroy, 附件24) are commands of their own.
"""

from __future__ import annotations

from datetime import date

TEAM_ROLES = frozenset({"TeamLeader", "TeamMember"})

# What goes on after the handover and is therefore not locked by it: 六 成果运用 (rectification, whose report is due
# two months after the feedback, D9, while the archive is handed over within one, D12; transfers and submissions,
# D10/D11) and 七 督查督办. Locking these would stop the unit, the departments and 党委办公室 mid-way.
CONTINUES = frozenset({"Rectification", "RectificationItem", "Transfer", "Submission", "Supervision",
                       "ReboundCheck", "ImmediateFix", "ClueExhibit"})


# The archive's own records keep the lock app.commands.archive puts on them (its message names the volume).
ARCHIVE_OWN = frozenset({"ArchiveVolume", "ArchiveItem", "DestructionRecord"})


def is_locked_kind(model: str) -> bool:
    return model not in CONTINUES and model not in ARCHIVE_OWN


def write_refusal(handed_over_on: date | None, model: str = "Inspection") -> str | None:
    """A generic write to a record (of `model`) of an inspection whose volume was handed over on `handed_over_on`."""
    if handed_over_on is None or not is_locked_kind(model):
        return None
    return (f"本次巡察的档案已于{handed_over_on.isoformat()}移交巡察办（规程八（二）），"
            "巡察及其下的记录均为只读，不能再新增、修改或删除")


def keeps_nothing(roles) -> bool:
    """A caller who is only of a team (no other role): after the handover he takes nothing out (八（二）)."""
    roles = set(roles or ())
    return bool(roles & TEAM_ROLES) and not roles - TEAM_ROLES


def take_out_refusal(handed_over_on: date | None, roles) -> str | None:
    """An export or download by the team after the handover: 巡察组不再保留 (八（二）)."""
    if handed_over_on is None or not keeps_nothing(roles):
        return None
    return (f"本次巡察的档案已于{handed_over_on.isoformat()}移交巡察办（规程八（二）），"
            "巡察组不能再导出附件或下载文件，请向巡察办查阅")
