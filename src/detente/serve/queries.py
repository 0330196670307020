"""The questions the API and the dashboard ask of the store, one function each, over a request's Reader.

Lists return (total, items): `total` counts every row the filters keep, `items` is the page asked for, in a stable
order (date, then id), so that paging through a list sees each row once.
"""
from __future__ import annotations

from typing import Any, Optional

from detente.serve.filters import EventFilters, Page, Where, date_clause, date_order, json_party, party
from detente.serve.store import Reader, contract_row

FACTUAL = "(aux_mode IS NULL OR aux_mode = 'historical')"
DATED_MONTH = "(date IS NOT NULL AND date NOT LIKE 'X%' AND length(date) >= 7)"


def _page(r: Reader, table_sql: str, where: Where, order: str, page: Page, select: str = "*") -> tuple[int, list]:
    total = r.scalar(f"SELECT count(*) FROM {table_sql}{where.sql()}", where.params)
    rows = r.rows(f"SELECT {select} FROM {table_sql}{where.sql()} ORDER BY {order} LIMIT ? OFFSET ?",
                  where.params + [page.limit, page.offset])
    return int(total or 0), rows


# --- overview -----------------------------------------------------------------------------------------------
def counts(r: Reader) -> dict[str, Any]:
    statuses = {s: int(n) for s, n in r.con.execute(
        "SELECT status, count(*) FROM documents GROUP BY status ORDER BY status").fetchall()}
    return {
        "documents": sum(statuses.values()),
        "statuses": statuses,
        "events": int(r.scalar("SELECT count(*) FROM events") or 0),
        "incidents": int(r.scalar("SELECT count(*) FROM incidents") or 0),
        "quotes": int(r.scalar("SELECT count(*) FROM quotes") or 0),
        "actors": int(r.scalar("SELECT count(DISTINCT actor_id) FROM entities") or 0),
    }


# --- events -------------------------------------------------------------------------------------------------
def list_events(r: Reader, f: EventFilters, page: Page) -> tuple[int, list[dict]]:
    total, rows = _page(r, "events", f.where(), date_order("date", page.order, "event_id"), page)
    return total, [contract_row("events", row) for row in rows]


def get_event(r: Reader, event_id: str) -> Optional[dict]:
    row = r.one("SELECT * FROM events WHERE event_id = ?", [event_id])
    return contract_row("events", row) if row else None


def document_titles(r: Reader, doc_ids: list[str]) -> dict[str, dict]:
    if not doc_ids:
        return {}
    rows = r.rows("SELECT doc_id, title, outlet, published, url FROM documents WHERE list_contains(?, doc_id)",
                  [sorted(set(doc_ids))])
    return {row["doc_id"]: row for row in rows}


# --- incidents ----------------------------------------------------------------------------------------------
_LEAD = ("(SELECT incident_id, event_id AS lead_event_id, doc_id AS lead_doc_id, sentence AS lead_sentence, "
         "row_number() OVER (PARTITION BY incident_id ORDER BY confidence DESC NULLS LAST, event_id) AS rank "
         "FROM events WHERE incident_id IS NOT NULL)")


def incident_where(f: EventFilters) -> Where:
    w = Where()
    src, tgt = "i.source", "i.target"
    if f.actor:
        w.add(f"(json_extract_string({src}, '$.actor_id') = ? OR json_extract_string({tgt}, '$.actor_id') = ?)",
              f.actor, f.actor)
    if f.country:
        w.add(f"(json_extract_string({src}, '$.country') = ? OR json_extract_string({tgt}, '$.country') = ?)",
              f.country, f.country)
    if f.dyad:
        a, b = f.dyad.split("-")
        ps, pt = json_party(src), json_party(tgt)
        w.add(f"(({ps} = ? AND {pt} = ?) OR ({ps} = ? AND {pt} = ?))", a, b, b, a)
    if f.plover:
        w.add("i.plover = ?", f.plover)
    if f.cameo:
        w.add("starts_with(i.cameo, ?)", f.cameo)
    if f.mode or f.aux or f.q:  # properties of the incident's events
        inner = EventFilters(mode=f.mode, aux=f.aux, q=f.q).where("e.")
        inner.add("e.incident_id = i.incident_id")
        w.add(f"EXISTS (SELECT 1 FROM events e{inner.sql()})", *inner.params)
    date_clause("i.date", f.since, f.until, w)
    return w


def list_incidents(r: Reader, f: EventFilters, page: Page) -> tuple[int, list[dict]]:
    table = f"incidents i LEFT JOIN {_LEAD} lead ON lead.incident_id = i.incident_id AND lead.rank = 1"
    total, rows = _page(r, table, incident_where(f), date_order("i.date", page.order, "i.incident_id"), page,
                        select="i.*, lead.lead_event_id, lead.lead_doc_id, lead.lead_sentence")
    items = []
    for row in rows:
        lead = {"event_id": row.pop("lead_event_id"), "doc_id": row.pop("lead_doc_id"),
                "sentence": row.pop("lead_sentence")}
        item = contract_row("incidents", row)
        item["lead"] = lead if lead["event_id"] else None
        items.append(item)
    return total, items


