"""Reach production host names on loopback, for Python clients and for Chromium.

In the local stack every service keeps its production host name
(``contoso.b2clogin.com``, ``openid.mobileid.ch``, ``jwt.ms``) but listens on
127.0.0.1. Browsers get ``--host-resolver-rules``; Python clients (the B2C
emulator's back channel to Mobile ID, the suite's JWKS and control-API calls)
get an httpx transport that connects to the mapped address while keeping the
URL's host in the Host header and in TLS SNI, so certificates and virtual hosts
work exactly as in production.
"""

from __future__ import annotations

import functools
import logging
import ssl
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import certifi
import httpx

from mocks.common.hosts import HostMap

log = logging.getLogger(__name__)


def _mapped(request: httpx.Request, mapping: HostMap) -> httpx.URL | None:
    """Point ``request`` at the mapped address; returns the original URL to restore, or None."""
    target = mapping.get(request.url.host)
    if target is None:
        return None
    original = request.url
    # The Host header was fixed when the request was built; keep the name for SNI too.
    request.extensions = {**request.extensions, "sni_hostname": original.host}
    request.url = original.copy_with(host=target[0], port=target[1])
    return original


# How long a client reuses an idle connection: well under a server's keep-alive (the emulators' 5 s, common elsewhere).
# At httpx's default, the same 5 s, a request sent on a connection as its server closed it failed (B2C's back channel
# answered AADB2C90289 once under load). httpx's other limits stay.
IDLE_CONNECTION_S = 2.0
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=IDLE_CONNECTION_S)


class HostMapTransport(httpx.HTTPTransport):
    def __init__(self, mapping: HostMap, **kwargs: Any) -> None:
        kwargs.setdefault("limits", LIMITS)
        super().__init__(**kwargs)
        self._mapping = dict(mapping)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        original = _mapped(request, self._mapping)
        try:
            return super().handle_request(request)
        finally:
            # Once connected, the request is the production URL again, so cookie jars,
            # redirects and response.url see the host name, as in a browser.
            if original is not None:
                request.url = original


class AsyncHostMapTransport(httpx.AsyncHTTPTransport):
    def __init__(self, mapping: HostMap, **kwargs: Any) -> None:
        kwargs.setdefault("limits", LIMITS)
        super().__init__(**kwargs)
        self._mapping = dict(mapping)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        original = _mapped(request, self._mapping)
        try:
            return await super().handle_async_request(request)
        finally:
            if original is not None:
                request.url = original


def trust(*ca_files: str | Path | None) -> ssl.SSLContext:
    """Public CAs (the system's store and certifi's) plus ``ca_files`` (None: none given): a private CA adds to them,
    never replaces them.

    One context per set of CA files as they are now (path, size, modification time): loading the public
    stores costs ~80 ms, once per client before (a test's or the suite's). Callers only read it.
    """
    files = tuple(Path(ca_file) for ca_file in ca_files if ca_file is not None)
    return _trust(tuple((str(path), *_version(path)) for path in files))


def _version(path: Path) -> tuple[int, int]:
    try:
        found = path.stat()
    except OSError:
        return (-1, -1)  # loading it fails below, as before, naming the file
    return (found.st_size, found.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _trust(ca_files: tuple[tuple[str, int, int], ...]) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    context.load_default_certs()
    for path, _size, _modified in ca_files:
        context.load_verify_locations(cafile=path)
    return context


def tls_verification(verify: str | Path | Sequence[str | Path] | bool | ssl.SSLContext) -> bool | ssl.SSLContext:
    """CA file paths become an SSL context that also trusts the public CAs (httpx no longer takes paths)."""
    if isinstance(verify, (str, Path)):
        return trust(verify)
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    return trust(*verify)


def client(mapping: HostMap | None = None, *, verify: str | bool | ssl.SSLContext = True, timeout: float = 10.0) -> httpx.Client:
    mapping, tls = mapping or {}, tls_verification(verify)
    mounts = _proxy_mounts(mapping, lambda proxy: HostMapTransport(mapping, verify=tls, proxy=proxy))
    return httpx.Client(transport=HostMapTransport(mapping, verify=tls), mounts=mounts, timeout=timeout)


def async_client(
    mapping: HostMap | None = None, *, verify: str | bool | ssl.SSLContext = True, timeout: float = 10.0
) -> httpx.AsyncClient:
    mapping, tls = mapping or {}, tls_verification(verify)
    mounts = _proxy_mounts(mapping, lambda proxy: AsyncHostMapTransport(mapping, verify=tls, proxy=proxy))
    return httpx.AsyncClient(transport=AsyncHostMapTransport(mapping, verify=tls), mounts=mounts, timeout=timeout)


T = TypeVar("T", httpx.HTTPTransport, httpx.AsyncHTTPTransport)


def _proxy_mounts(mapping: HostMap, through: Callable[[str], T]) -> dict[str, T | None]:
    """The environment's proxies (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY, read as httpx reads them for a
    client of its own; it ignores them for a client given a transport, as ours are): a company's proxy between the
    suite and a tenant. Mapped hosts (the local stack, on loopback) never go through one."""
    from httpx._utils import get_environment_proxies  # httpx's own reading (pinned in requirements.txt)

    mounts: dict[str, T | None] = {}
    for pattern, url in get_environment_proxies().items():
        if url is None:
            mounts[pattern] = None
            continue
        try:
            mounts[pattern] = through(url)
        except (ImportError, ValueError) as error:  # e.g. ALL_PROXY=socks5://... without socksio: the calls go without it
            log.warning("the environment's proxy %s for %s is not used: %s", _without_credentials(url), pattern, error)
    if mounts:
        mounts.update({f"all://{host}": None for host in mapping})  # None: the client's own transport, no proxy
    return mounts


def _without_credentials(url: str) -> str:
    parsed = httpx.URL(url)
    return str(parsed.copy_with(username=None, password=None)) if parsed.userinfo else url
