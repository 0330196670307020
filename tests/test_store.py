"""The DuckDB store: atomic run writes, idempotent re-runs, additive new inputs, migrations of older stores,
stable incident ids, one writer at a time, and rows that are the types' own serialisation."""
import re
from dataclasses import replace

import duckdb
import pytest

from detente.store import Store, StoreLock, StoreLocked, StoreTooNew
from detente.store.database import MIGRATIONS, document_record, event_record, migrate, quote_record
from detente.types import Actor, Document, Event, Incident, Mention, Quote, Removed

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


def test_incidents_are_recomputed_over_the_whole_store_by_each_write(tmp_path):
    with Store(tmp_path / "d.duckdb") as store:
        write(store, make("a", "TASS"))
        write(store, make("b", "RT"), run="r2")
        rows = store.con.execute("SELECT num_mentions, num_sources, num_articles FROM incidents").fetchall()
        assert rows == [(2, 2, 2)]
        linked = store.con.execute("SELECT count(*) FROM events WHERE incident_id IS NOT NULL").fetchone()[0]
        assert linked == 2


def test_an_incident_keeps_its_id_when_mentions_join_and_when_its_documents_are_rewritten(tmp_path):
    with Store(tmp_path / "d.duckdb") as store:
        write(store, make("b"))
        (first,) = store.incidents()
        doc, mention, quote, event = make("a")  # an earlier, more precise mention that sorts first
        write(store, (doc, mention, quote, replace(event, date="2021-07-28")), run="r2")
        write(store, make("c"), run="r3")
        write(store, make("b"), make("a"), run="r4")  # re-running the same documents
        (now,) = store.incidents()
        assert now.incident_id == first.incident_id and now.num_articles == 3
        assert {e.incident_id for e in store.events()} == {first.incident_id}


def test_rows_are_the_types_own_serialisation_and_read_back_equal(tmp_path):
    doc, mention, quote, event = make("a")
    doc = replace(doc, author="Jane Roe", removed=[Removed("Share this", "prompt")], url="https://x.org/a")
    event = replace(event, location={"name": "Geneva", "country": "CHE"}, context=("diplomatic",), trigger="talks")
    with Store(tmp_path / "d.duckdb") as store:
        store.write_run("r1", [doc], [mention, mention], [quote], [event], {"inputs": ["x"]})
        (back_doc,) = store.documents(["a"])
        assert back_doc.to_row() == doc.to_row() and back_doc.content_hash == doc.content_hash
        assert [m.to_row() for m in store.mentions(["a"])] == [mention.to_row()]  # one row per key
        assert [q.to_row() for q in store.quotes(["a"])] == [quote.to_row()]
        (back_event,) = store.events(["a"])
        incident_id = back_event.incident_id
        assert incident_id and back_event.to_row() == replace(event, incident_id=incident_id).to_row()
        (incident,) = store.incidents([event.event_id])
        assert Incident.from_row(incident.to_row()) == incident and incident.event_ids == [event.event_id]
        # every field of every row has its own column (a new field needs a migration, not a silent drop)
        for table, record in (("documents", document_record(doc)), ("events", event_record(event)),
                              ("quotes", quote_record(quote))):
            columns = {c[0] for c in store.con.execute(f"DESCRIBE {table}").fetchall()}
            assert set(record) <= columns, table


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
        assert names == [name for name, _ in MIGRATIONS] == ["0001_base", "0002_event_context", "0003_missing_columns",
                                                             "0004_incremental", "0005_incident_pending"]
        columns = [c[0] for c in store.con.execute("DESCRIBE events").fetchall()]
        assert columns[-2:] == ["context", "block_key"]  # appended at the end of the old table
        # the old event got its incident block
        assert store.con.execute("SELECT block_key FROM events WHERE event_id = 'old-e1'").fetchone()[0] is not None
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


def test_a_store_from_before_a_column_gets_it_and_its_values_land_in_it(tmp_path):
    path = tmp_path / "old.duckdb"
    schema = MIGRATIONS[0][1].replace("title VARCHAR, outlet VARCHAR, author VARCHAR,", "title VARCHAR, outlet VARCHAR,")
    con = duckdb.connect(str(path))
    con.execute(schema)
    con.close()
    doc, mention, quote, event = make("a")
    with Store(path) as store:
        columns = [c[0] for c in store.con.execute("DESCRIBE documents").fetchall()]
        assert columns[-1] == "author"
        write(store, (replace(doc, author="Jane Roe", title="Talks"), mention, quote, event))
        row = store.con.execute("SELECT author, title, outlet, run_id FROM documents").fetchone()
    assert row == ("Jane Roe", "Talks", "TASS", "r1")


def test_a_store_made_by_a_newer_version_is_refused_in_one_line(tmp_path):
    path = tmp_path / "new.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations VALUES ('0099_from_the_future', current_timestamp)")
    con.close()
    with pytest.raises(StoreTooNew) as err:
        Store(path)
    message = str(err.value)
    assert "\n" not in message and "newer version" in message and "0099_from_the_future" in message
    assert not (tmp_path / ".new.duckdb.lock").exists()  # refused without keeping the lock


