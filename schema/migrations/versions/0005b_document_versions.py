"""document versions: one generated 附件 per subject, versions 草稿/定稿, page count

Revision ID: 0005b
Revises: 0005a
Create Date: 2026-12-03 11:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005b'
down_revision = '0005a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('state', sa.Enum('草稿', '定稿', name='document_state', native_enum=False,
                                                       create_constraint=True, length=8), nullable=True))
        batch_op.add_column(sa.Column('content_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('finalized_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('finalized_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('page_count', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_subject'), ['subject'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_document_subject_version'), ['subject', 'version'])


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_document_subject_version'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_document_document_state'), type_='check')
        batch_op.drop_index(batch_op.f('ix_document_subject'))
        for column in ('page_count', 'finalized_at', 'finalized_by', 'content_key', 'state', 'version', 'subject'):
            batch_op.drop_column(column)
