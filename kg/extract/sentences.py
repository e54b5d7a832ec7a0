"""Sentences and tokens, through spaCy's rule-based English tokenizer and sentencizer.

No trained model is needed (nor downloaded) to split: the tokenizer's exceptions keep "U.S.",
"Jan." and "Mr." whole, and the sentencizer splits after sentence-final punctuation. Paragraph
breaks always end a sentence. Built once per process, on first use.

`parser()` is the dependency parser shipped in the package (`kg/models/parser`), trained here
from the UD English Web Treebank by `make parser` (provenance: `data/treebanks/SOURCES.md`).
It is read from the package's own files, never from a hub or the network.
"""

from __future__ import annotations

import functools
import re
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
    return spacy.load(PARSER_MODEL)


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
