"""码上巡察: the public intake token of an inspection; receipt code, passphrase hash, reply and duplicate flag of a
petition submitted online

Revision ID: 0005j
Revises: 0005i
Create Date: 2026-12-03 15:00:00

Issue 17 §2 (规程三（二）4 意见箱, 附件7 公告): each inspection's intake page lives at an unguessable token; an online
submission keeps no address, browser or cookie, only a receipt code and a hashed passphrase to read its reply.
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0005j'
down_revision = '0005i'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_token', sa.String(length=43), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_inspection_intake_token'), ['intake_token'])
    inspection = sa.table('inspection', sa.column('id', sa.Integer), sa.column('intake_token', sa.String))
    bind = op.get_bind()
    for (pk,) in bind.execute(sa.select(inspection.c.id)).all():
        bind.execute(inspection.update().where(inspection.c.id == pk).values(intake_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('passphrase_hash', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('reply', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('replied_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('replied_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('suspected_duplicate', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_petition_receipt_code'), ['receipt_code'])
        batch_op.create_index(batch_op.f('ix_petition_replied_by_id'), ['replied_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_petition_replied_by_id_person'), 'person', ['replied_by_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_petition_replied_by_id_person'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_petition_replied_by_id'))
        batch_op.drop_constraint(batch_op.f('uq_petition_receipt_code'), type_='unique')
        for column in ('suspected_duplicate', 'replied_by_id', 'replied_on', 'reply', 'passphrase_hash',
                       'receipt_code'):
            batch_op.drop_column(column)
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_inspection_intake_token'), type_='unique')
        batch_op.drop_column('intake_token')
