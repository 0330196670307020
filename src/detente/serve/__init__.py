"""serve: a web dashboard and a JSON API over a Detente store (`detente serve --db STORE`).

- /api/...: documents, events, incidents, quotes, actors and dyad time series, filtered and paged; /openapi.json
  is the schema and /docs lists it (this app's own page: nothing is loaded from a CDN).
- /, /events, /incidents, /dyads, /dyad/RUS-USA, /documents/{doc_id}, /actors/{actor_id}: pages rendered on the
  server, with charts as inline SVG and a little script of its own (serve/assets.py); they work offline.
- /ingest: paste text or upload a file (5 MB by default, --max-upload), which runs the pipeline into the store.

The store is opened read-only for each request; only an ingest writes, through detente.pipeline.run. The server
binds 127.0.0.1 unless told otherwise. See serve/app.py for the safety rules (CSP, escaping, same-origin ingest).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from detente.serve.ingest import DEFAULT_MAX_BYTES
from detente.serve.store import StoreMissing

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def create_app(db_path, **options):
    """The FastAPI app over the store at `db_path` (see serve/app.py)."""
    from detente.serve.app import create_app as make
    return make(db_path, **options)


def allowed_hosts(host: str, port: int) -> Optional[list[str]]:
    """Host header values to answer for a server bound to `host`: the loopback names for a loopback address
    (a page elsewhere that rebinds its DNS name to 127.0.0.1 is refused); any for a wildcard address."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = set(LOOPBACK) | {host}
    return sorted(names | {f"{n}:{port}" for n in names} | {f"[{n}]:{port}" for n in names if ":" in n})


def run_server(db_path: Path, host: str = "127.0.0.1", port: int = 8000, max_upload: int = DEFAULT_MAX_BYTES,
               log_level: str = "info", announce: Optional[Callable[[str], None]] = None) -> None:
    """Serve the store until stopped. Raises StoreMissing, before listening, when there is no usable store;
    `announce(url)` is called once the app is ready to listen."""
    import uvicorn

    app = create_app(db_path, max_upload_bytes=max_upload, allowed_hosts=allowed_hosts(host, port))
    if announce:
        announce(f"http://{f'[{host}]' if ':' in host else host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False,
                access_log=log_level == "debug")


__all__ = ["create_app", "run_server", "allowed_hosts", "StoreMissing", "DEFAULT_MAX_BYTES"]
