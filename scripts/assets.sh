#!/usr/bin/env bash
# Front-end assets: ECharts is vendored in git (views/static/xct/vendor/: echarts.min.js with its Apache-2.0 LICENSE
# and NOTICE), so `pip install .` and every wheel ship it with no Node.js anywhere. This script is the updater: after
# the pin in package.json / package-lock.json changes, it fetches that version from npm and refreshes the copies
# (commit them). When the vendored copy already is the pinned version, or npm is missing, it leaves them alone.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=views/static/xct/vendor
pinned=$(sed -n '/"node_modules\/echarts"/,/}/s/.*"version": *"\([^"]*\)".*/\1/p' package-lock.json | head -n1)
vendored=$(grep -o 'version="[0-9][0-9.]*"' "$VENDOR/echarts.min.js" 2>/dev/null | head -n1 | sed 's/version="\(.*\)"/\1/' || true)
if [ -n "$pinned" ] && [ "$pinned" = "$vendored" ] && [ -f "$VENDOR/ECHARTS-LICENSE.txt" ] && [ -f "$VENDOR/ECHARTS-NOTICE.txt" ]; then
  exit 0  # already the pinned version
fi
if ! command -v npm >/dev/null; then
  echo "未找到 npm（需要 Node.js 20）：保留仓库中的 ECharts ${vendored:-（缺失）}，锁定版本为 ${pinned}" >&2
  exit 0
fi
npm ci --no-audit --no-fund >/dev/null
mkdir -p "$VENDOR"
cp node_modules/echarts/dist/echarts.min.js "$VENDOR/echarts.min.js"
# Apache-2.0 asks that the licence and NOTICE travel with the copy (they are package data of the wheel too).
cp node_modules/echarts/LICENSE "$VENDOR/ECHARTS-LICENSE.txt"
cp node_modules/echarts/NOTICE "$VENDOR/ECHARTS-NOTICE.txt"
echo "ECharts 已更新为 ${pinned}（${VENDOR}/），请提交这些文件"
