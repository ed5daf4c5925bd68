"""`publish --to URL`: the site uploaded to real servers started here on 127.0.0.1 (SFTP, FTP, FTPS, WebDAV, S3, a
shared folder), only what changed, verified, in an order no reader can catch half-done, finishing after a crash.

Each protocol: publish a site of two months, add a month and publish again while a reader browses the remote
over HTTP, then withdraw the month and kill the server half-way, restart it and publish again. The remote must
equal the local site byte for byte after each publish, and the reader must never meet a missing file, a broken
link, or a page that is neither the old one nor the new one.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import html.parser
import ipaddress
import json
import os
import posixpath
import shutil
import socket
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

import pytest
import requests

from generator.round.publish import manifest_of
from generator.round.remote import REMOTE_MANIFEST, REMOTE_PENDING, upload
from site_fixture import build, write_data

ROOT = Path(__file__).resolve().parent.parent
SERVER = Path(__file__).with_name("remote_server.py")
SITE_URL = "http://site.test/ck"
USER = "can-bo"
PASSWORD = "Zq7-mat-khau-thu"
WRONG = "sai-Qx9-mat-khau"
BUCKET = iter(f"cong-khai-{n}" for n in range(100))


# ---------------------------------------------------------------- the two sites

@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    """A: two months; B: the same and a third (a new unit page, a merge, every list page changed)."""
    root = tmp_path_factory.mktemp("publish-to")
    data_b = write_data(root / "data-b")
    data_a = write_data(root / "data-a")
    (data_a.exports / "2025-07.csv").unlink()
    return (build(data_a, root / "site-a", "--site-url", SITE_URL),
            build(data_b, root / "site-b", "--site-url", SITE_URL))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def changed(old: Path, new: Path) -> set[str]:
    before, after = manifest_of(old), manifest_of(new)
    return {path for path, digest in after.items() if before.get(path) != digest} | (before.keys() - after.keys())


# ---------------------------------------------------------------- keys and certificates

def ssh_key(path: Path) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = ed25519.Ed25519PrivateKey.generate()
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                       serialization.NoEncryption()))
    path.chmod(0o600)
    return key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def fingerprint(public: str) -> str:
    return base64.b64encode(hashlib.sha256(base64.b64decode(public.split()[1])).digest()).decode().rstrip("=")


def certificates(folder: Path) -> dict[str, Path]:
    """A certificate authority of the test's own and a certificate for 127.0.0.1 it signed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "congkhai test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=7))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("keys")
    found = certificates(folder)
    found["host_public"] = ssh_key(folder / "host_key")
    found["host_key"] = folder / "host_key"
    found["client_public"] = ssh_key(folder / "client_key")
    found["client_key"] = folder / "client_key"
    (folder / "authorized_keys").write_text(found["client_public"] + "\n")
    found["authorized"] = folder / "authorized_keys"
    return found


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An officer's home of the test's own: no ssh agent, no ~/.netrc, no AWS files, no trusted test CA."""
    folder = tmp_path / "home"
    (folder / ".ssh").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    for name in ("SSH_AUTH_SOCK", "NETRC", "SSL_CERT_FILE", "AWS_PROFILE", "AWS_ENDPOINT_URL",
                 "CONGKHAI_PUBLISH_USER", "CONGKHAI_PUBLISH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(folder / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / ".aws" / "credentials"))
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- servers

class ServerProcess:
    """tests/remote_server.py in its own process, so that it can be killed in the middle of an upload."""

    def __init__(self, kind: str, root: Path, *options: str):
        self.process = None
        self.command = [sys.executable, str(SERVER), kind, str(root), str(free_port()), *options]
        self.port = int(self.command[4])
        self.restart()

    def restart(self) -> None:
        """Started on its port, or on another if that one was taken meanwhile (on a busy machine an outgoing
        connection can take a port just found free, or just left by the server killed)."""
        for _ in range(5):
            if self.start(retry=True):
                return
            self.command[4] = str(free_port())
            self.port = int(self.command[4])
        self.start()

    def start(self, retry: bool = False) -> bool:
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if line.strip() == "ready":
            return True
        error = self.process.stderr.read()
        self.process.wait()
        # The free port found may be taken by then (an outgoing connection of a busy machine): another one.
        assert retry and "address already in use" in error.lower(), error
        return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


class FolderOverHttp:
    """What a web server shows of a folder: the portal's view of a folder written by SFTP, FTP or a share."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)

        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 64  # http.server's 5 refuses connections under two readers at once

        self.server = Server(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Remote:
    """One remote of a protocol: its URL, the reader's view of it over HTTP, its files, and a way to kill it."""

    def __init__(self, kind: str, tmp_path: Path, keys: dict, home: Path, monkeypatch, **server_options):
        self.kind, self.auth, self.web, self.server, self.moto = kind, None, None, None, None
        self.home, self.host_public = home, keys["host_public"]
        root = tmp_path / f"{kind}-root"
        root.mkdir()
        self.folder = root / "ck"
        flags = [f"--{name.replace('_', '-')}" for name, on in server_options.items() if on is True]
        if kind == "sftp":
            self.server = ServerProcess("sftp", root, "--host-key", str(keys["host_key"]), "--authorized",
                                        str(keys["authorized"]), "--password", PASSWORD, *flags)
            shutil.copy(keys["client_key"], home / ".ssh" / "id_ed25519")
            (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{self.server.port} {keys['host_public']}\n")
            self.url = f"sftp://{USER}@127.0.0.1:{self.server.port}/ck"
        elif kind in ("ftp", "ftps"):
            self.server = ServerProcess(kind, root, "--password", PASSWORD, "--cert", str(keys["cert"]), "--key",
                                        str(keys["key"]), *flags)
            self.url = f"{kind}://{USER}@127.0.0.1:{self.server.port}/ck"
        elif kind in ("webdav", "webdavs"):
            self.server = ServerProcess(kind, root, "--password", PASSWORD, "--cert", str(keys["cert"]), "--key",
                                        str(keys["key"]), *flags)
            scheme = "https" if kind == "webdavs" else "http"
            self.url = f"{kind}://{USER}@127.0.0.1:{self.server.port}/ck"
            self.base, self.auth = f"{scheme}://127.0.0.1:{self.server.port}/ck/", (USER, PASSWORD)
        elif kind == "s3":
            from moto.server import ThreadedMotoServer

            self.port, self.bucket = free_port(), next(BUCKET)
            self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
            self.moto.start()
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDCONGKHAITEST")
            monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", PASSWORD)
            monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
            endpoint = f"http://127.0.0.1:{self.port}"
            self.s3 = __import__("boto3").client("s3", endpoint_url=endpoint)
            self.s3.create_bucket(Bucket=self.bucket)
            # What the portal's administrator sets once: anyone may read the site (publishing sets no ACL).
            self.s3.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::{self.bucket}/*"}]}))
            self.url = f"s3://{self.bucket}/ck?endpoint={endpoint}"
            self.base = f"{endpoint}/{self.bucket}/ck/"
        elif kind == "file":
            self.url = f"file://{self.folder}"
        if kind in ("ftp", "ftps", "webdav", "webdavs"):
            monkeypatch.setenv("CONGKHAI_PUBLISH_PASSWORD", PASSWORD)
        if kind in ("ftps", "webdavs"):
            monkeypatch.setenv("SSL_CERT_FILE", str(keys["ca"]))  # the officer's way to trust the portal's own CA
        if kind in ("sftp", "ftp", "ftps", "file"):
            self.web = FolderOverHttp(self.folder)
            self.base = self.web.base

    def files(self) -> dict[str, bytes]:
        """The remote's files, but for congkhai's own record in _cap-nhat/."""
        if self.kind == "s3":
            pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix="ck/")
            listed = [item for page in pages for item in page.get("Contents", [])]
            every = {item["Key"][3:]: self.s3.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
                     for item in listed}
        else:
            every = tree(self.folder)
        return {path: content for path, content in every.items() if not path.startswith("_cap-nhat/")}

    def stop(self) -> None:
        """The server dies (SIGKILL; for a share, the officer's Ctrl+C, which the caller raises)."""
        if self.server is not None:
            self.server.kill()
        elif self.moto is not None:
            self.moto.stop()
            self.moto._server.server_close()

    def restart(self) -> None:
        if self.server is not None:
            before = self.server.port
            self.server.restart()
            if self.server.port != before:
                self.url = self.url.replace(f":{before}/", f":{self.server.port}/")
                if self.kind in ("webdav", "webdavs"):
                    self.base = self.base.replace(f":{before}/", f":{self.server.port}/")
                if self.kind == "sftp":
                    with open(self.home / ".ssh" / "known_hosts", "a") as known:
                        known.write(f"[127.0.0.1]:{self.server.port} {self.host_public}\n")
        elif self.moto is not None:
            from moto.server import ThreadedMotoServer
            self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
            self.moto.start()

    def close(self) -> None:
        self.stop()
        if self.web is not None:
            self.web.close()


# ---------------------------------------------------------------- the reader

class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value and not (tag == "a" and name == "href" and value.startswith("#")):
                self.links.append(value)


def page_links(page: str, text: str) -> set[str]:
    """The files of the site a page links to (href and src), as paths inside the site."""
    parser = _Links()
    parser.feed(text)
    page_url = f"{SITE_URL}/{page}"
    found = set()
    for link in parser.links:
        absolute = urljoin(page_url, link).split("#")[0].split("?")[0]
        if not absolute.startswith(SITE_URL + "/"):
            continue
        path = absolute[len(SITE_URL) + 1:]
        found.add(path + "index.html" if path.endswith("/") or not path else path)
    return found


def read_site(base: str, auth, versions: tuple[Path, ...]) -> list[str]:
    """A reader browsing the remote from its home page: every file reached must be there, whole, old or new."""
    problems: list[str] = []
    seen, queue = {"index.html"}, ["index.html"]
    with requests.Session() as session:
        session.auth = auth
        while queue:
            path = queue.pop()
            answer = session.get(base + path, timeout=30)
            if answer.status_code != 200:
                problems.append(f"{path}: HTTP {answer.status_code}")
                continue
            if answer.content not in {(site / path).read_bytes() for site in versions if (site / path).is_file()}:
                problems.append(f"{path}: neither the old file nor the new one")
            if path.endswith(".html"):
                for target in page_links(path, answer.content.decode("utf-8")) - seen:
                    seen.add(target)
                    queue.append(target)
    return problems


class Hammer(threading.Thread):
    """A reader reloading the pages being replaced, all through the upload: never a half-written or missing one."""

    def __init__(self, base: str, auth, paths: list[str], versions: tuple[Path, Path], gaps: bool = False):
        super().__init__(daemon=True)
        self.base, self.auth, self.paths, self.versions, self.gaps = base, auth, paths, versions, gaps
        self.problems: list[str] = []
        self.fetched = 0
        self.done = threading.Event()

    def run(self) -> None:
        with requests.Session() as session:
            session.auth = self.auth
            while not self.done.is_set() and self.fetched < 20_000:
                for path in self.paths:
                    try:
                        answer = session.get(self.base + path, timeout=30)
                    except requests.ConnectionError:
                        continue  # the server being killed: not what this reader checks
                    time.sleep(0.005)  # a reader, not a load test: leave the uploader its share of the CPU
                    self.fetched += 1
                    expected = {site.joinpath(path).read_bytes() for site in self.versions}
                    if answer.status_code == 404 and self.gaps:
                        continue
                    if answer.status_code != 200 or answer.content not in expected:
                        self.problems.append(f"{path}: HTTP {answer.status_code}, {len(answer.content)} bytes")


# ---------------------------------------------------------------- the round trip, for each protocol

@pytest.mark.parametrize("kind", ["sftp", "ftp", "ftps", "webdav", "s3", "file"])
def test_publish_add_a_month_with_a_crash_then_withdraw_it(kind, sites, keys, home, tmp_path, monkeypatch, capsys):
    a, b = sites
    remote = Remote(kind, tmp_path, keys, home, monkeypatch)
    try:
        moved: list[str] = []
        assert upload(a, SITE_URL, remote.url, on_file=moved.append) == 0
        out = capsys.readouterr()
        assert remote.files() == tree(a)
        assert sorted(moved) == sorted(tree(a))
        assert out.out.splitlines()[-1] == f"Đang công khai: {SITE_URL}/"
        assert out.err == ""

        # A month added, while a reader browses the site and another reloads the pages being replaced; the
        # server dies two thirds of the way (a share: the officer presses Ctrl+C).
        update = changed(a, b)
        replaced = sorted(path for path in update if path.endswith(".html") and (a / path).is_file())
        # WebDAV's MOVE over an existing file is, on WsgiDAV (and Apache's mod_dav), a delete then a rename on the
        # server: a reader can meet a 404 in that instant (never a half-written page). See docs/upload.md.
        hammer = Hammer(remote.base, remote.auth, replaced, (a, b), gaps=kind == "webdav")
        seen: list[str] = []
        moved.clear()

        def browse_then_crash(path: str) -> None:
            moved.append(path)
            if len(moved) % (len(update) // 4) == 0:
                seen.extend(read_site(remote.base, remote.auth, (a, b)))
            if len(moved) == len(update) * 2 // 3:
                hammer.done.set()
                hammer.join()
                if kind == "file":
                    raise KeyboardInterrupt
                killer.start()  # the server dies while the next file is on its way

        killer = threading.Thread(target=remote.stop)

        hammer.start()
        status = upload(b, SITE_URL, remote.url, on_file=browse_then_crash)
        hammer.done.set()
        if killer.is_alive() or killer.ident is not None:
            killer.join()
        err = capsys.readouterr().err
        assert status == (130 if kind == "file" else 1), err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert "chạy lại lệnh để tải nốt" in err
        assert seen == []
        assert hammer.problems == [] and hammer.fetched > 0
        remote.restart()
        assert read_site(remote.base, remote.auth, (a, b)) == []  # what a reader sees after the crash: a whole site
        assert remote.files() != tree(b)

        moved.clear()
        assert upload(b, SITE_URL, remote.url, on_file=moved.append) == 0, capsys.readouterr().err
        assert remote.files() == tree(b)
        assert set(moved) == update  # only the update went up (all of it again: the crash left it uncertain)
        assert len(update) < len(tree(b))
        capsys.readouterr()
        if kind == "ftps":
            return  # the rest is FTP's, tested over plain FTP

        # The month withdrawn: pages replaced, its files and folders deleted; then nothing changed, nothing moves.
        moved.clear()
        assert upload(a, SITE_URL, remote.url, on_file=moved.append) == 0, capsys.readouterr().err
        assert remote.files() == tree(a)
        assert set(moved) == changed(b, a)
        if remote.folder.exists() and kind != "s3":
            assert {p.relative_to(remote.folder).as_posix() for p in remote.folder.rglob("*") if p.is_dir()} == {
                p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_dir()} | {"_cap-nhat"}
        moved.clear()
        assert upload(a, SITE_URL, remote.url, on_file=moved.append) == 0
        assert moved == []
        assert "không cần gửi gì" in capsys.readouterr().out
    finally:
        remote.close()


# ---------------------------------------------------------------- trust, credentials and plain words

def failure(site: Path, url: str, capsys, **options) -> str:
    status = upload(site, SITE_URL, url, **options)
    out = capsys.readouterr()
    assert status == 1, out.out
    assert len(out.err.strip().splitlines()) == 1 and "Traceback" not in out.err
    assert PASSWORD not in out.out + out.err and WRONG not in out.out + out.err
    return out.err


def test_an_unknown_sftp_host_is_refused_with_its_fingerprint_and_how_to_trust_it(sites, keys, home, tmp_path,
                                                                                    monkeypatch, capsys):
    remote = Remote("sftp", tmp_path, keys, home, monkeypatch)
    try:
        (home / ".ssh" / "known_hosts").unlink()
        err = failure(sites[0], remote.url, capsys)
        assert f"ssh-ed25519 SHA256:{fingerprint(keys['host_public'])}" in err
        assert f"ssh-keyscan -p {remote.server.port} 127.0.0.1 >> ~/.ssh/known_hosts" in err
        assert "Trên cổng chưa có gì thay đổi" in err
        assert remote.files() == {}

        # Another server's key under that name: refused too (a man in the middle looks like this).
        (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{remote.server.port} {keys['client_public']}\n")
        assert "KHÁC khóa đã ghi" in failure(sites[0], remote.url, capsys)
        assert remote.files() == {}
    finally:
        remote.close()


@pytest.mark.parametrize("kind", ["sftp", "ftp", "webdav"])
def test_a_wrong_password_is_said_plainly_and_never_shown(kind, sites, keys, home, tmp_path, monkeypatch, capsys):
    remote = Remote(kind, tmp_path, keys, home, monkeypatch)
    try:
        (home / ".ssh" / "id_ed25519").unlink(missing_ok=True)
        monkeypatch.setenv("CONGKHAI_PUBLISH_PASSWORD", WRONG)
        assert "từ chối đăng nhập" in failure(sites[0], remote.url, capsys, interactive=False)
        # The password from ~/.netrc works (and the one in the environment wins over it, so it goes).
        monkeypatch.delenv("CONGKHAI_PUBLISH_PASSWORD")
        netrc = home / ".netrc"
        netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
        netrc.chmod(0o600)
        assert upload(sites[0], SITE_URL, remote.url, interactive=False) == 0, capsys.readouterr().err
        assert PASSWORD not in "".join(capsys.readouterr())
        assert remote.files() == tree(sites[0])
    finally:
        remote.close()


@pytest.mark.parametrize("kind", ["ftps", "webdavs"])
def test_a_certificate_not_trusted_is_refused(kind, sites, keys, home, tmp_path, monkeypatch, capsys):
    remote = Remote(kind, tmp_path, keys, home, monkeypatch)
    try:
        monkeypatch.delenv("SSL_CERT_FILE")
        err = failure(sites[0], remote.url, capsys)
        assert "Chứng chỉ TLS của máy chủ 127.0.0.1" in err and "không được tin cậy" in err
        assert remote.files() == {} and not (remote.folder / REMOTE_PENDING).exists()
    finally:
        remote.close()


def test_a_refused_connection_no_permission_and_a_full_server_each_have_their_line(sites, keys, home, tmp_path,
                                                                                    monkeypatch, capsys):
    port = free_port()
    assert "từ chối kết nối" in failure(sites[0], f"ftp://{USER}@127.0.0.1:{port}/ck", capsys)
    for kind in ("ftp", "sftp", "webdav"):
        for option, words in (("read_only", "không có quyền ghi"), ("full", "đầy")):
            folder = tmp_path / f"{kind}-{option}"
            folder.mkdir()
            remote = Remote(kind, folder, keys, home, monkeypatch, **{option: True})
            try:
                err = failure(sites[0], remote.url, capsys)
                assert words in err, (kind, option, err)
            finally:
                remote.close()


def test_a_folder_holding_someone_elses_files_is_refused_unless_forced(sites, tmp_path, home, capsys):
    share = tmp_path / "share"
    share.mkdir()
    (share / "index.php").write_text("<?php // the portal's own page")
    err = failure(sites[0], f"file://{share}", capsys)
    assert "--force" in err and REMOTE_MANIFEST in err
    assert tree(share) == {"index.php": b"<?php // the portal's own page"}
    assert upload(sites[0], SITE_URL, f"file://{share}", force=True) == 0
    files = tree(share)
    assert files.pop("index.php") == b"<?php // the portal's own page"
    assert {path: content for path, content in files.items() if not path.startswith("_cap-nhat/")} == tree(sites[0])


def test_a_site_whose_record_was_deleted_gets_every_file_again(sites, tmp_path, home, capsys):
    a, b = sites
    share = tmp_path / "share"
    share.mkdir()
    assert upload(a, SITE_URL, f"file://{share}/ck") == 0
    shutil.rmtree(share / "ck" / "_cap-nhat")
    moved: list[str] = []
    assert upload(b, SITE_URL, f"file://{share}/ck", on_file=moved.append) == 0
    assert "mất bản ghi" in capsys.readouterr().out
    assert sorted(moved) == sorted(tree(b))
    assert {path: content for path, content in tree(share / "ck").items()
            if not path.startswith("_cap-nhat/")} == tree(b)


def test_a_password_in_the_address_is_refused_before_anything_is_built(tmp_path):
    result = subprocess.run([sys.executable, "-m", "generator", "publish", "--data", str(tmp_path / "none"),
                             "--dist", str(tmp_path / "dist"), "--site-url", SITE_URL,
                             "--to", f"sftp://{USER}:{PASSWORD}@127.0.0.1/ck"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert PASSWORD not in result.stdout + result.stderr
    assert "có chứa mật khẩu" in result.stderr and "~/.netrc" in result.stderr
    assert result.stdout == "" and not (tmp_path / "dist").exists()


def test_the_command_publishes_to_the_address_in_the_environment(tmp_path):
    data = write_data(tmp_path / "data")
    share = tmp_path / "share"
    share.mkdir()
    result = subprocess.run([sys.executable, "-m", "generator", "publish", "--data", str(data.root),
                             "--dist", str(tmp_path / "dist"), "--site-url", SITE_URL],
                            cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "CONGKHAI_PUBLISH_TO": f"file://{share}/ck"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"Đang công khai: {SITE_URL}/"
    remote = tree(share / "ck")
    assert remote.pop(REMOTE_MANIFEST).decode() == (tmp_path / "dist").glob("congkhai-*.sha256").__next__().read_text()
    assert remote == tree(tmp_path / "dist" / "site")


# ---------------------------------------------------------------- at a city's size

def test_a_site_of_thousands_of_page_loops_is_planned_in_one_pass(tmp_path, monkeypatch):
    """A city's first publish is 30,000 files, each page and its English twin linking to each other: a loop
    each. The order is planned looking at each page a few times, not at every waiting page at each loop
    (which kept the first file waiting for many minutes); and the home page, where readers come in,
    goes up last, not as soon as the pages it links to are up while loops elsewhere are still half-way."""
    from generator.round import remote

    pairs = 1500
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "site.css").write_text("body { color: black }")
    for number in range(pairs):
        for language, twin in (("", "en/"), ("en/", "")):
            page = tmp_path / f"{language}don-vi/DV{number:04d}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f'<link href="{SITE_URL}/theme/site.css"><a href="{SITE_URL}/{twin}don-vi/DV{number:04d}/">'
                            f'<a href="{SITE_URL}/">')
    (tmp_path / "index.html").write_text(f'<a href="{SITE_URL}/don-vi/DV0000/">')
    current = manifest_of(tmp_path)
    looked = 0
    kind = remote._kind

    def counted(path: str) -> int:
        nonlocal looked
        looked += 1
        return kind(path)

    monkeypatch.setattr(remote, "_kind", counted)
    order = remote.plan(tmp_path, SITE_URL, current, None, set()).uploads
    assert looked < 5 * len(current), looked
    assert sorted(order) == sorted(current)
    assert order[0] == "theme/site.css"
    assert order[-1] == "index.html"  # where readers come in: last, when every loop is whole


@pytest.mark.parametrize("kind", ["sftp", "ftp", "webdav", "file"])
def test_the_folders_of_the_remotes_record_are_written_into_without_asking_and_one_deleted_by_hand_is_made_again(
        kind, sites, keys, home, tmp_path, monkeypatch, capsys):
    """A monthly update writes into folders the remote's record already holds: no question per file whether
    its folder is there (a city's update is 20,000 files in as many folders). A folder deleted on the portal
    by hand since is made again when a write into it fails."""
    from generator.round import transports
    from generator.round.transport_ftp import Ftp
    from generator.round.transport_sftp import Sftp
    from generator.round.transport_webdav import WebDav

    a, b = sites
    remote = Remote(kind, tmp_path, keys, home, monkeypatch)
    try:
        assert upload(a, SITE_URL, remote.url) == 0
        update = changed(a, b)
        in_a = set(tree(a))
        # A folder whose every file the update replaces: deleted on the portal, it loses nothing the update
        # does not send again.
        deleted = next(folder for folder in sorted({posixpath.dirname(path) for path in update & in_a} - {""})
                       if all(path in update and (b / path).is_file() for path in in_a
                              if path.startswith(folder + "/")))
        shutil.rmtree(remote.folder / deleted)
        asked: set[str] = set()
        adapter = {"sftp": Sftp, "ftp": Ftp, "webdav": WebDav, "file": transports.Folder}[kind]
        make_folders = adapter._make_folders

        def spy(self, folder: str) -> None:
            if folder.startswith(self.root + "/"):
                asked.add(folder[len(self.root) + 1:])
            return make_folders(self, folder)

        monkeypatch.setattr(adapter, "_make_folders", spy)
        assert upload(b, SITE_URL, remote.url) == 0, capsys.readouterr().err
        assert remote.files() == tree(b)
        new_folders = {posixpath.dirname(path) for path in set(tree(b)) - in_a}
        allowed = {"_cap-nhat", deleted} | new_folders
        allowed |= {str(parent) for folder in allowed for parent in PurePosixPath(folder).parents}
        assert deleted in asked
        assert asked <= allowed, sorted(asked - allowed)[:5]
    finally:
        remote.close()


def test_sftp_sends_each_packet_at_once(keys, home, tmp_path, monkeypatch):
    """paramiko leaves Nagle's algorithm on: the end of a file then waits for the server's delayed
    acknowledgement (a file of 64 kB took 56 ms on localhost instead of 3, over a city's 32,000 files many
    minutes). OpenSSH's ssh turns it off; so does publish --to."""
    import socket as sockets

    from generator.round import transports

    remote = Remote("sftp", tmp_path, keys, home, monkeypatch)
    try:
        connection = transports.connect(transports.parse_destination(remote.url), interactive=False)
        try:
            channel = connection.client.get_transport().sock
            assert channel.getsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY) != 0
        finally:
            connection.close()
    finally:
        remote.close()


def test_ftps_sends_each_packet_at_once_on_both_connections(keys, home, tmp_path, monkeypatch):
    """The same for FTP: the commands and each file's data connection, whose TLS handshake is short packets
    both ways (a file took 10 to 26 ms on localhost with Nagle's algorithm on, 4 to 10 without)."""
    import socket as sockets

    from generator.round import transports

    remote = Remote("ftps", tmp_path, keys, home, monkeypatch)
    try:
        connection = transports.connect(transports.parse_destination(remote.url), interactive=False)
        try:
            assert connection.ftp.sock.getsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY) != 0
            data, _ = connection.ftp.ntransfercmd("NLST")
            with data:
                assert data.getsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY) != 0
                while data.recv(4096):
                    pass
                data.unwrap()
            connection.ftp.voidresp()
        finally:
            connection.close()
    finally:
        remote.close()


def test_the_final_check_asks_each_files_size_and_lists_the_folders_of_a_server_without_size(
        sites, keys, home, tmp_path, monkeypatch, capsys):
    """The final check over FTP asks each file's size on the command connection (a listing is a data connection
    a folder, and the site has a folder a page); a server that does not know SIZE is listed instead. Either
    way a file missing on the server is found."""
    a, _ = sites
    for no_size in (False, True):
        folder = tmp_path / f"size-{no_size}"
        folder.mkdir()
        remote = Remote("ftp", folder, keys, home, monkeypatch, no_size=no_size)
        try:
            assert upload(a, SITE_URL, remote.url) == 0, capsys.readouterr().err
            assert remote.files() == tree(a)
            (remote.folder / "theme" / "css" / "site.css").unlink()  # gone from the portal by hand
            assert upload(a, SITE_URL, remote.url) == 1
            err = capsys.readouterr().err
            assert "Kiểm tra cuối: 1 tệp" in err and "theme/css/site.css" in err, err
        finally:
            remote.close()
