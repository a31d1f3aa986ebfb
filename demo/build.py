"""Build the static demo news site (demo/site/) and the gold files (tests/fixtures/gold/) from demo/content/.

    python -m demo.build            # rewrite demo/site and the gold files
    python -m demo.build --check    # exit 1 if they are out of date (the tests run this)

Every outlet gets its own template, boilerplate (navigation, cookie banner, related links, comments,
footer) and way of exposing the publication date, so the crawler meets the variety of real news sites.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

from demo.outlets import OUTLETS, Outlet

ROOT = Path(__file__).resolve().parent
CONTENT = ROOT / "content"
SITE = ROOT / "site"
GOLD = ROOT.parent / "tests" / "fixtures" / "gold"

MONTHS_IT = (
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split()
)


@dataclass
class Story:
    outlet: Outlet
    slug: str
    meta: dict
    body: str

    @property
    def published(self) -> datetime:
        return datetime.fromisoformat(self.meta["published"])

    @property
    def members_only(self) -> bool:
        return self.slug in self.outlet.extras.get("members_only", ())

    @property
    def path(self) -> str:
        if self.members_only:
            return f"/members/{self.slug}.html"
        when = self.published
        return self.outlet.article_path.format(
            slug=self.slug, yyyy=f"{when:%Y}", mm=f"{when:%m}", dd=f"{when:%d}"
        )

    @property
    def url(self) -> str:
        return self.outlet.base + self.path

    @property
    def encoding(self) -> str:
        return "windows-1252" if self.slug in self.outlet.extras.get("cp1252", ()) else "utf-8"


# A reader-comments block, as news pages carry (the extractor must leave it out).
COMMENTS = """<section class="comments" id="comments">
<h2>Comments (2)</h2>
<form class="comment-form"><textarea placeholder="Join the discussion"></textarea><button>Post comment</button></form>
<div class="comment"><p class="comment-author">market_watcher_88</p><p>Good overview, but I would like to see
more numbers on what small sellers actually earn.</p></div>
<div class="comment"><p class="comment-author">Rina K.</p><p>Shared this with my team. Thanks for explaining
the background so clearly.</p></div>
</section>"""


def load_stories() -> list[Story]:
    stories = []
    for outlet in OUTLETS:
        for path in sorted((CONTENT / outlet.domain).glob("*.md")):
            _, front, body = path.read_text(encoding="utf-8").split("+++", 2)
            stories.append(Story(outlet, path.stem, tomllib.loads(front), body.strip()))
    return stories


def body_html(body: str) -> str:
    blocks = [b.strip() for b in body.split("\n\n") if b.strip()]
    out = []
    for block in blocks:
        if block.startswith("## "):
            out.append(f"<h2>{escape(block[3:])}</h2>")
        else:
            out.append(f"<p>{escape(' '.join(block.split()))}</p>")
    return "\n".join(out)


def long_date(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def head_dates(story: Story) -> str:
    meta, outlet = story.meta, story.outlet
    article = {
        "@type": "NewsArticle",
        "headline": meta["title"],
        "datePublished": meta["published"],
        "author": {"@type": "Person", "name": meta["author"]},
        "publisher": {"@type": "Organization", "name": outlet.name},
        "mainEntityOfPage": story.url,
    }
    if outlet.date_style == "json-ld":
        data = {"@context": "https://schema.org", **article}
    elif outlet.date_style == "json-ld-graph":
        website = {"@type": "WebSite", "name": outlet.name, "url": outlet.base + "/"}
        data = {"@context": "https://schema.org", "@graph": [website, article]}
    elif outlet.date_style == "meta":
        return f'<meta property="article:published_time" content="{escape(meta["published"])}">'
    else:
        return ""
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def byline(story: Story) -> str:
    meta, when = story.meta, story.published
    author = escape(meta["author"])
    style = story.outlet.date_style
    if style == "byline":
        return f'<p class="byline">By {author} | {long_date(when)}</p>'
    if style == "time":
        shown = f"{when.day} {MONTHS_IT[when.month - 1]} {when.year}"
        return (
            f'<p class="byline">di {author} · <time datetime="{escape(meta["published"])}">{shown}</time></p>'
        )
    return f'<p class="byline">By {author}</p><p class="dateline">{when.day} {when:%B %Y}</p>'


def page(
    outlet: Outlet, title: str, head: str, main: str, encoding: str = "utf-8", og_type: str = "article"
) -> str:
    feed_links = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{escape(outlet.name)}" href="{outlet.base}{f}">'
        for f in outlet.feeds
    )
    og = (
        f'<meta property="og:type" content="{og_type}">'
        if outlet.date_style != "byline" or og_type != "article"
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="{encoding}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {escape(outlet.name)}</title>
{og}
{head}
{feed_links}
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<div class="cookie-banner" id="cookie-consent">
<p>We use cookies to understand how our journalism is read and to keep you signed in. You can change your
choice at any time in the privacy settings.</p>
<button type="button">Accept all</button> <button type="button">Only necessary cookies</button>
</div>
<header class="site-header">
<a class="logo" href="/">{escape(outlet.name)}</a>
<p class="tagline">{escape(outlet.tagline)}</p>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about.html">About us</a></li></ul></nav>
</header>
<main>
{main}
</main>
<footer class="site-footer">
<p>© 2025 {escape(outlet.name)}. All rights reserved. Reproduction without permission is prohibited.</p>
<ul><li><a href="/about.html">About</a></li><li>Privacy policy</li><li>Terms of use</li><li>Advertise with us</li></ul>
<p>Sign up for our morning newsletter and get the day's top stories before breakfast.</p>
</footer>
</body>
</html>
"""


