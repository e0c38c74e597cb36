"""A throw-away certificate authority for the local stack, made with trustme.

The stack serves every production host name (``contoso.b2clogin.com``,
``m.mobileid.ch``, ...) from one loopback port with one leaf certificate whose
subject alternative names list them all. The CA certificate is written next to
the leaf so that Python clients can verify the stack (``verify=ca_path``), and
the leaf's public-key pin next to it, for Chromium's
``--ignore-certificate-errors-spki-list``, so a stack that finds them kept needs
neither trustme nor the issuing (~15 ms of its start).
"""

from __future__ import annotations

import base64
import hashlib
import ssl
from dataclasses import dataclass
from pathlib import Path

from mocks.common.files import write_private


@dataclass(frozen=True)
class TLSFiles:
    ca_cert: Path
    server_cert_chain: Path
    server_key: Path
    server_spki: Path  # base64(SHA-256(SubjectPublicKeyInfo)) of the leaf, one line

    @classmethod
    def in_directory(cls, directory: Path) -> TLSFiles:
        return cls(directory / "ca.pem", directory / "server-chain.pem", directory / "server-key.pem", directory / "server-spki.txt")

    def spki(self) -> str:
        return self.server_spki.read_text().strip()

    def unloadable(self) -> str | None:
        """Why this set cannot serve (its certificate chain and key) or be trusted (its CA), else None."""
        return ca_unloadable(self.ca_cert) or chain_unloadable(self.server_cert_chain, self.server_key)


def ca_unloadable(ca: Path) -> str | None:
    """Why ``ca`` is no PEM file of CA certificates a TLS client can trust, else None (~0.4 ms: no public store loaded)."""
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=str(ca))
    except (ssl.SSLError, OSError) as error:
        return f"holds no CA certificate in PEM form ({getattr(error, 'reason', None) or getattr(error, 'strerror', None) or error})"
    return None


def chain_unloadable(chain: Path, key: Path) -> str | None:
    """Why a server cannot serve with ``chain`` and ``key``, else None."""
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(chain, key)
    except (ssl.SSLError, OSError) as error:
        return f"{getattr(error, 'reason', None) or getattr(error, 'strerror', None) or error}"
    return None


def issue_local_certificates(directory: Path, host_names: list[str]) -> TLSFiles:
    """Create a CA and one server certificate for ``host_names`` in ``directory``."""
    import trustme

    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="B2C Mobile ID e2e local CA")
    leaf = ca.issue_cert(*host_names, "localhost", "127.0.0.1", "::1")
    files = TLSFiles.in_directory(directory)
    ca.cert_pem.write_to_path(str(files.ca_cert))
    write_private(files.server_key, leaf.private_key_pem.bytes())
    with files.server_cert_chain.open("wb") as chain:
        for blob in leaf.cert_chain_pems:
            chain.write(blob.bytes())
    files.server_spki.write_text(spki_hash(files.server_cert_chain) + "\n")
    return files


def spki_hash(cert_chain: Path) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of the chain's leaf: Chromium's ``--ignore-certificate-errors-spki-list``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    leaf = x509.load_pem_x509_certificate(cert_chain.read_bytes())
    spki = leaf.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()
