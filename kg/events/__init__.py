"""Events above reports: facts of many documents that tell of one happening, grouped.

`group` (kg.events.group) decides, `graph` writes and reads events in the store, `output`
lists them, `timeline` orders a pair's events by month, `fusion` scores the grouping.
"""
