#!/usr/bin/env bash
# Debian 的 Chromium（浏览器测试 tests/test_browser.py 用它，Playwright 不下载浏览器）与中文字体：缺少时用 apt-get 安装
# （scripts/apt_ensure.sh）。安装失败不在这里终止：浏览器测试自己判断（CI 中 REQUIRE_PG=1 时失败并说明原因，本机则跳过
# 并说明原因）。原因写入 .venv/browser-install.log，测试读取它。
set -uo pipefail
cd "$(dirname "$0")/.."
# Chromium, and a CJK font so the screenshots show Chinese rather than empty boxes.
NEED=()
[ -x /usr/bin/chromium ] || NEED+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || NEED+=(fonts-noto-cjk)
exec bash scripts/apt_ensure.sh .venv/browser-install.log chromium "${NEED[@]}"
