"""publish --to sftp://: paramiko, with host keys from ~/.ssh/known_hosts (an unknown or changed key is refused with its fingerprint), keys from the ssh agent and ~/.ssh, ~/.ssh/config honoured, and posix-rename to replace a file in one step.
"""
from __future__ import annotations

import base64
import getpass
import hashlib
import os
import posixpath
import stat
from pathlib import Path

from generator.round.remote import PublishFailed

from .transports import CHUNK, TIMEOUT, Base, Destination, credentials, no_delay, temporary_name


class _UnknownHost(Exception):
    pass


class Sftp(Base):
    def __init__(self, destination: Destination, interactive: bool):
        import logging

        import paramiko

        # paramiko logs a dropped connection from its own thread ("Socket exception: ..."); the failure is worded
        # once, by explain(), in the main thread.
        logging.getLogger("paramiko").addHandler(logging.NullHandler())
        self.where = destination.shown
        config = paramiko.SSHConfig()
        config_path = Path.home() / ".ssh" / "config"
        if config_path.is_file():
            config = paramiko.SSHConfig.from_path(str(config_path))
        options = config.lookup(destination.host)
        host = options.get("hostname", destination.host)
        port = destination.port or int(options.get("port", 22))
        user, password = credentials(destination, False)
        user = user or options.get("user") or getpass.getuser()
        keys = [path for path in options.get("identityfile", []) if os.path.isfile(os.path.expanduser(path))]

        client = paramiko.SSHClient()
        for known in (Path.home() / ".ssh" / "known_hosts", Path("/etc/ssh/ssh_known_hosts")):
            if known.is_file():
                client.load_system_host_keys(str(known))
        shown_host = host if port == 22 else f"[{host}]:{port}"  # as known_hosts names it

        class Refuse(paramiko.MissingHostKeyPolicy):
            def missing_host_key(self, client, hostname, key):
                fingerprint = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
                keyscan = f"ssh-keyscan{'' if port == 22 else f' -p {port}'} {host}"
                raise PublishFailed(
                    f"Máy chủ SFTP {shown_host} chưa được tin cậy (chưa có trong ~/.ssh/known_hosts); khóa của nó: "
                    f"{key.get_name()} SHA256:{fingerprint}. Đối chiếu dấu vân tay này với quản trị cổng, rồi tin "
                    f"máy chủ bằng: {keyscan} >> ~/.ssh/known_hosts (hoặc đăng nhập một lần bằng ssh và trả lời yes).")

        client.set_missing_host_key_policy(Refuse())
        common = dict(hostname=host, port=port, username=user, key_filename=keys or None, timeout=TIMEOUT,
                      banner_timeout=TIMEOUT, auth_timeout=TIMEOUT, allow_agent=True, look_for_keys=True)
        try:
            client.connect(password=password, **common)
        except paramiko.AuthenticationException:
            if not interactive or password is not None:
                raise
            password = getpass.getpass(f"Mật khẩu của {user}@{shown_host} (không hiện khi gõ): ")
            client.connect(password=password, **common)
        self.client = client
        # As OpenSSH's ssh does: each packet leaves at once. Without it the end of a file can wait for the
        # server's delayed acknowledgement (40 ms on Linux: a 64 kB file took 56 ms on localhost instead of 3).
        no_delay(client.get_transport().sock)
        self.sftp = client.open_sftp()
        self.sftp.get_channel().settimeout(TIMEOUT * 4)
        path = destination.path or "/~/"
        if path.startswith("/~"):
            home = self.sftp.normalize(".")
            path = posixpath.join(home, path[2:].lstrip("/"))
        self.root = posixpath.normpath(path)
        self._folders: set[str] = set()

    def is_empty(self) -> bool:
        try:
            return not self.sftp.listdir(self.root)
        except FileNotFoundError:
            return True

    def _make_folders(self, folder: str) -> None:
        if folder in self._folders or folder in ("/", ""):
            return
        try:
            if stat.S_ISDIR(self.sftp.stat(folder).st_mode):
                self._folders.add(folder)
                return
        except FileNotFoundError:
            pass
        self._make_folders(posixpath.dirname(folder))
        self.sftp.mkdir(folder)
        self._folders.add(folder)

    def _send(self, temporary, stream, advance) -> None:
        with self.sftp.open(temporary, "wb") as out:
            out.set_pipelined(True)
            while chunk := stream.read(CHUNK):
                out.write(chunk)
                advance(len(chunk))
        try:
            self.sftp.chmod(temporary, 0o644)  # readable by the web server, whatever the account's umask
        except OSError:
            pass

    def _read_into(self, full, sink, size=None) -> None:
        with self.sftp.open(full, "rb") as stream:
            # The size expected, when known, spares asking the server for it (one round trip a file).
            stream.prefetch(size)
            try:
                while chunk := stream.read(CHUNK):
                    sink(chunk)
            except EOFError:
                # A file shorter than the size expected: paramiko's read-ahead met its end. The caller counts
                # what came; a connection lost is no short file.
                if size is None or not self.client.get_transport().is_active():
                    raise

    def _replace(self, temporary, target) -> None:
        try:
            self.sftp.posix_rename(temporary, target)  # OpenSSH's rename(2): the old file is replaced at once
        except OSError as error:
            if isinstance(error, PermissionError) or "unsupported" not in str(error).lower():
                raise
            # A server without the extension: plain SFTP rename refuses to overwrite, so a short gap is unavoidable.
            try:
                self.sftp.remove(target)
            except FileNotFoundError:
                pass
            self.sftp.rename(temporary, target)

    def delete(self, path: str) -> None:
        for name in (self._abs(path), temporary_name(self._abs(path))):
            try:
                self.sftp.remove(name)
            except FileNotFoundError:
                pass

    def remove_folder(self, folder: str) -> None:
        try:
            self.sftp.rmdir(self._abs(folder))
        except OSError:
            pass

    def list_sizes(self, expected) -> dict[str, int]:
        """The size of each file of `expected`, one question a file (stat): listing a folder is four (open, read,
        read to its end, close), and the site has a folder a page."""
        sizes = {}
        for path in expected:
            try:
                sizes[path] = self.sftp.stat(self._abs(path)).st_size
            except FileNotFoundError:
                pass
        return sizes

    def close(self) -> None:
        self.client.close()
