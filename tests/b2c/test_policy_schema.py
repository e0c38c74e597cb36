"""B2C's upload validates every policy file against TrustFrameworkPolicy_0.3.0.0.xsd; so does the loader
(mocks/b2c/custom_policy/schema.py): what the schema refuses stops the start, naming the file, the line, the element and
what to change, in the upload's words where they are known. From the starter pack with one edit."""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema
import xmlschema.resources

from mocks.b2c.custom_policy import load_custom_policies, schema
from mocks.b2c.custom_policy.files import PolicyFile, read_file
from mocks.b2c.policy import PolicyError

from .support import PACK_KEYS, copy_pack, edit_policy

ROOT = Path(__file__).resolve().parents[2]
NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06"
IN_NS = f"in namespace '{NS}'"
EXT, RP, BASE = "TrustFrameworkExtensions.xml", "SignUpOrSignin.xml", "TrustFrameworkBase.xml"
MOBILE_ID = "ClaimsProviders/ClaimsProvider/TechnicalProfiles/TechnicalProfile[@Id='MobileID-OAuth2']"
POLICY_PROFILE = "RelyingParty/TechnicalProfile[@Id='PolicyProfile']"


def refusal(tmp_path: Path, *edits: tuple[str, str, str]) -> str:
    folder = copy_pack(tmp_path / "pack")
    for file, old, new in edits:
        edit_policy(folder, file, old, new)
    with pytest.raises(PolicyError) as refused:
        load_custom_policies(folder, tenant="contoso", policy_keys=PACK_KEYS)
    return str(refused.value)


# --- the audit's three cases: each loaded, and its journeys passed, before the schema was checked --------------------


@pytest.mark.parametrize(("edit", "says"), [
    # Microsoft's own example of an upload error (troubleshoot-custom-policies): text in <OutputClaims>
    ((RP, '<OutputClaim ClaimTypeReferenceId="displayName" />', 'displayName <OutputClaim ClaimTypeReferenceId="displayName" />'),
     f"SignUpOrSignin.xml: {POLICY_PROFILE}/OutputClaims (line 26): The element 'OutputClaims' {IN_NS} cannot contain text. "
     f"List of possible elements expected: 'OutputClaim' {IN_NS}.; remove the text 'displayName', or make it a comment"),
    # after the last claim, on a line of its own
    ((RP, "</OutputClaims>", "email\n      </OutputClaims>"),
     f"SignUpOrSignin.xml: {POLICY_PROFILE}/OutputClaims (line 33): The element 'OutputClaims' {IN_NS} cannot contain text."),
], ids=["before a claim", "after the claims"])
def test_text_where_the_schema_takes_elements_alone_is_refused(tmp_path: Path, edit: tuple[str, str, str], says: str) -> None:
    assert refusal(tmp_path, edit).startswith(says)


@pytest.mark.parametrize(("edit", "says"), [
    ((EXT, '<OutputClaim ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>',
      '<OutputClaimm ClaimTypeReferenceId="displayName" PartnerClaimType="name"/>'),
     f"TrustFrameworkExtensions.xml: {MOBILE_ID}/OutputClaims/OutputClaimm (line 75): The element 'OutputClaims' {IN_NS} has "
     f"invalid child element 'OutputClaimm' {IN_NS}.; <OutputClaims> has no child <OutputClaimm>; did you mean <OutputClaim>?"),
    ((EXT, "OutputClaimsTransformations>", "OutputClaimTransformations>"),  # the opening tag, then the closing one
     f"TrustFrameworkExtensions.xml: {MOBILE_ID}/OutputClaimTransformations (line 79): The element 'TechnicalProfile' {IN_NS} has "
     f"invalid child element 'OutputClaimTransformations' {IN_NS}.; <TechnicalProfile> has no child <OutputClaimTransformations>; "
     "did you mean <OutputClaimsTransformations>?"),
    ((EXT, '<UseTechnicalProfileForSessionManagement ReferenceId="SM-SocialLogin" />',
      '<UseTechnicalProfileForSessionManagment ReferenceId="SM-SocialLogin" />'),
     f"TrustFrameworkExtensions.xml: {MOBILE_ID}/UseTechnicalProfileForSessionManagment (line 85): The element 'TechnicalProfile' "
     f"{IN_NS} has invalid child element 'UseTechnicalProfileForSessionManagment' {IN_NS}.; <TechnicalProfile> has no child "
     "<UseTechnicalProfileForSessionManagment>; did you mean <UseTechnicalProfileForSessionManagement>?"),
], ids=["OutputClaimm", "OutputClaimTransformations", "UseTechnicalProfileForSessionManagment"])
def test_a_misspelt_element_is_refused_naming_the_one_meant(tmp_path: Path, edit: tuple[str, str, str], says: str) -> None:
    file, old, new = edit
    edits = [edit, (file, old.replace("<", "</"), new.replace("<", "</"))] if "/" not in old else [edit]
    assert refusal(tmp_path, *edits).startswith(says)


