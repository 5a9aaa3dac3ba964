"""dashboard indexes: clues and rectification items counted per inspection and status from the index alone

Revision ID: 0004d
Revises: 0004c
Create Date: 2026-12-02 01:20:00

benchmarks/dashboard.py (PostgreSQL, 1,000,000 clues and 1,000,000 rectification items) measured the charts that
group these tables by inspection and status; these two indexes let them read the index instead of the table.
"""
from alembic import op

revision = '0004d'
down_revision = '0004c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clue', schema=None) as batch_op:
        batch_op.create_index('ix_clue_inspection_status_department', ['inspection_id', 'status', 'department_id'],
                              unique=False)
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_item_inspection_status', ['inspection_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_item_inspection_status')
    with op.batch_alter_table('clue', schema=None) as batch_op:
        batch_op.drop_index('ix_clue_inspection_status_department')
