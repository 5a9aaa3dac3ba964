#!/usr/bin/env bash
# Debian 的 Chromium（浏览器测试 tests/test_browser.py 用它，Playwright 不下载浏览器）与中文字体：缺少时用 apt-get 安装。
# 安装失败不在这里终止：浏览器测试自己判断（CI 中 REQUIRE_PG=1 时失败并说明原因，本机则跳过并说明原因）。
# 原因写入 .venv/browser-install.log，测试读取它。
set -uo pipefail
cd "$(dirname "$0")/.."
LOG=.venv/browser-install.log
mkdir -p .venv
# Chromium, and a CJK font so the screenshots show Chinese rather than empty boxes.
NEED=""
[ -x /usr/bin/chromium ] || NEED="chromium"
fc-list :lang=zh 2>/dev/null | grep -q . || NEED="$NEED fonts-noto-cjk"
[ -z "$NEED" ] && { rm -f "$LOG"; exit 0; }
if ! command -v apt-get >/dev/null 2>&1; then
  echo "本机没有 apt-get，无法安装 Debian 的 chromium" >"$LOG"; exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get -qq update >"$LOG" 2>&1 \
  && $SUDO apt-get -qq install -y --no-install-recommends $NEED >>"$LOG" 2>&1; then
  rm -f "$LOG"
else
  { echo "apt-get 安装 chromium 失败（退出码 $?），最后的输出："; tail -5 "$LOG"; } >"$LOG.tmp"; mv "$LOG.tmp" "$LOG"
fi
exit 0
