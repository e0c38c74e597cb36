"""``python -m mocks.mobileid --host H --port P --issuer URL [--config FILE]``."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from mocks.common import serve
from mocks.common.hosts import is_loopback, url_host
from mocks.common.keys import SigningKeyError
from mocks.faults import Fault, Side, parse_faults
from mocks.mobileid.app import create_app
from mocks.mobileid.settings import DEFAULT_ISSUER, MIN_CONTROL_TOKEN, MobileIDSettings, load_settings, short_control_token


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mocks.mobileid", description="Swisscom Mobile ID OpenID Connect emulator")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=serve.port_number, default=8080, help="port (0 picks a free one; default 8080)")
    parser.add_argument("--issuer", help="public base URL, e.g. https://mobileid-emulator.example.com (env MOBILEID_ISSUER)")
    parser.add_argument("--authorization-base-url", help="public base URL of the login pages (default: the issuer)")
    parser.add_argument(
        "--config",
        type=Path,
        default=Path(os.environ["MOBILEID_CONFIG"]) if os.environ.get("MOBILEID_CONFIG") else None,
        help="TOML settings file (env MOBILEID_CONFIG; see mocks/mobileid/example-config.toml)",
    )
    parser.add_argument("--fault", action="append", default=[],
                        help="switch on a fault: " + ", ".join(fault.value for fault in Fault if fault.side is Side.MOBILE_ID))
    parser.add_argument("--certfile", help="serve HTTPS with this certificate chain (PEM)")
    parser.add_argument("--keyfile", help="private key for --certfile")
    parser.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* from --forwarded-allow-ips (behind a proxy)")
    parser.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        help="proxies trusted for X-Forwarded-* (env FORWARDED_ALLOW_IPS; default 127.0.0.1)",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    args = parser.parse_args(argv)

    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overrides: dict[str, object] = {"issuer": args.issuer, "authorization_base_url": args.authorization_base_url}
    if args.fault:
        overrides["faults"] = parse_faults(args.fault, Side.MOBILE_ID)
    settings = load_settings(args.config, environ=None, **overrides)
    # An issuer of its own that is not loopback: deployed, most likely behind a proxy on this machine, through which every
    # caller arrives from loopback, so "loopback clients only" would answer anyone.
    deployed = settings.issuer != DEFAULT_ISSUER and not is_loopback(urlsplit(settings.issuer).hostname)
    reachable = deployed or not is_loopback(args.host)  # by others than this machine's own programs
    if settings.control_enabled is None and not reachable:
        settings = settings.model_copy(update={"control_enabled": True})  # tests on this machine only
    elif settings.control_enabled is None and settings.control_token is None and deployed:
        settings = settings.model_copy(update={"control_off_reason": f"the issuer {settings.issuer} is not loopback (a proxy in front "
                                                                     "of it makes every caller loopback) and MOBILEID_CONTROL_TOKEN is not set"})
    if settings.control_on and settings.control_token is None and reachable:
        # Anyone reaching the port could approve any sign-in: refuse, whatever MOBILEID_CONTROL_ENABLED says.
        where = f"for the issuer {settings.issuer} (a proxy in front of it makes every caller loopback)" if deployed \
            else f"on --host {args.host}"
        raise SystemExit(
            f"Mobile ID emulator: refusing to enable the control API {where} without a token. "
            "Set MOBILEID_CONTROL_TOKEN (or control_token in --config), or listen on 127.0.0.1 with a loopback issuer."
        )
    if settings.control_on and settings.control_token is not None and reachable and len(settings.control_token.get_secret_value()) < MIN_CONTROL_TOKEN:
        raise SystemExit(f"Mobile ID emulator: {short_control_token('the control token MOBILEID_CONTROL_TOKEN')}")
    refuse_a_public_address_b2c_cannot_use(settings, args.host)
    if not settings.clients:
        raise SystemExit(
            "Mobile ID emulator: no client configured. Set MOBILEID_CLIENT_ID, MOBILEID_CLIENT_SECRET and "
            "MOBILEID_REDIRECT_URIS, or add [[clients]] to the --config file."
        )
    try:
        app = create_app(settings)
    except SigningKeyError as error:  # an operator's key that cannot sign RS256 stops the start, said as such
        raise SystemExit(f"Mobile ID emulator: signing_key_pem (environment MOBILEID_SIGNING_KEY_PEM, or the settings file): {error}. "
                         "Give an RSA key, e.g. from `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`, "
                         "or unset it to have one generated") from None
    sock = serve.bind(args.host, args.port)
    port = sock.getsockname()[1]
    scheme = "https" if args.certfile else "http"

    def ready() -> None:
        control = "on" + (" (token required)" if settings.control_token else "") if settings.control_on else "off"
        print(f"mobileid-issuer: {settings.issuer}", flush=True)
        print(f"mobileid-control: {control}", flush=True)
        print(f"mobileid-ready: {scheme}://{url_host(args.host)}:{port}", flush=True)

    serve.run(
        app,
        sock,
        on_ready=ready,
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
        log_level=args.log_level,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips if args.proxy_headers else None,
    )


def refuse_a_public_address_b2c_cannot_use(settings: MobileIDSettings, host: str) -> None:
    """SystemExit for public URLs a B2C tenant cannot federate with: none given on an address others reach (the default
    issuer is the real service's, where B2C would send every sign-in), or one over plain http (B2C fetches an OpenID
    provider's discovery over https only); and for a public issuer whose fixed kid names a new key at every start.
    Loopback ones are this machine's tests and the local stack's."""
    if "issuer" not in settings.model_fields_set and not is_loopback(host):
        raise SystemExit(f"Mobile ID emulator: MOBILEID_ISSUER (or --issuer) is not set, so this emulator, which others can reach on "
                         f"--host {host}, would name the real service's issuer, {DEFAULT_ISSUER}, in its discovery, and B2C would "
                         "send every sign-in there. Set MOBILEID_ISSUER to the public https URL your proxy serves it at, e.g. "
                         "https://mobileid-emulator.example.com")
    if (settings.signing_key_id is not None and settings.signing_key_pem is None and settings.issuer != DEFAULT_ISSUER
            and not is_loopback(urlsplit(settings.issuer).hostname)):
        # B2C caches the JWKS and fetches it again only for a kid it does not know: after a restart it checked every new
        # token, signed by the new key under the old kid, against the old key, and every sign-in failed.
        raise SystemExit("Mobile ID emulator: MOBILEID_SIGNING_KEY_ID (signing_key_id) is set but MOBILEID_SIGNING_KEY_PEM is not, so "
                         "every start makes a new key under the same kid, and B2C, which keeps the JWKS it fetched for a kid it "
                         "knows, would check the new key's tokens against the old one. Set MOBILEID_SIGNING_KEY_PEM to a key file "
                         "you keep, or unset MOBILEID_SIGNING_KEY_ID (the default kid is the key's thumbprint)")
    for name, setting, url in (("the issuer", "MOBILEID_ISSUER or --issuer", settings.issuer),
                               ("the login pages' base URL", "MOBILEID_AUTHORIZATION_BASE_URL or --authorization-base-url",
                                settings.authorization_base_url)):
        if url is not None and urlsplit(url).scheme == "http" and not is_loopback(urlsplit(url).hostname):
            raise SystemExit(f"Mobile ID emulator: {name} ({setting}) {url} is not https: B2C federates only with an https OpenID "
                             "provider. Give the https URL your TLS-terminating proxy serves it at (plain http is for a loopback "
                             "URL, a test on this machine)")


if __name__ == "__main__":
    main()
