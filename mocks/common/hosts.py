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


# A host name as a host map maps it: DNS labels of letters, digits, '-' and '_', split by dots. Matched whole, as the
# suite's HTTP clients and Chromium's MAP rules match a request's host (no wildcard, no port, no scheme, no final dot:
# "jwt.ms." would match no request to jwt.ms).
HOST_NAME = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*")


def parse_host_map(text: str) -> dict[str, tuple[str, int]]:
    """``"a.example=127.0.0.1:8443,b.example=127.0.0.1:8443"`` -> ``{"a.example": ("127.0.0.1", 8443), ...}``.

    Each entry's host must be a host name and its address an IP address or a host name: a list split by ';' or spaces
    read as one entry whose address held the next, and got as far as an HTTP client's InvalidURL (a traceback)."""
    mapping: dict[str, tuple[str, int]] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        host, sep, target = entry.partition("=")
        address, colon, port = target.rpartition(":")
        host, address = host.strip().lower(), address.strip().strip("[]")
        if not sep or not colon or not host or not address or not port.isdigit():
            raise ValueError(f"host map entry {entry!r} is not of the form host=address:port")
        if separator := next((c for c in ";| \t" if c in host + address), None):  # spaces around host or address are left
            raise ValueError(f"host map entry {entry!r} holds {separator!r}: separate entries by ',' alone")
        if not HOST_NAME.fullmatch(host):
            what = "a URL's scheme or path" if "/" in host else "a final dot" if HOST_NAME.fullmatch(host[:-1]) else "more than a host name"
            raise ValueError(f"host map entry {entry!r} maps {host!r}, which has {what}: give the host name alone, e.g. "
                             "contoso.b2clogin.com=127.0.0.1:8443")
        if "%" in address:  # an IPv6 address's zone (fe80::1%eth0): Chromium's --host-resolver-rules takes none
            raise ValueError(f"host map entry {entry!r} points at {address!r}, which has a zone ('%'): give an address "
                             "without one, e.g. 127.0.0.1 or ::1")
        if not _is_ip_address(address):
            address = address.lower()  # a name, which resolves alike in any case (and with a final dot: fully qualified)
            # A name all of digits and dots ("0", "127.1") is no host name (RFC 1123): resolved, it becomes an address
            # the resolver makes up (0.0.0.0, 127.0.0.1), which Chromium's map does not.
            if not HOST_NAME.fullmatch(address.removesuffix(".")) or address.replace(".", "").isdigit():
                raise ValueError(f"host map entry {entry!r} points at {address!r}, which is neither an IP address nor a host name")
        if not 1 <= int(port) <= 65535:  # 99999 was taken, and met later as a refused connection
            raise ValueError(f"host map entry {entry!r} has port {port}, not a number from 1 to 65535")
        mapping[host] = (address, int(port))
    return mapping


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


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
