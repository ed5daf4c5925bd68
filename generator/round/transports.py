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

import base64
import errno
import getpass
import hashlib
import io
import mimetypes
import netrc
import os
import posixpath
import socket
import ssl
import stat
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
    kind = {"sftp": Sftp, "ftp": Ftp, "ftps": Ftp, "webdav": WebDav, "webdavs": WebDav, "s3": S3,
            "file": Folder}[destination.scheme]
    try:
        return kind(destination, interactive)
    except PublishFailed:
        raise
    except Exception as error:  # worded, never shown raw: a library's message may hold what the officer typed
        raise PublishFailed(explain(error, destination)) from None


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


def temporary_name(path: str) -> str:
    folder, name = posixpath.split(path)
    return posixpath.join(folder, f".{name}.congkhai-tmp")


class _Base:
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

    def _put_stream(self, path, stream, size, digest, advance) -> None:
        target = self._abs(path)
        temporary = temporary_name(target)
        self._make_folders(posixpath.dirname(target))
        self._send(temporary, stream, advance)
        self._check(path, temporary, size, digest)
        self._replace(temporary, target)

    def _check(self, path: str, temporary: str, size: int, digest: str) -> None:
        sent = self._size(temporary)
        if sent != size:
            raise PublishFailed(f"Tệp {path} trên {self.where} có {sent} byte, đã gửi {size} byte: máy chủ không "
                                "ghi đủ (có thể đã đầy). Chạy lại lệnh.")
        hasher = hashlib.sha256()
        self._read_into(temporary, hasher.update)
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

class Folder(_Base):
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

    def _size(self, temporary) -> int:
        return os.stat(temporary).st_size

    def _read_into(self, full, sink) -> None:
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

class _UnknownHost(Exception):
    pass


class Sftp(_Base):
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

    def _size(self, temporary) -> int:
        return self.sftp.stat(temporary).st_size

    def _read_into(self, full, sink) -> None:
        with self.sftp.open(full, "rb") as stream:
            stream.prefetch()
            while chunk := stream.read(CHUNK):
                sink(chunk)

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

    def _walk(self, root):
        try:
            entries = self.sftp.listdir_attr(root)
        except FileNotFoundError:
            return
        for entry in entries:
            full = posixpath.join(root, entry.filename)
            if stat.S_ISDIR(entry.st_mode):
                yield from self._walk(full)
            else:
                yield full, entry.st_size

    def close(self) -> None:
        self.client.close()


# ---------------------------------------------------------------- ftp://, ftps://

class _DataSocket(ssl.SSLSocket):
    """A TLS socket whose closing handshake may fail: a server that sends an empty listing closes the data
    connection before TLS 1.3 has settled, and ftplib would take that for an error. What was sent is judged by
    the server's reply and by reading the file back, not by the goodbye."""

    def unwrap(self):
        try:
            return super().unwrap()
        except (ssl.SSLError, OSError):
            return None


def _ftp_tls():
    import ftplib

    class FtpTls(ftplib.FTP_TLS):
        """Data connections resume the control connection's TLS session, which vsftpd and others require
        (require_ssl_reuse) so that no one else can take over the data connection."""

        def ntransfercmd(self, cmd, rest=None):
            connection, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
            if self._prot_p:
                connection = self.context.wrap_socket(connection, server_hostname=self.host,
                                                      session=self.sock.session)
            return connection, size

    return FtpTls


