"""The shipped dependency parser: it loads from the package, reads plain sentences as a
reader would, tokenizes like sentence splitting, and is the one `make parser` builds."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pytest
import spacy
from spacy.util import load_config

import kg.extract.sentences
from kg.errors import KgError
from kg.extract.sentences import PARSER_MODEL, parser

ROOT = Path(__file__).resolve().parent.parent
SUBJECT = {"nsubj"}
PASSIVE_SUBJECT = {"nsubj:pass"}
AGENT = {"obl:agent", "obl"}
POSSESSOR = {"nmod:poss"}


def _parse(text: str) -> dict[str, tuple[str, str]]:
    """Each word of `text` (each once; punctuation aside) -> (its label, its head's text)."""
    words = [t for t in parser()(text) if not t.is_punct]
    assert len({t.text for t in words}) == len(words), "test sentences name each word once"
    return {t.text: (t.dep_, t.head.text) for t in words}


@pytest.mark.parametrize(("text", "verb", "subject", "obj"), [
    ("Japan invited Britain.", "invited", "Japan", "Britain"),
    ("France criticised Germany on Tuesday.", "criticised", "France", "Germany"),
    ("The Chinese government condemned Australia.", "condemned", "government", "Australia"),
    ("Kenya will host Peru next year.", "host", "Kenya", "Peru"),
])
def test_active_clause_subject_and_object(text: str, verb: str, subject: str, obj: str) -> None:
    parse = _parse(text)
    assert parse[verb][0] == "ROOT"
    assert parse[subject] == ("nsubj", verb)
    assert parse[obj] == ("obj", verb)


@pytest.mark.parametrize(("text", "verb", "patient", "agent"), [
    ("Britain was invited by Japan.", "invited", "Britain", "Japan"),
    ("The ambassador of Italy was expelled by Egypt.", "expelled", "ambassador", "Egypt"),
    ("India has been sanctioned by the United States.", "sanctioned", "India", "States"),
])
def test_passive_clause_patient_and_agent(text: str, verb: str, patient: str, agent: str) -> None:
    parse = _parse(text)
    assert parse[patient][0] in PASSIVE_SUBJECT and parse[patient][1] == verb
    assert parse[agent][0] in AGENT and parse[agent][1] == verb
    assert parse["by"] == ("case", agent)


@pytest.mark.parametrize(("text", "owner", "noun", "target", "preposition"), [
    ("Russia's invasion of Ukraine continued.", "Russia", "invasion", "Ukraine", "of"),
    ("Japan's talks with Britain ended.", "Japan", "talks", "Britain", "with"),
    ("Germany's aid to Poland grew.", "Germany", "aid", "Poland", "to"),
])
def test_possessor_and_noun_oblique(text: str, owner: str, noun: str, target: str,
                                    preposition: str) -> None:
    parse = _parse(text)
    assert parse[owner][0] in POSSESSOR and parse[owner][1] == noun
    assert parse["'s"] == ("case", owner)
    assert parse[target] == ("nmod", noun)
    assert parse[preposition] == ("case", target)


@pytest.mark.parametrize(("text", "verb", "target", "preposition"), [
    ("Japan held talks with Britain.", "held", "Britain", "with"),
    ("The president of Kenya travelled to Peru.", "travelled", "Peru", "to"),
])
def test_verb_oblique(text: str, verb: str, target: str, preposition: str) -> None:
    parse = _parse(text)
    assert parse[target][0] in {"obl", "nmod"}
    assert parse[target][1] in {verb, "talks"}
    assert parse[preposition] == ("case", target)


def test_conjoined_subjects_and_apposition() -> None:
    parse = _parse("Japan and Britain signed a treaty.")
    assert parse["Japan"] == ("nsubj", "signed")
    assert parse["Britain"] == ("conj", "Japan")
    assert parse["and"] == ("cc", "Britain")
    parse = _parse("The minister, Ms Sato, met Mr Lee.")
    assert parse["minister"] == ("nsubj", "met")
    assert parse["Sato"] == ("appos", "minister")


def test_parser_tokenizes_like_sentence_splitting() -> None:
    text = ("The U.S. and Japan's foreign ministers met on Jan. 5 in Washington, D.C.; "
            "they didn't sign the U.K.-backed accord, officials said.")
    split = kg.extract.sentences._pipeline()(text)
    assert [t.text for t in parser()(text)] == [t.text for t in split]


def test_shipped_model_is_what_make_parser_trains() -> None:
    shipped = load_config(PARSER_MODEL / "config.cfg", interpolate=False)
    config = load_config(ROOT / "scripts" / "parser.cfg", interpolate=False)
    assert shipped == config
    assert shipped["training"]["seed"] == "${system.seed}" and config["system"]["seed"] == 0


def test_shipped_model_names_the_treebank_files_it_was_trained_on() -> None:
    meta = json.loads((PARSER_MODEL / "meta.json").read_text(encoding="utf-8"))
    treebank = ROOT / "data" / "treebanks" / "en_ewt"
    assert meta["treebank_sha256"] == {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(treebank.glob("*.conllu.xz"))}
    assert set(meta["treebank_sha256"]) == {"train.conllu.xz", "dev.conllu.xz", "test.conllu.xz"}
    assert meta["license"] == "CC BY-SA 4.0"
    assert meta["pipeline"] == ["tok2vec", "tagger", "parser"]


def test_every_model_file_is_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["kg"]
    shipped = {p for g in globs for p in (ROOT / "kg").glob(g) if p.is_file()}
    files = {p for p in PARSER_MODEL.rglob("*") if p.is_file()}
    assert PARSER_MODEL / "parser" / "model" in files
    assert files - shipped == set()


def test_a_missing_model_is_one_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(kg.extract.sentences, "PARSER_MODEL", tmp_path / "parser")
    with pytest.raises(KgError, match="make parser"):
        kg.extract.sentences.parser.__wrapped__()


def test_side_rules_read_children_and_subtrees_as_a_scan_of_the_parse_gives_them() -> None:
    # sides.py indexes a parse's dependents once per sentence; asked of two sentences in
    # turn, each answer must still be its own sentence's.
    from kg.extract.sides import Candidate, _children, _subtree, tokens_of
    from kg.extract.triggers import Hit

    parses = [tokens_of(parser()(text)) for text in (
        "Kenya's ambassador was summoned by the Sudanese ministry on Tuesday.",
        "Japan and Britain agreed to hold talks with France about trade and energy security.")]
    for _ in range(2):
        for tokens in parses:
            c = Candidate("", 0, "meeting", False, "forward", Hit(0, 1, ""), (), tokens)
            for tok in tokens:
                assert list(_children(tokens, tok.i)) == [
                    t for t in tokens if t.head == tok.i and t.i != tok.i]
                inside = {tok.i}
                while more := {t.i for t in tokens if t.head in inside} - inside:
                    inside |= more
                assert _subtree(c, tok) == [t for t in tokens if t.i in inside]


def test_parse_docs_gives_spacys_own_parse() -> None:
    """`parse_docs` drives the parser's greedy loop from Python: the tags, labels and heads
    of spaCy's own `pipe`, over more sentences than one batch, of all lengths (and none)."""
    from spacy.tokens import Doc

    from kg.extract.sentences import PARSE_BATCH, parse_docs, split_sentences

    nlp = parser()
    text = (ROOT / "examples" / "seed.txt").read_text(encoding="utf-8")
    words = [[t.text for t in nlp.tokenizer(s.text)] for s in split_sentences(text)]
    words = (words * (2 * PARSE_BATCH // len(words) + 1))[:2 * PARSE_BATCH + 3]
    words[5] = ["Talks"]
    words[PARSE_BATCH + 1] = []

    def read(docs: list[Doc]) -> list[list[tuple[str, str, int]]]:
        return [[(t.tag_, t.dep_, t.head.i) for t in doc] for doc in docs]

    ours = read(parse_docs([Doc(nlp.vocab, words=w) for w in words]))
    theirs = read(nlp.pipe([Doc(nlp.vocab, words=w) for w in words], batch_size=PARSE_BATCH))
    assert ours == theirs
    # and thinc's own algebra (BLIS), where `parser()` multiplies with numpy's OpenBLAS
    stock = spacy.load(PARSER_MODEL)
    assert read(stock.pipe([Doc(stock.vocab, words=w) for w in words])) == ours
    assert sum(map(len, ours)) > 1000 and any(d == "nsubj" for doc in ours for _, d, _ in doc)


def test_parsing_keeps_openblas_to_one_thread_and_restores_it() -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    from kg.extract.sentences import _one_blas_thread, _openblas

    if _openblas() is None:
        pytest.skip("numpy's BLAS is not OpenBLAS here")

    def threads() -> set[int]:
        return {lib["num_threads"] for lib in threadpool_info()
                if lib["internal_api"] == "openblas"}

    with threadpool_limits(limits=2, user_api="blas"):
        with _one_blas_thread():
            assert threads() == {1}
        assert threads() == {2}


def test_only_sentences_naming_two_countries_are_parsed() -> None:
    """With one country, the parse could only say which side it is (the other comes from the
    document): such a sentence is read by word order, unparsed."""
    from kg.extract.actors import load_actors
    from kg.extract.documents import document_from_text
    from kg.extract.extractor import Extractor

    extractor = Extractor(load_actors(None))
    doc = document_from_text("Japan condemned the attack on Monday. Japan condemned China "
                             "on Tuesday. The attack was condemned.", "two-countries")
    reading = extractor._read(doc)
    assert reading.candidates == [1]
    extractor._parse([reading])
    assert list(reading.parses) == [1] and reading.parses[1]
