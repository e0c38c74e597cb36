"""Reading one policy file as B2C's upload does: XML without DTDs, the root, ids, tenant.

Messages follow one shape, ``<file>: <element path>: <problem>; <what to change>``; where B2C's own
upload error is known, ``<problem>`` is in its words (quoted from public reports, see
policies/README.md).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from mocks.b2c.policy import PolicyError
from mocks.common.hosts import TENANT_NAME

from . import schema

NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06"
# A placeholder of the Azure AD B2C extension for VS Code ({Settings:Tenant}), replaced when it builds a team's policies.
UNBUILT_SETTING = re.compile(r"\{Settings:[^}]*\}")

# B2C reads boolean metadata case-insensitively, and 0/1 as false/true (the starter pack writes
# UsePolicyInRedirectUri as 0): metadata items are strings to the schema, read by each handler.
TRUE_VALUES = ("true", "1")
FALSE_VALUES = ("false", "0")
# An attribute the policy schema (TrustFrameworkPolicy_0.3.0.0.xsd) types xs:boolean is checked by the upload's
# schema validation instead (xs_boolean): the same four, but in lower case only, as XML Schema defines xs:boolean.


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def text(el: ET.Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip()


def boolean(value: str | None) -> bool | None:
    """B2C's reading of a boolean; None when the value is not one."""
    if value is None:
        return None
    low = value.strip().lower()
    if low in TRUE_VALUES:
        return True
    if low in FALSE_VALUES:
        return False
    return None


def xs_boolean(value: str | None, where: str) -> bool | None:
    """An attribute the schema types xs:boolean (AlwaysUseDefaultValue, Required, ExecuteActionsIf, ...), as B2C's
    upload validates it; None when absent. Anything else (``maybe``, ``yes``, ``True``) fails the upload's schema
    validation, where the emulator would have read it as false."""
    if value is None:
        return None
    collapsed = value.strip(" \t\r\n")
    if collapsed in TRUE_VALUES:
        return True
    if collapsed in FALSE_VALUES:
        return False
    raise PolicyError(f"{where}: {value!r} is not true or false; the policy schema types it xs:boolean, so B2C's upload "
                      "refuses anything but true, false, 1 or 0 (lower case): write true or false")


@dataclass
class PolicyFile:
    name: str
    root: ET.Element
    lines: dict[ET.Element, int]
    policy_id: str
    base_id: str | None
    base_el: ET.Element | None
    tenant_domain: str
    # Where an element's text (False) or tail (True) starts, for a schema error on text where elements go.
    text_lines: dict[tuple[ET.Element, bool], int] = field(default_factory=dict)
    content: bytes = b""  # the file as read, by which schema.py remembers a file it validated

    def schema_error(self) -> str | None:
        """The file's first error against the policy schema (schema.py), as a message; None when it validates. Asked by
        load_custom_policies once the loader's own checks of the folder passed: theirs name what B2C says of the errors
        they look for (a key repeated, a boolean that is not one)."""
        if schema.known_valid(self.content):
            return None
        refused = schema.validate(self.name, self.root, self.lines, self.text_lines)
        if refused is None:
            schema.remember_valid(self.content)
        return refused

    def line(self, el: ET.Element | None) -> str:
        """`` (line n)`` for a message; nothing for an element that is absent."""
        n = self.lines.get(el) if el is not None else None
        return f" (line {n})" if n else ""


def _parse(path: Path, content: bytes) -> tuple[ET.Element, dict[ET.Element, int], dict[tuple[ET.Element, bool], int]]:
    """The root, each element's line, and the line where an element's text (False) or tail (True) first has more than
    whitespace (for a schema error on text where elements go)."""
    lines: dict[ET.Element, int] = {}
    text_lines: dict[tuple[ET.Element, bool], int] = {}
    last: list[tuple[ET.Element, bool]] = []

    class _Builder(ET.TreeBuilder):
        def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
            el = super().start(tag, attrs)
            lines[el] = parser.parser.CurrentLineNumber
            last[:] = [(el, False)]
            return el

        def end(self, tag: str) -> ET.Element:
            el = super().end(tag)
            last[:] = [(el, True)]
            return el

        def data(self, data: str) -> None:
            super().data(data)
            if last and data.strip() and last[0] not in text_lines:  # expat hands text over where it ends: count back
                text_lines[last[0]] = parser.parser.CurrentLineNumber - data.lstrip().count("\n")

    parser = DefusedXMLParser(target=_Builder(), forbid_dtd=True)
    try:
        parser.feed(content)  # expat honours the UTF-8 BOM and the encoding declaration
        root = parser.close()
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":")[0]
        raise PolicyError(f"{path.name}: line {line}, column {col}: malformed XML ({reason}); fix the markup") from None
    except DefusedXmlException:  # DTDForbidden at the <!DOCTYPE>, before any entity or external reference it could declare
        line = getattr(getattr(parser, "parser", None), "CurrentLineNumber", 0)  # its own text is a repr: said in words
        raise PolicyError(f"{path.name}: line {line}: a <!DOCTYPE> declaration; policy files may not use DTDs or entities: "
                          "remove it") from None
    return root, lines, text_lines


