"""`publish --to`, measured on localhost: what the first and the second publish move, and how long they take.

    .venv/bin/python bench/publish_to.py [--months 3] [--units 10] [--staff 200] [--protocols sftp,ftp,ftps,webdav,s3,file]
        [--keep DIR] [--no-crash]

Writes demo data with one month more than asked, builds the site without its newest month (A) and with it (B),
then for each protocol, on a server of its own started here on 127.0.0.1 (the test suite's servers):

  first     A onto an empty remote: every file
  second    B over A: the month added
  crash     A again onto a fresh remote, then B, the server killed (SIGKILL; a share: Ctrl+C) half-way through
            it; a reader then browses the remote from its home page: what it met. Then B again, to finish.

Prints files and MB moved and seconds for each. Not part of `make test`: it never fails.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from monthly import newest_month_files  # noqa: E402

from generator.demo.population import write_demo  # noqa: E402
from generator.round import transports  # noqa: E402
from generator.round.remote import publish_to  # noqa: E402

SITE_URL = "https://portal.example.vn/cong-khai"


class Environment:
    """What pytest's monkeypatch does for the test servers, for a bench that is no test."""

    def __init__(self):
        self.saved: dict[str, str | None] = {}

    def setenv(self, name: str, value: str) -> None:
        self.saved.setdefault(name, os.environ.get(name))
        os.environ[name] = value

    def delenv(self, name: str, raising: bool = True) -> None:
        self.saved.setdefault(name, os.environ.get(name))
        os.environ.pop(name, None)

    def undo(self) -> None:
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self.saved.clear()


def build(data: Path, output: Path) -> None:
    subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output),
                    "--site-url", SITE_URL], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, "CI": "true"})


def sites(args, work: Path) -> tuple[Path, Path]:
    a, b = work / "site-a", work / "site-b"
    if a.is_dir() and b.is_dir():
        return a, b
    data, aside = work / "data", work / "aside"
    summary = write_demo(data, months=args.months + 1, units=args.units, staff=args.staff)
    added = newest_month_files(data / "exports", summary.months[-1])
    aside.mkdir(exist_ok=True)
    for path in added:
        shutil.move(path, aside / path.name)
    started = time.perf_counter()
    build(data, a)
    for path in aside.iterdir():
        shutil.move(path, data / "exports" / path.name)
    build(data, b)
    print(f"demo: {summary.describe()}; the second publish adds {summary.months[-1]} "
          f"(two builds: {time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    return a, b


def _mb(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def one(site: Path, remote, url: str, on_file=None):
    destination = transports.parse_destination(url)
    connection = transports.connect(destination, interactive=False)
    try:
        return publish_to(site, SITE_URL, connection, say=lambda line: None, on_file=on_file)
    finally:
        connection.close()


def measure(kind: str, a: Path, b: Path, work: Path, keys: dict, crash: bool) -> dict:
    import test_publish_to as servers

    environment = Environment()
    folder = work / kind
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    home = folder / "home"
    (home / ".ssh").mkdir(parents=True)
    environment.setenv("HOME", str(home))
    for name in ("SSH_AUTH_SOCK", "NETRC", "SSL_CERT_FILE", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        environment.delenv(name)
    result = {"kind": kind}
    remote = servers.Remote(kind, folder, keys, home, environment)
    try:
        for step, site in (("first", a), ("second", b)):
            outcome = one(site, remote, remote.url)
            result[step] = (len(outcome.uploaded) + len(outcome.deleted), outcome.bytes_sent, outcome.seconds)
            print(f"{kind} {step}: {result[step][0]} files, {_mb(result[step][1])}, {result[step][2]:.1f} s",
                  file=sys.stderr, flush=True)
        assert remote.files() == servers.tree(b)
    finally:
        remote.close()
        environment.undo()
    if crash:
        result["crash"] = crashed(kind, a, b, work, keys)
    return result


def crashed(kind: str, a: Path, b: Path, work: Path, keys: dict) -> str:
    """A onto a fresh remote, then B killed half-way: what a reader browsing from the home page met."""
    import test_publish_to as servers

    environment = Environment()
    folder = work / f"{kind}-crash"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    home = folder / "home"
    (home / ".ssh").mkdir(parents=True)
    environment.setenv("HOME", str(home))
    remote = servers.Remote(kind, folder, keys, home, environment)
    try:
        one(a, remote, remote.url)
        update = servers.changed(a, b)
        moved: list[str] = []

        def kill(path: str) -> None:
            moved.append(path)
            if len(moved) == len(update) // 2:
                if kind == "file":
                    raise KeyboardInterrupt  # a share has no server to kill: the officer's Ctrl+C
                threading.Thread(target=remote.stop).start()  # dies while the next file is on its way

        try:
            one(b, remote, remote.url, on_file=kill)
        except (KeyboardInterrupt, transports.PublishFailed, OSError, EOFError, Exception):
            pass
        remote.restart()
        problems = servers.read_site(remote.base, remote.auth, (a, b))
        old = new = 0
        for path, content in remote.files().items():
            if path.endswith(".html"):
                in_a = (a / path).is_file() and (a / path).read_bytes() == content
                in_b = (b / path).is_file() and (b / path).read_bytes() == content
                old += in_a and not in_b
                new += in_b and not in_a
        outcome = one(b, remote, remote.url)
        finished = remote.files() == servers.tree(b)
        return (f"killed after {len(moved)} of {len(update)} files: reader met {len(problems)} problems "
                f"({'; '.join(problems[:3]) or 'none'}); pages old {old}, new {new}; then {len(outcome.uploaded)} files "
                f"sent again, remote {'equals' if finished else 'DIFFERS FROM'} the new site")
    finally:
        remote.close()
        environment.undo()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--protocols", default="sftp,ftp,ftps,webdav,s3,file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (the sites are reused)")
    parser.add_argument("--no-crash", action="store_true", help="skip the killed upload")
    args = parser.parse_args()
    import test_publish_to as servers

    work = args.keep or Path(tempfile.mkdtemp(prefix="congkhai-publish-to-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        a, b = sites(args, work)
        keys_folder = work / "keys"
        keys_folder.mkdir(exist_ok=True)
        keys = servers.certificates(keys_folder)
        keys["host_public"] = servers.ssh_key(keys_folder / "host_key")
        keys["host_key"] = keys_folder / "host_key"
        keys["client_public"] = servers.ssh_key(keys_folder / "client_key")
        keys["client_key"] = keys_folder / "client_key"
        (keys_folder / "authorized_keys").write_text(keys["client_public"] + "\n")
        keys["authorized"] = keys_folder / "authorized_keys"
        size = sum(p.stat().st_size for p in b.rglob("*") if p.is_file())
        count = sum(1 for p in b.rglob("*") if p.is_file())
        print(f"\nsite: {count} files, {_mb(size)}")
        print(f"{'protocol':9} {'first: files':>13} {'MB':>8} {'s':>6}   {'second: files':>14} {'MB':>8} {'s':>6}")
        results = []
        for kind in args.protocols.split(","):
            result = measure(kind, a, b, work, keys, not args.no_crash)
            results.append(result)
            first, second = result["first"], result["second"]
            print(f"{kind:9} {first[0]:>13} {first[1] / 1e6:>8.2f} {first[2]:>6.1f}   {second[0]:>14} "
                  f"{second[1] / 1e6:>8.2f} {second[2]:>6.1f}", flush=True)
        for result in results:
            if "crash" in result:
                print(f"{result['kind']} crash: {result['crash']}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
