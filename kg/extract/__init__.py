"""Extraction: from a document to its facts, one module per step, in the order data flows.

documents (reading inputs) -> sentences (segmentation and the dependency parse) -> actors,
gazetteer, mentions (who is named) -> triggers (what happened) -> clauses and the extractor's
side rules (who acts on whom) -> dates, qualifiers (status, date, place, attribution) ->
extractor (the `Fact` records of `kg/records.py`) -> output (JSON Lines, tables, --explain).
"""
