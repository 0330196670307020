-- Detente store schema (DuckDB). One row per contract row; actor objects and lists are JSON text,
-- with the actor ids and countries also in plain columns for queries.
-- This is migration 0001_base of store/database.py (MIGRATIONS): it runs once per store, and its CREATE ... IF NOT
-- EXISTS leaves an older store's tables as they are, so a change to a table here also needs a later migration there
-- (events.context: 0002_event_context; 0003_missing_columns adds any column here that a store made before
-- schema_migrations lacks). Applied migrations are listed in the schema_migrations table.
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    source VARCHAR, url VARCHAR, status VARCHAR, duplicate_of VARCHAR,
    title VARCHAR, outlet VARCHAR, author VARCHAR,
    published VARCHAR, published_basis VARCHAR, language VARCHAR, encoding VARCHAR,
    text VARCHAR, removed VARCHAR, error VARCHAR, content_hash VARCHAR, run_id VARCHAR,
    origin VARCHAR  -- the record's canonical source: a changed record replaces its earlier version
);
CREATE TABLE IF NOT EXISTS entities (
    doc_id VARCHAR, span_start INTEGER, span_end INTEGER, text VARCHAR,
    actor_id VARCHAR, name VARCHAR, kind VARCHAR, country VARCHAR, org VARCHAR, sector VARCHAR, role VARCHAR,
    basis VARCHAR,
    PRIMARY KEY (doc_id, span_start, span_end, actor_id)
);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY, doc_id VARCHAR, sentence VARCHAR, span_start INTEGER, span_end INTEGER,
    source VARCHAR, target VARCHAR,
    source_actor_id VARCHAR, source_country VARCHAR, target_actor_id VARCHAR, target_country VARCHAR,
    cameo VARCHAR, plover VARCHAR, mode VARCHAR, quad_class INTEGER, goldstein DOUBLE,
    date VARCHAR, date_text VARCHAR, date_basis VARCHAR, location VARCHAR, aux_mode VARCHAR,
    confidence DOUBLE, incident_id VARCHAR, "trigger" VARCHAR, "symmetric" BOOLEAN,
    context VARCHAR,  -- JSON list of PLOVER contexts, ["military", "cbrn"]
    block_key VARCHAR  -- the incident block (type, dyad, year) as JSON; NULL for an event that is no incident
);
CREATE TABLE IF NOT EXISTS quotes (
    quote_id VARCHAR PRIMARY KEY, doc_id VARCHAR, text VARCHAR, span_start INTEGER, span_end INTEGER,
    speaker VARCHAR, speaker_actor_id VARCHAR, cue VARCHAR
);
CREATE TABLE IF NOT EXISTS incidents (
    incident_id VARCHAR PRIMARY KEY, date VARCHAR, source VARCHAR, target VARCHAR, cameo VARCHAR, plover VARCHAR,
    num_mentions INTEGER, num_sources INTEGER, num_articles INTEGER, event_ids VARCHAR
);
-- The dedupe index of originals (dedupe/deduper.py): a new document is checked against these, a batch at a time,
-- so the index lives here and not in memory.
CREATE TABLE IF NOT EXISTS dedupe_index (
    doc_id VARCHAR PRIMARY KEY, content_hash VARCHAR, url_key VARCHAR, signature UBIGINT[], bands BIGINT[]
);
CREATE TABLE IF NOT EXISTS dedupe_bands (band BIGINT, doc_id VARCHAR);
-- Incident scopes (store/database.py: incident_scope) whose events changed in a batch of a run that has not
-- recomputed their incidents yet: the run does so once, at its end, not once per batch (migration 0005).
CREATE TABLE IF NOT EXISTS incident_pending (block_key VARCHAR, month VARCHAR);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, started VARCHAR, finished VARCHAR, inputs VARCHAR, counts VARCHAR
);
-- Every event once per direction it can be queried in: a symmetric event (meet, talk, agree between A and B)
-- appears as A->B and B->A, so `WHERE source_country = 'USA' AND target_country = 'RUS'` finds it either way.
-- Counting stays on `events` or `incidents`, where it is one row.
CREATE OR REPLACE VIEW event_directions AS
    SELECT event_id, doc_id, source_actor_id, source_country, target_actor_id, target_country,
           cameo, plover, date, aux_mode, incident_id, FALSE AS reversed
    FROM events
    UNION ALL
    SELECT event_id, doc_id, target_actor_id, target_country, source_actor_id, source_country,
           cameo, plover, date, aux_mode, incident_id, TRUE AS reversed
    FROM events WHERE "symmetric" AND target_actor_id IS NOT NULL;
