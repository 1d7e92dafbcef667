"""Partition key for persistent attributes: a SHA-256 digest of the Alexa user id.

We key by the user (not the session) because AudioPlayer requests carry no session,
and we hash so that the raw user id is never stored or logged.
"""

from __future__ import annotations

from functools import lru_cache

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model.request_envelope import RequestEnvelope

from skill.core.digest import sha256


def _raw_user_id(request_envelope: RequestEnvelope) -> str | None:
    """The Alexa user id: from context.System (every request), else from the session."""
    context = getattr(request_envelope, "context", None)
    system = getattr(context, "system", None)
    user = getattr(system, "user", None)
    user_id = getattr(user, "user_id", None)
    if isinstance(user_id, str) and user_id:
        return user_id
    session = getattr(request_envelope, "session", None)
    user = getattr(session, "user", None)
    user_id = getattr(user, "user_id", None)
    if isinstance(user_id, str) and user_id:
        return user_id
    return None


def user_key(request_envelope: RequestEnvelope) -> str:
    """Return the hex SHA-256 of the request's user id (64 lowercase hex characters).

    Raises PersistenceException when the envelope carries no user id: without one we
    cannot tell whose progress to load, and guessing would mix up users.
    """
    user_id = _raw_user_id(request_envelope)
    if user_id is None:
        raise PersistenceException("Request envelope carries no user id; cannot key attributes.")
    return _digest(user_id)


@lru_cache(maxsize=1024)
def _digest(user_id: str) -> str:
    """Memoized: the load, the save and the log line of one request hash the same id."""
    return sha256(user_id.encode("utf-8")).hexdigest()
