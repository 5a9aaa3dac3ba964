"""deadline input: what each subject's deadlines were last computed from, for the incremental daily scan

Revision ID: 0005h
Revises: 0005g
Create Date: 2026-12-03 12:30:00

Issue 18 item 4: the same-day rerun of the scan recomputed 100,000 inspections (66 s); with a fingerprint of each
subject's dates it recomputes only what changed and what today's date changes.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005h'
down_revision = '0005g'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'deadline_input',
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('fingerprint', sa.String(length=32), nullable=False),
        sa.Column('dated_on', sa.Date(), nullable=True),
        sa.Column('scanned_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('subject', name=op.f('pk_deadline_input')),
    )
    with op.batch_alter_table('deadline_input', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_input_scanned_at'), ['scanned_at'], unique=False)


def downgrade():
    with op.batch_alter_table('deadline_input', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_input_scanned_at'))
    op.drop_table('deadline_input')
