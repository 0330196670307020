"""store: the DuckDB file and the JSONL files of the output contract."""
from detente.store.database import Store, StoreError, StoreLock, StoreLocked, StoreTooNew
from detente.store.files import write_jsonl

__all__ = ["Store", "StoreError", "StoreLock", "StoreLocked", "StoreTooNew", "write_jsonl"]
