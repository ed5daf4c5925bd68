"""publish --to webdav:// and webdavs://: webdav4 over httpx; a file replaced by MOVE with Overwrite.
"""
from __future__ import annotations

import errno
import posixpath
import ssl

from generator.round.remote import PublishFailed

from .transports import CHUNK, TIMEOUT, Base, Destination, credentials, temporary_name


class WebDav(Base):
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
        from webdav4.client import (
            ForbiddenOperation,
            InsufficientStorage,
            ResourceNotFound,
        )
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

    def _read_into(self, full, sink, size=None) -> None:
        # A plain GET: webdav4's download_fileobj first asks (PROPFIND) whether the path is a folder, one
        # round trip more a file.
        def get(path):
            with self.client.http.stream("GET", self.client.join_url(path)) as answer:
                if answer.status_code == 404:
                    raise FileNotFoundError(path)
                answer.raise_for_status()
                for chunk in answer.iter_bytes(CHUNK):
                    sink(chunk)

        self._call(get, full)

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
