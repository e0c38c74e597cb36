"""Discovery documents and JWKS, per policy, in the path and in ?p=."""

from __future__ import annotations

import pytest

from .support import B2C, CUSTOM, DOMAIN, TENANT_ID, USER_FLOW, Harness, as_page, authorize_url, jwt_segment


def test_discovery_in_the_path_form(shared: Harness) -> None:
    browser = shared.browser()
    response = browser.request("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/v2.0/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    base = f"{B2C}/{DOMAIN}/b2c_1_signupsignin"
    assert doc["issuer"] == f"https://contoso.b2clogin.com/{TENANT_ID}/v2.0/"
    assert doc["authorization_endpoint"] == f"{base}/oauth2/v2.0/authorize"
    assert doc["token_endpoint"] == f"{base}/oauth2/v2.0/token"
    assert doc["end_session_endpoint"] == f"{base}/oauth2/v2.0/logout"
    assert doc["jwks_uri"] == f"{base}/discovery/v2.0/keys"
    assert doc["response_modes_supported"] == ["query", "fragment", "form_post"]
    assert doc["response_types_supported"] == ["code", "code id_token", "id_token"]  # README Decisions: only what it honours
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["token_endpoint_auth_methods_supported"] == ["client_secret_post", "client_secret_basic"]
    assert {"tfp", "nonce", "auth_time", "name", "idp"} <= set(doc["claims_supported"])
    assert response.headers["access-control-allow-origin"] == "*"


def test_discovery_in_the_query_form_lists_endpoints_with_p(shared: Harness) -> None:
    doc = shared.browser().request("GET", f"{B2C}/{DOMAIN}/v2.0/.well-known/openid-configuration?p={CUSTOM}").json()
    assert doc["authorization_endpoint"] == f"{B2C}/{DOMAIN}/oauth2/v2.0/authorize?p=b2c_1a_signup_signin"
    assert doc["jwks_uri"] == f"{B2C}/{DOMAIN}/discovery/v2.0/keys?p=b2c_1a_signup_signin"
    assert "acr" in doc["claims_supported"] and "tfp" not in doc["claims_supported"]


@pytest.mark.parametrize("path", [
    f"/{DOMAIN}/B2C_1_SIGNUPSIGNIN/v2.0/.well-known/openid-configuration",
    f"/{TENANT_ID}/b2c_1_signupsignin/v2.0/.well-known/openid-configuration",
    f"/tfp/{DOMAIN}/B2C_1_signupsignin/v2.0/.well-known/openid-configuration",
])
def test_policy_names_are_case_insensitive_and_the_tenant_id_and_tfp_forms_work(shared: Harness, path: str) -> None:
    assert shared.browser().request("GET", B2C + path).status_code == 200


def test_user_flows_and_custom_policies_publish_different_keys(shared: Harness) -> None:
    browser = shared.browser()
    flow = browser.request("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/discovery/v2.0/keys").json()["keys"]
    custom = browser.request("GET", f"{B2C}/{DOMAIN}/discovery/v2.0/keys?p={CUSTOM}").json()["keys"]
    assert len(flow) == len(custom) == 1
    assert flow[0]["kid"] != custom[0]["kid"]
    assert set(flow[0]) == {"kid", "nbf", "use", "kty", "e", "n"} and flow[0]["use"] == "sig" and flow[0]["kty"] == "RSA"  # B2C's entry: no alg


@pytest.mark.parametrize("url", [
    f"{B2C}/{DOMAIN}/B2C_1_nope/v2.0/.well-known/openid-configuration",
    f"{B2C}/{DOMAIN}/v2.0/.well-known/openid-configuration",
    f"{B2C}/{DOMAIN}/B2C_1_nope/discovery/v2.0/keys",
])
def test_unknown_policy_is_a_404_naming_the_policy(shared: Harness, url: str) -> None:
    response = shared.browser().request("GET", url)
    assert response.status_code == 404
    body = response.json()
    assert body["error_description"].startswith("AADB2C90022: Unable to return metadata for the policy")


@pytest.mark.parametrize("query", ["p=a&p=b", "p=" + "B" * 201])
def test_a_repeated_or_oversized_policy_parameter_fails_request_validation(shared: Harness, query: str) -> None:
    """As any repeated or oversized parameter (README, errors): AADB2C90122 naming p, not "policy ''"."""
    browser = shared.browser()
    response = browser.request("GET", f"{B2C}/{DOMAIN}/v2.0/.well-known/openid-configuration?{query}")
    assert response.status_code == 404 and response.json()["error_description"].startswith("AADB2C90122: Input for 'p'"), response.text  # 404: as every metadata error
    # The same on every endpoint that takes p: the error page (authorize, logout), 400 JSON (token).
    for path in ("oauth2/v2.0/authorize", "oauth2/v2.0/logout"):
        page = browser.request("GET", f"{B2C}/{DOMAIN}/{path}?{query}")
        assert page.status_code < 500 and "AADB2C90122: Input for 'p'" in page.text, (path, page.text[:300])
    token = browser.request("POST", f"{B2C}/{DOMAIN}/oauth2/v2.0/token?{query}", data={"grant_type": "authorization_code"})
    assert token.status_code == 400 and token.json()["error_description"].startswith("AADB2C90122: Input for 'p'"), token.text


def test_unknown_tenant_is_not_found(shared: Harness) -> None:
    assert shared.browser().request("GET", f"{B2C}/fabrikam.onmicrosoft.com/{USER_FLOW}/v2.0/.well-known/openid-configuration").status_code == 404


def test_a_policy_in_the_path_runs_whatever_p_names(shared: Harness) -> None:
    """README "How it maps to the real service" (and Decisions): a request that names a policy in its path and another as
    ?p= gets the path's, on each endpoint that reads the policy; ?p= is read only where the path names none."""
    browser = shared.browser()
    other = f"p={CUSTOM}"
    doc = browser.request("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/v2.0/.well-known/openid-configuration?{other}").json()
    assert doc["authorization_endpoint"] == f"{B2C}/{DOMAIN}/b2c_1_signupsignin/oauth2/v2.0/authorize"
    assert "tfp" in doc["claims_supported"] and "acr" not in doc["claims_supported"]
    keys = browser.request("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/discovery/v2.0/keys?{other}").json()["keys"]
    assert keys == browser.request("GET", f"{B2C}/{DOMAIN}/{USER_FLOW}/discovery/v2.0/keys").json()["keys"]
    page = as_page(browser.go(authorize_url(USER_FLOW, path_form=True, more={"p": CUSTOM})))
    assert page.settings["hosts"]["policy"] == USER_FLOW
    landing = shared.sign_up(shared.browser(), authorize_url(USER_FLOW, path_form=True, more={"p": CUSTOM}))
    claims = jwt_segment(landing.params["id_token"], 1)
    assert claims["tfp"] == USER_FLOW and "acr" not in claims
