"""The remotes `publish --to` writes to: one small adapter a protocol, over the protocol's usual Python client.

sftp://  paramiko (host keys from ~/.ssh/known_hosts, keys from the ssh agent and ~/.ssh, ~/.ssh/config honoured)
ftp://, ftps://  the standard library's ftplib (FTPS: explicit TLS, the system's certificate store)
webdav://, webdavs://  webdav4 (over httpx; WebDAVS: the system's certificate store)
s3://bucket/prefix  boto3 (credentials, region and endpoint from the AWS environment and config files;
                    `?endpoint=https://...` for an S3-compatible store)
file:///path  a mounted share

Each adapter writes a file under a temporary name beside it, checks its size and SHA-256 (read back, or the
store's own checksum), then renames it over the old one, so a reader gets the old file or the new one, never
half of one. No adapter ever puts a credential in a message: errors are worded here from the error's kind, and
the URL shown is the one the officer gave, which holds no password (one with a password is refused).
"""
from __future__ import annotations

import errno
import getpass
import hashlib
import io
import netrc
import os
import posixpath
import socket
import ssl
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from generator.round.remote import PublishFailed

SCHEMES = ("sftp", "ftp", "ftps", "webdav", "webdavs", "s3", "file")
CHUNK = 256 * 1024
TIMEOUT = 30
PASSWORD_VARIABLE = "CONGKHAI_PUBLISH_PASSWORD"
USER_VARIABLE = "CONGKHAI_PUBLISH_USER"


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int | None
    user: str | None
    path: str  # unquoted; for s3 the key prefix, for file the folder
    query: dict = field(default_factory=dict)
    shown: str = ""  # the address as the officer gave it (it holds no password)

    @property
    def hostport(self) -> str:
        return f"{self.host}:{self.port}" if self.port else self.host


def parse_destination(url: str) -> Destination:
    """The destination `url` names; PublishFailed (one plain line) when it cannot be used as given."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise PublishFailed(f"Địa chỉ --to không đọc được: {_without_password(url)}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise PublishFailed(f"--to chỉ nhận địa chỉ bắt đầu bằng {', '.join(s + '://' for s in SCHEMES)}; "
                            f"đã nhận: {_without_password(url)}")
    if parts.password is not None:
        raise PublishFailed(
            "Địa chỉ --to có chứa mật khẩu: không dùng (mật khẩu sẽ nằm trong lịch sử lệnh và nhật ký). Bỏ mật khẩu "
            f"khỏi địa chỉ ({_without_password(url)}) và cho nó qua ~/.netrc, biến môi trường {PASSWORD_VARIABLE}, "
            "khóa SSH, cấu hình AWS, hoặc gõ khi được hỏi (xem docs/upload.md).")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = parts.hostname or ""
    if scheme != "file" and not host:
        raise PublishFailed(f"Địa chỉ --to thiếu tên máy chủ{' (tên bucket)' if scheme == 's3' else ''}: {url}")
    if scheme == "file" and host not in ("", "localhost"):
        raise PublishFailed(f"file:// chỉ dùng cho thư mục trên máy này (ổ mạng đã gắn vào), ví dụ file:///mnt/cong/cong-khai; "
                            f"đã nhận: {url}")
    user = unquote(parts.username) if parts.username else None
    shown = parts._replace(query="").geturl() if scheme != "s3" else url.strip()
    return Destination(scheme, host, port, user, unquote(parts.path), query, shown)


def _without_password(url: str) -> str:
    try:
        parts = urlsplit(url)
        if parts.password is not None:
            netloc = f"{parts.username}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
            return parts._replace(netloc=netloc).geturl()
    except ValueError:
        return "(địa chỉ không hợp lệ)"
    return url


def connect(destination: Destination, interactive: bool | None = None):
    """A connected adapter for `destination`; PublishFailed with the reason in plain words if it cannot be had."""
    interactive = sys.stdin.isatty() if interactive is None else interactive
    kind = _adapter(destination.scheme)
    try:
        return kind(destination, interactive)
    except PublishFailed:
        raise
    except Exception as error:  # worded, never shown raw: a library's message may hold what the officer typed
        raise PublishFailed(explain(error, destination)) from None


def _adapter(scheme: str) -> type:
    """The adapter class of a scheme, its module imported only when used (paramiko, boto3 and
    webdav4 take a while to load, and a publish uses one of them)."""
    if scheme == "file":
        return Folder
    if scheme == "sftp":
        from .transport_sftp import Sftp
        return Sftp
    if scheme in ("ftp", "ftps"):
        from .transport_ftp import Ftp
        return Ftp
    if scheme in ("webdav", "webdavs"):
        from .transport_webdav import WebDav
        return WebDav
    from .transport_s3 import S3
    return S3


# ---------------------------------------------------------------- credentials

def _netrc_entry(host: str) -> tuple[str | None, str | None]:
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None, None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as error:
        # netrc refuses a file others can read; its message names the file and line, never a password
        raise PublishFailed(f"Không dùng được {path}: {error.msg} (dòng {error.lineno}). Sửa tệp, hoặc "
                            f"chmod 600 {path}.") from None
    except OSError:
        return None, None
    return (entry[0] or None, entry[2] or None) if entry else (None, None)


def credentials(destination: Destination, interactive: bool, *, ask_password: bool = True) -> tuple[str | None, str | None]:
    """User and password from the URL's user, CONGKHAI_PUBLISH_USER/PASSWORD, ~/.netrc, then a prompt."""
    netrc_user, netrc_password = _netrc_entry(destination.host)
    user = destination.user or os.environ.get(USER_VARIABLE) or netrc_user
    password = os.environ.get(PASSWORD_VARIABLE) or (netrc_password if (netrc_user in (None, user)) else None)
    if interactive and user is None and ask_password:
        user = input(f"Tên người dùng trên {destination.hostport}: ").strip() or None
    if interactive and password is None and ask_password:
        password = getpass.getpass(f"Mật khẩu của {user or ''}@{destination.hostport} (không hiện khi gõ): ")
    return user, password