class Ftp(_Base):
    def __init__(self, destination: Destination, interactive: bool):
        import ftplib

        self.ftplib = ftplib
        self.where = destination.shown
        user, password = credentials(destination, interactive)
        if destination.scheme == "ftps":
            # Explicit TLS (AUTH TLS) with the system's store: a certificate it does not trust is refused.
            context = ssl.create_default_context()
            context.sslsocket_class = _DataSocket
            self.ftp = _ftp_tls()(context=context, timeout=TIMEOUT)
        else:
            self.ftp = ftplib.FTP(timeout=TIMEOUT)
        self.ftp.connect(destination.host, destination.port or 21)
        try:
            self.ftp.login(user or "anonymous", password or "")
        except ftplib.error_perm as error:
            if str(error).startswith("530"):
                raise PublishFailed(f"Máy chủ {destination.hostport} từ chối đăng nhập: sai tên người dùng hoặc mật "
                                    f"khẩu (người dùng: {user or 'anonymous'}).") from None
            raise
        if destination.scheme == "ftps":
            self.ftp.prot_p()
        self.ftp.voidcmd("TYPE I")
        # As curl reads it: the URL's path is under the folder the account logs into.
        home = self.ftp.pwd()
        self.root = posixpath.normpath(posixpath.join(home, destination.path.lstrip("/")))
        self._folders: set[str] = set()
        self._mlsd = True

    def _is_missing(self, error) -> bool:
        return isinstance(error, self.ftplib.error_perm) and str(error).startswith("550")

    def is_empty(self) -> bool:
        try:
            return not [name for name in self.ftp.nlst(self.root) if posixpath.basename(name) not in (".", "..")]
        except self.ftplib.error_perm as error:
            if self._is_missing(error):
                return True
            raise

    def _make_folders(self, folder: str) -> None:
        if folder in self._folders or folder in ("/", ""):
            return
        self._make_folders(posixpath.dirname(folder))
        try:
            self.ftp.mkd(folder)
        except self.ftplib.error_perm:
            try:
                self.ftp.cwd(folder)  # it was there already
            except self.ftplib.error_perm:
                raise PermissionError(errno.EACCES, folder) from None
        self._folders.add(folder)

    def _send(self, temporary, stream, advance) -> None:
        try:
            self.ftp.storbinary(f"STOR {temporary}", stream, CHUNK, callback=lambda chunk: advance(len(chunk)))
        except self.ftplib.error_perm as error:
            self._raise_for(error)
        except self.ftplib.error_temp as error:
            self._raise_for(error)

    def _raise_for(self, error):
        code = str(error)[:3]
        if code in ("452", "552"):
            raise OSError(errno.ENOSPC, "full") from None
        if code in ("550", "553", "532"):
            raise PermissionError(errno.EACCES, "denied") from None
        raise error

    def _size(self, temporary) -> int:
        return self.ftp.size(temporary)

    def _read_into(self, full, sink) -> None:
        try:
            self.ftp.retrbinary(f"RETR {full}", sink, CHUNK)
        except self.ftplib.error_perm as error:
            if self._is_missing(error):
                raise FileNotFoundError(full) from None
            raise

    def _replace(self, temporary, target) -> None:
        try:
            self.ftp.rename(temporary, target)  # RNFR/RNTO: rename(2) on Unix servers, the old file replaced at once
        except self.ftplib.error_perm:
            # Servers that will not rename onto an existing file (IIS): a short gap is unavoidable there.
            self._delete_quietly(target)
            self.ftp.rename(temporary, target)

    def _delete_quietly(self, full) -> None:
        try:
            self.ftp.delete(full)
        except self.ftplib.error_perm as error:
            if not self._is_missing(error):
                raise

    def delete(self, path: str) -> None:
        self._delete_quietly(self._abs(path))
        self._delete_quietly(temporary_name(self._abs(path)))

    def remove_folder(self, folder: str) -> None:
        try:
            self.ftp.rmd(self._abs(folder))
        except self.ftplib.error_perm:
            pass

    def list_sizes(self, expected) -> dict[str, int]:
        try:
            return super().list_sizes(expected)
        except self.ftplib.error_perm as error:
            if not str(error).startswith(("500", "501", "502", "504")):
                raise
        # A server without MLSD (RFC 3659): ask the size of each file instead, one at a time.
        sizes = {}
        for path in expected:
            try:
                sizes[path] = self.ftp.size(self._abs(path))
            except self.ftplib.error_perm:
                pass
        return sizes

    def _walk(self, root):
        try:
            entries = list(self.ftp.mlsd(root, facts=["type", "size"]))
        except self.ftplib.error_perm as error:
            if self._is_missing(error):
                return
            raise
        for name, facts in entries:
            kind = facts.get("type", "").lower()
            if kind in ("cdir", "pdir") or name in (".", ".."):
                continue
            full = posixpath.join(root, name)
            if kind == "dir":
                yield from self._walk(full)
            else:
                yield full, int(facts.get("size", -1))

    def close(self) -> None:
        try:
            self.ftp.quit()
        except Exception:
            self.ftp.close()


# ---------------------------------------------------------------- webdav://, webdavs://

