"""`python -m generator serve`: a preview that rebuilds and reloads the browser on every change.

The site is served from the output folder on localhost (nothing else is
contacted). Every HTML page is sent with one extra script tag, added on the
fly and never written to disk, that listens on /__congkhai/events and
reloads the page after each successful rebuild. Changes to data, content,
theme or settings are watched with watchfiles. A build that fails prints its
report, and every page then shows that report instead (reloaded, like the
site, as soon as a build succeeds); the last good preview stays on disk.
The port is taken before the first build, so that a busy one is known at once.
"""
from __future__ import annotations

import errno
import functools
import html
import http.server
import queue
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

EVENTS = "/__congkhai/events"
SCRIPT = "/__congkhai/reload.js"
RELOAD_JS = (
    f"new EventSource('{EVENTS}').addEventListener('reload', function () {{ location.reload(); }});\n"
).encode()
SCRIPT_TAG = f'<script src="{SCRIPT}"></script>'.encode()


class Builds:
    """The number of builds, why the last one failed (None: it succeeded), and a way to wait for the next."""

    def __init__(self) -> None:
        self.count = 0
        self.failure: str | None = None
        self.changed = threading.Condition()

    def done(self, failure: str | None = None) -> None:
        with self.changed:
            self.count += 1
            self.failure = failure
            self.changed.notify_all()

    def wait_after(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.count != seen, timeout=timeout)
            return self.count


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    builds: Builds

    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        pass  # the terminal is for build reports

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == SCRIPT:
            return self._send(200, "text/javascript; charset=utf-8", RELOAD_JS)
        if path == EVENTS:
            return self._events()
        if self.builds.failure is not None and (path.endswith("/") or path.endswith(".html")):
            return self._send(200, "text/html; charset=utf-8", problems_page(self.builds.failure))
        target = Path(self.translate_path(path))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            page = target.read_bytes()
            page = page.replace(b"</body>", SCRIPT_TAG + b"</body>", 1) if b"</body>" in page else page + SCRIPT_TAG
            return self._send(200, "text/html; charset=utf-8", page)
        return super().do_GET()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.builds.count
        try:
            while True:
                current = self.builds.wait_after(seen, timeout=15)
                message = b"event: reload\ndata: \n\n" if current != seen else b": still here\n\n"
                seen = current
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that leaves while a page is on its way (a tab closed during a build) is no error to print."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def problems_page(report: str) -> bytes:
    """The page every address shows while the data has errors."""
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Chưa tạo được trang: dữ liệu có lỗi</title></head><body>"
        "<main><h1>Chưa tạo được trang: dữ liệu có lỗi</h1>"
        "<p>Sửa các lỗi dưới đây rồi lưu tệp; trang tự tải lại khi dữ liệu đã đúng.</p>"
        f'<pre style="white-space:pre-wrap">{html.escape(report)}</pre></main>'
        f"{SCRIPT_TAG.decode()}</body></html>"
    ).encode("utf-8")


def free_port_after(bind: str, port: int, tries: int = 50) -> int | None:
    for candidate in range(port + 1, port + 1 + tries):
        with socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET) as probe:
            try:
                probe.bind((bind, candidate))
            except OSError:
                continue
            return candidate
    return None


def serve(build: Callable[[], str | None], *, output: Path, watched: list[Path], bind: str, port: int) -> int:
    """`build` returns None when the preview was rebuilt, else the report of why not."""
    from watchfiles import watch

    builds = Builds()
    handler = type("Handler", (PreviewHandler,), {"builds": builds})
    server = _open_server(handler, output, bind, port, lambda free: f"python -m generator serve --port {free}")
    if server is None:
        return 1
    # Changes are watched from before the first build, so that a file saved while it runs is not missed.
    changes: queue.Queue = queue.Queue()
    stop = threading.Event()
    paths = [p for p in watched if p.exists()]
    threading.Thread(target=lambda: [changes.put(c) for c in watch(*paths, debounce=400, stop_event=stop)],
                     daemon=True).start()
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        builds.done(build())
        serving.start()
        print(f"Xem thử ở http://{bind}:{port}/ — tự tạo lại và tải lại trang khi dữ liệu, bài viết hay giao diện thay đổi. "
              "Dừng: Ctrl+C.")
        while True:
            changed = changes.get()
            while not changes.empty():  # several saves during one build: one rebuild
                changed |= changes.get()
            names = sorted({Path(path).name for _, path in changed})
            print(f"\nThay đổi: {', '.join(names[:5])}{' …' if len(names) > 5 else ''} — tạo lại trang…")
            builds.done(build())
    finally:  # Ctrl-C goes on to the command line, which says it once
        stop.set()
        if serving.is_alive():
            server.shutdown()
        server.server_close()


