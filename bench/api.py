"""API response times of `detente serve`: median and 95th percentile over N requests to a store of 10,000+ events.

    .venv/bin/python bench/api.py [--events 10000] [--requests 200] [--json]

The store is the sample corpus run through `detente run`, then grown to the size asked for by copying its documents
and events under new ids, each copy shifted by whole years so the dyad series span many months. The copies are
load, not data: they test how the queries scale, not what they find. The server runs as `detente serve` in its
own process on 127.0.0.1, and the requests go over HTTP, one at a time, in a fixed mix of endpoints (the event
table with and without filters, a dyad's series, a document, an actor, incidents, the dashboard pages).
"""
from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DETENTE = str(Path(sys.executable).with_name("detente"))


def build_store(folder: Path, events: int) -> Path:
    out = folder / "out"
    subprocess.run([DETENTE, "run", str(REPO / "examples" / "corpus"), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / "detente.duckdb"
    with duckdb.connect(str(db)) as con:
        base = con.execute("SELECT count(*) FROM events").fetchone()[0]
        copies = max(0, -(-events // base) - 1)
        doc_cols = [r[0] for r in con.execute("DESCRIBE documents").fetchall()]
        ev_cols = [r[0] for r in con.execute("DESCRIBE events").fetchall()]
        for k in range(1, copies + 1):
            docs = ", ".join(f"doc_id || '-c{k}'" if c == "doc_id" else
                             f"CASE WHEN published IS NULL THEN NULL ELSE "
                             f"CAST(CAST(left(published, 4) AS INTEGER) - {k} AS VARCHAR) || substr(published, 5) END"
                             if c == "published" else f'"{c}"' for c in doc_cols)
            con.execute(f"INSERT INTO documents SELECT {docs} FROM documents WHERE doc_id NOT LIKE '%-c%'")
            evs = ", ".join(f"event_id || '-c{k}'" if c == "event_id" else
                            f"doc_id || '-c{k}'" if c == "doc_id" else
                            f"CASE WHEN date IS NULL THEN NULL ELSE "
                            f"CAST(CAST(left(date, 4) AS INTEGER) - {k} AS VARCHAR) || substr(date, 5) END"
                            if c == "date" else f'"{c}"' for c in ev_cols)
            con.execute(f"INSERT INTO events SELECT {evs} FROM events WHERE event_id NOT LIKE '%-c%'")
        total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    print(f"store: {total} events ({base} from the sample corpus, {copies} copies)", file=sys.stderr)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def requests_mix(client: httpx.Client) -> list[str]:
    """The paths to time: fixed endpoints, plus a real event, document and actor from the store."""
    first = client.get("/api/events", params={"limit": 1, "dyad": "RUS-USA"}).json()["items"][0]
    doc_id, event_id = first["doc_id"], first["event_id"]
    actor = first["source"]["actor_id"]
    return ["/api/counts", "/api/events?limit=50", "/api/events?dyad=RUS-USA&plover=CONSULT&limit=50",
            "/api/events?country=RUS&since=2015-01-01&until=2021-12-31&limit=50", "/api/events?q=sanctions&limit=50",
            "/api/incidents?limit=50", "/api/dyads?limit=20", "/api/dyads/RUS-USA", f"/api/events/{event_id}",
            f"/api/documents/{doc_id}", f"/api/actors/{actor}", "/api/quotes?limit=50",
            "/", "/events?dyad=RUS-USA&plover=CONSULT", "/dyad/RUS-USA", f"/documents/{doc_id}"]


def measure(db: Path, n: int) -> dict:
    port = free_port()
    server = subprocess.Popen([DETENTE, "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get("/api/counts")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("detente serve did not start")
                    time.sleep(0.2)
            paths = requests_mix(client)
            timings: dict[str, list[float]] = {p: [] for p in paths}
            statuses = set()
            for i in range(n):
                path = paths[i % len(paths)]
                t = time.perf_counter()
                r = client.get(path)
                timings[path].append((time.perf_counter() - t) * 1000)
                statuses.add(r.status_code)
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = sorted(ms for v in timings.values() for ms in v)
    return {"requests": n, "statuses": sorted(statuses), "median_ms": round(statistics.median(every), 1),
            "p95_ms": round(every[int(0.95 * (len(every) - 1))], 1),
            "per_path_median_ms": {p: round(statistics.median(v), 1) for p, v in timings.items()}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="detente-api-bench-"))
    try:
        db = build_store(folder, args.events)
        with duckdb.connect(str(db), read_only=True) as con:
            events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        result = {"events": events, **measure(db, args.requests)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['requests']} requests to a store of {events} events: median {result['median_ms']} ms, "
          f"95th percentile {result['p95_ms']} ms (statuses {result['statuses']})")
    for path, ms in result["per_path_median_ms"].items():
        print(f"  {ms:8.1f} ms  {path}")


if __name__ == "__main__":
    main()
