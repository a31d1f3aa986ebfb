"""Turn one HTML page into an Article: main text (trafilatura), title, publication date, language, canonical URL.

The publication date comes from structured data first (JSON-LD, ``article:published_time`` and its kin,
``<time>``), then from htmldate's search of the page. A page that is not an article (too little text, an
index of links, a page that declares itself something else and carries no date) comes back with
``skip_reason`` set instead of being guessed into an article.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import htmldate
import lxml.html
import py3langid
import trafilatura
from lxml import etree
from w3lib.encoding import html_to_unicode

from pipeline.urls import canonicalize_url

logger = logging.getLogger(__name__)

MIN_ARTICLE_WORDS = 50
# Share of the visible page text that sits inside links above which a page is a list of links.
MAX_LINK_DENSITY = 0.45
# More <article> elements, or linked headlines, than this on one page make it a listing of teasers.
MAX_ARTICLE_ELEMENTS = 2
MAX_LINKED_HEADLINES = 4
# A table cell with fewer words than this is layout (navigation, ads), not prose.
MIN_CELL_WORDS = 8

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "backgroundnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "report",
}
NON_ARTICLE_TYPES = {
    "website",
    "webpage",
    "aboutpage",
    "contactpage",
    "collectionpage",
    "profilepage",
    "searchresultspage",
    "itempage",
    "profile",
}
PUBLISHED_META = (
    ("property", "article:published_time"),
    ("property", "og:article:published_time"),
    ("name", "article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish-date"),
    ("name", "parsely-pub-date"),
    ("name", "sailthru.date"),
    ("name", "dc.date.issued"),
    ("name", "DC.date.issued"),
    ("name", "dcterms.created"),
    ("name", "date"),
)


@dataclass
class Article:
    """What a page says about itself; ``skip_reason`` is set when it is not an article."""

    url: str
    canonical_url: str
    title: str | None
    text: str
    published: datetime | None
    published_from: str | None
    language: str | None
    author: str | None = None
    skip_reason: str | None = None

    @property
    def is_article(self) -> bool:
        return self.skip_reason is None

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def decode_html(html: str | bytes, content_type: str | None = None) -> str:
    """Bytes to text the way browsers do: BOM, then the HTTP header, then ``<meta charset>``, then a guess."""
    if isinstance(html, str):
        return html
    _, text = html_to_unicode(content_type, html)
    return text


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value or None


def _parse_datetime(value: str | None) -> datetime | None:
    value = _clean(value)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value)
    if match:
        try:
            return datetime.fromisoformat(match.group(1))
        except ValueError:  # 2025-13-45: shaped like a date, but none
            return None
    return None


def _json_ld_objects(tree: lxml.html.HtmlElement) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            logger.debug("ignoring malformed JSON-LD block")
            continue
        pending = data if isinstance(data, list) else [data]
        while pending:
            item = pending.pop(0)
            if isinstance(item, dict):
                objects.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    pending.extend(graph)
    return objects


def _types_of(item: dict) -> set[str]:
    declared = item.get("@type", [])
    declared = declared if isinstance(declared, list) else [declared]
    return {str(t).lower() for t in declared}


def _meta(tree: lxml.html.HtmlElement, attribute: str, name: str) -> str | None:
    values = tree.xpath(f'//meta[@{attribute}="{name}"]/@content')
    return _clean(values[0]) if values else None


def _author_name(value: object) -> str | None:
    if isinstance(value, list):
        names = [_author_name(v) for v in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        return _clean(str(value.get("name", ""))) or None
    if isinstance(value, str):
        return _clean(value)
    return None


def _published(tree: lxml.html.HtmlElement, ld_article: dict | None, html: str, url: str):
    if ld_article:
        parsed = _parse_datetime(str(ld_article.get("datePublished") or ""))
        if parsed:
            return parsed, "json-ld"
    for attribute, name in PUBLISHED_META:
        parsed = _parse_datetime(_meta(tree, attribute, name))
        if parsed:
            return parsed, "meta"
    times = tree.xpath(
        '//time[@pubdate]/@datetime | //time[@itemprop="datePublished"]/@datetime'
        " | //article//time/@datetime | //time/@datetime"
    )
    for value in times:
        parsed = _parse_datetime(value)
        if parsed:
            return parsed, "time"
    found = htmldate.find_date(html, extensive_search=True, original_date=True, url=url)
    if found:
        return datetime.fromisoformat(found), "htmldate"
    return None, None


def _link_density(tree: lxml.html.HtmlElement) -> float:
    body = tree.find("body")
    if body is None:
        return 0.0
    ignored = "ancestor-or-self::*[self::nav or self::header or self::footer or self::script or self::style]"
    texts = body.xpath(f".//text()[not({ignored})]")
    total = sum(len(t.strip()) for t in texts)
    linked = sum(len(t.strip()) for t in body.xpath(f".//a//text()[not({ignored})]"))
    return linked / total if total else 0.0


# Header lines trafilatura keeps above the story (kicker, dateline, byline) are short and unpunctuated.
MAX_HEADER_WORDS = 5
HEADER_LINES = 6


def _drop_header_lines(text: str, title: str | None) -> str:
    """Remove the headline and short unpunctuated lines (kicker, dateline, byline) at the top of ``text``.

    >>> _drop_header_lines("Business\nBig news\nA standfirst of some length here.\n3 May 2024\nBody.", "Big news")
    'A standfirst of some length here.\nBody.'
    """
    lines = text.split("\n")
    head, rest = lines[:HEADER_LINES], lines[HEADER_LINES:]
    folded_title = " ".join(title.split()).casefold() if title else None
    kept = []
    for index, line in enumerate(head):
        stripped = " ".join(line.split())
        if folded_title and stripped.casefold() == folded_title:
            continue
        if folded_title and stripped.casefold().startswith(folded_title + " "):
            line = stripped[len(folded_title) + 1 :]  # a headline run into the first paragraph
            stripped = line
        is_short = len(stripped.split()) <= MAX_HEADER_WORDS and not stripped.endswith(
            (".", "!", "?", '"', "”")
        )
        if is_short and index < len(lines) - 1:
            continue
        kept.append(line)
    return "\n".join(kept + rest).strip()


def _main_text(html: str, url: str) -> str:
    """The article body by trafilatura; for pages laid out in tables, the prose cells of those tables."""
    options = {"url": url, "favor_precision": True, "include_comments": False, "output_format": "txt"}
    text = trafilatura.extract(html, include_tables=False, **options) or ""
    if len(text.split()) >= MIN_ARTICLE_WORDS:
        return text
    # Old sites lay whole pages out in tables: look inside them, keeping the cells that hold prose.
    tabled = trafilatura.extract(html, include_tables=True, **options) or ""
    cells = [cell.strip() for line in tabled.splitlines() for cell in line.split("|")]
    prose = "\n".join(cell for cell in cells if len(cell.split()) >= MIN_CELL_WORDS)
    return prose if len(prose.split()) > len(text.split()) else text


def _language(text: str, declared: str | None) -> str | None:
    if len(text.split()) >= 20:
        language, _ = py3langid.classify(text)
        return language
    return declared.split("-")[0].lower() if declared else None


def extract_article(html: str | bytes, url: str) -> Article:
    """Extract the article in ``html`` fetched from ``url``.

    >>> page = "<html><head><title>Hi</title></head><body><p>Too short.</p></body></html>"
    >>> extract_article(page, "https://example.com/a").skip_reason
    'too little text (0 words)'
    """
    html = decode_html(html)
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError) as error:
        return Article(
            url, canonicalize_url(url), None, "", None, None, None, skip_reason=f"unparsable HTML: {error}"
        )

    ld_objects = _json_ld_objects(tree)
    ld_article = next((o for o in ld_objects if _types_of(o) & ARTICLE_TYPES), None)
    declared_types = set().union(*(_types_of(o) for o in ld_objects)) if ld_objects else set()
    og_type = (_meta(tree, "property", "og:type") or "").lower()
    if og_type:
        declared_types.add(og_type)

    canonical = tree.xpath('//link[@rel="canonical"]/@href') or tree.xpath(
        '//meta[@property="og:url"]/@content'
    )
    canonical_url = canonicalize_url(urljoin(url, canonical[0].strip()) if canonical else url)

    title = (_clean(str(ld_article.get("headline") or "")) if ld_article else None) or _meta(
        tree, "property", "og:title"
    )
    if not title:
        h1 = tree.xpath("//h1")
        title = _clean(h1[0].text_content()) if h1 else _clean(tree.findtext(".//title"))

    author = _author_name(ld_article.get("author")) if ld_article else None
    author = author or _meta(tree, "name", "author")

    text = _main_text(html, url)
    text = _drop_header_lines(text, title)
    declared_language = (tree.get("lang") or "").strip() or (
        str(ld_article.get("inLanguage") or "") if ld_article else ""
    )
    language = _language(text, declared_language or None)
    published, published_from = _published(tree, ld_article, html, url)

    article = Article(url, canonical_url, title, text, published, published_from, language, author)
    article.skip_reason = _skip_reason(tree, article, declared_types, ld_article is not None)
    return article


def _skip_reason(tree, article: Article, declared_types: set[str], has_article_markup: bool) -> str | None:
    words = article.word_count
    if words < MIN_ARTICLE_WORDS:
        return f"too little text ({words} words)"
    teasers = len(tree.xpath("//article"))
    if teasers > MAX_ARTICLE_ELEMENTS:
        return f"index page ({teasers} article teasers)"
    headlines = len(tree.xpath("//*[self::h2 or self::h3 or self::h4][.//a]"))
    if headlines > MAX_LINKED_HEADLINES:
        return f"index page ({headlines} linked headlines)"
    density = _link_density(tree)
    if density > MAX_LINK_DENSITY:
        return f"index page (link density {density:.2f})"
    declares_other = bool(declared_types & NON_ARTICLE_TYPES) and not (declared_types & ARTICLE_TYPES)
    if declares_other and article.published_from in (None, "htmldate"):
        kind = sorted(declared_types & NON_ARTICLE_TYPES)[0]
        return f"not an article (declares type {kind!r} and no publication date)"
    if not has_article_markup and article.published is None:
        return "not an article (no publication date)"
    return None
