"""Where the crawler may go, and what it keeps: allowed domains, internal addresses, credentials."""

from __future__ import annotations

import logging
import socket
from types import SimpleNamespace

import pytest
import sqlite_utils
from scrapy import Request
from twisted.internet import defer
from twisted.python.failure import Failure

from crawler import middlewares
from crawler.extensions import redact_logs
from crawler.middlewares import is_private_host, resolve_private
from pipeline.urls import redact_text, redact_url
from tests.conftest import FAST, run_timeline
from tests.fault_server import FaultSite


@pytest.fixture(scope="module")
def sites():
    with FaultSite() as other, FaultSite(other=other) as main:
        yield main, other


def crawl(tmp_path, toml: str, *extra: str, env: dict | None = None):
    sources = tmp_path / "sources.toml"
    sources.write_text(toml, encoding="utf-8")
    db_path = tmp_path / "timeline.db"
    result = run_timeline("crawl", "--sources", str(sources), "--db", str(db_path), *FAST, *extra, env=env)
    return result, sqlite_utils.Database(db_path)


def loopback_name() -> str:
    """A host name (not an IP, not 'localhost') that resolves to 127.x here, where the test site listens.

    In a container the machine's own name often resolves to its bridge address (172.17.x) instead: then
    the end-to-end test is skipped, and the refusal itself is covered with a resolver the test controls.
    """
    for name in (socket.gethostname(), "localhost.localdomain"):
        if (resolve_private(name) or "").startswith("127."):
            return name
    pytest.skip("no host name here resolves to 127.x (the refusal is unit-tested with a fake resolver)")


def fake_resolver(monkeypatch: pytest.MonkeyPatch, addresses: dict[str, str]) -> list[str]:
    """Make socket.getaddrinfo answer from ``addresses`` only; returns the names it was asked for."""
    asked = []

    def getaddrinfo(host: str, port: int | None, *args: object, **kwargs: object) -> list[tuple]:
        asked.append(host)
        if host not in addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = socket.AF_INET6 if ":" in addresses[host] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (addresses[host], 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def middleware_answer(
    monkeypatch: pytest.MonkeyPatch, url: str, allowed: frozenset[str] = frozenset()
) -> BaseException | None:
    """PrivateAddressMiddleware's answer for ``url``: None (let through) or the exception it raises.

    The resolution runs inline instead of in Twisted's thread pool, so no reactor is needed.
    """
    monkeypatch.setattr(middlewares.threads, "deferToThread", lambda f, *args: defer.succeed(f(*args)))
    monkeypatch.setattr(middlewares, "maybe_deferred_to_future", lambda deferred: deferred)
    crawler = SimpleNamespace(spider=SimpleNamespace(private_hosts_allowed=set(allowed)))
    middleware = middlewares.PrivateAddressMiddleware(crawler)
    answers: list = []
    defer.ensureDeferred(middleware.process_request(Request(url))).addBoth(answers.append)
    (answer,) = answers
    return answer.value if isinstance(answer, Failure) else answer


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("10.0.0.5", True),
        ("127.0.1.1", True),
        ("172.17.0.2", True),  # a container's bridge address
        ("100.100.100.200", True),  # cloud metadata in the shared address space
        ("fd00::5", True),
        ("2002:a00:5::", True),  # 6to4 around 10.0.0.5
        ("93.184.215.14", False),
        ("2606:4700::1111", False),
    ],
)
def test_the_middleware_refuses_a_name_that_resolves_to_an_internal_address(monkeypatch, address, refused):
    asked = fake_resolver(monkeypatch, {"intranet.test": address})
    answer = middleware_answer(monkeypatch, "http://intranet.test:8080/feed.xml")
    if refused:
        assert isinstance(answer, middlewares.RefusedRequest)
        assert str(answer) == f"private address intranet.test ({address}) refused"
    else:
        assert answer is None
    assert asked == ["intranet.test"]


def test_the_middleware_lets_allowed_and_unresolvable_names_through(monkeypatch):
    asked = fake_resolver(monkeypatch, {"intranet.test": "10.0.0.5"})
    assert (
        middleware_answer(monkeypatch, "http://intranet.test/", allowed=frozenset({"intranet.test"})) is None
    )
    assert middleware_answer(monkeypatch, "http://nowhere.test/") is None  # the download reports the error
    assert asked == ["nowhere.test"]
    assert isinstance(middleware_answer(monkeypatch, "http://127.0.0.1/"), middlewares.RefusedRequest)


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("169.254.169.254", True),  # cloud metadata
        ("100.100.100.200", True),  # cloud metadata in the shared address space (100.64.0.0/10)
        ("100.64.0.1", True),
        ("172.17.0.2", True),
        ("192.168.1.1", True),
        ("[fd00::1]", True),
        ("[fe80::1]", True),
        ("[2002:7f00:1::]", True),  # 6to4 around 127.0.0.1
        ("[2002:a00:1::]", True),  # 6to4 around 10.0.0.1
        ("[::ffff:100.100.100.200]", True),
        ("[64:ff9b::a00:1]", True),  # NAT64 around 10.0.0.1
        ("[ff0e::1]", True),  # global-scope multicast
        ("240.0.0.1", True),
        ("255.255.255.255", True),
        ("[2002:808:808::]", False),  # 6to4 around a public address
        ("[::ffff:8.8.8.8]", False),
        ("[2001:4860:4860::8888]", False),
        ("100.128.0.1", False),  # just past the shared address space
        ("[::1]", True),
        ("[::ffff:127.0.0.1]", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("a.localhost", True),
        ("8.8.8.8", False),
        ("example.com", False),
    ],
)
def test_internal_addresses_as_written(host, private):
    assert is_private_host(host) is private


