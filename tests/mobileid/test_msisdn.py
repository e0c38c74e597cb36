"""One phone number, one spelling: only ASCII digits make a number (issue 12, item 1), a Swiss one has nine digits after
+41, and a bracket is only the trunk zero after the country code (mocks/mobileid/README.md, Test numbers)."""

from __future__ import annotations

import pytest

from mocks.mobileid.msisdn import InvalidMSISDN, normalize_msisdn
from tests.html_page import read_page

from .support import User, authorize_params

# The same Swiss number, +41 79 111 22 33, in digits Python's \d (and str.isdigit) also accepts.
REFUSED_SPELLINGS = {
    "fullwidth": "+41\uff17\uff19\uff11\uff11\uff11\uff12\uff12\uff13\uff13",
    "arabic-indic": "+41\u0667\u0669\u0661\u0661\u0661\u0662\u0662\u0663\u0663",
    "extended-arabic-indic": "+41\u06f7\u06f9\u06f1\u06f1\u06f1\u06f2\u06f2\u06f3\u06f3",
    "devanagari": "+41\u096d\u096f\u0967\u0967\u0967\u0968\u0968\u0969\u0969",
    "mathematical-bold": "+41\U0001d7d5\U0001d7d7\U0001d7cf\U0001d7cf\U0001d7cf\U0001d7d0\U0001d7d0\U0001d7d1\U0001d7d1",
    "one-fullwidth-digit": "+4179111223\uff13",
    "fullwidth-plus": "\uff0b41791112233",
    "national-form-fullwidth": "\uff10\uff17\uff19 111 22 33",
    "no-break-space-separator": "+41\u00a079\u00a0111\u00a022\u00a033",
    "no-break-spaces-around": "\u00a0+41791112233\u00a0",
}
# ASCII spellings that are not a number: a Swiss number with eight or ten digits after +41, brackets that are not "(0)"
# after the country code (README: "Only ASCII counts: ... (0)"; decision 20).
REFUSED_ASCII = {
    "swiss-eight-digits": "079 123 45",
    "swiss-ten-digits": "+41 79 123 45 678",
    "swiss-ten-digits-0041": "0041 79 123 45 678",
    "area-in-brackets": "(079) 111 22 33",
    "brackets-inside-the-country-code": "+4(1) 79 (111) 22 33",
    "brackets-inside-the-number": "+41 79 (111) 22 33",
    "trunk-zero-in-national-form": "079 (0)111 22 33",
    "trunk-zero-after-the-wrong-digits": "+417(0)9 111 22 33",
    "trunk-zero-twice": "+41 (0)(0)79 111 22 33",
    "trunk-zero-at-the-end": "+41 79 111 22 33 (0)",
    "other-bracketed-digit": "+41 (1)79 111 22 33",
    "country-code-zero": "+0 79 111 22 33",  # E.164: no country code starts with 0
}


@pytest.mark.parametrize("spelling", list(REFUSED_SPELLINGS.values()), ids=list(REFUSED_SPELLINGS))
def test_a_non_ascii_spelling_is_not_a_number(spelling: str) -> None:
    with pytest.raises(InvalidMSISDN):
        normalize_msisdn(spelling)


@pytest.mark.parametrize("typed", ["+41791112233", "079 111 22 33", "0041 79 111 22 33", "+41 (0)79 111-22-33", "0041 (0)79 111 22 33",
                                   " 079.111.22.33 "])
def test_ascii_spellings_have_one_canonical_form(typed: str) -> None:
    assert normalize_msisdn(typed) == "+41791112233"


@pytest.mark.parametrize("spelling", list(REFUSED_ASCII.values()), ids=list(REFUSED_ASCII))
def test_a_short_or_long_swiss_number_or_a_bracket_but_the_trunk_zero_is_not_a_number(spelling: str) -> None:
    """Dropping every bracket would make "(079) 111 22 33" and "+4(1) 79 (111) 22 33" numbers the README does not
    document; a Swiss number of another length is no phone at all (nine digits after +41)."""
    with pytest.raises(InvalidMSISDN):
        normalize_msisdn(spelling)


def test_a_foreign_numbers_trunk_zero_follows_its_country_code() -> None:
    assert normalize_msisdn("+44 (0)20 7946 0958") == normalize_msisdn("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("spelling", [*REFUSED_SPELLINGS.values(), *REFUSED_ASCII.values()], ids=[*REFUSED_SPELLINGS, *REFUSED_ASCII])
def test_the_login_page_refuses_the_spelling_and_starts_no_transaction(http, spelling: str) -> None:
    user = User(http)
    session = user.session_id(user.authorize(authorize_params()))
    page = user.enter_number(session, spelling)
    assert page.status_code == 200 and "msisdn-error" in read_page(page.text).ids
    assert http.get("/control/transactions").json() == {"transactions": []}
    assert http.post(f"/control/phones/{spelling}/approve").status_code == 400
