"""reference stamp: a random value the database renews on every write to the reference tables admins keep

Revision ID: 0005o
Revises: 0005n
Create Date: 2026-12-04 12:40:00

The deadline rules, the calendar, the active templates, the repeat rules, the archive requirements and FAB's
permissions are read by nearly every page and change only when an admin edits them. Each process keeps them in
memory (app.reference) for as long as reference_stamp holds the same value, which these triggers renew inside the
writing transaction (so a reader sees the new stamp exactly when it sees the new rows, on every host and whoever
writes: a screen, the CLI, bulk SQL). A page then reads one stamp instead of each table.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005o'
down_revision = '0005n'
branch_labels = None
depends_on = None

TABLES = ("deadline_rule", "calendar_day", "document_template", "repeat_rule", "archive_requirement",
          "ab_permission", "ab_view_menu", "ab_permission_view", "ab_permission_view_role")
EVENTS = ("INSERT", "UPDATE", "DELETE")
SQLITE_RENEW = "UPDATE reference_stamp SET stamp = lower(hex(randomblob(16))) WHERE id = 1"
PG_FUNCTION = """CREATE FUNCTION reference_stamp_renew() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reference_stamp SET stamp = md5(random()::text || clock_timestamp()::text) WHERE id = 1;
  RETURN NULL;
END $$"""


def upgrade():
    op.create_table('reference_stamp',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('stamp', sa.String(length=40), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_stamp')))
    op.execute("INSERT INTO reference_stamp (id, stamp) VALUES (1, 'initial')")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TABLES:  # one renewal per statement, whatever the rows
            op.execute(f"CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION reference_stamp_renew()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"CREATE TRIGGER {table}_stamp_{event.lower()} AFTER {event} ON {table} "
                           f"BEGIN {SQLITE_RENEW}; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_stamp ON {table}")
        op.execute("DROP FUNCTION reference_stamp_renew()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_stamp_{event.lower()}")
    op.drop_table('reference_stamp')