def article_page(story: Story, related: list[Story]) -> str:
    meta, outlet = story.meta, story.outlet
    head = [f'<meta property="og:title" content="{escape(meta["title"])}">', head_dates(story)]
    if (
        outlet.date_style != "byline"
    ):  # Capitol Brief's pages carry no canonical link: the URL is the identity
        head.insert(0, f'<link rel="canonical" href="{story.url}">')
        head.append(f'<meta property="og:url" content="{story.url}">')
    syndication = ""
    if meta.get("syndicated_from"):
        original_outlet = meta["syndicated_from"].split("/")[0]
        name = next(o.name for o in OUTLETS if o.domain == original_outlet)
        syndication = (
            f'<p class="syndication">This story first appeared on {escape(name)} and is republished here.</p>'
        )
    related_items = "".join(f'<li><a href="{r.url}">{escape(r.meta["title"])}</a></li>' for r in related)
    main = f"""<article class="story">
<p class="kicker">{escape(meta["section"])}</p>
<h1>{escape(meta["title"])}</h1>
<p class="standfirst">{escape(meta["standfirst"])}</p>
{byline(story)}
<div class="story-body">
{body_html(story.body)}
</div>
{syndication}
<p class="share">Share this story: <a href="#">X</a> <a href="#">LinkedIn</a> <a href="#">Email</a></p>
</article>
<aside class="related"><h2>Related coverage</h2><ul>{related_items}</ul></aside>
{COMMENTS}"""
    return page(outlet, meta["title"], "\n".join(h for h in head if h), main, story.encoding)


def index_page(outlet: Outlet, stories: list[Story]) -> str:
    teasers = []
    for story in sorted(stories, key=lambda s: s.published, reverse=True):
        label = '<span class="badge">Members only</span> ' if story.members_only else ""
        teasers.append(
            f'<article class="teaser"><h2>{label}<a href="{story.url}">{escape(story.meta["title"])}</a></h2>'
            f'<p>{escape(story.meta["standfirst"])}</p><p class="date">{long_date(story.published)}</p></article>'
        )
    main = (
        f'<h1>Latest from {escape(outlet.name)}</h1>\n<section class="latest">\n'
        + "\n".join(teasers)
        + "\n</section>"
    )
    head = f'<link rel="canonical" href="{outlet.base}/"><meta property="og:title" content="{escape(outlet.name)}">'
    return page(outlet, "Home", head, main, og_type="website")