# --- documents ----------------------------------------------------------------------------------------------
SUMMARY = ("doc_id, source, url, status, duplicate_of, title, outlet, author, published, published_basis, language, "
           "encoding, error, run_id")


def list_documents(r: Reader, page: Page, status: Optional[str] = None, q: Optional[str] = None,
                   since: Optional[str] = None, until: Optional[str] = None,
                   run: Optional[str] = None) -> tuple[int, list[dict]]:
    w = Where()
    if status:
        w.add("status = ?", status)
    if q:
        w.add("(contains(lower(coalesce(title, '')), ?) OR contains(lower(coalesce(text, '')), ?))",
              q.lower(), q.lower())
    if run:
        w.add("run_id = ?", run)
    date_clause("published", since, until, w)
    select = (SUMMARY + ", (SELECT count(*) FROM events e WHERE e.doc_id = d.doc_id) AS events, "
              "(SELECT count(*) FROM quotes q WHERE q.doc_id = d.doc_id) AS quotes")
    return _page(r, "documents d", w, date_order("published", page.order, "doc_id"), page, select=select)


def get_document(r: Reader, doc_id: str) -> Optional[dict]:
    row = r.one("SELECT * FROM documents WHERE doc_id = ?", [doc_id])
    if row is None:
        return None
    doc = contract_row("documents", row)
    doc["removed"] = doc.get("removed") or []
    doc["events"] = [contract_row("events", e) for e in
                     r.rows("SELECT * FROM events WHERE doc_id = ? ORDER BY span_start, event_id", [doc_id])]
    doc["quotes"] = [contract_row("quotes", q) for q in
                     r.rows("SELECT * FROM quotes WHERE doc_id = ? ORDER BY span_start, quote_id", [doc_id])]
    doc["entities"] = [contract_row("entities", m) for m in
                       r.rows("SELECT * FROM entities WHERE doc_id = ? ORDER BY span_start, actor_id", [doc_id])]
    return doc


# --- quotes -------------------------------------------------------------------------------------------------
def list_quotes(r: Reader, page: Page, actor: Optional[str] = None, country: Optional[str] = None,
                q: Optional[str] = None, doc_id: Optional[str] = None, since: Optional[str] = None,
                until: Optional[str] = None) -> tuple[int, list[dict]]:
    w = Where()
    if actor:
        w.add("qu.speaker_actor_id = ?", actor)
    if country:
        w.add("json_extract_string(qu.speaker, '$.country') = ?", country)
    if q:
        w.add("contains(lower(qu.text), ?)", q.lower())
    if doc_id:
        w.add("qu.doc_id = ?", doc_id)
    date_clause("d.published", since, until, w)
    total, rows = _page(r, "quotes qu JOIN documents d ON d.doc_id = qu.doc_id", w,
                        date_order("d.published", page.order, "qu.quote_id"), page,
                        select="qu.*, d.published AS published")
    return total, [contract_row("quotes", row) for row in rows]


# --- actors -------------------------------------------------------------------------------------------------
_ACTORS = """
WITH seen AS (
    SELECT actor_id, name, kind, country, org, sector, doc_id, 1 AS mention FROM entities
    UNION ALL
    SELECT source_actor_id, json_extract_string(source, '$.name'), json_extract_string(source, '$.kind'),
           source_country, json_extract_string(source, '$.org'), json_extract_string(source, '$.sector'), doc_id, 0
    FROM events WHERE source_actor_id IS NOT NULL
    UNION ALL
    SELECT target_actor_id, json_extract_string(target, '$.name'), json_extract_string(target, '$.kind'),
           target_country, json_extract_string(target, '$.org'), json_extract_string(target, '$.sector'), doc_id, 0
    FROM events WHERE target_actor_id IS NOT NULL
), acted AS (
    SELECT actor_id, count(DISTINCT event_id) AS events FROM (
        SELECT source_actor_id AS actor_id, event_id FROM events
        UNION ALL SELECT target_actor_id, event_id FROM events WHERE target_actor_id IS NOT NULL) GROUP BY actor_id
), actors AS (
    SELECT s.actor_id, mode(name) AS name, mode(kind) AS kind, mode(country) AS country, mode(org) AS org,
           mode(sector) AS sector, CAST(sum(mention) AS BIGINT) AS mentions,
           count(DISTINCT CASE WHEN mention = 1 THEN doc_id END) AS documents, coalesce(max(a.events), 0) AS events
    FROM seen s LEFT JOIN acted a ON a.actor_id = s.actor_id
    WHERE s.actor_id IS NOT NULL GROUP BY s.actor_id
)
"""


