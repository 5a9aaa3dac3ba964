"""检索: the search box and GET /api/v1/search (issue 17 §3) over the index app.search keeps.

Within the caller's scope and masking:
- each type's hits are the rows the caller's lists show, by the one scope function (app.scope.scope_criterion);
- a petitioner's identity (`secret`) is matched only for those who may reveal it (app.commands.identity: 巡察办,
  管理员, the inspection's 组长) and even then never shown in the snippet: showing it still takes a recorded reason
  on the petition's page;
- every hit shown in a confidential record (app.audit.READ_LOGGED) is recorded as a read through channel 搜索.

Matching: SQLite answers queries of three or more characters from the FTS5 trigram index; a trigram cannot hold
two characters, so a two-character query falls back to LIKE over the same table. PostgreSQL answers both with
LIKE '%q%' (ILIKE only for words with case), which the pg_trgm GIN index serves from three characters.

Which comes first (benchmarks/search.py, 1,000,000 records): a scoped reader — a team, a unit's liaison, a receiving
department — sees a few thousand records, and a common word ("经费", "科研经费") is in hundreds of thousands; the
query starts from the reader's records (hits()) and tests the text of those only. Starting from the text index,
or testing an OR scope (a meeting's) against every row, cost 0.4–1.3 s there. A reader who sees everything
(巡察办, 领导小组, 管理员) would have a common word's 450,000 hits counted and ranked: 1.7–4.2 s there. Their query
takes the newest CANDIDATES hits (the index read from the newest entry down, stopping there), ranks those, and says
"more than CANDIDATES" instead of counting the rest: a clerk narrows the words rather than pages through thousands.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from markupsafe import Markup, escape

from app.audit import READ_LOGGED, record_read
from app.commands import CommandError
from app.commands.identity import ANY_PETITION_ROLES, OWN_TEAM_POSITION, OWN_TEAM_ROLE
from app.extensions import db
from app.scope import scope_criterion
from app.search import SEARCHED, resource_name
from schema import Inspection, Person, Petition, SearchEntry, TeamMember
from schema.search import FTS_TABLE

CHANNEL = "搜索"
MIN_CHARS, MAX_CHARS = 2, 50
TRIGRAM = 3  # the shortest query a trigram index answers
LIMIT_DEFAULT, LIMIT_MAX = 20, 100
CANDIDATES = 1000  # hits ranked for a reader who sees everything (the newest); beyond: "more than" (module docstring)
SNIPPET_BEFORE, SNIPPET_AFTER = 30, 60
IDENTITY_HIT = "信访人身份与检索词相符（已隐藏，查看须在信访件页面说明理由）"
MODELS = {resource_name(m): m for m in SEARCHED}
TYPE_LABELS = {"talk": "个别谈话", "petition": "信访件", "clue": "问题线索", "finding": "发现的问题",
               "material": "调阅资料", "meeting": "会议", "document": "文书"}


class SearchInvalid(CommandError):
    status = 400


def clean_query(q) -> str:
    text = " ".join(q.split()) if isinstance(q, str) else ""
    if len(text) < MIN_CHARS:
        raise SearchInvalid(f"「检索词」至少 {MIN_CHARS} 个字", field="q")
    if len(text) > MAX_CHARS:
        raise SearchInvalid(f"「检索词」不能超过 {MAX_CHARS} 个字", field="q")
    return text


def clean_limit(limit) -> int:
    if limit in (None, ""):
        return LIMIT_DEFAULT
    try:
        value = int(limit)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= LIMIT_MAX:
        raise SearchInvalid(f"「条数」须为 1 到 {LIMIT_MAX} 的整数", field="limit")
    return value


def _like(column, q: str, dialect: str):
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"
    # ILIKE folds case row by row, ten times slower than LIKE over Chinese text (benchmarks/search.py); words
    # without case (Chinese, digits) need no folding, and the pg_trgm index serves LIKE as well as ILIKE.
    folds = dialect == "postgresql" and q.lower() != q.upper()
    return column.ilike(pattern, escape="\\") if folds else column.like(pattern, escape="\\")


def _fts(column: str, q: str):
    """Rows whose `column` contains `q`, from the FTS5 trigram index (SQLite, len(q) ≥ 3)."""
    phrase = '"' + q.replace('"', '""') + '"'
    return SearchEntry.id.in_(sa.select(sa.literal_column("rowid")).select_from(sa.table(FTS_TABLE))
                              .where(sa.literal_column(FTS_TABLE).op("MATCH")(f"{column} : {phrase}")))


def _contains(column: str, q: str, dialect: str):
    if dialect == "sqlite" and len(q) >= TRIGRAM:
        return _fts(column, q)
    return _like(getattr(SearchEntry, column), q, dialect)  # two characters: LIKE over the same table


def _roles(user) -> set[str]:
    return {role.name for role in getattr(user, "roles", None) or []}


def _revealable(user):
    """The petitions whose identity `user` may reveal (app.commands.identity.may_reveal, as SQL), or None."""
    roles = _roles(user)
    if roles & ANY_PETITION_ROLES:
        return sa.true()
    if OWN_TEAM_ROLE not in roles:
        return None
    led = (sa.select(Petition.id).join(Inspection, Inspection.id == Petition.inspection_id)
           .join(TeamMember, TeamMember.team_id == Inspection.team_id).join(Person, Person.id == TeamMember.person_id)
           .where(Person.username == user.username, TeamMember.role == OWN_TEAM_POSITION))
    return sa.and_(SearchEntry.entity == resource_name(Petition), SearchEntry.entity_id.in_(led))


def _disjuncts(crit) -> list:
    """The arms of a scope criterion that is an OR (a meeting: its inspection's, or its round's when it has no
    inspection), else the criterion alone. Each arm is one branch of the query: PostgreSQL serves `x IN (…)` from an
    index only outside an OR, and scans the whole table (100,000 meetings) for the OR of two."""
    if isinstance(crit, sa.sql.elements.BooleanClauseList) and crit.operator is sa.sql.operators.or_:
        return list(crit.clauses)
    return [crit]


def _hit(user, q: str, dialect: str):
    """The entries whose text holds `q`; the identity (`secret`) only where `user` may reveal it."""
    hit = _contains("body", q, dialect)
    revealable = _revealable(user)
    if revealable is not None:
        hit = sa.or_(hit, sa.and_(SearchEntry.secret.is_not(None), _contains("secret", q, dialect), revealable))
    return hit


def hits(user, q: str) -> tuple[sa.Subquery | None, bool]:
    """The entries `user` finds for `q` (entity, entity_id, title, body), as a subquery (None: nothing), and whether
    there are more than it holds (a reader who sees everything: the newest CANDIDATES, module docstring).

    Per type, by the one scope function (app.scope.scope_criterion), each hit joined to its live record. A scoped
    reader (a team, a unit's liaison, a receiving department) sees a few thousand records of a million: the query
    starts from them — one branch per type and per arm of its scope, each through the record's index and then the
    entry's (entity, entity_id) — and tests the text of those entries only; the text index would offer hundreds of
    thousands of rows for a common word (benchmarks/search.py). A reader who sees everything (巡察办, 领导小组,
    管理员) starts from the text index instead."""
    scopes = {name: scope_criterion(model, user) for name, model in MODELS.items()}
    hit = _hit(user, q, db.session.get_bind().dialect.name)
    columns = (SearchEntry.entity, SearchEntry.entity_id, SearchEntry.title, SearchEntry.body)
    if all(crit is None for crit in scopes.values()):
        live = sa.or_(*(sa.and_(SearchEntry.entity == name, sa.exists().where(model.id == SearchEntry.entity_id))
                        for name, model in MODELS.items()))
        # the newest entries down, stopping at one more than CANDIDATES: that one only says there are more
        newest = db.session.scalars(sa.select(SearchEntry.id).where(hit, live).order_by(SearchEntry.id.desc())
                                    .limit(CANDIDATES + 1)).all()
        return (sa.select(*columns).where(SearchEntry.id.in_(newest[:CANDIDATES])).subquery() if newest else None,
                len(newest) > CANDIDATES)
    branches = []
    for name, model in MODELS.items():
        crit = scopes[name]
        if isinstance(crit, sa.sql.elements.False_):
            continue
        entries = sa.select(*columns).join(model, sa.and_(SearchEntry.entity == name,
                                                          SearchEntry.entity_id == model.id)).where(hit)
        arms = [sa.true()] if crit is None else _disjuncts(crit)
        # a record that meets two arms is found by the first only (coalesce: an arm that is NULL did not find it)
        branches.extend(entries.where(arm, *(~sa.func.coalesce(before, sa.false()) for before in arms[:i]))
                        for i, arm in enumerate(arms))
    return (sa.union_all(*branches).subquery() if branches else None), False


def snippet(body: str, q: str) -> Markup:
    """The text around the first hit, escaped, each occurrence of `q` in it wrapped in <mark>."""
    at = body.lower().find(q.lower())
    if at < 0:
        return Markup(escape(IDENTITY_HIT))  # escaped  # nosec B704
    start, end = max(0, at - SNIPPET_BEFORE), min(len(body), at + len(q) + SNIPPET_AFTER)
    window = body[start:end].replace("\n", " ")
    pieces = re.split(f"({re.escape(q)})", window, flags=re.IGNORECASE)
    marked = "".join(f"<mark>{escape(p)}</mark>" if i % 2 else str(escape(p)) for i, p in enumerate(pieces))
    return Markup(("…" if start else "") + marked + ("…" if end < len(body) else ""))  # escaped  # nosec B704


def search(user, q, limit=None) -> dict:
    """{"count": N, "more": bool, "result": [{"type", "id", "title", "snippet"}]}: the best `limit` hits, ranked: a
    hit in the title first, then by how often the words occur, then the newest record. `more`: a reader who sees
    everything has more than N = CANDIDATES hits, of which the newest N were ranked (module docstring)."""
    q, limit = clean_query(q), clean_limit(limit)
    found, more = hits(user, q)
    if found is None:
        return {"count": 0, "more": False, "result": []}
    # lower() runs character by character through the locale, and cost more than the whole scoped query over a
    # team's 4,000 hits: a query without case (Chinese, digits) counts in the text as it is
    folds = q.lower() != q.upper()
    body, title = (sa.func.lower(c) if folds else c for c in (found.c.body, found.c.title))
    # bytes, not characters: removing k occurrences removes k times the word's bytes, and PostgreSQL knows a text's
    # byte length without reading it (length() decodes every character)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    size, unit = (sa.func.octet_length, len(q.lower().encode())) if postgresql else (sa.func.length, len(q))
    occurrences = (size(body) - size(sa.func.replace(body, q.lower(), ""))) / unit
    in_title = sa.case((title.contains(q.lower(), autoescape=True), 1), else_=0)
    # the total rides on the page's rows (a window count): one statement, planned once — planning the scope's
    # subqueries costs as much as running them at a team's scale (benchmarks/search.py)
    rows = db.session.execute(
        sa.select(found.c.entity, found.c.entity_id, found.c.title, found.c.body, sa.func.count().over().label("total"))
        .order_by(in_title.desc(), occurrences.desc(), found.c.entity_id.desc()).limit(limit)).all()
    count = rows[0].total if rows else 0
    result = [{"type": r.entity, "id": r.entity_id, "title": r.title, "snippet": str(snippet(r.body, q))}
              for r in rows]
    for name, model in MODELS.items():
        if model in READ_LOGGED:
            ids = [r["id"] for r in result if r["type"] == name]
            if ids:
                record_read(model, ids, CHANNEL, reason=f"检索：{q}")
    return {"count": count, "more": more, "result": result}
