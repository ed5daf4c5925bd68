"""`python -m generator serve`: a preview that rebuilds when the data changes and tells the browser to reload."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import DataDir, person_row

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    return None


def start_preview(data: DataDir, output: Path, port: int, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--data", str(data.root), "--output", str(output), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr, env={**os.environ, "CI": "true"},
    )


def test_serve_rebuilds_on_a_data_change_and_reloads_the_page(tmp_path):
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC") for i in range(12)])
    port = free_port()
    server = start_preview(data, tmp_path / "output", port)
    try:
        def home():
            try:
                return get(port, "/")
            except OSError:
                return None

        status, page = wait_for(home, 120) or (None, b"")
        assert status == 200, "the preview is served"
        assert b'<script src="/__congkhai/reload.js"></script></body>' in page
        assert b"__congkhai" not in (tmp_path / "output/index.html").read_bytes(), "the reload script is never written"
        assert get(port, "/__congkhai/reload.js")[0] == 200

        events: list[bytes] = []
        listener = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        listener.request("GET", "/__congkhai/events")
        stream = listener.getresponse()
        threading.Thread(target=lambda: events.extend(iter(stream.readline, b"")), daemon=True).start()
        time.sleep(1)  # the watcher is running once the page is served; give the stream a moment

        data.export_csv("2024-11.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC", month="11/2024") for i in range(12)])
        assert wait_for(lambda: b"event: reload\n" in events, 120), "the browser is told to reload"
        assert get(port, "/thang/2024-11/")[0] == 200
        assert not (data.root / "store").exists(), "a preview does not record months in the store"
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_serve_shows_bad_data_as_a_page_of_problems_and_reloads_when_fixed(tmp_path):
    data = DataDir(tmp_path / "data")
    rows = [person_row(i, f"P{i}", f"Người {i}", "PTC") for i in range(12)]
    data.export_csv("2024-10.csv", rows + [person_row(99, "P1", "Người 1", "XYZ")])  # a unit the registry lacks
    port = free_port()
    server = start_preview(data, tmp_path / "output", port, stderr=subprocess.PIPE)
    try:
        def page(path="/"):
            try:
                return get(port, path)
            except OSError:
                return None

        status, body = wait_for(page, 120) or (None, b"")
        assert status == 200
        text = body.decode("utf-8")
        assert "Chưa tạo được trang: dữ liệu có lỗi" in text and "XYZ" in text
        assert '<script src="/__congkhai/reload.js"></script>' in text, "the problems page reloads itself"
        assert "dữ liệu có lỗi" in page("/thang/2024-10/")[1].decode("utf-8"), "every page shows the problems"

        data.export_csv("2024-10.csv", rows)  # fixed: seen even if saved the moment the page came up
        fixed = wait_for(lambda: (p := page()) and "Chưa tạo được trang".encode() not in p[1] and p, 120)
        assert fixed and fixed[0] == 200 and b"<!doctype html>" in fixed[1].lower()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _, err = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
    assert server.returncode == 130 and b"Traceback" not in err
    assert err.decode("utf-8").strip().splitlines()[-1] == "Đã dừng (Ctrl+C). Trang đã công bố không thay đổi."
