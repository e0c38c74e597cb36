"""Host names mapped to loopback addresses, as text and as Chromium's resolver rules (no HTTP client here).

Apart from ``mocks.common.net`` (the httpx clients) so the stack's start path does not import httpx.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

HostMap = Mapping[str, tuple[str, int]]
# A tenant's name, the <name> of <name>.onmicrosoft.com and <name>.b2clogin.com: a DNS label in lower case
# (letters, digits and '-', at most 63, neither starting nor ending with '-').
TENANT_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def is_loopback(host: str | None) -> bool:
    """``localhost``, 127.0.0.0/8, ``::1`` (also IPv4-mapped); False for names, wildcards and None."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address((host or "").strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def parse_host_map(text: str) -> dict[str, tuple[str, int]]:
    """``"a.example=127.0.0.1:8443,b.example=127.0.0.1:8443"`` -> ``{"a.example": ("127.0.0.1", 8443), ...}``."""
    mapping: dict[str, tuple[str, int]] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        host, sep, target = entry.partition("=")
        address, colon, port = target.rpartition(":")
        if not sep or not colon or not host or not address or not port.isdigit():
            raise ValueError(f"host map entry {entry!r} is not of the form host=address:port")
        if not 1 <= int(port) <= 65535:  # 99999 was taken, and met later as a refused connection
            raise ValueError(f"host map entry {entry!r} has port {port}, not a number from 1 to 65535")
        mapping[host.strip().lower()] = (address.strip("[]"), int(port))
    return mapping


def url_host(address: str) -> str:
    """``address`` as a URL's host: an IPv6 one in brackets (RFC 3986's ``[::1]:port``; ``::1:port`` parses as no URL)."""
    return f"[{address}]" if ":" in address else address


def format_host_map(mapping: HostMap) -> str:
    return ",".join(f"{host}={address}:{port}" for host, (address, port) in mapping.items())


def chromium_host_resolver_rules(mapping: HostMap) -> str:
    """The value of Chromium's ``--host-resolver-rules`` for ``mapping``."""
    return ", ".join(f"MAP {host} {address}:{port}" for host, (address, port) in mapping.items())


# The environment's proxy settings as Chromium reads them on Linux (either case), and its list of hosts to reach directly.
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
NO_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")


def chromium_environment(mapping: HostMap, environ: Mapping[str, str]) -> dict[str, str] | None:
    """The environment for a Chromium that reaches ``mapping``'s hosts by ``--host-resolver-rules``, when ``environ``
    names a proxy (a company's, a CI runner's): those hosts added to its NO_PROXY. Chromium asks a proxy for a host before
    it resolves one, so every local journey went to the proxy (a CONNECT to contoso.b2clogin.com: the real tenant, or a
    failure), where the suite's own HTTP clients never send a mapped host (mocks/common/net.py). None: nothing to change."""
    if not mapping or not any(environ.get(name) for name in PROXY_VARIABLES):
        return None
    given = [host.strip() for name in NO_PROXY_VARIABLES for host in environ.get(name, "").split(",") if host.strip()]
    bypass = ",".join(dict.fromkeys([*given, *mapping]))  # one list in both spellings: Chromium reads either
    return {**environ, **dict.fromkeys(NO_PROXY_VARIABLES, bypass)}
