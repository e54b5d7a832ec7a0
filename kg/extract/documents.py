"""Reading articles: text or Markdown with YAML front matter, HTML, JSON Lines, folders.

Every reader yields `Document`s whose text is normalised the same way (no BOM, `\\n` newlines,
Unicode NFC), so that the same article saved differently gives the same facts and IRIs.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..records import Document

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
METADATA_KEYS = ("id", "url", "date", "title", "source", "language")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Headings that open the author's own opinion or analysis, or a disclaimer that the text is
# the author's personal view: what follows is commentary, not reporting.
_COMMENTARY_HEAD = re.compile(
    r"""^[ \t]*(?:[#*_]+[ \t]*)?(?:
        comments?|commentary|analysis|opinion|editor'?s?[ \t]+note|editorial|
        our[ \t]+view|(?:author'?s?|expert)[ \t]+(?:note|comment|view)|
        statement(?=[ \t]*:[ \t]*(?:this|the)[ \t]+article[ \t]+represents)
    )[ \t]*[:\-–—]""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
_DISCLAIMER = re.compile(r"represents? (?:only )?the (?:personal )?views? of the author", re.I)


def input_suffix(path: str | os.PathLike[str]) -> str:
    """The extension that says how to read `path` (lower case; `.jsonl.gz` is one)."""
    name = os.fspath(path).lower()
    for double in (".jsonl.gz", ".ndjson.gz"):
        if name.endswith(double):
            return double
    return os.path.splitext(name)[1]


def path_text(path: str | os.PathLike[str]) -> str:
    """A file name as valid text: bytes that are not UTF-8 (kept by Python as lone surrogates,
    which no output can encode) become `\\xNN`, so ids and messages stay unique and printable."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def normalise_text(text: str) -> str:
    """Strip a BOM, unify newlines and compose Unicode so equal texts compare equal."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "")
    # Lone surrogates (from JSON "\ud800" escapes) are not text: nothing undecodable may
    # reach the store.
    text = _SURROGATE.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def commentary_start(text: str) -> int | None:
    """Offset where commentary begins: a comment/analysis heading or a personal-views disclaimer."""
    match = _COMMENTARY_HEAD.search(text)
    if match:
        return match.start() + len(match.group(0)) - len(match.group(0).lstrip())
    match = _DISCLAIMER.search(text)
    if match:
        return text.rfind("\n", 0, match.start()) + 1
    return None


def _decode(data: bytes, path: str, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"{path}: cannot decode as {encoding}: {exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 at byte {exc.start} (use --encoding to name another)"
        ) from None


def open_regular(path: Path) -> Any:
    """Open `path` for reading in binary if it is a regular file (through symlinks).

    Devices (/dev/zero), FIFOs and sockets are refused before a byte is read: they can be
    endless or block for ever. The file is opened without blocking and checked on its
    descriptor, so nothing can be swapped in between the check and the read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = ("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket")
        raise InputError(f"{path}: not a regular file but {what}")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes` (refused before reading if larger)."""
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise InputError(
                    f"{path}: {size} bytes is over the size limit of {max_bytes} bytes")
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # grew since it was measured
        raise InputError(f"{path}: over the size limit of {max_bytes} bytes")
    return data


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return normalise_text(str(value)).strip() or None


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?\Z")


def _check_date(value: str | None, where: str) -> str | None:
    """The document date as `YYYY[-MM[-DD]]`; a time of day, if given, is dropped."""
    if value is None:
        return None
    match = _ISO_DATE.match(value.strip())
    try:
        if not match:
            raise ValueError
        year, month, day = (int(g) if g else None for g in match.groups())
        dt.date(year, 1 if month is None else month,  # type: ignore[arg-type]
                1 if day is None else day)
    except ValueError:
        raise InputError(f"{where}: date {value!r} is not an ISO date (YYYY-MM-DD)") from None
    return "-".join(g for g in match.groups() if g)


def make_document(
    text: str, doc_id: str, meta: dict[str, Any] | None = None, *, where: str,
    path: str | None = None,
) -> Document:
    """Build a normalised `Document` from text and metadata (front matter, HTML or JSON)."""
    meta = meta or {}
    text = normalise_text(text)
    # Offsets in facts refer to the text as stored, so keep it unstripped except at the ends.
    text = text.strip("\n") if text.strip() else ""
    fields = {k: _scalar(meta.get(k)) for k in METADATA_KEYS}
    return Document(
        id=fields["id"] or unicodedata.normalize("NFC", doc_id),
        text=text,
        url=fields["url"],
        date=_check_date(fields["date"], where),
        title=fields["title"],
        source=fields["source"],
        language=fields["language"],
        path=path,
        commentary_start=commentary_start(text),
    )


def document_from_text(text: str, doc_id: str | None = None, *, where: str = "text",
                       **meta: Any) -> Document:
    """A document from text, read as a `.txt` file is: optional YAML front matter,
    normalisation, commentary detection. `meta` (url, date, title, source, language)
    overrides the front matter; without an id, the id is made from the text's hash, so the
    same text always gets the same id (and building it again replaces its graph)."""
    if not isinstance(text, str):
        raise InputError(f"{where}: expected text (str), got {type(text).__name__}")
    unknown = sorted(set(meta) - set(METADATA_KEYS))
    if unknown:
        raise InputError(f"{where}: unknown field {unknown[0]!r}; documents take "
                         f"text, {', '.join(METADATA_KEYS)}")
    front, body = split_front_matter(text, where)
    fields = {**front, **{k: v for k, v in meta.items() if v is not None}}
    if doc_id is not None:
        fields["id"] = doc_id
    if fields.get("id") is None or str(fields["id"]).strip() == "":
        digest = hashlib.sha256(normalise_text(body).strip().encode("utf-8")).hexdigest()
        fields["id"] = f"text-{digest[:16]}"
    return make_document(body, str(fields["id"]), fields, where=where)


def as_documents(inputs: Any, *, encoding: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """Documents from what Python users have at hand, one kind of item at a time:

    - a `str` is the text of one article (never a file name: pass a `pathlib.Path`);
    - a `Path` is a file or folder, read as `kg build` reads it;
    - a mapping has `text` and optionally `id`, `url`, `date`, `title`, `source`, `language`;
    - a `Document` is taken as is;
    - a list (or any iterable) holds items of those kinds.

    Anything else raises `InputError` naming the item.
    """
    if isinstance(inputs, (str, Path, Document, Mapping)):
        inputs = [inputs]
    elif isinstance(inputs, (bytes, bytearray)):
        raise InputError("expected text, got bytes: decode it first (e.g. data.decode('utf-8'))")
    elif not isinstance(inputs, Iterable):
        raise InputError(f"cannot build from {type(inputs).__name__}: give text (str), "
                         "a pathlib.Path, a dict with 'text', a Document, or a list of them")
    ids = DocumentIds()
    for number, item in enumerate(inputs, 1):
        where = f"item {number}"
        if isinstance(item, Document):
            yield ids.claim(item, f"{where} ({item.path})" if item.path else where)
        elif isinstance(item, str):
            yield ids.claim(document_from_text(item, where=where), where)
        elif isinstance(item, os.PathLike):
            for doc in read_documents([item], encoding=encoding, max_bytes=max_bytes):
                yield ids.claim(doc)
        elif isinstance(item, Mapping):
            data = dict(item)
            text = data.pop("text", None)
            if not isinstance(text, str):
                raise InputError(f"{where}: a document needs 'text' (a str)")
            doc_id = data.pop("id", None)
            yield ids.claim(document_from_text(
                text, None if doc_id is None else str(doc_id), where=where, **data), where)
        else:
            raise InputError(f"{where}: cannot build from {type(item).__name__}: give text "
                             "(str), a pathlib.Path, a dict with 'text' or a Document")


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """Return (metadata, body) of a text whose YAML front matter is optional."""
    import yaml

    text = normalise_text(text)
    match = _FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---\n"):
            raise InputError(f"{where}: front matter opened with '---' is never closed")
        return {}, text
    try:
        meta = _load_front_matter(match.group(1) or "", where) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"{where}:{line} bad front matter: {problem}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{where}: front matter is not a mapping of keys to values")
    return meta, text[match.end():]


# Front matter is a small flat mapping (id, url, date, title…). YAML can say far more:
# anchors and aliases let a few hundred bytes expand into gigabytes once the values are
# turned into text, so they are refused, and so is deep nesting or a large header.
FRONT_MATTER_MAX_BYTES = 16 * 1024
FRONT_MATTER_MAX_DEPTH = 2  # a mapping whose values may be lists of scalars
FRONT_MATTER_MAX_NODES = 500


def _load_front_matter(source: str, where: str) -> Any:
    import yaml

    if len(source.encode("utf-8")) > FRONT_MATTER_MAX_BYTES:
        raise InputError(f"{where}: front matter is over {FRONT_MATTER_MAX_BYTES} bytes")
    depth = nodes = 0
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise InputError(f"{where}: front matter uses YAML anchors or aliases "
                             "(&name, *name); write the values out")
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > FRONT_MATTER_MAX_NODES:
                raise InputError(f"{where}: front matter has over {FRONT_MATTER_MAX_NODES} "
                                 "values; it should be a small mapping")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > FRONT_MATTER_MAX_DEPTH:
                raise InputError(f"{where}: front matter is nested too deeply; it should be "
                                 "a flat mapping of keys to values")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    try:
        return yaml.load(source, Loader=_front_matter_loader())  # noqa: S506 (a SafeLoader)
    except ValueError as exc:  # a value YAML could not construct
        raise InputError(f"{where}: bad front matter: {exc}") from None


@functools.cache
def _front_matter_loader() -> Any:
    """YAML's safe loader, but dates stay text: `_check_date` judges them and names the file,
    where YAML would raise on `2026-13-45` while building a datetime."""
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):
        pass

    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return FrontMatterLoader


def read_text_document(path: Path, *, encoding: str | None = None,
                       max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    where = path_text(path)
    raw = _decode(read_bytes(path, max_bytes), where, encoding)
    meta, body = split_front_matter(raw, where)
    return make_document(body, path_text(path.stem), meta, where=where, path=where)


def read_html_document(path: Path, *, encoding: str | None = None,
                       max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    where = path_text(path)
    raw = _decode(read_bytes(path, max_bytes), where, encoding)
    return document_from_html(raw, path_text(path.stem), where=where, path=where)


def document_from_html(html: str, doc_id: str, *, where: str, path: str | None = None) -> Document:
    """Main text and metadata of a web page, through trafilatura (boilerplate, scripts dropped)."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True,
        favor_precision=True,
    )
    if extracted is None:
        text, meta = "", {}
    else:
        data = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
        text = data.get("text") or ""
        meta = {
            "url": data.get("url"), "date": data.get("date"), "title": data.get("title"),
            "source": data.get("sitename") or data.get("hostname"),
            "language": data.get("language"),
        }
    return make_document(text, doc_id, meta, where=where, path=path)


def read_jsonl_documents(path: Path, *, keep_going: bool = False,
                         max_bytes: int = DEFAULT_MAX_BYTES,
                         skipped: list[str] | None = None,
                         handle: IO[bytes] | None = None,
                         ids: DocumentIds | None = None) -> Iterator[Document]:
    """One article per line: `id` and `text`, optional `url`, `date`, `title`, `source`.

    Streams the file (or `handle`, e.g. stdin) and never holds more than `max_bytes` of a
    line: a longer line or a malformed one stops the read with its line number, or is
    counted in `skipped` and passed over with `keep_going`. With `ids`, an id used before
    is refused like a malformed line.
    """
    with handle or _open_jsonl(path) as lines:
        for number, raw in enumerate(_read_lines(lines, max_bytes, path), 1):
            where = f"{path_text(path)}:{number}"
            try:
                if raw is None:
                    raise InputError(f"{where}: line is over the size limit of {max_bytes} bytes")
                if not raw.strip():
                    continue
                line = _decode(raw, where, None)
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{where}: not valid JSON: {exc.msg}") from None
                except RecursionError:
                    raise InputError(f"{where}: JSON nested too deeply") from None
                if not isinstance(data, dict):
                    raise InputError(f"{where}: expected a JSON object")
                if not isinstance(data.get("text"), str):
                    raise InputError(f"{where}: the article has no 'text' string")
                doc_id = data.get("id")
                if doc_id is None or str(doc_id).strip() == "":
                    raise InputError(f"{where}: the article has no 'id'")
                doc = make_document(data["text"], str(doc_id), data, where=where,
                                    path=path_text(path))
                yield ids.claim(doc, where) if ids is not None else doc
            except InputError as exc:
                if not keep_going:
                    raise
                if skipped is not None:
                    skipped.append(str(exc))


def _open_jsonl(path: Path) -> Any:
    raw = open_regular(path)
    if not input_suffix(path).endswith(".gz"):
        return raw
    # Decompressed as it is read, a line at a time: a corpus never sits whole in memory.
    unzipped = gzip.GzipFile(fileobj=raw, mode="rb")
    unzipped.myfileobj = raw  # what GzipFile closes with itself (as when it opens the file)
    return unzipped


def _read_lines(handle: IO[bytes], limit: int, path: Path) -> Iterator[bytes | None]:
    try:
        yield from _bounded_lines(handle, limit)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"{path_text(path)}: cannot read: {exc}") from None


def _bounded_lines(handle: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """Lines of `handle`, each read with at most `limit` bytes held; None for a longer one.

    The rest of a line that is too long is read past in bounded pieces, never kept, and only
    if the caller goes on (an endless line on stdin stops at once when it does not).
    """
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if len(raw) <= limit or (len(raw) == limit + 1 and raw.endswith(b"\n")):
            yield raw
            continue
        yield None
        while raw and not raw.endswith(b"\n"):
            raw = handle.readline(1 << 20)


STDIN = "-"


def iter_paths(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Path | str | InputError]:
    """Files named, and in folders those with a known extension, in sorted order.

    The string "-" stands for stdin and is passed on as is; a `Path("-")` is a file. A
    folder that cannot be listed comes as an `InputError` in its place, for the reader to
    raise or, with --keep-going, to report as skipped.
    """
    for item in inputs:
        if isinstance(item, str) and item == STDIN:
            yield item  # type: ignore[misc]
            continue
        path = Path(item)
        if path.is_dir():
            yield from _walk(path)
        elif not path.exists():
            raise InputError(f"{path}: no such file or directory")
        elif input_suffix(path) not in SUFFIXES:
            raise InputError(
                f"{path}: unknown extension {path.suffix or '(none)'!r}; "
                f"kg reads {', '.join(SUFFIXES)}"
            )
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path | InputError]:
    """The readable files of a folder tree, and an error for each folder that cannot be
    listed (pathlib's rglob passes over those in silence, and their articles with them)."""
    found: list[Path | InputError] = []

    def unreadable(exc: OSError) -> None:
        where = path_text(exc.filename or folder)
        found.append(InputError(f"{where}: cannot read folder: {exc.strerror or exc}"))

    for top, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(top, name) for name in files
                  if not name.startswith(".") and input_suffix(name) in SUFFIXES]
    # In name order, each error where its folder stands (its message starts with the path).
    return iter(sorted(found, key=str))


def read_documents(
    inputs: Iterable[str | os.PathLike[str]], *, encoding: str | None = None,
    keep_going: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
    skipped: list[str] | None = None,
) -> Iterator[Document]:
    """Stream the documents of files and folders (recursively, by extension).

    "-" reads JSON Lines from stdin. Only regular files are read (a FIFO or a device named
    as input is refused). Two documents with one id (`a/report.txt` and `b/report.txt`,
    a JSON Lines id used twice) are refused, naming both: each id names one graph.
    With `keep_going`, unreadable documents are recorded in `skipped` and passed over.
    """
    ids = DocumentIds()
    for path in iter_paths(inputs):
        try:
            if isinstance(path, InputError):
                raise path
            if path == STDIN:
                found: Iterable[Document] = read_jsonl_documents(
                    Path("<stdin>"), keep_going=keep_going, max_bytes=max_bytes,
                    skipped=skipped, handle=sys.stdin.buffer, ids=ids)
            elif input_suffix(path) in JSONL_SUFFIXES:
                found = read_jsonl_documents(path, keep_going=keep_going, max_bytes=max_bytes,
                                             skipped=skipped, ids=ids)
            elif input_suffix(path) in HTML_SUFFIXES:
                found = [ids.claim(read_html_document(path, encoding=encoding,
                                                      max_bytes=max_bytes))]
            else:
                found = [ids.claim(read_text_document(path, encoding=encoding,
                                                      max_bytes=max_bytes))]
            yield from found
        except InputError as exc:
            if not keep_going:
                raise
            if skipped is not None:
                skipped.append(str(exc))


class DocumentIds:
    """The ids of one build: each names one graph, so a second document with it is refused.

    Ids are compared as the graph they name, so ids equal after Unicode normalisation
    collide too. Refusing (rather than renaming one) keeps every id predictable from its
    source alone: a file's id is its stem, or the `id` its front matter gives.
    """

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def claim(self, doc: Document, where: str | None = None) -> Document:
        from ..graph.vocab import graph_iri

        where = where or doc.path or f"document {doc.id!r}"
        key = graph_iri(doc.id)
        first = self._seen.get(key)
        if first is not None:
            raise InputError(f"{where}: document id {doc.id!r} is already used by {first}; "
                             "give one of them another id")
        self._seen[key] = where
        return doc
