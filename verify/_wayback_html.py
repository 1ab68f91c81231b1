"""Undo what the Wayback Machine does to an archived page: its toolbar, injected scripts and rewritten URLs."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

# `<!-- BEGIN WAYBACK TOOLBAR INSERT -->` ... `<!-- END WAYBACK TOOLBAR INSERT -->` is the banner in the body.
_TOOLBAR = re.compile(
    r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->", re.I | re.S
)
# The head insert ends with this comment; everything the archive put before it in <head> is its own.
_HEAD_INSERT = re.compile(
    r"<script[^>]*(?:archive\.org|/_static/)[^>]*>.*?<!--\s*End Wayback Rewrite JS Include\s*-->", re.I | re.S
)
# `/web/20191118093000im_/https://...`, absolute or root-relative, with any of the archive's modifiers.
# A page's own host may show up instead of the archive's when a rewritten relative href was resolved too early.
_REWRITTEN = re.compile(r"^(?:(?:https?:)?//(?P<host>[^/?#]+))?/web/\d{1,14}(?:[a-z]{2}_|\*)?/+(?P<original>.*)$", re.I)
_SCHEME_SQUASHED = re.compile(r"^(https?):/+", re.I)
# Markers of scripts, styles and links the archive injects into every replayed page.
INJECTED_MARKERS = (
    "web-static.archive.org",
    "archive.org/_static",
    "archive.org/includes",
    "/_static/js/",
    "/_static/css/",
    "wombat",
    "__wm.",
    "__wm_",
    "_wb_",
    "ruffleplayer",
)


def strip_toolbar(html: str) -> str:
    """The page without the archive's toolbar block and its head insert."""
    return _HEAD_INSERT.sub("", _TOOLBAR.sub("", html))


def is_injected(url_or_code: str) -> bool:
    """Whether a script source, stylesheet href or inline script is one the archive added."""
    lowered = url_or_code.lower()
    return any(marker in lowered for marker in INJECTED_MARKERS)


def original_url(url: str) -> str:
    """`url` with a Wayback `/web/<timestamp><modifier>/` prefix undone; other URLs are returned unchanged."""
    match = _REWRITTEN.match(url.strip())
    if match is None:
        return url.strip()
    original = match.group("original")
    host = (match.group("host") or "archive.org").lower()
    if not host.endswith("archive.org") and not _SCHEME_SQUASHED.match(original):
        return url.strip()
    if _SCHEME_SQUASHED.match(original):
        return _SCHEME_SQUASHED.sub(lambda m: m.group(1).lower() + "://", original, count=1)
    if original.startswith("//"):
        return "http:" + original
    return "http://" + original if original else url.strip()


def absolute_url(href: str, base: str | None) -> str:
    """`href` made absolute against the (original, not archived) `base`, with Wayback rewriting undone."""
    href = href.strip()
    undone = original_url(href)
    if undone != href:
        return undone
    if base:
        try:
            return original_url(urljoin(base, href))
        except ValueError:
            return href
    return href


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
