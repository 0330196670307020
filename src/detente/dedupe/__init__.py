"""dedupe: drop exact and near-duplicate documents (corpus stage)."""
from detente.dedupe.deduper import Deduper, Original, band_keys, content_hash, mark_duplicates
from detente.dedupe.urls import normalize_url

__all__ = ["Deduper", "Original", "band_keys", "content_hash", "mark_duplicates", "normalize_url"]
