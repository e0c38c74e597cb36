"""User flows configured as data (the portal's blades) and read from TOML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from mocks.b2c.policy import ClaimMapping, PolicyError, PolicyKind, ProviderProtocol, RelyingPartyClaim
from mocks.b2c.user_flow import (
    OpenIdConnectProvider,
    UserFlow,
    button_id,
    load_user_flows,
    local_stack_user_flow,
    mobile_id_provider,
    parse_user_flows,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "policies" / "user-flows.example.toml"
ENV = {"MOBILEID_CLIENT_SECRET": "mid-secret", "CONTOSO_OIDC_CLIENT_SECRET": "contoso-secret"}


def test_local_stack_user_flow_has_the_seed_settings():
    policy = local_stack_user_flow("b2c-contoso-0001", "mid-secret")
    assert policy.policy_id == "B2C_1_signupsignin"
    assert policy.kind is PolicyKind.USER_FLOW
    (mid,) = policy.identity_providers
    assert mid.protocol is ProviderProtocol.OPENID_CONNECT
    assert mid.exchange_id == "MobileID"
    assert mid.display_name == "Mobile ID"
    assert mid.metadata_url == "https://openid.mobileid.ch/.well-known/openid-configuration"
    assert mid.authorization_endpoint is None and mid.token_endpoint is None
    assert mid.client_id == "b2c-contoso-0001"
    assert mid.client_secret == "mid-secret"
    assert mid.scope == "openid, profile, phone, mid_profile"
    assert mid.response_type == "code"
    assert mid.response_mode == "form_post"
    assert mid.token_endpoint_auth_method == "client_secret_post"
    assert mid.domain == "mobileid.ch"
    assert policy.provider_for_domain("mobileid.ch") is mid
    assert mid.claims == (
        ClaimMapping("issuerUserId", "sub"),
        ClaimMapping("displayName", "name"),
        ClaimMapping("identityProvider", None, "mobileid.ch"),
        ClaimMapping("authenticationSource", None, "socialIdpAuthentication"),
    )
    assert policy.output_claims == (
        RelyingPartyClaim("objectId", "sub"),
        RelyingPartyClaim("displayName", "name"),
        RelyingPartyClaim("givenName", "given_name"),
        RelyingPartyClaim("surname", "family_name"),
        RelyingPartyClaim("identityProvider", "idp"),
        RelyingPartyClaim("newUser", "newUser"),
        RelyingPartyClaim("objectId", "oid"),
    )
    assert policy.self_asserted_claims == ("displayName", "givenName", "surname")
    assert policy.show_local_account_form is True
    assert "mid-secret" not in repr(policy)


def test_local_stack_user_flow_metadata_url_is_configurable():
    policy = local_stack_user_flow("c", "s", metadata_url="https://mid.example.test/.well-known/openid-configuration")
    assert policy.identity_providers[0].metadata_url == "https://mid.example.test/.well-known/openid-configuration"


@pytest.mark.parametrize(
    "name, expected",
    [("Mobile ID", "MobileID"), ("MSIDLAB4_AzureAD", "MSIDLAB4_AzureAD"), ("Contoso-OIDC (staff)", "ContosoOIDCstaff")],
)
def test_button_id_rule(name, expected):
    assert button_id(name) == expected


def test_idp_claim_falls_back_to_the_issuer_without_domain_hint():
    p = OpenIdConnectProvider(
        name="Other", metadata_url="https://idp.example/.well-known/openid-configuration", client_id="c", client_secret=SecretStr("s")
    ).to_identity_provider()
    assert ClaimMapping("identityProvider", "iss", None) in p.claims
    assert p.domain == ""


def test_explicit_idp_value_wins_over_domain_hint():
    p = OpenIdConnectProvider(
        name="Other", metadata_url="https://idp.example/.well-known/openid-configuration", client_id="c",
        client_secret=SecretStr("s"), domain_hint="example", idp="idp.example",
    ).to_identity_provider()
    assert ClaimMapping("identityProvider", None, "idp.example") in p.claims
    assert p.domain == "example"


def test_application_claims_and_attributes_follow_the_configuration():
    flow = UserFlow(
        name="B2C_1_minimal",
        identity_providers=(mobile_id_provider("c", "s"),),
        local_accounts=False,
        user_attributes=("display_name",),
        application_claims=("user_is_new", "display_name"),
    )
    policy = flow.to_policy()
    assert policy.output_claims == (
        RelyingPartyClaim("objectId", "sub"),
        RelyingPartyClaim("displayName", "name"),
        RelyingPartyClaim("newUser", "newUser"),
    )
    assert policy.self_asserted_claims == ("displayName",)
    assert policy.required_self_asserted == frozenset({"displayName"})
    assert policy.show_local_account_form is False


def test_page_layouts_optional_attributes_are_the_ones_the_sign_up_page_lets_the_user_leave_empty() -> None:
    seed = UserFlow(name="B2C_1_seed", identity_providers=(mobile_id_provider("c", "s"),)).to_policy()
    assert seed.required_self_asserted == frozenset({"displayName"})  # the seed's page layout: Display Name required
    optional = UserFlow(name="B2C_1_optional", identity_providers=(mobile_id_provider("c", "s"),),
                        optional_attributes=("display_name", "given_name", "surname")).to_policy()
    assert optional.required_self_asserted == frozenset()
    strict = UserFlow(name="B2C_1_strict", identity_providers=(mobile_id_provider("c", "s"),), optional_attributes=()).to_policy()
    assert strict.required_self_asserted == frozenset({"displayName", "givenName", "surname"})


def test_an_optional_attribute_the_flow_does_not_collect_is_refused_naming_it() -> None:
    with pytest.raises(PolicyError, match=r"user_flow\[0\]: optional_attributes \['surname'\] are not among user_attributes \['display_name'\]"):
        parse_user_flows({"user_flow": [{"name": "B2C_1_x", "user_attributes": ["display_name"], "optional_attributes": ["surname"]}]})


@pytest.mark.parametrize(("name", "says"), [
    ("B2C_1A_signup_signin", "user flow names start with B2C_1_ (B2C_1A_ is for custom policies)"),
    ("signupsignin", "user flow names start with B2C_1_"),
    ("B2C_1_", "user flow names start with B2C_1_"),
    ("B2C_1_sign up", "'B2C_1_sign up': use letters, digits, '_' or '-'"),
], ids=["custom policy prefix", "no prefix", "prefix alone", "space"])
def test_rejects_bad_user_flow_names(name, says):
    with pytest.raises(ValidationError, match=re.escape(says)):
        UserFlow(name=name)


@pytest.mark.parametrize(
    "field, value, says",
    [("metadata_url", "http://openid.mobileid.ch/.well-known/openid-configuration",
      "is not an https URL; use the provider's .well-known/openid-configuration URL"),
     ("metadata_url", "openid.mobileid.ch", "'openid.mobileid.ch' is not an https URL"),
     ("response_type", "id_token", "'id_token' is not supported; the emulator federates with the authorization code flow, use 'code'"),
     ("response_mode", "fragment", "Input should be 'form_post' or 'query'"),
     ("name", "!!!", "'!!!' gives an empty button id; use letters, digits or '_' in the name"),
     # Loaded, then every sign-in through it an HTTP 500 (httpx.InvalidURL)
     ("metadata_url", "https://idp.example:abc/.well-known/openid-configuration", "has a port that is not a number from 1 to 65535")],
    ids=["http", "no scheme", "implicit", "fragment", "no button id", "a port that is no number"],
)
def test_rejects_provider_settings_the_emulator_cannot_honour(field, value, says):
    kw = dict(name="Mobile ID", metadata_url="https://openid.mobileid.ch/.well-known/openid-configuration",
              client_id="c", client_secret="s")
    kw[field] = value
    with pytest.raises(ValidationError, match=re.escape(says)):
        OpenIdConnectProvider.model_validate(kw)


def test_the_sign_up_page_asks_for_the_attributes_in_the_flows_order() -> None:
    """The order is the flow's (its page layout; Graph's identityUserFlowAttributeAssignment setOrder): it was always display
    name, given name, surname, whatever the file said."""
    flow = parse_user_flows({"user_flow": [{"name": "B2C_1_x", "user_attributes": ["surname", "given_name", "display_name"]}]})[0]
    assert flow.to_policy().self_asserted_claims == ("surname", "givenName", "displayName")


def test_rejects_two_providers_with_the_same_button_id():
    with pytest.raises(ValidationError, match="button id 'MobileID'"):
        UserFlow(identity_providers=(mobile_id_provider("a", "s"), mobile_id_provider("b", "s").model_copy(update={"name": "Mobile-ID"})))


# --------------------------------------------------------------------------- TOML


def test_example_toml_loads_mobile_id_and_another_provider():
    flows = {p.policy_id: p for p in load_user_flows(EXAMPLE, environ=ENV)}
    assert set(flows) == {"B2C_1_signupsignin", "B2C_1_contoso"}
    assert flows["B2C_1_signupsignin"] == local_stack_user_flow("b2c-contoso-0001", "mid-secret")
    (contoso,) = flows["B2C_1_contoso"].identity_providers
    assert contoso.exchange_id == "ContosoOIDC"
    assert contoso.metadata_url == "https://idp.contoso.test/.well-known/openid-configuration"
    assert contoso.client_secret == "contoso-secret"
    assert contoso.scope == "openid profile email"
    assert ClaimMapping("email", "email") in contoso.claims
    assert ClaimMapping("identityProvider", None, "contoso.test") in contoso.claims


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "flows.toml"
    p.write_text(text)
    return p


PROVIDER = """
[[identity_provider]]
name = "Other"
metadata_url = "https://idp.example/.well-known/openid-configuration"
client_id = "c"
client_secret = "s"
"""


@pytest.mark.parametrize("typed", ["Zx9SuperSecretValue_0123456789abcdefQW", "abc8Q~dEfGhIjKlMnOpQrStUvWxYz0123456789ab"],
                         ids=["a generated secret", "an Entra ID client secret"])
def test_a_client_secret_typed_as_client_secret_env_is_refused_without_showing_it(tmp_path, typed):
    """client_secret_env names the variable holding the secret; the secret itself pasted there is refused as a variable
    not set, without quoting it: the stack's error is printed to the terminal and the suite's run says it again."""
    with pytest.raises(PolicyError) as info:
        load_user_flows(_write(tmp_path, PROVIDER.replace('client_secret = "s"', f'client_secret_env = "{typed}"')), environ={})
    said = str(info.value)
    assert said.startswith("flows.toml: identity_provider[0].client_secret_env: ") and "is not set" in said, said
    assert typed[:8] not in said and typed[-8:] not in said, said


def test_toml_refusals_name_the_key(tmp_path):
    with pytest.raises(PolicyError, match=r"^flows.toml, line 9: user_flow\[0\].identity_providers\[0\]: no \[\[identity_provider\]\] named 'Nope'"):
        load_user_flows(_write(tmp_path, PROVIDER + '[[user_flow]]\nname = "B2C_1_x"\nidentity_providers = ["Nope"]\n'))
    with pytest.raises(PolicyError, match=r"^flows.toml, line 7: identity_provider\[0\].response_mode: "):
        load_user_flows(_write(tmp_path, PROVIDER + 'response_mode = "fragment"\n'))
    with pytest.raises(PolicyError, match=r"^flows.toml: identity_provider\[0\].client_secret_env: environment variable 'NOPE' is not set"):
        load_user_flows(_write(tmp_path, PROVIDER.replace('client_secret = "s"', 'client_secret_env = "NOPE"')), environ={})
    with pytest.raises(PolicyError, match=r"^flows.toml, line 8: user_flow\[0\].name: "):
        load_user_flows(_write(tmp_path, PROVIDER + '[[user_flow]]\nname = "B2C_1A_x"\n'))
    with pytest.raises(PolicyError, match=r"^flows.toml: malformed TOML"):
        load_user_flows(_write(tmp_path, "[[user_flow]\n"))
    with pytest.raises(PolicyError, match="defined twice"):
        load_user_flows(_write(tmp_path, PROVIDER + '[[user_flow]]\nname = "B2C_1_a"\n[[user_flow]]\nname = "b2c_1_A"\n'))


def test_the_example_as_it_is_is_refused_naming_every_secret_variable_it_needs_at_once():
    """The README's E2E_STACK_USER_FLOWS start (a copy of the example) needs two variables set: a refusal naming the
    first alone left the second for another try."""
    with pytest.raises(PolicyError) as refused:
        load_user_flows(EXAMPLE, environ={})
    assert str(refused.value) == (
        "user-flows.example.toml: identity_provider[0].client_secret_env: environment variable 'MOBILEID_CLIENT_SECRET' "
        "is not set; identity_provider[1].client_secret_env: environment variable 'CONTOSO_OIDC_CLIENT_SECRET' is not set. "
        "Set each to the provider's client secret before the start (the local stack takes any non-empty value)"
    )
    with pytest.raises(PolicyError, match=r"^user-flows.example.toml: identity_provider\[1\]\.client_secret_env: environment "
                                          r"variable 'CONTOSO_OIDC_CLIENT_SECRET' is not set\. Set it to the provider's client secret before "
                                          r"the start \(the local stack takes any non-empty value\)$"):
        load_user_flows(EXAMPLE, environ={"MOBILEID_CLIENT_SECRET": "any"})


@pytest.mark.parametrize(("toml", "says"), [
    ('[[user_flows]]\nname = "B2C_1_x"\n', "flows.toml: unknown table(s) ['user_flows']; use [[identity_provider]] and [[user_flow]]"),
    (PROVIDER + 'client_secret_env = "OTHER_SECRET"\n', "flows.toml, line 2: identity_provider[0]: set client_secret or client_secret_env, not both"),
    (PROVIDER + PROVIDER, "flows.toml, line 9: identity_provider[1].name: 'Other' is defined twice"),
    # Each a traceback (dict() of a table's keys, a list as a dictionary key), naming neither the line nor the key
    (PROVIDER.replace("[[identity_provider]]", "[identity_provider]"),
     "flows.toml: identity_provider is not an array of tables; write each as [[identity_provider]] (two brackets)"),
    ('user_flow = ["B2C_1_x"]\n', "flows.toml: user_flow is not an array of tables; write each as [[user_flow]] (two brackets)"),
    (PROVIDER.replace('client_secret = "s"', 'client_secret_env = ["X"]'),
     "flows.toml, line 6: identity_provider[0].client_secret_env: is not a string; give the name of the environment variable"),
    (PROVIDER + '[[user_flow]]\nname = "B2C_1_x"\nidentity_providers = [["Other"]]\n',
     "flows.toml, line 9: user_flow[0].identity_providers: [['Other']] is not an array of names; give the providers' names in brackets"),
], ids=["misspelt table", "two secrets", "provider twice", "one bracket pair", "a flow's name alone", "a secret's variable as a list",
        "a list in a list"])
def test_toml_that_would_be_read_as_a_guess_is_refused(tmp_path, toml, says):
    """A misspelt table would load no user flow, two secrets or two providers of one name would leave one unused."""
    with pytest.raises(PolicyError, match="^" + re.escape(says)):
        load_user_flows(_write(tmp_path, toml), environ={"OTHER_SECRET": "s"})


def test_toml_provider_other_than_mobile_id_by_configuration_alone(tmp_path):
    (policy,) = load_user_flows(_write(tmp_path, PROVIDER + 'domain_hint = "idp.example"\n'
                                       '[[user_flow]]\nname = "B2C_1_other"\nidentity_providers = ["Other"]\n'))
    (p,) = policy.identity_providers
    assert (p.exchange_id, p.client_id, p.client_secret, p.scope) == ("Other", "c", "s", "openid")
    assert policy.provider_for_domain("idp.example") is p


def test_a_user_flows_email_addresses_claim_is_an_array():
    """The "Email Addresses" application claim goes out as `emails`, a list (reference b2c.md section 3); a custom
    policy's claim keeps its type (test_token_issuance.py)."""
    from mocks.b2c.directory import User
    from mocks.b2c.tokens import Authentication, TokenService

    flow = UserFlow(name="B2C_1_emails", identity_providers=(mobile_id_provider("c", "s"),), local_accounts=False,
                    application_claims=("email_addresses",))
    auth = Authentication(User("oid-1", "mobileid.ch", "sub-1"), 0, claims={"objectId": "oid-1", "email": "hans@example.ch"})
    claims = TokenService._user_claims(object.__new__(TokenService), flow.to_policy(), auth, None)  # type: ignore[arg-type]
    assert claims["emails"] == ["hans@example.ch"], claims


