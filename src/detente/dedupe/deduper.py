"""Exact and near-duplicate detection over a stream of documents.

Three tests, cheapest first:
1. the same clean text (content hash),
2. the same page address once tracking parameters are stripped, with similar text,
3. MinHash/LSH over word shingles of the clean text (syndicated wire copies, re-posts with other clutter).

The first copy seen is the original; later copies get status "duplicate" and `duplicate_of`.
Memory per document is one content hash, one URL key and the MinHash signature in the LSH bands,
and each check is a constant number of band look-ups, so cost grows linearly with the corpus.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash, MinHashLSH

from detente import settings
from detente.dedupe.urls import normalize_url
from detente.types import ARTICLE, DUPLICATE, ERROR_PAGE, Document

_WORD = re.compile(r"\w+", re.UNICODE)


def _band_key(band: bytes) -> bytes:
    return hashlib.blake2b(band, digest_size=8).digest()


def content_hash(text: str) -> str:
    return hashlib.sha1(" ".join(_WORD.findall(text.lower())).encode("utf-8")).hexdigest()


class Deduper:
    def __init__(self, threshold: float = settings.NEAR_DUPLICATE_THRESHOLD,
                 num_perm: int = settings.MINHASH_PERMUTATIONS, shingle: int = settings.MINHASH_SHINGLE_WORDS):
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self._template = MinHash(num_perm=num_perm)  # permutations are drawn once and shared
        # recall first (a lower threshold); the signature estimate decides. Band keys are hashed to 8 bytes
        # so each document costs its signature (128 32-bit values) and a short key per band.
        self._lsh = MinHashLSH(threshold=threshold * 0.8, num_perm=num_perm, hashfunc=_band_key)
        self._by_hash: dict[str, str] = {}
        self._by_url: dict[str, str] = {}
        self._signatures: dict[str, np.ndarray] = {}

    def signature(self, text: str) -> MinHash:
        words = _WORD.findall(text.lower())
        n = self.shingle
        grams = {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))}
        m = MinHash(num_perm=self.num_perm, permutations=self._template.permutations,
                    scheme=self._template.scheme)
        m.update_batch(list(grams))
        return m

    def check(self, doc: Document) -> Document:
        """Mark `doc` as a duplicate of an earlier document if it is one; remember it otherwise."""
        if doc.status not in (ARTICLE, ERROR_PAGE) or not doc.text.strip():
            return doc
        key = doc.content_hash or content_hash(doc.text)
        doc.content_hash = key
        original = self._by_hash.get(key)
        sig = None
        if original is None and doc.status == ARTICLE:
            sig = self.signature(doc.text)
            url = normalize_url(doc.url)
            if url and url in self._by_url:
                first_id = self._by_url[url]
                if self._estimate(sig, first_id) >= self.threshold / 2:  # same address: a looser text test will do
                    original = first_id
            if original is None:
                hits = self._lsh.query(sig)
                best = max(hits, key=lambda h: self._estimate(sig, h), default=None)
                if best is not None and self._estimate(sig, best) >= self.threshold:
                    original = best
        if original is not None and original != doc.doc_id:
            doc.status, doc.duplicate_of = DUPLICATE, original
            return doc
        self._by_hash.setdefault(key, doc.doc_id)
        if sig is not None:
            self._signatures[doc.doc_id] = sig.hashvalues
            if doc.doc_id not in self._lsh:  # a re-read record with the same id
                self._lsh.insert(doc.doc_id, sig)
            url = normalize_url(doc.url)
            if url:
                self._by_url.setdefault(url, doc.doc_id)
        return doc

    def _estimate(self, sig: MinHash, doc_id: str) -> float:
        return float(np.count_nonzero(sig.hashvalues == self._signatures[doc_id])) / self.num_perm


def mark_duplicates(docs: list[Document]) -> list[Document]:
    deduper = Deduper()
    for d in docs:
        deduper.check(d)
    return docs
