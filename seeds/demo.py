"""The demo data set of `flask --app app seed demo`: one university's 2026 巡察 year, records in every phase.

- 2026年第一轮巡察（常规）: 第一巡察组 at 机械工程学院 (done, archived) and 材料科学与工程学院 (rectification under way),
  第二巡察组 at 计算机与通信工程学院 (done, archived) and 图书馆 (rectification report overdue).
- 2026年第二轮巡察（回头看 of 2025年第二轮巡察）: 第三巡察组 in the field at 党委学生工作部, preparing 后勤集团.
- One login per role (password DEMO_PASSWORD), each linked to its Person by `username`.

Idempotent: if the 2026 annual plan exists, nothing is loaded and {} is returned.
"""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from sqlalchemy import func, select

from app.audit import acting_as
from app.extensions import db
from app.uow import transaction
from app.permissions import ROLES
from schema import AnnualPlan, Model
from seeds.loader import load_reference, reference_missing

# The demo accounts' published password (printed by scripts/start.sh), not a secret: bandit B105 is waived on it.
DEMO_PASSWORD = "XunCha@2026"  # two capitals, a special character, digits, ≥ 10 characters  # nosec B105
DEMO_YEAR = 2026
PLAN_TITLE = "2026年度巡察工作计划"
EMAIL_DOMAIN = "demo.xct.edu.cn"
ACTOR = "演示数据"  # who the change history names for the demo records

# login → (role, name of the Person who is this user)
DEMO_USERS = {
    "admin": ("Admin", "韩磊"),
    "leader": ("LeadingGroup", "陈志远"),
    "office": ("Office", "赵立新"),
    "zuzhang": ("TeamLeader", "王建国"),
    "zuyuan": ("TeamMember", "张伟"),
    "jiwei": ("ReceivingDept", "钱志强"),
    "liaison": ("UnitLiaison", "谢婷"),
    "dangban": ("PartyOffice", "冯振宇"),
}


def d(text: str) -> date:
    return date.fromisoformat(text)


def _table_counts() -> dict[str, int]:
    tables = [t for t in Model.metadata.sorted_tables if not t.name.startswith("ab_")]
    counts = {t.name: db.session.execute(select(func.count()).select_from(t)).scalar() for t in tables}
    user_table = Model.metadata.tables.get("ab_user")
    if user_table is not None:
        counts["ab_user"] = db.session.execute(select(func.count()).select_from(user_table)).scalar()
    return counts


def load_demo() -> dict[str, int]:
    """Load the demo data set; answer the number of rows added per table ({} when already loaded)."""
    sm = current_app.appbuilder.sm
    missing = [name for name in ROLES if sm.find_role(name) is None]
    if missing:
        raise click.ClickException(
            f"缺少角色：{'、'.join(missing)}。请先运行 `flask --app app setup` 创建数据库、角色和基础数据。"
        )
    if reference_missing():
        load_reference()
    exists = db.session.execute(
        select(AnnualPlan.id).where((AnnualPlan.year == DEMO_YEAR) | (AnnualPlan.title == PLAN_TITLE))
    ).first()
    if exists:
        return {}
    before = _table_counts()
    from seeds.demo_builder import DemoBuilder

    with acting_as(ACTOR), transaction():
        DemoBuilder(sm).build()
    after = _table_counts()
    return {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}
