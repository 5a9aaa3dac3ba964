"""the procedure holds (issue 13): a person's declared conflict (回避) and 巡察办's exemption on a team member

Revision ID: 0005c
Revises: 0005b
Create Date: 2026-12-03 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005c'
down_revision = '0005b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_person_conflict_unit_id_unit'), 'unit', ['conflict_unit_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_person_conflict_unit_id'), ['conflict_unit_id'], unique=False)
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exemption_reason', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_column('exemption_reason')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_conflict_unit_id'))
        batch_op.drop_constraint(batch_op.f('fk_person_conflict_unit_id_unit'), type_='foreignkey')
        batch_op.drop_column('conflict_unit_id')
