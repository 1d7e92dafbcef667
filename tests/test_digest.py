"""The OpenSSL-free digests equal hashlib's: stored user keys and content versions stay valid."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from skill.core import digest


@given(st.binary(max_size=4096))
def test_digests_equal_hashlib(data: bytes) -> None:
    assert digest.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    h = digest.sha256()
    h.update(data[:7])
    h.update(data[7:])
    assert h.digest() == hashlib.sha256(data).digest()
    assert digest.blake2b(data, 8) == hashlib.blake2b(data, digest_size=8).digest()


def test_known_user_key_is_unchanged() -> None:
    # Computed with coreutils' sha256sum: rows saved before this module must still be found.
    assert digest.sha256(b"amzn1.ask.account.TEST").hexdigest() == (
        "4d0fa7cf64651119826816bb9093256b0c4efbf54b4646307a9bcc890fe8285a")