def test_a_second_writer_is_refused_at_once_naming_the_holder(tmp_path):
    import os
    path = tmp_path / "d.duckdb"
    with Store(path):
        with pytest.raises(StoreLocked) as err:
            Store(path)
        assert f"process {os.getpid()}" in str(err.value) and "\n" not in str(err.value)
    with Store(path), pytest.raises(StoreLocked):
        StoreLock(path).acquire()
    Store(path).close()  # free again once the holder closed
    assert not (tmp_path / ".d.duckdb.lock").exists()


def test_a_large_write_goes_in_batches_and_keeps_every_row(tmp_path, monkeypatch):
    from detente.store import database
    monkeypatch.setattr(database, "INSERT_BATCH", 2)
    with Store(tmp_path / "d.duckdb") as store:
        write(store, *(make(name) for name in "abcde"))
        assert counts(store) == (5, 5, 5, 5)
        assert sorted(d.doc_id for d in store.documents()) == list("abcde")


@pytest.mark.parametrize("deferred", [False, True])
def test_incidents_updated_batch_by_batch_are_those_of_one_pass_over_every_event(tmp_path, deferred, monkeypatch):
    """Each write recomputes only the months its events touch (or a whole block that holds a year-only date): the
    incidents must be exactly those one pass over all events gives, ids and all, however the events arrive. Writes
    that defer them (a run's batches but its last) leave them to the last, which gives the same."""
    import random
    from detente.store import database
    monkeypatch.setattr(database, "RESOLVE_CHUNK_EVENTS", 5)  # several chunks
    from detente.resolve import merge_incidents
    rng = random.Random(3)
    sides = [RUS, USA, Actor("UKR", "Ukraine", "state", country="UKR")]
    dates = ["2021-06-16", "2021-06-17", "2021-06", "2021-07-01", "2021-07", "2022-01-05", "2022-01", None,
             "XXXX-06-16"]
    docs, events = [], []
    for n in range(60):
        doc_id = f"d{n:02d}"
        docs.append(Document(doc_id=doc_id, source=f"{doc_id}.txt", text="x", outlet=rng.choice(["TASS", "AP", "AFP"])))
        for k in range(rng.randint(1, 4)):
            a, b = rng.sample(sides, 2)
            cameo, plover = rng.choice([("040", "CONSULT"), ("190", "ASSAULT"), ("112", "ACCUSE")])
            date = rng.choice(dates + ["2021"] * (n >= 45))  # year-only dates arrive late: whole blocks again
            events.append(Event(f"{doc_id}-e{k}", doc_id, "x", (0, 1), a, b, cameo, plover, None, 1, 1.0, date=date,
                                location=rng.choice([None, {"name": "Geneva"}, {"name": "Kyiv"}]),
                                aux_mode=rng.choice([None, None, None, "future"]), symmetric=cameo == "040"))
    with Store(tmp_path / "d.duckdb") as store:
        for start in range(0, 60, 7):
            batch = {d.doc_id for d in docs[start:start + 7]}
            store.write_run("r", [d for d in docs if d.doc_id in batch], [], [],
                            [replace(e) for e in events if e.doc_id in batch], resolve=not deferred or start + 7 >= 60)
            if deferred and start == 0:
                assert store.count("incident_pending") and not store.count("incidents")
        assert store.count("incident_pending") == 0
        stored = {e.event_id: e.incident_id for e in store.events()}
        incidents = {i.incident_id: (sorted(i.event_ids), i.num_mentions, i.num_sources, i.num_articles)
                     for i in store.incidents()}
    # one pass over every event, as a first write of them all would make it (no earlier ids to keep)
    whole = [replace(e) for e in events]
    expected = merge_incidents(whole, {d.doc_id: d.outlet for d in docs})
    groups = lambda pairs: sorted(sorted(e for e, i in pairs if i == inc) for inc in {i for _, i in pairs if i})
    assert groups(stored.items()) == groups([(e.event_id, e.incident_id) for e in whole])
    assert sorted(incidents.values()) == sorted((sorted(i.event_ids), i.num_mentions, i.num_sources, i.num_articles)
                                                for i in expected)


def test_a_run_read_back_a_few_documents_at_a_time_is_the_run_read_at_once(tmp_path, monkeypatch):
    from detente.store import database
    items = [make(d, outlet) for d, outlet in zip("cabed", ("TASS", "RT", "AP", "TASS", "RT"))]
    items[1] = (*items[1][:3], replace(items[1][3], date="2021-07-29"))  # two incidents
    with Store(tmp_path / "d.duckdb") as store:
        write(store, *items)
        order = ["e", "a", "c", "b", "d"]
        store.select_run(order)

        def read():
            return {t: [r.to_row() for r in store.run_rows(t)] for t in ("documents", "entities", "events", "quotes",
                                                                           "incidents")}
        whole = read()
        monkeypatch.setattr(database, "EXPORT_CHUNK_DOCUMENTS", 1)  # one row of incidents a chunk, too
        assert read() == whole
        assert [d["doc_id"] for d in whole["documents"]] == order and len(whole["incidents"]) == 2
        assert [i["date"] for i in whole["incidents"]] == ["2021-07-28", "2021-07-29"]
