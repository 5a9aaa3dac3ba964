"""code rule: the patterns 信访编号 and 线索编号 are generated from, editable by admins

Revision ID: 0005m
Revises: 0005l
Create Date: 2026-12-03 15:20:00

Issue 14 item 2: a petition or clue saved with its 编号 blank gets the next code of its rule (app.rules.codes). The
two rules start as the demo's and the 巡察办's habit: XC{年}-{巡察}-{序号} and XS{年}-{巡察}-{序号}.
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0005m'
down_revision = '0005l'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'code_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('model', sa.Enum('Petition', 'Clue', name='code_rule_model', native_enum=False,
                                   create_constraint=True, length=20), nullable=False),
        sa.Column('pattern', sa.String(length=60), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_code_rule')),
        sa.UniqueConstraint('model', name=op.f('uq_code_rule_model')),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(table, [
        {"model": "Petition", "pattern": "XC{年}-{巡察}-{序号}", "is_active": True, "created_at": now, "updated_at": now},
        {"model": "Clue", "pattern": "XS{年}-{巡察}-{序号}", "is_active": True, "created_at": now, "updated_at": now},
    ])


def downgrade():
    op.drop_table('code_rule')
