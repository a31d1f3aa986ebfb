import pytest

from crawler.sources import SourcesFileError, parse_sources

GOOD = """
[[sources]]
name = "ledger"
feeds = ["https://ledger.example/rss.xml"]
sitemaps = ["https://ledger.example/news-sitemap.xml"]
language = "en"

[[sources]]
name = "brief"
start_urls = ["https://brief.example/"]
allowed_domains = ["brief.example", "cdn.brief.example"]
"""


def test_good_file():
    sources, problems = parse_sources(GOOD)
    assert problems == []
    assert [s.name for s in sources] == ["ledger", "brief"]
    assert sources[0].allowed_domains == ["ledger.example"]  # derived from the URLs
    assert sources[1].allows("https://www.brief.example/story")
    assert not sources[1].allows("https://elsewhere.example/story")
    assert not sources[0].allow_private_addresses


def test_allowed_domain_with_port_matches_that_port_only():
    sources, _ = parse_sources('[[sources]]\nname = "a"\nfeeds = ["http://127.0.0.1:8001/rss.xml"]\n')
    assert sources[0].allows("http://127.0.0.1:8001/x")
    assert not sources[0].allows("http://127.0.0.1:8002/x")


def test_invalid_toml_names_the_line():
    with pytest.raises(SourcesFileError) as error:
        parse_sources('[[sources]]\nname = a\nfeeds = ["https://a.example/rss.xml"]\n', "my.toml")
    assert "my.toml" in str(error.value)
    assert "line 2" in str(error.value)


def test_bad_entry_is_reported_with_its_line_and_the_rest_is_kept():
    raw = GOOD + '\n[[sources]]\nname = "broken"\nlanguage = "it"\nfeeds = ["ftp://broken.example/feed"]\n'
    sources, problems = parse_sources(raw, "sources.toml")
    assert [s.name for s in sources] == ["ledger", "brief"]
    assert len(problems) == 1
    line = raw.splitlines().index('feeds = ["ftp://broken.example/feed"]') + 1
    assert str(problems[0]).startswith(f"sources.toml:{line}: source 'broken': feeds:")
    assert "not an http(s) URL" in str(problems[0])


@pytest.mark.parametrize(
    "entry, message",
    [
        ('name = "x"\nfeed = ["https://x.example/rss"]', "unknown key 'feed'"),
        ('name = "has space"\nfeeds = ["https://x.example/rss"]', "name must be"),
        ('name = "x"\nfeeds = "https://x.example/rss"', "feeds must be a list"),
        ('name = "x"\nlanguage = "en"', "needs at least one of"),
        ('name = "x"\nfeeds = ["https://x.example/rss"]\nallow_private_addresses = "yes"', "true or false"),
    ],
)
def test_entry_problems(entry, message):
    sources, problems = parse_sources("[[sources]]\n" + entry + "\n")
    assert sources == []
    assert message in str(problems[0])


def test_duplicate_names_are_refused():
    raw = '[[sources]]\nname = "a"\nfeeds = ["https://a.example/1"]\n[[sources]]\nname = "a"\nfeeds = ["https://a.example/2"]\n'
    sources, problems = parse_sources(raw)
    assert len(sources) == 1
    assert "used by an earlier source" in str(problems[0])
    assert str(problems[0]).startswith("sources.toml:5:")


def test_environment_allows_private_addresses(monkeypatch):
    monkeypatch.setenv("TIMELINE_ALLOW_PRIVATE_ADDRESSES", "1")
    sources, _ = parse_sources('[[sources]]\nname = "a"\nfeeds = ["http://127.0.0.1:9/rss"]\n')
    assert sources[0].allow_private_addresses


def test_empty_file_is_refused():
    with pytest.raises(SourcesFileError, match="no \\[\\[sources\\]\\] entries"):
        parse_sources("# nothing yet\n")


@pytest.mark.parametrize(
    ("key", "value"),
    [("feeds", "http://[::1"), ("start_urls", "http://u:hunter2@[oops/"), ("allowed_domains", "[::1")],
)
def test_a_malformed_url_is_a_problem_with_its_line_not_a_traceback(key, value):
    entry = f'name = "bad"\nlanguage = "en"\n{key} = ["{value}"]\n'
    if key != "start_urls":
        entry += 'start_urls = ["https://bad.example/"]\n'
    raw = GOOD + "\n[[sources]]\n" + entry
    sources, problems = parse_sources(raw, "sources.toml")
    assert [s.name for s in sources] == ["ledger", "brief"]
    line = raw.splitlines().index(f'{key} = ["{value}"]') + 1
    assert len(problems) == 1 and str(problems[0]).startswith(f"sources.toml:{line}: source 'bad': {key}: ")
    assert "not a valid" in str(problems[0]) and "hunter2" not in str(problems[0])


def test_a_malformed_link_lies_within_no_domain():
    sources, _ = parse_sources(GOOD)
    assert not sources[0].allows("http://[oops/story")
