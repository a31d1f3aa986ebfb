"""A news site that breaks in every way, on loopback: one fault per path, for tests/test_faults.py.

Each `FaultSite` is one host:port with its own robots.txt behaviour (``robots``: ``ok``, ``missing``,
``malformed``, ``error``, ``slow``); every request is logged with its time so tests can check retries.
"""

from __future__ import annotations

import gzip
import random
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

WORDS = (
    "market seller platform regulator minister shop launch court ruling deal stake merger growth forecast "
    "quarter tariff export import port shipping chip factory supply chain retail online payment bank "
    "license ban law deadline hearing appeal fine lawsuit partner investor revenue profit loss share price "
    "customer brand warehouse logistics city province capital border agency council parliament vote "
    "budget subsidy tax credit startup founder executive analyst report survey consumer trader farmer "
    "airline route ticket fuel energy grid solar wind battery vehicle plant worker union strike wage"
).split()
SLOW_SECONDS = 3.0
# The articles every source's feed lists, by the path that serves them.
GOOD_PAGES = ("/good/1.html", "/good/2.html", "/good/3.html")


def article_html(path: str, title: str | None = None, site: str = "") -> bytes:
    """A news article of 120 words, different for every site and path (so no two are near duplicates)."""
    rng = random.Random(site + path)
    sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(10)]
    title = title or f"Report {path}"
    body = "".join(f"<p>{sentence}</p>" for sentence in sentences)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "'
        + title
        + '", "datePublished": "2025-03-04T10:00:00+00:00"}</script>'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def rss(links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><link>{link}</link>"
        "<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate></item>"
        for n, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Faults</title>'
        f"<link>http://example.invalid/</link><description>x</description>{items}</channel></rss>"
    ).encode()


