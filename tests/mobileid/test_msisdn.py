"""One phone number, one spelling: only ASCII digits make a number (issue 12, item 1)."""

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
}


@pytest.mark.parametrize("spelling", list(REFUSED_SPELLINGS.values()), ids=list(REFUSED_SPELLINGS))
def test_a_non_ascii_spelling_is_not_a_number(spelling: str) -> None:
    with pytest.raises(InvalidMSISDN):
        normalize_msisdn(spelling)


@pytest.mark.parametrize("typed", ["+41791112233", "079 111 22 33", "0041 79 111 22 33", "+41 (0)79 111-22-33", " 079.111.22.33 "])
def test_ascii_spellings_have_one_canonical_form(typed: str) -> None:
    assert normalize_msisdn(typed) == "+41791112233"


@pytest.mark.parametrize("spelling", list(REFUSED_SPELLINGS.values()), ids=list(REFUSED_SPELLINGS))
def test_the_login_page_refuses_the_spelling_and_starts_no_transaction(http, spelling: str) -> None:
    user = User(http)
    session = user.session_id(user.authorize(authorize_params()))
    page = user.enter_number(session, spelling)
    assert page.status_code == 200 and "msisdn-error" in read_page(page.text).ids
    assert http.get("/control/transactions").json() == {"transactions": []}
    assert http.post(f"/control/phones/{spelling}/approve").status_code == 400
