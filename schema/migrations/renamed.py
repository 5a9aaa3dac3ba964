"""Revision ids renamed in place, and the re-stamp env.py runs before every migration command."""

import sqlalchemy as sa

# Revision ids renamed so that file names and ids sort in chain order (issue 16): old id -> new id. A database
# stamped with an old id is re-stamped before Alembic reads its version, so `flask setup` upgrades it as usual.
# An old id never reappears as a new one, so the translation is unambiguous and a second run changes nothing.
RENAMED_REVISIONS = {"0003a": "0003c", "0003e": "0003d"}


def translate_renamed_revisions(connection) -> None:
    """Rewrite old revision ids in alembic_version to their new names, committing on `connection`.

    Always ends the transaction it began: Alembic treats a connection already in one as the caller's and would
    leave its migrations uncommitted.
    """
    if sa.inspect(connection).has_table("alembic_version"):
        version = sa.table("alembic_version", sa.column("version_num"))
        for old, new in RENAMED_REVISIONS.items():
            connection.execute(sa.update(version).where(version.c.version_num == old).values(version_num=new))
    connection.commit()