class WebDav(_Base):
    def __init__(self, destination: Destination, interactive: bool):
        from webdav4.client import Client

        self.where = destination.shown
        user, password = credentials(destination, interactive, ask_password=False)
        scheme = "https" if destination.scheme == "webdavs" else "http"
        base = f"{scheme}://{destination.hostport}"
        auth = (user, password or "") if user else None
        # The system's certificate store (and SSL_CERT_FILE), as for FTPS; never verify=False.
        self.client = Client(base, auth=auth, verify=ssl.create_default_context(), timeout=TIMEOUT, retry=False)
        self.root = posixpath.normpath("/" + destination.path.strip("/"))
        try:
            self._folder_exists(self.root)
        except PublishFailed:
            if not interactive or password is not None:
                raise
            user, password = credentials(destination, True)
            self.client = Client(base, auth=(user, password or ""), verify=ssl.create_default_context(),
                                 timeout=TIMEOUT, retry=False)
            self._folder_exists(self.root)
        self._folders: set[str] = set()

    @staticmethod
    def _status(error) -> int | None:
        return getattr(getattr(error, "response", None), "status_code", None)

    def _call(self, function, *args, **options):
        from webdav4.client import ForbiddenOperation, InsufficientStorage, ResourceNotFound
        try:
            return function(*args, **options)
        except ResourceNotFound:
            raise FileNotFoundError(args[0] if args else "") from None
        except ForbiddenOperation:
            raise PermissionError(errno.EACCES, "forbidden") from None
        except InsufficientStorage:
            raise OSError(errno.ENOSPC, "insufficient storage") from None
        except Exception as error:
            status = self._status(error)
            if status == 404:
                raise FileNotFoundError(args[0] if args else "") from None
            if status == 401:
                raise PublishFailed(f"Máy chủ {self.where} từ chối đăng nhập: sai tên người dùng hoặc mật khẩu.") from None
            if status == 403:
                raise PermissionError(errno.EACCES, "forbidden") from None
            if status == 507:
                raise OSError(errno.ENOSPC, "insufficient storage") from None
            raise

    def _folder_exists(self, folder) -> bool:
        try:
            return bool(self._call(self.client.ls, folder, detail=False) is not None)
        except FileNotFoundError:
            return False

    def is_empty(self) -> bool:
        try:
            return not self._call(self.client.ls, self.root, detail=False)
        except FileNotFoundError:
            return True

    def _make_folders(self, folder: str) -> None:
        if folder in self._folders or folder in ("/", ""):
            return
        self._make_folders(posixpath.dirname(folder))
        if not self._call(self.client.exists, folder):
            self._call(self.client.mkdir, folder)
        self._folders.add(folder)

    def _send(self, temporary, stream, advance) -> None:
        self._call(self.client.upload_fileobj, stream, temporary, overwrite=True, callback=advance)

    def _size(self, temporary) -> int:
        return self._call(self.client.content_length, temporary)

    def _read_into(self, full, sink) -> None:
        class Sink(io.RawIOBase):
            def writable(self):
                return True

            def write(self, data):
                sink(bytes(data))
                return len(data)

        self._call(self.client.download_fileobj, full, Sink())

    def _replace(self, temporary, target) -> None:
        # MOVE with Overwrite: the server swaps the file in (rename(2) on nginx; delete then rename on some others)
        self._call(self.client.move, temporary, target, overwrite=True)

    def delete(self, path: str) -> None:
        for name in (self._abs(path), temporary_name(self._abs(path))):
            try:
                self._call(self.client.remove, name)
            except FileNotFoundError:
                pass

    def remove_folder(self, folder: str) -> None:
        try:
            if not self._call(self.client.ls, self._abs(folder), detail=False):
                self._call(self.client.remove, self._abs(folder))
        except (FileNotFoundError, PermissionError):
            pass

    def _walk(self, root):
        try:
            entries = self._call(self.client.ls, root, detail=True)
        except FileNotFoundError:
            return
        for entry in entries:
            full = "/" + entry["name"].strip("/")
            if entry.get("type") == "directory":
                yield from self._walk(full)
            else:
                yield full, entry.get("content_length")

    def close(self) -> None:
        self.client.http.close()


# ---------------------------------------------------------------- s3://