def test_a_host_name_that_resolves_to_an_internal_address_is_refused(sites, tmp_path):
    main, _ = sites
    name = loopback_name()
    port = main.netloc.rsplit(":", 1)[1]
    feed = f"http://{name}:{port}/feed.xml"
    before = len(main.requests)
    result, db = crawl(tmp_path, f'[[sources]]\nname = "n"\nfeeds = ["{feed}"]\n')
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(main.requests) == before  # nothing at all was sent, not even robots.txt
    assert f"private address {name} (127." in db["crawl_runs"].get(1)["message"]
    # The setting (here through the environment) lets the demo and tests crawl loopback.
    (tmp_path / "allowed").mkdir()
    env = {"TIMELINE_ALLOW_PRIVATE_ADDRESSES": "1"}
    allowed, db = crawl(tmp_path / "allowed", f'[[sources]]\nname = "n"\nfeeds = ["{feed}"]\n', env=env)
    assert allowed.returncode == 0, allowed.stderr
    assert ("/feed.xml", True) in [(path, when > 0) for path, when in main.requests[before:]]


def test_only_the_sources_domains_are_fetched_and_credentials_are_kept_nowhere(sites, tmp_path):
    main, other = sites
    feed = f"http://{main.netloc}/feed-secrets.xml?token=s3cr3t"
    toml = (
        f'[[sources]]\nname = "s"\nfeeds = ["{feed}"]\nallowed_domains = ["{main.netloc}"]\n'
        "allow_private_addresses = true\n"
    )
    before = len(other.requests)
    result, db = crawl(tmp_path, toml, "--set", "LOG_LEVEL=DEBUG")
    assert result.returncode == 0, result.stderr
    assert len(other.requests) == before  # the feed's link to another site was not followed
    urls = [row["url"] for row in db["articles"].rows]
    assert urls == [f"http://{main.netloc}/good/9.html?id=1&token=REDACTED"]
    dump = "\n".join(db.conn.iterdump())
    assert "s3cr3t" not in dump
    assert "s3cr3t" not in result.stdout + result.stderr
    assert "token=REDACTED" in result.stderr  # the log names the URL, without the token


def test_redaction_of_urls_and_log_lines():
    assert (
        redact_url("https://u:p@example.com/a?api_key=1&id=2")
        == "https://example.com/a?api_key=REDACTED&id=2"
    )
    assert redact_url("https://example.com/a?id=2") == "https://example.com/a?id=2"
    assert redact_text("fetching <GET http://x.example/rss?access_token=abc>") == (
        "fetching <GET http://x.example/rss?access_token=REDACTED>"
    )


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("http://[oops/", "http://[oops/"),
        ("http://[::1", "http://[::1"),
        ("https://u:hunter2@[oops/a?Token=s3cr3t&id=2#f", "https://[oops/a?Token=REDACTED&id=2#f"),
        ("http://[x/?sig=s3cr3t;api_key=s3cr3t", "http://[x/?sig=REDACTED;api_key=REDACTED"),
    ],
)
def test_a_malformed_url_is_redacted_by_pattern(url, redacted):
    assert redact_url(url) == redacted
    assert redact_text(f"bad link {url} here") == f"bad link {redacted} here"


def test_logging_a_malformed_url_neither_raises_nor_leaks(caplog, monkeypatch):
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())  # undone after
    redact_logs()
    logger = logging.getLogger("newsline.test")
    with caplog.at_level(logging.WARNING, logger="newsline.test"):
        logger.warning("bad link %s", "http://[oops/")
        logger.warning("bad link %s", "http://u:hunter2@[oops/?token=s3cr3t")
    assert [r.getMessage() for r in caplog.records] == [
        "bad link http://[oops/",
        "bad link http://[oops/?token=REDACTED",
    ]


def test_a_line_that_cannot_be_redacted_is_left_out_not_raised(caplog, monkeypatch):
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())
    redact_logs()

    def broken(text: str) -> str:
        raise RuntimeError("redaction failed")

    monkeypatch.setattr("crawler.extensions.redact_text", broken)
    with caplog.at_level(logging.WARNING, logger="newsline.test"):
        logging.getLogger("newsline.test").warning("fetching %s", "https://x.example/?token=s3cr3t")
    assert "s3cr3t" not in caplog.text and "could not be redacted" in caplog.text


def test_a_url_with_a_password_in_sources_toml_is_refused_without_echoing_it(tmp_path):
    toml = '[[sources]]\nname = "s"\nfeeds = ["https://reader:hunter2@example.com/rss"]\n'
    result, _ = crawl(tmp_path, toml)
    assert result.returncode == 1
    assert "sources.toml:3: source 's': feeds: 'https://example.com/rss' has a user name or password" in (
        result.stderr
    )
    assert "hunter2" not in result.stdout + result.stderr
