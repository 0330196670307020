"""The read stage: raw inputs (.txt, .html, .jsonl, .warc[.gz], folders, globs, stdin) to Records."""
from detente.read.records import iter_records

__all__ = ["iter_records"]
