#!/usr/bin/env bash
# One command: install with test extras, run bandit and pip-audit, then the suite on SQLite and again on PostgreSQL.
# Without a PostgreSQL server the second run's tests skip and say why.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e ".[test]" >/dev/null || exit 1
scripts/assets.sh || exit 1  # ECharts for 领导看板, into our own static files
# Debian's Chromium for tests/test_browser.py (apt-get when /usr/bin/chromium is missing; never a browser download).
bash scripts/install_browser.sh
export PG_TEST_URL=${PG_TEST_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
echo "== bandit =="
# Waivers are explained in pyproject.toml [tool.bandit] and on the waived lines; bandit's own note about nosec
# comments on multi-line statements is noise.
.venv/bin/bandit -q -c pyproject.toml -r app schema views jobs seeds config.py 2> >(grep -v "nosec encountered" >&2)
bandit_rc=$?
[ $bandit_rc -eq 0 ] && echo "bandit：无未说明的发现"
echo "== pip-audit =="
.venv/bin/python scripts/pip_audit.py; audit_rc=$?
echo "== SQLite =="
.venv/bin/python -m pytest -q "$@"; sqlite_rc=$?
echo "== PostgreSQL =="
.venv/bin/python -m pytest -q --db=postgresql "$@"; pg_rc=$?
[ $bandit_rc -eq 0 ] && [ $audit_rc -eq 0 ] && [ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