def test_an_element_out_of_the_schemas_order_is_refused_naming_the_one_it_goes_before(tmp_path: Path) -> None:
    """B2C's upload error of a ClaimType whose DefaultPartnerClaimTypes follows UserInputType (a public report): the
    schema's xs:sequence fixes each element's place. Here the Mobile ID profile's <Protocol> after its <Metadata>."""
    metadata_end = '<Item Key="client_id">b2c-contoso-0001</Item>\n        </Metadata>\n'
    says = refusal(tmp_path, (EXT, '<Protocol Name="OAuth2" />\n', ""), (EXT, metadata_end, f'{metadata_end}<Protocol Name="OAuth2" />\n'))
    assert says.startswith(f"TrustFrameworkExtensions.xml: {MOBILE_ID}/Protocol (line 69): The element 'TechnicalProfile' {IN_NS} "
                           f"has invalid child element 'Protocol' {IN_NS}.; <Protocol> is out of the schema's order or once too "
                           "often (<TechnicalProfile> takes its children in this order: Domains, Domain, DisplayName, Description, "
                           "Protocol, "), says
    assert says.endswith("): move it before <Metadata> (line 57)"), says


# --- what else the schema refuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "says"), [
    ((EXT, 'PartnerClaimType="sub"/>', 'PartnerClaimTyp="sub"/>'),
     f"TrustFrameworkExtensions.xml: {MOBILE_ID}/OutputClaims/OutputClaim (line 74): The 'PartnerClaimTyp' attribute is not "
     "declared.; <OutputClaim> has no attribute PartnerClaimTyp; did you mean PartnerClaimType?"),
    ((BASE, '<ClaimType Id="objectId">\n        <DisplayName>User\'s Object ID</DisplayName>\n        <DataType>string</DataType>',
      '<ClaimType Id="objectId">\n        <DisplayName>User\'s Object ID</DisplayName>\n        <DataType>text</DataType>'),
     "TrustFrameworkBase.xml: BuildingBlocks/ClaimsSchema/ClaimType[@Id='objectId']/DataType (line 53): the policy schema refuses "
     "it: value must be one of ['boolean', 'date', 'dateTime', "),
    # the patterns of content definitions' URIs still hold with their ^...$ read as anchors (schema.py)
    ((BASE, "<DataUri>urn:com:microsoft:aad:b2c:elements:contract:globalexception:1.2.1</DataUri>",
      "<DataUri>ftp://example.com/globalexception</DataUri>"),
     "TrustFrameworkBase.xml: BuildingBlocks/ContentDefinitions/ContentDefinition[@Id='api.error']/DataUri (line 408): the policy "
     "schema refuses it: value doesn't match any pattern of "),
    # a key of the schema the loader has no check of its own for (schema.py checks them all)
    ((RP, '<Endpoint Id="Token" UserJourneyReferenceId="RedeemRefreshToken" />',
      '<Endpoint Id="Token" UserJourneyReferenceId="RedeemRefreshToken" />\n<Endpoint Id="Token" UserJourneyReferenceId="SignUpOrSignIn" />'),
     f"SignUpOrSignin.xml: RelyingParty/Endpoints/Endpoint[@Id='Token'] (line 21): There is a duplicate key sequence 'Token' for the "
     f"'{NS}:UniqueEndpoint' key or unique identity constraint.; the other is (line 20): give each its own Id"),
], ids=["misspelt attribute", "value not in the enumeration", "uri pattern", "duplicate key"])
def test_an_attribute_or_value_the_schema_refuses_is_refused(tmp_path: Path, edit: tuple[str, str, str], says: str) -> None:
    assert refusal(tmp_path, edit).startswith(says)


