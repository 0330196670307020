"""The DuckDB store: atomic run writes, idempotent re-runs, additive new inputs, migrations of older stores."""
import re
from dataclasses import replace

import pytest

from detente.resolve import merge_incidents
from detente.store import Store
from detente.store.database import MIGRATIONS, migrate
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


# The events table as the store's first version made it (git: src/detente/store/schema.sql before events.context).
OLD_EVENTS_TABLE = """CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY, doc_id VARCHAR, sentence VARCHAR, span_start INTEGER, span_end INTEGER,
    source VARCHAR, target VARCHAR,
    source_actor_id VARCHAR, source_country VARCHAR, target_actor_id VARCHAR, target_country VARCHAR,
    cameo VARCHAR, plover VARCHAR, mode VARCHAR, quad_class INTEGER, goldstein DOUBLE,
    date VARCHAR, date_text VARCHAR, date_basis VARCHAR, location VARCHAR, aux_mode VARCHAR,
    confidence DOUBLE, incident_id VARCHAR, "trigger" VARCHAR, "symmetric" BOOLEAN
);"""


def _old_store(path):
    """A store as the previous version left it: its schema with the old events table, no schema_migrations, one
    event written positionally, as that version did."""
    import duckdb
    from importlib import resources
    schema = resources.files("detente.store").joinpath("schema.sql").read_text(encoding="utf-8")
    schema = re.sub(r"CREATE TABLE IF NOT EXISTS events \(.*?\n\);", lambda m: OLD_EVENTS_TABLE, schema, flags=re.S)
    assert "context" not in schema.split("CREATE TABLE IF NOT EXISTS events")[1].split(");")[0]
    con = duckdb.connect(str(path))
    con.execute(schema)
    con.execute("INSERT INTO events VALUES (" + ",".join("?" * 25) + ")",
                ("old-e1", "old", "Old sentence.", 0, 13, None, None, "RUS", "RUS", None, None, "190", "ASSAULT",
                 None, 4, -10.0, "2020-01-01", None, "publication", None, None, 0.7, None, "attacked", False))
    con.close()


def test_a_store_made_by_the_previous_version_is_migrated_and_keeps_its_columns_apart(tmp_path):
    path = tmp_path / "old.duckdb"
    _old_store(path)
    doc, mention, quote, event = make("a")
    event = replace(event, context=("diplomatic", "economic"), trigger="held talks", confidence=0.85)
    with Store(path) as store:
        names = [n for (n,) in store.con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
        assert names == [name for name, _ in MIGRATIONS] == ["0001_base", "0002_event_context"]
        columns = [c[0] for c in store.con.execute("DESCRIBE events").fetchall()]
        assert columns[-1] == "context"  # appended at the end of the old table
        write(store, (doc, mention, quote, event))
        by_id = {e.event_id: e for e in store.events()}
    assert by_id["a-e1"].context == ("diplomatic", "economic")
    assert (by_id["a-e1"].trigger, by_id["a-e1"].symmetric, by_id["a-e1"].confidence) == ("held talks", True, 0.85)
    assert (by_id["a-e1"].cameo, by_id["a-e1"].goldstein, by_id["a-e1"].date) == ("040", 1.0, "2021-07-28")
    assert by_id["a-e1"].source == RUS and by_id["a-e1"].target == USA
    old = by_id["old-e1"]
    assert old.context == () and (old.cameo, old.trigger, old.symmetric, old.goldstein) == ("190", "attacked", False, -10.0)
    with Store(path) as store:  # reopening applies nothing twice
        assert migrate(store.con) == []
        assert store.count("schema_migrations") == len(MIGRATIONS)
        row = store.con.execute('SELECT "trigger", "symmetric", context FROM events WHERE event_id = ?', ["a-e1"]).fetchone()
        assert row == ("held talks", True, '["diplomatic", "economic"]')


def test_a_new_store_records_every_migration_and_round_trips_context(tmp_path):
    doc, mention, quote, event = make("a")
    with Store(tmp_path / "d.duckdb") as store:
        assert store.count("schema_migrations") == len(MIGRATIONS)
        write(store, (doc, mention, quote, replace(event, context=("military", "cbrn"))))
        assert store.events()[0].context == ("military", "cbrn")
