"""八（一）归档材料: which of the required documents an inspection's archive volume holds, and what is missing.

"巡察组严格执行保密规定。指定专人负责巡察材料的立卷归档，并填写归档材料清单。" The requirements are rows
(seeds/archive_requirements.csv, 系统设置 → 归档要求); this one pure function answers for the volume page, the REST
check, the handover step and the tests alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from schema.enums import ARCHIVE_STAGES


@dataclass(frozen=True)
class Requirement:
    code: str
    stage: str
    seq: int
    title: str
    kind: str  # 文书 / 业务
    attachment_no: int | None = None
    record_type: str | None = None  # recognised by the inspection's records of this type (no file of its own)
    applies_if: str | None = None  # required only when the inspection has records of this type

    @property
    def name(self) -> str:
        return f"附件{self.attachment_no} {self.title}" if self.attachment_no else self.title

    @property
    def missing_text(self) -> str:
        return f"缺少：{self.name}（{self.stage}，{self.kind}）"


@dataclass(frozen=True)
class Collected:
    """An archive item as the check sees it: the requirement it was filed under, the 附件 of its document."""

    requirement_code: str | None = None
    attachment_no: int | None = None


@dataclass
class StageCheck:
    stage: str
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)


@dataclass
class ArchiveCheck:
    stages: list[StageCheck]
    missing: list[Requirement]
    collected: int = 0  # the volume's items

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def messages(self) -> list[str]:
        return [r.missing_text for r in self.missing]

    def as_dict(self) -> dict:
        return {
            "complete": self.complete,
            "missing": self.messages,
            "missing_codes": [r.code for r in self.missing],
            "stages": [{"stage": s.stage, "present": s.present, "missing": s.missing,
                        "not_applicable": s.not_applicable} for s in self.stages],
        }


def is_met(req: Requirement, items: Iterable[Collected]) -> bool:
    """Filed under the requirement, or (for a 附件) any item whose document is that 附件."""
    return any(i.requirement_code == req.code
               or (req.attachment_no is not None and i.attachment_no == req.attachment_no) for i in items)


def check_archive(requirements: Iterable[Requirement], items: Iterable[Collected],
                  record_types: Iterable[str]) -> ArchiveCheck:
    """Per stage (procedure order), the requirements present, missing and not applicable.

    :param requirements: the active requirements
    :param items: the volume's items
    :param record_types: the record types the inspection has at least one record of (ARCHIVE_RECORD_TYPES)
    """
    items, present_types = list(items), set(record_types)
    order = {s: i for i, s in enumerate(ARCHIVE_STAGES)}
    reqs = sorted(requirements, key=lambda r: (order.get(r.stage, len(order)), r.seq, r.code))
    stages: dict[str, StageCheck] = {}
    missing: list[Requirement] = []
    for req in reqs:
        stage = stages.setdefault(req.stage, StageCheck(req.stage))
        label = f"{req.name}（{req.kind}）"
        if is_met(req, items):
            stage.present.append(label)
        elif req.applies_if is not None and req.applies_if not in present_types:
            stage.not_applicable.append(label)
        else:
            stage.missing.append(label)
            missing.append(req)
    return ArchiveCheck(list(stages.values()), missing, len(items))
