"""B2C's upload validates each policy file against the policy schema, ``TrustFrameworkPolicy_0.3.0.0.xsd``, before anything
else: text where only elements go, a misspelt element or attribute, elements out of the ``xs:sequence`` order, a value its
type refuses. This module does the same with ``xmlschema``, against the schema vendored beside it (the starter pack's at
commit fc39b7d, byte for byte: tests/b2c/starterpack/README.md), and says what is wrong in B2C's words where they are known
(``The element 'OutputClaims' in namespace '...' cannot contain text.``, ``... has invalid child element ...``, from
Microsoft's troubleshooting article and public upload errors), naming the file, the line and the element.

The schema is read from that file alone: no network, no other file (``allow="none"``, an open file given), no DTD or
entity (``defuse="always"``); the policy file is validated as the tree defusedxml parsed (files.py), never re-read. It is
built once per process, on the first file validated (about 0.2 s, and 0.1 s to import xmlschema), and kept; it is not
checked against XML Schema's own schema at each build (the test does it once). The schema's ``xs:key`` constraints (an ``Id`` once in its
scope) are checked here with ElementTree, not by xmlschema, whose XPath on typed nodes took six times as long as the rest of
the validation.

A file validated is remembered by its bytes (``remember_valid``), with this module's, the schema's and xmlschema's, in the
user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``, ``b2c-mobileid-suite/valid-policy-files``): the next start that
reads the same file does not validate it again. That was 0.33 s of each start of a stack on this machine's policies
(importing xmlschema, building the schema, validating), against 11 ms for the rest of their loading. A file that fails
is never remembered; a cache folder that cannot be written leaves every start validating.

One reading differs from the XML Schema recommendation, as B2C's .NET validator reads the schema: the patterns of
``ContentDefinition`` URIs (``LoadUri``, ``RecoveryUri``, ``DataUri``) are written ``^...$``, which .NET takes as anchors
and XML Schema as the characters ``^`` and ``$`` (every starter pack's ``~/common/default_page_error.html`` and
``urn:com:microsoft:aad:b2c:elements:contract:...`` would fail): the two anchors are dropped from such a pattern.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # xmlschema is imported where the schema is built (0.1 s): a process that validates nothing pays nothing
    import xmlschema
    from xmlschema.validators import XsdPatternFacets

SCHEMA_FILE = Path(__file__).with_name("TrustFrameworkPolicy_0.3.0.0.xsd")
NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06"
IN_NS = f"in namespace '{NS}'"


@dataclass(frozen=True)
class Key:
    """One of the schema's ``xs:key`` constraints: under each element of ``declared_on`` (a declaration), the elements
    ``selector`` finds each have a ``field`` attribute of their own."""
    name: str
    declared_on: Any
    selector: str
    field: str


@cache
def _built() -> tuple[xmlschema.XMLSchema10, tuple[Key, ...]]:
    import xmlschema
    from xmlschema.validators import XsdElement, XsdPatternFacets

    with SCHEMA_FILE.open("rb") as source:  # not checked against XML Schema's own schema at each start (half the build's
        # time): the file is Microsoft's, pinned by its digest, and tests/b2c/test_policy_schema.py checks it once
        schema = xmlschema.XMLSchema10(source, allow="none", defuse="always", validation="skip")
    keys: list[Key] = []
    for component in schema.iter_components():
        patterns = getattr(component, "patterns", None)
        if isinstance(patterns, XsdPatternFacets):
            _dotnet_anchors(patterns)
        if isinstance(component, XsdElement):
            for identity in component.identities:
                assert identity.selector is not None and identity.fields, identity  # every key of the schema has both
                keys.append(Key(local(identity.name), component, identity.selector.path.replace("tfp:", f"{{{NS}}}"),
                                identity.fields[0].path.removeprefix("@")))
            # xmlschema evaluates keys with XPath on typed nodes, which takes 0.1 s a starter-pack base: checked here instead
            component.identities = []
            component.selected_by = set()
    return schema, tuple(keys)


@cache
def _validator_digest() -> bytes:
    """What a file's validation depends on besides the file: this module, the schema, and the xmlschema installed (its
    path, size and time, unimported: its import is a third of the cost this saves)."""
    digest = hashlib.sha256(Path(__file__).read_bytes() + SCHEMA_FILE.read_bytes())
    spec = find_spec("xmlschema")
    if spec is not None and spec.origin:
        installed = os.stat(spec.origin)
        digest.update(f"{spec.origin}:{installed.st_size}:{installed.st_mtime_ns}".encode())
    return digest.digest()


def _remembered(content: bytes) -> Path | None:
    """Where ``content``'s validation is remembered; None where there is no cache folder."""
    try:
        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder to be found
        return None
    return home / "b2c-mobileid-suite" / "valid-policy-files" / hashlib.sha256(_validator_digest() + content).hexdigest()


