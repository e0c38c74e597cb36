"""The language tags both emulators and the suite read: one reading of a primary subtag, one of Accept-Language."""

from __future__ import annotations

import pytest

from mocks.common.languages import accepted_languages, primary_language


@pytest.mark.parametrize(("tag", "primary"), [("de-CH", "de"), ("de_CH", "de"), ("FR", "fr"), (" it ", "it"), ("zh-Hant-TW", "zh")])
def test_a_tags_primary_language_is_its_first_subtag_lower_case(tag: str, primary: str) -> None:
    assert primary_language(tag) == primary


def test_accept_language_is_read_most_wanted_first_without_wildcards_or_refusals() -> None:
    assert accepted_languages("fr;q=0.5, de-CH, *;q=0.1, it;q=0, en;q=x") == ["de-CH", "fr"]
    assert accepted_languages(None) == [] and accepted_languages("") == []
