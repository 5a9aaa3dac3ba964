#!/usr/bin/env bash
# One command: install, create the embedded SQLite database with demo data, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
bash scripts/install_ldap.sh --build-only  # libldap/libsasl2 headers: python-ldap builds from source
.venv/bin/pip install -q -c constraints.txt -e . >/dev/null
scripts/assets.sh  # ECharts for 领导看板, into our own static files
# Debian LibreOffice for the PDF of every document (apt-get when missing; without it a PDF download says why).
bash scripts/install_office.sh
export XCT_ENV=development
unset DATABASE_URL REDIS_URL
PORT=${PORT:-5000}
URL="http://127.0.0.1:${PORT}/"
# 码上巡察 posters and 附件7 公告 print the public address (config PUBLIC_URL); here, the one printed below
# (set before the seed: the demo's 公告 are generated outside a request).
export PUBLIC_URL=${PUBLIC_URL:-$URL}
.venv/bin/flask --app app setup
.venv/bin/flask --app app seed demo
.venv/bin/flask --app app deadlines scan  # the day's D1–D12 for 我的待办, the home page and 领导看板 (daily on a worker)
# The address is printed only once the app answers on it (a port already taken, or a start-up error, says so).
.venv/bin/flask --app app run --host 127.0.0.1 --port "$PORT" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null' INT TERM
UP=""
for _ in $(seq 1 60); do
  if .venv/bin/python -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1] + 'login/', timeout=2)" "$URL" 2>/dev/null; then
    echo
    echo "巡察通已启动：${URL}"
    echo "登录：admin / $(.venv/bin/python -c 'from seeds.demo import DEMO_PASSWORD; print(DEMO_PASSWORD)')（各角色演示账号见 README）"
    UP=1
    break
  fi
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "巡察通未能启动（端口 ${PORT} 是否已被占用？可用 PORT=5001 bash scripts/start.sh 换一个端口）" >&2
    exit 1
  fi
  sleep 1
done
[ -n "$UP" ] || echo "巡察通 60 秒内未在 ${URL} 应答，请查看上面的输出" >&2
wait "$SERVER"
