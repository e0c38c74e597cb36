"""The claims transformations the starter packs use, executed on a journey's claims bag.

Each method takes the transformation (its input claims by TransformationClaimType, input
parameters, output claims) and the bag, and returns the claims it outputs. A method not listed
here is refused when a journey reaches it (``NotExecuted``), naming the transformation.
Semantics: learn.microsoft.com/azure/active-directory-b2c/*-transformations.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from mocks.b2c.policy import ClaimsTransformation
from mocks.b2c.settings import fill_in


class NotExecuted(Exception):
    """Something of the policy the emulator does not execute; the message names it and what to change."""


class AssertionFailed(Exception):
    """An Assert* transformation failed (B2C shows the profile's error message)."""

    def __init__(self, message: str, method: str) -> None:
        super().__init__(message)
        self.method = method  # the transformation's TransformationMethod


def alternative_security_id(identity_provider: str, key: str) -> str:
    """CreateAlternativeSecurityId's value: B2C's JSON with the key base64-encoded."""
    encoded = base64.b64encode(str(key).encode()).decode()
    return json.dumps({"type": 6, "identityProvider": identity_provider, "key": encoded}, separators=(",", ":"))


def parse_alternative_security_id(value: Any) -> tuple[str, str] | None:
    """(identity provider, issuer user id) from an alternativeSecurityId value."""
    try:
        data = json.loads(value) if isinstance(value, str) else value
        if isinstance(data, list):
            data = data[0]
        return str(data["identityProvider"]), base64.b64decode(data["key"]).decode()
    except (ValueError, RecursionError, TypeError, KeyError, IndexError):
        return None


def _inputs(t: ClaimsTransformation, bag: Mapping[str, Any]) -> dict[str, Any]:
    return {tct: bag.get(claim) for claim, tct in t.inputs}


def _params(t: ClaimsTransformation, settings: Mapping[str, str]) -> dict[str, str]:
    return {pid: fill_in(value, settings) for pid, value in t.parameters}


def _outputs(t: ClaimsTransformation, **values: Any) -> dict[str, Any]:
    return {claim: values[tct] for claim, tct in t.outputs if tct in values}


def _format(fmt: str, *args: Any) -> str:
    for i, a in enumerate(args):
        fmt = fmt.replace(f"{{{i}}}", "" if a is None else str(a))
    return fmt


def _create_random_string(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    kind = p.get("randomGeneratorType", "GUID")
    if kind.upper() == "GUID":
        value = str(uuid.uuid4())
    else:
        value = str(secrets.randbelow(int(p.get("maximumNumber", "1000")) + 1))
    value = _format(p.get("stringFormat", "{0}"), value)  # general-transformations: format first, then base64
    if p.get("base64", "false").strip().lower() == "true":
        value = base64.b64encode(value.encode()).decode()
    return _outputs(t, outputClaim=value)


def _format_string_claim(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    return _outputs(t, outputClaim=_format(p.get("stringFormat", "{0}"), _inputs(t, bag).get("inputClaim")))


def _format_string_multiple_claims(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    i = _inputs(t, bag)
    return _outputs(t, outputClaim=_format(p.get("stringFormat", "{0} {1}"), i.get("inputClaim1"), i.get("inputClaim2")))


def _create_alternative_security_id(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    i = _inputs(t, bag)
    if i.get("key") is None or i.get("identityProvider") is None:
        return {}
    return _outputs(t, alternativeSecurityId=alternative_security_id(str(i["identityProvider"]), str(i["key"])))


def _create_string_claim(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    return _outputs(t, createdClaim=p.get("value", ""))


def _copy_claim(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    return _outputs(t, outputClaim=_inputs(t, bag).get("inputClaim"))


def _add_item_to_string_collection(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    i = _inputs(t, bag)
    collection = list(i.get("collection") or [])
    if i.get("item") not in (None, "") and i["item"] not in collection:
        collection.append(i["item"])
    return _outputs(t, collection=collection)


def _change_case(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    value = _inputs(t, bag).get("inputClaim1")
    if value is None:
        return {}
    value = str(value).lower() if p.get("toCase", "LOWER").upper() == "LOWER" else str(value).upper()
    return _outputs(t, outputClaim=value)


def _compare_claim_to_value(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    value = _inputs(t, bag).get("inputClaim1")
    equal = str(value).lower() == p.get("compareTo", "").lower() if p.get("ignoreCase", "true").lower() == "true" \
        else str(value) == p.get("compareTo", "")
    return _outputs(t, outputClaim=equal if p.get("operator", "EQUAL").upper() == "EQUAL" else not equal)


def _assert_boolean(t: ClaimsTransformation, bag: Mapping[str, Any], p: dict[str, str]) -> dict[str, Any]:
    value = _inputs(t, bag).get("inputClaim")
    if str(value).lower() != p.get("valueToCompareTo", "true").lower():
        raise AssertionFailed(f"{t.where}: {value!r} is not {p.get('valueToCompareTo')}", "AssertBooleanClaimIsEqualToValue")
    return {}


METHODS: dict[str, Callable[[ClaimsTransformation, Mapping[str, Any], dict[str, str]], dict[str, Any]]] = {
    "CreateRandomString": _create_random_string,
    "FormatStringClaim": _format_string_claim,
    "FormatStringMultipleClaims": _format_string_multiple_claims,
    "CreateAlternativeSecurityId": _create_alternative_security_id,
    "CreateStringClaim": _create_string_claim,
    "CopyClaim": _copy_claim,
    "AddItemToStringCollection": _add_item_to_string_collection,
    "ChangeCase": _change_case,
    "CompareClaimToValue": _compare_claim_to_value,
    "AssertBooleanClaimIsEqualToValue": _assert_boolean,
}


# Each executed method's TransformationClaimTypes of its input claims, its InputParameter Ids and the TransformationClaimTypes
# of its output claims, as Microsoft's claims transformation articles list them.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "CreateRandomString": ((), ("randomGeneratorType", "maximumNumber", "seed", "stringFormat", "base64"), ("outputClaim",)),
    "FormatStringClaim": (("inputClaim",), ("stringFormat",), ("outputClaim",)),
    "FormatStringMultipleClaims": (("inputClaim1", "inputClaim2"), ("stringFormat",), ("outputClaim",)),
    "CreateAlternativeSecurityId": (("key", "identityProvider"), (), ("alternativeSecurityId",)),
    "CreateStringClaim": ((), ("value",), ("createdClaim",)),
    "CopyClaim": (("inputClaim",), (), ("outputClaim",)),
    "AddItemToStringCollection": (("item", "collection"), (), ("collection",)),
    "ChangeCase": (("inputClaim1",), ("toCase",), ("outputClaim",)),
    "CompareClaimToValue": (("inputClaim1",), ("compareTo", "operator", "ignoreCase"), ("outputClaim",)),
    "AssertBooleanClaimIsEqualToValue": (("inputClaim",), ("valueToCompareTo",), ()),
}


def spelt_as_its_method(t: ClaimsTransformation) -> ClaimsTransformation:
    """``t`` with its names spelt as its method's (``NAMES``; B2C's matching of case is not documented, so case aside).
    ValueError naming a name its method does not have: run, that claim would silently get no value (mocks/b2c/README.md,
    Decisions). A method the emulator does not execute is left as it is (refused where a journey reaches it)."""
    if t.method not in NAMES:
        return t
    inputs, parameters, outputs = NAMES[t.method]

    def spelt(name: str, names: tuple[str, ...], kind: str, attribute: str) -> str:
        by_case = {known.lower(): known for known in names}
        if name.lower() in by_case:
            return by_case[name.lower()]
        fix = (f"{t.method} takes {' or '.join(names)} there (Microsoft's claims transformation articles); name it so"
               if names else f"{t.method} has no {kind}; remove it")
        raise ValueError(f"{t.where}: {kind} {attribute}=\"{name}\": {fix}")

    return replace(
        t, inputs=tuple((claim, spelt(name, inputs, "InputClaim", "TransformationClaimType")) for claim, name in t.inputs),
        parameters=tuple((spelt(name, parameters, "InputParameter", "Id"), value) for name, value in t.parameters),
        outputs=tuple((claim, spelt(name, outputs, "OutputClaim", "TransformationClaimType")) for claim, name in t.outputs))


def run(t: ClaimsTransformation, bag: dict[str, Any], resolvers: Mapping[str, str]) -> None:
    """Apply ``t`` to ``bag`` in place; ``NotExecuted`` for a method the emulator doesn't have."""
    method = METHODS.get(t.method)
    if method is None:
        raise NotExecuted(f"{t.where}: TransformationMethod {t.method!r} is not executed by the emulator "
                          f"(it has {', '.join(sorted(METHODS))}); use one of those or remove the transformation")
    for claim, value in method(t, bag, _params(t, resolvers)).items():
        if value is not None:
            bag[claim] = value
