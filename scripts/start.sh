#!/usr/bin/env bash
# One command: install, create the embedded SQLite database with demo data, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e . >/dev/null
scripts/assets.sh  # ECharts for 领导看板, into our own static files
export XCT_ENV=development
unset DATABASE_URL REDIS_URL
.venv/bin/flask --app app setup
.venv/bin/flask --app app seed demo
.venv/bin/flask --app app deadlines scan  # the day's D1–D12 for 我的待办, the home page and 领导看板 (daily on a worker)
PORT=${PORT:-5000}
echo
echo "巡察通已启动：http://127.0.0.1:${PORT}/"
echo "登录：admin / $(.venv/bin/python -c 'from seeds.demo import DEMO_PASSWORD; print(DEMO_PASSWORD)')（各角色演示账号见 README）"
exec .venv/bin/flask --app app run --host 127.0.0.1 --port "$PORT"
