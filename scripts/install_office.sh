#!/usr/bin/env bash
# Debian 的 LibreOffice（无图形界面的 Writer/Calc，用于把附件转成 PDF：app/exports/pdf.py）、Poppler 工具
# （tests/test_print.py 用 pdftotext/pdftoppm 读 PDF）与中文字体：缺少时用 apt-get 安装（scripts/apt_ensure.sh）。
# 安装失败不在这里终止：PDF 下载回答 503 并说明原因，打印测试本机跳过、CI（REQUIRE_PG=1）失败。
# 原因写入 .venv/office-install.log。
set -uo pipefail
cd "$(dirname "$0")/.."
NEED=()
command -v soffice >/dev/null 2>&1 || NEED+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || NEED+=(poppler-utils)
fc-list :lang=zh 2>/dev/null | grep -q . || NEED+=(fonts-noto-cjk)
exec bash scripts/apt_ensure.sh .venv/office-install.log LibreOffice "${NEED[@]}"
