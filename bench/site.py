"""A synthetic news site on loopback for the crawl benchmark: thousands of real-size article pages.

    python -m bench.site --pages 5000      # serve until Ctrl-C and print its sources.toml

Each page is a bench/corpus.py article in the demo's page template (cookie banner, header, navigation,
JSON-LD, an inline tracking script and styles, byline, related and most-read links, share links, comments,
footer): about 30 KB of HTML, of which a quarter is the story, as on real news pages. A robots.txt, a sitemap index and sitemaps of 1,000
URLs each lead to them; every response carries an ETag and a Last-Modified and answers conditional
requests with 304, as a real web server does. Requests are counted by kind, so the benchmark can check
that a second crawl fetched no article page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
from collections import Counter
from email.utils import formatdate
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from bench.corpus import SyntheticArticle, synthetic_articles
from crawler.sources import Source
from demo.build import COMMENTS, page
from demo.outlets import Outlet
from demo.server import serve_until_interrupted

PER_SITEMAP = 1000
OUTLET = Outlet(
    domain="bench-news.example",
    source="bench-news",
    name="The Bench Chronicle",
    tagline="Synthetic news for measuring the crawler",
    date_style="json-ld",
    article_path="/{yyyy}/{mm}/{slug}.html",
)
SECTIONS = [
    f"{area} {topic}"
    for area in ("World", "Asia", "Europe", "Americas", "Business", "Tech")
    for topic in ("news", "analysis", "opinion", "data", "video", "podcasts", "newsletters")
]
# What real pages carry around the story: a menu of every section, a tracking script, inline styles.
MENU = (
    '<nav class="mega-menu"><ul>'
    + "".join(f'<li><a href="/section/{n}">{escape(name)}</a></li>' for n, name in enumerate(SECTIONS))
    + "</ul></nav>"
)
SCRIPT = (
    "<script>window.dataLayer = window.dataLayer || [];"
    + "".join(
        f"dataLayer.push({{'event': 'slot{n}', 'adUnit': '/2291/news/article/slot{n}', 'sizes': [[300, 250],"
        f" [728, 90]], 'targeting': {{'section': 'news', 'position': {n}}}}});"
        for n in range(60)
    )
    + "</script>"
)
STYLE = (
    "<style>"
    + "".join(
        f".block-{n} {{ margin: 0 0 {n % 9}px; padding: 4px {n % 5}px; font: 400 16px/1.5 Georgia, serif; }}"
        for n in range(150)
    )
    + "</style>"
)
MODIFIED = formatdate(time.mktime((2025, 1, 1, 0, 0, 0, 0, 1, 0)), usegmt=True)


def article_html(article: SyntheticArticle, base: str, related: list[SyntheticArticle]) -> str:
    url = f"{base}/{article.slug}.html"
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
        "author": {"@type": "Person", "name": article.author},
        "publisher": {"@type": "Organization", "name": OUTLET.name},
        "mainEntityOfPage": url,
    }
    head = "\n".join(
        [
            f'<link rel="canonical" href="{url}">',
            f'<meta property="og:title" content="{escape(article.title)}">',
            f'<meta property="og:url" content="{url}">',
            f'<script type="application/ld+json">{json.dumps(data)}</script>',
            STYLE,
            SCRIPT,
        ]
    )
    body = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    links = "".join(f'<li><a href="{base}/{r.slug}.html">{escape(r.title)}</a></li>' for r in related[:4])
    most_read = "".join(f'<li><a href="{base}/{r.slug}.html">{escape(r.title)}</a></li>' for r in related[4:])
    main = f"""{MENU}
<article class="story">
<p class="kicker">{escape(article.section)}</p>
<h1>{escape(article.title)}</h1>
<p class="standfirst">{escape(article.standfirst)}</p>
<p class="byline">By {escape(article.author)}</p>
<div class="story-body">
{body}
</div>
<p class="share">Share this story: <a href="#">X</a> <a href="#">LinkedIn</a> <a href="#">Email</a></p>
</article>
<aside class="related"><h2>Related coverage</h2><ul>{links}</ul></aside>
<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside>
{COMMENTS}"""
    return page(OUTLET, article.title, head, main)


def site_files(pages: int, base: str) -> dict[str, bytes]:
    """Path → body of every file of the site served at ``base``."""
    articles = synthetic_articles(pages)
    files: dict[str, bytes] = {}
    for number, article in enumerate(articles):
        related = [articles[(number + step) % pages] for step in (1, 7, 31, 101, 2, 3, 5, 11, 13, 17)]
        files[f"/{article.slug}.html"] = article_html(article, base, related).encode()
    sitemaps = []
    for index, start in enumerate(range(0, pages, PER_SITEMAP)):
        entries = "".join(
            f"<url><loc>{base}/{a.slug}.html</loc><lastmod>{a.published.date()}</lastmod></url>"
            for a in articles[start : start + PER_SITEMAP]
        )
        path = f"/sitemaps/articles-{index + 1}.xml"
        files[path] = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()
        sitemaps.append(path)
    children = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>" for p in sitemaps)
    files["/sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'
    ).encode()
    files["/robots.txt"] = f"User-agent: *\nDisallow: /search\nSitemap: {base}/sitemap.xml\n".encode()
    return files


class BenchSite:
    """The site served on 127.0.0.1 (any free port); use as a context manager."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.requests: Counter[str] = Counter()  # "article 200", "sitemap 304", ...
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.files = site_files(pages, self.base)
        self.etags = {
            path: '"' + hashlib.sha1(body).hexdigest()[:16] + '"' for path, body in self.files.items()
        }

    def __enter__(self) -> BenchSite:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def source(self) -> Source:
        return Source(
            name=OUTLET.source,
            feeds=[],
            sitemaps=[self.base + "/sitemap.xml"],
            start_urls=[],
            allowed_domains=[urlsplit(self.base).netloc],
            language="en",
            allow_private_addresses=True,
        )

    def sources_toml(self) -> str:
        source = self.source()
        return (
            "[[sources]]\n"
            f'name = "{source.name}"\n'
            f'sitemaps = ["{source.sitemaps[0]}"]\n'
            f'allowed_domains = ["{source.allowed_domains[0]}"]\n'
            'language = "en"\n'
            "allow_private_addresses = true\n"
        )

    def article_pages(self) -> list[tuple[str, bytes]]:
        return [(self.base + path, body) for path, body in self.files.items() if path.endswith(".html")]

    def count(self, kind: str, status: int) -> None:
        with self._lock:
            self.requests[f"{kind} {status}"] += 1

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                kind = "article" if path.endswith(".html") else path.strip("/").split("/")[0].split("-")[0]
                body = site.files.get(path)
                if body is None:
                    site.count(kind, 404)
                    self.send_response(HTTPStatus.NOT_FOUND)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = site.etags[path]
                if (
                    self.headers.get("If-None-Match") == etag
                    or self.headers.get("If-Modified-Since") == MODIFIED
                ):
                    site.count(kind, 304)
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                site.count(kind, 200)
                self.send_response(HTTPStatus.OK)
                content_type = "text/html; charset=utf-8" if kind == "article" else "application/xml"
                self.send_header("Content-Type", "text/plain" if kind == "robots.txt" else content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", MODIFIED)
                self.end_headers()
                self.wfile.write(body)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    args = parser.parse_args()
    with BenchSite(args.pages) as site:
        print(site.sources_toml())
        serve_until_interrupted()


if __name__ == "__main__":
    main()
