"""The host-mapped httpx clients: production names on a loopback port, cookies filed as a browser files them."""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Host, Route, Router

from mocks.common import hosts, net, serve, tls
from tests.event_loop import run as run_in_own_loop

HOSTS = ["contoso.b2clogin.com", "openid.mobileid.ch"]


async def whoami(request):
    response = PlainTextResponse(f"{request.url.hostname} cookie={request.cookies.get('x-ms-cpim-trans', '-')}")
    response.set_cookie("x-ms-cpim-trans", "t1", secure=True, samesite="none")
    return response


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    files = tls.issue_local_certificates(Path(tmp_path_factory.mktemp("tls")), HOSTS)
    app = Starlette(routes=[Host(host, Router([Route("/", whoami)])) for host in HOSTS])
    sock = serve.bind("127.0.0.1", 0)
    ready = threading.Event()
    threading.Thread(
        target=serve.run, args=(app, sock), daemon=True,
        kwargs={"on_ready": ready.set, "ssl_certfile": str(files.server_cert_chain), "ssl_keyfile": str(files.server_key)},
    ).start()
    assert ready.wait(10), "test server did not start"
    return {host: ("127.0.0.1", sock.getsockname()[1]) for host in HOSTS}, str(files.ca_cert)


def test_parse_and_format_host_map_round_trip():
    text = "contoso.b2clogin.com=127.0.0.1:8443,jwt.ms=[::1]:9443"
    mapping = hosts.parse_host_map(text)
    assert mapping == {"contoso.b2clogin.com": ("127.0.0.1", 8443), "jwt.ms": ("::1", 9443)}
    assert hosts.chromium_host_resolver_rules(mapping) == "MAP contoso.b2clogin.com 127.0.0.1:8443, MAP jwt.ms ::1:9443"


@pytest.mark.parametrize("bad", ["contoso.b2clogin.com", "a=127.0.0.1", "a=127.0.0.1:x", "=127.0.0.1:1"])
def test_malformed_host_map_names_the_entry(bad):
    with pytest.raises(ValueError, match="host=address:port"):
        hosts.parse_host_map(bad)


