"""Drawing the now-playing images with Pillow: what a glance at the screen must tell.

Only `hipcoach render` (or a local server rendering on first use) draws; Lambda only
looks the stored images up, and Pillow is not in its package (pyproject's `local` extra).

The font is Pillow's own: `ImageFont.load_default(size=...)` (Pillow >= 10.1) is a scalable
font embedded in Pillow itself, so the same letters come out wherever Pillow's wheels
install, with no system font to find and no apt step. It needs FreeType, which Pillow's
wheels carry; a build without it raises rather than drawing tiny bitmap letters.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from skill.core.limits import NOW_PLAYING_ART_PX, NOW_PLAYING_BACKGROUND_PX

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

    from skill.audio.art import Face

    Font = ImageFont.FreeTypeFont | ImageFont.ImageFont | ImageFont.TransposedFont

TEAL = (37, 112, 122)
"""The store icons' teal (skill.package.icons): one look for the skill."""
INK = (246, 241, 232)
"""Warm white, for what must be read from across a room."""
INK_SOFT = (196, 222, 224)
ACCENT = (255, 196, 112)
"""The side, in warm amber: the one thing a person face down on a roller looks for."""
DEEP_TOP, DEEP_BOTTOM = (20, 64, 71), (7, 26, 30)
"""The background's gradient: dark, as Amazon's image guidance asks of backgrounds so the
device's own title and controls stay readable over it."""
DIM = (44, 104, 112)
"""The background's big side word: visible, but well below the player's own text."""
MARGIN = 30
FONT_NAME = "pillow-load-default"
"""Named in the images' content hash: another font, new names."""


class ArtError(RuntimeError):
    """This Pillow cannot draw the images (no FreeType)."""


def _font(size: int) -> Font:
    from PIL import ImageFont, features

    if not features.check("freetype2"):
        raise ArtError("Pillow was built without FreeType: no scalable font to draw with")
    return ImageFont.load_default(size=size)


def _width(draw: ImageDraw.ImageDraw, text: str, font: Font) -> float:
    return draw.textlength(text, font=font)


def _fitted(draw: ImageDraw.ImageDraw, text: str, size: int, width: int,
            smallest: int = 18) -> Font:
    """The largest font up to `size` that fits `text` on one line of `width` pixels."""
    while size > smallest and _width(draw, text, _font(size)) > width:
        size -= 2
    return _font(size)


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int,
             lines: int) -> list[str]:
    """Words onto at most `lines` lines of `width` pixels; what does not fit ends in "..."."""
    out: list[str] = []
    for word in text.split():
        if out and _width(draw, f"{out[-1]} {word}", font) <= width:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        while out[-1] and _width(draw, out[-1] + "...", font) > width:
            out[-1] = out[-1][:-1]
        out[-1] = out[-1].rstrip() + "..."
    return out


def _line_height(font: Font) -> int:
    top, bottom = font.getbbox("Hg")[1::2]
    return int(bottom - top)


def _png(image: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")  # type: ignore[attr-defined]
    return buf.getvalue()


def draw_art(face: Face) -> bytes:
    """The square art: routine, "Step 2 of 5", the side in large amber type, the step and
    the muscles it works."""
    from PIL import Image, ImageDraw

    w, h = NOW_PLAYING_ART_PX
    image = Image.new("RGB", (w, h), TEAL)
    draw = ImageDraw.Draw(image)
    inner = w - 2 * MARGIN
    y = MARGIN
    small = _font(30)
    for line in _wrapped(draw, face.routine, small, inner, 2):
        draw.text((MARGIN, y), line, font=small, fill=INK_SOFT)
        y += _line_height(small) + 10
    y += 12
    big = _fitted(draw, face.step, 76, inner)
    draw.text((MARGIN, y), face.step, font=big, fill=INK)
    y += _line_height(big) + 24
    if face.side:
        side = _fitted(draw, face.side.upper(), 84, inner)
        draw.text((MARGIN, y), face.side.upper(), font=side, fill=ACCENT)
        y += _line_height(side) + 26
    body = _font(32)
    for line in _wrapped(draw, face.title, body, inner, 2):
        draw.text((MARGIN, y), line, font=body, fill=INK)
        y += _line_height(body) + 10
    if face.muscles:
        note = _fitted(draw, face.muscles, 24, inner, smallest=16)
        draw.text((MARGIN, h - MARGIN - _line_height(note)), face.muscles, font=note,
                  fill=INK_SOFT)
    return _png(image)


def draw_background(face: Face) -> bytes:
    """The background: a dark gradient with the side (or the step) in big, dim letters at
    the bottom right, clear of where the device puts its own title and controls."""
    from PIL import Image, ImageDraw

    w, h = NOW_PLAYING_BACKGROUND_PX
    image = Image.new("RGB", (w, h), DEEP_BOTTOM)
    draw = ImageDraw.Draw(image)
    for row in range(h):
        t = row / (h - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(DEEP_TOP, DEEP_BOTTOM, strict=True))
        draw.line([(0, row), (w, row)], fill=colour)
    word = (face.side or face.step).upper()
    font = _fitted(draw, word, 230, w - 2 * MARGIN, smallest=60)
    _, _, right, bottom = draw.textbbox((0, 0), word, font=font)
    draw.text((w - MARGIN - right, h - MARGIN - bottom), word, font=font, fill=DIM)
    return _png(image)
