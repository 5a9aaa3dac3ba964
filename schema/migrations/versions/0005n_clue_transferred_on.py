"""clue transferred on: the day the first sent transfer carrying the clue left, kept by the database itself

Revision ID: 0005n
Revises: 0005m
Create Date: 2026-12-04 03:40:00

六（二）3 "巡察组不留存移送材料": a team sees a clue only until it is transferred. Asking "is this clue in a sent
transfer" for every clue of a team's inspections was an anti-join over transfer_clue and transfer per clue
(benchmarks/dashboard.py at 1,000,000 clues: 332 ms for the 组长's clue chart, 336 ms for the trends). The answer is
now a column of the clue, kept by triggers on transfer_clue and transfer, so every writer (the 移送 step, the REST
contract's transfer writes, a deleted batch, bulk SQL) keeps it true, and a partial index holds the clues a team
still sees. PostgreSQL: statement-level triggers over transition tables (one UPDATE per statement, not per row);
SQLite: row triggers.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005n'
down_revision = '0005m'
branch_labels = None
depends_on = None

# The value of one clue: the earliest day a transfer listing it was sent (NULL: not sent).
SENT_ON = ("(SELECT min(t.transferred_on) FROM transfer_clue tc JOIN transfer t ON t.id = tc.transfer_id "
           "WHERE tc.clue_id = clue.id)")
# The SQL below is assembled from this module's own constants only (no input reaches it): bandit's B608 waived.
SQLITE_SET = f"UPDATE clue SET transferred_on = {SENT_ON} WHERE transferred_on IS NOT {SENT_ON}"  # nosec B608

SQLITE_UP = (
    f"CREATE TRIGGER transfer_clue_sent_ai AFTER INSERT ON transfer_clue BEGIN {SQLITE_SET} AND id = new.clue_id; END",
    f"CREATE TRIGGER transfer_clue_sent_ad AFTER DELETE ON transfer_clue BEGIN {SQLITE_SET} AND id = old.clue_id; END",
    (f"CREATE TRIGGER transfer_clue_sent_au AFTER UPDATE ON transfer_clue BEGIN "
     f"{SQLITE_SET} AND id IN (old.clue_id, new.clue_id); END"),
    (f"CREATE TRIGGER transfer_sent_au AFTER UPDATE OF transferred_on ON transfer BEGIN "  # nosec B608
     f"{SQLITE_SET} AND id IN (SELECT clue_id FROM transfer_clue WHERE transfer_id = new.id); END"),
    (f"CREATE TRIGGER transfer_sent_ad AFTER DELETE ON transfer BEGIN "  # nosec B608
     f"{SQLITE_SET} AND id IN (SELECT clue_id FROM transfer_clue WHERE transfer_id = old.id); END"),
)
SQLITE_DOWN = tuple(f"DROP TRIGGER {name}" for name in (
    "transfer_sent_ad", "transfer_sent_au", "transfer_clue_sent_au", "transfer_clue_sent_ad", "transfer_clue_sent_ai"))

# PostgreSQL: each function reads the statement's transition table `changed` (transfer_clue or transfer rows) and
# sets the clues it names with joins, not a subquery per clue (600,000 links added in one statement: seconds).
_FUNCTION = """CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH ids AS ({ids}),
  sent AS (SELECT ids.clue_id, min(t.transferred_on) AS sent_on FROM ids
           LEFT JOIN transfer_clue tc ON tc.clue_id = ids.clue_id LEFT JOIN transfer t ON t.id = tc.transfer_id
           GROUP BY ids.clue_id)
  UPDATE clue SET transferred_on = sent.sent_on FROM sent
  WHERE clue.id = sent.clue_id AND clue.transferred_on IS DISTINCT FROM sent.sent_on;
  RETURN NULL;
END $$"""
PG_FUNCTIONS = {
    "clue_sent_by_link": "SELECT DISTINCT clue_id FROM changed",
    "clue_sent_by_transfer": "SELECT DISTINCT tc.clue_id FROM transfer_clue tc JOIN changed ON changed.id = tc.transfer_id",
}
# (trigger, table, event, transition table, function)
PG_TRIGGERS = (
    ("transfer_clue_sent_ai", "transfer_clue", "INSERT", "NEW", "clue_sent_by_link"),
    ("transfer_clue_sent_ad", "transfer_clue", "DELETE", "OLD", "clue_sent_by_link"),
    ("transfer_clue_sent_au_old", "transfer_clue", "UPDATE", "OLD", "clue_sent_by_link"),
    ("transfer_clue_sent_au_new", "transfer_clue", "UPDATE", "NEW", "clue_sent_by_link"),
    ("transfer_sent_au", "transfer", "UPDATE", "NEW", "clue_sent_by_transfer"),
    # a deleted transfer's list goes by ON DELETE CASCADE, which fires transfer_clue_sent_ad
)


def upgrade():
    with op.batch_alter_table('clue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transferred_on', sa.Date(), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name, ids in PG_FUNCTIONS.items():
            op.execute(_FUNCTION.format(name=name, ids=ids))
        for trigger, table, event, side, function in PG_TRIGGERS:
            op.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {side} TABLE AS changed "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
        op.execute("UPDATE clue SET transferred_on = sent.sent_on FROM (SELECT tc.clue_id, min(t.transferred_on) AS "
                   "sent_on FROM transfer_clue tc JOIN transfer t ON t.id = tc.transfer_id GROUP BY tc.clue_id) sent "
                   "WHERE clue.id = sent.clue_id")
    else:
        for statement in SQLITE_UP:
            op.execute(statement)
        # the module's own constants (see SQLITE_SET)
        op.execute(f"{SQLITE_SET} AND id IN (SELECT clue_id FROM transfer_clue)")  # nosec B608
    # the clues a team still sees, grouped by inspection, status and department (领导看板) from the index alone
    op.create_index('ix_clue_unsent', 'clue', ['inspection_id', 'status', 'department_id'], unique=False,
                    postgresql_where=sa.text('transferred_on IS NULL'), sqlite_where=sa.text('transferred_on IS NULL'))


def downgrade():
    op.drop_index('ix_clue_unsent', table_name='clue')
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table, *_ in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
    with op.batch_alter_table('clue', schema=None) as batch_op:
        batch_op.drop_column('transferred_on')
