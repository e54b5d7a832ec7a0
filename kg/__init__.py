"""kg: knowledge graphs of bilateral relations, read from news articles and statements.

Start with `kg.connect()`; see `kg.Graph`. Importing `kg` does no work: the names below are
loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Document", "Graph", "KgError", "QueryResult", "connect", "extract_bag"]

# Public name -> module that defines it, imported on first access.
_LAZY = {
    "connect": "graph.connect", "Graph": "graph.connect", "Document": "records",
    "QueryResult": "graph.query",
    "KgError": "errors", "extract_bag": "distributed",
}

if TYPE_CHECKING:
    from .distributed import extract_bag
    from .errors import KgError
    from .graph.connect import Graph, connect
    from .graph.query import QueryResult
    from .records import Document


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
