"""GET /audio/<name>: rendered tracks, cue clips and now-playing images from the local folder.

Devices seek and resume with byte ranges, so ranges must work (Flask's
send_file with conditional=True answers 206 / 416). Names are content hashes,
hence the year-long immutable cache. Only valid names are served: anything else
is a 404 before the file system is touched, so no path can escape the folder. Each name
is served as what it is: MP3s as audio/mpeg, the AudioPlayer art and background PNGs as
image/png.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_file

from skill.audio.store import CACHE_CONTROL, content_type, is_valid_name

MAX_AGE_S = 31_536_000


def audio_blueprint(folder: Path) -> Blueprint:
    """A blueprint serving ``folder`` (settings.audio_dir / "tracks") under /audio/."""
    bp = Blueprint("audio", __name__)
    root = folder.resolve()

    @bp.get("/audio/<name>")
    def audio(name: str) -> Response:
        if not is_valid_name(name):
            abort(404)
        path = root / name
        if not path.is_file():
            abort(404)
        response = send_file(path, mimetype=content_type(name), conditional=True, etag=True,
                             max_age=MAX_AGE_S)
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.headers["Accept-Ranges"] = "bytes"
        return response

    return bp
