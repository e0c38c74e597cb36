"""The bundle to attach to a bug: one zip of what the repro journey saw, with no secret or raw token.

Every text member passes through ``fixtures.redaction`` (JWTs and the given secrets); the HAR and
the trace also lose the values of cookies and authorization codes, which are credentials too. In
tenant mode phone numbers are people's, so every text member has them masked as well
(``fixtures.redaction.mask_phone_numbers``, as the report does). ``scan`` then opens every member, nested zips (the
trace) included, and the bundle is refused if anything is left.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeGuard

from fixtures.redaction import PHONE, Redaction, ZipMembers, contains_secret, credentials_in


class LeakError(RuntimeError):
    """The bundle would carry a secret or raw token; it is not written."""


def har_credentials(har: dict[str, Any]) -> set[str]:
    """Cookie values and credential parameters (URLs, form bodies, Location headers) found in a HAR."""
    return credentials_in(har.get("log", {}).get("entries", []))


def scan(path: Path, secrets: Iterable[str | None] = (), _name: str = "", *, phones: bool = False) -> list[str]:
    """``member: what`` for every JWT or secret (and with ``phones``, every unmasked phone number) in the zip at ``path``
    (or bytes of a nested zip)."""
    secrets = [s for s in secrets if s]
    findings: list[str] = []
    with zipfile.ZipFile(path) as bundle:
        for info in bundle.infolist():
            data = bundle.read(info)
            name = f"{_name}{info.filename}"
            if data[:4] == b"PK\x03\x04":
                findings += scan(io.BytesIO(data), secrets, f"{name}!/", phones=phones)  # type: ignore[arg-type]
                continue
            text = data.decode("utf-8", errors="ignore")
            found = contains_secret(text, secrets) + (["phone number"] if phones and PHONE.search(text) else [])
            findings += [f"{name}: {what}" for what in sorted(set(found))]
    return findings


# A frame's source in a Playwright trace, by the SHA-1 of its file's path: src/<sha1>.py, or resources/src@<sha1>.txt.
TRACE_SOURCE = re.compile(r"^(src/|resources/src@)([0-9a-f]{40})")
# Where a path of this machine may stand in a trace: its stacks' files, and its events (the driver's frames of an error's
# stack); not its resources (styles, scripts, network bodies), whose text is the sites' own. The events hold the DOM
# snapshots too: there a folder counts only where it starts a path (folders_shown), as a site's text would not.
TRACE_TEXTS = re.compile(r"(^|/)trace\.stacks$|\.trace$")


def folders_shown(suite: Iterable[Path], home: Path) -> Callable[[str], str]:
    """A text's paths of this machine as a bundle shows paths (``repro.paths.shown_path``: no home folder, no user name):
    inside the suite (any of its spellings, ``suite``) relative to it, the rest of the home folder (``home``, as given and
    resolved) from ``~``. A folder counts only where a path starts (not after a letter, a dot, a slash, a colon: the
    suite at /app is not the /app in http://localhost:3000/app/callback) and where its name ends."""
    shown_as = dict.fromkeys(suite, "")  # the suite's first: it may lie in the home folder
    for folder in (home, home.resolve()):
        if len(folder.parts) > 1:  # "/" is no one's
            shown_as.setdefault(folder, "~")
    patterns = [(re.compile(rf"(?<![\w.~/:%-]){re.escape(str(folder))}(?:(/)|(?![\w.-]))"), instead) for folder, instead in shown_as.items()]

    def path(found: re.Match[str], instead: str) -> str:
        if found[1]:  # a path under the folder
            return f"{instead}/" if instead else ""
        return instead or "."  # the folder itself

    def shown(text: str) -> str:
        for pattern, instead in patterns:
            text = pattern.sub(functools.partial(path, instead=instead), text)
        return text

    return shown


def paths_shown(shown: Callable[[str], str]) -> Callable[[ZipMembers], ZipMembers]:
    """A trace's members with their paths ``shown`` (``folders_shown``) in its stacks' files and the frames of its events'
    error stacks (the driver's, in ``.venv``), which named the checkout's folder. Playwright's viewer finds a frame's
    source as the member named by the SHA-1 of its file's path: those are renamed (one member a name, where two
    spellings of the suite's folder show the same path)."""

    def change(members: ZipMembers) -> ZipMembers:
        stacks = next((data for info, data in members if info.filename == "trace.stacks"), b"")
        files = json.loads(stacks).get("files", []) if stacks else []
        renamed = {sha1(file): sha1(shown(file)) for file in files if shown(file) != file}
        changed: ZipMembers = []
        names: set[str] = set()
        for info, data in members:
            name = TRACE_SOURCE.sub(lambda source: source[1] + renamed.get(source[2], source[2]), info.filename)
            if name in names:
                continue
            names.add(name)
            if name != info.filename:
                info = copy.copy(info)
                info.filename = info.orig_filename = name
            if TRACE_TEXTS.search(name):
                text = data.decode("utf-8", errors="surrogateescape")
                if (new := shown(text)) != text:
                    data = new.encode("utf-8", errors="surrogateescape")
            changed.append((info, data))
        return changed

    return change


def sha1(path: str) -> str:
    return hashlib.sha1(path.encode("utf-8"), usedforsecurity=False).hexdigest()


def clean_copy(source: Path, target: Path, redaction: Redaction, then: Callable[[ZipMembers], ZipMembers] | None = None) -> None:
    """Copy a file into the bundle folder, redacted (zip members one by one, and changed by ``then``)."""
    if zipfile.is_zipfile(source):
        redaction.zip(source, target, then)
    else:
        target.write_bytes(redaction.data(source.read_bytes()))


def write_text(target: Path, text: str, redaction: Redaction) -> None:
    target.write_text(redaction.text(text))


def zip_folder(folder: Path, target: Path, redaction: Redaction) -> Path:
    """Zip ``folder`` to ``target``, its files in one folder named as the zip (unzipped beside other bundles or files, they
    stay apart); LeakError (and no file) if a secret, raw token or (tenant mode) phone number is left in it."""
    tmp = target.with_name(target.name + ".partial")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                bundle.write(path, f"{target.stem}/{path.relative_to(folder).as_posix()}")
    except OSError:  # a full disk, a folder gone: no broken zip named like a bundle left beside the real ones
        tmp.unlink(missing_ok=True)
        raise
    findings = scan(tmp, redaction.secrets, phones=redaction.mask_phones)
    if findings:
        tmp.unlink()
        raise LeakError("the bundle would carry secrets, raw tokens or phone numbers, so it was not written: " + "; ".join(findings[:5]))
    tmp.replace(target)
    return target


COMPRESSED = {b"\x1f\x8b": "gzip", b"PK": "zip"}
# Where the JSON reader stops in a value cut off at the file's end: true, false or null begun, a number's sign, its
# fraction's point or its exponent, a string's \uXXXX escape (one whole is "invalid" too where the file ends after it).
UNFINISHED_VALUE = re.compile(r"t(?:ru?)?|f(?:a(?:ls?)?)?|n(?:ul?)?|-|\.|[eE][-+]?|u[0-9a-fA-F]{0,4}")


def load_har(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file (give the path of the HAR the reporter sent)") from None
    except OSError as error:
        raise ValueError(f"{path} cannot be read: {error.strerror or error}") from None
    if kind := next((name for magic, name in COMPRESSED.items() if raw.startswith(magic)), None):
        raise ValueError(f"{path} is a {kind} archive, not a HAR file: unpack it and pass the .har inside")
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark, as Notepad and Fiddler save, is not part of the JSON
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not a HAR file (JSON with log.entries): it is not UTF-8 text ({error})") from None
    if not text.strip():
        raise ValueError(f"{path} is empty, not a HAR file: export the HAR again (DevTools, Network: Save all as HAR with content)")
    try:
        har = json.loads(text)
    except RecursionError:  # arrays or objects nested beyond the parser's depth: no HAR is
        raise ValueError(f"{path} is not a HAR file (JSON with log.entries): it is JSON nested deeper than any HAR") from None
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":  # one whole JSON value, then more
            if not _har_shaped(json.JSONDecoder().raw_decode(text.lstrip())[0]):
                raise ValueError(f"{path} is not a HAR file (JSON with log.entries): it is JSON of another shape") from None
            # a whole HAR, then more (a stray e or ., another HAR pasted after it): not quoted, it may hold a token
            raise ValueError(f"{path} has something after the HAR's end, from line {error.lineno}, column {error.colno} on: remove "
                             "it, or export the HAR again") from None
        # Input that ends inside a string, where a value must follow, or inside a value (tru, 12., an escape's \u00): the
        # file was cut short.
        rest = text.rstrip()[error.pos:]
        cut = error.msg.startswith("Unterminated string") or not rest or bool(UNFINISHED_VALUE.fullmatch(rest))
        hint = ": the file ends too soon (cut off while saving or copying?); export the HAR again" if cut else f": {error}"
        raise ValueError(f"{path} is not a HAR file (JSON with log.entries){hint}") from None
    if not _har_shaped(har):
        raise ValueError(f"{path} is not a HAR file (JSON with log.entries): it is JSON of another shape")
    for number, entry in enumerate(har["log"]["entries"], 1):
        if (problem := _not_an_entry(entry)) is not None:
            raise ValueError(f"{path} is not a HAR file (JSON with log.entries): entry {number} is not a HAR entry: {problem}")
    return har


def _har_shaped(value: object) -> TypeGuard[dict[str, Any]]:
    """JSON with a HAR's log.entries list (each entry is checked apart)."""
    return isinstance(value, dict) and isinstance(value.get("log"), dict) and isinstance(value["log"].get("entries"), list)


def _not_an_entry(entry: object) -> str | None:
    """What keeps ``entry`` from being a HAR 1.2 entry as repro/har.py reads one (the parts it reads may be absent)."""
    if not isinstance(entry, dict):
        return f"a {_json_type(entry)}, not an object"
    if not isinstance(entry.get("startedDateTime", ""), str):
        return "startedDateTime is not a string"
    for name in ("request", "response"):
        part = entry.get(name, {})
        if not isinstance(part, dict):
            return f"its {name} is a {_json_type(part)}, not an object"
        headers = part.get("headers", [])
        if not (isinstance(headers, list) and all(isinstance(h, dict) and isinstance(h.get("name", ""), str)
                                                  and isinstance(h.get("value", ""), str) for h in headers)):
            return f"its {name}'s headers are not a list of name and value strings"
        cookies = part.get("cookies", [])  # read for their values, which every printout redacts (har_credentials)
        if not (isinstance(cookies, list) and all(isinstance(c, dict) for c in cookies)):
            return f"its {name}'s cookies are not a list of objects"
    request, response = entry.get("request", {}), entry.get("response", {})
    if not isinstance(request.get("url", ""), str) or not isinstance(request.get("method", ""), str):
        return "its request's url or method is not a string"
    post = request.get("postData") or {}
    if not (isinstance(post, dict) and isinstance(post.get("text") or "", str)):
        return "its request's postData is not an object with a text string"
    params = post.get("params", [])  # a form's fields, as a recorder may give them beside its text: read for credentials
    if not (isinstance(params, list) and all(isinstance(p, dict) and isinstance(p.get("name", ""), str) for p in params)):
        return "its request's postData params are not a list of objects with a name string"
    content = response.get("content") or {}
    if not (isinstance(content, dict) and all(isinstance(content.get(key) or "", str) for key in ("text", "encoding", "mimeType"))):
        return "its response's content is not an object with text, encoding and mimeType strings"
    if type(response.get("status", 0)) is not int:
        return "its response's status is not a whole number"
    if type(entry.get("time") or 0) not in (int, float):
        return "its time is not a number"
    return None


def _json_type(value: object) -> str:
    return {list: "list", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(value), "null" if value is None else "value")
