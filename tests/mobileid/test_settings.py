"""Settings from TOML and environment, start-up errors that say what to fix, and the command line."""

from __future__ import annotations

import contextlib
import os
import re
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from mocks.faults import Fault, Side, acting_on
from mocks.mobileid import MobileIDSettings, load_settings
from mocks.mobileid.settings import ConfigurationError
from tests.mobileid import support
from tests.mobileid.support import REDIRECTS, RP_POST, SECRETS, WAITING_NUMBER, User, answer_of, authorize_params, redeem, started

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "mocks" / "mobileid" / "example-config.toml"
ENV = {
    "MOBILEID_ISSUER": "https://idp.example.com/",
    "MOBILEID_CLIENT_ID": "b2c-tenant",
    "MOBILEID_CLIENT_SECRET": "env-secret",
    "MOBILEID_REDIRECT_URIS": "https://t.b2clogin.com/t.onmicrosoft.com/oauth2/authresp, https://login.t.example/t.onmicrosoft.com/oauth2/authresp",
}


def test_single_client_deployment_from_the_environment() -> None:
    settings = load_settings(environ=ENV)
    assert settings.issuer == "https://idp.example.com"
    [client] = settings.clients
    assert client.client_id == "b2c-tenant" and client.client_secret.get_secret_value() == "env-secret"
    assert client.redirect_uris[1] == "https://login.t.example/t.onmicrosoft.com/oauth2/authresp"
    assert client.token_endpoint_auth_method == "client_secret_post"
    assert settings.control_on is False  # deployed: off unless a token is set


def test_environment_control_token_and_faults() -> None:
    settings = load_settings(environ={**ENV, "MOBILEID_CONTROL_TOKEN": "ctl-XYZ-987", "MOBILEID_FAULTS": "slow-idp, userinfo-failing"})
    assert settings.control_on is True
    assert settings.faults == {Fault.SLOW_IDP, Fault.USERINFO_FAILING}
    assert "ctl-XYZ-987" not in repr(settings) and "env-secret" not in repr(settings)  # secrets never show up in logs or tracebacks


def test_the_example_file_loads() -> None:
    settings = load_settings(EXAMPLE, environ={})
    assert settings.clients[0].client_id == "b2c-contoso-0001"
    assert [u.msisdn for u in settings.users] == ["+41790000001", "+41790000002", "+41790000003"]
    assert settings.users[1].method == "app"


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"MOBILEID_CLIENT_ID": "x"}, ["MOBILEID_CLIENT_SECRET", "MOBILEID_REDIRECT_URIS"]),
        ({**ENV, "MOBILEID_ISSUER": "idp.example.com"}, ["issuer", "MOBILEID_ISSUER"]),
        ({**ENV, "MOBILEID_REDIRECT_URIS": "ftp://x"}, ["redirect_uris", "MOBILEID_REDIRECT_URIS"]),
        # Swisscom registers https redirect URIs, none on localhost (reference mobileid.md section 5)
        ({**ENV, "MOBILEID_REDIRECT_URIS": "http://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp"},
         ["redirect_uris", "must be an absolute https URL"]),
        ({**ENV, "MOBILEID_REDIRECT_URIS": "https://localhost:8443/cb"}, ["redirect_uris", "is on localhost"]),
        ({**ENV, "MOBILEID_REDIRECT_URIS": "https://127.0.0.1/cb"}, ["redirect_uris", "is on localhost"]),
        ({**ENV, "MOBILEID_REDIRECT_URIS": "https://[::1]:8443/cb"}, ["redirect_uris", "is on localhost"]),
        ({**ENV, "MOBILEID_REDIRECT_URIS": "https://[::ffff:127.0.0.1]/cb"}, ["redirect_uris", "is on localhost"]),
        ({**ENV, "MOBILEID_REDIRECT_URIS": "https://localhost./cb"}, ["redirect_uris", "is on localhost"]),
        ({**ENV, "MOBILEID_REDIRECT_URIS": "https://b2c.localhost/cb"}, ["redirect_uris", "is on localhost"]),  # RFC 6761: loopback too
        ({**ENV, "MOBILEID_TRANSACTION_TIMEOUT": "soon"}, ["transaction_timeout", "MOBILEID_TRANSACTION_TIMEOUT"]),
        ({**ENV, "MOBILEID_FAULTS": "no-such-fault"}, ["faults", "MOBILEID_FAULTS"]),
        ({**ENV, "MOBILEID_CLIENT_CONSENT": "sometimes"}, ["clients.0.consent", "MOBILEID_CLIENT_CONSENT"]),
        # a secret read from a file with its newline: every token request of B2C would be 401 invalid_client
        ({**ENV, "MOBILEID_CLIENT_SECRET": "change-me\n"}, ["clients.0.client_secret", "MOBILEID_CLIENT_SECRET", "a newline"]),
    ],
)
def test_bad_configuration_names_the_setting(environ: dict, names: list[str]) -> None:
    with pytest.raises(ConfigurationError) as stopped:
        load_settings(environ=environ)
    for name in names:
        assert name in str(stopped.value)


