"""The code stage: annotated documents in, events coded to CAMEO and PLOVER out."""
from .coder import Coder, CoderStats

__all__ = ["Coder", "CoderStats"]
