"""The search index (issue 17 §3): one row per searchable record, holding the text the search box matches.

Kept in sync by one session event (app.search) and rebuilt by ``flask --app app search reindex``. The engine-
specific index lives beside it, created by migration 0005g only: SQLite an FTS5 table with the trigram tokenizer
(external content: it indexes this table's `body` and `secret` without a second copy), PostgreSQL pg_trgm GIN
indexes serving ILIKE '%…%'.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model

# The SQLite FTS5 table and its shadow tables: made by the migration, outside the ORM metadata.
FTS_TABLE = "search_fts"
FTS_TABLES = frozenset({FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config"))})


class SearchEntry(Model):
    """What one record (`entity` = its resource's table name, `entity_id`) offers to the search box."""

    __tablename__ = "search_entry"
    __table_args__ = (sa.UniqueConstraint("entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    entity_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)  # everything searchable except identities
    # A petitioner's identity (app.audit.identity_columns): searchable only by those who may reveal it.
    secret: Mapped[str | None] = mapped_column(sa.Text)


def outside_metadata(kind: str, name: str) -> bool:
    """Objects the migration makes that the ORM metadata cannot describe (autogenerate must leave them alone)."""
    return (kind == "table" and name in FTS_TABLES) or (kind == "index" and name in PG_INDEXES)


# PostgreSQL only (pg_trgm): made by the migration, not in the metadata, so SQLite carries no B-tree over the text.
PG_INDEXES = frozenset({"ix_search_entry_body_trgm", "ix_search_entry_secret_trgm"})
