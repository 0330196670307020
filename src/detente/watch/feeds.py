"""RSS 2.0 (and 1.0) and Atom feeds: the items' link, title, date and id, read with the standard library.

Elements are matched by their local name, so namespaced feeds (Atom, RDF, dc:date) read the same way. A feed that
is not well-formed XML, or is neither RSS nor Atom, raises FeedError with a one-line reason.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Optional
from urllib.parse import urljoin, urlsplit


class FeedError(ValueError):
    """A feed that cannot be read; the message is one line."""


@dataclass
class Item:
    link: str                        # absolute http(s) URL of the page
    title: Optional[str] = None
    published: Optional[str] = None  # YYYY-MM-DD as the feed dates it (the publisher's own day), or the raw text
    guid: Optional[str] = None       # the item's guid (RSS) or id (Atom)

    @property
    def key(self) -> str:
        """What identifies the item across polls: its guid or id, else its link."""
        return self.guid or self.link


@dataclass
class Feed:
    title: Optional[str]
    kind: str                        # rss | atom
    items: list[Item] = field(default_factory=list)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _children(el, name: str) -> list:
    return [c for c in el if _local(c.tag) == name]


def _text(el, name: str) -> Optional[str]:
    for c in _children(el, name):
        text = " ".join("".join(c.itertext()).split())
        if text:
            return text
    return None


def feed_date(text: Optional[str]) -> Optional[str]:
    """RFC 822 (RSS) or ISO 8601 (Atom, dc:date) to YYYY-MM-DD, keeping the feed's own day (no time zone shift,
    as a relative date in the text is the publisher's); text that is no date is passed on as it is."""
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    found = re.match(r"\s*(\d{4}-\d{2}-\d{2})", text)
    return found.group(1) if found else text.strip()


def _absolute(link: Optional[str], base: str) -> Optional[str]:
    if not link:
        return None
    url = urljoin(base, link.strip())
    return url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc else None


def _rss_item(el, base: str) -> Optional[Item]:
    guid_el = next(iter(_children(el, "guid")), None)
    guid = " ".join("".join(guid_el.itertext()).split()) if guid_el is not None else None
    link = _absolute(_text(el, "link"), base)
    if link is None and guid and (guid_el.get("isPermaLink") or "true").lower() != "false":
        link = _absolute(guid, base)  # a permalink guid is the item's link
    if link is None:
        return None
    published = _text(el, "pubdate") or _text(el, "date")
    return Item(link=link, title=_text(el, "title"), published=feed_date(published), guid=guid or None)


def _atom_link(el, base: str) -> Optional[str]:
    """The entry's page: its rel="alternate" link (a link without rel is one), else its first link."""
    links = [link for link in _children(el, "link") if link.get("href")]
    alternate = [link for link in links if (link.get("rel") or "alternate") == "alternate"]
    chosen = (alternate or links or [None])[0]
    return _absolute(chosen.get("href"), base) if chosen is not None else None


def _atom_entry(el, base: str) -> Optional[Item]:
    link = _atom_link(el, base)
    if link is None:
        return None
    published = _text(el, "published") or _text(el, "updated")
    return Item(link=link, title=_text(el, "title"), published=feed_date(published), guid=_text(el, "id"))


def parse_feed(data: bytes, base_url: str) -> Feed:
    """The feed's items in the order the feed lists them. Relative links are resolved against `base_url`."""
    if b"<!ENTITY" in data[:65536]:
        raise FeedError("declares XML entities, which are not read")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise FeedError(f"not well-formed XML ({err})") from None
    name = _local(root.tag)
    if name == "feed":
        entries = [_atom_entry(e, base_url) for e in _children(root, "entry")]
        return Feed(title=_text(root, "title"), kind="atom", items=[e for e in entries if e])
    if name in ("rss", "rdf"):
        channel = next(iter(_children(root, "channel")), None)
        # RSS 2.0 keeps items in the channel; RSS 1.0 (RDF) beside it
        items_in = _children(channel, "item") if channel is not None and name == "rss" else _children(root, "item")
        items = [_rss_item(i, base_url) for i in items_in]
        title = _text(channel, "title") if channel is not None else None
        return Feed(title=title, kind="rss", items=[i for i in items if i])
    raise FeedError(f"not an RSS or Atom feed (its root element is <{name}>)")
