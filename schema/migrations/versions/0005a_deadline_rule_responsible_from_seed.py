"""deadline_rule.responsible from the seed file on rules that still hold 0002's column default

Revision ID: 0005a
Revises: 0004e
Create Date: 2026-12-03 11:40:00

0002 added `responsible` with server default 巡察组 and the loader inserts only missing rules, so on a database
whose rules predate 0002 every rule said 巡察组 and every reminder went to the team (issue 16). This sets the
value seeds/deadline_rules.csv gives, frozen here as it stood at this revision, on rules that still hold the
default and whose responsible party no one has edited (an edit leaves a 修改 row in change_log naming the field).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005a'
down_revision = '0004e'
branch_labels = None
depends_on = None

OLD_DEFAULT = '巡察组'
# seeds/deadline_rules.csv at this revision, rules whose party is not the default
SEED_RESPONSIBLE = {
    'D2': '巡察办', 'D4': '被巡察单位', 'D5': '巡察办', 'D6': '巡察办', 'D7': '被巡察单位', 'D8': '被巡察单位',
    'D9': '被巡察单位', 'D10': '接收部门', 'D11': '接收部门',
}

rule = sa.table('deadline_rule', sa.column('id', sa.Integer), sa.column('code', sa.String),
                sa.column('responsible', sa.String))
change_log = sa.table('change_log', sa.column('entity', sa.String), sa.column('entity_id', sa.Integer),
                      sa.column('operation', sa.String), sa.column('changes', sa.JSON))


def upgrade():
    conn = op.get_bind()
    edited = {entity_id for entity_id, changes in conn.execute(
        sa.select(change_log.c.entity_id, change_log.c.changes).where(
            change_log.c.entity == 'deadline_rule', change_log.c.operation == '修改'))
        if 'responsible' in (changes or {})}
    for code, party in SEED_RESPONSIBLE.items():
        conn.execute(sa.update(rule).where(rule.c.code == code, rule.c.responsible == OLD_DEFAULT,
                                           rule.c.id.not_in(edited)).values(responsible=party))


def downgrade():
    pass  # the corrected values are right on the older schema too; nothing to undo
