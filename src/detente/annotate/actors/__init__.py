"""Actors: the knowledge base of states, organisations, people and dated roles, and the resolver that
maps one mention ("the top Russian diplomat", "Anthony Blinken", "Moscow") to a canonical Actor."""
from detente.annotate.actors.kb import KnowledgeBase, name_key
from detente.annotate.actors.resolver import ActorResolver, Resolution

__all__ = ["ActorResolver", "KnowledgeBase", "Resolution", "name_key"]