def known_valid(content: bytes) -> bool:
    """Whether a file of exactly these bytes validated here before, against the same schema by the same code."""
    return bool(content) and (place := _remembered(content)) is not None and place.is_file()


def remember_valid(content: bytes) -> None:
    """Remember that a file of these bytes validates. Not remembered where the cache folder cannot be written: the next
    start validates it again."""
    if not content or (place := _remembered(content)) is None:
        return
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        place.touch()
    except OSError:
        pass


def policy_schema() -> xmlschema.XMLSchema10:
    """The policy schema, built once per process (its keys checked by ``_duplicate_key``, not by xmlschema)."""
    return _built()[0]


def _dotnet_anchors(facets: XsdPatternFacets) -> None:
    """A pattern written ``^...$`` matched as .NET matches it: the anchors as anchors (see the module's docstring)."""
    from elementpath import translate_pattern

    for i, elem in enumerate(facets):
        value = elem.get("value", "")
        if len(value) > 1 and value.startswith("^") and value.endswith("$") and not value.endswith("\\$"):
            facets.patterns[i] = re.compile(translate_pattern(value[1:-1], xsd_version=facets.xsd_version, back_references=False,
                                                              lazy_quantifiers=False, anchors=False))


def local(tag: Any) -> str:
    return str(tag).rpartition("}")[2]


def validate(name: str, root: ET.Element, lines: dict[ET.Element, int], text_lines: dict[tuple[ET.Element, bool], int]) -> str | None:
    """The first schema error of a file parsed into ``root``, as a message (``<file>: <path> (line n): <problem>; <fix>``);
    None when it validates."""
    schema, keys = _built()
    for error in schema.iter_errors(root, use_location_hints=False):
        return _message(name, root, lines, text_lines, error)
    return _duplicate_key(name, root, lines, keys)


