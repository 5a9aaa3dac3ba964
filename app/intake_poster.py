"""码上巡察 poster (issue 17 §2): the QR code of an inspection's public intake page with a caption under it — the
inspection's name, its 巡察 period and the closing date of online intake, and 扫码反映问题（可匿名）— drawn with
Pillow in the CJK font the PDF exports already rely on (Noto CJK from Debian's fonts-noto-cjk, installed by
scripts/install_office.sh; app/exports/fonts.conf maps the 公文 fonts to it).

Without a CJK font the poster still carries the QR code and the address in Pillow's own Latin font, and the log
says which package to install: a bare QR code is better than a failed download.
"""

from __future__ import annotations

import glob
import io
import logging
from functools import lru_cache

import segno
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

QR_SCALE, QR_BORDER = 10, 4  # pixels per module, modules of quiet zone
WIDTH_MIN = 600  # the caption's width in pixels (wider than a small QR code)
MARGIN = 24
# Noto/Source Han Sans first (a poster reads best in 黑体), then any serif or other CJK face Debian ships.
FONT_PATTERNS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK*.ttc",
    "/usr/share/fonts/**/NotoSansCJK*", "/usr/share/fonts/**/SourceHanSans*", "/usr/share/fonts/**/NotoSerifCJK*",
    "/usr/share/fonts/**/wqy-*", "/usr/share/fonts/**/uming.ttc", "/usr/share/fonts/**/ukai.ttc",
)
NO_FONT = ("未找到中文字体，码上巡察海报只印二维码和网址；请安装 fonts-noto-cjk"
           "（bash scripts/install_office.sh 会安装）后重新下载")
CALL = "扫码反映问题（可匿名）"


@lru_cache(maxsize=1)
def cjk_font_file() -> tuple[str, int] | None:
    """(path, face index) of an installed CJK font, the simplified-Chinese face of a collection; None if none."""
    for pattern in FONT_PATTERNS:
        for path in sorted(glob.glob(pattern, recursive=True)):
            faces = []
            for index in range(16):  # a .ttc holds several faces (JP, KR, SC, TC, HK)
                try:
                    faces.append((ImageFont.truetype(path, 20, index=index).getname()[0] or "", index))
                except OSError:
                    break
            if faces:
                return path, next((i for family, i in faces if family.endswith(" SC")), faces[0][1])
    return None


def _font(size: int):
    found = cjk_font_file()
    if found is None:
        return None
    return ImageFont.truetype(found[0], size, index=found[1])


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """`text` broken into lines no wider than `width` (Chinese breaks between any two characters)."""
    lines, line = [], ""
    for char in text:
        if line and draw.textlength(line + char, font=font) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def qr_image(url: str) -> Image.Image:
    """The bare QR code of `url` (segno), as the top of the poster."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=QR_SCALE, border=QR_BORDER)
    out.seek(0)
    return Image.open(out).convert("RGB")


def caption_lines(url: str, name: str, period: str, closes: str) -> list[tuple[str, int]]:
    """(text, font size) of each caption line, top to bottom: the address last, for those who cannot scan."""
    return [(name, 30), (period, 22), (closes, 22), (CALL, 34), (url, 16)]


def poster_png(url: str, name: str, period: str, closes: str) -> bytes:
    """The poster: the QR code of `url`, then the caption (or, without a CJK font, the address)."""
    qr = qr_image(url)
    width = max(qr.width, WIDTH_MIN)
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    blocks: list[tuple[str, object]] = []
    if _font(20) is None:
        log.warning(NO_FONT)
        font = ImageFont.load_default(size=16)
        blocks = [(line, font) for line in _wrap(scratch, url, font, width - 2 * MARGIN)]
    else:
        for text, size in caption_lines(url, name, period, closes):
            font = _font(size)
            blocks.extend((line, font) for line in _wrap(scratch, text, font, width - 2 * MARGIN))
    heights = [int(font.size * 1.5) for _, font in blocks]
    poster = Image.new("RGB", (width, qr.height + sum(heights) + MARGIN), "white")
    poster.paste(qr, ((width - qr.width) // 2, 0))
    draw = ImageDraw.Draw(poster)
    y = qr.height
    for (line, font), height in zip(blocks, heights, strict=True):
        draw.text(((width - draw.textlength(line, font=font)) / 2, y), line, font=font, fill="black")
        y += height
    out = io.BytesIO()
    poster.save(out, format="PNG")
    return out.getvalue()
