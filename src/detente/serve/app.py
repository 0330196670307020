"""The FastAPI app: the JSON API under /api/, the dashboard pages, ingest, and the API's own docs page.

- Read-only: every request opens the store read-only for as long as it takes (serve/store.py); only an ingest
  writes, through the pipeline (serve/ingest.py).
- Errors: a bad parameter is 422 naming it (`loc` in JSON, a message on a page); an unknown /api/ parameter too,
  so that a typo never passes for "no filter"; a missing item 404; a store being written 503 with Retry-After.
- Safety: every page sends a Content-Security-Policy that allows only this origin's own stylesheet and script
  (`default-src 'self'`, no inline script), and the pages escape everything they show (serve/html.py). /docs is
  this app's own page built from /openapi.json: FastAPI's Swagger UI would load its script from a CDN, so it is
  switched off, and nothing the app serves loads anything from elsewhere. The ingest form refuses cross-site posts.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, Optional
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path as PathParam, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware.trustedhost import TrustedHostMiddleware

from detente import __version__
from detente.serve import models, pages, queries
from detente.serve.assets import CSS, JS
from detente.serve.filters import (DEFAULT_LIMIT, Country, DocId, EventFilters, EventId, Events, Kind, Page, Paging,
                                   Plover, RunId, Since, Speaker, Status, Text, Until, blank_none, check_period,
                                   check_range, dyad_path)
from detente.serve.html import page
from detente.serve.ingest import DEFAULT_MAX_BYTES, IngestError, Ingester
from detente.serve.store import StoreAccess, StoreBusy, StoreGate, StoreMissing, check_store

log = logging.getLogger("detente.serve")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no referrer to other sites; a true Origin on the app's own posts
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
FORM_SLACK = 64 * 1024  # multipart boundaries and the small fields beside the content
ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
        'fill="#1f3f8f"/><path d="M4 11 L7 6 L9 9 L12 4" stroke="#fff" stroke-width="1.6" fill="none"/></svg>')
DESCRIPTION = ("Event data from news pages: who said and did what to whom, when and where, each item pointing at "
               "its sentence. Read-only, except POST /ingest, which runs the pipeline on pasted text or an upload.")


# --- middleware -------------------------------------------------------------------------------------------------
class SecurityHeaders:
    """The CSP and its companions on every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in
                           {name for name, _ in SECURITY_HEADERS}]
                message = {**message, "headers": headers + SECURITY_HEADERS}
            await send(message)

        await self.app(scope, receive, with_headers)


def _too_large_message(size: Optional[int], cap: int) -> str:
    got = f"That is {size:,} bytes" if size is not None else "That is too large"
    megabytes = f" ({cap / 1024 / 1024:g} MB)" if cap >= 1024 * 1024 else ""
    return (f"{got}: the cap is {cap:,} bytes{megabytes}. Choose a smaller file, or start `detente serve` with a "
            "larger --max-upload.")


