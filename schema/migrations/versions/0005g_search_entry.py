"""search index: search_entry, with FTS5 trigram (SQLite) or pg_trgm GIN indexes (PostgreSQL)

Existing records are indexed by ``flask --app app search reindex`` (run it once after this upgrade); from then on
the session event in app/search.py keeps the index in step with every write.

Revision ID: 0005g
Revises: 0005f
Create Date: 2026-12-03 12:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005g'
down_revision = '0005f'
branch_labels = None
depends_on = None

# SQLite: an external-content FTS5 table over search_entry, kept in step by triggers (the FTS5 manual's pattern).
_FTS_ROW = "{verb}(rowid, body, secret) VALUES ({row}.id, {row}.body, {row}.secret)"
_FTS_INSERT = "INSERT INTO search_fts" + _FTS_ROW.format(verb="", row="new")
_FTS_DELETE = ("INSERT INTO search_fts(search_fts, rowid, body, secret) "
               "VALUES ('delete', old.id, old.body, old.secret)")
SQLITE_UP = (
    ("CREATE VIRTUAL TABLE search_fts USING fts5(body, secret, content='search_entry', content_rowid='id', "
     "tokenize='trigram')"),
    f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN {_FTS_INSERT}; END",
    f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN {_FTS_DELETE}; END",
    f"CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN {_FTS_DELETE}; {_FTS_INSERT}; END",
)
SQLITE_DOWN = ("DROP TRIGGER search_entry_au", "DROP TRIGGER search_entry_ad", "DROP TRIGGER search_entry_ai",
               "DROP TABLE search_fts")
# PostgreSQL: pg_trgm ships in postgresql-contrib (Debian: part of the postgresql-NN package).
PG_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_entry_body_trgm ON search_entry USING gin (body gin_trgm_ops)",
    "CREATE INDEX ix_search_entry_secret_trgm ON search_entry USING gin (secret gin_trgm_ops)",
)


def upgrade():
    op.create_table('search_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('secret', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry')),
    sa.UniqueConstraint('entity', 'entity_id', name=op.f('uq_search_entry_entity_entity_id'))
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == "sqlite" else PG_UP if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    op.drop_table('search_entry')  # its indexes go with it; the pg_trgm extension stays (others may use it)
