#!/usr/bin/env bash
# Front-end assets: ECharts from the npm registry (version pinned in package.json / package-lock.json), copied into
# our own static files (views/static/xct/vendor/, gitignored) so no page loads anything from another origin.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "未找到 npm（需要 Node.js 20）：领导看板的图表将无法显示" >&2
  exit 0
fi
npm ci --no-audit --no-fund >/dev/null
mkdir -p views/static/xct/vendor
cp node_modules/echarts/dist/echarts.min.js views/static/xct/vendor/echarts.min.js
# Apache-2.0 asks that the licence and NOTICE travel with the copy (they are package data of the wheel too).
cp node_modules/echarts/LICENSE views/static/xct/vendor/ECHARTS-LICENSE.txt
cp node_modules/echarts/NOTICE views/static/xct/vendor/ECHARTS-NOTICE.txt