def _too_large(scope, size: Optional[int], cap: int) -> Response:
    message = _too_large_message(size, cap)
    headers = dict((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope.get("headers", []))
    if "text/html" in headers.get("accept", ""):
        return HTMLResponse(page("Too large", pages.error_page(413, "Too large", [message])), status_code=413)
    return JSONResponse({"detail": [{"loc": ["body", "file"], "msg": message, "type": "too_large"}],
                         "error": message}, status_code=413)


class BodyCap:
    """POST /ingest bodies up to the cap (plus the form's own bytes), read before the app sees them: a larger one,
    by its Content-Length or as it streams in, is answered 413 at once."""

    def __init__(self, app, cap: int, paths=("/ingest",)):
        self.app = app
        self.cap = cap
        self.paths = paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        limit = self.cap + FORM_SLACK
        for key, value in scope.get("headers", []):
            if key.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
                if declared is not None and declared > limit:
                    await self._drain(receive, limit)
                    return await _too_large(scope, declared, self.cap)(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                return await _too_large(scope, None, self.cap)(scope, receive, send)
            chunks.append(body)
            if not message.get("more_body", False):
                break
        data = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _drain(receive, limit: int) -> None:
        """Read (and drop) a little of what the client is sending, so that it sees the answer, not a reset."""
        seen = 0
        while seen <= limit:
            message = await receive()
            if message["type"] != "http.request":
                return
            seen += len(message.get("body", b""))
            if not message.get("more_body", False):
                return


# --- errors -------------------------------------------------------------------------------------------------
def _wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _describe(error: dict) -> str:
    loc = [str(x) for x in error.get("loc", ())]
    where = {"query": "query parameter", "path": "path parameter", "body": "form field"}.get(loc[0] if loc else "",
                                                                                           "parameter")
    name = loc[-1] if loc else "?"
    msg = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{where} {name}: {msg}"


def _clean_errors(errors) -> list[dict]:
    out = []
    for e in errors:
        e = {k: v for k, v in dict(e).items() if k not in ("ctx", "url")}
        e["loc"] = list(e.get("loc", ()))
        if isinstance(e.get("msg"), str):
            e["msg"] = e["msg"].removeprefix("Value error, ")
        out.append(e)
    return out


def _html_error(status: int, title: str, messages: list[str], store_name: str = "") -> HTMLResponse:
    return HTMLResponse(page(title, pages.error_page(status, title, messages), store_name=store_name),
                        status_code=status)


def _install_errors(app: FastAPI, store_name: str) -> None:
    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        errors = _clean_errors(exc.errors())
        messages = [_describe(e) for e in errors]
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(errors), "error": "; ".join(messages)}, status_code=422)
        return _html_error(422, "Bad parameter", messages, store_name)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        headers = getattr(exc, "headers", None)
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
        titles = {404: "Not found", 405: "Method not allowed", 400: "Bad request", 403: "Forbidden"}
        return _html_error(exc.status_code, titles.get(exc.status_code, "Error"), [str(exc.detail)], store_name)

    from starlette.exceptions import HTTPException as StarletteHTTPException
    app.add_exception_handler(StarletteHTTPException, http_error)

    @app.exception_handler(StoreBusy)
    async def busy(request: Request, exc: StoreBusy):
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "2"})
        response = _html_error(503, "Store busy", [str(exc)], store_name)
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(StoreMissing)
    async def missing(request: Request, exc: StoreMissing):
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=503)
        return _html_error(503, "No store", [str(exc)], store_name)

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception):  # a bug: say so plainly, keep the details in the log
        log.error("%s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
        message = f"the server failed on this request ({type(exc).__name__}); its log has the details"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=500)
        return _html_error(500, "Server error", [message], store_name)


