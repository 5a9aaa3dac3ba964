#!/usr/bin/env bash
# Debian 的 OpenLDAP 服务器 slapd 与 ldap-utils（tests/test_sso.py 的夹具在空闲端口上启动自己的 slapd），以及编译
# python-ldap（Flask-AppBuilder 的 AUTH_LDAP 用它）所需的 libldap/libsasl2 头文件：缺少时用 apt-get 非交互地安装
# （scripts/apt_ensure.sh）。须在 pip 安装之前运行。安装失败不在这里终止：LDAP 测试本机跳过并说明原因，
# CI（REQUIRE_LDAP 或 REQUIRE_PG）失败。原因写入 .venv/ldap-install.log，测试读取它。
# `install_ldap.sh --build-only`（scripts/start.sh 用）只装编译 python-ldap 所需的头文件，不装测试用的 slapd。
set -uo pipefail
cd "$(dirname "$0")/.."
NEED=()
if [ "${1:-}" != "--build-only" ]; then
  [ -x /usr/sbin/slapd ] || NEED+=(slapd)
  command -v ldapadd >/dev/null 2>&1 || NEED+=(ldap-utils)
  command -v openssl >/dev/null 2>&1 || NEED+=(openssl)  # the test's certificate for StartTLS
fi
[ -f /usr/include/ldap.h ] || NEED+=(libldap2-dev)
[ -f /usr/include/sasl/sasl.h ] || NEED+=(libsasl2-dev)
exec bash scripts/apt_ensure.sh .venv/ldap-install.log slapd "${NEED[@]}"
