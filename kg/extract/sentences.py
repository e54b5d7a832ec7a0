"""Sentences and tokens, through spaCy's rule-based English tokenizer and sentencizer.

No trained model is needed (nor downloaded) to split: the tokenizer's exceptions keep "U.S.",
"Jan." and "Mr." whole, and the sentencizer splits after sentence-final punctuation. Paragraph
breaks always end a sentence. Built once per process, on first use.

`parser()` is the dependency parser shipped in the package (`kg/models/parser`), trained here
from the UD English Web Treebank by `make parser` (provenance: `data/treebanks/SOURCES.md`).
It is read from the package's own files, never from a hub or the network.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import KgError

PARSER_MODEL = Path(__file__).resolve().parents[1] / "models" / "parser"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@functools.lru_cache(maxsize=1)
def _pipeline():  # type: ignore[no-untyped-def]
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@functools.lru_cache(maxsize=1)
def parser():  # type: ignore[no-untyped-def]
    """kg's tagger and dependency parser (a spaCy `Language`), loaded once per process.

    It tokenizes like `split_sentences` (spaCy's English rules) and labels dependencies with
    Universal Dependencies relations and their subtypes (`nsubj:pass`, `obl:agent`,
    `nmod:poss`, ...); tags are Penn Treebank tags.
    """
    import spacy

    if not (PARSER_MODEL / "config.cfg").is_file():
        raise KgError(f"the dependency parser is missing from {PARSER_MODEL}; "
                      "rebuild it with `make parser`")
    nlp = spacy.load(PARSER_MODEL)
    if _openblas() is not None:
        # numpy's OpenBLAS multiplies the encoder's matrices in about half the time of
        # thinc's default (BLIS) on one thread; `parse_docs` keeps it to one thread.
        from thinc.api import NumpyOps

        ops = NumpyOps(use_blis=False)
        for _, proc in nlp.pipeline:
            for node in proc.model.walk():
                node.ops = ops
    return nlp


# Docs per forward pass of the tagger and parser (the batches `nlp.pipe(docs, batch_size=64)`
# would make: the same batches give the same numbers, so the same parses).
PARSE_BATCH = 64


def parse_docs(docs: list) -> list:  # type: ignore[type-arg]
    """Tag and parse spaCy `Doc`s of words (made on `parser()`'s vocab) in place, as
    `parser().pipe(docs, batch_size=PARSE_BATCH)` does, and return them.

    spaCy's own greedy loop (`Parser.greedy_parse`) runs without the GIL, but the parser's
    state code, compiled by Cython 3, takes the GIL back for every state query to check for
    errors: two thirds of its time went to locking. The same loop driven from Python (one
    step for every sentence of a batch: scores, then transitions) holds the GIL throughout:
    a third of the time, and the same parses (tests/test_parser.py compares them with
    spaCy's own). Where spaCy lacks the pieces it is built from, its own `pipe` parses.
    """
    nlp = parser()
    with _one_blas_thread():
        for low in range(0, len(docs), PARSE_BATCH):
            batch = docs[low:low + PARSE_BATCH]
            for name, proc in nlp.pipeline:
                if name == "parser" and _steps_available(proc):
                    proc.set_annotations(batch, _greedy_parse(proc, batch))
                else:
                    proc.set_annotations(batch, proc.predict(batch))
    return docs


@functools.lru_cache(maxsize=1)
def _openblas():  # type: ignore[no-untyped-def]
    """The BLAS libraries loaded here (threadpoolctl's controller) if numpy's is OpenBLAS (as
    in its wheels for Linux), else None (then thinc's BLIS does the algebra)."""
    import numpy  # noqa: F401  (loads its BLAS)
    from threadpoolctl import ThreadpoolController

    controller = ThreadpoolController()
    return controller if controller.select(internal_api="openblas").lib_controllers else None


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """OpenBLAS on one thread while parsing: its threads would compete with the other
    extraction workers (one per core) and spin while Python runs; restored after."""
    blas = _openblas()
    if blas is None:
        yield
        return
    with blas.limit(limits=1, user_api="blas"):
        yield


def _steps_available(proc) -> bool:  # type: ignore[no-untyped-def]
    return proc.cfg.get("beam_width", 1) == 1 and all(
        hasattr(proc, name) for name in ("transition_states", "moves", "model"))


def _greedy_parse(proc, docs: list) -> list:  # type: ignore[no-untyped-def, type-arg]
    """The parser states of `docs` after greedy decoding (`Parser.greedy_parse`'s loop)."""
    batch = proc.moves.init_batch(docs)
    if not any(len(doc) for doc in docs):
        return batch
    step = proc.model.predict(docs)
    states = [state for state in batch if not state.is_final()]
    while states:
        states = proc.transition_states(states, step.predict(states))
    step.clear_memory()
    return batch


_PARAGRAPH = re.compile(r"[^\n]+")

# Reading a sentence costs more than its length (mentions, triggers and clauses are matched
# against each other), so a run of text without punctuation is cut into pieces of at most
# this many characters, at a space: extraction stays linear in the size of a document. The
# longest sentence of the evaluation sets has 407 characters.
MAX_SENTENCE = 1000
# spaCy refuses texts over a million characters; paragraphs are read in pieces of this size.
MAX_CHUNK = 100_000


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` with their character offsets, paragraph by paragraph.

    A sentence longer than `MAX_SENTENCE` characters is cut at spaces into shorter ones.
    """
    nlp = _pipeline()
    sentences: list[Sentence] = []
    for para in _PARAGRAPH.finditer(text):
        for low, high in _pieces(text, para.start(), para.end(), MAX_CHUNK):
            chunk = text[low:high]
            if not chunk.strip():
                continue
            for sent in nlp(chunk).sents:
                sentences.extend(_spans(text, low + sent.start_char, low + sent.end_char))
    return [piece for sent in _merge_fragments(text, sentences)
            for low, high in _pieces(text, sent.start, sent.end, MAX_SENTENCE)
            for piece in _spans(text, low, high)]


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """`text[start:end]` as consecutive spans of at most `limit` characters, each cut after
    the last space in its second half (or at the limit, in a run without spaces)."""
    spans = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit) + 1 or start + limit
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def _spans(text: str, start: int, end: int) -> list[Sentence]:
    """The sentence in `text[start:end]` without its surrounding spaces, if any is left."""
    piece = text[start:end].strip()
    if not piece:
        return []
    offset = text.index(piece, start)
    return [Sentence(offset, offset + len(piece), piece)]


def _merge_fragments(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """Rejoin pieces the sentencizer cut off inside a quotation (a lone closing quote)."""
    merged: list[Sentence] = []
    for sent in sentences:
        fragment = len(sent.text) <= 2 or sent.text[0] in ",;:)”’" or sent.text[0].islower()
        if merged and fragment and sent.start - merged[-1].end <= 1 \
                and "\n" not in text[merged[-1].end:sent.start]:
            prev = merged[-1]
            merged[-1] = Sentence(prev.start, sent.end, text[prev.start:sent.end])
        else:
            merged.append(sent)
    return merged
