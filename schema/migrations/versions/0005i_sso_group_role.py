"""统一身份认证: sso_group_role (directory group → role, edited by Admin) and cas_ticket (CAS single logout)

Revision ID: 0005i
Revises: 0005h
Create Date: 2026-12-03 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005i'
down_revision = '0005h'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sso_group_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_dn', sa.String(length=500), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['role_id'], ['ab_role.id'], name=op.f('fk_sso_group_role_role_id_ab_role'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_group_role')),
    sa.UniqueConstraint('group_dn', 'role_id', name=op.f('uq_sso_group_role_group_dn_role_id'))
    )
    with op.batch_alter_table('sso_group_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_group_role_group_dn'), ['group_dn'], unique=False)
        batch_op.create_index(batch_op.f('ix_sso_group_role_role_id'), ['role_id'], unique=False)

    op.create_table('cas_ticket',
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('session_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ticket_hash', name=op.f('pk_cas_ticket'))
    )
    with op.batch_alter_table('cas_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cas_ticket_session_hash'), ['session_hash'], unique=False)


def downgrade():
    op.drop_table('cas_ticket')
    op.drop_table('sso_group_role')
