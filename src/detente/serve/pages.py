"""The dashboard's pages, built from the rows serve/queries.py returns. Each function returns the page's body as
Html; app.py wraps it in the layout. Every value from the store goes through esc() (serve/html.py)."""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlencode

from detente.serve.chart import chart_table, legend, monthly_chart
from detente.serve.doctext import annotated_text
from detente.serve.filters import (AUX_CHOICES, DEFAULT_LIMIT, KINDS, MAX_LIMIT, PLOVER_TYPES, STATUSES, EventFilters,
                                   Page)
from detente.serve.html import Html, definition_list, esc, external, form_field, join, link, path, table, tag

EXCERPT = 240


def excerpt(text: Optional[str], size: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def actor_link(actor: Optional[dict]) -> Html:
    if not actor:
        return Html('<span class="muted">—</span>')
    name = actor.get("name") or actor.get("actor_id") or "?"
    where = actor.get("country") or actor.get("org")
    label = f"{name} ({where})" if where and where != name and actor.get("kind") != "state" else name
    if not actor.get("actor_id"):
        return esc(label)
    return link(path("actors", actor["actor_id"]), label, title=actor.get("role") or None)


def party(actor: Optional[dict]) -> Optional[str]:
    if not actor:
        return None
    return actor.get("country") or actor.get("org") or actor.get("actor_id")


def dyad_link(a: Optional[str], b: Optional[str]) -> Html:
    if not a or not b:
        return esc(a or b or "—")
    x, y = sorted((a, b))
    return link(path("dyad", f"{x}-{y}"), f"{x}–{y}")


def event_kind(e: dict) -> Html:
    parts = [tag("span", e.get("plover") or "STATEMENT", class_="tag"), esc(f" {e.get('cameo') or ''}")]
    if e.get("mode"):
        parts.append(esc(f" · {e['mode']}"))
    if e.get("aux_mode"):
        parts.append(Html(" ") + tag("span", e["aux_mode"], class_="tag aux"))
    return join(parts)


def fmt_num(value: Any, digits: int = 1) -> str:
    return "" if value is None else f"{float(value):.{digits}f}"


def evidence_link(e: dict) -> Html:
    href = path("documents", e["doc_id"], query={"event": e["event_id"]}) + f"#ev-{e['event_id']}"
    return link(href, excerpt(e.get("sentence")))


def events_table(items: list[dict], titles: Optional[dict] = None) -> Html:
    rows = []
    for e in items:
        doc = (titles or {}).get(e["doc_id"]) or {}
        source = excerpt(doc.get("title") or e["doc_id"], 60)
        rows.append([
            esc(e.get("date") or "—"),
            dyad_link(party(e.get("source")), party(e.get("target"))),
            join([actor_link(e.get("source")), " → ", actor_link(e.get("target"))]),
            event_kind(e),
            fmt_num(e.get("goldstein")),
            join([evidence_link(e), Html('<br><span class="muted">'), esc(source), Html("</span>")]),
        ])
    return table(["date", "dyad", "source → target", "type", "Goldstein", "evidence"], rows, class_="events",
                 empty="No events match.")


def pager(base: str, query: dict, page: Page, total: int) -> Html:
    parts = []
    shown_to = min(total, page.offset + page.limit)
    parts.append(tag("span", f"{page.offset + 1 if total else 0}–{shown_to} of {total}", class_="muted"))
    keep = {k: v for k, v in query.items() if k not in ("offset",)}
    if page.offset > 0:
        parts.append(link(base + "?" + _qs({**keep, "offset": max(0, page.offset - page.limit)}), "← previous",
                          rel="prev"))
    if page.offset + page.limit < total:
        parts.append(link(base + "?" + _qs({**keep, "offset": page.offset + page.limit}), "next →", rel="next"))
    return Html('<nav class="pager">' + "".join(parts) + "</nav>")


def _qs(query: dict) -> str:
    return urlencode({k: v for k, v in query.items() if v not in (None, "")})


def page_query(page: Page, defaults: Page) -> dict:
    q = {}
    if page.limit != defaults.limit:
        q["limit"] = page.limit
    if page.order != defaults.order:
        q["order"] = page.order
    return q


# --- filter forms -------------------------------------------------------------------------------------------
def _limit_choices(current: int) -> list[tuple[str, str]]:
    values = sorted({25, 50, 100, 200, MAX_LIMIT, current})
    return [(str(v), f"{v} per page") for v in values]


def event_form(action: str, f: EventFilters, page: Page, with_mode: bool = True) -> Html:
    fields = [
        form_field("Text in sentence", "q", f.q, placeholder="arms control"),
        form_field("Dyad", "dyad", f.dyad, placeholder="RUS-USA"),
        form_field("Actor id", "actor", f.actor, placeholder="sergey-lavrov"),
        form_field("Country", "country", f.country, placeholder="RUS"),
        form_field("PLOVER type", "plover", f.plover, choices=[("", "any")] + [(p, p) for p in PLOVER_TYPES]),
        form_field("CAMEO root or code", "cameo", f.cameo, placeholder="04"),
    ]
    if with_mode:
        fields += [form_field("Mode", "mode", f.mode, placeholder="third-party"),
                   form_field("Auxiliary mode", "aux", f.aux, choices=[("", "any")] + [(a, a) for a in AUX_CHOICES])]
    fields += [
        form_field("Since", "since", f.since, placeholder="YYYY-MM-DD"),
        form_field("Until", "until", f.until, placeholder="YYYY-MM-DD"),
        form_field("Order", "order", page.order, choices=[("asc", "oldest first"), ("desc", "newest first")],
                   data_default="asc"),
        form_field("Page size", "limit", str(page.limit), choices=_limit_choices(page.limit),
                   data_default=str(DEFAULT_LIMIT)),
    ]
    actions = Html(f'<div class="actions"><button type="submit">Filter</button>{link(action, "clear")}</div>')
    inner = "".join(f"<div>{x}</div>" for x in fields)
    return Html(f'<form class="filters" method="get" action="{esc(action)}" data-drop-empty>{inner}{actions}</form>')


# --- pages --------------------------------------------------------------------------------------------------
def overview(counts: dict, dyads: list[dict], incidents: list[dict], documents: list[dict]) -> Html:
    cards = [("documents", counts["documents"], "/documents"), ("events", counts["events"], "/events"),
             ("incidents", counts["incidents"], "/incidents"), ("quotes", counts["quotes"], None),
             ("actors", counts["actors"], "/actors")]
    card_html = "".join(
        f'<li><span class="n">{esc(n)}</span>{link(href, name) if href else esc(name)}</li>' for name, n, href in cards)
    statuses = ", ".join(f"{n} {s}" for s, n in counts["statuses"].items())
    body = [tag("h1", "Overview"), Html(f'<ul class="cards">{card_html}</ul>'),
            tag("p", f"Documents by status: {statuses or 'none yet'}.", class_="muted")]
    if not counts["documents"]:
        body.append(Html(f'<p class="notice">The store is empty. {link("/ingest", "Ingest a page")} '
                         "or run <code>detente run INPUT --db STORE</code>.</p>"))
    body.append(tag("h2", "Most active dyads"))
    body.append(dyads_table(dyads))
    body.append(Html(f'<p>{link("/dyads", "All dyads")}</p>'))
    body.append(tag("h2", "Recent incidents"))
    body.append(incident_timeline(incidents))
    body.append(Html(f'<p>{link("/incidents?order=desc", "All incidents")}</p>'))
    body.append(tag("h2", "Latest documents"))
    body.append(documents_table(documents))
    return join(body)


def dyads_table(dyads: list[dict]) -> Html:
    rows = [[dyad_link(d["a"], d["b"]), d["events"], d["incidents"], fmt_num(d.get("mean_goldstein"), 2),
             f"{d.get('first') or '?'} – {d.get('last') or '?'}"] for d in dyads]
    return table(["dyad", "events", "incidents", "mean Goldstein (factual)", "dates"], rows, empty="No dyads yet.")


def incident_timeline(incidents: list[dict]) -> Html:
    if not incidents:
        return tag("p", "No incidents.", class_="empty")
    items = []
    for inc in incidents:
        lead = inc.get("lead") or {}
        what = join([tag("span", inc.get("plover") or "STATEMENT", class_="tag"), f" CAMEO {inc.get('cameo')} ",
                     actor_link(inc.get("source")), " → ", actor_link(inc.get("target"))])
        counts = (f"{inc.get('num_mentions')} mention{'s' if inc.get('num_mentions') != 1 else ''}, "
                  f"{inc.get('num_sources')} source{'s' if inc.get('num_sources') != 1 else ''}")
        quote = ""
        if lead.get("event_id"):
            href = path("documents", lead["doc_id"], query={"event": lead["event_id"]}) + f"#ev-{lead['event_id']}"
            quote = f"<blockquote>{link(href, excerpt(lead.get('sentence')))}</blockquote>"
        items.append(f'<li><span class="when">{esc(inc.get("date") or "undated")}</span>{what} '
                     f'<span class="muted">({esc(counts)})</span>{quote}</li>')
    return Html('<ol class="timeline">' + "".join(items) + "</ol>")


def documents_table(documents: list[dict]) -> Html:
    rows = [[esc(d.get("published") or "—"), link(path("documents", d["doc_id"]), d.get("title") or d["doc_id"]),
             esc(d.get("outlet") or ""), tag("span", d.get("status"), class_="tag"), d.get("events", ""),
             d.get("quotes", "")] for d in documents]
    return table(["published", "title", "outlet", "status", "events", "quotes"], rows, class_="documents",
                 empty="No documents.")


def events_page(f: EventFilters, page: Page, defaults: Page, total: int, items: list[dict], titles: dict) -> Html:
    query = {**f.query(), **page_query(page, defaults)}
    api = path("api", "events", query={**query, "offset": page.offset or None})
    heading = "Events" + (f" between {f.dyad.replace('-', ' and ')}" if f.dyad else "")
    return join([
        tag("h1", heading),
        event_form("/events", f, page),
        Html(f'<p><strong id="total">{esc(total)}</strong> event{"s" if total != 1 else ""} match. '
             f'{link(api, "The same as JSON")}</p>'),
        events_table(items, titles),
        pager("/events", {**query}, page, total),
    ])


def incidents_page(f: EventFilters, page: Page, defaults: Page, total: int, items: list[dict]) -> Html:
    query = {**f.query(), **page_query(page, defaults)}
    api = path("api", "incidents", query={**query, "offset": page.offset or None})
    return join([
        tag("h1", "Incidents"),
        tag("p", "One real-world event across its mentions in every document.", class_="muted"),
        event_form("/incidents", f, page, with_mode=False),
        Html(f'<p><strong>{esc(total)}</strong> incident{"s" if total != 1 else ""} match. '
             f'{link(api, "The same as JSON")}</p>'),
        incident_timeline(items),
        pager("/incidents", query, page, total),
    ])


def documents_page(params: dict, page: Page, defaults: Page, total: int, items: list[dict]) -> Html:
    query = {**{k: v for k, v in params.items() if v}, **page_query(page, defaults)}
    fields = [form_field("Text in title or body", "q", params.get("q")),
              form_field("Status", "status", params.get("status"), choices=[("", "any")] + [(s, s) for s in STATUSES]),
              form_field("Published since", "since", params.get("since"), placeholder="YYYY-MM-DD"),
              form_field("Published until", "until", params.get("until"), placeholder="YYYY-MM-DD"),
              form_field("Order", "order", page.order, choices=[("asc", "oldest first"), ("desc", "newest first")],
                         data_default="asc")]
    form = Html('<form class="filters" method="get" action="/documents" data-drop-empty>'
                + "".join(f"<div>{x}</div>" for x in fields)
                + f'<div class="actions"><button type="submit">Filter</button>{link("/documents", "clear")}</div>'
                  "</form>")
    if params.get("run"):
        form = Html(form + tag("p", f"Documents of run {params['run']}.", class_="muted"))
    return join([tag("h1", "Documents"), form,
                 Html(f"<p><strong>{esc(total)}</strong> document{'s' if total != 1 else ''}.</p>"),
                 documents_table(items), pager("/documents", query, page, total)])


def document_page(doc: dict, focus: Optional[str], original: Optional[dict]) -> Html:
    title = doc.get("title") or doc["doc_id"]
    url = doc.get("url")
    meta = definition_list([
        ("status", doc.get("status")),
        ("published", f"{doc.get('published')} ({doc.get('published_basis') or 'basis unknown'})"
         if doc.get("published") else None),
        ("outlet", doc.get("outlet")), ("author", doc.get("author")),
        ("URL", external(url) if url else None),
        ("source", doc.get("source")), ("language", doc.get("language")), ("encoding", doc.get("encoding")),
        ("duplicate of", link(path("documents", doc["duplicate_of"]), (original or {}).get("title")
                              or doc["duplicate_of"]) if doc.get("duplicate_of") else None),
        ("note", doc.get("error")),
        ("document id", doc["doc_id"]),
    ])
    events, quotes = doc.get("events") or [], doc.get("quotes") or []
    body = [tag("h1", title), meta]
    body.append(tag("h2", "Clean text"))
    body.append(Html('<p class="muted"><mark class="ev">Highlighted</mark>: the sentence an event was coded from '
                     '(hover for the event). <q class="quote">Underlined</q>: a quote.</p>'))
    text = doc.get("text") or ""
    body.append(Html(f'<article class="doctext">{annotated_text(text, events, quotes, focus)}</article>') if text
                else tag("p", "No clean text.", class_="empty"))
    body.append(tag("h2", f"Events ({len(events)})"))
    rows = [[link(f"#ev-{e['event_id']}", e.get("date") or "—"),
             join([actor_link(e.get("source")), " → ", actor_link(e.get("target"))]), event_kind(e),
             fmt_num(e.get("goldstein")), esc(e.get("date_text") or ""),
             esc(((e.get("location") or {}) if isinstance(e.get("location"), dict) else {}).get("name") or ""),
             fmt_num(e.get("confidence"), 2)] for e in events]
    body.append(table(["date", "source → target", "type", "Goldstein", "date in text", "place", "confidence"], rows,
                      class_="doc-events", empty="No events were coded from this document."))
    body.append(tag("h2", f"Quotes ({len(quotes)})"))
    q_rows = [[link(f"#q-{q['quote_id']}", excerpt(q.get("text"), 160)), actor_link(q.get("speaker")),
               esc(q.get("cue") or "")] for q in quotes]
    body.append(table(["quote", "speaker", "cue"], q_rows, empty="No quotes."))
    actors: dict[str, dict] = {}
    for m in doc.get("entities") or []:
        a = actors.setdefault(m.get("actor_id") or "?", {**m, "mentions": 0})
        a["mentions"] += 1
    body.append(tag("h2", f"Actors ({len(actors)})"))
    a_rows = [[actor_link(a), esc(a.get("role") or ""), esc(a.get("sector") or ""), a["mentions"]]
              for a in sorted(actors.values(), key=lambda a: (-a["mentions"], a.get("actor_id") or ""))]
    body.append(table(["actor", "role at this date", "sector", "mentions"], a_rows, empty="No actors."))
    removed = doc.get("removed") or []
    body.append(tag("h2", f"Removed lines ({len(removed)})"))
    if removed:
        lines = [(r.get("text"), r.get("reason")) if isinstance(r, dict) else (r, None) for r in removed]
        items = "".join(f"<li><del>{esc(text)}</del>{tag('span', reason or 'removed', class_='reason')}</li>"
                        for text, reason in lines)
        body.append(Html(f'<ul class="removed">{items}</ul>'))
    else:
        body.append(tag("p", "The clean stage removed nothing.", class_="empty"))
    body.append(Html(f'<p>{link(path("api", "documents", doc["doc_id"]), "This document as JSON")}</p>'))
    return join(body)


def actors_page(params: dict, page: Page, defaults: Page, total: int, items: list[dict]) -> Html:
    query = {**{k: v for k, v in params.items() if v}, **page_query(page, defaults)}
    fields = [form_field("Name or id", "q", params.get("q")),
              form_field("Country", "country", params.get("country"), placeholder="RUS"),
              form_field("Kind", "kind", params.get("kind"), choices=[("", "any")] + [(k, k) for k in KINDS])]
    form = Html('<form class="filters" method="get" action="/actors" data-drop-empty>'
                + "".join(f"<div>{x}</div>" for x in fields)
                + f'<div class="actions"><button type="submit">Filter</button>{link("/actors", "clear")}</div></form>')
    rows = [[actor_link(a), esc(a.get("kind") or ""), esc(a.get("country") or a.get("org") or ""),
             esc(a.get("sector") or ""), a["mentions"], a["documents"], a["events"]] for a in items]
    return join([tag("h1", "Actors"), form, Html(f"<p><strong>{esc(total)}</strong> actors.</p>"),
                 table(["actor", "kind", "country / org", "usual sector", "mentions", "documents", "events"], rows,
                       empty="No actors match."),
                 pager("/actors", query, page, total)])


def actor_page(actor: dict, total: int, events: list[dict], titles: dict) -> Html:
    name = actor.get("name") or actor["actor_id"]
    meta = definition_list([("id", actor["actor_id"]), ("kind", actor.get("kind")), ("country", actor.get("country")),
                            ("organisation", actor.get("org")), ("usual sector", actor.get("sector")),
                            ("mentions", f"{actor['mentions']} in {actor['documents']} documents"),
                            ("events", actor["events"])])
    role_rows = [[esc(r.get("date") or "undated"), tag("span", r.get("role") or "no role named",
                                                       class_="role" if r.get("role") else "muted"),
                  link(path("documents", r["doc_id"]), r.get("title") or r["doc_id"]), r["mentions"]]
                 for r in actor.get("roles") or []]
    chart = monthly_chart(actor.get("months") or [], f"Events of {name} per month",
                          link=lambda m: path("events", query={"actor": actor["actor_id"], "since": m, "until": m,
                                                               "aux": "factual"}))
    more = path("events", query={"actor": actor["actor_id"]})
    return join([
        tag("h1", name), meta,
        tag("h2", "Events over time"), chart, legend(), chart_table(actor.get("months") or []),
        tag("h2", "Role at each date"),
        tag("p", "The role each document's date gives the actor (from its mentions).", class_="muted"),
        table(["date", "role", "document", "mentions"], role_rows, class_="roles", empty="No mentions."),
        tag("h2", f"Events ({total})"),
        events_table(events, titles),
        Html(f"<p>{link(more, 'All its events, with filters')}</p>") if total > len(events) else Html(""),
    ])


def dyads_page(page: Page, total: int, items: list[dict], since: Optional[str], until: Optional[str]) -> Html:
    query = {"since": since, "until": until}
    fields = [form_field("Since", "since", since, placeholder="YYYY-MM-DD"),
              form_field("Until", "until", until, placeholder="YYYY-MM-DD")]
    form = Html('<form class="filters" method="get" action="/dyads" data-drop-empty>'
                + "".join(f"<div>{x}</div>" for x in fields)
                + f'<div class="actions"><button type="submit">Filter</button>{link("/dyads", "clear")}</div></form>')
    return join([tag("h1", "Dyads"),
                 tag("p", "Pairs of countries (or organisations) with coded events between them, either way.",
                     class_="muted"),
                 form, dyads_table(items), pager("/dyads", query, page, total)])


def dyad_page(summary: dict, incidents: list[dict], incidents_total: int) -> Html:
    dyad = summary["dyad"]
    a, b = dyad.split("-")
    months = summary["months"]
    chart = monthly_chart(months, f"Cooperation and conflict between {a} and {b} per month",
                          link=lambda m: path("events", query={"dyad": dyad, "since": m, "until": m, "aux": "factual"}))
    events_link = path("events", query={"dyad": dyad})
    mean = fmt_num(summary.get("mean_goldstein"), 2) or "—"
    more = (Html(f"<p>{link(path('incidents', query={'dyad': dyad}), f'All {incidents_total} incidents')}</p>")
            if incidents_total > len(incidents) else Html(""))
    return join([
        tag("h1", f"{a}–{b}"),
        Html(f'<ul class="cards"><li><span class="n">{esc(summary["events"])}</span>{link(events_link, "events")}</li>'
             f'<li><span class="n">{esc(summary["incidents"])}</span>incidents</li>'
             f'<li><span class="n">{esc(mean)}</span>mean Goldstein (factual)</li></ul>'),
        tag("h2", "Cooperation–conflict per month"),
        tag("p", "Factual events (not planned, hypothetical or denied) dated to at least a month: counts per "
                 "quad class, and the month's mean Goldstein weight (−10 conflict to +10 cooperation). A month "
                 "links to its events.", class_="muted"),
        chart, legend(), chart_table(months),
        tag("h2", "Incident timeline"),
        incident_timeline(incidents), more,
        Html(f"<p>{link(events_link, 'Every event of this dyad')}</p>"),
    ])


def ingest_page(max_bytes: int, message: Optional[str] = None, values: Optional[dict] = None) -> Html:
    values = values or {}
    err = tag("p", message, class_="error", role="alert") if message else Html("")
    kinds = form_field("Pasted content is", "format", values.get("format") or "auto",
                       choices=[("auto", "detect"), ("text", "text"), ("html", "HTML")])
    return join([
        tag("h1", "Ingest"),
        tag("p", "Paste an article (text or HTML) or upload a file (.txt, .html, .jsonl, .warc, .warc.gz). It runs "
                 "through the whole pipeline into this store, and you land on the new document.", class_="muted"),
        err,
        Html(f'<form class="ingest" method="post" action="/ingest" enctype="multipart/form-data" '
             f'data-max-bytes="{esc(max_bytes)}">'
             f'<div><label for="f-text">Pasted text or HTML</label>'
             f'<textarea id="f-text" name="text">{esc(values.get("text") or "")}</textarea></div>'
             f"<div>{kinds}</div>"
             f'<div>{form_field("Its URL (optional, http or https)", "url", values.get("url"), kind="url")}</div>'
             f'<div>{form_field("Its title (optional)", "title", values.get("title"))}</div>'
             f'<div>{form_field("Published (optional, YYYY-MM-DD)", "published", values.get("published"))}</div>'
             f'<div>{form_field(f"Or a file (at most {max_bytes:,} bytes)", "file", kind="file")}'
             '<span class="size-note muted" aria-live="polite"></span></div>'
             '<div class="actions"><button type="submit">Ingest</button></div></form>'),
    ])


def docs_page(schema: dict) -> Html:
    """The API, listed from the OpenAPI schema (FastAPI's Swagger page loads from a CDN; this one needs nothing)."""
    info = schema.get("info") or {}
    parts = [tag("h1", "API"),
             tag("p", info.get("description") or "", class_="muted"),
             Html(f'<p>The full schema: {link("/openapi.json", "/openapi.json")}. Lists answer '
                  '<code>{"total", "limit", "offset", "items"}</code>, ordered by date, then id.</p>')]
    for route, methods in sorted((schema.get("paths") or {}).items()):
        for method, op in methods.items():
            params = op.get("parameters") or []
            rows = []
            for p in params:
                s = p.get("schema") or {}
                kinds = [x.get("type") for x in s.get("anyOf", []) if x.get("type") not in (None, "null")]
                kind = s.get("type") or "/".join(kinds) or ""
                if "enum" in s:
                    kind += " (" + ", ".join(map(str, s["enum"])) + ")"
                examples = s.get("examples") or []
                rows.append([Html(f"<code>{esc(p.get('name'))}</code>"), esc(p.get("in")), esc(kind),
                             esc(p.get("description") or s.get("description") or ""),
                             esc(", ".join(map(str, examples)))])
            try_it = (Html(" ") + link(route, "open")) if method == "get" and "{" not in route else Html("")
            parts.append(Html(f'<section class="endpoint"><h2><span class="method">{esc(method.upper())}</span>'
                              f"<code>{esc(route)}</code>{try_it}</h2>"))
            parts.append(tag("p", op.get("summary") or "", class_="muted"))
            if op.get("description"):
                parts.append(tag("p", op["description"]))
            if rows:
                parts.append(table(["parameter", "in", "type", "what", "example"], rows))
            parts.append(Html("</section>"))
    return join(parts)


def error_page(status: int, title: str, messages: list[str]) -> Html:
    items = "".join(f"<li>{esc(m)}</li>" for m in messages)
    return join([tag("h1", f"{status}: {title}"), Html(f'<div class="error" role="alert"><ul>{items}</ul></div>'),
                 Html(f"<p>{link('/', 'Back to the overview')}</p>")])


__all__ = ["overview", "events_page", "incidents_page", "documents_page", "document_page", "actors_page", "actor_page",
           "dyads_page", "dyad_page", "ingest_page", "docs_page", "error_page"]
