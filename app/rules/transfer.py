"""Completeness of a transfer package (六（二）2): every clue carries each required kind of material, or says why not.

"移送的问题线索要目录清晰、内容完整、建议明确、材料齐全、手续完备。主要包括：信访材料、谈话情况摘录、调阅或复制的
重要文件资料等证明材料、专题调研报告及材料以及巡察组认为必要的其他情况等。"
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from schema.enums import REQUIRED_EXHIBIT_KINDS


@dataclass(frozen=True)
class Exhibit:
    kind: str
    has_file: bool
    absent_reason: str | None


@dataclass(frozen=True)
class PackageClue:
    label: str  # 线索编号, or the summary's start
    status: str
    disposal: str | None
    department_id: int | None
    exhibits: Sequence[Exhibit]


def missing_items(clue: PackageClue, required: Iterable[str] = REQUIRED_EXHIBIT_KINDS) -> list[str]:
    """The kinds this clue lacks: neither a file of that kind nor a stated reason for its absence."""
    present = {e.kind for e in clue.exhibits if e.has_file or (e.absent_reason or "").strip()}
    return [kind for kind in required if kind not in present]


def problems(department_id: int, clues: Sequence[PackageClue]) -> list[str]:
    """Every reason, in Chinese, why this batch cannot be transferred to `department_id` yet (empty: it can)."""
    if not clues:
        return ["移送批次中没有问题线索"]
    out = []
    for clue in clues:
        if clue.status != "党委决定":
            out.append(f"线索 {clue.label}：状态为「{clue.status}」，须经学校党委作出分类处置的决定后才能移送")
        if clue.disposal != "移送类":
            out.append(f"线索 {clue.label}：处置方式为「{clue.disposal or '未定'}」，不是移送类")
        if clue.department_id != department_id:
            out.append(f"线索 {clue.label}：决定的接收部门与本批次的接收部门不一致")
        lacking = missing_items(clue)
        if lacking:
            out.append(f"线索 {clue.label}：缺少{'、'.join('「' + k + '」' for k in lacking)}"
                       "（请上传材料，或说明缺少的原因）")
    return out
