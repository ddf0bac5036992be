"""The command line under stress: kills, interrupts, broken pipes, large and parallel inputs.

A file mended in place must always be either fully old or fully new, whatever happens to
the process; ``--jobs 2`` must write exactly what ``--jobs 1`` writes.
"""
from __future__ import annotations

import os
import pty
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from textmend import get_pipeline
from textmend.cli import mend_text
from textmend.io import text_blocks

from .test_cli import FAST, FAST_OPTS, tm

WORDS = ("the minister said officials in the capital would meet their counterparts on "
         "Tuesday to discuss trade and security after months of talks").split()


def big_text(size: int, seed: int = 0, paragraph: bool = True) -> str:
    """Made-up prose of about ``size`` characters, with a spacing error in one paragraph
    out of four (one line without breaks when not ``paragraph``)."""
    rnd = random.Random(seed)
    out, n, i = [], 0, 0
    while n < size:
        p = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(15, 80))).capitalize() + "."
        if i % 4 == 0:
            p += f" A {i % 9 + 2} -day visit followed ."
        out.append(p)
        n += len(p) + 2
        i += 1
    return ("\n\n" if paragraph else " ").join(out) + "\n"


def blockwise(text: str, block_size: int) -> str:
    """What the command line must write: each block mended on its own."""
    p = get_pipeline(**FAST_OPTS)
    return "".join(mend_text(p, b.text, head_cut=b.head_cut, tail_cut=b.tail_cut)[0]
                   for b in text_blocks([text], block_size))


def temp_files(d: Path, of: str = "") -> list[str]:
    return [n for n in os.listdir(d) if n.endswith(".textmend-tmp") and n.startswith(f".{of}")]


def start(args: list[str], cwd: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "textmend", *args], cwd=cwd, **kw)


def wait_for_temp_file(p: subprocess.Popen, d: Path, of: str = "big.txt") -> bool:
    """Poll until the in-place write of ``of`` is under way (its temporary file exists)."""
    deadline = time.monotonic() + 60
    while p.poll() is None and time.monotonic() < deadline:
        if temp_files(d, of):
            return True
        time.sleep(0.0005)
    return False


def no_process_left(marker: str) -> bool:
    """True once no process has ``marker`` in its command line (workers die with the parent)."""
    for _ in range(100):
        alive = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    cmd = fh.read()
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    zombie = fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
            except OSError:
                continue
            if marker.encode() in cmd and not zombie:
                alive.append(pid)
        if not alive:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, bytes, bytes]:
    """A ~3 MB file, and what the command line makes of it."""
    d = tmp_path_factory.mktemp("big")
    old = big_text(3_000_000).encode()
    (d / "src.txt").write_bytes(old)
    new = tm(*FAST, "-j", "2", "src.txt", cwd=d).stdout
    assert new != old
    return d, old, new


def test_sigkill_during_in_place_leaves_old_or_new(big, tmp_path):
    _, old, new = big
    f = tmp_path / "big.txt"
    landed = 0
    for attempt in range(40):
        f.write_bytes(old)
        p = start([*FAST, "-i", "-j", "2", "big.txt"], tmp_path, stderr=subprocess.DEVNULL)
        writing = wait_for_temp_file(p, tmp_path)
        if attempt % 3 == 2:  # and at other moments too
            time.sleep(random.Random(attempt).uniform(0, 0.5))
        p.kill()
        p.wait()
        data = f.read_bytes()
        assert data == old or data == new, f"half-written file after SIGKILL (attempt {attempt})"
        if writing and p.returncode == -signal.SIGKILL and data == old:
            landed += 1  # the kill came while the new content was being written
        for n in temp_files(tmp_path):  # a SIGKILL cannot clean up; the next run must not care
            os.unlink(tmp_path / n)
        if landed >= 2 and attempt >= 2:
            break
    assert landed >= 1, "no kill landed during the write"
    assert no_process_left(str(tmp_path)), "worker processes outlived a SIGKILLed textmend"
    # and after all that, a normal run completes the job
    assert tm(*FAST, "-i", "big.txt", cwd=tmp_path).returncode == 0
    assert f.read_bytes() == new


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"),
                                             (signal.SIGTERM, 143, "terminated")])
