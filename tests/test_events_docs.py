"""docs/events.md: its transcripts print what it shows, its Python runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import shell_transcript

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
KG_BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["PATH"] = f"{KG_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def transcript() -> list[tuple[str, str]]:
    return shell_transcript(DOC)


def test_the_transcripts_print_what_the_page_shows(tmp_path: Path) -> None:
    lines = transcript()
    assert len(lines) >= 4
    (tmp_path / "tests" / "data").mkdir(parents=True)
    (tmp_path / "tests" / "data" / "fusion").symlink_to(ROOT / "tests" / "data" / "fusion")
    for line, expected in lines:
        done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=_env(),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"`{line}` exited {done.returncode}: {done.stderr}"
        assert done.stdout.strip("\n") == expected, f"`{line}` printed:\n{done.stdout}"


def test_the_python_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/events.md", "exec"), {})  # noqa: S102


def test_the_figures_are_the_ones_measured() -> None:
    from kg.events.fusion import load_set, score

    result = score(load_set(ROOT / "tests" / "data" / "fusion"))
    assert (f"precision {result.precision:.3f}, recall {result.recall:.3f} ({result.pairs}\n"
            f"pairs of {result.gold_facts - len(result.missed)} facts") in DOC
