"""Every example in every `--help` runs as printed, and the README's commands work from nothing.

The examples are read from the help text click prints (not from the docstrings), so an
example whose lines click re-wraps into one fails here as it would for a user who pastes it.
They run in a shell, in a folder that holds only a copy of `examples/` and the store that
the group's own example builds there, with the `kg` installed beside the running Python.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import shell_transcript

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
KG_BIN = Path(sys.executable).parent


def _commands(group: click.Group) -> list[list[str]]:
    """The command paths of the group and of every command under it, the group first."""
    paths: list[list[str]] = [[]]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            paths += [[name, *sub] for sub in _commands(command)]
        else:
            paths.append([name])
    return paths


def help_text(path: list[str]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def examples(text: str) -> list[str]:
    """The lines of the help's "Example(s):" section, each a shell command."""
    match = re.search(r"^\s*Examples?:\n\n((?:[ \t]+\S.*\n)+)", text, flags=re.M)
    return [line.strip() for line in match.group(1).splitlines()] if match else []


HELP = {" ".join(path) or "kg": help_text(path) for path in _commands(cli)}
EXAMPLES = [(name, line) for name, text in HELP.items() for line in examples(text)]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["PATH"] = f"{KG_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(home)
    return env


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh folder with the sample articles and the store the main example builds."""
    folder = tmp_path_factory.mktemp("help")
    shutil.copytree(ROOT / "examples", folder / "examples")
    done = subprocess.run(["kg", "build", "examples/", "-w", "1"], cwd=folder, env=_env(folder),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return folder


def test_every_command_has_an_example() -> None:
    missing = [name for name, text in HELP.items() if not examples(text)]
    assert not missing, f"no Example: section in --help of {missing}"


def test_examples_are_one_command_a_line() -> None:
    for name, line in EXAMPLES:
        assert line.startswith("kg "), f"{name}: {line!r} is not a kg command line"
        # A line holding two `kg ` commands not joined by a shell operator was re-wrapped.
        assert not re.search(r"[^&|;(]\s+kg\s+[a-z-]+", line.replace("&& kg", "")), \
            f"{name}: example lines were joined: {line!r}"


@pytest.mark.parametrize(("command", "line"), EXAMPLES,
                         ids=[f"{name}: {line}" for name, line in EXAMPLES])
def test_help_example_runs(workdir: Path, command: str, line: str) -> None:
    done = subprocess.run(["bash", "-c", line], cwd=workdir, env=_env(workdir),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command}: `{line}` exited {done.returncode}: {done.stderr}"
    assert "Traceback" not in done.stderr


def test_demo_runs_in_an_empty_folder(tmp_path: Path) -> None:
    """`make demo`'s commands, in a folder where nothing (not even `.kg/`) exists yet."""
    done = subprocess.run(["bash", str(ROOT / "scripts" / "demo.sh")], cwd=tmp_path,
                          env={**_env(tmp_path), "KG": str(KG_BIN / "kg")},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / ".kg" / "demo-store").is_dir()
    assert (tmp_path / ".kg" / "demo-graph.html").is_file()
    assert "enhanced global strategic partnership" in done.stdout
    assert "Valid: the store conforms to the shapes." in done.stdout


def readme_transcript() -> list[tuple[str, str]]:
    """The `$ kg ...` lines of the README's transcripts, each with the output shown under it."""
    return shell_transcript((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_commands_run_in_an_empty_folder(tmp_path: Path) -> None:
    """The README's transcript, run from nothing, prints what the README shows."""
    transcript = readme_transcript()
    assert transcript, "the README shows no `$ kg` commands"
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for line, expected in transcript:
        done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=_env(tmp_path),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"`{line}` exited {done.returncode}: {done.stderr}"
        assert done.stdout.strip("\n") == expected, f"`{line}` printed:\n{done.stdout}"


def test_readme_python_runs_in_an_empty_folder(tmp_path: Path) -> None:
    """The README's Python blocks, in the order a reader meets them, as one script."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README shows no Python"
    # The reader meets "From Python" (which makes `graph`) before the pyvis round trip.
    blocks.sort(key=lambda block: "graph = kg.connect(" not in block)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "readme.py").write_text("\n".join(blocks), encoding="utf-8")
    done = subprocess.run([sys.executable, "readme.py"], cwd=tmp_path, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "graph.html").is_file()