def test_a_bad_value_given_on_the_command_line_is_said_as_its_option() -> None:
    """`--issuer foo` was said as "issuer (environment MOBILEID_ISSUER)", a variable nobody set."""
    with pytest.raises(ConfigurationError) as stopped:
        load_settings(None, environ={}, issuer="foo")
    assert "issuer (--issuer): Value error" in str(stopped.value) and "MOBILEID_ISSUER" not in str(stopped.value), stopped.value


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("issuer = \n")
    with pytest.raises(ConfigurationError, match=r"bad.toml, the settings file \(--config or MOBILEID_CONFIG\): not valid TOML"):
        load_settings(config, environ={})
    config.write_text('[[clients]]\nclient_id = "a"\nclient_secret = "b"\nredirect_uris = ["https://x/cb"]\nconsent = "sometimes"\n')
    with pytest.raises(ConfigurationError, match=r"clients\.0\.consent"):
        load_settings(config, environ={})


CLIENT = '[[clients]]\nclient_id = "a"\nredirect_uris = ["https://rp.example/cb"]\n'
USER = '[[users]]\nmsisdn = "+41795550001"\n'


@pytest.mark.parametrize(("top", "client", "user", "says"), [
    ('issuer = "https://"', "", "", "issuer (environment MOBILEID_ISSUER): Value error, 'https://' must be an absolute http(s) URL with a host"),
    ('authorization_base_url = "https://m .example"', "", "", "authorization_base_url (environment MOBILEID_AUTHORIZATION_BASE_URL): Value error, "
     "'https://m .example' must be an absolute http(s) URL with a host, without query, fragment or spaces"),
    ("transaction_timeout = 0", "", "", "transaction_timeout (environment MOBILEID_TRANSACTION_TIMEOUT): Input should be greater than 0"),
    ("code_lifetime = 3601", "", "", "code_lifetime (environment MOBILEID_CODE_LIFETIME): Input should be less than or equal to 3600"),
    ("access_token_lifetime = 0", "", "", "access_token_lifetime (environment MOBILEID_ACCESS_TOKEN_LIFETIME): Input should be greater"),
    ("id_token_lifetime = -5", "", "", "id_token_lifetime (environment MOBILEID_ID_TOKEN_LIFETIME): Input should be greater"),
    ("long_poll_seconds = 61", "", "", "long_poll_seconds: Input should be less than or equal to 60"),
    ('signing_key_pem = "/nonexistent/key.pem"', "", "", "signing_key_pem (environment MOBILEID_SIGNING_KEY_PEM): Value error, no PEM file"),
    ('control_enabled = "perhaps"', "", "", "control_enabled (environment MOBILEID_CONTROL_ENABLED): Input should be a valid boolean"),
    ('control_token = ""', "", "", "control_token (environment MOBILEID_CONTROL_TOKEN): Value error, the control token must not be empty"),
    ('control_token = "s3cret "', "", "", "control_token (environment MOBILEID_CONTROL_TOKEN): Value error, the control token must not"),
    ('signing_key_id = ""', "", "", "signing_key_id (environment MOBILEID_SIGNING_KEY_ID): Value error, signing_key_id must not be empty: it is the key's kid"),
    ("store_limit = 9", "", "", "store_limit (environment MOBILEID_STORE_LIMIT): Input should be greater than or equal to 10"),
    ("slow_idp_delay = 61", "", "", "slow_idp_delay (environment MOBILEID_SLOW_IDP_DELAY): Input should be less than or equal to 60"),
    ("", 'client_secret = ""', "", "clients.0.client_secret: Value error, the client secret must"),
    ("", 'client_secret = "b2c-secret\\n"', "", "clients.0.client_secret: the client secret must not start or end with a space or "
                                             "a newline"),
    ("", 'client_secret = " b2c-secret"', "", "clients.0.client_secret: the client secret must not start or end"),
    ("", 'token_endpoint_auth_method = "private_key_jwt"', "", "clients.0.token_endpoint_auth_method: Input should be"),
    ("", 'allowed_scopes = ["profile"]', "", "clients.0.allowed_scopes: Value error, allowed_scopes must include openid"),
    ("", 'allowed_acrs = ["mid_al9"]', "", "clients.0.allowed_acrs: Value error, unknown ACR values ['mid_al9']"),
    ("", 'default_acr = "mid_al4_any"', "", "clients.0: Value error, default_acr 'mid_al4_any' is not in allowed_acrs"),
    ("", f'dtbd_prefix = "{"p" * 240}"', "", "clients.0.dtbd_prefix: Value error, dtbd_prefix is 240 characters, longer than a dtbd may be (239): shorten it"),
    ("", f'dtbd_prefix = "{"ê" * 120}"', "", "clients.0.dtbd_prefix: Value error, dtbd_prefix is 120 characters, longer than a dtbd may be "
                                            "(119, as 'ê' is outside GSM 03.38): shorten it or write it in GSM 03.38 characters only (up to 239)"),
    ("", 'client_id = " a"', "", "clients.0.client_id: Value error, client_id ' a' must not be blank"),
    ("", 'claims_in_id_token = "maybe"', "", "clients.0.claims_in_id_token: Input should be a valid boolean"),
    ("", "", 'outcome = "maybe"', "users.0.outcome: Input should be 'approve'"),
    ("", "", "delay = -1", "users.0.delay: Input should be greater than or equal to 0"),
    ("", "", 'method = "sms"', "users.0.method: Input should be 'sim' or 'app'"),
    ("", "", 'serial = "ABC123"', "users.0.serial: Value error, serial 'ABC123' is not a Mobile ID serial: MIDCHE and 10 letters or digits"),
    ("", "", "recovery_code_status = \"perhaps\"", "users.0.recovery_code_status: Input should be a valid boolean"),
])
def test_a_bad_value_in_the_settings_file_is_refused_naming_the_setting(tmp_path: Path, top: str, client: str, user: str,
                                                                       says: str) -> None:
    """Each setting's bad value stops the start with the setting's name (and its variable) and what is wrong; a file's
    client is the file's alone (the client variables configure one more client), so its errors name no variable."""
    config = tmp_path / "config.toml"
    secret = "" if "client_secret" in client else 'client_secret = "b"\n'
    base = CLIENT.replace('client_id = "a"\n', "") if client.startswith("client_id") else CLIENT
    config.write_text(f"{top}\n{base}{secret}{client}\n{USER}{user}\n")
    with pytest.raises(ConfigurationError) as stopped:
        load_settings(config, environ={})
    assert says in str(stopped.value), stopped.value


