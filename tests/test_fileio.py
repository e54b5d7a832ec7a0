"""`-o` writes what it points at without harming it: devices and FIFOs are written through,
symlinks followed, modes kept (real files, devices and processes; no mocks)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.fileio import atomic_output

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "examples" / "seed.txt")
KG = [sys.executable, "-m", "kg"]


def kg(*args: str, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=120, **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("fileio") / "store"
    assert kg("--store", str(store), "build", SAMPLE, "-w", "1").returncode == 0
    return store


def test_a_character_device_is_written_through_not_replaced(built: Path,
                                                            tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    # A null device of our own (the numbers of /dev/null), so the machine's stays untouched.
    null = os.stat("/dev/null")
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, null.st_rdev)
    for args in (["viz", "-o", str(device)], ["export", "-f", "nt", "-o", str(device)],
                 ["query", "--saved", "partnerships", "-o", str(device)],
                 ["stats", "-o", str(device)]):
        proc = kg("--store", str(built), *args)
        assert proc.returncode == 0, proc.stderr
        after = os.stat(device)
        assert stat.S_ISCHR(after.st_mode) and after.st_rdev == null.st_rdev, args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary left


def test_a_full_device_fails_in_one_line(built: Path, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    # Our own copy of /dev/full: code that replaced its target would replace only this one.
    full = tmp_path / "full"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.stat("/dev/full").st_rdev)
    proc = kg("--store", str(built), "export", "-f", "nt", "-o", str(full))
    assert proc.returncode == 1 and "No space left on device" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert stat.S_ISCHR(os.stat(full).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_a_fifo_is_written_through(built: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = kg("--store", str(built), "export", "-f", "nt", "-o", str(fifo))
    reader.join(30)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and received[0].count(b"\n") > 100


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with atomic_output(link) as out:
        out.write("new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == "new\n"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "target.txt")
    with atomic_output(dangling) as out:
        out.write("made\n")
    assert dangling.is_symlink() and (tmp_path / "target.txt").read_text() == "made\n"


def test_new_files_get_the_umask_and_existing_ones_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "new.txt") as out:
            out.write("x")
        assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == 0o644
        os.umask(0o077)
        with atomic_output(tmp_path / "private.txt") as out:
            out.write("x")
        assert stat.S_IMODE(os.stat(tmp_path / "private.txt").st_mode) == 0o600
    finally:
        os.umask(old)
    kept = tmp_path / "kept.txt"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    with atomic_output(kept) as out:
        out.write("new")
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o640 and kept.read_text() == "new"


def test_a_folder_is_refused_and_dash_is_stdout(tmp_path: Path, built: Path) -> None:
    with pytest.raises(KgError, match="is a folder"), atomic_output(tmp_path) as out:
        out.write("x")
    proc = kg("--store", str(built), "stats", "-f", "json", "-o", "-")
    assert proc.returncode == 0 and proc.stdout.startswith("{")
    assert not (Path.cwd() / "-").exists()
