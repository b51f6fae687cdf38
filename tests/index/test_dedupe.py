"""Article identity: canonical URLs and text hashes."""

from __future__ import annotations

import pytest

from index.dedupe import canonical_url, content_hash


@pytest.mark.parametrize(
    "variant",
    [
        "https://news.example/world/story",
        "HTTPS://News.Example:443/world/story/",
        "https://news.example/world/story#comments",
        "https://news.example/world/story?utm_source=telegram&utm_medium=social",
        "https://news.example/world/story?fbclid=abc",
    ],
)
def test_url_variants_share_one_canonical_form(variant: str) -> None:
    assert canonical_url(variant) == "https://news.example/world/story"


def test_meaningful_query_parameters_are_kept_in_a_stable_order() -> None:
    assert canonical_url("http://a.example/p?b=2&a=1") == canonical_url(
        "http://a.example/p?a=1&b=2"
    )
    assert canonical_url("http://a.example/p?id=1") != canonical_url("http://a.example/p?id=2")


def test_text_hash_ignores_case_spacing_and_punctuation_only() -> None:
    assert content_hash("The vote passed.\n\nIt was close!") == content_hash(
        "the vote passed it  was close"
    )
    assert content_hash("The vote passed.") != content_hash("The vote failed.")