def test_a_half_configured_environment_client_is_named_with_every_other_bad_setting_at_once(tmp_path: Path) -> None:
    """A variable the environment's client lacks was said alone, before the other settings were read: each fix showed the
    next problem. Its own client's errors name its variables; a file's client's name none."""
    config = tmp_path / "config.toml"
    config.write_text('[[clients]]\nclient_id = "a"\nredirect_uris = ["https://app.example/cb"]\n')
    with pytest.raises(ConfigurationError) as stopped:
        load_settings(config, environ={"MOBILEID_ISSUER": "ftp://x", "MOBILEID_CLIENT_ID": "b2c", "MOBILEID_REDIRECT_URIS": "http://x"})
    said = str(stopped.value)
    assert "issuer (environment MOBILEID_ISSUER): Value error, 'ftp://x' must be" in said, said
    assert "clients.0.client_secret: Field required" in said, said
    assert ("clients.1.client_secret (environment MOBILEID_CLIENT_SECRET): not set: the environment-configured client needs "
            "MOBILEID_CLIENT_ID, MOBILEID_CLIENT_SECRET and MOBILEID_REDIRECT_URIS (comma-separated)") in said, said
    assert "clients.1.redirect_uris (environment MOBILEID_REDIRECT_URIS): Value error, redirect URI 'http://x'" in said, said