# ---------------------------------------------------------------- words for failures

def explain(error: BaseException, destination: Destination) -> str:
    """One plain Vietnamese line for `error`, met while talking to `destination` (no credential, no traceback)."""
    host = destination.hostport or destination.path
    if destination.scheme == "s3":  # the bucket is no machine: the endpoint is
        host = destination.query.get("endpoint") or os.environ.get("AWS_ENDPOINT_URL") or "Amazon S3"
    chain, cause = [], error
    while cause is not None and len(chain) < 6:  # the library's wrapper, and the errors under it
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for specific in (True, False):
        for cause in chain:
            word = _explain_one(cause, destination, host, destination.shown, specific)
            if word:
                return word
    return (f"Không tải lên được {destination.shown}: lỗi không lường trước ({type(error).__name__}). Chạy lại "
            "lệnh; nếu lỗi lặp lại, báo cho người phụ trách kỹ thuật.")


_LOST = ("SSHException", "ChannelException", "RemoteProtocolError", "ReadError", "WriteError", "ConnectError",
         "EndpointConnectionError", "ConnectionClosedError", "NetworkError", "ProtocolError")
_TIMEOUTS = ("ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout", "ConnectTimeoutError",
             "ReadTimeoutError")


def _explain_one(error: BaseException, destination: Destination, host: str, where: str, specific: bool) -> str | None:
    name = type(error).__name__
    text = str(error).lower()
    number = getattr(error, "errno", None)
    if not specific:
        if isinstance(error, (EOFError, ConnectionError, BrokenPipeError)) or name in _LOST:
            return f"Mất kết nối với máy chủ {host} giữa chừng."
        return None
    if isinstance(error, ssl.SSLCertVerificationError) or (name == "SSLError" and "certificate" in text):
        reason = getattr(error, "verify_message", None) or "không kiểm chứng được"
        return (f"Chứng chỉ TLS của máy chủ {host} không được tin cậy ({reason}): không gửi gì. Nếu cổng dùng "
                "chứng chỉ do đơn vị tự cấp, hỏi quản trị tệp chứng chỉ gốc (CA) và đặt SSL_CERT_FILE trỏ tới nó.")
    if isinstance(error, ssl.SSLError):  # its errno is OpenSSL's, not the system's: never "no permission"
        return f"Kết nối mã hóa (TLS) với máy chủ {host} bị cắt giữa chừng."
    if isinstance(error, socket.gaierror) or "name or service not known" in text or "nodename nor servname" in text:
        name = host if destination.scheme == "s3" else destination.host
        return f"Không tìm thấy máy chủ {name}: tên máy chủ sai, hoặc máy này không có mạng."
    if isinstance(error, ConnectionRefusedError) or name == "NoValidConnectionsError" or "connection refused" in text:
        return f"Máy chủ {host} từ chối kết nối: sai cổng, hoặc dịch vụ {destination.scheme.upper()} chưa chạy."
    if isinstance(error, (socket.timeout, TimeoutError)) or name in _TIMEOUTS:
        return f"Máy chủ {host} không trả lời (quá {TIMEOUT} giây): kiểm tra mạng, tường lửa và cổng."
    if name in ("AuthenticationException", "BadAuthenticationType", "PasswordRequiredException"):
        return (f"Máy chủ {host} từ chối đăng nhập: sai tên người dùng, mật khẩu hoặc khóa SSH "
                f"(người dùng: {destination.user or os.environ.get(USER_VARIABLE) or getpass.getuser()}).")
    if name == "BadHostKeyException":
        return (f"Khóa của máy chủ {host} KHÁC khóa đã ghi trong ~/.ssh/known_hosts (máy chủ bị thay, hoặc bị giả "
                "mạo): không gửi gì. Chỉ khi quản trị cổng xác nhận đã đổi khóa, xóa dòng cũ bằng "
                f"ssh-keygen -R '{_known_hosts_name(destination)}' rồi chạy lại.")
    if isinstance(error, PermissionError) or number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Tài khoản không có quyền ghi vào {where}: nhờ quản trị cổng cấp quyền ghi vào thư mục này."
    full = f"Nơi lưu {where} đã đầy (hết dung lượng hoặc hết hạn mức): nhờ quản trị cổng nới dung lượng."
    if number in (errno.ENOSPC, errno.EDQUOT) or (isinstance(error, OSError) and number is None and any(
            word in text for word in ("space", "quota", "full"))):
        return full
    if destination.scheme == "sftp" and type(error) in (OSError, IOError) and number is None and text == "failure":
        # OpenSSH's server says only "Failure" when its disk is full (SFTP version 3 has no word for it)
        return (f"Máy chủ SFTP từ chối ghi vào {where} (chỉ báo \"Failure\"): thường là ổ đĩa đã đầy hoặc hết hạn "
                "mức; nhờ quản trị cổng kiểm tra.")
    return None


