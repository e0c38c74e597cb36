"""A team's own page templates ("custom page content"): a content definition's https ``LoadUri``, read from a folder.

Real B2C fetches the template at the LoadUri over CORS and injects its own fragment into the template's
``<div id="api">``, the only required element; custom HTML must not contain ``form``, ``iframe`` or ``frame``
(reference b2c.md 1.1). The stack reaches no network, so ``--page-content DIR`` holds each template where its URL
points: ``https://contoso.blob.core.windows.net/b2c/unified.html`` is ``DIR/contoso.blob.core.windows.net/b2c/unified.html``.
Every template a served policy names is read and checked when the stack starts, so a missing or unusable one stops
the start naming the policy, the content definition, its LoadUri and the file (README, Decisions), not a journey
half-way. B2C's built-in layouts (``~/tenant/templates/...``) keep the emulator's own page.

Built at string level, as the emulator builds its pages: the stdlib's HTML parser only finds where B2C's parts go
(after ``<head>``, inside ``<div id="api">``, the ``<html>`` tag's ``lang``); the rest of the file is served as written.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from mocks.b2c.policy import Languages, Policy, PolicyError
from mocks.b2c.resolvers import CULTURE_RESOLVERS, in_language, unfilled_in_load_uri
from mocks.b2c.strings import SUPPORTED

# Elements B2C does not allow in custom HTML (reference b2c.md 1.1): a template with one is refused, not served.
NOT_ALLOWED = ("form", "iframe", "frame")


def is_team_template(load_uri: str) -> bool:
    """A LoadUri of the team's own (an https URL), not one of B2C's layouts (``~/tenant/templates/...``)."""
    return load_uri.strip().lower().startswith("https://")


def template_path(folder: Path, load_uri: str) -> Path:
    """Where ``load_uri``'s template lies in ``folder``: ``<host>/<path>``; a query or fragment is not part of it."""
    url = urlsplit(load_uri.strip())
    parts = PurePosixPath(url.path).parts[1:]  # without the leading "/"
    if not url.hostname or not parts or ".." in parts:
        raise ValueError("names no file (https://<host>/<path to the template>)")
    return folder.joinpath(url.hostname, *parts)


class PageTemplate:
    """One team template, checked: its HTML and the offsets where B2C's parts go."""

    __slots__ = ("load_uri", "source", "_html", "_html_tag", "_html_attrs", "_head_end", "_api")

    def __init__(self, load_uri: str, source: Path, text: str) -> None:
        found = _Places(text)
        if found.not_allowed:
            tag, line = found.not_allowed
            raise ValueError(f"{source} line {line} has <{tag}>, which custom HTML must not contain (form, iframe, frame); "
                             "B2C's fragment brings the page's forms")
        if found.html_tag is None or found.head_end is None:
            raise ValueError(f"{source} has no <html> or no <head>; a template is a whole HTML document, B2C's script and SETTINGS go in its head")
        if found.api is None:
            raise ValueError(f"{source} has no <div id=\"api\"></div>, the only element B2C requires: its fragment goes there")
        if found.api[1] is None:
            raise ValueError(f"{source}: its <div id=\"api\"> is not closed")
        self.load_uri, self.source, self._html = load_uri, source, text
        self._html_tag, self._html_attrs, self._head_end = found.html_tag, found.html_attrs, found.head_end
        self._api = (found.api[0], found.api[1])

    def render(self, head: str, *, lang: str | None, correlation_id: str) -> str:
        """The page: the correlation ID comment first (as on every B2C page), ``<html lang>`` set to ``lang`` (None: the
        template's own ``<html>`` tag as written), B2C's ``head`` parts right after ``<head>`` (so the team's own styles
        that follow win), and ``<div id="api">`` emptied for B2C's script to build its fragment in."""
        text, (tag_start, tag_end), (api_inner, api_end) = self._html, self._html_tag, self._api
        html_tag = text[tag_start:tag_end]
        if lang is not None:
            attrs = "".join(f' {name}="{html.escape(value or "", quote=True)}"' for name, value in self._html_attrs if name != "lang")
            html_tag = f'<html{attrs} lang="{html.escape(lang, quote=True)}">'
        return (f"<!-- CorrelationId: {correlation_id} -->\n" + text[:tag_start] + html_tag + text[tag_end:self._head_end]
                + "\n" + head + "\n" + text[self._head_end:api_inner] + text[api_end:])