# --- what publish made, served at its real path ---------------------------------------------

# Files whose text may hold the site's absolute address (pages, styles, scripts, feeds, data).
_TEXT_TYPES = (".html", ".css", ".js", ".json", ".xml", ".txt", ".svg", ".webmanifest", ".csv")


def site_path(site_url: str) -> str:
    """The path part of the site's address, "/cong-khai" (or "" at the root of a host)."""
    from urllib.parse import urlsplit

    return urlsplit(site_url).path.rstrip("/")


class UploadPreviewHandler(http.server.SimpleHTTPRequestHandler):
    """The built site at `prefix`, with every occurrence of its real address sent as this server's."""

    site_url: str
    prefix: str

    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            return self._redirect_home()
        if path == self.prefix:
            return self._redirect_home()
        self.path = self.path[len(self.prefix):] or "/"
        target = Path(self.translate_path(self.path.split("?", 1)[0]))
        if target.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            target = target / "index.html"
        if target.suffix in _TEXT_TYPES and target.is_file():
            here = f"http://{self.headers.get('Host') or self.server.server_address[0]}{self.prefix}".encode()
            body = target.read_bytes().replace(self.site_url.encode(), here)
            kind = self.guess_type(str(target))
            if kind.startswith("text/") or kind in ("application/json", "application/javascript", "application/xml"):
                kind += "; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().do_GET()

    def _redirect_home(self) -> None:
        self.send_response(302)
        self.send_header("Location", f"{self.prefix}/")
        self.send_header("Content-Length", "0")
        self.end_headers()


def _open_server(handler: type, folder: Path, bind: str, port: int,
                 command_on: Callable[[int], str]) -> QuietServer | None:
    """The server of `folder` on `bind`:`port`, or None after one line saying why not: a busy port
    names a free one, in the command `command_on(free)` that uses it."""
    try:
        server = QuietServer((bind, port), functools.partial(handler, directory=str(folder.resolve())))
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            print(f"Không mở được cổng {port} trên {bind}: {error.strerror}.", file=sys.stderr)
            return None
        free = free_port_after(bind, port)
        hint = f" Dùng cổng khác: {command_on(free)}" if free else ""
        print(f"Cổng {port} đang bận (có thể một bản xem thử khác đang chạy).{hint}", file=sys.stderr)
        return None
    server.daemon_threads = True
    return server


def serve_upload(site: Path, site_url: str, *, bind: str, port: int) -> int:
    """Serve `site`, built for `site_url`, at that address's path on this machine, until Ctrl-C."""
    prefix = site_path(site_url)
    handler = type("Handler", (UploadPreviewHandler,), {"site_url": site_url.rstrip("/"), "prefix": prefix})
    server = _open_server(handler, site, bind, port,
                          lambda free: f"python -m generator serve --dist --port {free} (make preview PORT={free})")
    if server is None:
        return 1
    host = "localhost" if bind in ("127.0.0.1", "::1", "localhost") else bind
    print(f"Xem bản sẽ tải lên ({site.resolve()}, tạo cho {site_url}) ở http://{host}:{port}{prefix}/ — các liên kết tới "
          f"{site_url} trỏ về bản xem thử này khi gửi đi, tệp không đổi. Dừng: Ctrl+C.", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
