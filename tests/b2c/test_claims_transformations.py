"""The claims transformations the runtime executes (policies/README.md, "What the runtime executes"), each on a claims bag
as B2C documents it (learn.microsoft.com/azure/active-directory-b2c/{string,boolean,stringcollection,general}-transformations):
its input claims by TransformationClaimType, its input parameters, the claims it outputs."""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

import pytest

from mocks.b2c import claims_transformations as ct
from mocks.b2c.policy import ClaimsTransformation


def transform(method: str, bag: dict[str, Any], *, inputs: tuple[tuple[str, str], ...] = (),
              parameters: tuple[tuple[str, str], ...] = (), outputs: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """``bag`` after a transformation of ``method`` (claims and parameters as the XML names them) ran on it."""
    t = ClaimsTransformation(f"T-{method}", method, f"Test.xml: ClaimsTransformation[@Id='T-{method}']", inputs, parameters, outputs)
    bag = dict(bag)
    ct.run(t, bag, {})
    return bag


@pytest.mark.parametrize(("to_case", "expected"), [("LOWER", "hans.muster@example.org"), ("UPPER", "HANS.MUSTER@EXAMPLE.ORG")])
def test_change_case_gives_the_case_to_case_names(to_case: str, expected: str) -> None:
    bag = transform("ChangeCase", {"email": "Hans.Muster@Example.org"}, inputs=(("email", "inputClaim1"),),
                    parameters=(("toCase", to_case),), outputs=(("emailCased", "outputClaim"),))
    assert bag["emailCased"] == expected
    assert bag["email"] == "Hans.Muster@Example.org"  # the input claim is left as it was


@pytest.mark.parametrize(("value", "operator", "ignore_case", "expected"), [
    ("Done", "EQUAL", "false", True),
    ("done", "EQUAL", "false", False),   # case counts unless ignoreCase
    ("done", "EQUAL", "true", True),
    ("Done", "NOT EQUAL", "false", False),
    ("done", "NOT EQUAL", "false", True),
    ("done", "NOT EQUAL", "true", False),
    ("other", "EQUAL", "true", False),
    ("other", "NOT EQUAL", "true", True),
])
def test_compare_claim_to_value_outputs_the_comparisons_boolean(value: str, operator: str, ignore_case: str, expected: bool) -> None:
    bag = transform("CompareClaimToValue", {"termsOfUse": value}, inputs=(("termsOfUse", "inputClaim1"),),
                    parameters=(("compareTo", "Done"), ("operator", operator), ("ignoreCase", ignore_case)),
                    outputs=(("termsAccepted", "outputClaim"),))
    assert bag["termsAccepted"] is expected


def test_assert_boolean_claim_is_equal_to_value_passes_an_equal_claim_and_fails_another() -> None:
    def check(value: Any) -> dict[str, Any]:
        return transform("AssertBooleanClaimIsEqualToValue", {"accountEnabled": value},
                         inputs=(("accountEnabled", "inputClaim"),), parameters=(("valueToCompareTo", "true"),))

    assert check(True) == {"accountEnabled": True}  # outputs nothing
    with pytest.raises(ct.AssertionFailed, match=re.escape("Test.xml: ClaimsTransformation[@Id='T-AssertBooleanClaimIsEqualToValue']")):
        check(False)
    with pytest.raises(ct.AssertionFailed):
        check(None)  # a claim without a value is not true either


def test_copy_claim_copies_the_input_claims_value_to_the_output_claim() -> None:
    bag = transform("CopyClaim", {"email": "hans@example.org"}, inputs=(("email", "inputClaim"),), outputs=(("signInName", "outputClaim"),))
    assert bag == {"email": "hans@example.org", "signInName": "hans@example.org"}


def test_add_item_to_string_collection_appends_an_item_it_does_not_hold_yet() -> None:
    def add(item: str, collection: list[str] | None) -> Any:
        bag = transform("AddItemToStringCollection", {"email": item, "otherMails": collection},
                        inputs=(("email", "item"), ("otherMails", "collection")), outputs=(("otherMails", "collection"),))
        return bag["otherMails"]

    assert add("c@example.org", ["a@example.org", "b@example.org"]) == ["a@example.org", "b@example.org", "c@example.org"]
    assert add("a@example.org", None) == ["a@example.org"]  # no collection yet: a new one with the item
    assert add("a@example.org", ["a@example.org"]) == ["a@example.org"]  # B2C's collection holds unique values


def test_create_random_string_gives_a_guid_or_an_integer_up_to_maximum_number() -> None:
    guid = transform("CreateRandomString", {}, parameters=(("randomGeneratorType", "GUID"),), outputs=(("upn", "outputClaim"),))["upn"]
    assert str(uuid.UUID(guid)) == guid
    numbers = {transform("CreateRandomString", {}, parameters=(("randomGeneratorType", "INTEGER"), ("maximumNumber", "9")),
                         outputs=(("otp", "outputClaim"),))["otp"] for _ in range(60)}
    assert all(re.fullmatch(r"\d", n) for n in numbers), numbers  # 0..9: never a GUID, never above maximumNumber
    assert len(numbers) > 1, numbers


def test_create_random_string_applies_string_format_then_base64() -> None:
    """general-transformations, CreateRandomString: stringFormat formats the value; base64 encodes it after the format."""
    formatted = transform("CreateRandomString", {}, parameters=(("randomGeneratorType", "INTEGER"), ("maximumNumber", "1000"),
                                                                ("stringFormat", "OTP_{0}"), ("base64", "false")),
                          outputs=(("otp", "outputClaim"),))["otp"]
    assert re.fullmatch(r"OTP_\d{1,4}", formatted) and int(formatted[4:]) <= 1000, formatted
    encoded = transform("CreateRandomString", {}, parameters=(("randomGeneratorType", "INTEGER"), ("maximumNumber", "9"),
                                                              ("stringFormat", "OTP_{0}"), ("base64", "true")),
                        outputs=(("otp", "outputClaim"),))["otp"]
    assert re.fullmatch(r"OTP_\d", base64.b64decode(encoded).decode()), encoded


def test_a_method_the_emulator_does_not_execute_is_refused_naming_the_transformation() -> None:
    with pytest.raises(ct.NotExecuted, match=re.escape("Test.xml: ClaimsTransformation[@Id='T-GetCurrentDateTime']: TransformationMethod "
                                                       "'GetCurrentDateTime' is not executed by the emulator (it has AddItemToStringCollection")):
        transform("GetCurrentDateTime", {}, outputs=(("now", "currentDateTime"),))