class _Places(HTMLParser):
    """Offsets in the template: the ``<html>`` tag, the end of the ``<head>`` tag, the inside of the first
    ``<div id="api">`` (its start and the start of its end tag), and the first element custom HTML must not have."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self._line_starts.append(index + 1)
        self.html_tag: tuple[int, int] | None = None
        self.html_attrs: list[tuple[str, str | None]] = []
        self.head_end: int | None = None
        self.api: tuple[int, int | None] | None = None
        self.not_allowed: tuple[str, int] | None = None
        self._depth = 0  # <div>s open inside #api
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        end = start + len(self.get_starttag_text() or "")
        if tag in NOT_ALLOWED and self.not_allowed is None:
            self.not_allowed = (tag, self.getpos()[0])
        elif tag == "html" and self.html_tag is None:
            self.html_tag, self.html_attrs = (start, end), attrs
        elif tag == "head" and self.head_end is None:
            self.head_end = end
        elif tag == "div" and self.api is None and dict(attrs).get("id") == "api":
            self.api, self._depth = (end, None), 1
        elif tag == "div" and self.api is not None and self.api[1] is None:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.api is not None and self.api[1] is None:
            self._depth -= 1
            if self._depth == 0:
                self.api = (self.api[0], max(self._offset(), self.api[0]))


def read_page_content(folder: Path, policies: Iterable[Policy]) -> dict[str, PageTemplate]:
    """LoadUri -> its template, for every content definition of ``policies`` whose LoadUri is the team's own.
    ``PolicyError`` naming the policy, the content definition, its LoadUri and the file when one is missing or unusable.
    A LoadUri with {Culture:...} claim resolvers names one template per language: each language the policy's pages can
    be in is read, keyed by its URL with the resolvers filled in (``in_language``), as B2C fetches it for that page."""
    templates: dict[str, PageTemplate] = {}
    for policy in policies:
        uris = policy.journey.load_uris if policy.journey is not None else {}
        offered = policy.languages or Languages()
        languages = sorted({offered.page_language(wanted) for wanted in (None, *SUPPORTED)})
        for definition, uri in sorted(uris.items()):
            if not is_team_template(uri):
                continue
            named = f"{policy.policy_id}: ContentDefinition {definition!r}: LoadUri {uri!r}"
            unfilled = unfilled_in_load_uri(uri)
            if unfilled:
                raise PolicyError(f"{named}: {', '.join(unfilled)} is not filled in by the emulator; a LoadUri may name the "
                                  f"page's language as {', '.join(f'{{Culture:{name}}}' for name in CULTURE_RESOLVERS)}")
            for language in languages:
                url = in_language(uri, language)
                if url not in templates:
                    templates[url] = read_template(folder, url, named if url == uri else f"{named} (its {language} page: {url})")
    if not templates:  # the folder would be read and shown nowhere: a run "with the team's pages" that showed B2C's layouts
        raise PolicyError(f"--page-content {folder}: no content definition of the policies served loads its page from an https "
                          "URL (theirs are B2C's own layouts, ~/tenant/templates/...), so no page would show in these templates; "
                          "serve the policy files whose content definitions load them (--policies DIR; the suite's "
                          "E2E_STACK_POLICIES beside E2E_STACK_PAGE_CONTENT), or leave the page templates out")
    return templates


def read_template(folder: Path, url: str, named: str) -> PageTemplate:
    """The template B2C would fetch from ``url``, read from ``folder`` and checked; ``PolicyError`` starting with ``named``."""
    try:
        path = template_path(folder, url)
    except ValueError as problem:
        raise PolicyError(f"{named} {problem}") from None
    if not path.is_file():
        raise PolicyError(f"{named}: no template at {path}; put the page B2C would fetch from that URL there "
                          f"(--page-content {folder} mirrors the templates' URLs as <host>/<path>)")
    try:
        return PageTemplate(url, path, path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise PolicyError(f"{named}: {path} is not UTF-8 text") from None
    except ValueError as problem:
        raise PolicyError(f"{named}: {problem}") from None
