"""The words and kinds the rules read are data: kg/data/lexicon/cues.yaml and the traits of
kg/data/kinds.yaml. No extraction module names a kind; each names a trait instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kg.extract.cues as cues
import kg.kinds
from kg.errors import KgError
from kg.kinds import kinds_with, load_kinds

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "kg" / "extract"



def _kind_literals(path: Path) -> list[str]:
    """Where a module decides on a kind by name: a kind's name compared with, held in a
    tuple, list or set that is compared with or named, a dict key, or `kind=` of a call.
    (The word itself as text, "partnership" in a label, is no decision.)"""
    names = {k.name for k in load_kinds()}
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    deciding: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            deciding += [node.left, *node.comparators]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            deciding.append(node.value)
        elif isinstance(node, ast.Dict):
            deciding += [k for k in node.keys if k is not None]
        elif isinstance(node, ast.keyword) and node.arg == "kind":
            deciding.append(node.value)
    found = []
    for expr in deciding:
        items = expr.elts if isinstance(expr, ast.Tuple | ast.List | ast.Set) else [expr]
        found += [f"{path.name}:{item.lineno}: {item.value!r}" for item in items
                  if isinstance(item, ast.Constant) and item.value in names]
    return sorted(set(found))


def test_no_extraction_module_names_a_kind() -> None:
    found = [hit for path in sorted(EXTRACT.glob("*.py"))
             for hit in _kind_literals(path)]
    assert not found, "name a trait of kinds.yaml (kg.kinds.kinds_with), not a kind:\n" + \
        "\n".join(found)


def test_the_check_sees_a_kind_named(tmp_path: Path) -> None:
    # The check above must fail where a module does name a kind.
    module = tmp_path / "rule.py"
    module.write_text('HOSTILE = ("force", "sanction")\nOTHER = "forces"\n'
                      'def f(kind):\n    return kind == "aid" or make(kind="call")\n'
                      'LABEL = " ".join(["partnership"])\n', encoding="utf-8")
    assert _kind_literals(module) == ["rule.py:1: 'force'", "rule.py:1: 'sanction'",
                                      "rule.py:4: 'aid'", "rule.py:4: 'call'"]


def test_every_trait_is_read_and_documented() -> None:
    """Each trait of kinds.yaml is described in its header and read by some rule."""
    header = (ROOT / "kg" / "data" / "kinds.yaml").read_text(encoding="utf-8").split("\n\n")[0]
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "kg").rglob("*.py"))
    traits = {t for k in load_kinds() for t in k.traits}
    assert traits
    for trait in traits:
        assert re.search(rf"^#\s+{re.escape(trait)}\s", header, re.M), trait
        assert f'kinds_with("{trait}")' in code, \
            f"no rule reads the trait {trait}"


def test_kinds_with_gives_the_group_in_the_files_order() -> None:
    assert kinds_with("threatened") == ("sanction", "force")
    assert set(kinds_with("encounter")) == {"meeting", "visit", "call"}
    with pytest.raises(KgError, match="no kind has the trait 'friendy'"):
        kinds_with("friendy")


def test_every_cue_is_read() -> None:
    """No dead word list: each entry of cues.yaml is read by the code."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in EXTRACT.glob("*.py"))
    for name in cues.load_cues():
        # by name, or as a {field} of a pattern template (kg/extract/order.py)
        assert re.search(rf"""["']{name}["']|\{{{name}\}}""", code), \
            f"cues.yaml: {name} is read nowhere"


def test_cue_patterns_read_whole_words() -> None:
    negation = cues.pattern("negation")
    assert negation.search("the visit did not take place")
    assert not negation.search("a notable visit")
    assert cues.pattern("speech_verbs", ignore_case=False).search("Wang said")
    assert not cues.pattern("speech_verbs", ignore_case=False).search("Wang Said")


@pytest.mark.parametrize(("edit", "message"), [
    ("not_names: [The, This, That, Today, 'On',", "quote On, No, Yes"),
    ("ban_determiners: [all,", "is no regular expression"),
    ("request_nouns: ['calls?',", "captures"),
])
def test_a_malformed_cues_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          edit: str, message: str) -> None:
    text = cues.CUES_FILE.read_text(encoding="utf-8")
    replacement = {"quote On, No, Yes": "not_names: [The, This, That, Today, On,",
                   "is no regular expression": "ban_determiners: ['(all',",
                   "captures": "request_nouns: ['(calls)',"}[message]
    assert edit in text
    (tmp_path / "cues.yaml").write_text(text.replace(edit, replacement), encoding="utf-8")
    monkeypatch.setattr(cues, "CUES_FILE", tmp_path / "cues.yaml")
    cues.load_cues.cache_clear()
    try:
        with pytest.raises(KgError, match=re.escape(message)):
            cues.load_cues()
    finally:
        cues.load_cues.cache_clear()


def test_traits_must_be_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = kg.kinds.KINDS_FILE.read_text(encoding="utf-8")
    (tmp_path / "kinds.yaml").write_text(
        text.replace("traits: [threatened,", "traits: [Threatened!,", 1), encoding="utf-8")
    monkeypatch.setattr(kg.kinds, "KINDS_FILE", tmp_path / "kinds.yaml")
    kg.kinds.load_kinds.cache_clear()
    try:
        with pytest.raises(KgError, match="traits must be a list of lower-case words"):
            kg.kinds.load_kinds()
    finally:
        kg.kinds.load_kinds.cache_clear()
        kg.kinds.kinds_with.cache_clear()
