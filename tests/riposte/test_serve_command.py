"""`manage.py serve` (make run) stops the web server, the worker and beat on SIGTERM or Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                found[child] = (Path(f"/proc/{child}/cmdline").read_bytes()).decode(
                    errors="replace"
                )
            except OSError:
                continue
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "RIPOSTE_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # As a terminal runs it: its own process group, which Ctrl-C reaches as a whole.
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    celery: dict[int, str] = {}
    while time.monotonic() < deadline:
        celery = {pid: cmd for pid, cmd in descendants(process.pid).items() if "celery" in cmd}
        # The worker, its pool of two and beat.
        if len(celery) >= 4 and answers(port):
            break
        time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"serve did not start: {celery} {process.stdout.read1().decode()}")
    yield process, celery
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    for pid in celery:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def answers(port) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def gone(pids, timeout=30) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.3)
    return left


def test_it_stops_the_worker_and_beat_on_sigterm(served):
    process, celery = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert gone(celery) == []
    assert b"Worker and beat stopped." in process.stdout.read()


def test_it_stops_everything_on_ctrl_c(served):
    process, celery = served
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C
    assert process.wait(timeout=40) == 0
    assert gone(celery) == []