def test_interrupt_cleans_up(big, tmp_path, sig, code, word):
    _, old, new = big
    f = tmp_path / "big.txt"
    for attempt in range(10):
        f.write_bytes(old)
        (tmp_path / "other.txt").write_text("A four -day visit .\n")
        p = start([*FAST, "-i", "-j", "2", "other.txt", "big.txt"], tmp_path, stderr=subprocess.PIPE)
        assert wait_for_temp_file(p, tmp_path)
        p.send_signal(sig)
        _, err = p.communicate(timeout=60)
        err = err.decode()
        if p.returncode == 0:  # the run finished between the temporary file and the signal
            assert f.read_bytes() == new and temp_files(tmp_path) == [], err
            continue  # whole and new: try again to land the signal during the write
        assert p.returncode == code, err
        assert word in err and "Traceback" not in err
        assert f.read_bytes() == old
        assert temp_files(tmp_path) == []
        assert (tmp_path / "other.txt").read_text() == "A four-day visit.\n"  # finished before: kept
        assert no_process_left(str(tmp_path))
        return
    pytest.fail("the signal never landed while big.txt was being written")


def test_broken_pipe_is_quiet(big):
    d, _, new = big
    p = start([*FAST, "-j", "2", "src.txt"], d, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout.read(100) == new[:100]
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(timeout=60)
    assert p.returncode == 141
    assert err == ""


def test_parallel_blocks_equal_serial_and_blockwise(tmp_path):
    text = big_text(120_000, seed=1)
    (tmp_path / "a.txt").write_text(text)
    env = {"TEXTMEND_BLOCK_SIZE": "4000"}
    one = tm(*FAST, "-j", "1", "a.txt", cwd=tmp_path, env=env)
    two = tm(*FAST, "-j", "2", "a.txt", cwd=tmp_path, env=env)
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert one.out == blockwise(text, 4000) != text
    # in place, several files, several blocks each: the same again
    for i in range(3):
        (tmp_path / f"f{i}.txt").write_text(big_text(20_000, seed=i))
    r = tm(*FAST, "-i", "-j", "2", "f0.txt", "f1.txt", "f2.txt", cwd=tmp_path, env=env)
    assert r.returncode == 0
    for i in range(3):
        assert (tmp_path / f"f{i}.txt").read_text() == blockwise(big_text(20_000, seed=i), 4000)


def test_one_huge_line(tmp_path):
    """A line far longer than the hard block limit is cut after sentence ends: it works,
    the cuts add or lose nothing, and --jobs does not change the result."""
    text = big_text(200_000, seed=2, paragraph=False)
    assert "\n" not in text[:-1]
    (tmp_path / "line.txt").write_text(text)
    env = {"TEXTMEND_BLOCK_SIZE": "2000"}  # hard limit 8000: about 25 cuts
    one = tm(*FAST, "-j", "1", "line.txt", cwd=tmp_path, env=env)
    two = tm(*FAST, "-j", "2", "line.txt", cwd=tmp_path, env=env)
    assert one.returncode == 0 and one.stdout == two.stdout
    assert one.out == blockwise(text, 2000) != text
    # no two words ran into each other at a cut
    whole = mend_text(get_pipeline(**FAST_OPTS), text)[0]
    assert set(one.out.split()) <= set(text.split()) | set(whole.split())


def test_progress_only_on_a_terminal(tmp_path):
    (tmp_path / "a.txt").write_text("A four -day visit .\n")
    master, slave = pty.openpty()
    try:
        p = start([*FAST, "a.txt"], tmp_path, stdout=subprocess.PIPE, stderr=slave)
        out, _ = p.communicate(timeout=60)
        os.close(slave)
        slave = -1
        seen = b""
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    assert out == b"A four-day visit.\n"  # nothing but data on stdout
    assert b"textmend: 1 files" in seen and b"docs/s" in seen
    r = tm(*FAST, "a.txt", cwd=tmp_path)  # stderr is a pipe: no progress
    assert r.err == ""
    master, slave = pty.openpty()
    p = start([*FAST, "--quiet", "a.txt"], tmp_path, stdout=subprocess.PIPE, stderr=slave)
    p.communicate(timeout=60)
    os.close(slave)
    try:  # Linux: EIO once the other side is closed and nothing is left
        quiet = os.read(master, 4096) if select.select([master], [], [], 0.2)[0] else b""
    except OSError:
        quiet = b""
    os.close(master)
    assert quiet == b""
