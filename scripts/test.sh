#!/usr/bin/env bash
# One command: install with test extras, run bandit and pip-audit, then the suite on SQLite and on PostgreSQL, both
# at once. Arguments go to both pytest runs: `bash scripts/test.sh -m "not slow"` leaves out the generated sweeps,
# the browser walks and the fault injections.
# Without a PostgreSQL server the second run's tests skip and say why.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# django-cas-server in a venv of its own (.venv/cas-server), the real CAS server of tests/test_sso.py: a pip install of
# its own (~6 s on a clean clone), run while the project's installs do; waited for before the tests.
bash scripts/install_cas.sh &
cas_pid=$!
.venv/bin/pip install -q --upgrade pip >/dev/null
# Debian slapd for tests/test_sso.py and the libldap headers python-ldap builds against: before the pip install.
bash scripts/install_ldap.sh
.venv/bin/pip install -q -c constraints.txt -e ".[test]" >/dev/null || { wait $cas_pid; exit 1; }
scripts/assets.sh || { wait $cas_pid; exit 1; }  # ECharts for 领导看板, into our own static files
# Debian's Chromium for tests/test_browser.py (apt-get when /usr/bin/chromium is missing; never a browser download).
bash scripts/install_browser.sh
# Debian LibreOffice (headless PDF of every document) and CJK fonts for tests/test_print.py.
bash scripts/install_office.sh
wait $cas_pid
export PG_TEST_URL=${PG_TEST_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
# A machine whose environment says not to write bytecode (PYTHONDONTWRITEBYTECODE, as this one's does) makes every
# process of the tests — both pytest runs, their workers and command-line children — compile the project again and
# pytest rewrite the tests' asserts again: collecting took 10.2 s instead of 3.4. The cache goes under .venv.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/.venv/pycache"
# Both engines at once, each in a process of its own (two cores: one each; the PostgreSQL server's work overlaps the
# SQLite run's), started first: bandit, ruff and pip-audit (mostly waiting on the network) run while they do. Each
# run writes its log, printed when both are done; each gets its own Redis database (the Redis tests empty theirs) and
# its own pytest temporary folder. --split-engines: the modules that do not depend on the engine (tests/conftest.py's
# ONE_ENGINE, the browser tests) run in one of the two runs only.
logs=$(mktemp -d)
REDIS_TEST_URL=${REDIS_TEST_URL:-redis://127.0.0.1:6379/14} \
  .venv/bin/python -m pytest -q --split-engines --basetemp="$logs/tmp-sqlite" "$@" >"$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
REDIS_TEST_URL=${REDIS_TEST_URL_PG:-redis://127.0.0.1:6379/15} \
  .venv/bin/python -m pytest -q --split-engines --basetemp="$logs/tmp-postgresql" --db=postgresql "$@" \
  >"$logs/postgresql.log" 2>&1 &
pg_pid=$!
trap 'kill $sqlite_pid $pg_pid 2>/dev/null' INT TERM
echo "== bandit =="
# Waivers are explained in pyproject.toml [tool.bandit] and on the waived lines; bandit's own note about nosec
# comments on multi-line statements is noise.
.venv/bin/bandit -q -c pyproject.toml -r app schema views jobs seeds config.py 2> >(grep -v "nosec encountered" >&2)
bandit_rc=$?
[ $bandit_rc -eq 0 ] && echo "bandit：无未说明的发现"
echo "== ruff =="
.venv/bin/ruff check --quiet . && echo "ruff：无发现"
ruff_rc=$?
echo "== pip-audit =="
.venv/bin/python scripts/pip_audit.py; audit_rc=$?
wait $sqlite_pid; sqlite_rc=$?
wait $pg_pid; pg_rc=$?
echo "== SQLite =="
cat "$logs/sqlite.log"
echo "== PostgreSQL =="
cat "$logs/postgresql.log"
rm -rf "$logs"
[ $bandit_rc -eq 0 ] && [ $ruff_rc -eq 0 ] && [ $audit_rc -eq 0 ] && [ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