@pytest.mark.parametrize(("bad", "says"), [
    # A list split otherwise read as one entry whose address held the next, and crashed a run (httpx.InvalidURL)
    ("a.example=127.0.0.1:1;b.example=127.0.0.1:2", "holds ';': separate entries by ',' alone"),
    ("a.example=127.0.0.1:1 b.example=127.0.0.1:2", "holds ' ': separate entries by ',' alone"),
    ("https://contoso.b2clogin.com=127.0.0.1:8443", "maps 'https://contoso.b2clogin.com', which has a URL's scheme or path: give the host "
                                                    "name alone"),
    ("*.b2clogin.com=127.0.0.1:8443", "maps '*.b2clogin.com', which has more than a host name"),
    ("jwt.ms.=127.0.0.1:8443", "maps 'jwt.ms.', which has a final dot"),  # would match no request to jwt.ms
    ("jwt.ms=local host:8443", "holds ' '"),
    ("jwt.ms=127.0.0.1/8:8443", "points at '127.0.0.1/8', which is neither an IP address nor a host name"),
    ("jwt.ms=0:8443", "points at '0', which is neither an IP address nor a host name"),
    ("jwt.ms=127.1:8443", "points at '127.1', which is neither an IP address nor a host name"),
    ("jwt.ms=[fe80::1%eth0]:8443", "points at 'fe80::1%eth0', which has a zone ('%')"),
])
def test_a_host_map_entry_that_is_no_host_and_address_says_what_is_wrong_with_it(bad, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        hosts.parse_host_map(bad)


def test_a_host_map_points_at_an_ip_address_or_a_host_name():
    assert hosts.parse_host_map("jwt.ms=LOCALHOST:9443,m.mobileid.ch=[::1]:8443,login.example=stack.internal.:443") == {
        "jwt.ms": ("localhost", 9443), "m.mobileid.ch": ("::1", 8443), "login.example": ("stack.internal.", 443)}


def test_each_name_reaches_its_virtual_host_with_a_verified_certificate(server):
    mapping, ca = server
    with net.client(mapping, verify=ca) as http:
        assert http.get("https://openid.mobileid.ch/").text.startswith("openid.mobileid.ch ")
        assert http.get("https://contoso.b2clogin.com/").text.startswith("contoso.b2clogin.com ")


def test_cookies_and_urls_keep_the_production_host_name(server):
    mapping, ca = server
    with net.client(mapping, verify=ca) as http:
        first = http.get("https://contoso.b2clogin.com/")
        assert first.url.host == "contoso.b2clogin.com"
        assert [cookie.domain for cookie in http.cookies.jar] == ["contoso.b2clogin.com"]
        assert http.get("https://contoso.b2clogin.com/").text.endswith("cookie=t1")
        assert http.get("https://openid.mobileid.ch/").text.endswith("cookie=-")  # not sent to another site


def test_async_client_reaches_the_mapped_host(server):
    mapping, ca = server

    async def fetch():
        async with net.async_client(mapping, verify=ca) as http:
            return await http.get("https://openid.mobileid.ch/")

    # In its own thread: a worker that ran Playwright's sync API already has an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        response = pool.submit(asyncio.run, fetch()).result(timeout=30)
    assert response.text.startswith("openid.mobileid.ch ")
    assert response.url.host == "openid.mobileid.ch"


@pytest.mark.parametrize(("environ", "bypass"), [
    ({"HTTPS_PROXY": "http://proxy:3128"}, "contoso.b2clogin.com,jwt.ms"),
    ({"all_proxy": "socks5://proxy:1080", "NO_PROXY": "localhost, 127.0.0.1", "no_proxy": ".corp,localhost"},
     "localhost,127.0.0.1,.corp,contoso.b2clogin.com,jwt.ms"),  # both lists, once each, in both spellings (Chromium reads either)
])
def test_a_local_chromium_reaches_the_mapped_hosts_past_the_environments_proxy(environ: dict[str, str], bypass: str) -> None:
    mapping = {"contoso.b2clogin.com": ("127.0.0.1", 8443), "jwt.ms": ("127.0.0.1", 8443)}
    environment = hosts.chromium_environment(mapping, {"PATH": "/usr/bin", **environ})
    assert environment == {"PATH": "/usr/bin", **environ, "NO_PROXY": bypass, "no_proxy": bypass}
    assert hosts.chromium_environment(mapping, {"PATH": "/usr/bin", "NO_PROXY": "x"}) is None  # no proxy: the environment as it is
    assert hosts.chromium_environment({}, environ) is None  # nothing mapped (a tenant's hosts): the proxy for all


def test_a_proxy_from_the_environment_is_used_for_unmapped_hosts_only(server, monkeypatch: pytest.MonkeyPatch,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    """A company proxy between the suite and a tenant (HTTPS_PROXY, NO_PROXY): the suite's clients use it as httpx's
    own would; mapped hosts (the local stack) never go through it. The stack's CONNECT proxy stands in for it."""
    from mocks.stack_proxy import ConnectProxy

    mapping, ca = server
    proxy = ConnectProxy({"contoso.b2clogin.com": mapping["contoso.b2clogin.com"]})  # the proxy knows the name; DNS does not
    proxy.start()
    try:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)
            monkeypatch.delenv(name.lower(), raising=False)
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        with net.client(verify=ca) as http:  # no host map: a tenant's hosts
            assert http.get("https://contoso.b2clogin.com/").text.startswith("contoso.b2clogin.com ")
        with net.client({"openid.mobileid.ch": mapping["openid.mobileid.ch"]}, verify=ca) as http:  # mapped: not proxied
            assert http.get("https://openid.mobileid.ch/").text.startswith("openid.mobileid.ch ")

        async def through_async() -> str:
            async with net.async_client(verify=ca) as http:
                return (await http.get("https://contoso.b2clogin.com/")).text
        assert run_in_own_loop(through_async()).startswith("contoso.b2clogin.com ")
        # A name nobody resolves (RFC 6761; answered here, not by this machine's resolver): through the proxy it is the proxy
        # that fails; excepted by NO_PROXY, the lookup.
        real_lookup = socket.getaddrinfo

        def lookup(host: object, *args: object, **kwargs: object) -> object:
            if host == "nowhere.invalid":
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return real_lookup(host, *args, **kwargs)  # type: ignore[arg-type]
        monkeypatch.setattr(socket, "getaddrinfo", lookup)
        with net.client(verify=ca, timeout=5) as http, pytest.raises(httpx.ProxyError):
            http.get("https://nowhere.invalid/")
        monkeypatch.setenv("NO_PROXY", "nowhere.invalid")
        with net.client(verify=ca, timeout=5) as http, pytest.raises(httpx.ConnectError):
            http.get("https://nowhere.invalid/")
        # A proxy httpx cannot use here (SOCKS needs socksio, not installed): left out, said, nothing else broken.
        monkeypatch.setenv("ALL_PROXY", "socks5://user:pw@127.0.0.1:1080")
        with caplog.at_level("WARNING", logger="mocks.common.net"), net.client(mapping, verify=ca) as http:
            assert http.get("https://openid.mobileid.ch/").text.startswith("openid.mobileid.ch ")
        assert "socks5://127.0.0.1:1080" in caplog.text and "pw" not in caplog.text
    finally:
        proxy.stop()


def test_listening_socket_disables_nagle_for_accepted_connections():
    # Without TCP_NODELAY every small response waited ~40 ms for a delayed ACK (make bench shows it).
    sock = serve.bind("127.0.0.1", 0)
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        sock.close()


def test_trust_is_built_once_per_ca_file_and_again_when_the_file_changes(tmp_path: Path) -> None:
    import os
    import ssl

    import trustme

    first, second = trustme.CA(), trustme.CA()
    ca_file = tmp_path / "ca.pem"
    first.cert_pem.write_to_path(str(ca_file))
    context = net.trust(ca_file)
    assert net.trust(str(ca_file)) is context  # the same file as a path or a string: loaded once

    second.cert_pem.write_to_path(str(ca_file))  # a new CA in the same place (a stack's state directory reused)
    stat = ca_file.stat()
    os.utime(ca_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    renewed = net.trust(ca_file)

    def der(ca: trustme.CA) -> bytes:
        return ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode())

    assert der(first) in context.get_ca_certs(binary_form=True)
    assert der(second) in renewed.get_ca_certs(binary_form=True) and der(second) not in context.get_ca_certs(binary_form=True)


def test_a_private_ca_adds_to_the_public_cas_and_does_not_replace_them(tmp_path: Path) -> None:
    """A tenant's pages and a deployed emulator behind a public certificate stay reachable with E2E_CA_FILE set."""
    import ssl

    import certifi
    import trustme

    private = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    private.cert_pem.write_to_path(str(ca_file))
    trusted = net.trust(ca_file).get_ca_certs(binary_form=True)
    public = ssl.create_default_context(cafile=certifi.where()).get_ca_certs(binary_form=True)
    assert ssl.PEM_cert_to_DER_cert(private.cert_pem.bytes().decode()) in trusted
    assert set(public) <= set(trusted)


def test_a_host_maps_names_are_matched_whatever_their_case() -> None:
    assert hosts.parse_host_map(" Contoso.B2CLogin.com =127.0.0.1:8443") == {"contoso.b2clogin.com": ("127.0.0.1", 8443)}


def test_a_mapped_request_names_its_host_in_tls_sni(tmp_path: Path) -> None:
    """Not the address it connects to: a TLS front (a team's proxy, a load balancer) picks the site by SNI."""
    files = tls.issue_local_certificates(tmp_path, HOSTS)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files.server_cert_chain, files.server_key)
    named: list[str | None] = []
    context.sni_callback = lambda _sock, name, _context: named.append(name)
    listener = serve.bind("127.0.0.1", 0)

    def answer_once() -> None:
        connection, _ = listener.accept()
        with context.wrap_socket(connection, server_side=True) as tls_connection:
            tls_connection.recv(65536)
            tls_connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    serving = threading.Thread(target=answer_once, daemon=True)
    serving.start()
    try:
        with net.client({"openid.mobileid.ch": ("127.0.0.1", listener.getsockname()[1])}, verify=str(files.ca_cert), timeout=5) as http:
            assert http.get("https://openid.mobileid.ch/").text == "ok"
    finally:
        serving.join(5)
        listener.close()
    assert named == ["openid.mobileid.ch"]


def test_a_client_without_a_ca_file_verifies_with_the_public_cas_or_not_at_all_when_told(server) -> None:
    """A tenant's run (no E2E_CA_FILE): ``verify`` is True (the public CAs, which do not know the test server's), or False
    (no check), or a context, passed on as httpx takes them."""
    mapping, _ = server
    with net.client(mapping) as http, pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        http.get("https://openid.mobileid.ch/")
    with net.client(mapping, verify=False) as unverified:
        assert unverified.get("https://openid.mobileid.ch/").text.startswith("openid.mobileid.ch ")
    context = ssl.create_default_context()
    assert net.tls_verification(context) is context
