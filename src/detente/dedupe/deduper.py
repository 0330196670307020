"""Exact and near-duplicate detection over a stream of documents.

Three tests, cheapest first:
1. the same clean text (content hash),
2. the same page address once tracking parameters are stripped, with similar text,
3. MinHash/LSH over word shingles of the clean text (syndicated wire copies, re-posts with other clutter).

The first copy seen is the original; later copies get status "duplicate" and `duplicate_of`. Only articles take
part: an error page stays an error page, however many sites serve the same one.

The index of originals is bounded: a Deduper holds only what it was told (`remember`) and what it added since it
last forgot (`forget`). A long run keeps the index in the store: for each batch it asks the store for the entries
its documents could match (`lookups`: content hashes, URL keys and band keys), checks the batch, hands the new
originals to the store (`added`) and forgets. So memory stays flat however large the corpus, and a document is
checked against every original stored by any earlier run. Each check is a constant number of band look-ups.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

import numpy as np
from datasketch import MinHash, MinHashLSH

from detente import settings
from detente.dedupe.urls import normalize_url
from detente.types import ARTICLE, DUPLICATE, Document

_WORD = re.compile(r"\w+", re.UNICODE)


def content_hash(text: str) -> str:
    return hashlib.sha1(" ".join(_WORD.findall(text.lower())).encode("utf-8")).hexdigest()


@dataclass
class Original:
    """One original in the index: what a later copy can match on."""
    doc_id: str
    content_hash: str
    url_key: Optional[str] = None
    signature: Optional[np.ndarray] = None  # MinHash values (uint64, num_perm of them)
    bands: tuple[int, ...] = ()             # LSH band keys of the signature


@dataclass
class Probe:
    """What a document is looked up by."""
    content_hash: str
    url_key: Optional[str]
    signature: np.ndarray
    bands: tuple[int, ...]


@lru_cache(maxsize=8)
def _band_ranges(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    # datasketch picks the bands x rows that minimise false positives and negatives at this threshold
    return tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


def band_keys(signature: np.ndarray, ranges: Iterable[tuple[int, int]]) -> tuple[int, ...]:
    """One signed 64-bit key per band (its position and its values), as the store keeps them."""
    keys = []
    for n, (start, end) in enumerate(ranges):
        digest = hashlib.blake2b(n.to_bytes(2, "little") + signature[start:end].astype("<u8").tobytes(), digest_size=8)
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return tuple(keys)


class Deduper:
    def __init__(self, threshold: float = settings.NEAR_DUPLICATE_THRESHOLD,
                 num_perm: int = settings.MINHASH_PERMUTATIONS, shingle: int = settings.MINHASH_SHINGLE_WORDS):
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self._template = MinHash(num_perm=num_perm)  # permutations are drawn once and shared
        # recall first (a lower threshold for the bands); the signature estimate decides
        self._ranges = _band_ranges(threshold * 0.8, num_perm)
        self._probes: dict[str, Probe] = {}
        self.forget()

    def forget(self, keep: Iterable[Original] = ()) -> None:
        """Drop the index (the store has it now) but `keep`, and what was noted of checked documents."""
        self._by_hash: dict[str, str] = {}
        self._by_url: dict[str, str] = {}
        self._by_band: dict[int, list[str]] = {}
        self._signatures: dict[str, np.ndarray] = {}
        self._added: list[Original] = []
        self._checked: set[str] = set()
        self._probes = {}
        self.remember(keep)

    def signature(self, text: str) -> MinHash:
        words = _WORD.findall(text.lower())
        n = self.shingle
        grams = {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))}
        m = MinHash(num_perm=self.num_perm, permutations=self._template.permutations,
                    scheme=self._template.scheme)
        m.update_batch(list(grams))
        return m

    def probe(self, doc: Document) -> Optional[Probe]:
        """The keys `doc` is looked up by; None for a document that takes no part (unread, empty, a duplicate)."""
        if doc.status != ARTICLE or not (doc.text or "").strip():
            return None
        found = self._probes.get(doc.doc_id)
        if found is None:
            key = doc.content_hash or content_hash(doc.text)
            doc.content_hash = key
            signature = self.signature(doc.text).hashvalues
            found = Probe(key, normalize_url(doc.url), signature, band_keys(signature, self._ranges))
            self._probes[doc.doc_id] = found
        return found

    def original(self, doc: Document) -> Optional[Original]:
        """`doc` as an entry of the index."""
        p = self.probe(doc)
        return None if p is None else Original(doc.doc_id, p.content_hash, p.url_key, p.signature, p.bands)

    def lookups(self, docs: Iterable[Document]) -> tuple[set[str], set[str], set[int]]:
        """(content hashes, URL keys, band keys) of `docs`: what to ask a persistent index for before checking them."""
        hashes, urls, bands = set(), set(), set()
        for doc in docs:
            p = self.probe(doc)
            if p is not None:
                hashes.add(p.content_hash)
                if p.url_key:
                    urls.add(p.url_key)
                bands.update(p.bands)
        return hashes, urls, bands

    def remember(self, originals: Iterable[Original]) -> None:
        for o in originals:
            self._index(o)

    def added(self) -> list[Original]:
        """The originals checked since the last call (for the store's index)."""
        added, self._added = self._added, []
        return added

    def check(self, doc: Document) -> Document:
        """Mark `doc` as a duplicate of an earlier document if it is one; remember it otherwise."""
        p = self.probe(doc)
        if p is None:
            return doc
        original = self._by_hash.get(p.content_hash)
        if original is None and p.signature is not None:
            if p.url_key and p.url_key in self._by_url:
                first_id = self._by_url[p.url_key]
                if self._estimate(p.signature, first_id) >= self.threshold / 2:  # same address: a looser text test
                    original = first_id
            if original is None:
                hits = {h for band in p.bands for h in self._by_band.get(band, ())}
                best = max(sorted(hits), key=lambda h: self._estimate(p.signature, h), default=None)
                if best is not None and self._estimate(p.signature, best) >= self.threshold:
                    original = best
        if original is not None and original != doc.doc_id:
            doc.status, doc.duplicate_of = DUPLICATE, original
            return doc
        if doc.doc_id not in self._checked:  # an original already in the index (a re-coded document) is added again:
            self._checked.add(doc.doc_id)    # the store replaces its rows, index entries included
            entry = Original(doc.doc_id, p.content_hash, p.url_key, p.signature, p.bands)
            self._index(entry)
            self._added.append(entry)
        return doc

    def _index(self, o: Original) -> None:
        self._by_hash.setdefault(o.content_hash, o.doc_id)
        if o.signature is not None:
            self._signatures[o.doc_id] = o.signature
            for band in o.bands:
                self._by_band.setdefault(band, []).append(o.doc_id)
            if o.url_key:
                self._by_url.setdefault(o.url_key, o.doc_id)

    def _estimate(self, signature: np.ndarray, doc_id: str) -> float:
        return float(np.count_nonzero(signature == self._signatures[doc_id])) / self.num_perm


def mark_duplicates(docs: list[Document]) -> list[Document]:
    deduper = Deduper()
    for d in docs:
        deduper.check(d)
    return docs
