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


def build(data: Path, output: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output),
                             "--site-url", SITE_URL], cwd=ROOT, capture_output=True, text=True, check=False,
                            env={**os.environ, "CI": "true"})
    if result.returncode != 0:
        sys.exit(f"python -m generator build --data {data} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def sites(args, work: Path) -> tuple[Path, Path]:
    """A: the demo of --months months to the month before --last-month (what `python -m generator demo --months N
    --units U --staff S` writes; the shipped data/ with the defaults of `demo`); B: A's output folder built again
    with the exports of --last-month added (the monthly round)."""
    if args.sites:
        return args.sites[0], args.sites[1]
    a, b = work / "site-a", work / "site-b"
    if (a / "index.html").is_file() and (b / "index.html").is_file():
        return a, b
    data, aside, following = work / "data", work / "aside", work / "next-month"
    for folder in (data, aside, following):
        shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    year, month = map(int, args.last_month.split("-"))
    before = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    summary = write_demo(data, months=args.months, units=args.units, staff=args.staff, last_month=before)
    # The same set a month longer (continues=N: its first N months come out byte for byte as above): only its
    # newest month's exports are taken, as an officer copies the new month's export into data/exports/.
    longer = write_demo(following, months=args.months + 1, units=args.units, staff=args.staff,
                        last_month=args.last_month, continues=args.months)
    print(f"{summary.describe()}; B adds the exports of {args.last_month} ({time.perf_counter() - started:.0f} s)",
          file=sys.stderr, flush=True)
    aside.mkdir()
    for name in longer.last_month_files:
        shutil.copy(following / name, aside / Path(name).name)
    shutil.rmtree(following)
    for folder in (a, b):
        shutil.rmtree(folder, ignore_errors=True)
    first = build(data, a)
    for path in aside.iterdir():
        shutil.move(path, data / "exports" / path.name)
    shutil.copytree(a, b)  # the monthly round: the new month built over last month's output folder
    second = build(data, b)
    print(f"site A built in {first:.0f} s; site B (adds {args.last_month}) built over a copy of A in {second:.0f} s",
          file=sys.stderr, flush=True)
    return a, b


def _mb(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def one(site: Path, remote, url: str, on_file=None, clock: dict | None = None):
    """One `publish --to` of `site` onto `remote`; `clock` gets the seconds spent planning the order and in the
    final check (a listing of the whole remote)."""
    from generator.round import remote as publishing

    destination = transports.parse_destination(url)
    connection = transports.connect(destination, interactive=False)
    planning, listing = publishing.plan, connection.list_sizes

    def timed(name, function):
        def call(*args):
            started = time.perf_counter()
            try:
                return function(*args)
            finally:
                clock[name] = clock.get(name, 0) + time.perf_counter() - started
        return call

    if clock is not None:
        publishing.plan = timed("plan", planning)
        connection.list_sizes = timed("final check", listing)
    try:
        return publish_to(site, SITE_URL, connection, say=lambda line: None, on_file=on_file)
    finally:
        publishing.plan = planning
        connection.close()


def timed(site: Path, remote) -> tuple[int, int, float, float, dict]:
    """Files moved (sent and deleted), bytes sent, seconds, this process's CPU seconds (the publisher's own
    share: on a busy machine the wall clock also counts the wait for the server and for other processes), and
    the seconds of planning and of the final check."""
    cpu, server = time.process_time(), server_cpu(remote)
    clock: dict = {}
    outcome = one(site, remote, remote.url, clock=clock)
    clock["server CPU"] = server_cpu(remote) - server
    return (len(outcome.uploaded) + len(outcome.deleted), outcome.bytes_sent, outcome.seconds,
            time.process_time() - cpu, clock)


def server_cpu(remote) -> float:
    """CPU seconds of the server's process so far (S3's moto runs in this process: counted in the publisher's)."""
    if remote.server is None:
        return 0.0
    fields = Path(f"/proc/{remote.server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _fresh(work: Path, name: str, environment: Environment) -> tuple[Path, Path]:
    folder = work / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    home = folder / "home"
    (home / ".ssh").mkdir(parents=True)
    environment.setenv("HOME", str(home))
    for variable in ("SSH_AUTH_SOCK", "NETRC", "SSL_CERT_FILE", "AWS_PROFILE", "AWS_ENDPOINT_URL",
                     "CONGKHAI_PUBLISH_USER", "CONGKHAI_PUBLISH_PASSWORD"):
        environment.delenv(variable)
    environment.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    environment.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    return folder, home


def same_site(remote, site: Path) -> bool:
    """The remote holds the site byte for byte (congkhai's own record in _cap-nhat/ aside)."""
    from generator.round.publish import manifest_of

    if remote.kind == "s3":
        import test_publish_to as servers
        return remote.files() == servers.tree(site)
    held = {path: digest for path, digest in manifest_of(remote.folder).items() if not path.startswith("_cap-nhat/")}
    return held == manifest_of(site)


def pages_of(remote):
    """(path, content) of each page on the remote."""
    if remote.kind == "s3":
        for page in remote.s3.get_paginator("list_objects_v2").paginate(Bucket=remote.bucket, Prefix="ck/"):
            for item in page.get("Contents", []):
                if item["Key"].endswith(".html"):
                    yield item["Key"][3:], remote.s3.get_object(Bucket=remote.bucket, Key=item["Key"])["Body"].read()
    else:
        for path in remote.folder.rglob("*.html"):
            yield path.relative_to(remote.folder).as_posix(), path.read_bytes()


def measure(kind: str, a: Path, b: Path, work: Path, keys: dict, crash: bool) -> dict:
    import test_publish_to as servers

    environment = Environment()
    folder, home = _fresh(work, kind, environment)
    result = {"kind": kind}
    remote = servers.Remote(kind, folder, keys, home, environment)
    snapshot = None
    try:
        for step, site in (("first", a), ("second", b)):
            result[step] = timed(site, remote)
            files, size, seconds, cpu, clock = result[step]
            print(f"{kind} {step}: {files} files, {_mb(size)}, {seconds:.1f} s ({size / 1e6 / seconds:.2f} MB/s, "
                  f"{files / seconds:.0f} files/s; planning {clock.get('plan', 0):.1f} s, final check "
                  f"{clock.get('final check', 0):.1f} s; CPU: publisher {cpu:.1f} s, server {clock['server CPU']:.1f} s)",
                  file=sys.stderr, flush=True)
            if step == "first" and crash and kind != "s3":
                # The killed upload starts from this remote: a copy (hard links: every write is a new file
                # renamed into place) instead of a third full upload.
                snapshot = work / f"{kind}-after-first"
                shutil.rmtree(snapshot, ignore_errors=True)
                shutil.copytree(remote.folder, snapshot, copy_function=os.link)
        result["equal"] = same_site(remote, b)
    finally:
        remote.close()
        environment.undo()
        shutil.rmtree(folder, ignore_errors=True)
    if crash:
        try:
            result["crash"] = crashed(kind, a, b, work, keys, snapshot)
        finally:
            if snapshot is not None:
                shutil.rmtree(snapshot, ignore_errors=True)
    return result


def crashed(kind: str, a: Path, b: Path, work: Path, keys: dict, snapshot: Path | None) -> tuple[str, str]:
    """A onto a fresh remote, then B killed half-way: what a reader browsing from the home page met."""
    import test_publish_to as servers

    environment = Environment()
    folder, home = _fresh(work, f"{kind}-crash", environment)
    remote = servers.Remote(kind, folder, keys, home, environment)
    try:
        if snapshot is not None:
            shutil.copytree(snapshot, remote.folder, copy_function=os.link, dirs_exist_ok=True)
        else:
            one(a, remote, remote.url)
        update = servers.changed(a, b)
        moved: list[str] = []

        def kill(path: str) -> None:
            moved.append(path)
            if len(moved) == len(update) // 2:
                if kind == "file":
                    raise KeyboardInterrupt  # a share has no server to kill: the officer's Ctrl+C
                killer.start()  # the server dies while the next file is on its way

        killer = threading.Thread(target=remote.stop)
        started = time.perf_counter()
        try:
            one(b, remote, remote.url, on_file=kill)
        except (KeyboardInterrupt, Exception) as error:  # noqa: BLE001 -- the stop is what is measured
            stopped = type(error).__name__
        else:
            stopped = "nothing (the upload finished)"
        killed_after = time.perf_counter() - started
        if killer.ident is not None:
            killer.join()  # before the server starts again: the killer closes the old process's pipes
        remote.restart()
        started = time.perf_counter()
        fetched, get = 0, servers.requests.Session.get

        def counted(self, *args, **options):
            nonlocal fetched
            fetched += 1
            return get(self, *args, **options)

        servers.requests.Session.get = counted
        try:
            problems = servers.read_site(remote.base, remote.auth, (a, b))
        finally:
            servers.requests.Session.get = get
        reading = time.perf_counter() - started
        old = new = 0
        for path, content in pages_of(remote):
            in_a = (a / path).is_file() and (a / path).read_bytes() == content
            in_b = (b / path).is_file() and (b / path).read_bytes() == content
            old += in_a and not in_b
            new += in_b and not in_a
        outcome = one(b, remote, remote.url)
        finished = same_site(remote, b)
        short = (f"killed after {len(moved):,} of {len(update):,} files: the reader fetched {fetched:,} files, "
                 f"{len(problems)} broken or half-written; pages {old:,} old, {new:,} new")
        return short, (
            f"killed after {len(moved)} of {len(update)} files ({killed_after:.0f} s; the publisher got {stopped}); "
            f"a reader browsing from the home page fetched the {fetched} files it could reach ({reading:.0f} s) and "
            f"met {len(problems)} problems ({'; '.join(problems[:3]) or 'none'}); of the pages that differ between "
            f"A and B, {old} were old and {new} new; the next publish sent {len(outcome.uploaded)} files and deleted "
            f"{len(outcome.deleted)} in {outcome.seconds:.0f} s, the remote "
            f"{'equals' if finished else 'DIFFERS FROM'} the new site")
    finally:
        remote.close()
        environment.undo()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--staff", type=int, default=600)
    parser.add_argument("--last-month", default="2026-11", help="the month the second publish adds (YYYY-MM)")
    parser.add_argument("--sites", type=Path, nargs=2, metavar=("A", "B"),
                        help="two sites already built (the second a month later) instead of a demo")
    parser.add_argument("--protocols", default="sftp,ftp,ftps,webdav,s3,file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (the sites are reused)")
    parser.add_argument("--no-crash", action="store_true", help="skip the killed upload")
    args = parser.parse_args()
    import logging

    import test_publish_to as servers

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    servers.SITE_URL = SITE_URL  # the reader follows the links of the site's own address (the tests' is another)

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
        for name, site in (("A", a), ("B", b)):
            files = [p for p in site.rglob("*") if p.is_file()]
            print(f"site {name}: {len(files)} files, {_mb(sum(p.stat().st_size for p in files))} ({site})",
                  file=sys.stderr, flush=True)
        results = []
        for kind in args.protocols.split(","):
            result = measure(kind, a, b, work, keys, not args.no_crash)
            results.append(result)
            if "crash" in result:
                print(f"{kind} killed upload: {result['crash'][1]}", file=sys.stderr, flush=True)
        print("\n| protocol | first publish: files | MB | s | MB/s | second publish: files | MB | s | MB/s "
              "| remote = B | killed upload: reader's problems |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for result in results:
            cells = [result["kind"]]
            for step in ("first", "second"):
                files, size, seconds, _, _ = result[step]
                cells += [f"{files:,}", f"{size / 1e6:.1f}", f"{seconds:.1f}", f"{size / 1e6 / seconds:.2f}"]
            cells.append("yes" if result["equal"] else "**no**")
            cells.append(result["crash"][0] if "crash" in result else "not run")
            print("| " + " | ".join(cells) + " |")
        for result in results:
            if "crash" in result:
                print(f"\n{result['kind']} killed upload: {result['crash'][1]}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
