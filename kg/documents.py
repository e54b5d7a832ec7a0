"""Reading articles: text or Markdown with YAML front matter, HTML, JSON Lines, folders.

Every reader yields `Document`s whose text is normalised the same way (no BOM, `\\n` newlines,
Unicode NFC), so that the same article saved differently gives the same facts and IRIs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError
from .records import Document

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
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


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size} bytes is over the size limit of {max_bytes} bytes")
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


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
        dt.date(year, month or 1, day or 1)  # type: ignore[arg-type]
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
        id=fields["id"] or doc_id,
        text=text,
        url=fields["url"],
        date=_check_date(fields["date"], where),
        title=fields["title"],
        source=fields["source"],
        language=fields["language"],
        path=path,
        commentary_start=commentary_start(text),
    )


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
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"{where}:{line} bad front matter: {problem}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{where}: front matter is not a mapping of keys to values")
    return meta, text[match.end():]


def read_text_document(path: Path, *, encoding: str | None = None,
                       max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    raw = _decode(_read_bytes(path, max_bytes), str(path), encoding)
    meta, body = split_front_matter(raw, str(path))
    return make_document(body, path.stem, meta, where=str(path), path=str(path))


def read_html_document(path: Path, *, encoding: str | None = None,
                       max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    raw = _decode(_read_bytes(path, max_bytes), str(path), encoding)
    return document_from_html(raw, path.stem, where=str(path), path=str(path))


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
                         skipped: list[str] | None = None) -> Iterator[Document]:
    """One article per line: `id` and `text`, optional `url`, `date`, `title`, `source`.

    Streams the file; a line over `max_bytes` or malformed stops the read with its line
    number, or is counted in `skipped` and passed over with `keep_going`.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        for number, raw in enumerate(handle, 1):
            where = f"{path}:{number}"
            try:
                if len(raw) > max_bytes:
                    raise InputError(f"{where}: line is over the size limit of {max_bytes} bytes")
                if not raw.strip():
                    continue
                line = _decode(raw, where, None)
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{where}: not valid JSON: {exc.msg}") from None
                if not isinstance(data, dict):
                    raise InputError(f"{where}: expected a JSON object")
                if not isinstance(data.get("text"), str):
                    raise InputError(f"{where}: the article has no 'text' string")
                doc_id = data.get("id")
                if doc_id is None or str(doc_id).strip() == "":
                    raise InputError(f"{where}: the article has no 'id'")
                yield make_document(data["text"], str(doc_id), data, where=where, path=str(path))
            except InputError as exc:
                if not keep_going:
                    raise
                if skipped is not None:
                    skipped.append(str(exc))


def iter_paths(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files named, and in folders those with a known extension, in sorted order."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not p.name.startswith("."))
            yield from found
        elif not path.exists():
            raise InputError(f"{path}: no such file or directory")
        elif path.suffix.lower() not in SUFFIXES:
            raise InputError(
                f"{path}: unknown extension {path.suffix or '(none)'!r}; "
                f"kg reads {', '.join(SUFFIXES)}"
            )
        else:
            yield path


def read_documents(
    inputs: Iterable[str | os.PathLike[str]], *, encoding: str | None = None,
    keep_going: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
    skipped: list[str] | None = None,
) -> Iterator[Document]:
    """Stream the documents of files and folders (recursively, by extension).

    With `keep_going`, unreadable documents are recorded in `skipped` and passed over.
    """
    for path in iter_paths(inputs):
        suffix = path.suffix.lower()
        try:
            if suffix in JSONL_SUFFIXES:
                yield from read_jsonl_documents(path, keep_going=keep_going,
                                                max_bytes=max_bytes, skipped=skipped)
            elif suffix in HTML_SUFFIXES:
                yield read_html_document(path, encoding=encoding, max_bytes=max_bytes)
            else:
                yield read_text_document(path, encoding=encoding, max_bytes=max_bytes)
        except InputError as exc:
            if not keep_going:
                raise
            if skipped is not None:
                skipped.append(str(exc))
