"""The demo outlets: who they are, where their pages live and how each exposes what a crawler needs.

Each outlet is a fictional site under its own ``https://<domain>`` base; the demo server maps each base to a
loopback port at run time and rewrites the URLs in what it serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outlet:
    domain: str
    source: str  # the source name stored on each article
    name: str
    tagline: str
    date_style: str  # json-ld, meta, time, byline
    article_path: str  # format string over slug, yyyy, mm, dd
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    robots_disallow: tuple[str, ...] = ()
    extras: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"https://{self.domain}"


OUTLETS = (
    Outlet(
        domain="tokyo-ledger.example",
        source="tokyo-ledger",
        name="The Tokyo Ledger",
        tagline="Business and markets from Japan, in English",
        date_style="json-ld",
        article_path="/articles/{yyyy}/{mm}/{slug}.html",
        feeds=("/rss.xml",),
        extras={"missing_feed_item": "/articles/2025/09/tiktok-shop-japan-seller-survey.html"},
    ),
    Outlet(
        domain="asia-wire.example",
        source="asia-wire",
        name="Asia Wire",
        tagline="The regional news agency",
        date_style="meta",
        article_path="/stories/{yyyy}{mm}{dd}-{slug}.html",
        feeds=("/atom.xml",),
    ),
    Outlet(
        domain="tecnoitalia.example",
        source="tecnoitalia",
        name="TecnoItalia",
        tagline="Tecnologia e mercati digitali – English edition",
        date_style="time",
        article_path="/en/{slug}.html",
        feeds=("/en/feed.xml",),
        extras={
            "tracking_query": "?utm_source=rss&utm_medium=feed&utm_campaign=en",
            "cp1252": ("tiktok-shop-arrives-in-italy",),
        },
    ),
    Outlet(
        domain="capitol-brief.example",
        source="capitol-brief",
        name="Capitol Brief",
        tagline="Tech policy from Washington, every weekday",
        date_style="byline",
        article_path="/briefs/{slug}.html",
        start_urls=("/",),
        robots_disallow=("/members/",),
        extras={"members_only": ("members-briefing-tiktok-talks",)},
    ),
    Outlet(
        domain="saigon-trade-wire.example",
        source="saigon-trade-wire",
        name="Saigon Trade Wire",
        tagline="Trade and investment news for Vietnamese business",
        date_style="meta",
        article_path="/news/{yyyy}/{mm}/{slug}.html",
        sitemaps=("/sitemap_index.xml",),
    ),
    Outlet(
        domain="jakarta-commerce-post.example",
        source="jakarta-commerce-post",
        name="Jakarta Commerce Post",
        tagline="Indonesia's digital economy, daily",
        date_style="json-ld-graph",
        article_path="/read/{yyyy}/{mm}/{dd}/{slug}.html",
        feeds=("/feed.xml",),
        start_urls=("/",),
    ),
)
