"""change log by actor and time: a user's newest changes from the index's end

Revision ID: 0005p
Revises: 0005o
Create Date: 2026-12-04 13:05:00

The home page's 我最近处理的记录 asks for one user's newest changes. With an index on the actor alone, PostgreSQL chose
to walk the time index backwards and filter by actor, which reads the whole history for a user with few or no
changes (benchmarks/dashboard.py, 1,000,000 change rows: 250 ms for admin). (actor, at, id) answers it from the end
of one user's range, and still serves every lookup by actor alone, so it replaces ix_change_log_actor.
"""
from alembic import op

revision = '0005p'
down_revision = '0005o'
branch_labels = None
depends_on = None


def upgrade():  # plain index statements: a batch copy of the table would drop its append-only triggers (0003b)
    op.create_index('ix_change_log_actor_at', 'change_log', ['actor', 'at', 'id'], unique=False)
    op.drop_index('ix_change_log_actor', table_name='change_log')


def downgrade():
    op.create_index('ix_change_log_actor', 'change_log', ['actor'], unique=False)
    op.drop_index('ix_change_log_actor_at', table_name='change_log')