def test_local_stack_registers_the_b2c_client_of_the_contract() -> None:
    settings = MobileIDSettings.local_stack(client_secret="stack-secret", faults={Fault.SLOW_IDP})
    [client] = settings.clients
    assert client.client_id == "b2c-contoso-0001"
    assert client.redirect_uris == ["https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp"]
    assert client.token_endpoint_auth_method == "client_secret_post"
    assert (settings.issuer, settings.authorization_base) == ("https://openid.mobileid.ch", "https://m.mobileid.ch")
    assert settings.control_on and settings.faults == {Fault.SLOW_IDP}


def emulator_env(**settings: str) -> dict[str, str]:
    """``support.emulator_env`` with ENV's settings, this repository importable, and ``settings``."""
    return support.emulator_env(**{**ENV, "PYTHONPATH": str(ROOT), **settings})


def test_the_help_lists_the_registrys_faults_that_act_on_mobile_id() -> None:
    said = subprocess.run([sys.executable, "-m", "mocks.mobileid", "--help"], cwd=ROOT, env=emulator_env(), capture_output=True,
                          text=True, timeout=30).stdout
    assert f"switch on a fault: {MOBILE_ID_FAULTS}" in " ".join(said.split()), said


def test_command_line_prints_a_ready_line_and_serves() -> None:
    command = [sys.executable, "-m", "mocks.mobileid", "--port", "0", "--issuer", "https://idp.example.com", "--log-level", "warning"]
    with started(command, cwd=ROOT, env=emulator_env()) as emulator:
        # A deployed issuer: behind a proxy on this machine every caller is loopback, so no open control API.
        assert "mobileid-control: off" in emulator.lines
        discovery = httpx.get(f"{emulator.url}/.well-known/openid-configuration").json()
        # URLs come from the configured issuer, not from the address the request reached.
        assert discovery["token_endpoint"] == "https://idp.example.com/token"
        assert discovery["authorization_endpoint"] == "https://idp.example.com/oidc/authorize"
        off = httpx.get(f"{emulator.url}/control/robots")
        assert off.status_code == 404 and "the issuer https://idp.example.com is not loopback" in off.json()["error_description"], off.text
    with started([*command[:-4], "--issuer", "http://localhost:8080"], cwd=ROOT, env=emulator_env()) as emulator:
        assert "mobileid-control: on" in emulator.lines  # loopback host and issuer: tests on this machine


def test_the_ready_line_is_a_url_on_an_ipv6_address_too() -> None:
    """README: the ready line is the emulator's URL; on ``--host ::1`` it said ``http://::1:PORT``, which parses as no URL."""
    command = [sys.executable, "-m", "mocks.mobileid", "--port", "0", "--host", "::1", "--issuer", "http://localhost:8080", "--log-level", "warning"]
    with started(command, cwd=ROOT, env=emulator_env()) as emulator:
        assert re.fullmatch(r"http://\[::1\]:\d+", emulator.url), emulator.url
        assert httpx.get(f"{emulator.url}/.well-known/openid-configuration").status_code == 200


