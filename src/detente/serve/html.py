"""HTML building blocks for the dashboard. Everything from the store is untrusted (scraped text, titles, URLs, actor
names, error messages): it goes through `esc()` into text and quoted attributes, and a URL becomes a link only when
it is plain web (http or https with a host). Markup this module builds itself is an `Html` string, which `esc()`
passes through; any other value is escaped, so forgetting to escape fails safe.
"""
from __future__ import annotations

import html
from typing import Any, Iterable, Mapping, Optional
from urllib.parse import quote, urlencode, urlsplit


class Html(str):
    """Markup that is already safe to put in a page. Adding anything else to it escapes that first."""

    def __add__(self, other: Any) -> "Html":
        return Html(str.__add__(self, esc(other)))

    def __radd__(self, other: Any) -> "Html":
        return Html(str.__add__(esc(other), self))


def esc(value: Any) -> Html:
    if isinstance(value, Html):
        return value
    if value is None:
        return Html("")
    return Html(html.escape(str(value), quote=True))


def join(parts: Iterable[Any], sep: str = "") -> Html:
    return Html(esc(sep).join(esc(p) for p in parts))


def _open(element: str, attrs: dict[str, Any]) -> str:
    parts = [element]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        key = key.rstrip("_").replace("_", "-")
        parts.append(key if value is True else f'{key}="{esc(value)}"')
    return "<" + " ".join(parts) + ">"


def tag(element: str, content: Any = "", /, **attrs: Any) -> Html:
    """<name attrs>content</name>; attribute values are escaped and quoted, `class_` is `class`, None and False are
    left out, True is a bare attribute."""
    return Html(f"{_open(element, attrs)}{esc(content)}</{element}>")


def void(element: str, /, **attrs: Any) -> Html:
    """An element without content (input, br)."""
    return Html(_open(element, attrs))


def path(*segments: Any, query: Optional[Mapping[str, Any]] = None) -> str:
    """A path inside this app: each segment percent-encoded, the query encoded (empty values left out)."""
    url = "/" + "/".join(quote(str(s), safe="") for s in segments if s is not None and s != "")
    params = {k: v for k, v in (query or {}).items() if v is not None and v != ""}
    return url + ("?" + urlencode(params) if params else "")


def link(href: str, content: Any, /, **attrs: Any) -> Html:
    return tag("a", content, href=href, **attrs)


_URL_STRIP = "".join(map(chr, range(0x21)))


def safe_url(url: Any) -> Optional[str]:
    """The URL when a reader may follow it (http or https, with a host), else None. Browsers ignore tabs and line
    breaks inside a URL and controls at its ends, so they are dropped before the scheme is read."""
    if not isinstance(url, str) or not url:
        return None
    cleaned = url.strip(_URL_STRIP).replace("\t", "").replace("\n", "").replace("\r", "")
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return cleaned


def external(url: Any, content: Any = None) -> Html:
    """A link out when the URL is plain web; otherwise the URL as text."""
    target = safe_url(url)
    if target is None:
        return tag("span", url if content is None else content, class_="nolink", title="not a web link")
    return tag("a", url if content is None else content, href=target, rel="noopener noreferrer nofollow",
               class_="external")


def table(headers: list[Any], rows: Iterable[list[Any]], class_: Optional[str] = None,
          empty: str = "Nothing here.") -> Html:
    body = [Html("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>") for row in rows]
    if not body:
        return tag("p", empty, class_="empty")
    head = "<tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in headers) + "</tr>"
    return Html(f'<div class="scroll"><table{_class(class_)}><thead>{head}</thead><tbody>{"".join(body)}</tbody>'
                "</table></div>")


def _class(name: Optional[str]) -> str:
    return f' class="{esc(name)}"' if name else ""


def definition_list(items: Iterable[tuple[Any, Any]]) -> Html:
    parts = [f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if v not in (None, "")]
    return Html('<dl class="meta">' + "".join(parts) + "</dl>")


NAV = (("Overview", "/"), ("Events", "/events"), ("Incidents", "/incidents"), ("Dyads", "/dyads"),
       ("Documents", "/documents"), ("Actors", "/actors"), ("Ingest", "/ingest"), ("API", "/docs"))


def page(title: Any, body: Any, *, current: str = "", store_name: str = "") -> Html:
    nav = "".join(
        str(tag("a", label, href=href, aria_current="page" if href == current else None)) for label, href in NAV)
    footer = f"Store {esc(store_name)}. " if store_name else ""
    return Html(
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · Detente</title>"
        '<link rel="stylesheet" href="/static/app.css">'
        '<script src="/static/app.js" defer></script>'
        "</head><body>"
        f'<header class="top"><a class="brand" href="/">Detente</a><nav>{nav}</nav></header>'
        f"<main>{esc(body)}</main>"
        f'<footer>{footer}Every item links to the sentence it came from. '
        '<a href="/openapi.json">OpenAPI schema</a></footer>'
        "</body></html>\n")


def form_field(label: str, name: str, value: Any = None, *, kind: str = "text", placeholder: str = "",
               choices: Optional[list[tuple[str, str]]] = None, **attrs: Any) -> Html:
    """A labelled input (or a select when `choices` are given), prefilled with the current value."""
    field_id = f"f-{name}"
    if choices is not None:
        options = "".join(
            str(tag("option", label, value=val, selected=(str(value or "") == val))) for val, label in choices)
        control = Html(f"{_open('select', {'id': field_id, 'name': name, **attrs})}{options}</select>")
    else:
        control = void("input", id=field_id, name=name, type=kind, value=value, placeholder=placeholder or None,
                       **attrs)
    return Html(f'<label for="{esc(field_id)}">{esc(label)}</label>{control}')
