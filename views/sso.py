"""统一身份认证 → 组角色映射: which role each directory group (LDAP group DN, or the CAS attribute naming it) gives its
members. Read at every SSO login (app.sso.roles_mapping); a user's roles follow their groups then.

Permissions: the resource ``SsoGroupRole`` (read and write), which only Admin holds — no role in
app.permissions.ROLE_GRANTS grants it: who may map a group to Admin may make anyone Admin.
"""

from __future__ import annotations

import sqlalchemy as sa
from wtforms.validators import DataRequired, Length, Regexp

from app.extensions import db
from app.sso import norm_dn
from schema import SsoGroupRole

from .base import XctModelView, XctSQLAInterface

CATEGORY = "系统设置"
LABELS = {"group_dn": "目录组（DN）", "role": "角色", "role_id": "角色", "note": "说明"}


def group_role_rule(item: SsoGroupRole):
    """The DN is stored as compared (app.sso.norm_dn); one group maps to one role once. (field, message) or None."""
    item.group_dn = norm_dn(item.group_dn)
    clash = db.session.scalar(sa.select(SsoGroupRole.id).where(
        SsoGroupRole.group_dn == item.group_dn, SsoGroupRole.role_id == (item.role.id if item.role else None),
        SsoGroupRole.id != (item.id or 0)))
    if clash is not None:
        return "group_dn", "「目录组（DN）」：该目录组已映射到此角色"
    return None


class SsoGroupRoleView(XctModelView):
    datamodel = XctSQLAInterface(SsoGroupRole)
    base_order = ("group_dn", "asc")
    list_columns = ["group_dn", "role", "note"]
    show_columns = add_columns = edit_columns = ["group_dn", "role", "note"]
    search_columns = ["group_dn", "note"]
    order_columns = ["group_dn"]
    label_columns = LABELS
    description_columns = {
        "group_dn": "LDAP 组的 DN，如 cn=xuncha-office,ou=groups,dc=example,dc=edu,dc=cn；"
                    "CAS 登录时与属性 CAS_GROUP_ATTRIBUTE（默认 memberOf）的取值比较，不区分大小写",
        "role": "该组成员每次统一身份认证登录时获得的角色（一个组可映射多个角色，每行一个）",
    }
    validators_columns = {
        "group_dn": [DataRequired(message="请填写「目录组（DN）」"),
                     Length(max=500, message="「目录组（DN）」不能超过 500 个字符"),
                     Regexp(r"^\s*[A-Za-z][\w.-]*\s*=[^,]+(,\s*[A-Za-z][\w.-]*\s*=[^,]+)*\s*$",
                            message="「目录组（DN）」格式应为 属性=值,属性=值，如 cn=巡察办,ou=groups,dc=example,dc=cn")],
        "role": [DataRequired(message="请选择「角色」")],
    }
    item_rule = staticmethod(group_role_rule)


SCREENS = [
    (SsoGroupRoleView, "统一认证组角色映射", CATEGORY, "fa-sitemap"),
]
APIS: list = []
