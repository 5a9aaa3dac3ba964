#!/usr/bin/env bash
# One command: install with test extras, run the suite on SQLite, then again on PostgreSQL.
# Without a PostgreSQL server the second run's tests skip and say why.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e ".[test]" >/dev/null || exit 1
export PG_TEST_URL=${PG_TEST_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
echo "== SQLite =="
.venv/bin/python -m pytest -q "$@"; sqlite_rc=$?
echo "== PostgreSQL =="
.venv/bin/python -m pytest -q --db=postgresql "$@"; pg_rc=$?
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
