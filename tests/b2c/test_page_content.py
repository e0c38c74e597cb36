"""A team's own page templates (``--page-content``, mocks/b2c/page_content.py): a custom policy's content definition whose
LoadUri is an https URL shows its pages in the team's template, with B2C's fragment in its ``<div id="api">`` and B2C's
head parts added (reference b2c.md 1.1); B2C's built-in layouts keep the emulator's own; a template B2C could not use
stops the start, naming the content definition, its LoadUri and the file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mocks.b2c.page_content import read_page_content
from mocks.b2c.policy import PolicyError
from tests.html_page import read_page

from .fake_idp import FakeIdP, IdPBehaviour
from .support import POLICY, Page, authorize_url, pack

TEAM_PAGES = Path(__file__).resolve().parents[1] / "page_content"  # DIR/<host>/<path>, as a team mirrors its blob
BLOB = "https://contoso.blob.core.windows.net/b2c"
GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def pointed_at(**templates: str) -> tuple[str, str, str]:
    """An edit of the extensions: each content definition (``api_signuporsignin="unified.html"``) loads the team's template."""
    definitions = "".join(f'<ContentDefinition Id="{definition.replace("_", ".")}"><LoadUri>{BLOB}/{file}</LoadUri></ContentDefinition>'
                          for definition, file in templates.items())
    return ("TrustFrameworkExtensions.xml", "<BuildingBlocks>", f"<BuildingBlocks><ContentDefinitions>{definitions}</ContentDefinitions>")


BRANDED = pointed_at(api_signuporsignin="unified.html", api_socialccountsignup="selfAsserted.html", api_error="exception.html")


def branded(start, tmp_path, *edits: tuple[str, str, str], folder: Path = TEAM_PAGES, **overrides):
    policies = pack(tmp_path, edits=[BRANDED, *edits])
    return start(policies=policies, page_content=read_page_content(folder, policies), **overrides)


def team_page(html: str) -> None:
    """``html`` is the team's template as B2C serves it: the correlation ID comment first, the team's own header, logo
    and footer, B2C's head parts before the team's styles, and an ``#api`` emptied for B2C's script to build in."""
    assert re.match(rf"<!-- CorrelationId: {GUID} -->\n<!DOCTYPE html>", html), html[:200]
    page = read_page(html)
    assert [e["class"] for e in page.tagged("header")] == ["contoso-header"] and page.tagged("img")[0]["class"] == "contoso-logo"
    assert page.tagged("footer") and not page.tagged("form"), html
    assert re.search(r'<div id="api"></div>', html), html  # the template's own placeholder text gone
    head = html[html.index("<head>"):html.index("</head>")]
    assert head.index('<link rel="stylesheet" href="/static/b2c.css">') < head.index('<script src="/static/b2c.js">') < head.index("<style>")
    assert "var SETTINGS = " in head, head
    assert "companyLogo" not in html and "background_branding_container" not in html, html  # nothing of the emulator's layout


