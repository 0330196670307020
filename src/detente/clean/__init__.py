"""The clean stage: main text out of HTML or noisy text, every removed line kept with its reason, metadata."""
from detente.clean.lines import clean_lines
from detente.clean.record import clean_record

__all__ = ["clean_record", "clean_lines"]