def list_actors(r: Reader, page: Page, q: Optional[str] = None, country: Optional[str] = None,
                kind: Optional[str] = None) -> tuple[int, list[dict]]:
    w = Where()
    if q:
        w.add("(contains(lower(name), ?) OR contains(lower(actor_id), ?))", q.lower(), q.lower())
    if country:
        w.add("country = ?", country)
    if kind:
        w.add("kind = ?", kind)
    direction = "DESC" if page.order == "desc" else "ASC"
    total = r.scalar(f"{_ACTORS} SELECT count(*) FROM actors{w.sql()}", w.params)
    rows = r.rows(f"{_ACTORS} SELECT * FROM actors{w.sql()} ORDER BY mentions + events DESC, actor_id {direction} "
                  "LIMIT ? OFFSET ?", w.params + [page.limit, page.offset])
    return int(total or 0), rows


def get_actor(r: Reader, actor_id: str) -> Optional[dict]:
    row = r.one(f"{_ACTORS} SELECT * FROM actors WHERE actor_id = ?", [actor_id])
    if row is None:
        return None
    row["roles"] = r.rows(
        "SELECT d.published AS date, en.role, en.doc_id, d.title, count(*) AS mentions "
        "FROM entities en JOIN documents d ON d.doc_id = en.doc_id WHERE en.actor_id = ? "
        "GROUP BY d.published, en.role, en.doc_id, d.title "
        "ORDER BY (d.published IS NULL), d.published, en.doc_id, en.role NULLS LAST", [actor_id])
    row["months"] = monthly(r, EventFilters(actor=actor_id).where())
    return row


# --- dyads --------------------------------------------------------------------------------------------------
def list_dyads(r: Reader, page: Page, since: Optional[str] = None, until: Optional[str] = None,
               plover: Optional[str] = None) -> tuple[int, list[dict]]:
    f = EventFilters(plover=plover, since=since, until=until)
    w = f.where()
    w.add("target_actor_id IS NOT NULL")
    pairs = (f"SELECT least({party('source')}, {party('target')}) AS a, greatest({party('source')}, "
             f"{party('target')}) AS b, event_id, incident_id, goldstein, date, aux_mode FROM events{w.sql()}")
    grouped = (f"SELECT a || '-' || b AS dyad, a, b, count(*) AS events, count(DISTINCT incident_id) AS incidents, "
               f"avg(goldstein) FILTER (WHERE {FACTUAL}) AS mean_goldstein, "
               f"min(date) FILTER (WHERE date NOT LIKE 'X%') AS first, max(date) FILTER (WHERE date NOT LIKE 'X%') "
               f"AS last FROM ({pairs}) WHERE a IS NOT NULL AND b IS NOT NULL GROUP BY a, b")
    total = r.scalar(f"SELECT count(*) FROM ({grouped})", w.params)
    rows = r.rows(f"SELECT * FROM ({grouped}) ORDER BY events DESC, dyad LIMIT ? OFFSET ?",
                  w.params + [page.limit, page.offset])
    return int(total or 0), rows


def monthly(r: Reader, where: Where) -> list[dict]:
    """Factual events with at least a month, per month: counts per quad class and the mean Goldstein weight.
    Months without events between the first and the last are there too, with zero counts."""
    w = Where()
    w.clauses, w.params = list(where.clauses), list(where.params)
    w.add(FACTUAL)
    w.add(DATED_MONTH)
    rows = r.rows(f"SELECT substr(date, 1, 7) AS month, quad_class, count(*) AS n, sum(goldstein) AS weight "
                  f"FROM events{w.sql()} GROUP BY ALL ORDER BY month, quad_class", w.params)
    by_month: dict[str, dict] = {}
    for row in rows:
        m = by_month.setdefault(row["month"], {"month": row["month"], "quad": {1: 0, 2: 0, 3: 0, 4: 0},
                                               "events": 0, "weight": 0.0})
        if row["quad_class"] in m["quad"]:
            m["quad"][row["quad_class"]] += int(row["n"])
        m["events"] += int(row["n"])
        m["weight"] += float(row["weight"] or 0.0)
    if not by_month:
        return []
    out = []
    for month in _months(min(by_month), max(by_month)):
        m = by_month.get(month)
        out.append({"month": month, "events": m["events"] if m else 0,
                    "quad_class": {str(k): v for k, v in (m["quad"] if m else {1: 0, 2: 0, 3: 0, 4: 0}).items()},
                    "mean_goldstein": round(m["weight"] / m["events"], 3) if m and m["events"] else None})
    return out


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 2400:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def dyad_summary(r: Reader, dyad: str, since: Optional[str] = None, until: Optional[str] = None) -> dict:
    f = EventFilters(dyad=dyad, since=since, until=until)
    w = f.where()
    row = r.one(f"SELECT count(*) AS events, count(DISTINCT incident_id) AS incidents, "
                f"avg(goldstein) FILTER (WHERE {FACTUAL}) AS mean_goldstein FROM events{w.sql()}", w.params)
    return {"dyad": dyad, "events": int(row["events"]), "incidents": int(row["incidents"]),
            "mean_goldstein": None if row["mean_goldstein"] is None else round(row["mean_goldstein"], 3),
            "months": monthly(r, w)}


__all__ = ["counts", "list_events", "get_event", "list_incidents", "list_documents", "get_document", "list_quotes",
           "list_actors", "get_actor", "list_dyads", "monthly", "dyad_summary", "document_titles"]
