"""The store icons: the letters "HC" in warm white on a calm teal disc, drawn, not shipped.

Each shape is a signed distance field in units of the icon's half-width, so one drawing
serves both sizes, and each pixel's cover of a shape comes from its distance to the edge
(anti-aliased with one sample per pixel). Pure float arithmetic on exact constants (no
trigonometry at run time): the same pixels on every machine, so a second generation
changes nothing. Sizes: SMALL_ICON_PX and LARGE_ICON_PX in skill/core/limits.py.
"""

from __future__ import annotations

from functools import cache
from math import sqrt

from skill.core.limits import LARGE_ICON_PX, SMALL_ICON_PX
from skill.package.png import Image

BACKGROUND = (37, 112, 122)
"""Deep teal: calm, and dark enough for the letters to read at 108 px."""
INK = (246, 241, 232)
"""Warm white letters."""
DISC_RADIUS = 0.96
"""The disc nearly fills the square; the corners stay transparent (the Alexa app shows
skill icons in a circle)."""
STROKE = 0.065
"""Half the letters' stroke width: 7 px strokes in the small icon."""
H_BARS = ((-0.555, 0.0, STROKE, 0.36), (-0.145, 0.0, STROKE, 0.36), (-0.35, 0.0, 0.205, 0.06))
"""The H as rounded boxes: (centre x, centre y, half width, half height)."""
C_CENTRE, C_RADIUS = (0.33, 0.0), 0.30
C_OPENING = (0.6, -0.8)
"""(sine, cosine) of the angle the C's stroke sweeps each way from its back (its left
side): 143.13 degrees, leaving a 74 degree mouth on the right. Exact values, no sin()."""
ICON_SIZES = {"small": SMALL_ICON_PX, "large": LARGE_ICON_PX}


def _box(x: float, y: float, cx: float, cy: float, hw: float, hh: float) -> float:
    """Distance to a box with round ends (corner radius = the stroke's half width)."""
    r = min(hw, hh)
    qx, qy = abs(x - cx) - (hw - r), abs(y - cy) - (hh - r)
    outside = sqrt(max(qx, 0.0) ** 2 + max(qy, 0.0) ** 2)
    return outside + min(max(qx, qy), 0.0) - r


def _arc(x: float, y: float) -> float:
    """Distance to the C: an arc of a ring with round ends (Inigo Quilez's sdArc), turned
    so that its symmetry axis points left."""
    px, py = abs(y - C_CENTRE[1]), -(x - C_CENTRE[0])
    s, c = C_OPENING
    if c * px > s * py:  # beyond the sweep: distance to the nearer round end
        d = sqrt((px - s * C_RADIUS) ** 2 + (py - c * C_RADIUS) ** 2)
    else:
        d = abs(sqrt(px * px + py * py) - C_RADIUS)
    return d - STROKE


def _letters(x: float, y: float) -> float:
    return min(_arc(x, y), *(_box(x, y, *bar) for bar in H_BARS))


def _cover(distance: float, pixel: float) -> float:
    """How much of a pixel a shape covers, from the signed distance of its centre."""
    return min(1.0, max(0.0, 0.5 - distance / pixel))


@cache
def draw(size: int) -> Image:
    """The icon at `size` x `size` pixels."""
    half, pixel = size / 2.0, 2.0 / size
    out = bytearray()
    for row in range(size):
        y = (row + 0.5 - half) / half
        for col in range(size):
            x = (col + 0.5 - half) / half
            disc = _cover(sqrt(x * x + y * y) - DISC_RADIUS, pixel)
            if disc == 0.0:
                out += b"\x00\x00\x00\x00"
                continue
            ink = _cover(_letters(x, y), pixel) if abs(y) < 0.5 and abs(x) < 0.7 else 0.0
            out += bytes(round(b + (i - b) * ink) for b, i in zip(BACKGROUND, INK, strict=True))
            out.append(round(255 * disc))
    return Image(size, size, bytes(out))
