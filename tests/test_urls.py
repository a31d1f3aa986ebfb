from pipeline.urls import article_id, canonicalize_url


def test_tracking_parameters_and_fragment_are_dropped():
    url = "https://News.Example.com/a/story.html?utm_source=rss&utm_medium=feed&id=7&fbclid=xyz#comments"
    assert canonicalize_url(url) == "https://news.example.com/a/story.html?id=7"


def test_meaningful_query_is_kept_and_sorted():
    assert canonicalize_url("https://example.com/s?b=2&a=1") == "https://example.com/s?a=1&b=2"


def test_empty_path_becomes_root():
    assert canonicalize_url("https://example.com") == "https://example.com/"


def test_same_page_same_id():
    one = article_id(canonicalize_url("https://example.com/x?utm_campaign=a"))
    two = article_id(canonicalize_url("https://example.com/x"))
    assert one == two
    assert one != article_id(canonicalize_url("https://example.com/y"))
    assert len(one) == 16
