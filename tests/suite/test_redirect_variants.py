"""The redirect-URI look-alikes of e2e/test_security_promises.py: which count as the registered endpoint itself."""

from __future__ import annotations

from e2e.test_security_promises import CASE, SLASH, redirect_uri_variants, same_endpoint


def test_only_the_hosts_case_and_a_slash_after_no_path_are_the_same_endpoint() -> None:
    assert same_endpoint(CASE, "https://jwt.ms") and same_endpoint(SLASH, "https://jwt.ms")
    assert redirect_uri_variants("https://app.fabrikam.com/signed-in")[CASE] == "https://APP.FABRIKAM.COM/signed-in"  # the path kept
    assert same_endpoint(CASE, "https://app.fabrikam.com/signed-in")  # a host name's case never matters, with a path too
    assert not same_endpoint(SLASH, "https://app.fabrikam.com/signed-in")  # /signed-in/ is another resource
    assert redirect_uri_variants("https://app.fabrikam.com/signed-in")[SLASH] == "https://app.fabrikam.com/signed-in/"
