"""publish --to ftp:// and ftps://: the standard library's ftplib, with explicit TLS verified against the system's certificates and the TLS session resumed on data connections.
"""
from __future__ import annotations

import errno
import posixpath
import ssl

from generator.round.remote import PublishFailed

from .transports import CHUNK, TIMEOUT, Base, Destination, credentials, no_delay, temporary_name


class _DataSocket(ssl.SSLSocket):
    """A TLS socket whose closing handshake may fail: a server that sends an empty listing closes the data
    connection before TLS 1.3 has settled, and ftplib would take that for an error. What was sent is judged by
    the server's reply and by reading the file back, not by the goodbye."""

    def unwrap(self):
        try:
            return super().unwrap()
        except (ssl.SSLError, OSError):
            return None


def _ftp_classes():
    import ftplib

    class Plain(ftplib.FTP):
        def connect(self, *args, **options):
            answer = super().connect(*args, **options)
            no_delay(self.sock)
            return answer

        def ntransfercmd(self, cmd, rest=None):
            connection, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
            no_delay(connection)
            return connection, size

    class FtpTls(ftplib.FTP_TLS):
        """Data connections resume the control connection's TLS session, which vsftpd and others require
        (require_ssl_reuse) so that no one else can take over the data connection."""

        def connect(self, *args, **options):
            answer = super().connect(*args, **options)
            no_delay(self.sock)
            return answer

        def ntransfercmd(self, cmd, rest=None):
            connection, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
            no_delay(connection)  # the TLS handshake of each data connection is short packets both ways
            if self._prot_p:
                connection = self.context.wrap_socket(connection, server_hostname=self.host,
                                                      session=self.sock.session)
            return connection, size

    return Plain, FtpTls


class Ftp(Base):
    def __init__(self, destination: Destination, interactive: bool):
        import ftplib

        self.ftplib = ftplib
        self.where = destination.shown
        user, password = credentials(destination, interactive)
        if destination.scheme == "ftps":
            # Explicit TLS (AUTH TLS) with the system's store: a certificate it does not trust is refused.
            context = ssl.create_default_context()
            context.sslsocket_class = _DataSocket
            self.ftp = _ftp_classes()[1](context=context, timeout=TIMEOUT)
        else:
            self.ftp = _ftp_classes()[0](timeout=TIMEOUT)
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
        self._in_binary = True
        # As curl reads it: the URL's path is under the folder the account logs into.
        home = self.ftp.pwd()
        self.root = posixpath.normpath(posixpath.join(home, destination.path.lstrip("/")))
        self._folders: set[str] = set()
        self._mlsd = True

    def _is_missing(self, error) -> bool:
        return isinstance(error, self.ftplib.error_perm) and str(error).startswith("550")

    def is_empty(self) -> bool:
        self._in_binary = False  # ftplib lists in TYPE A
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

    def _binary(self) -> None:
        """TYPE I, once: ftplib's storbinary and retrbinary ask for it before every file (two round trips a file);
        only a listing (which ftplib asks for in TYPE A) changes it back."""
        if not self._in_binary:
            self.ftp.voidcmd("TYPE I")
            self._in_binary = True

    def _send(self, temporary, stream, advance) -> None:
        self._binary()
        try:
            with self.ftp.transfercmd(f"STOR {temporary}") as connection:  # ftplib's storbinary, but for TYPE I
                while chunk := stream.read(CHUNK):
                    connection.sendall(chunk)
                    advance(len(chunk))
                if isinstance(connection, ssl.SSLSocket):
                    connection.unwrap()
            self.ftp.voidresp()
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

    def _read_into(self, full, sink, size=None) -> None:
        self._binary()
        try:
            with self.ftp.transfercmd(f"RETR {full}") as connection:  # ftplib's retrbinary, but for TYPE I
                while data := connection.recv(CHUNK):
                    sink(data)
                if isinstance(connection, ssl.SSLSocket):
                    connection.unwrap()
            self.ftp.voidresp()
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
        """The size of each file of `expected`, asked one by one on the command connection (SIZE): a listing
        (MLSD) takes a data connection a folder, and the site has a folder a page (21,500 for a city: 75 s on
        localhost, where SIZE takes 10). A server that does not know SIZE (RFC 3659) is listed instead."""
        self._binary()  # some servers refuse SIZE in TYPE A
        sizes = {}
        for path in expected:
            try:
                size = self.ftp.size(self._abs(path))
            except self.ftplib.error_perm as error:
                if str(error).startswith(("500", "501", "502", "504")):
                    return super().list_sizes(expected)
                continue  # not there: the final check says so
            if size is not None:
                sizes[path] = size
        return sizes

    def _walk(self, root):
        self._in_binary = False  # ftplib lists in TYPE A
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
