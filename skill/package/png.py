"""PNG files from RGBA pixels and back, with zlib only (no imaging library to install).

Why decode too: `hipcoach package --check` compares icons by their pixels, not their bytes,
because zlib builds may compress the same pixels to different bytes; a package is stale
only when what it shows is.
"""

from __future__ import annotations

import struct
import zlib

from skill.core.record import Record

SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGBA = 6
"""IHDR colour type: truecolour with alpha, 8 bits per channel."""


class Image(Record):
    """Pixels as rows of RGBA bytes, top row first."""

    width: int
    height: int
    rgba: bytes
    """width * height * 4 bytes."""


class PngError(ValueError):
    """Not a PNG this module reads (8-bit RGBA, not interlaced)."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _scanlines(image: Image) -> bytes:
    """Each row with filter type 0 (None) in front, as IDAT carries it."""
    stride = image.width * 4
    return b"".join(b"\x00" + image.rgba[y * stride:(y + 1) * stride]
                    for y in range(image.height))


def encode(image: Image) -> bytes:
    """The PNG file of `image`: IHDR, one IDAT, IEND, nothing dated, so reproducible."""
    if len(image.rgba) != image.width * image.height * 4:
        raise PngError("pixel data does not match the size")
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, RGBA, 0, 0, 0)
    return (SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(_scanlines(image), 9)) + _chunk(b"IEND", b""))


def _unfilter(raw: bytes, width: int, height: int) -> bytes:
    """Undo the five PNG row filters (RFC 2083, 6.3) on 4-byte pixels."""
    stride, out = width * 4, bytearray()
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride if kind else 0):  # filter 0: the row as stored
            left = row[i - 4] if i >= 4 else 0
            up, corner = previous[i], previous[i - 4] if i >= 4 else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[i] = (row[i] + pred) & 0xFF
            elif kind != 0:
                raise PngError(f"unknown row filter {kind}")
        out += row
        previous = row
    return bytes(out)


def decode(data: bytes) -> Image:
    """The pixels of an 8-bit RGBA, non-interlaced PNG; PngError for anything else."""
    if not data.startswith(SIGNATURE):
        raise PngError("not a PNG file")
    pos, header, idat = len(SIGNATURE), b"", bytearray()
    while pos + 8 <= len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise PngError("truncated chunk")
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if len(header) != 13:
        raise PngError("no IHDR chunk")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour != RGBA or interlace != 0:
        raise PngError("only 8-bit RGBA, non-interlaced PNGs are read")
    try:
        raw = zlib.decompress(bytes(idat))
    except zlib.error as exc:
        raise PngError("corrupt image data") from exc
    if len(raw) != height * (width * 4 + 1):
        raise PngError("image data does not match the size")
    return Image(width, height, _unfilter(raw, width, height))
