#!/usr/bin/env bash
# 共用的 Debian 安装步骤：apt_ensure.sh 日志文件 名称 包… —— 用 apt-get 非交互地安装给出的包（无推荐包）。
# 调用者先判断缺什么，只把缺的包传进来；一个包都没有时只删除旧日志。
# 另一个 apt-get 正在运行时等它（最多 10 分钟），而不是立即失败。
# 失败不终止调用者：原因（名称、退出码、最后几行输出）写入日志文件，相关测试读取它、本机跳过、CI 失败。
set -uo pipefail
LOG=$1 NAME=$2
shift 2
mkdir -p "$(dirname "$LOG")"
[ $# -eq 0 ] && { rm -f "$LOG"; exit 0; }
if ! command -v apt-get >/dev/null 2>&1; then
  echo "本机没有 apt-get，无法安装 Debian 的 $NAME" >"$LOG"; exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get -qq -o DPkg::Lock::Timeout=600 update >"$LOG" 2>&1 \
  && $SUDO apt-get -qq -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" >>"$LOG" 2>&1; then
  rm -f "$LOG"
else
  rc=$?
  { echo "apt-get 安装 $NAME 失败（退出码 $rc），最后的输出："; tail -5 "$LOG"; } >"$LOG.tmp"; mv "$LOG.tmp" "$LOG"
fi
exit 0
