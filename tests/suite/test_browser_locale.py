"""The browser's language (E2E_BROWSER_LOCALE, the repro's --browser-locale and --language): refused at the settings where
Chromium would refuse it at the run's first page ("Invalid locale name"), which read as a failed journey and a bundle."""

from __future__ import annotations

import pytest

from fixtures.settings import SettingsError, build_settings
from tests.local_stack import LOCAL_STACK

# Each tag with whether Chromium takes it as a context's locale (seen with Debian's Chromium 156 and its headless shell).
TAKEN = ["de", "de-CH", "gsw-CH", "zh-Hant-TW", "sr-Latn", "de-419", "de-CH-1996", "de-Latn-CH-1901", "en-US-POSIX",
         "en-US-x-foo", "de-DE-u-co-phonebk", "en-us", "xx-YY"]
REFUSED = ["xx-YY-zz",  # a two-letter subtag after the region: no variant (5-8 characters, or a digit and 3)
           "de-CHE", "abc-DEF", "zh-min-nan",  # extended-language subtags
           "en-12",  # a region is two letters or three digits
           "en-GB-oed", "i-klingon"]  # RFC 5646's irregular old tags


@pytest.mark.parametrize("tag", TAKEN)
def test_a_browser_language_chromium_takes_is_taken(tag: str) -> None:
    assert build_settings({"E2E_BROWSER_LOCALE": tag}, LOCAL_STACK).browser_locale == tag


@pytest.mark.parametrize("tag", REFUSED)
def test_a_browser_language_chromium_refuses_is_refused_naming_the_setting(tag: str) -> None:
    with pytest.raises(SettingsError) as error:
        build_settings({"E2E_BROWSER_LOCALE": tag}, LOCAL_STACK)
    assert str(error.value) == (f"E2E_BROWSER_LOCALE={tag!r} has {tag!r}, which is not a language tag; use e.g. "
                                "E2E_BROWSER_LOCALE=de-CH")


def test_ui_locales_keep_what_b2c_is_sent_whatever_a_browser_takes() -> None:
    """ui_locales is B2C's to read, not the browser's: a reporter's odd tag is still sent."""
    assert build_settings({"E2E_UI_LOCALES": "de-CHE en"}, LOCAL_STACK).ui_locales == "de-CHE en"


def test_the_rule_is_chromiums(launch_chromium) -> None:
    """The lists above, as the browser the suite runs has them: a Chromium that changes its rule fails here first."""
    browser = launch_chromium()
    verdicts = {}
    for tag in TAKEN + REFUSED:
        context = browser.new_context(locale=tag)
        try:
            verdicts[tag] = context.new_page().evaluate("navigator.language") == tag
        except Exception as error:  # Playwright's Error: "Protocol error (Emulation.setLocaleOverride): Invalid locale name"
            assert "Invalid locale name" in str(error), error
            verdicts[tag] = False
        finally:
            context.close()
    assert [tag for tag in TAKEN if not verdicts[tag]] == []
    assert [tag for tag in REFUSED if verdicts[tag]] == []
