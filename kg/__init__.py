"""kg: knowledge graphs of bilateral relations, read from news articles and statements."""

__version__ = "0.1.0"