def test_secrets_tokens_and_codes_are_never_logged(tmp_path: Path) -> None:
    """README, Control API: "Secrets, tokens and codes are never logged". A whole sign-in at --log-level debug, answered
    through the control API with its token, leaves none of them in the emulator's output (all of it, after the ready line too).
    Nor the login session's id: the access log wrote each request's query (``GET /oidc/wait?session=...``), and with that
    id anyone reading the log gets the sign-in's code from ``/oidc/wait/status`` or ``/oidc/continue``."""
    token = "control-" + "t" * 24
    client = {"MOBILEID_CLIENT_ID": RP_POST, "MOBILEID_CLIENT_SECRET": SECRETS[RP_POST], "MOBILEID_REDIRECT_URIS": REDIRECTS[RP_POST]}
    command = [sys.executable, "-m", "mocks.mobileid", "--port", "0", "--log-level", "debug"]
    with started(command, cwd=ROOT, env=emulator_env(**client, MOBILEID_CONTROL_TOKEN=token)) as emulator, \
            httpx.Client(base_url=emulator.url, timeout=30) as http:
        user = User(http)
        session = user.start_transaction(WAITING_NUMBER, authorize_params(response_mode="form_post"))  # the waiting page posts it
        approved = http.post(f"/control/phones/{WAITING_NUMBER}/approve", headers={"Authorization": f"Bearer {token}"})
        assert approved.status_code == 200, approved.text
        answer = user.finish(session)
        assert answer.code, answer
        tokens = redeem(http, answer.code).json()
        assert http.get("/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 200
    said = "\n".join(emulator.printed())
    assert "control: transaction" in said, said  # the sign-in was logged, without what follows
    assert '"GET /oidc/wait/status HTTP/1.1" 200' in said, said  # one line per request, its path without the query
    for secret in (token, SECRETS[RP_POST], answer.code, tokens["access_token"], tokens["id_token"], session):
        assert secret not in said, said


@pytest.mark.parametrize("host_and_issuer", [["--host", "192.0.2.1", "--issuer", "http://localhost:8080"],  # the address alone
                                             ["--host", "127.0.0.1", "--issuer", "https://mobileid-emulator.example.com"]],
                         ids=["another address", "a deployed issuer"])
def test_a_control_api_others_can_reach_refuses_a_short_token(host_and_issuer: list[str]) -> None:
    """Every wrong guess is a quick 401: a token of a few characters is found online. Not said: its length."""
    short = "s3cret-token"
    env = emulator_env(MOBILEID_CONTROL_TOKEN=short)
    result = subprocess.run([sys.executable, "-m", "mocks.mobileid", "--port", "0", *host_and_issuer], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "the control token MOBILEID_CONTROL_TOKEN is too short for a control API others can reach: " \
        "give it at least 20 random characters" in result.stderr and short not in result.stderr, result.stderr


def test_a_deployed_issuer_without_a_control_token_refuses_an_open_control_api() -> None:
    """Started as the README's usual deployment (--host 127.0.0.1, a public issuer) behind a proxy or a port relay on the
    same machine, every caller reached the tokenless control API from loopback and could approve any sign-in."""
    env = emulator_env(MOBILEID_CONTROL_ENABLED="true")
    result = subprocess.run([sys.executable, "-m", "mocks.mobileid", "--host", "127.0.0.1", "--port", "0", "--issuer",
                             "https://mobileid-emulator.example.com"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and ("refusing to enable the control API for the issuer https://mobileid-emulator.example.com "
                                       "(a proxy in front of it makes every caller loopback) without a token") in result.stderr, result.stderr


BAD_KEY = "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n"


MOBILE_ID_FAULTS = ", ".join(f.value for f in Fault if f.side is Side.MOBILE_ID)  # the registry's order, as the command says them


@pytest.mark.parametrize(("args", "settings", "says"), [
    ([], {"MOBILEID_CLIENT_ID": "", "MOBILEID_CLIENT_SECRET": "", "MOBILEID_REDIRECT_URIS": ""},
     "Mobile ID emulator: no client configured. Set MOBILEID_CLIENT_ID"),
    ([], {"MOBILEID_CLIENT_ID": ""}, "clients.0.client_id (environment MOBILEID_CLIENT_ID): not set: the environment-configured client "
     "needs MOBILEID_CLIENT_ID, MOBILEID_CLIENT_SECRET and MOBILEID_REDIRECT_URIS"),
    ([], {"MOBILEID_SIGNING_KEY_PEM": "{key}"},
     "Mobile ID emulator: signing_key_pem (environment MOBILEID_SIGNING_KEY_PEM, or the settings file): {key} is not an unencrypted "
     "private key in PEM"),
    (["--fault", "wrong-audience"], {}, f"--fault wrong-audience: it acts on B2C, not on this emulator; its faults: {MOBILE_ID_FAULTS}"),
    (["--fault", "no-such-fault"], {}, f"unknown fault 'no-such-fault'; known faults: {MOBILE_ID_FAULTS}"),
    (["--certfile", "/nonexistent/chain.pem", "--keyfile", "/nonexistent/key.pem"], {},
     "cannot serve HTTPS with the certificate chain /nonexistent/chain.pem and the key /nonexistent/key.pem: No such file or directory"),
    (["--port", "99999"], {}, "argument --port: '99999' is not a port number (0-65535; 0 picks a free port)"),
    # The image's start without MOBILEID_ISSUER: its discovery named the real service, where B2C then sent every sign-in.
    (["--host", "192.0.2.1"], {"MOBILEID_ISSUER": "", "MOBILEID_CONTROL_TOKEN": "t" * 32},
     "Mobile ID emulator: MOBILEID_ISSUER (or --issuer) is not set, so this emulator, which others can reach on --host 192.0.2.1, "
     "would name the real service's issuer, https://openid.mobileid.ch"),
    # B2C fetches an OpenID provider's discovery over https only: a tenant pointed at this one could not federate.
    ([], {"MOBILEID_ISSUER": "http://mobileid-emulator.example.com"},
     "Mobile ID emulator: the issuer (MOBILEID_ISSUER or --issuer) http://mobileid-emulator.example.com is not https"),
    ([], {"MOBILEID_ISSUER": "https://mobileid-emulator.example.com", "MOBILEID_AUTHORIZATION_BASE_URL": "http://m.example.com"},
     "Mobile ID emulator: the login pages' base URL (MOBILEID_AUTHORIZATION_BASE_URL or --authorization-base-url) "
     "http://m.example.com is not https"),
    # A fixed kid over a new key per start: after a restart B2C checked new tokens against the key it cached under that kid.
    ([], {"MOBILEID_ISSUER": "https://mobileid-emulator.example.com", "MOBILEID_SIGNING_KEY_ID": "team-key-1"},
     "Mobile ID emulator: MOBILEID_SIGNING_KEY_ID (signing_key_id) is set but MOBILEID_SIGNING_KEY_PEM is not"),
], ids=["no client", "half a client", "a key that cannot sign RS256", "a fault of B2C's", "an unknown fault", "no certificate file",
        "a port out of range", "reachable without an issuer", "a public issuer over http", "public login pages over http",
        "a fixed kid over a new key per start"])
def test_the_command_line_refuses_a_start_it_cannot_serve_saying_why(tmp_path: Path, args: list[str], settings: dict[str, str],
                                                                     says: str) -> None:
    key = tmp_path / "signing.pem"
    key.write_text(BAD_KEY)
    env = emulator_env(**{name: value.format(key=key) for name, value in settings.items()})
    result = subprocess.run([sys.executable, "-m", "mocks.mobileid", "--port", "0", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and says.format(key=key) in result.stderr and "Traceback" not in result.stderr, result.stderr
    if "signing_key_pem" in says:  # and how to get one that works
        assert "openssl genpkey -algorithm RSA" in result.stderr and "unset it to have one generated" in result.stderr, result.stderr


def test_a_fault_that_acts_on_b2c_is_refused_in_the_settings_naming_this_emulators_faults() -> None:
    with pytest.raises(ConfigurationError, match=r"faults \(environment MOBILEID_FAULTS\): .*wrong-audience acts on B2C, not on Mobile ID; "
                                                 r"this emulator's faults: " + re.escape(", ".join(sorted(f.value for f in acting_on(Side.MOBILE_ID))))):
        load_settings(environ={**ENV, "MOBILEID_FAULTS": "slow-idp, wrong-audience"})


@contextlib.contextmanager
def command_line(*args: str) -> Iterator[str]:
    """``python -m mocks.mobileid ARGS`` on a free loopback port; yields the URL its ready line gives."""
    with started([sys.executable, "-m", "mocks.mobileid", "--port", "0", "--log-level", "warning", *args], cwd=ROOT,
                 env=emulator_env()) as emulator:
        yield emulator.url


@pytest.mark.parametrize("proxy_headers", [False, True], ids=["direct", "behind a proxy"])
def test_behind_a_proxy_the_client_is_the_forwarded_address(proxy_headers: bool) -> None:
    """The control API answers loopback clients only (no token): with --proxy-headers a trusted proxy's X-Forwarded-For
    names the client; without, the header is anybody's and ignored."""
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    with command_line("--issuer", "http://localhost:8080", *(["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"] if proxy_headers else [])) as url:
        assert httpx.get(f"{url}/control/robots").status_code == 200
        answer = httpx.get(f"{url}/control/robots", headers=forwarded)
        assert answer.status_code == (403 if proxy_headers else 200), answer.text
        if proxy_headers:
            assert answer.json()["error"] == "forbidden"


def test_it_serves_https_itself_with_certfile_and_keyfile(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "chain.pem"))
    with command_line("--certfile", str(tmp_path / "chain.pem"), "--keyfile", str(tmp_path / "key.pem")) as url:
        assert url.startswith("https://127.0.0.1:")
        trust = ssl.create_default_context()
        ca.configure_trust(trust)
        assert httpx.get(f"{url}/.well-known/openid-configuration", verify=trust).json()["issuer"] == "https://idp.example.com"


@pytest.mark.parametrize(("scopes", "says"), [
    (["openid", "offline_access"], "scopes ['offline_access'] are Mobile ID's but not emulated (README, Not emulated)"),
    (["openid", "email"], "unknown scopes ['email']"),
])
def test_a_clients_scopes_say_whether_mobile_id_has_them(scopes: list[str], says: str) -> None:
    from pydantic import SecretStr, ValidationError

    from mocks.mobileid.settings import ClientSettings

    with pytest.raises(ValidationError, match=re.escape(says)):
        ClientSettings(client_id="rp", client_secret=SecretStr("s"), redirect_uris=["https://rp.example/cb"], allowed_scopes=scopes)


@pytest.mark.parametrize(("consent", "asked"), [
    (None, [False, False]),  # the default: never
    ("never", [False, False]),
    ("once", [True, False]),  # per user: not again once given
    ("always", [True, True]),
])
def test_mobileid_client_consent_says_when_the_environments_client_asks_consent(start_emulator, consent: str | None,
                                                                                 asked: list[bool]) -> None:
    environ = {"MOBILEID_CLIENT_ID": RP_POST, "MOBILEID_CLIENT_SECRET": SECRETS[RP_POST], "MOBILEID_REDIRECT_URIS": REDIRECTS[RP_POST]}
    settings = load_settings(environ={**environ, **({"MOBILEID_CLIENT_CONSENT": consent} if consent else {})})
    seen = []
    with start_emulator(clients=settings.clients).client() as http:
        for _ in asked:  # the same number signs in twice
            user = User(http)
            session = user.start_transaction("+41700092501", authorize_params())
            next_page = http.get(user.wait_status(session)["next"])
            seen.append("/oidc/consent?" in next_page.headers.get("location", ""))
            if seen[-1]:
                next_page = http.post("/oidc/consent", data={"session": session, "decision": "accept"})
            assert answer_of(next_page).code
    assert seen == asked


@pytest.fixture
def command_line_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., MobileIDSettings]]:
    """The settings ``python -m mocks.mobileid ARGS`` starts with, from its own main() in this process (stopped before
    serving), with only the environment the test sets."""
    from mocks.mobileid import __main__ as command

    for variable in [name for name in os.environ if name.startswith("MOBILEID_")]:
        monkeypatch.delenv(variable)
    monkeypatch.setattr("logging.basicConfig", lambda **_: None)  # the test run keeps its logging

    class Started(Exception):
        def __init__(self, settings: MobileIDSettings) -> None:
            self.settings = settings

    def create_app(settings: MobileIDSettings) -> None:
        raise Started(settings)

    monkeypatch.setattr(command, "create_app", create_app)

    def settings_of(*args: str) -> MobileIDSettings:
        with pytest.raises(Started) as started_with:
            command.main(list(args))
        return started_with.value.settings

    yield settings_of


def settings_file(path: Path, issuer: str, client_id: str, **top: str) -> Path:
    lines = [f'issuer = "{issuer}"', *(f"{key} = {value}" for key, value in top.items()),
             f'[[clients]]\nclient_id = "{client_id}"\nclient_secret = "s"\nredirect_uris = ["https://rp.example/cb"]']
    path.write_text("\n".join(lines) + "\n")
    return path


def test_mobileid_config_names_the_settings_file_when_no_config_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                         command_line_settings: Callable[..., MobileIDSettings]) -> None:
    named = settings_file(tmp_path / "named.toml", "https://named.example", "rp-named", code_lifetime="45")
    monkeypatch.setenv("MOBILEID_CONFIG", str(named))
    settings = command_line_settings()
    assert (settings.issuer, [c.client_id for c in settings.clients], settings.code_lifetime) == ("https://named.example", ["rp-named"], 45)
    # --config, the command line, wins over it
    given = settings_file(tmp_path / "given.toml", "https://given.example", "rp-given")
    assert [c.client_id for c in command_line_settings("--config", str(given)).clients] == ["rp-given"]


def test_the_environment_overrides_the_file_and_the_command_line_overrides_both(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command_line_settings: Callable[..., MobileIDSettings]) -> None:
    config = str(settings_file(tmp_path / "config.toml", "https://file.example", "rp-file", transaction_timeout="10",
                               faults='["userinfo-failing"]'))
    from_file = command_line_settings("--config", config)
    assert (from_file.issuer, from_file.transaction_timeout, from_file.faults) == ("https://file.example", 10, frozenset({Fault.USERINFO_FAILING}))
    monkeypatch.setenv("MOBILEID_ISSUER", "https://env.example")
    monkeypatch.setenv("MOBILEID_TRANSACTION_TIMEOUT", "20")
    monkeypatch.setenv("MOBILEID_FAULTS", "slow-idp")
    over_file = command_line_settings("--config", config)
    assert (over_file.issuer, over_file.transaction_timeout, over_file.faults) == ("https://env.example", 20, frozenset({Fault.SLOW_IDP}))
    over_both = command_line_settings("--config", config, "--issuer", "https://cli.example", "--fault", "userinfo-failing")
    assert (over_both.issuer, over_both.transaction_timeout, over_both.faults) == ("https://cli.example", 20, frozenset({Fault.USERINFO_FAILING}))


def test_the_environments_client_is_added_to_the_files_clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               command_line_settings: Callable[..., MobileIDSettings]) -> None:
    config = settings_file(tmp_path / "config.toml", "https://file.example", "rp-file")
    for variable, value in ENV.items():
        monkeypatch.setenv(variable, value)
    settings = command_line_settings("--config", str(config))
    assert [client.client_id for client in settings.clients] == ["rp-file", "b2c-tenant"]
    added = settings.client("b2c-tenant")
    assert added is not None and added.redirect_uris == ["https://t.b2clogin.com/t.onmicrosoft.com/oauth2/authresp",
                                                         "https://login.t.example/t.onmicrosoft.com/oauth2/authresp"]


def test_fault_is_repeatable_each_one_switched_on(tmp_path: Path, command_line_settings: Callable[..., MobileIDSettings]) -> None:
    """README, Command line: ``--fault NAME`` (repeatable): every one given is on, not only the last."""
    config = str(settings_file(tmp_path / "config.toml", "https://file.example", "rp-file"))
    settings = command_line_settings("--config", config, "--fault", "token-failing", "--fault", "slow-idp")
    assert settings.faults == {Fault.TOKEN_FAILING, Fault.SLOW_IDP}


def test_the_readmes_usual_deployment_prints_the_readmes_three_lines_the_ready_line_last() -> None:
    """README, Running it: the environment's client with a control token and a public issuer prints its issuer, a control
    API that takes the token, then ``mobileid-ready``, which ends the block; the token itself is never printed."""
    token = "t" * 32  # as long as `openssl rand -hex 16` gives
    command = [sys.executable, "-m", "mocks.mobileid", "--host", "127.0.0.1", "--port", "0", "--issuer",
               "https://mobileid-emulator.example.com", "--log-level", "warning"]
    with started(command, cwd=ROOT, env=emulator_env(MOBILEID_CONTROL_TOKEN=token)) as emulator:
        assert emulator.lines == ["mobileid-issuer: https://mobileid-emulator.example.com", "mobileid-control: on (token required)",
                                  f"mobileid-ready: {emulator.url}"], emulator.lines
        assert httpx.get(f"{emulator.url}/control/robots").status_code == 401
        assert httpx.get(f"{emulator.url}/control/robots", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert token not in "\n".join(emulator.printed())


def test_the_local_stack_takes_its_secret_as_it_is() -> None:
    """Only a deployment's secret (environment, file) is refused with a space or newline around it: the local stack's B2C
    sends its secret as it is, so a team's policy key read from a variable works there whatever is around it."""
    settings = MobileIDSettings.local_stack(client_secret="team-secret\n")
    assert settings.clients[0].client_secret.get_secret_value() == "team-secret\n"
