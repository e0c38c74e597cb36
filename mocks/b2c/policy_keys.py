"""Policy keys as a tenant holds them (Identity Experience Framework > Policy keys).

A key is a name (``B2C_1A_...``; the portal adds the prefix to what you type) and a secret value.
Manual keys (an identity provider's client secret: ``B2C_1A_FacebookSecret``, ``B2C_1A_MobileIdSecret``)
come from an environment variable or a file, so a value never appears on a command line or in a
log: ``NAME=env:VAR`` or ``NAME=file:PATH``. The keys B2C generates for the starter packs
(``B2C_1A_TokenSigningKeyContainer``, ``B2C_1A_TokenEncryptionKeyContainer``) are generated.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

PREFIX = "B2C_1A_"
SIGNING_KEY = "B2C_1A_TokenSigningKeyContainer"
ENCRYPTION_KEY = "B2C_1A_TokenEncryptionKeyContainer"
GENERATED = (SIGNING_KEY, ENCRYPTION_KEY)
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")  # a variable's name as every example writes them (MOBILEID_CLIENT_SECRET)


def variable_named(name: str, *, quoted: bool = False) -> str:
    """A variable a setting names, as a message may say it: by its name where it reads as one (upper case); else not
    quoted, as it may be the secret itself, pasted in the place of its variable's name (mixed case, an Entra ID secret's "~")."""
    if ENV_NAME.fullmatch(name):
        return f"environment variable {name!r}" if quoted else f"environment variable {name}"
    return "the environment variable it names (not shown: not upper case as a variable's name, it may be the secret itself)"


def file_named(path: str) -> str:
    """A file a setting names, as a message may say it: its path where it reads as one (a file there, a folder there but
    the root, or names with an extension at the end); else not quoted, as it may be the secret itself, pasted after ``file:`` (an
    Entra ID secret's "~"; a base64 key's "/" is no folder: base64 has no ".", so never a name with an extension)."""
    named = Path(path)
    if named.exists() or (named.parent not in (Path(), Path(named.anchor)) and named.parent.is_dir()) \
            or re.fullmatch(r"(?:~?[/\\])?(?:[\w.-]+[/\\])*[\w.-]+\.[A-Za-z0-9]{1,5}", path):
        return path
    return "the file it names (not shown: not a path to a file there, it may be the secret itself)"


class PolicyKeyError(ValueError):
    """A ``--policy-key`` that can't be read; the message never contains a secret."""


@dataclass(frozen=True)
class PolicyKeySource:
    """Where one key's value comes from: ``env`` (a variable's name) or ``file`` (a path)."""

    name: str
    kind: str
    where: str

    def __str__(self) -> str:  # what may be printed: never the value
        return f"{self.name}={self.kind}:{self.where}"

    def read(self, environ: Mapping[str, str] | None = None) -> SecretStr:
        environ = os.environ if environ is None else environ
        if self.kind == "env":
            value = environ.get(self.where)
            if not value:
                raise PolicyKeyError(f"policy key {self.name}: {variable_named(self.where)} is not set or empty; "
                                     f"export it before starting the stack")
        else:
            path = Path(self.where)
            try:
                value = path.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise PolicyKeyError(f"policy key {self.name}: cannot read {file_named(self.where)} ({error.strerror}); "
                                     "give a readable file holding the secret") from None
            except UnicodeDecodeError:  # a binary or UTF-16 file: a traceback; its bytes are never quoted
                raise PolicyKeyError(f"policy key {self.name}: {file_named(self.where)} is not UTF-8 text; put the secret in it "
                                     "as text (a base64 key as its characters)") from None
            if not value:
                raise PolicyKeyError(f"policy key {self.name}: {self.where} is empty; put the secret in the file")
            if "\n" in value:  # a note beside the secret would become part of it, and fail only at sign-in (AADB2C90289)
                raise PolicyKeyError(f"policy key {self.name}: {self.where} holds {len(value.splitlines())} lines; put the "
                                     "secret alone in the file, on one line")
        return SecretStr(value)


def _is_place(source: str) -> bool:
    kind, colon, where = source.partition(":")
    return bool(colon and kind in ("env", "file") and where)


def shown_policy_key(spec: str) -> str | None:
    """What a message may quote of a policy key written wrongly: its name where it reads as one (``B2C_1A_...``, or
    before ``=env:``/``=file:``), ``spec`` whole where it is ``=env:VAR``/``=file:PATH``; None where it may be the
    secret itself, typed in its place (alone, or a base64 secret, whose padding reads as ``NAME=``)."""
    name, sep, source = spec.partition("=")
    if not name.strip():
        return spec[:40] if _is_place(source) else None
    # Without '=', written with ':' or a space for it (B2C_1A_FacebookSecret:hunter2): what follows the name is the secret.
    name = name.strip() if sep else re.split(r"[\s:]", name.strip(), maxsplit=1)[0]
    return name[:40] if name.upper().startswith(PREFIX) or _is_place(source) else None


def _policy_key(spec: str) -> str:
    shown = shown_policy_key(spec)
    return f"policy key {shown!r}" if shown is not None else "a policy key (not shown: it may be the secret itself)"


def parse_policy_key(spec: str) -> PolicyKeySource:
    """``NAME=env:VAR`` or ``NAME=file:PATH``; NAME gets the ``B2C_1A_`` prefix as in the portal."""
    name, sep, source = spec.partition("=")
    name = name.strip()
    if not sep or not name:
        raise PolicyKeyError(f"{_policy_key(spec)}: write NAME=env:VARIABLE or NAME=file:PATH, never the secret itself")
    if not _NAME.match(name):
        if shown_policy_key(spec) is None:
            raise PolicyKeyError(f"{_policy_key(spec)}: write NAME=env:VARIABLE or NAME=file:PATH, never the secret itself")
        raise PolicyKeyError(f"{_policy_key(spec)}: use letters, digits, '_' or '-' in the name")
    if not name.upper().startswith(PREFIX):
        name = PREFIX + name
    kind, colon, where = source.partition(":")
    if not colon or kind not in ("env", "file") or not where:
        # Never echo the value: someone may have typed the secret itself. Nor the name where it may be the secret: a base64
        # secret of letters and digits alone, whose padding reads as NAME= ("c2VjcmV0...MTI=" or "...==").
        if shown_policy_key(spec) is None:
            raise PolicyKeyError(f"{_policy_key(spec)}: write NAME=env:VARIABLE or NAME=file:PATH, never the secret itself")
        raise PolicyKeyError(f"policy key {name}: the value must be env:VARIABLE or file:PATH, never the secret itself")
    return PolicyKeySource(name, kind, where)


def generated_keys() -> dict[str, SecretStr]:
    """The keys B2C generates when you choose "Generate" in the portal (signing RSA, encryption RSA)."""
    return {name: SecretStr(base64.b64encode(secrets.token_bytes(32)).decode()) for name in GENERATED}


def read_policy_keys(sources: list[PolicyKeySource], environ: Mapping[str, str] | None = None) -> dict[str, SecretStr]:
    keys: dict[str, SecretStr] = {}
    for source in sources:
        if source.name in keys:
            raise PolicyKeyError(f"policy key {source.name} is given twice; keep one --policy-key for it")
        keys[source.name] = source.read(environ)
    return keys
