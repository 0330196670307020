"""store: the DuckDB file and the JSONL files of the output contract."""
from detente.store.database import Store, StoreError, StoreLock, StoreLocked, StoreTooNew, stored_row
from detente.store.files import write_jsonl

__all__ = ["Store", "StoreError", "StoreLock", "StoreLocked", "StoreTooNew", "stored_row", "write_jsonl"]