def test_the_sign_in_profile_and_error_pages_are_the_teams_templates(start, tmp_path) -> None:
    h = branded(start, tmp_path, idp=FakeIdP(IdPBehaviour(sub="new-user")))
    browser = h.browser()
    unified = browser.go(authorize_url(POLICY, prompt="login"))
    assert isinstance(unified, Page) and unified.api == "CombinedSigninAndSignup", unified
    team_page(unified.html)
    assert "<title>Contoso - Sign in</title>" in unified.html
    # The starter pack localizes (en): B2C sets <html lang> to the page's language, over the template's own en-US.
    assert re.search(r'<html lang="en">', unified.html), unified.html[:200]
    assert "MobileIDExchange" in [p["id"] for p in unified.settings["claimsProviders"]]
    assert unified.settings["remoteResource"] == f"{BLOB}/unified.html"  # as B2C names the template it fetched

    profile = browser.choose(unified, "MobileIDExchange")  # the profile page: SelfAsserted-Social's api.socialccountsignup
    assert isinstance(profile, Page) and profile.api == "SelfAsserted", profile
    team_page(profile.html)
    assert "<title>Contoso - Your details</title>" in profile.html and "Loading your details" not in profile.html
    assert profile.settings["remoteResource"] == f"{BLOB}/selfAsserted.html"

    error = browser.go(f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/logout")  # no target: AADB2C90036
    assert isinstance(error, Page) and error.api == "GlobalException", error
    team_page(error.html)
    assert "<title>Contoso - Something went wrong</title>" in error.html


def test_a_built_in_layout_keeps_the_emulators_page_and_without_page_content_every_page_does(start, tmp_path) -> None:
    # api.error still loads ~/tenant/templates/AzureBlue/exception.cshtml: B2C's own layout
    policies = pack(tmp_path, edits=[pointed_at(api_signuporsignin="unified.html")])
    h = start(policies=policies, page_content=read_page_content(TEAM_PAGES, policies))
    error = h.browser().go(f"https://contoso.b2clogin.com/contoso.onmicrosoft.com/{POLICY}/oauth2/v2.0/logout")
    assert isinstance(error, Page) and 'class="companyLogo"' in error.html and "contoso-header" not in error.html

    plain = start(policies=policies)  # no --page-content: the team's LoadUri is not fetched, as before
    unified = plain.browser().go(authorize_url(POLICY, prompt="login"))
    assert isinstance(unified, Page) and 'class="companyLogo"' in unified.html and "contoso-header" not in unified.html


def test_without_language_customization_the_templates_own_html_tag_stays(start, tmp_path) -> None:
    # The policy's Localization turned off: B2C sets no lang (reference b2c.md, Unconfirmed: Classic hard-codes its own)
    h = branded(start, tmp_path, ("TrustFrameworkLocalization.xml", '<Localization Enabled="true">', '<Localization Enabled="false">'))
    unified = h.browser().go(authorize_url(POLICY, prompt="login"))
    assert isinstance(unified, Page) and re.search(r'\n<html lang="en-US">\n', unified.html), unified.html[:200]


def test_a_template_missing_from_the_folder_stops_the_start_naming_what_b2c_would_fetch(tmp_path) -> None:
    policies = pack(tmp_path, edits=[BRANDED])
    with pytest.raises(PolicyError) as refused:
        read_page_content(tmp_path / "empty", policies)
    said = str(refused.value)
    assert f"{POLICY}: ContentDefinition 'api.error': LoadUri '{BLOB}/exception.html'" in said, said
    assert f"no template at {tmp_path / 'empty' / 'contoso.blob.core.windows.net' / 'b2c' / 'exception.html'}" in said, said


@pytest.mark.parametrize(("markup", "refusal"), [
    ('<main class="contoso-main">\n    <div id="api">Loading the sign-in page...</div>\n  </main>', 'has no <div id="api"></div>'),
    ('<div id="api">', '<form action="/search"><input name="q"></form><div id="api">'),
    ('<div id="api">', '<iframe src="https://contoso.example/chat"></iframe><div id="api">'),
    ('<div id="api">', '<frame src="https://contoso.example/chat"><div id="api">'),
])
def test_a_template_b2c_could_not_use_stops_the_start(tmp_path, markup: str, refusal: str) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(TEAM_PAGES, folder)
    unified = folder / "contoso.blob.core.windows.net" / "b2c" / "unified.html"
    text = unified.read_text()
    assert markup in text
    unified.write_text(text.replace(markup, "" if refusal.startswith("has no") else refusal))
    with pytest.raises(PolicyError) as refused:
        read_page_content(folder, pack(tmp_path, edits=[BRANDED]))
    said = str(refused.value)
    assert f"ContentDefinition 'api.signuporsignin': LoadUri '{BLOB}/unified.html': {unified}" in said, said
    if refusal.startswith("has no"):
        assert refusal in said, said
    else:
        tag = re.match(r"<(\w+)", refusal).group(1)  # type: ignore[union-attr]
        assert f"line 18 has <{tag}>, which custom HTML must not contain" in said, said


@pytest.mark.parametrize(("definition", "uri", "template", "refusal"), [
    # a claim resolver the emulator has no value for in a LoadUri: refused, naming it and those it fills in
    ("api.signuporsignin", BLOB + "/{Culture:RegionName}/unified.html", None,
     "{Culture:RegionName} is not filled in by the emulator; a LoadUri may name the page's language as {Culture:RFC5646}, "
     "{Culture:LanguageName}, {Culture:LCID}"),
    ("api.signuporsignin", BLOB + "/{OIDC:ClientId}/unified.html", None, "{OIDC:ClientId} is not filled in by the emulator"),
    # a page the emulator does not draw: B2C would still fetch its template
    ("api.localaccountsignup", BLOB + "/signup.html", None, "no template at "),
    ("api.signuporsignin", BLOB + "/bare.html", '<body><div id="api"></div></body>', "has no <html> or no <head>"),
    ("api.signuporsignin", BLOB + "/headless.html", '<html><body><div id="api"></div></body></html>', "has no <html> or no <head>"),
    # a URL naming the folder, not a file in it
    ("api.signuporsignin", BLOB, None, "no template at "),
    ("api.signuporsignin", BLOB + "/latin1.html", b'<html><head></head><body><div id="api">\xe9</div></body></html>', "is not UTF-8 text"),
    ("api.signuporsignin", BLOB + "/unclosed.html", '<html><head></head><body><div id="api"><div></div></body></html>', "is not closed"),
    # a query is not part of the file's path: this one is read, and accepted
    ("api.signuporsignin", BLOB + "/unified.html?v=2", None, None),
    # a URL's scheme in any case is https all the same: the team's template, not a built-in layout
    ("api.signuporsignin", BLOB.replace("https://", "HTTPS://") + "/unified.html", None, None),
    # a path that climbs out of the host's folder names no template B2C would fetch: refused, nothing outside is read
    ("api.signuporsignin", "https://contoso.blob.core.windows.net/b2c/../../../unified.html", None, "names no file"),
])
def test_each_team_loaduri_is_read_at_start(tmp_path, definition: str, uri: str, template: str | bytes | None, refusal: str | None) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(TEAM_PAGES, folder)
    if template is not None:
        path = folder / "contoso.blob.core.windows.net" / "b2c" / uri.rpartition("/")[2]
        path.write_bytes(template if isinstance(template, bytes) else template.encode())
    edit = ("TrustFrameworkExtensions.xml", "<BuildingBlocks>",
            f'<BuildingBlocks><ContentDefinitions><ContentDefinition Id="{definition}"><LoadUri>{uri}</LoadUri></ContentDefinition></ContentDefinitions>')
    policies = pack(tmp_path, edits=[edit])
    if refusal is None:
        assert list(read_page_content(folder, policies)) == [uri]
        return
    with pytest.raises(PolicyError) as refused:
        read_page_content(folder, policies)
    said = str(refused.value)
    assert f"{POLICY}: ContentDefinition '{definition}': LoadUri '{uri}'" in said and refusal in said, said


# The pack's Localization offering German besides English, as a Swiss team's does.
GERMAN_TOO = ("TrustFrameworkLocalization.xml", "<SupportedLanguage>en</SupportedLanguage>",
              "<SupportedLanguage>en</SupportedLanguage><SupportedLanguage>de</SupportedLanguage>")


def per_language(folder: Path, path: str, *languages: str) -> None:
    """The team's unified.html at ``path`` (``{language}`` in it) for each of ``languages``, its title in that language."""
    text = (TEAM_PAGES / "contoso.blob.core.windows.net" / "b2c" / "unified.html").read_text()
    for language in languages:
        page = folder / "contoso.blob.core.windows.net" / path.format(language=language)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text.replace("<title>Contoso - Sign in</title>", f"<title>Contoso ({language})</title>"))