def _reject_unknown(request: Request) -> None:
    """An /api/ parameter the endpoint does not take is an error, not a filter silently ignored."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known: set[str] = set()
    stack = [dependant]
    while stack:
        d = stack.pop()
        known.update(p.alias for p in d.query_params)
        stack.extend(d.dependencies)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise RequestValidationError([
            {"type": "unknown_parameter", "loc": ("query", name), "input": request.query_params.get(name),
             "msg": f"unknown parameter; this endpoint takes {', '.join(sorted(known)) or 'no parameters'}"}
            for name in unknown])


def _not_found(what: str, key: str) -> HTTPException:
    return HTTPException(404, f"no {what} {key!r} in this store")


def _found(what: str, key: str, row: Optional[dict]) -> dict:
    """The row a single-item endpoint asked for, or a 404 naming what was missing."""
    if row is None:
        raise _not_found(what, key)
    return row


Identifier = Annotated[str, PathParam(min_length=1, max_length=200)]


# --- the app ------------------------------------------------------------------------------------------------
def create_app(db_path: Path | str, *, max_upload_bytes: int = DEFAULT_MAX_BYTES,
               allowed_hosts: Optional[list[str]] = None, read_timeout: float = 30.0) -> FastAPI:
    """The app over the store at `db_path` (which must exist). `allowed_hosts`: Host header values to answer
    (the CLI sets them from --host, against DNS rebinding); None answers any."""
    db_path = Path(db_path).expanduser().resolve()
    check_store(db_path)
    gate = StoreGate(read_timeout)
    store = StoreAccess(db_path, gate)
    ingester = Ingester(db_path, gate, max_upload_bytes)
    name = db_path.name

    app = FastAPI(title="Detente", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json")
    app.state.store = store
    app.state.ingester = ingester
    _install_errors(app, name)

    def html(title: str, body: Any, current: str = "") -> HTMLResponse:
        return HTMLResponse(page(title, body, current=current, store_name=name))

    # --- JSON API ---------------------------------------------------------------------------------------------
    api = APIRouter(prefix="/api", dependencies=[Depends(_reject_unknown)], tags=["api"])

    def paged(total: int, items: list, p: Page) -> dict:
        return {"total": total, "limit": p.limit, "offset": p.offset, "items": items}

    @api.get("/counts", response_model=models.Counts, summary="How many documents, events, incidents, quotes, actors")
    def api_counts():
        with store.read() as r:
            return queries.counts(r)

    @api.get("/events", response_model=models.Paged[models.Event], summary="Coded events, filtered and paged")
    def api_events(f: Events, p: Paging):
        with store.read() as r:
            return paged(*queries.list_events(r, f, p), p)

    @api.get("/events/{event_id}", response_model=models.Event, summary="One event")
    def api_event(event_id: Identifier):
        with store.read() as r:
            return _found("event", event_id, queries.get_event(r, event_id))

    @api.get("/incidents", response_model=models.Paged[models.Incident],
             summary="Incidents: one real-world event across its mentions")
    def api_incidents(f: Events, p: Paging):
        with store.read() as r:
            return paged(*queries.list_incidents(r, f, p), p)

    @api.get("/documents", response_model=models.Paged[models.DocumentSummary],
             summary="Documents (without their text), filtered and paged")
    def api_documents(p: Paging, status: Status = None, q: Text = None, since: Since = None, until: Until = None,
                      run: RunId = None):
        check_range(since, until)
        with store.read() as r:
            return paged(*queries.list_documents(r, p, status, q, since, until, run), p)

    @api.get("/documents/{doc_id}", response_model=models.Document,
             summary="One document: clean text, removed lines, events, quotes, actor mentions")
    def api_document(doc_id: Identifier):
        with store.read() as r:
            return _found("document", doc_id, queries.get_document(r, doc_id))

    @api.get("/quotes", response_model=models.Paged[models.Quote], summary="Quotes with their speakers")
    def api_quotes(p: Paging, actor: Speaker = None, country: Country = None, q: Text = None,
                   doc_id: DocId = None, since: Since = None, until: Until = None):
        check_range(since, until)
        with store.read() as r:
            return paged(*queries.list_quotes(r, p, actor, country, q, doc_id, since, until), p)

    @api.get("/actors", response_model=models.Paged[models.ActorSummary],
             summary="Actors, most mentioned first")
    def api_actors(p: Paging, q: Text = None, country: Country = None, kind: Kind = None):
        with store.read() as r:
            return paged(*queries.list_actors(r, p, q, country, kind), p)

    @api.get("/actors/{actor_id}", response_model=models.Actor,
             summary="One actor: its role at each document's date and its events per month")
    def api_actor(actor_id: Identifier):
        with store.read() as r:
            return _found("actor", actor_id, queries.get_actor(r, actor_id))

    @api.get("/dyads", response_model=models.Paged[models.DyadSummary],
             summary="Dyads (pairs of countries or organisations), most events first")
    def api_dyads(p: Paging, since: Since = None, until: Until = None, plover: Plover = None):
        check_range(since, until)
        with store.read() as r:
            return paged(*queries.list_dyads(r, p, since, until, plover), p)

    @api.get("/dyads/{dyad}", response_model=models.DyadSeries,
             summary="A dyad's time series: per month, events per quad class and the mean Goldstein weight",
             description="Factual events (aux_mode none or historical) dated to at least a month, either direction.")
    def api_dyad(dyad: Annotated[str, PathParam(description="e.g. RUS-USA", max_length=40)], since: Since = None,
                 until: Until = None):
        check_range(since, until)
        key = dyad_path(dyad)
        with store.read() as r:
            return queries.dyad_summary(r, key, since, until)

    app.include_router(api)

    # --- pages ------------------------------------------------------------------------------------------------
    defaults = Page(DEFAULT_LIMIT, 0, "asc")

    @app.get("/", include_in_schema=False)
    def overview():
        with store.read() as r:
            body = pages.overview(queries.counts(r), queries.list_dyads(r, Page(10, 0))[1],
                                  queries.list_incidents(r, EventFilters(), Page(10, 0, "desc"))[1],
                                  queries.list_documents(r, Page(10, 0, "desc"))[1])
        return html("Overview", body, "/")

    @app.get("/events", include_in_schema=False)
    def events_view(f: Events, p: Paging):
        with store.read() as r:
            total, items = queries.list_events(r, f, p)
            titles = queries.document_titles(r, [e["doc_id"] for e in items])
        return html("Events", pages.events_page(f, p, defaults, total, items, titles), "/events")

    @app.get("/incidents", include_in_schema=False)
    def incidents_view(f: Events, p: Paging):
        with store.read() as r:
            total, items = queries.list_incidents(r, f, p)
        return html("Incidents", pages.incidents_page(f, p, defaults, total, items), "/incidents")

    @app.get("/documents", include_in_schema=False)
    def documents_view(p: Paging, status: Status = None, q: Text = None, since: Since = None, until: Until = None,
                       run: RunId = None):
        check_range(since, until)
        with store.read() as r:
            total, items = queries.list_documents(r, p, status, q, since, until, run)
        params = {"status": status, "q": q, "since": since, "until": until, "run": run}
        return html("Documents", pages.documents_page(params, p, defaults, total, items), "/documents")

    @app.get("/documents/{doc_id}", include_in_schema=False)
    def document_view(doc_id: Identifier, event: EventId = None):
        with store.read() as r:
            doc = queries.get_document(r, doc_id)
            original = queries.get_document(r, doc["duplicate_of"]) if doc and doc.get("duplicate_of") else None
        if doc is None:
            raise _not_found("document", doc_id)
        return html(doc.get("title") or doc_id, pages.document_page(doc, event, original), "/documents")

    @app.get("/actors", include_in_schema=False)
    def actors_view(p: Paging, q: Text = None, country: Country = None, kind: Kind = None):
        with store.read() as r:
            total, items = queries.list_actors(r, p, q, country, kind)
        params = {"q": q, "country": country, "kind": kind}
        return html("Actors", pages.actors_page(params, p, defaults, total, items), "/actors")

    @app.get("/actors/{actor_id}", include_in_schema=False)
    def actor_view(actor_id: Identifier):
        with store.read() as r:
            actor = queries.get_actor(r, actor_id)
            if actor is None:
                raise _not_found("actor", actor_id)
            total, events = queries.list_events(r, EventFilters(actor=actor_id), Page(100, 0, "asc"))
            titles = queries.document_titles(r, [e["doc_id"] for e in events])
        return html(actor.get("name") or actor_id, pages.actor_page(actor, total, events, titles), "/actors")

    @app.get("/dyads", include_in_schema=False)
    def dyads_view(p: Paging, since: Since = None, until: Until = None):
        check_range(since, until)
        with store.read() as r:
            total, items = queries.list_dyads(r, p, since, until)
        return html("Dyads", pages.dyads_page(p, total, items, since, until), "/dyads")

    @app.get("/dyad/{dyad}", include_in_schema=False)
    def dyad_view(dyad: Annotated[str, PathParam(max_length=40)]):
        key = dyad_path(dyad)
        if key != dyad:  # one address per dyad: /dyad/rus-usa and /dyad/RUS–USA lead to /dyad/RUS-USA
            return RedirectResponse(f"/dyad/{key}", status_code=308)
        with store.read() as r:
            summary = queries.dyad_summary(r, key)
            total, incidents = queries.list_incidents(r, EventFilters(dyad=key), Page(200, 0, "asc"))
        return html(f"{key} dyad", pages.dyad_page(summary, incidents, total), "/dyads")

    @app.get("/dyads/{dyad}", include_in_schema=False)
    def dyad_alias(dyad: Annotated[str, PathParam(max_length=40)]):
        return RedirectResponse(f"/dyad/{dyad_path(dyad)}", status_code=308)

    # --- ingest -----------------------------------------------------------------------------------------------
    @app.get("/ingest", include_in_schema=False)
    def ingest_form():
        return html("Ingest", pages.ingest_page(ingester.max_bytes), "/ingest")

    @app.post("/ingest", summary="Run the pipeline on pasted text or an uploaded file, into this store",
              status_code=303, tags=["ingest"], responses={
                  303: {"description": "Done: see the new document (or the run's documents)"},
                  201: {"description": "Done (with Accept: application/json): the documents"},
                  413: {"description": "Over the size cap"}, 422: {"description": "Nothing to ingest, or a bad field"},
                  409: {"description": "Another program is writing to the store"}},
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                  "type": "object", "properties": {
                      "text": {"type": "string", "description": "Pasted text or HTML"},
                      "format": {"type": "string", "enum": ["auto", "text", "html"]},
                      "url": {"type": "string", "description": "The pasted page's URL (http or https)"},
                      "title": {"type": "string"}, "published": {"type": "string", "description": "YYYY-MM-DD"},
                      "file": {"type": "string", "format": "binary",
                               "description": f"A file, at most {max_upload_bytes} bytes"}}}}}}})
    async def ingest(request: Request):
        if not _same_origin(request):
            raise HTTPException(403, "ingest takes posts from this dashboard only (the Origin is another site)")
        form = await request.form(max_files=1, max_fields=20, max_part_size=ingester.max_bytes + 1024)
        values = {k: form.get(k) for k in ("text", "format", "url", "title", "published")
                  if isinstance(form.get(k), str)}
        try:
            name, data = await _content(form, values, ingester)
            done = await run_in_threadpool(ingester.run, name, data)
        except IngestError as err:
            if err.status == 413:
                values.pop("text", None)  # not a form with megabytes in it again
            return _ingest_error(request, err.status, err.field, str(err), values, ingester)
        finally:
            await form.close()
        if len(done.documents) == 1:
            target = f"/documents/{done.lead}"
        elif done.documents:
            target = "/documents?" + urlencode({"run": done.run_id})
        else:
            target = "/documents"
        if _wants_json(request):
            return JSONResponse({"documents": done.documents, "location": target}, status_code=201,
                                headers={"Location": target})
        return RedirectResponse(target, status_code=303)

    # --- docs, static -----------------------------------------------------------------------------------------
    @app.get("/docs", include_in_schema=False)
    def docs():
        return html("API", pages.docs_page(app.openapi()), "/docs")

    @app.get("/static/app.css", include_in_schema=False)
    def css():
        return Response(CSS, media_type="text/css", headers={"Cache-Control": "no-cache"})

    @app.get("/static/app.js", include_in_schema=False)
    def js():
        return Response(JS, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    def icon():
        return Response(ICON, media_type="image/svg+xml")

    app.add_middleware(BodyCap, cap=ingester.max_bytes)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app


def _same_origin(request: Request) -> bool:
    """Only this app's own pages may post to it (no ingest from a page elsewhere that a reader happens to open).
    A browser says where a post comes from: Sec-Fetch-Site, or else the Origin header. A client that is no browser
    (curl, a script) sends neither, and may post."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    try:
        return origin != "null" and urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()
    except ValueError:
        return False


