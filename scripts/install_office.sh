#!/usr/bin/env bash
# Debian 的 LibreOffice（无图形界面的 Writer/Calc，用于把附件转成 PDF：app/exports/pdf.py）、Poppler 工具
# （tests/test_print.py 用 pdftotext/pdftoppm 读 PDF）与中文字体：缺少时用 apt-get 安装。
# 安装失败不在这里终止：PDF 下载回答 503 并说明原因，打印测试本机跳过、CI（REQUIRE_PG=1）失败。
# 原因写入 .venv/office-install.log。
set -uo pipefail
cd "$(dirname "$0")/.."
LOG=.venv/office-install.log
mkdir -p .venv
NEED=""
command -v soffice >/dev/null 2>&1 || NEED="libreoffice-writer-nogui libreoffice-calc-nogui"
command -v pdftotext >/dev/null 2>&1 || NEED="$NEED poppler-utils"
fc-list :lang=zh 2>/dev/null | grep -q . || NEED="$NEED fonts-noto-cjk"
[ -z "$NEED" ] && { rm -f "$LOG"; exit 0; }
if ! command -v apt-get >/dev/null 2>&1; then
  echo "本机没有 apt-get，无法安装 Debian 的 LibreOffice" >"$LOG"; exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get -qq update >"$LOG" 2>&1 \
  && $SUDO apt-get -qq install -y --no-install-recommends $NEED >>"$LOG" 2>&1; then
  rm -f "$LOG"
else
  { echo "apt-get 安装 LibreOffice 失败（退出码 $?），最后的输出："; tail -5 "$LOG"; } >"$LOG.tmp"; mv "$LOG.tmp" "$LOG"
fi
exit 0