FLOW = '[[user_flow]]\nname = "B2C_1_susi"\nidentity_providers = ["Other"]\n'


@pytest.mark.parametrize(("toml", "says"), [
    (PROVIDER + FLOW + 'aplication_claims = ["display_name"]\n',
     "flows.toml, line 10: user_flow[0].aplication_claims: unknown key (did you mean application_claims?); the keys here are name, "
     "identity_providers, local_accounts, user_attributes, application_claims, optional_attributes, require_id_token_in_logout"),
    (PROVIDER + 'domain_hnt = "idp.example"\n',
     "flows.toml, line 7: identity_provider[0].domain_hnt: unknown key (did you mean domain_hint?); the keys here are name, metadata_url, "
     "client_id, scope, response_type, response_mode, domain_hint, claims_mapping, idp, client_secret_env, client_secret"),
    (PROVIDER + '[identity_provider.claims_mapping]\ndisplayname = "name"\n',
     "flows.toml, line 8: identity_provider[0].claims_mapping.displayname: unknown key (did you mean display_name?); the keys here are "
     "user_id, display_name, given_name, surname, email"),
    (PROVIDER + FLOW + 'languages = ["en", "de"]\n',
     "flows.toml, line 10: user_flow[0].languages: not a key of the file; a user flow's languages follow the tenant's language "
     "customization, one switch for all the stack's flows: B2C_LANGUAGE_CUSTOMIZATION=on/off (the stack's --language-customization)"),
    (PROVIDER + FLOW + 'local_accounts = "yes"\n',
     "flows.toml, line 10: user_flow[0].local_accounts: 'yes' is not true or false; give true or false, unquoted"),
    (PROVIDER + FLOW + 'require_id_token_in_logout = 1\n',
     "flows.toml, line 10: user_flow[0].require_id_token_in_logout: 1 is not true or false; give true or false, unquoted"),
    (PROVIDER + FLOW + 'user_attributes = "display_name"\n',
     "flows.toml, line 10: user_flow[0].user_attributes: 'display_name' is not an array; give the values in brackets, e.g. [\"display_name\"]"),
    (PROVIDER + FLOW.replace('["Other"]', '"Other"'),
     "flows.toml, line 9: user_flow[0].identity_providers: 'Other' is not an array; give the providers' names in brackets, e.g. "
     "identity_providers = [\"Other\"]"),
    (PROVIDER + FLOW.replace('name = "B2C_1_susi"\n', ""),
     "flows.toml, line 7: user_flow[0]: name missing; give the user flow's name as the portal shows it, e.g. name = \"B2C_1_susi\""),
    (PROVIDER.replace('client_secret = "s"\n', ""),
     "flows.toml, line 2: identity_provider[0].client_secret: missing; give client_secret_env = \"VARIABLE\", the environment variable "
     "that holds the provider's client secret"),
], ids=["misspelt flow key", "misspelt provider key", "misspelt mapping key", "languages", "check box as a word",
        "check box as a number", "attributes as a string", "providers as a string", "flow without a name", "provider without a secret"])