def about_page(outlet: Outlet) -> str:
    text = f"""<h1>About {escape(outlet.name)}</h1>
<p>{escape(outlet.name)} is an independent publication run by a small team of editors and reporters. Our
mission is simple: {escape(outlet.tagline.lower())}, written clearly and checked carefully before it is
published. We do not accept payment for coverage, and advertising never influences what we report.</p>
<p>Our newsroom works with correspondents across the region and with a network of freelance contributors.
Every story is read by at least one editor before publication, and we correct mistakes openly at the foot of
the article concerned. Readers who spot an error can write to our corrections desk at any time.</p>
<p>We are funded by subscriptions, events and a limited amount of advertising. Our editorial code, our
ownership structure and the names of our editors are listed on this page and updated whenever they change.</p>"""
    head = f'<link rel="canonical" href="{outlet.base}/about.html"><meta property="og:title" content="About">'
    return page(outlet, "About us", head, text, og_type="website")


def rss_feed(outlet: Outlet, stories: list[Story], feed_path: str) -> str:
    query = outlet.extras.get("tracking_query", "")
    items = []
    listed = [s for s in sorted(stories, key=lambda s: s.published, reverse=True) if not s.members_only]
    for story in listed:
        items.append(
            f"<item><title>{escape(story.meta['title'])}</title><link>{story.url}{escape(query)}</link>"
            f'<guid isPermaLink="true">{story.url}</guid><pubDate>{format_datetime(story.published)}</pubDate>'
            f"<description>{escape(story.meta['standfirst'])}</description></item>"
        )
    missing = outlet.extras.get("missing_feed_item")
    if missing:
        items.insert(
            0,
            f"<item><title>Survey: what Japanese sellers expect from TikTok Shop</title><link>{outlet.base}{missing}</link>"
            f"<guid>{outlet.base}{missing}</guid><pubDate>Mon, 01 Sep 2025 09:00:00 +0900</pubDate>"
            "<description>A first look at a seller survey.</description></item>",
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{escape(outlet.name)}</title><link>{outlet.base}/</link>"
        f"<description>{escape(outlet.tagline)}</description><language>en</language>\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


def atom_feed(outlet: Outlet, stories: list[Story]) -> str:
    listed = sorted(stories, key=lambda s: s.published, reverse=True)
    entries = [
        f'<entry><id>{s.url}</id><title>{escape(s.meta["title"])}</title><link rel="alternate" href="{s.url}"/>'
        f"<published>{s.meta['published']}</published><updated>{s.meta['published']}</updated>"
        f"<author><name>{escape(s.meta['author'])}</name></author><summary>{escape(s.meta['standfirst'])}</summary></entry>"
        for s in listed
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<id>{outlet.base}/</id><title>{escape(outlet.name)}</title>"
        f'<link rel="self" href="{outlet.base}/atom.xml"/><updated>{listed[0].meta["published"]}</updated>\n'
        + "\n".join(entries)
        + "\n</feed>\n"
    )


def sitemaps(outlet: Outlet, stories: list[Story]) -> dict[str, str]:
    urls = "\n".join(
        f"<url><loc>{s.url}</loc><news:news><news:publication><news:name>{escape(outlet.name)}</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{s.meta['published']}</news:publication_date>"
        f"<news:title>{escape(s.meta['title'])}</news:title></news:news></url>"
        for s in sorted(stories, key=lambda s: s.published, reverse=True)
    )
    news = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + urls + "\n</urlset>\n"
    )
    pages = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<url><loc>{outlet.base}/</loc><changefreq>hourly</changefreq></url>\n"
        f"<url><loc>{outlet.base}/about.html</loc><lastmod>2025-01-02</lastmod></url>\n</urlset>\n"
    )
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<sitemap><loc>{outlet.base}/news-sitemap.xml</loc></sitemap>\n"
        f"<sitemap><loc>{outlet.base}/sitemap-pages.xml</loc></sitemap>\n</sitemapindex>\n"
    )
    return {"/sitemap_index.xml": index, "/news-sitemap.xml": news, "/sitemap-pages.xml": pages}


