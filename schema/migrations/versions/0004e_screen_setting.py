"""screen settings (界面配置)

Revision ID: 0004e
Revises: 0004d
Create Date: 2026-12-02 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004e'
down_revision = '0004d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('screen_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screen', sa.String(length=100), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=True),
    sa.Column('labels', sa.JSON(), nullable=True),
    sa.Column('filters', sa.JSON(), nullable=True),
    sa.Column('order_column', sa.String(length=100), nullable=True),
    sa.Column('order_direction', sa.String(length=4), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screen_setting')),
    sa.UniqueConstraint('screen', name=op.f('uq_screen_setting_screen'))
    )


def downgrade():
    op.drop_table('screen_setting')
