"""Clinical knowledge as validated data: load it once at the edge and pass it in."""

from kinetrace.knowledge.load import KB_FILES, KnowledgeBase, load_knowledge

__all__ = ["KB_FILES", "KnowledgeBase", "load_knowledge"]