@pytest.mark.parametrize(("resolver", "path"), [
    ("{Culture:RFC5646}", "b2c/{language}/unified.html"),
    ("{Culture:LanguageName}", "b2c/{language}/unified.html"),
    ("{Culture:LCID}", "b2c/unified.{language}.html"),
])
def test_a_loaduri_naming_the_pages_language_shows_each_language_in_its_own_template(start, tmp_path, resolver: str, path: str) -> None:
    """Localized page content (customize-ui-with-html): B2C fills the LoadUri's {Culture:...} in with the page's
    language and fetches that template; each language the policy offers is read at the start."""
    folder = tmp_path / "pages"
    # LCID: Windows' number; RFC5646: the culture (claim-resolver-overview: LanguageName en, LCID 1033, RFC5646 en-US)
    names = {"{Culture:LCID}": {"en": "1033", "de": "1031"}, "{Culture:RFC5646}": {"en": "en-US", "de": "de-DE"},
             "{Culture:LanguageName}": {"en": "en", "de": "de"}}[resolver]
    named = names.__getitem__
    per_language(folder, path, *(named(language) for language in ("en", "de")))
    uri = f"https://contoso.blob.core.windows.net/{path.replace('{language}', resolver)}"
    policies = pack(tmp_path, edits=[GERMAN_TOO, ("TrustFrameworkExtensions.xml", "<BuildingBlocks>",
                                                  f'<BuildingBlocks><ContentDefinitions><ContentDefinition Id="api.signuporsignin"><LoadUri>{uri}</LoadUri>'
                                                  "</ContentDefinition></ContentDefinitions>")])
    h = start(policies=policies, page_content=read_page_content(folder, policies))
    for language, title in (("de", f"Contoso ({named('de')})"), (None, f"Contoso ({named('en')})")):
        unified = h.browser().go(authorize_url(POLICY, prompt="login", ui_locales=language))
        assert isinstance(unified, Page) and f"<title>{title}</title>" in unified.html, unified.html[:400]
        assert unified.settings["remoteResource"] == uri.replace(resolver, named(language or "en"))  # the template it fetched
        assert re.search(f'<html lang="{language or "en"}">', unified.html), unified.html[:200]


