"""django-helpdesk 2.6.1 on loopback for the tests: its own virtualenv, a seeded SQLite database
copied fresh for each module, gunicorn on a free port.

The virtualenv (``.venv-helpdesk/`` at the repository root, pinned by
``project/requirements.txt``) and a migrated, seeded template database are built once and
cached; a file lock keeps parallel pytest workers from building them twice. Without a package
registry the build fails: under ``CI=true`` that is a test error, elsewhere a skip that says why.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import venv
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

__all__ = [
    "CATEGORY_QUEUES", "HelpdeskServer", "HelpdeskUnavailable", "ensure_helpdesk", "free_port"
]  # fmt: skip

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Path(__file__).resolve().parent / "project"
VENV = Path(os.environ.get("CSM_HELPDESK_VENV", ROOT / ".venv-helpdesk"))
REQUIREMENTS = PROJECT / "requirements.txt"
TEMPLATE_TOKEN = "0" * 40  # replaced by a random key in every copy of the template
#: the queue ids seed.py creates, in order
CATEGORY_QUEUES = {"billing": 1, "refunds": 2, "logistics": 3, "account": 4, "technical": 5}


class HelpdeskUnavailable(RuntimeError):
    """django-helpdesk could not be installed or started here (the message says why)."""


def _python() -> Path:
    return VENV / "bin" / "python"


def _stamp() -> str:
    inputs = REQUIREMENTS.read_bytes() + (PROJECT / "seed.py").read_bytes()
    return hashlib.sha256(inputs).hexdigest()


@contextmanager
def _locked() -> Iterator[None]:
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / ".venv-helpdesk.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(command: list[str], env: Mapping[str, str] | None = None, timeout: float = 600) -> None:
    done = subprocess.run(
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
        raise HelpdeskUnavailable(f"{' '.join(command[:4])} failed:\n" + "\n".join(tail))


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HELPDESK_DB=str(db), HELPDESK_MEDIA=str(db.parent / "media"), **extra)
    env["DJANGO_SETTINGS_MODULE"] = "hdproject.settings"
    return env


def ensure_helpdesk() -> Path:
    """The template database (building the virtualenv and database first if needed)."""
    template = VENV / "template.sqlite3"
    stamp = VENV / ".csm-helpdesk-stamp"
    with _locked():
        if stamp.exists() and stamp.read_text() == _stamp() and template.exists():
            return template
        if not _python().exists():
            venv.EnvBuilder(with_pip=True).create(VENV)
        pip = [str(_python()), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        _run([*pip, "-r", str(REQUIREMENTS)])
        fresh = VENV / "template.new.sqlite3"
        fresh.unlink(missing_ok=True)
        env = _env(fresh, HELPDESK_TOKEN=TEMPLATE_TOKEN)
        _run([str(_python()), "manage.py", "migrate", "-v0"], env)
        _run([str(_python()), "manage.py", "loaddata", "emailtemplate.json", "-v0"], env)
        _run([str(_python()), "seed.py"], env)
        with sqlite3.connect(fresh) as db:  # one file, no -wal left behind
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("PRAGMA journal_mode=DELETE")
        fresh.replace(template)
        stamp.write_text(_stamp())
        return template


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class HelpdeskServer:
    """One helpdesk with its own copy of the seeded database, on ``url``."""

    def __init__(self, workdir: Path, webhook_url: str | None = None, workers: int = 2) -> None:
        """``webhook_url``: where the helpdesk posts new tickets and follow-ups (keep a receiver
        there whenever tickets are created: a refused delivery turns the create into a 500)."""
        self.workdir = workdir
        self.token = secrets.token_hex(20)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._webhook_url = self._first_webhook_url = webhook_url
        #: HOST:PORT of ``webhook_url``: what `accept --webhook-listen` must bind
        self.webhook_listen = urlsplit(webhook_url).netloc if webhook_url else None
        self._workers = workers
        self._process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "gunicorn.log"

    def start(self, timeout: float = 60) -> HelpdeskServer:
        template = ensure_helpdesk()
        self.workdir.mkdir(parents=True, exist_ok=True)
        db = self.workdir / "helpdesk.sqlite3"
        shutil.copyfile(template, db)
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE authtoken_token SET key = ?", (self.token,))
        # the admin's webhook set-up: new tickets and follow-ups go to the harness's receiver
        extra = {
            "HELPDESK_NEW_TICKET_WEBHOOK_URLS": self._webhook_url or "",
            "HELPDESK_FOLLOWUP_WEBHOOK_URLS": self._webhook_url or "",
        }
        gunicorn = VENV / "bin" / "gunicorn"
        command = [str(gunicorn), "-w", str(self._workers), "-b", f"127.0.0.1:{self.port}"]
        command += ["--timeout", "60", "--graceful-timeout", "2", "hdproject.wsgi"]
        with open(self.log, "wb") as log:
            self._process = subprocess.Popen(
                command, cwd=PROJECT, env=_env(db, **extra), stdout=log, stderr=log
            )
        self._wait(timeout)
        return self

    def restart(self, webhook_url: str | None = None) -> HelpdeskServer:
        """A fresh copy of the seeded database on the same port; ``webhook_url`` (default: the
        one given at first) is where the admin now points the webhooks, e.g. a relay."""
        self.stop()
        self._webhook_url = webhook_url or self._first_webhook_url
        return self.start()

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        headers = {"Authorization": f"Token {self.token}"}
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise HelpdeskUnavailable(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/tickets/", headers=headers).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise HelpdeskUnavailable(f"no answer on {self.url} after {timeout} s")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self) -> HelpdeskServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":  # `.ci/run` builds the virtualenv before the tests
    print(ensure_helpdesk(), file=sys.stderr)