def test_a_metadata_key_written_twice_passes_the_schema_and_the_later_item_is_read(tmp_path: Path) -> None:
    """The schema's UniqueMetadataItemKey selects an Item's tfp:metadataItemTYPE children, which no file has: it holds
    whatever a file says, in any validator of that schema (mocks/b2c/README.md, Decisions); the later Item is read, as a
    later file's Item of that Key replaces its base's."""
    folder = copy_pack(tmp_path / "pack")
    scope = '<Item Key="scope">openid, profile, phone, mid_profile</Item>'
    edit_policy(folder, EXT, scope, f'{scope}\n          <Item Key="scope">openid phone</Item>')
    assert validated(read_file(folder / EXT, "contoso.onmicrosoft.com")) is None
    policies = load_custom_policies(folder, tenant="contoso", policy_keys=PACK_KEYS)
    scopes = {provider.scope for policy in policies for provider in policy.identity_providers if provider.exchange_id == "MobileIDExchange"}
    assert scopes == {"openid phone"}


def test_a_file_no_relying_party_reads_is_validated_too(tmp_path: Path) -> None:
    """B2C validates each file uploaded: a base nobody's chain names is no exception."""
    folder = copy_pack(tmp_path / "pack")
    stray = (folder / BASE).read_text(encoding="utf-8-sig").replace('PolicyId="B2C_1A_TrustFrameworkBase"', 'PolicyId="B2C_1A_Unused"')
    (folder / "Unused.xml").write_text(stray.replace("<OutputClaims>", "<OutputClaims>oops", 1), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^Unused\.xml: .*/OutputClaims \(line \d+\): The element 'OutputClaims' .* cannot contain text"):
        load_custom_policies(folder, tenant="contoso", policy_keys=PACK_KEYS)


# --- what ships validates, and the schema is Microsoft's, read from its file alone --------------------------------------

SHIPPED = sorted([*(ROOT / "policies").glob("*.xml"), *(ROOT / "tests/b2c/starterpack").glob("*/*.xml")])


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_every_shipped_policy_file_validates(path: Path) -> None:
    assert validated(read_file(path, "contoso.onmicrosoft.com")) is None


def validated(file: PolicyFile) -> str | None:
    """The file's schema error, validated now (``schema_error`` would take a validation remembered from before)."""
    return schema.validate(file.name, file.root, file.lines, file.text_lines)


def test_the_shipped_files_are_all_there() -> None:
    assert len(SHIPPED) == 5 + 23


# sha256 of TrustFrameworkPolicy_0.3.0.0.xsd of the starter pack at commit fc39b7d (tests/b2c/starterpack/README.md).
XSD_AT_FC39B7D = "a1b9efba1928307a49347d211069c039b59b083a46753a50a68c2250071d4d3c"


def test_the_schema_is_the_starter_packs_byte_for_byte() -> None:
    assert hashlib.sha256(schema.SCHEMA_FILE.read_bytes()).hexdigest() == XSD_AT_FC39B7D


def test_the_schema_is_built_and_used_without_fetching_anything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither building the schema nor validating a file whose root names a schema location opens a URL."""
    def no_fetch(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"fetched {args}")
    monkeypatch.setattr(xmlschema.resources, "urlopen", no_fetch)
    monkeypatch.setattr(urllib.request, "urlopen", no_fetch)
    built, keys = schema._built.__wrapped__()
    assert len(keys) == 20
    with schema.SCHEMA_FILE.open("rb") as source:  # the build skips it: the schema is valid XML Schema
        assert xmlschema.XMLSchema10(source, allow="none", defuse="always").validity == "valid"
    folder = copy_pack(tmp_path / "pack")
    edit_policy(folder, RP, 'PolicySchemaVersion="0.3.0.0"',
                f'PolicySchemaVersion="0.3.0.0" xsi:schemaLocation="{NS} http://127.0.0.1:9/TrustFrameworkPolicy_0.3.0.0.xsd"')
    assert validated(read_file(folder / RP, "contoso.onmicrosoft.com")) is None
    assert re.search(r'allow="none", defuse="always"', Path(schema.__file__).read_text())


# Loads the folder in a process of its own; says whether it imported xmlschema (validated) or took the files as remembered.
LOAD = """
import sys
from pathlib import Path
from mocks.b2c.custom_policy import load_custom_policies
from tests.b2c.support import PACK_KEYS
try:
    load_custom_policies(Path(sys.argv[1]), tenant="contoso", policy_keys=PACK_KEYS)
    print("loaded", "validated" if "xmlschema" in sys.modules else "remembered")
except Exception as error:
    print("refused", str(error).splitlines()[0])
"""


def test_a_file_that_validated_is_not_validated_again_until_a_byte_of_it_changes(tmp_path: Path) -> None:
    """Validation cost 0.33 s of each stack start (xmlschema's import, the schema's build) against 11 ms for the rest of
    the loading. A file is remembered only once valid, by its bytes: one changed is validated again, and refused."""
    folder = copy_pack(tmp_path / "pack")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}

    def load() -> str:
        return subprocess.run([sys.executable, "-c", LOAD, str(folder)], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=60, check=True).stdout.strip()

    assert load() == "loaded validated"
    assert load() == "loaded remembered"
    edit_policy(folder, RP, '<OutputClaim ClaimTypeReferenceId="displayName" />', 'displayName <OutputClaim ClaimTypeReferenceId="displayName" />')
    assert load().startswith("refused SignUpOrSignin.xml: " + POLICY_PROFILE + "/OutputClaims (line 26): The element 'OutputClaims'")
    assert load().startswith("refused SignUpOrSignin.xml: ")  # a file that failed is not remembered
    remembered = list((tmp_path / "cache" / "b2c-mobileid-suite" / "valid-policy-files").iterdir())
    # each file as it first was, the edited one not: six, empty (their names are their digests)
    assert len(remembered) == len(list(folder.glob("*.xml"))) and all(f.stat().st_size == 0 for f in remembered)


@pytest.fixture
def fresh_validator_digest() -> Iterator[None]:
    """schema._validator_digest computed anew in the test (it is kept once per process), and again after it."""
    schema._validator_digest.cache_clear()
    yield
    schema._validator_digest.cache_clear()


@pytest.mark.parametrize("changed", ["the schema", "schema.py", "the installed xmlschema"])
def test_a_file_remembered_as_valid_is_validated_again_once_what_validated_it_changes(
        changed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_validator_digest: None) -> None:
    """mocks/b2c/README.md: a validation is remembered by the file's bytes with the schema's, schema.py's and the installed
    xmlschema's: a new schema or validator, or an upgraded xmlschema, checks every file again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    content = (ROOT / "policies" / "TrustFrameworkExtensions.xml").read_bytes()
    installed = tmp_path / "site-packages" / "xmlschema" / "__init__.py"  # xmlschema as installed, in a folder of the test's
    spec = importlib.util.find_spec("xmlschema")
    assert spec is not None and spec.origin
    installed.parent.mkdir(parents=True)
    shutil.copyfile(spec.origin, installed)
    monkeypatch.setattr(schema, "find_spec", lambda name: importlib.machinery.ModuleSpec(name, None, origin=str(installed)))
    schema.remember_valid(content)
    assert schema.known_valid(content)
    if changed == "the installed xmlschema":  # upgraded in place: the same path, written anew
        os.utime(installed, ns=(installed.stat().st_atime_ns, installed.stat().st_mtime_ns + 1_000_000_000))
    elif changed == "the schema":
        monkeypatch.setattr(schema, "SCHEMA_FILE", tmp_path / schema.SCHEMA_FILE.name)
        schema.SCHEMA_FILE.write_bytes((ROOT / "mocks/b2c/custom_policy" / schema.SCHEMA_FILE.name).read_bytes() + b"\n")
    else:
        edited = tmp_path / "schema.py"
        edited.write_bytes(Path(schema.__file__).read_bytes() + b"\n")
        monkeypatch.setattr(schema, "__file__", str(edited))
    schema._validator_digest.cache_clear()
    assert not schema.known_valid(content)


def test_a_cache_folder_that_cannot_be_written_leaves_every_load_validating(tmp_path: Path) -> None:
    folder = copy_pack(tmp_path / "pack")
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    for _ in range(2):
        said = subprocess.run([sys.executable, "-c", LOAD, str(folder)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert said.stdout.strip() == "loaded validated", said.stdout + said.stderr
