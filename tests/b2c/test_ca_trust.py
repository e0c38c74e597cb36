"""B2C's back channel trusts the public CAs plus the CAs it is given, not only the stack's own.

oidc-provider-mock runs over HTTPS on a certificate from a trustme CA of this
test's own (standing in for a provider on another CA): B2C federates with it
once that CA is given (``extra_cas``, i.e. ``--ca-file`` / ``MOCKS_CA_FILES``),
and refuses it with AADB2C90289 otherwise.
"""

from __future__ import annotations

import re
import ssl
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import trustme
import werkzeug.serving

from mocks.__main__ import CA_FILES_ENV, ca_files, parser
from mocks.b2c.policy import ClaimMapping
from mocks.common.net import trust

from .support import Landing, Page, authorize_url, oidc_provider, user_flow

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import oidc_provider_mock


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    ca = trustme.CA(organization_name="Another CA, not the stack's")
    path = tmp_path_factory.mktemp("other-ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, path


@pytest.fixture(scope="module")
def provider_url(other_ca: tuple[trustme.CA, Path]) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    other_ca[0].issue_cert("localhost").configure_cert(context)
    app = oidc_provider_mock.app()
    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def provider(url: str):
    return oidc_provider(
        exchange_id="OtherCA", display_name="Other CA", domain="other-ca.example",
        metadata_url=f"{url}/.well-known/openid-configuration", client_id="b2c-at-the-mock", client_secret="anything",
        scope="openid profile email", response_mode="query",
        claims=(ClaimMapping("issuerUserId", "sub"), ClaimMapping("displayName", "email"), ClaimMapping("identityProvider", None, "other-ca.example")),
    )


def claims_exchange(browser, page: Page) -> httpx.Response:
    s = page.settings
    url = f"https://contoso.b2clogin.com{s['hosts']['tenant']}/api/{s['api']}/unified"
    return browser.request("GET", url, params={"claimsexchange": "OtherCA", "csrf_token": s["csrf"], "tx": s["transId"], "p": s["hosts"]["policy"]})


def test_b2c_federates_with_a_provider_on_a_ca_it_was_given(start, provider_url: str, other_ca: tuple[trustme.CA, Path]) -> None:
    h = start(policies=[user_flow(provider(provider_url))], extra_cas=(other_ca[1],))
    browser = h.browser()
    exchange = claims_exchange(browser, browser.go(authorize_url()))
    assert exchange.status_code == 302, exchange.text[:500]  # discovery over TLS worked
    with httpx.Client(verify=trust(other_ca[1])) as person:  # the person's browser reaches the provider too
        form = person.get(exchange.headers["location"])
        login = person.post(str(form.request.url), data={"sub": "alice@example.com"})
    assert login.status_code == 302 and urlsplit(login.headers["location"]).path.endswith("/oauth2/authresp")
    sa = browser.go(login.headers["location"])  # B2C redeems the code over TLS and validates the ID token
    assert isinstance(sa, Page) and sa.api == "SelfAsserted", getattr(sa, "html", sa)
    prefilled = {f["ID"]: f["PRE"] for f in sa.settings["SA_FIELDS"]["AttributeFields"]}
    assert browser.self_asserted(sa, prefilled).json() == {"status": "200"}
    assert isinstance(browser.confirmed(sa), Landing)
    assert [u.issuer_user_id for u in h.tenant.directory.users()] == ["alice@example.com"]


def test_without_that_ca_b2c_refuses_the_provider(start, provider_url: str) -> None:
    h = start(policies=[user_flow(provider(provider_url))])
    browser = h.browser()
    exchange = claims_exchange(browser, browser.go(authorize_url()))
    assert exchange.status_code != 302 and "AADB2C90289" in exchange.text


def test_ca_files_come_from_the_option_and_the_environment(other_ca: tuple[trustme.CA, Path], tmp_path: Path) -> None:
    second = tmp_path / "second.pem"
    second.write_text(other_ca[1].read_text())
    args = parser().parse_args(["serve", "--ca-file", str(other_ca[1]), "--ca-file", str(second)])
    assert ca_files(args.ca_file, {CA_FILES_ENV: str(second)}) == (other_ca[1], second, second)
    # docs/contracts.md: the environment's files separated by ':', an empty entry (a trailing ':') passed over.
    assert ca_files([], {CA_FILES_ENV: f"{other_ca[1]}:{second}:"}) == (other_ca[1], second)
    with pytest.raises(SystemExit, match=CA_FILES_ENV):
        ca_files([], {CA_FILES_ENV: str(tmp_path / "nope.pem")})
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--ca-file", str(tmp_path / "nope.pem")])


def test_a_ca_file_that_holds_no_ca_stops_the_start_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A README given as --ca-file started the stack, and every sign-in's back channel then failed with HTTP 500."""
    text = tmp_path / "README.md"
    text.write_text("# not a certificate\n")
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--ca-file", str(text)])
    assert f"argument --ca-file: '{text}' holds no CA certificate in PEM form" in capsys.readouterr().err
    with pytest.raises(SystemExit, match=rf"{CA_FILES_ENV} names {re.escape(str(text))} \(holds no CA certificate in PEM form"):
        ca_files([], {CA_FILES_ENV: str(text)})


def test_a_given_ca_adds_to_the_public_ones(other_ca: tuple[trustme.CA, Path]) -> None:
    context = trust(other_ca[1])
    subjects = [dict(name[0] for name in cert["subject"]).get("organizationName")  # type: ignore[misc]  # typeshed: str | tuple
                for cert in context.get_ca_certs()]
    assert "Another CA, not the stack's" in subjects and len(subjects) > 50  # the public roots are still there
