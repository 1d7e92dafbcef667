"""SHA-256 and BLAKE2b without loading OpenSSL.

`import hashlib` loads `_hashlib` (libcrypto) eagerly: about 2.5 ms of a cold start,
where the skill only needs two digests (the hashed user key, content versions and
phrasing seeds). CPython's built-in implementations give identical digests
(tests/test_digest.py checks them against hashlib); hashlib is the fallback for
builds without them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol, cast


class Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...


def _builtin(names: tuple[tuple[str, str], ...]) -> Callable[..., Hash]:
    for module, attr in names:
        try:
            return cast(Callable[..., Hash], getattr(importlib.import_module(module), attr))
        except (ImportError, AttributeError):
            continue
    raise ImportError(names)


# _sha2 from 3.12, _sha256 before; hashlib last (it loads OpenSSL).
_sha256 = _builtin((("_sha2", "sha256"), ("_sha256", "sha256"), ("hashlib", "sha256")))
_blake2b = _builtin((("_blake2", "blake2b"), ("hashlib", "blake2b")))


def sha256(data: bytes = b"") -> Hash:
    """A SHA-256 hash object (update/digest/hexdigest, as hashlib's)."""
    return _sha256(data)


def blake2b(data: bytes, digest_size: int) -> bytes:
    """The BLAKE2b digest of `data`, `digest_size` bytes long."""
    return _blake2b(data, digest_size=digest_size).digest()


__all__ = ["Hash", "blake2b", "sha256"]
