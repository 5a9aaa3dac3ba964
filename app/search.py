"""The search index kept in step with the records (issue 17 §3): what each searched model offers, one session
event that upserts or deletes its `search_entry` row on every flush, and the full rebuild behind
``flask --app app search reindex``.

Like the change history (app.audit), the event sees every ORM write path — screens, REST, imports, jobs, seeds —
and writes on the flush's own connection, so the index commits or rolls back with the change itself. Not seen:
rows removed by the database's ON DELETE CASCADE (an inspection deleted with its talks) and Core statements; the
query (app.commands.search) therefore joins every hit to its live record, so a stale entry is never shown, and
``reindex`` removes it.

A petitioner's identity (app.audit.identity_columns) goes to `secret`, never to `body`: the search matches it
only for those who may reveal it.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import MANYTOONE, Session
from sqlalchemy.orm.attributes import set_committed_value

from app.audit import identity_columns
from app.uow import transaction
from schema import Clue, Document, Finding, Material, Meeting, Petition, SearchEntry, Talk

# model → its searched columns (besides its title, str(record)). Identity columns are added to `secret` by
# identity_columns, whatever is listed here.
SEARCHED: dict[type, tuple[str, ...]] = {
    Talk: ("place", "interviewee_category", "outline", "record"),
    Petition: ("code", "channel", "subject_name", "summary", "triage_reason"),
    Clue: ("code", "category", "summary", "proposal_reason", "decision"),
    Finding: ("aspect", "summary", "detail"),
    Material: ("name", "provider_name", "note"),
    Meeting: ("kind", "title", "place", "attendees", "agenda", "minutes"),
    Document: ("title", "original_name"),  # and the text of a generated .docx/.xlsx (document_text)
}
TITLE_MAX = 300
DOCUMENT_TEXT_MAX = 20_000  # characters of a document's text kept for search
DOCUMENT_PART_MAX = 20 * 1024 * 1024  # a generated document's XML part larger than this is not read
# The text runs of Word (w:t) and of Excel's shared and inline strings (t): the words a reader sees.
_TEXT_RUN = re.compile(r"<(?:w:)?t(?:\s[^>]*)?>([^<]*)</(?:w:)?t>")
_PARTS = {".docx": ("word/document.xml",), ".xlsx": ("xl/sharedStrings.xml",)}


def resource_name(model: type) -> str:
    return model.__tablename__


def document_text(doc: Document) -> str:
    """The text of a generated Word or Excel document, read straight from its XML parts (no python-docx or
    openpyxl object model: a 附件 is indexed in milliseconds). Uploaded files are searched by title and name only:
    their contents are not ours to parse inside a flush."""
    if not doc.is_generated or not doc.storage_name or not has_app_context():
        return ""
    suffix = doc.storage_name[doc.storage_name.rfind("."):].lower()
    path = f"{current_app.config['STORAGE_DIR']}/{doc.storage_name}"
    texts: list[str] = []
    try:
        with zipfile.ZipFile(path) as package:
            for part in _PARTS.get(suffix, ()):
                info = package.getinfo(part)
                if info.file_size <= DOCUMENT_PART_MAX:
                    xml = package.read(part).decode("utf-8", "replace")
                    texts.extend(html.unescape(t) for t in _TEXT_RUN.findall(xml))
    except (OSError, KeyError, zipfile.BadZipFile):
        return ""  # destroyed (八（二）销毁), missing or not a package: title and name still searchable
    return "".join(texts)[:DOCUMENT_TEXT_MAX]


def _fill_references(session: Session, obj) -> None:
    """Load the many-to-one records a title names (a talk's interviewee) when the record was given only the key:
    a new record's relation reads None inside its own flush, and the title would lose the name."""
    state = sa.inspect(obj)
    for rel in state.mapper.relationships:
        if rel.direction is MANYTOONE and len(rel.local_columns) == 1 and state.dict.get(rel.key) is None:
            key = getattr(obj, state.mapper.get_property_by_column(next(iter(rel.local_columns))).key)
            if key is not None:
                set_committed_value(obj, rel.key, session.get(rel.mapper.class_, key))


def entry(obj, session: Session | None = None) -> dict:
    """The search_entry row of one record."""
    model = type(obj)
    if session is not None:
        _fill_references(session, obj)
    hidden = identity_columns(model)
    title = str(obj)[:TITLE_MAX]
    parts = [title, *(str(v) for c in SEARCHED[model] if c not in hidden and (v := getattr(obj, c)) not in (None, ""))]
    if model is Document:
        parts.append(document_text(obj))
    secret = [str(v) for c in sorted(hidden) if (v := getattr(obj, c)) not in (None, "")]
    return {"entity": resource_name(model), "entity_id": obj.id, "title": title,
            "body": "\n".join(p for p in parts if p), "secret": "\n".join(secret) or None}


def _keys(pairs: Iterable[tuple[str, int]]) -> sa.ColumnElement:
    return sa.tuple_(SearchEntry.entity, SearchEntry.entity_id).in_(list(pairs))


def _after_flush(session: Session, _flush_context) -> None:
    gone = [(resource_name(type(o)), o.id) for o in session.deleted if type(o) in SEARCHED]
    changed = [o for o in (*session.new, *session.dirty) if type(o) in SEARCHED and o not in session.deleted
               and (o in session.new or session.is_modified(o))]
    if not gone and not changed:
        return
    rows = [entry(o, session) for o in changed]
    # An upsert both engines understand: delete the record's row, insert the new one (one flush, one transaction).
    conn = session.connection()
    conn.execute(sa.delete(SearchEntry).where(_keys([*gone, *((r["entity"], r["entity_id"]) for r in rows)])))
    if rows:
        conn.execute(sa.insert(SearchEntry), rows)


@transaction
def reindex(session: Session, batch: int = 1000) -> int:
    """Rebuild the whole index from the records, in one unit of work; answers the number of entries written."""
    session.execute(sa.delete(SearchEntry))
    written = 0
    for model in SEARCHED:
        for chunk in session.scalars(sa.select(model).execution_options(yield_per=batch)).partitions():
            rows = [entry(o) for o in chunk]
            session.execute(sa.insert(SearchEntry), rows)
            written += len(rows)
            session.expunge_all()  # keep memory flat over a large table
    return written


def register() -> None:
    """Install the index's session event (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