def test_a_day_one_mistake_is_refused_saying_how_to_write_it(tmp_path, toml, says):
    """A team's first edits of its copy of the example: a refusal names the line, the key and what the file takes (was: pydantic's
    "Extra inputs are not permitted", "Input should be a valid tuple"; a string of providers read letter by letter as 'O';
    "yes" and 1 taken as true; a nameless flow taken as B2C_1_signupsignin, replacing the stack's own; no line)."""
    with pytest.raises(PolicyError) as refused:
        load_user_flows(_write(tmp_path, toml), environ={})
    assert str(refused.value) == says


@pytest.mark.parametrize(("key", "typed", "says"), [
    ("application_claims", "Email Address", "'Email Address' is not one of the Application claims the local stack models (display_name, "
     "given_name, surname, email_addresses, identity_provider, user_is_new, user_object_id); did you mean email_addresses?"),
    ("application_claims", "email", "'email' is not one of the Application claims the local stack models (display_name, given_name, "
     "surname, email_addresses, identity_provider, user_is_new, user_object_id); did you mean email_addresses?"),
    ("user_attributes", "city", "'city' is not one of the User attributes the local stack models (display_name, given_name, surname); "
     "leave it out of the file the stack serves"),
], ids=["a claim as the portal words it", "a claim as the token names it", "an attribute the stack does not model"])
def test_a_check_box_the_stack_does_not_model_is_named_as_its_limit_with_the_nearest(tmp_path, key, typed, says):
    """A team copies its tenant's flow: the portal offers check boxes the stack does not model (was: pydantic's "Input should
    be 'display_name', 'given_name' or 'surname'", as if the tenant's set-up were wrong, with no nearest value)."""
    with pytest.raises(PolicyError) as refused:
        load_user_flows(_write(tmp_path, PROVIDER + FLOW + f'{key} = ["{typed}"]\n'), environ={})
    assert str(refused.value) == f"flows.toml, line 10: user_flow[0].{key}[0]: {says}"


