"""visit approved on: the date of the step 组长批准走访调研

Revision ID: 0005l
Revises: 0005j
Create Date: 2026-12-03 15:00:00

Issue 13 item 1: 三（三）7 “经巡察组组长批准后……走访相关人员” is a step (app.rules.approvers "visit"); it records the
approver and now the day, as the other approvals do. Existing approvals keep an unknown day (NULL).
"""
import sqlalchemy as sa
from alembic import op

revision = '0005l'
down_revision = '0005j'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('approved_on')
