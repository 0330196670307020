"""store: the DuckDB file and the JSONL files of the output contract."""
from detente.store.database import Store
from detente.store.files import write_jsonl

__all__ = ["Store", "write_jsonl"]
