"""Typed errors of the library; the CLI turns each into one line and a non-zero exit."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error `kg` reports to a user as one line."""

    exit_code = 1


class InputError(KgError):
    """An input document cannot be read: missing, undecodable, empty, malformed."""


class QueryError(KgError):
    """A SPARQL query is malformed, refused (not read-only) or failed."""


class StoreError(KgError):
    """The store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store."""


class ValidationFailed(KgError):
    """SHACL validation found violations."""


class ClusterError(KgError):
    """A Dask cluster cannot be used: dask is not installed or the scheduler is unreachable."""
