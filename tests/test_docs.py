"""docs/facts.md, the reference of the fact record, stays true to what kg prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from kg.kinds import load_kinds
from kg.records import DIRECTED_KINDS, KINDS, Fact

ROOT = Path(__file__).resolve().parent.parent
FACTS_MD = (ROOT / "docs" / "facts.md").read_text(encoding="utf-8")


def _table_rows(heading: str) -> list[list[str]]:
    section = FACTS_MD.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in section.splitlines()
            if line.startswith("|") and not re.match(r"\|\s*-", line)][1:]


def test_the_example_record_is_what_kg_prints() -> None:
    example = json.loads(FACTS_MD.split("```json\n", 1)[1].split("```", 1)[0])
    out = CliRunner().invoke(cli, ["extract", str(ROOT / "examples" / "seed.txt"), "-w", "1"])
    assert out.exit_code == 0, out.output
    printed = [json.loads(line) for line in out.output.splitlines()]
    assert example in printed


def test_fields_are_the_records_fields() -> None:
    documented = [row[0].strip("`") for row in _table_rows("Fields")]
    fact = Fact.from_dict(json.loads(FACTS_MD.split("```json\n", 1)[1].split("```", 1)[0]))
    assert documented == list(fact.to_dict())


def test_kinds_are_kgs_kinds_with_their_direction() -> None:
    rows = {row[0].strip("`"): row[1] for row in _table_rows("Kinds")}
    assert sorted(rows) == sorted(KINDS)
    for kind, directed in rows.items():
        assert directed.startswith("yes") == (kind in DIRECTED_KINDS), kind


def test_the_kinds_table_follows_kinds_yaml() -> None:
    """The table lists the kinds of kg/data/kinds.yaml in its order, with their direction."""
    rows = [(row[0].strip("`"), row[1].split(",")[0]) for row in _table_rows("Kinds")]
    assert rows == [(k.name, "yes" if k.directed else "no") for k in load_kinds()]
    assert "kg/data/kinds.yaml" in FACTS_MD


def test_status_and_attribution_values_are_documented() -> None:
    assert [r[0].strip("`") for r in _table_rows("Status")] == ["occurred", "planned", "negated"]
    assert [r[0].strip("`") for r in _table_rows("Attribution")] == ["reported", "commentary"]


def test_readme_points_at_the_reference() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/facts.md" in readme and "FACTS.md" not in readme.replace("docs/facts.md", "")
    help_text = CliRunner().invoke(cli, ["extract", "--help"]).output
    assert "docs/facts.md" in help_text


def test_every_test_security_md_names_exists() -> None:
    """SECURITY.md states each promise with the tests that hold it: those tests must exist."""
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?", text)
    # `::name` right after a file, or alone after one, belongs to the last file named.
    assert named
    for path in {p for p, _ in named}:
        assert (ROOT / path).is_file(), path
    current = ""
    for match in re.finditer(r"`(?:(tests/[\w/]+\.py))?(?:::(\w+))?`", text):
        path, name = match.groups()
        current = path or current
        if name:
            source = (ROOT / current).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, flags=re.M), f"{current}::{name}"
