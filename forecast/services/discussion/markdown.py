"""A comment's Markdown as HTML: rendered by markdown-it, then cleaned by nh3 (ammonia).

markdown-it runs with raw HTML off (typed tags come out as text) and nh3 then keeps only the
tags and attributes below, so nothing a commenter types can run in a reader's browser: no
script, no event attribute, no style, no javascript: or data: link. Links open as ordinary
links with rel="nofollow noopener noreferrer" (search engines give spam no credit for them).
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable(["table", "strikethrough"])


def render(body: str) -> str:
    """Return the body's Markdown as sanitised HTML."""
    return nh3.clean(
        _parser.render(body),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