def test_a_language_the_policy_offers_without_its_template_stops_the_start_naming_that_pages_url(tmp_path) -> None:
    folder = tmp_path / "pages"
    per_language(folder, "b2c/{language}/unified.html", "en-US")  # no de-DE/unified.html
    uri = BLOB + "/{Culture:RFC5646}/unified.html"
    policies = pack(tmp_path, edits=[GERMAN_TOO, ("TrustFrameworkExtensions.xml", "<BuildingBlocks>",
                                                  f'<BuildingBlocks><ContentDefinitions><ContentDefinition Id="api.signuporsignin"><LoadUri>{uri}</LoadUri>'
                                                  "</ContentDefinition></ContentDefinitions>")])
    with pytest.raises(PolicyError) as refused:
        read_page_content(folder, policies)
    said = str(refused.value)
    assert f"ContentDefinition 'api.signuporsignin': LoadUri '{uri}' (its de page: {BLOB}/de-DE/unified.html): no template at " in said, said
    assert str(folder / "contoso.blob.core.windows.net" / "b2c" / "de-DE" / "unified.html") in said, said


def test_page_content_that_no_served_policy_loads_stops_the_start_rather_than_show_nowhere(tmp_path) -> None:
    """.env.example's E2E_STACK_PAGE_CONTENT=tests/page_content beside the stack's own policies (B2C's layouts): the run
    passed in the emulator's pages, the team's templates read and shown on no page."""
    policies = pack(tmp_path)  # the starter pack as the stack serves it: every LoadUri is ~/tenant/templates/...
    with pytest.raises(PolicyError) as refused:
        read_page_content(TEAM_PAGES, policies)
    assert str(refused.value) == (
        f"--page-content {TEAM_PAGES}: no content definition of the policies served loads its page from an https URL (theirs "
        "are B2C's own layouts, ~/tenant/templates/...), so no page would show in these templates; serve the policy files whose "
        "content definitions load them (--policies DIR; the suite's E2E_STACK_POLICIES beside E2E_STACK_PAGE_CONTENT), or "
        "leave the page templates out")