def _duplicate_key(name: str, root: ET.Element, lines: dict[ET.Element, int], keys: tuple[Key, ...]) -> str | None:
    """The schema's keys (an Id, a step's Order, ... once in their scope), in the words of .NET's schema validation, as
    B2C's upload says them (articles/active-directory-b2c/troubleshoot.md). Checked on a file that is otherwise valid."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for key in keys:
        for scope in root.iter(key.declared_on.name):
            if _xsd_element(scope, parents) is not key.declared_on:
                continue
            seen: dict[str, ET.Element] = {}
            for el in scope.findall(key.selector):
                value = (el.get(key.field) or "").strip()
                where = f"{name}: {_path(el, root, parents)}{_line(lines, el)}"
                if not value:
                    return (f"{where}: The identity constraint '{NS}:{key.name}' validation has failed. Either a key is missing "
                            f"or the existing key has an empty node.; give it a {key.field}")
                canonical = str(int(value)) if key.field == "Order" and value.isdigit() else value
                if canonical in seen:
                    return (f"{where}: There is a duplicate key sequence '{value}' for the '{NS}:{key.name}' key or unique identity "
                            f"constraint.; the other is{_line(lines, seen[canonical]) or ' earlier'}: give each its own {key.field}")
                seen[canonical] = el
    return None


def _path(el: ET.Element, root: ET.Element, parents: dict[ET.Element, ET.Element]) -> str:
    """``RelyingParty/TechnicalProfile[@Id='PolicyProfile']/OutputClaims``: from below the root, with each ``Id``."""
    steps = []
    node: ET.Element | None = el
    while node is not None and node is not root:
        ident = node.get("Id")
        steps.append(local(node.tag) + (f"[@Id='{ident}']" if ident else ""))
        node = parents.get(node)
    return "/".join(reversed(steps)) or local(root.tag)


def _message(name: str, root: ET.Element, lines: dict[ET.Element, int], text_lines: dict[tuple[ET.Element, bool], int],
             error: xmlschema.XMLSchemaValidationError) -> str:
    from xmlschema import XMLSchemaChildrenValidationError

    parents = {child: parent for parent in root.iter() for child in parent}
    elem = error.elem if isinstance(error.elem, ET.Element) else root
    xsd_element = _xsd_element(elem, parents)
    children = _child_names(xsd_element)

    def where(el: ET.Element, line: int | None = None) -> str:
        n = line if line is not None else lines.get(el)
        return f"{name}: {_path(el, root, parents)}" + (f" (line {n})" if n else "")

    tag = local(elem.tag)
    expected = f"List of possible elements expected: '{', '.join(children)}' {IN_NS}." if children else ""
    invalid = getattr(error, "invalid_child", None)
    if isinstance(invalid, ET.Element):
        child = local(invalid.tag)
        problem = f"The element '{tag}' {IN_NS} has invalid child element '{child}' {IN_NS}."
        if child in children:
            rank = children.index(child)
            preceding = list(elem)[:list(elem).index(invalid)]
            later = next((s for s in preceding if isinstance(s.tag, str) and local(s.tag) in children
                          and children.index(local(s.tag)) > rank), None)
            before = f"move it before <{local(later.tag)}>{_line(lines, later)}" if later is not None else "move it or remove the repeat"
            fix = (f"<{child}> is out of the schema's order or once too often (<{tag}> takes its children in this order: "
                   f"{', '.join(children)}): {before}")
        else:
            near = difflib.get_close_matches(child, children, n=1)
            takes = f"takes: {', '.join(children)}" if children else "takes no child elements"
            fix = f"<{tag}> has no child <{child}>" + (f"; did you mean <{near[0]}>? It {takes}" if near else f"; it {takes}")
        return f"{where(invalid)}: {problem}; {fix}"
    if "character data" in (error.reason or ""):
        text, line = _stray_text(elem, text_lines)
        return (f"{where(elem, line)}: The element '{tag}' {IN_NS} cannot contain text. {expected}; remove the text "
                f"{text!r}, or make it a comment (<!-- ... -->)")
    if isinstance(error, XMLSchemaChildrenValidationError):  # content that ends too soon
        wanted = [local(getattr(p, "name", p)) for p in (error.expected or [])]
        listed = f"List of possible elements expected: '{', '.join(wanted)}' {IN_NS}." if wanted else expected
        return f"{where(elem)}: The element '{tag}' {IN_NS} has incomplete content. {listed}; add what is missing"
    reason = error.reason or str(error)
    if m := re.match(r"'([^']+)' attribute not allowed", reason):
        attrs = sorted(local(a) for a in getattr(getattr(xsd_element, "attributes", None), "keys", lambda: [])() if a)
        near = difflib.get_close_matches(m.group(1), attrs, n=1)
        takes = f"takes: {', '.join(attrs)}" if attrs else "takes no attributes"
        return (f"{where(elem)}: The '{m.group(1)}' attribute is not declared.; <{tag}> has no attribute {m.group(1)}"
                + (f"; did you mean {near[0]}? It {takes}" if near else f"; it {takes}"))
    if m := re.match(r"missing required attribute '?([^']+)'?", reason):
        return f"{where(elem)}: The required attribute '{local(m.group(1))}' is missing.; add it"
    return f"{where(elem)}: the policy schema refuses it: {reason}; write it as TrustFrameworkPolicy_0.3.0.0.xsd defines <{tag}>"


def _line(lines: dict[ET.Element, int], el: ET.Element) -> str:
    n = lines.get(el)
    return f" (line {n})" if n else ""


def _xsd_element(elem: ET.Element, parents: dict[ET.Element, ET.Element]) -> Any:
    """The schema's declaration of ``elem`` (found by its path from the root), or None."""
    chain = []
    node: ET.Element | None = elem
    while node is not None:
        chain.append(node)
        node = parents.get(node)
    chain.reverse()
    decl: Any = policy_schema().elements.get(local(chain[0].tag))
    for node in chain[1:]:
        if decl is None:
            return None
        decl = next((e for e in _iter_elements(decl) if e.name == node.tag), None)
    return decl


def _iter_elements(decl: Any) -> list[Any]:
    content = getattr(getattr(decl, "type", None), "content", None)
    if content is None or not hasattr(content, "iter_elements"):
        return []
    return list(content.iter_elements())


def _child_names(decl: Any) -> list[str]:
    names: list[str] = []
    for e in _iter_elements(decl):
        if e.name and local(e.name) not in names:
            names.append(local(e.name))
    return names


def _stray_text(elem: ET.Element, text_lines: dict[tuple[ET.Element, bool], int]) -> tuple[str, int | None]:
    """The first text of ``elem`` between its children, and its line."""
    if elem.text and elem.text.strip():
        return elem.text.strip(), text_lines.get((elem, False))
    for child in elem:
        if child.tail and child.tail.strip():
            return child.tail.strip(), text_lines.get((child, True))
    return "", None
