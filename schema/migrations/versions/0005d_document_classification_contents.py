"""a document's 密级 and the confidential records it contains

Revision ID: 0005d
Revises: 0005c
Create Date: 2026-12-03 11:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005d'
down_revision = '0005c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('classification', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('contents', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('contents')
        batch_op.drop_column('classification')
