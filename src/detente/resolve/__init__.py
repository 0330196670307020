"""resolve: merge event mentions across documents into incidents (corpus stage)."""
from detente.resolve.incidents import merge_incidents

__all__ = ["merge_incidents"]
