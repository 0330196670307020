"""resolve: merge event mentions across documents into incidents (corpus stage)."""
from detente.resolve.incidents import block_key, merge_incidents, previous_of

__all__ = ["block_key", "merge_incidents", "previous_of"]