def _known_hosts_name(destination: Destination) -> str:
    port = destination.port or 22
    return destination.host if port == 22 else f"[{destination.host}]:{port}"


def no_delay(connection) -> None:
    """Each packet sent at once (TCP_NODELAY, as OpenSSH's ssh and curl set it): with Nagle's algorithm on, the end
    of a file or a short command waits for the other side's delayed acknowledgement, 40 ms on Linux."""
    try:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass


def temporary_name(path: str) -> str:
    folder, name = posixpath.split(path)
    return posixpath.join(folder, f".{name}.congkhai-tmp")


class Base:
    """The write-check-rename of one file, common to the adapters with a rename (all but S3)."""

    where: str
    root: str

    def _abs(self, path: str) -> str:
        return posixpath.join(self.root, path) if path else self.root

    def put(self, path: str, source: Path, size: int, digest: str, advance) -> None:
        with open(source, "rb") as stream:
            self._put_stream(path, stream, size, digest, advance)

    def write_bytes(self, path: str, data: bytes) -> None:
        self._put_stream(path, io.BytesIO(data), len(data), hashlib.sha256(data).hexdigest(), lambda n: None)

    def assume_folders(self, folders) -> None:
        """Folders that hold files of the site by the remote's own record: files are written into them without
        asking first whether they are there (one question less a file: a city's monthly update is 20,000 files
        in as many folders). If a write fails in one (a folder deleted by hand), the folder is made and the
        write tried again."""
        self._assumed = {self._abs(folder) for folder in folders}

    def _put_stream(self, path, stream, size, digest, advance) -> None:
        target = self._abs(path)
        temporary = temporary_name(target)
        folder = posixpath.dirname(target)
        assumed = folder in getattr(self, "_assumed", ())
        if not assumed:
            self._make_folders(folder)
        try:
            self._send(temporary, stream, advance)
        except Exception:
            if not assumed:
                raise
            self._assumed.discard(folder)
            self._make_folders(folder)  # raises again what stopped the write, unless it was the folder missing
            stream.seek(0)
            self._send(temporary, stream, advance)
        self._check(path, temporary, size, digest)
        self._replace(temporary, target)

    def _check(self, path: str, temporary: str, size: int, digest: str) -> None:
        """The file read back: its size and SHA-256 (the bytes counted as they come: no separate question for the
        size, which the checksum covers anyway)."""
        hasher = hashlib.sha256()
        count = 0

        def take(chunk: bytes) -> None:
            nonlocal count
            count += len(chunk)
            hasher.update(chunk)

        self._read_into(temporary, take, size)
        if count != size:
            raise PublishFailed(f"Tệp {path} trên {self.where} có {count} byte, đã gửi {size} byte: máy chủ không "
                                "ghi đủ (có thể đã đầy). Chạy lại lệnh.")
        if hasher.hexdigest() != digest:
            raise PublishFailed(f"Tệp {path} đọc lại từ {self.where} khác tệp đã gửi (tổng kiểm tra SHA-256 không "
                                "khớp): đường truyền hoặc máy chủ làm hỏng tệp. Chạy lại lệnh.")

    def read(self, path: str) -> bytes | None:
        chunks: list[bytes] = []
        try:
            self._read_into(self._abs(path), chunks.append)
        except FileNotFoundError:
            return None
        return b"".join(chunks)

    def list_sizes(self, expected) -> dict[str, int]:
        """The size of every file under the root (at least of the `expected` paths)."""
        return {posixpath.relpath(full, self.root): size for full, size in self._walk(self.root)}

    def close(self) -> None:
        pass


