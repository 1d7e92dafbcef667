"""Base for the tests' small HTTP servers: JSON replies, and no access log on stderr."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any


class JsonHandler(BaseHTTPRequestHandler):
    def send_json(self, value: Any, status: int = 200) -> None:
        """Answer `status` with `value` as a JSON body (with its length, for keep-alive)."""
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""
