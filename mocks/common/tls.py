"""A throw-away certificate authority for the local stack, made with trustme.

The stack serves every production host name (``contoso.b2clogin.com``,
``m.mobileid.ch``, ...) from one loopback port with one leaf certificate whose
subject alternative names list them all. The CA certificate is written next to
the leaf so that Python clients can verify the stack (``verify=ca_path``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import trustme

from mocks.common.files import write_private


@dataclass(frozen=True)
class TLSFiles:
    ca_cert: Path
    server_cert_chain: Path
    server_key: Path


def issue_local_certificates(directory: Path, host_names: list[str]) -> TLSFiles:
    """Create a CA and one server certificate for ``host_names`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="B2C Mobile ID e2e local CA")
    leaf = ca.issue_cert(*host_names, "localhost", "127.0.0.1", "::1")
    files = TLSFiles(
        ca_cert=directory / "ca.pem",
        server_cert_chain=directory / "server-chain.pem",
        server_key=directory / "server-key.pem",
    )
    ca.cert_pem.write_to_path(str(files.ca_cert))
    write_private(files.server_key, leaf.private_key_pem.bytes())
    with files.server_cert_chain.open("wb") as chain:
        for blob in leaf.cert_chain_pems:
            chain.write(blob.bytes())
    return files