def read_file(path: Path, tenant_domain: str) -> PolicyFile:
    content = path.read_bytes()
    root, lines, text_lines = _parse(path, content)
    name = path.name
    if root.tag != q("TrustFrameworkPolicy"):
        raise PolicyError(f'{name}: root element is <{root.tag}>; a policy file is <TrustFrameworkPolicy xmlns="{NS}" ...>')
    policy_id = (root.get("PolicyId") or "").strip()
    if not policy_id:
        raise PolicyError(f"{name}: TrustFrameworkPolicy/@PolicyId is missing; add PolicyId=\"B2C_1A_...\"")
    if not policy_id.upper().startswith("B2C_1A_"):
        raise PolicyError(f"{name}: TrustFrameworkPolicy/@PolicyId: {policy_id!r} must start with B2C_1A_ (the prefix of every custom policy)")
    tenant_id = (root.get("TenantId") or "").strip()
    if UNBUILT_SETTING.search(tenant_id):
        raise PolicyError(f"{name}: TrustFrameworkPolicy/@TenantId: {tenant_id!r} is a setting of the Azure AD B2C extension for VS "
                          "Code, which it fills in from appsettings.json when it builds the policies (B2C's upload takes no such "
                          "placeholder); build them (\"B2C: Build all policies\") and give the built folder, Environments/<name>")
    if tenant_id.lower() != tenant_domain.lower():
        raise PolicyError(
            f"{name}: TrustFrameworkPolicy/@TenantId: TenantId in the policy xml '{tenant_id}' is not same as the one in "
            f"login tenant '{tenant_domain}'.; use {tenant_domain!r}"
        )
    base_el = root.find(q("BasePolicy"))
    base_id = None
    if base_el is not None:
        base_id = text(base_el.find(q("PolicyId")))
        if not base_id:
            raise PolicyError(f"{name}: BasePolicy/PolicyId is missing; name the base policy's PolicyId")
        base_tenant = text(base_el.find(q("TenantId"))) or ""
        if base_tenant.lower() != tenant_domain.lower():
            raise PolicyError(
                f"{name}: BasePolicy/TenantId: TenantId in the policy xml '{base_tenant}' is not same as the one in "
                f"login tenant '{tenant_domain}'.; use {tenant_domain!r}"
            )
    return PolicyFile(name, root, lines, policy_id, base_id, base_el, tenant_domain, text_lines, content)


def files_tenant(directory: Path) -> str | None:
    """The tenant every policy file of ``directory`` is written for (``fabrikam`` of ``TenantId="fabrikam.onmicrosoft.com"``):
    a team's files carry their tenant's name, as the starter pack's readme asks, and a stack serving them is that tenant.
    None when the files name none, several, or a tenant by another form: the loader then says what is wrong with them."""
    tenants = {_root_tenant(path) for path in sorted(directory.glob("*.xml")) if path.is_file()}
    if len(tenants) != 1:
        return None
    domain = tenants.pop() or ""
    name, dot, rest = domain.lower().partition(".")
    return name if dot and rest == "onmicrosoft.com" and TENANT_NAME.fullmatch(name) else None


def _root_tenant(path: Path) -> str | None:
    """The root element's ``TenantId``, read up to the root alone; None for a file the loader will refuse."""
    root = _root(path)
    if root is None:
        return None
    return (root.get("TenantId") or "").strip() or None


def _root(path: Path) -> ET.Element | None:
    """The file's root element, its attributes read and nothing after its start tag (a folder's XML may be large and
    no policy); None for a file that does not parse up to there, or has a DTD."""
    try:
        with path.open("rb") as source:
            for _, root in iterparse(source, events=("start",), forbid_dtd=True):
                return cast("ET.Element", root)  # defusedxml's iterparse is untyped
    except (ET.ParseError, DefusedXmlException, OSError):
        pass
    return None


def b2c_validation(f: PolicyFile, message: str) -> str:
    """B2C's upload error wording around one message."""
    return (f"Validation failed: 1 validation error(s) found in policy \"{f.policy_id.upper()}\" of tenant "
            f"\"{f.tenant_domain}\".{message}")


def in_subfolders(directory: Path, policy_ids: Iterable[str] = ()) -> str:
    """What the folder's subfolders hold, for a message on what its own files lack: a team's repository may keep its
    policies in folders of their own (base/, relying parties/), which are not read, as B2C takes each file uploaded, not a
    tree. One level down (a folder given by mistake, the repository's, is not searched whole), policy files alone: not
    hidden folders (.idea/, .vscode/ keep XML of their own) nor XML whose root is no ``TrustFrameworkPolicy``, which would
    hide the policy files in the message. With ``policy_ids`` (policies the folder lacks) the files of those alone.
    Empty where they hold none."""
    nested = sorted(str(p.relative_to(directory)) for p in directory.glob("*/*.xml")
                    if not p.parent.name.startswith(".") and p.is_file() and _is_policy(p, {i.strip().lower() for i in policy_ids}))
    if not nested:
        return ""
    shown = ", ".join(nested[:3]) + (f" and {len(nested) - 3} more" if len(nested) > 3 else "")
    return (f"; its subfolders hold {shown}, which are not read (only the folder's own *.xml files are): put the files you "
            "upload in one folder and give that one")


def _is_policy(path: Path, policy_ids: set[str]) -> bool:
    """A policy file, in any namespace (the root's local name: a file without B2C's is refused by name once read), of
    one of ``policy_ids`` (in lower case: B2C compares policy ids case-insensitively) when given."""
    root = _root(path)
    if root is None or root.tag.rpartition("}")[2] != "TrustFrameworkPolicy":
        return False
    return not policy_ids or (root.get("PolicyId") or "").strip().lower() in policy_ids