class S3:
    """An S3 bucket (or an S3-compatible store): a PUT replaces an object whole, so no temporary name is needed."""

    def __init__(self, destination: Destination, interactive: bool):
        import boto3
        from botocore.config import Config

        self.where = destination.shown
        self.bucket = destination.host
        self.prefix = destination.path.strip("/")
        endpoint = destination.query.get("endpoint") or None  # else boto3 reads AWS_ENDPOINT_URL and the config files
        style = destination.query.get("addressing", "path" if endpoint or os.environ.get("AWS_ENDPOINT_URL") else "auto")
        config = Config(connect_timeout=TIMEOUT, read_timeout=TIMEOUT * 2, retries={"max_attempts": 3},
                        s3={"addressing_style": style},
                        request_checksum_calculation="when_supported", response_checksum_validation="when_supported")
        session = boto3.session.Session(profile_name=destination.query.get("profile"))
        if session.get_credentials() is None:
            raise PublishFailed(
                "Chưa có khóa truy cập S3: đặt AWS_ACCESS_KEY_ID và AWS_SECRET_ACCESS_KEY, hoặc ghi vào "
                "~/.aws/credentials (aws configure), rồi chạy lại.")
        self.s3 = session.client("s3", endpoint_url=endpoint, region_name=destination.query.get("region"),
                                 config=config)
        self._call(self.s3.head_bucket, Bucket=self.bucket)

    def _key(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def _call(self, function, **options):
        from botocore.exceptions import ClientError
        try:
            return function(**options)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchKey", "404") and function != self.s3.head_bucket:
                raise FileNotFoundError(options.get("Key", "")) from None
            if code in ("NoSuchBucket", "404"):
                raise PublishFailed(f"Không có bucket {self.bucket} ở {self.where} (sai tên, hoặc sai endpoint).") from None
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed"):
                raise PublishFailed(f"Kho S3 {self.where} từ chối khóa truy cập (sai AWS_ACCESS_KEY_ID/"
                                    "AWS_SECRET_ACCESS_KEY hoặc khóa đã hết hạn).") from None
            if code in ("AccessDenied", "403", "AllAccessDisabled"):
                raise PermissionError(errno.EACCES, "denied") from None
            if code in ("QuotaExceeded", "InsufficientStorage", "XMinioStorageFull", "EntityTooLarge"):
                raise OSError(errno.ENOSPC, "full") from None
            if code in ("BadDigest", "XAmzContentSHA256Mismatch", "InvalidDigest"):
                raise PublishFailed(f"Kho S3 {self.where} nhận tệp {options.get('Key')} khác tệp đã gửi (tổng "
                                    "kiểm tra không khớp): đường truyền làm hỏng tệp. Chạy lại lệnh.") from None
            raise

    def is_empty(self) -> bool:
        prefix = f"{self.prefix}/" if self.prefix else ""
        return not self._call(self.s3.list_objects_v2, Bucket=self.bucket, Prefix=prefix, MaxKeys=1).get("Contents")

    def read(self, path: str) -> bytes | None:
        try:
            return self._call(self.s3.get_object, Bucket=self.bucket, Key=self._key(path))["Body"].read()
        except FileNotFoundError:
            return None

    def put(self, path: str, source: Path, size: int, digest: str, advance) -> None:
        self._put(path, source.read_bytes(), size, digest)
        advance(size)

    def write_bytes(self, path: str, data: bytes) -> None:
        self._put(path, data, len(data), hashlib.sha256(data).hexdigest())

    def _put(self, path, data, size, digest) -> None:
        checksum = base64.b64encode(bytes.fromhex(digest)).decode()
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/javascript", "image/svg+xml",
                                                "application/xml", "application/atom+xml", "application/rss+xml"):
            kind += "; charset=utf-8"
        # The store checks the SHA-256 it is given against the body and refuses a mismatch (BadDigest); one
        # that ignores it still answers with the body's MD5 as its ETag (a single PUT, not encrypted with KMS).
        answer = self._call(self.s3.put_object, Bucket=self.bucket, Key=self._key(path), Body=data, ContentType=kind,
                            ChecksumSHA256=checksum)
        if answer.get("ChecksumSHA256") == checksum or answer.get("ETag", "").strip('"') == hashlib.md5(data).hexdigest():
            return
        head = self._call(self.s3.head_object, Bucket=self.bucket, Key=self._key(path), ChecksumMode="ENABLED")
        if head.get("ContentLength") == size and head.get("ChecksumSHA256") == checksum:
            return
        # A store that keeps neither checksum (or an encrypted object, whose ETag is no MD5): read it back.
        back = self.read(path)
        if back is None or hashlib.sha256(back).hexdigest() != digest:
            raise PublishFailed(f"Tệp {path} trên {self.where} khác tệp đã gửi (kích thước hoặc tổng kiểm tra): "
                                "chạy lại lệnh.")

    def delete(self, path: str) -> None:
        self._call(self.s3.delete_object, Bucket=self.bucket, Key=self._key(path))

    def remove_folder(self, folder: str) -> None:
        pass  # a bucket has no folders

    def list_sizes(self, expected) -> dict[str, int]:
        prefix = f"{self.prefix}/" if self.prefix else ""
        sizes = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                sizes[item["Key"][len(prefix):]] = item["Size"]
        return sizes

    def close(self) -> None:
        self.s3.close()
