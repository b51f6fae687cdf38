"""Article identity: canonical URLs and text hashes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.dedupe import canonical_url, content_hash
from index.errors import InvalidURL


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


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com:99x/",
        "https://example.com:99999/",
        "http://[::1/story",
        "http://exa\uff03mple.com/",  # a netloc that changes under NFKC normalisation
    ],
)
def test_a_malformed_link_is_the_projects_own_error(url: str) -> None:
    with pytest.raises(InvalidURL, match="not a valid link"):
        canonical_url(url)


_URL_PIECES = st.sampled_from(
    ["http://", "https://", "[", "]", ":", "::1", "@", "/", "?", "#", "%", "example.com", "80"]
)


@given(st.lists(_URL_PIECES | st.text(max_size=8), max_size=12).map("".join))
def test_any_text_is_a_canonical_url_or_invalid_url(text: str) -> None:
    try:
        canonical = canonical_url(text)
    except InvalidURL:
        return
    assert "#" not in canonical  # the fragment never takes part in an article's identity
