"""Alexa signing certificates: cert-URL rules, fetching, caching and chain validation.

Why this exists: the stock ``ask_sdk_webservice_support`` cannot import on this
machine (oscrypto cannot parse the OpenSSL version, see shared/PLATFORM.md), so the
chain is validated with pyca/cryptography's maintained X.509 path-validation API.
Errors raise :class:`CertificateError`; ``skill.web.verify`` turns them into its
``VerificationError``.
"""

from __future__ import annotations

import posixpath
import re
import threading
import urllib.parse
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from functools import lru_cache
from pathlib import Path
from typing import IO

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as X509VerificationError

ECHO_API_DNS_NAME = "echo-api.amazon.com"
CERT_URL_SCHEME = "https"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
FETCH_TIMEOUT_S = 2.0
# Amazon's chain is a few kB; refuse to buffer anything much larger.
MAX_CHAIN_BYTES = 64 * 1024
DEFAULT_CHAIN_CACHE_SIZE = 16
SYSTEM_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")

Fetch = Callable[[str], bytes]

_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
# Netloc must be exactly the host (any case) with no port or port 443: this rules out
# userinfo ("evil@host"), other ports, an empty port ("host:") and a trailing dot.
_ALLOWED_NETLOCS = frozenset({CERT_URL_HOST, f"{CERT_URL_HOST}:443"})


class CertificateError(Exception):
    """The signing certificate URL, download or chain is unacceptable."""


@dataclass(frozen=True)
class CertChain:
    """A parsed chain as served by Amazon: the leaf, then any intermediates."""

    leaf: x509.Certificate
    intermediates: tuple[x509.Certificate, ...]


def validate_cert_url(url: str) -> None:
    """Apply Amazon's SignatureCertChainUrl rules before fetching anything.

    Scheme https and host s3.amazonaws.com compare case-insensitively; the path,
    normalised with posixpath.normpath (resolving ".."), must start with the
    case-sensitive "/echo.api/"; the port is absent or 443.
    """
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        raise CertificateError("cert URL contains whitespace or control characters")
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:
        raise CertificateError("cert URL does not parse") from exc
    if parts.scheme.lower() != CERT_URL_SCHEME:
        raise CertificateError(f"cert URL scheme {parts.scheme!r} is not https")
    if parts.netloc.lower() not in _ALLOWED_NETLOCS:
        raise CertificateError(f"cert URL host/port {parts.netloc!r} is not {CERT_URL_HOST}")
    # Check the path both as written and percent-decoded, so neither "%2e%2e" reading
    # (a literal key or a dot segment) can leave /echo.api/.
    paths = (parts.path, urllib.parse.unquote(parts.path))
    if not all(posixpath.normpath(p).startswith(CERT_URL_PATH_PREFIX) for p in paths):
        raise CertificateError(f"cert URL path {parts.path!r} is not under {CERT_URL_PATH_PREFIX}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects so the fetch never leaves the URL we validated."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def fetch_url(url: str) -> bytes:
    """Default fetch: HTTPS GET with a short timeout, no redirects and a size cap."""
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(url, timeout=FETCH_TIMEOUT_S) as resp:
        data: bytes = resp.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise CertificateError("cert chain download is too large")
    return data


def parse_chain(pem: bytes) -> CertChain:
    """Parse a PEM bundle; the first certificate is the signing (leaf) certificate."""
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise CertificateError(f"cert chain is not valid PEM: {exc}") from exc
    return CertChain(certs[0], tuple(certs[1:]))


class ChainCache:
    """Parsed chains per URL, least-recently-used, capped at ``max_entries``.

    Only the download and parse are cached. Validity (time, SAN, path to a root) is
    checked again on every use by :func:`validate_chain`, so a cached chain that has
    since expired is rejected. Thread-safe for a threaded WSGI server.
    """

    def __init__(self, fetch: Fetch, max_entries: int = DEFAULT_CHAIN_CACHE_SIZE) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._fetch = fetch
        self._max = max_entries
        self._chains: OrderedDict[str, CertChain] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> CertChain:
        """Return the chain for an already validated URL, fetching it on a miss."""
        with self._lock:
            chain = self._chains.get(url)
            if chain is not None:
                self._chains.move_to_end(url)
                return chain
        try:
            pem = self._fetch(url)
        except CertificateError:
            raise
        except Exception as exc:  # network, HTTP status, timeout: all mean "no chain"
            raise CertificateError(f"cert chain fetch failed: {exc!r}") from exc
        chain = parse_chain(pem)
        with self._lock:
            self._chains[url] = chain
            self._chains.move_to_end(url)
            while len(self._chains) > self._max:
                self._chains.popitem(last=False)
        return chain

    def __len__(self) -> int:
        with self._lock:
            return len(self._chains)


def _load_pem_bundle(data: bytes) -> list[x509.Certificate]:
    """Parse a CA bundle one block at a time, skipping blocks that do not parse.

    Some distribution roots have non-positive serials, for which cryptography only
    warns today; the warning is silenced here because it is not actionable.
    """
    roots: list[x509.Certificate] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in _PEM_CERT.findall(data):
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


@lru_cache(maxsize=1)
def system_store() -> Store:
    """The default trust store, loaded on first use: the system bundle, else certifi."""
    candidates: list[Path] = [SYSTEM_CA_BUNDLE]
    try:
        import certifi

        candidates.append(Path(certifi.where()))
    except ImportError:
        pass
    for path in candidates:
        try:
            roots = _load_pem_bundle(path.read_bytes())
        except OSError:
            continue
        if roots:
            return Store(roots)
    raise CertificateError("no trusted root certificates found (system bundle or certifi)")


def make_store(roots: Sequence[x509.Certificate]) -> Store:
    """A trust store from explicit roots (tests, pinning)."""
    if not roots:
        raise ValueError("trusted_roots must not be empty")
    return Store(list(roots))


def _dns_sans(cert: x509.Certificate) -> list[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [name.lower() for name in san.get_values_for_type(x509.DNSName)]


def validate_chain(chain: CertChain, store: Store, now: datetime) -> None:
    """Leaf valid at ``now``, SAN has echo-api.amazon.com, path builds to a root in ``store``.

    We use the *server* verifier with DNSName("echo-api.amazon.com"): Amazon's
    signing certificate is an ordinary public TLS server certificate (DNS SAN
    echo-api.amazon.com, EKU serverAuth). The server verifier matches the DNS SAN and
    requires serverAuth in the EKU (an absent EKU is allowed, per RFC 5280), which is
    exactly that shape. The client verifier requires the clientAuth EKU, which public
    CAs are removing from server certificates, and does no name matching, so it would
    reject Amazon's certificate sooner or later and still need a manual SAN check.
    The explicit time and SAN checks below repeat what the path validation enforces;
    they are there for clear log messages.
    """
    leaf = chain.leaf
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        raise CertificateError(
            f"signing cert not valid at {now.isoformat()} "
            f"(valid {leaf.not_valid_before_utc.isoformat()} .. "
            f"{leaf.not_valid_after_utc.isoformat()})"
        )
    if ECHO_API_DNS_NAME not in _dns_sans(leaf):
        raise CertificateError(f"signing cert SAN lacks {ECHO_API_DNS_NAME}")
    verifier = (
        PolicyBuilder()
        .store(store)
        .time(now)
        .build_server_verifier(x509.DNSName(ECHO_API_DNS_NAME))
    )
    try:
        verifier.verify(leaf, list(chain.intermediates))
    except (X509VerificationError, ValueError) as exc:
        raise CertificateError(f"signing cert chain rejected: {exc}") from exc
