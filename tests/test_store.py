"""The DuckDB store: atomic run writes, idempotent re-runs, additive new inputs."""
import pytest

from detente.resolve import merge_incidents
from detente.store import Store
from detente.types import Actor, Document, Event, Mention, Quote

RUS = Actor("RUS", "Russia", "state", country="RUS")
USA = Actor("USA", "United States", "state", country="USA")


def make(doc_id, outlet="TASS"):
    text = "Russia and the United States held talks in Geneva on Wednesday."
    doc = Document(doc_id=doc_id, source=f"{doc_id}.txt", text=text, outlet=outlet, published="2021-07-30",
                   content_hash=doc_id * 2)
    mention = Mention(doc_id, "Russia", (0, 6), RUS, 0, "name")
    quote = Quote(f"{doc_id}-q1", doc_id, "held talks", (29, 39), RUS, "said")
    event = Event(f"{doc_id}-e1", doc_id, text, (0, len(text)), RUS, USA, "040", "CONSULT", None, 1, 1.0,
                  date="2021-07-28", symmetric=True)
    return doc, mention, quote, event


def write(store, *items, run="r1"):
    docs, mentions, quotes, events = zip(*items)
    store.write_run(run, docs, mentions, quotes, events, {"inputs": ["x"]})


def counts(store):
    return tuple(store.count(t) for t in ("documents", "entities", "quotes", "events"))


def test_rerun_is_idempotent_and_new_inputs_add(tmp_path):
    with Store(tmp_path / "d.duckdb") as store:
        write(store, make("a"), make("b"))
        write(store, make("a"), make("b"), run="r2")
        assert counts(store) == (2, 2, 2, 2)
        write(store, make("c"), run="r3")
        assert counts(store) == (3, 3, 3, 3)


def test_a_failed_write_leaves_the_store_as_it_was(tmp_path):
    with Store(tmp_path / "d.duckdb") as store:
        write(store, make("a"))

        def broken_quotes():
            yield make("a")[2]
            raise RuntimeError("disk full")

        doc, mention, _, event = make("a")
        with pytest.raises(RuntimeError):
            store.write_run("r2", [doc], [mention], broken_quotes(), [event], {})
        assert counts(store) == (1, 1, 1, 1)


def test_incidents_are_recomputed_over_the_whole_store(tmp_path):
    with Store(tmp_path / "d.duckdb") as store:
        write(store, make("a", "TASS"))
        write(store, make("b", "RT"), run="r2")
        store.replace_incidents(merge_incidents(store.events(), {k: v[0] for k, v in store.outlets().items()}))
        rows = store.con.execute("SELECT num_mentions, num_sources, num_articles FROM incidents").fetchall()
        assert rows == [(2, 2, 2)]
        linked = store.con.execute("SELECT count(*) FROM events WHERE incident_id IS NOT NULL").fetchone()[0]
        assert linked == 2


def test_symmetric_events_are_found_from_either_side(tmp_path):
    with Store(tmp_path / "d.duckdb") as store:
        write(store, make("a"))
        rows = store.con.execute("SELECT event_id, reversed FROM event_directions "
                                 "WHERE source_country = 'USA' AND target_country = 'RUS'").fetchall()
        assert rows == [("a-e1", True)]
        assert store.count("events") == 1
