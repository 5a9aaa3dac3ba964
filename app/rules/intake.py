"""码上巡察: when an inspection's online intake is open and what a submitter may learn (issue 17 §2).

规程三（二）4: 巡察组进驻后……通过设立意见箱、公布联系电话和邮箱等方式受理来信来电来访 — the online box is one more
意见箱, open while the team works on site: from 巡察开始 (work_start) to 巡察结束 (work_end), both days included.
Pure: dates and strings in, answers out.
"""

from __future__ import annotations

from datetime import date

# What the submitter sees of the register's triage (附件11): the team's working categories stay inside.
PUBLIC_STATUS = {"待处理": "已收到，待巡察组处理", "受理": "已受理", "转办": "已转有关部门办理",
                 "不属受理范围": "不属于本次巡察受理范围", "重复": "已与相同反映合并处理"}
MATTER_MAX = 5000  # characters of 反映的主要问题
CONTACT_MAX = 100  # the register's petitioner_contact
FILES_MAX = 3
FILE_BYTES_MAX = 10 * 1024 * 1024
# Content, not the file's name, decides (app.commands.intake.check_attachment): images and PDF/Office only.
ALLOWED_SUFFIXES = (".jpg", ".jpeg", ".png", ".pdf", ".docx", ".xlsx")


def intake_open(work_start: date | None, work_end: date | None, today: date) -> bool:
    """True while the inspection is in 进驻 (work_start ≤ today ≤ work_end); closed when either date is missing."""
    return work_start is not None and work_end is not None and work_start <= today <= work_end


def closed_message(work_start: date | None, work_end: date | None, today: date) -> str:
    """Why the intake page takes nothing, in Chinese."""
    if work_start is None or work_end is None or today < work_start:
        return "本次巡察尚未开始受理网上反映，请在巡察公告公布的巡察时间内提交"
    return f"本次巡察已于 {work_end.isoformat()} 结束，网上反映渠道已关闭；如有问题可向巡察办反映"


def public_status(triage: str, reply: str | None) -> str:
    """The status a submitter reads with their receipt code and passphrase."""
    if reply:
        return "巡察组已答复"
    return PUBLIC_STATUS.get(triage, "已收到")