def robots(outlet: Outlet) -> str:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in outlet.robots_disallow] or ["Disallow:"]
    lines += [f"Sitemap: {outlet.base}{path}" for path in outlet.sitemaps]
    return "\n".join(lines) + "\n"


CSS = "body{font-family:Georgia,serif;max-width:46rem;margin:auto}.cookie-banner{background:#eee;padding:1rem}\n"


def build_files() -> dict[Path, bytes]:
    """Every file of the site and the gold, as bytes, keyed by path."""
    stories = load_stories()
    files: dict[Path, bytes] = {}
    for outlet in OUTLETS:
        own = [s for s in stories if s.outlet is outlet]
        root = SITE / outlet.domain

        def put(path: str, text: str, encoding: str = "utf-8", root=root) -> None:
            files[root / path.lstrip("/")] = text.encode(encoding)

        for story in own:
            related = [s for s in own if s is not story and not s.members_only][:3]
            put(story.path, article_page(story, related), story.encoding)
        put("/index.html", index_page(outlet, own))
        put("/about.html", about_page(outlet))
        put("/robots.txt", robots(outlet))
        put("/static/site.css", CSS)
        for feed in outlet.feeds:
            put(feed, atom_feed(outlet, own) if feed.endswith("atom.xml") else rss_feed(outlet, own, feed))
        if outlet.sitemaps:
            for path, text in sitemaps(outlet, own).items():
                put(path, text)
    files[GOLD / "articles.json"] = (
        json.dumps(gold_articles(stories), indent=2, ensure_ascii=False) + "\n"
    ).encode()
    files[GOLD / "events.json"] = (
        json.dumps(gold_events(stories), indent=2, ensure_ascii=False) + "\n"
    ).encode()
    return files


def site_path(story: Story) -> str:
    return story.outlet.domain + story.path


def gold_articles(stories: list[Story]) -> list[dict]:
    by_key = {f"{s.outlet.domain}/{s.slug}": s for s in stories}
    rows = []
    for story in stories:
        original = story.meta.get("syndicated_from")
        rows.append(
            {
                "page": site_path(story),
                "source": story.outlet.source,
                "kind": "members_only"
                if story.members_only
                else ("syndicated_copy" if original else "article"),
                "title": story.meta["title"],
                "published": story.meta["published"],
                "date_exposed_by": story.outlet.date_style,
                "encoding": story.encoding,
                "duplicate_of": site_path(by_key[original]) if original else None,
            }
        )
    for outlet in OUTLETS:
        rows.append({"page": f"{outlet.domain}/about.html", "source": outlet.source, "kind": "about"})
        rows.append({"page": f"{outlet.domain}/index.html", "source": outlet.source, "kind": "index"})
        if outlet.extras.get("missing_feed_item"):
            rows.append(
                {
                    "page": outlet.domain + outlet.extras["missing_feed_item"],
                    "source": outlet.source,
                    "kind": "missing",
                }
            )
    return rows


def gold_events(stories: list[Story]) -> list[dict]:
    catalogue = tomllib.loads((GOLD / "events.toml").read_text(encoding="utf-8"))["events"]
    events = []
    for event in catalogue:
        mentions = [
            {"page": site_path(s), "sentence": m["sentence"]}
            for s in stories
            for m in s.meta.get("mentions", [])
            if m["event"] == event["id"]
        ]
        events.append({**event, "mentions": mentions})
    return events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that demo/site and the gold are current"
    )
    args = parser.parse_args(argv)
    files = build_files()
    stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    extra = [p for p in SITE.rglob("*") if p.is_file() and p not in files]
    if args.check:
        for path in stale + extra:
            print(f"out of date: {path.relative_to(ROOT.parent)}", file=sys.stderr)
        return 1 if stale or extra else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
    for path in extra:
        path.unlink()
    print(f"{len(files)} files, {len(stale)} written, {len(extra)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