def urlset(links: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{link}</loc></url>" for link in links)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def sitemap_index(links: list[str]) -> bytes:
    maps = "".join(f"<sitemap><loc>{link}</loc></sitemap>" for link in links)
    return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>'.encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:  # resets and timeouts are the point here
        pass


class FaultSite:
    """One faulty site; use as a context manager. ``url(path)`` gives its loopback URLs."""

    def __init__(self, robots: str = "ok", other: FaultSite | None = None) -> None:
        self.robots = robots
        self.other = other  # a site on another port: the target of off-site redirects
        self.requests: list[tuple[str, float]] = []  # (path with query, time.monotonic())
        self._lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"http://{self.netloc}{path}"

    def log(self, path: str) -> None:
        with self._lock:
            self.requests.append((path, time.monotonic()))

    def times(self, path: str) -> list[float]:
        with self._lock:
            return [when for logged, when in self.requests if logged == path]

    def count(self, path: str) -> int:
        return len(self.times(path))


def _handler(site: FaultSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def reset(self) -> None:
            """Close the connection with a TCP reset, before any response."""
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            self.wfile = _Discard()

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            site.log(self.path)
            first = site.count(self.path) == 1
            try:
                self.respond(path, first)
            except OSError:  # the crawler gave up on a slow answer and hung up
                self.close_connection = True

        def respond(self, path: str, first: bool) -> None:
            if path == "/robots.txt":
                return self.robots_txt()
            if path.startswith("/good/") or path.startswith("/day/"):
                return self.send(200, article_html(path, site=site.netloc))
            if path.startswith("/status/"):
                return self.send(int(path.rsplit("/", 1)[1]), b"<html><body>Server error</body></html>")
            fault = FAULT_PATHS.get(path)
            if fault is None:
                return self.send(404, b"<html><body>Not here</body></html>")
            return getattr(self, fault)(first)

        def robots_txt(self) -> None:
            if site.robots == "missing":
                return self.send(404, b"not found", "text/plain")
            if site.robots == "malformed":
                return self.send(
                    200, b"\x89PNG\r\n\x1a\n\x00\x00 Disallow /nothing{{{\nUser-agent", "text/plain"
                )
            if site.robots == "error":
                return self.send(503, b"unavailable", "text/plain")
            if site.robots == "slow":
                time.sleep(SLOW_SECONDS)
            return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")

        # -- the faults ---------------------------------------------------------------------------

        def flaky_503(self, first: bool) -> None:
            if first:
                return self.send(503, b"try again")
            return self.send(200, article_html("/flaky-503"))

        def retry_after(self, first: bool) -> None:
            if first:
                return self.send(429, b"slow down", Retry_After="1")
            return self.send(200, article_html("/retry-after"))

        def retry_after_long(self, first: bool) -> None:
            return self.send(429, b"come back tomorrow", Retry_After="3600")

        def slow_headers(self, first: bool) -> None:
            time.sleep(SLOW_SECONDS)
            return self.send(200, article_html("/slow-headers"))

        def slow_body(self, first: bool) -> None:
            body = article_html("/slow-body")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for start in range(0, len(body), 20):
                self.wfile.write(body[start : start + 20])
                self.wfile.flush()
                time.sleep(SLOW_SECONDS / 10)

        def connection_reset(self, first: bool) -> None:
            self.reset()

        def truncated(self, first: bool) -> None:
            body = article_html("/truncated")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.reset()

        def redirect(self, target: str) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def redirect_loop(self, first: bool) -> None:
            return self.redirect("/loop-b")

        def redirect_loop_b(self, first: bool) -> None:
            return self.redirect("/redirect-loop")

        def redirect_offsite(self, first: bool) -> None:
            return self.redirect(site.other.url("/good/1.html") if site.other else "http://example.invalid/")

        def redirect_other_scheme(self, first: bool) -> None:
            return self.redirect("file:///etc/passwd")

        def redirect_ok(self, first: bool) -> None:
            return self.redirect("/good/8.html")

        def huge(self, first: bool) -> None:
            filler = b"<p>" + b"word " * 400_000 + b"</p>"
            return self.send(200, article_html("/huge").replace(b"</article>", filler + b"</article>"))

        def huge_unannounced(self, first: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()  # no Content-Length: the size shows only while reading
            self.wfile.write(article_html("/huge-unannounced")[:-20])
            for _ in range(200):
                self.wfile.write(b"<p>" + b"word " * 2000 + b"</p>")
            self.close_connection = True

        def bad_gzip(self, first: bool) -> None:
            return self.send(200, b"\x1f\x8b\x08\x00this is not gzip at all" * 10, Content_Encoding="gzip")

        def good_gzip(self, first: bool) -> None:
            return self.send(200, gzip.compress(article_html("/good-gzip")), Content_Encoding="gzip")

        def wrong_charset(self, first: bool) -> None:
            body = article_html("/wrong-charset", "Caf\u00e9 cr\u00e8me prices rise").decode()
            body = body.replace("<meta charset='utf-8'>", "")
            return self.send(200, body.encode("windows-1252"), "text/html; charset=utf-8")

        def missing_charset(self, first: bool) -> None:
            body = article_html("/missing-charset", "Na\u00efve s\u00e9ance markets").decode()
            body = body.replace("<meta charset='utf-8'>", "")
            return self.send(200, body.encode("latin-1"), "text/html")

        def unknown_charset(self, first: bool) -> None:
            return self.send(200, article_html("/unknown-charset"), "text/html; charset=x-no-such-charset")

        def binary(self, first: bool) -> None:
            return self.send(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)

        def empty(self, first: bool) -> None:
            return self.send(200, b"")

        def not_html(self, first: bool) -> None:
            return self.send(200, b"%PDF-1.4 ...", "application/pdf")

        # -- entry points -------------------------------------------------------------------------

        def feed(self, first: bool) -> None:
            return self.send(200, rss([site.url(p) for p in ARTICLE_PATHS]), "application/rss+xml")

        def feed_secrets(self, first: bool) -> None:
            # Links that carry a token, and one to another site.
            links = [site.url("/good/9.html?token=s3cr3t&id=1")]
            links += [site.other.url("/good/2.html")] if site.other else []
            return self.send(200, rss(links), "application/rss+xml")

        def feed_malformed(self, first: bool) -> None:
            return self.send(200, b"<rss><channel><<<>>> this is &&& not xml \x00\x01", "application/rss+xml")

        def feed_truncated(self, first: bool) -> None:
            whole = rss([site.url("/good/4.html"), site.url("/good/7.html")])
            return self.send(200, whole[: whole.index(b"<item>", 200) + 40], "application/rss+xml")

        def feed_empty(self, first: bool) -> None:
            return self.send(200, b"", "application/rss+xml")

        def sitemap_good(self, first: bool) -> None:
            return self.send(200, urlset([site.url(p) for p in GOOD_PAGES]), "application/xml")

        def sitemap_self(self, first: bool) -> None:
            return self.send(200, sitemap_index([site.url("/sitemap-self.xml")]), "application/xml")

        def sitemap_truncated(self, first: bool) -> None:
            whole = urlset([site.url("/good/5.html"), site.url("/good/6.html")])
            return self.send(200, whole[: len(whole) - 60], "application/xml")

        def sitemap_bad_gzip(self, first: bool) -> None:
            return self.send(200, b"\x1f\x8b\x08\x00 broken", "application/x-gzip")

        def sitemap_html(self, first: bool) -> None:
            return self.send(200, b"<html><body>Sitemap moved</body></html>")

        def sitemap_deep(self, first: bool) -> None:
            # An endless chain: each index points to a deeper one.
            depth = int(self.path.rsplit("=", 1)[1]) if "=" in self.path else 0
            return self.send(
                200, sitemap_index([site.url(f"/sitemap-deep.xml?n={depth + 1}")]), "application/xml"
            )

        def calendar(self, first: bool) -> None:
            # A calendar with a link to every day of ten years (the crawler must not follow them all).
            links = "".join(f'<a href="/day/{n}.html">day {n}</a> ' for n in range(3650))
            months = '<a href="/calendar?m=prev">previous month</a> <a href="/calendar?m=next">next</a>'
            return self.send(200, f"<html><body>{months}{links}</body></html>".encode())

    return Handler


# Article-page faults the main feed lists: path → the Handler method that serves it.
FAULT_PATHS = {
    "/flaky-503": "flaky_503",
    "/retry-after": "retry_after",
    "/retry-after-long": "retry_after_long",
    "/slow-headers": "slow_headers",
    "/slow-body": "slow_body",
    "/connection-reset": "connection_reset",
    "/truncated": "truncated",
    "/redirect-loop": "redirect_loop",
    "/loop-b": "redirect_loop_b",
    "/redirect-offsite": "redirect_offsite",
    "/redirect-other-scheme": "redirect_other_scheme",
    "/redirect-ok": "redirect_ok",
    "/huge": "huge",
    "/huge-unannounced": "huge_unannounced",
    "/bad-gzip": "bad_gzip",
    "/good-gzip": "good_gzip",
    "/wrong-charset": "wrong_charset",
    "/missing-charset": "missing_charset",
    "/unknown-charset": "unknown_charset",
    "/binary": "binary",
    "/empty": "empty",
    "/not-html": "not_html",
    "/feed.xml": "feed",
    "/feed-secrets.xml": "feed_secrets",
    "/feed-malformed.xml": "feed_malformed",
    "/feed-truncated.xml": "feed_truncated",
    "/feed-empty.xml": "feed_empty",
    "/sitemap-good.xml": "sitemap_good",
    "/sitemap-self.xml": "sitemap_self",
    "/sitemap-truncated.xml": "sitemap_truncated",
    "/sitemap-bad.xml.gz": "sitemap_bad_gzip",
    "/sitemap-html.xml": "sitemap_html",
    "/sitemap-deep.xml": "sitemap_deep",
    "/calendar": "calendar",
}
ARTICLE_PATHS = [
    *GOOD_PAGES,
    "/status/500",
    "/status/502",
    "/status/503",
    "/status/404",
    "/status/410",
    *[path for path in FAULT_PATHS if not path.startswith(("/feed", "/sitemap", "/calendar", "/loop-b"))],
]


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass
