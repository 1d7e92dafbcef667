"""Throw-away X.509 PKI for tests: a root CA, intermediates and leaf certificates.

Everything is generated in memory at test time with pyca/cryptography, so no key
material is ever written to disk or committed. Certificates follow the Web PKI
profile that ``cryptography.x509.verification`` enforces (critical basicConstraints
and keyUsage on CAs, SKI/AKI, serverAuth EKU and a DNS SAN on leaves), because that
is the shape of Amazon's real echo-api.amazon.com chain.

Names avoid the ``Test``/``test_`` prefixes so pytest does not collect them.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ECHO_API_SAN = "echo-api.amazon.com"
# A fixed "now" for every test: certificates and timestamps are built around it and
# the verifiers get it through their injected clock, so nothing depends on wall time.
NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)


def new_key() -> rsa.RSAPrivateKey:
    """RSA 2048: the smallest size the Web PKI policy accepts, and fast to generate."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hip Coach Test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class Issued:
    """A certificate together with its private key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _builder(common_name: str, key: rsa.RSAPrivateKey, issuer: Issued | None,
             not_before: datetime, not_after: datetime, *, ca: bool) -> x509.CertificateBuilder:
    """The parts a CA and a leaf share: names, validity, basic constraints, key usage."""
    subject = _name(common_name)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=not ca,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def make_ca(
    common_name: str,
    key: rsa.RSAPrivateKey,
    issuer: Issued | None = None,
    *,
    not_before: datetime = NOW - timedelta(days=3650),
    not_after: datetime = NOW + timedelta(days=3650),
) -> Issued:
    """A root CA (``issuer=None``, self-signed) or an intermediate signed by ``issuer``."""
    builder = _builder(common_name, key, issuer, not_before, not_after, ca=True)
    signing_key = key
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        signing_key = issuer.key
    return Issued(builder.sign(signing_key, hashes.SHA256()), key)


def make_leaf(
    issuer: Issued | None,
    key: rsa.RSAPrivateKey,
    *,
    dns_names: Sequence[str] = (ECHO_API_SAN,),
    eku: Sequence[x509.ObjectIdentifier] | None = (ExtendedKeyUsageOID.SERVER_AUTH,),
    not_before: datetime = NOW - timedelta(days=30),
    not_after: datetime = NOW + timedelta(days=365),
    common_name: str = ECHO_API_SAN,
) -> Issued:
    """An end-entity certificate shaped like Amazon's signing cert.

    ``issuer=None`` makes it self-signed; ``eku=None`` omits the EKU extension.
    """
    builder = (
        _builder(common_name, key, issuer, not_before, not_after, ca=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                (issuer.key if issuer else key).public_key()
            ),
            critical=False,
        )
    )
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False
        )
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    return Issued(builder.sign(issuer.key if issuer else key, hashes.SHA256()), key)


def pem_chain(*certs: Issued) -> bytes:
    """Concatenate PEM certificates, leaf first, as Amazon serves them."""
    return b"".join(c.pem for c in certs)


def sign_body(key: rsa.RSAPrivateKey, body: bytes) -> str:
    """The ``Signature-256`` header value: base64 of RSA PKCS#1 v1.5 SHA-256 over the body."""
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")
