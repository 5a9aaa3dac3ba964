#!/usr/bin/env bash
# 测试用的真实 CAS 服务器：PyPI 上的 django-cas-server，装进独立的虚拟环境（CAS_VENV，默认 .venv/cas-server，
# 在已被 git 忽略的 .venv 目录下），不是本项目的依赖（不把 Django 带进项目）。tests/test_sso.py 的夹具从这里启动它（tests/cas_real.py）；没有时本机跳过并说明原因，
# CI（REQUIRE_CAS 或 REQUIRE_PG）失败。安装失败不在这里终止，原因写入 ${CAS_VENV}/install.log。
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${CAS_VENV:-.venv/cas-server}
PY=${PYTHON:-python3}
VERSION=${CAS_SERVER_VERSION:-3.1.0}
mkdir -p "$(dirname "$VENV")"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
if "$VENV/bin/python" -c "import cas_server" 2>/dev/null; then
  exit 0
fi
if ! "$VENV/bin/pip" install -q "django-cas-server==${VERSION}" >"$VENV/install.log" 2>&1; then
  echo "django-cas-server 未能安装（见 $VENV/install.log），CAS 真实服务器测试将跳过" >&2
fi
exit 0
