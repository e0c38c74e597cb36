"""Custom policies: the XML files of a policy folder turned into ``Policy`` objects.

Reads every ``*.xml`` file of a directory as B2C's Identity Experience Framework does after an
upload: each file is a ``TrustFrameworkPolicy``; ``BasePolicy`` chains are resolved (base first,
see ``merge``); each file with a ``RelyingParty`` becomes one ``Policy`` carrying its user journey,
which the runtime executes step by step (mocks/b2c/orchestration.py). What B2C would refuse at
upload is refused here with a ``PolicyError`` naming the file, the element and what to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mocks.b2c.policy import Policy, PolicyError

from .build import build_policy
from .files import PolicyFile, in_subfolders, q, read_file

__all__ = ["load_custom_policies", "policy_chains", "PolicyError"]


def load_custom_policies(directory: Path, *, tenant: str, policy_keys: Mapping[str, Any]) -> list[Policy]:
    """Every relying-party policy in ``directory`` as a ``Policy``; ``PolicyError`` if one can't be honoured.

    ``tenant`` is the tenant name (``contoso``) or its domain (``contoso.onmicrosoft.com``);
    ``policy_keys`` maps policy key names (``B2C_1A_MobileIdSecret``) to their values
    (``str``, ``bytes`` or pydantic ``SecretStr``).
    """
    files, chains = _read(directory, tenant)
    policies = [build_policy(chain[-1], chain, policy_keys) for chain in chains.values()]
    for f in files.values():  # every file read, in a relying party's chain or not, as B2C's upload validates each
        if refused := f.schema_error():
            raise PolicyError(refused)
    return policies


def policy_chains(directory: Path, *, tenant: str) -> dict[str, list[PolicyFile]]:
    """Each relying-party policy of ``directory`` (its id, lower-cased) with its inheritance chain, base first, the
    relying party last: the files B2C reads for it. ``PolicyError`` as B2C's upload refuses them (but for the policy
    schema's errors, which ``load_custom_policies`` looks for: the suite reads a folder the stack loaded)."""
    return _read(directory, tenant)[1]


def _read(directory: Path, tenant: str) -> tuple[dict[str, PolicyFile], dict[str, list[PolicyFile]]]:
    directory = Path(directory)
    tenant_domain = tenant if "." in tenant else f"{tenant}.onmicrosoft.com"
    paths = sorted(p for p in directory.glob("*.xml") if p.is_file())
    if not paths:
        raise PolicyError(f"{directory}: no policy files (*.xml){in_subfolders(directory)}; upload TrustFrameworkBase.xml, extensions "
                          "and a relying party")
    files: dict[str, PolicyFile] = {}
    for path in paths:
        f = read_file(path, tenant_domain)
        key = f.policy_id.lower()
        if key in files:
            raise PolicyError(f"{f.name}: TrustFrameworkPolicy/@PolicyId: {f.policy_id!r} is also used by {files[key].name}; "
                              "policy ids must be unique")
        files[key] = f

    rps = [f for f in files.values() if f.root.find(q("RelyingParty")) is not None]
    if not rps:
        raise PolicyError(f"{directory}: no relying party policy{in_subfolders(directory)}; add a file with <RelyingParty> (e.g. "
                          "SignUpOrSignin.xml, PolicyId B2C_1A_signup_signin)")
    chains: dict[str, list[PolicyFile]] = {}
    for rp in rps:
        chain = [rp]
        while base_id := chain[-1].base_id:
            child = chain[-1]
            base = files.get(base_id.lower())
            if base is None:
                known = ", ".join(f.policy_id for f in files.values())
                raise PolicyError(
                    f"{child.name}: BasePolicy/PolicyId{child.line(child.base_el)}: Policy with 'policyId': "
                    f"{base_id.upper()} cannot be found in the directory.; add that file (found: {known}{in_subfolders(directory, [base_id])}) "
                    "or fix the PolicyId")
            if base in chain:
                raise PolicyError(f"{child.name}: BasePolicy/PolicyId: {base_id!r} makes the inheritance a cycle")
            chain.append(base)
        chains[rp.policy_id.lower()] = list(reversed(chain))
    return files, chains

