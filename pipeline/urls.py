"""Canonical URLs: the identity of an article across feeds, sitemaps, links and tracking parameters."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as w3lib_canonicalize_url

# Query parameters that only say how a reader arrived; they never change the page.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "ref",
        "ref_src",
        "cmpid",
        "ocid",
        "smid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "guccounter",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "__twitter")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """The canonical form of ``url``: tracking parameters and fragment dropped, query sorted.

    >>> canonicalize_url("HTTPS://Example.com/a/b?utm_source=rss&id=2#top")
    'https://example.com/a/b?id=2'
    """
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    cleaned = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))
    return w3lib_canonicalize_url(cleaned, keep_fragments=False)


def article_id(canonical_url: str) -> str:
    """The deterministic primary key of an article: a hash of its canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


# Query parameters that carry credentials: their values never reach the database or the logs.
SECRET_PARAMETERS = frozenset(
    {
        "token",
        "access_token",
        "auth",
        "auth_token",
        "api_key",
        "apikey",
        "password",
        "passwd",
        "secret",
        "client_secret",
        "signature",
        "sig",
        "sessionid",
        "jwt",
    }
)
REDACTED = "REDACTED"
_URL_IN_TEXT = re.compile(r"""https?://[^\s'"<>]+""")


_USER_INFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*@")
_SECRET_VALUE = re.compile(r"([?&;](?:" + "|".join(sorted(SECRET_PARAMETERS)) + r")=)[^&;#]*", re.IGNORECASE)


def _scrub(url: str) -> str:
    """What ``redact_url`` does, by pattern, for a URL that ``urlsplit`` refuses.

    >>> _scrub("http://u:pw@[oops/?token=abc")
    'http://[oops/?token=REDACTED'
    """
    without_user = _USER_INFO.sub(lambda m: f"{m[1] or ''}//", url, count=1)
    return _SECRET_VALUE.sub(lambda m: m[1] + REDACTED, without_user)


def redact_url(url: str) -> str:
    """``url`` without a user name or password, and with the values of credential parameters replaced.

    >>> redact_url("https://user:pw@example.com/rss?token=abc&id=2")
    'https://example.com/rss?token=REDACTED&id=2'
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[oops/": not a URL to take apart, but it may still hold a secret
        return _scrub(url)
    netloc = parts.netloc.rpartition("@")[2]
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if netloc == parts.netloc and not any(k.lower() in SECRET_PARAMETERS for k, _ in pairs):
        return url
    query = urlencode([(k, REDACTED if k.lower() in SECRET_PARAMETERS else v) for k, v in pairs], safe="/:")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str) -> str:
    """Every URL in ``text`` redacted as by ``redact_url`` (for log lines and messages)."""
    return _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)