# ---------------------------------------------------------------- file://

class Folder(Base):
    def __init__(self, destination: Destination, interactive: bool):
        self.where = destination.shown
        self.root = os.path.abspath(destination.path)
        if not os.path.isdir(os.path.dirname(self.root.rstrip("/")) or "/"):
            raise PublishFailed(f"Không có thư mục {os.path.dirname(self.root)} (ổ mạng chưa gắn?): {self.where}")

    def is_empty(self) -> bool:
        return not os.path.isdir(self.root) or not os.listdir(self.root)

    def _make_folders(self, folder: str) -> None:
        os.makedirs(folder, exist_ok=True)

    def _send(self, temporary, stream, advance) -> None:
        with open(temporary, "wb") as out:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
                advance(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)

    def _read_into(self, full, sink, size=None) -> None:
        with open(full, "rb") as stream:
            while chunk := stream.read(CHUNK):
                sink(chunk)

    def _replace(self, temporary, target) -> None:
        os.replace(temporary, target)

    def delete(self, path: str) -> None:
        for name in (self._abs(path), temporary_name(self._abs(path))):
            try:
                os.unlink(name)
            except FileNotFoundError:
                pass

    def remove_folder(self, folder: str) -> None:
        try:
            os.rmdir(self._abs(folder))
        except OSError:
            pass  # not empty: something not of the site is in it, left alone

    def _walk(self, root):
        for folder, _, names in os.walk(root):
            for name in names:
                full = os.path.join(folder, name)
                yield full, os.stat(full).st_size


# ---------------------------------------------------------------- sftp://


# ---------------------------------------------------------------- ftp://, ftps://


# ---------------------------------------------------------------- webdav://, webdavs://


# ---------------------------------------------------------------- s3://