async def _content(form, values: dict, ingester: Ingester) -> tuple[str, bytes]:
    """(file name, bytes) from the form: the upload, or the pasted text with its optional URL, title and date."""
    from detente.serve.html import safe_url
    from detente.serve.ingest import safe_name

    upload = form.get("file")
    has_file = isinstance(upload, UploadFile) and bool(upload.filename)
    text = values.get("text") or ""
    fmt = (values.get("format") or "auto").strip().lower()
    if fmt not in ("auto", "text", "html"):
        raise IngestError(f"format must be auto, text or html, not {fmt!r}", 422, "format")
    if has_file and text.strip():
        raise IngestError("give pasted text or a file, not both", 422, "file")
    if has_file:
        data = await upload.read(ingester.max_bytes + 1)
        if len(data) > ingester.max_bytes:
            raise IngestError(_too_large_message(None, ingester.max_bytes), 413, "file")
        return safe_name(upload.filename, "upload.txt"), data
    if not text.strip():
        raise IngestError("paste some text or choose a file", 422, "text")
    if len(text.encode("utf-8", "surrogatepass")) > ingester.max_bytes:
        raise IngestError(_too_large_message(len(text.encode("utf-8", "surrogatepass")), ingester.max_bytes), 413,
                          "text")
    url = blank_none(values.get("url"))
    if url is not None and safe_url(url) is None:
        raise IngestError(f"url must be an http or https address, not {url!r}", 422, "url")
    published = blank_none(values.get("published"))
    if published is not None:
        try:
            if len(published) != 10:
                raise ValueError(f"{published!r} is not a day: use YYYY-MM-DD")
            check_period(published)
        except ValueError as err:
            raise IngestError(str(err), 422, "published") from None
    title = blank_none(values.get("title"))
    return ingester.prepare_text(text, fmt, url, title, published)


def _ingest_error(request: Request, status: int, field: Optional[str], message: str, values: dict,
                  ingester: Ingester) -> Response:
    described = f"form field {field}: {message}" if field else message
    if _wants_json(request):
        return JSONResponse({"detail": [{"loc": ["body", field] if field else ["body"], "msg": message,
                                         "type": "ingest_error"}], "error": described}, status_code=status)
    body = pages.ingest_page(ingester.max_bytes, described, values)
    return HTMLResponse(page("Ingest", body, current="/ingest"), status_code=status)


__all__ = ["create_app", "CSP"]