def test_a_secret_variable_set_empty_is_refused_as_one_not_set():
    """``export MOBILEID_CLIENT_SECRET=`` started the stack: B2C signed in at Mobile ID with no secret, and every sign-in ended
    in AADB2C90289 invalid_client (the stack's Mobile ID holding a generated one)."""
    with pytest.raises(PolicyError) as refused:
        load_user_flows(EXAMPLE, environ={"MOBILEID_CLIENT_SECRET": "", "CONTOSO_OIDC_CLIENT_SECRET": "contoso-secret"})
    assert str(refused.value) == ("user-flows.example.toml: identity_provider[0].client_secret_env: environment variable "
                                  "'MOBILEID_CLIENT_SECRET' is empty. Set it to the provider's client secret before the start "
                                  "(the local stack takes any non-empty value)")


def test_a_client_secret_typed_empty_is_refused():
    """As one from an empty variable: B2C signed in at the provider with no secret, invalid_client at every sign-in."""
    with pytest.raises(PolicyError) as refused:
        parse_user_flows({"identity_provider": [{"name": "Other", "metadata_url": "https://idp.example/.well-known/openid-configuration",
                                                 "client_id": "c", "client_secret": ""}]}, source="flows.toml")
    assert str(refused.value) == ("flows.toml: identity_provider[0].client_secret: empty; give the provider's client secret, by the "
                                  "variable that holds it: client_secret_env = \"VARIABLE\"")


def test_a_user_flows_file_that_is_not_utf8_or_has_a_number_for_a_table_is_refused(tmp_path):
    """A UnicodeDecodeError's or a TypeError's traceback, where the rest of the file's mistakes are named."""
    utf16 = tmp_path / "flows.toml"
    utf16.write_text('[[user_flow]]\nname = "B2C_1_x"\n', encoding="utf-16")
    with pytest.raises(PolicyError, match=r"^flows\.toml: not UTF-8 text, as TOML must be; save it as UTF-8$"):
        load_user_flows(utf16)
    with pytest.raises(PolicyError, match=r"^flows\.toml: identity_provider is not an array of tables"):
        load_user_flows(_write(tmp_path, "identity_provider = 5\n"))
