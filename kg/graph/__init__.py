"""The graph side: RDF terms (vocab, rdf), stores (store, remote), and what is done to a store
(query, importer, validate, summaries); `connect` is the notebook's entry point, `kg.connect()`.
"""
