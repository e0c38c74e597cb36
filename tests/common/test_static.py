"""Static files from memory: what Starlette's StaticFiles answers, without reading the disk for every request."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from mocks.common.static import StaticFilesInMemory


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "page.js").write_text("console.log(1);")
    (tmp_path / "secret.txt").write_text("outside")
    return tmp_path / "static"


@pytest.fixture
def client(folder: Path) -> TestClient:
    return TestClient(Starlette(routes=[Mount("/static", StaticFilesInMemory(directory=folder))]))


def test_a_file_is_served_with_starlettes_headers(client: TestClient) -> None:
    response = client.get("/static/page.js")
    assert response.status_code == 200 and response.text == "console.log(1);"
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["content-length"] == "15" and response.headers["etag"] and response.headers["last-modified"]


def test_a_browser_with_the_file_gets_304(client: TestClient) -> None:
    etag = client.get("/static/page.js").headers["etag"]
    response = client.get("/static/page.js", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""


def test_a_changed_file_is_read_again(client: TestClient, folder: Path) -> None:
    assert client.get("/static/page.js").text == "console.log(1);"
    (folder / "page.js").write_text("console.log(22);")
    os.utime(folder / "page.js", ns=(1, 1))  # another modification time even within the file system's time resolution
    assert client.get("/static/page.js").text == "console.log(22);"


def on_reading(monkeypatch: pytest.MonkeyPatch, served: Path, read: Callable[[Path, Callable[[Path], bytes]], bytes]) -> None:
    """``Path.read_bytes`` of ``served`` answered by ``read(path, real_read_bytes)``; every other path read as usual.

    pytest reads the modules it rewrites (a pytest plugin's, such as anyio's where it is loaded) through ``Path.read_bytes`` when
    no rewritten pyc is cached, and Starlette's first file response imports anyio's file I/O: a patch of every path
    once rewrote a file of the installed anyio.
    """
    real, target = Path.read_bytes, served.resolve()
    monkeypatch.setattr(Path, "read_bytes", lambda self: read(self, real) if self.resolve() == target else real(self))


def test_the_disk_is_read_once_for_an_unchanged_file(client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client.get("/static/page.js")
    on_reading(monkeypatch, folder / "page.js", lambda path, read: pytest.fail(f"{path} read again"))
    assert client.get("/static/page.js").text == "console.log(1);"


def test_missing_files_paths_outside_ranges_and_other_methods_answer_as_starlette_does(client: TestClient) -> None:
    assert client.get("/static/none.js").status_code == 404
    assert client.get("/static/%2e%2e/secret.txt").status_code == 404  # encoded, so the client sends it as it is
    assert client.post("/static/page.js").status_code == 405
    head = client.head("/static/page.js")
    assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == "15"
    ranged = client.get("/static/page.js", headers={"Range": "bytes=0-6"})
    assert ranged.status_code == 206 and ranged.text == "console"


def test_a_file_changing_while_read_is_answered_from_the_file_as_it_is_then(client: TestClient, folder: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Headers and body from one version of the file: never an old Content-Length over a new body."""

    def read_then_change(path: Path, read: Callable[[Path], bytes]) -> bytes:
        data = read(path)
        path.write_text("console.log('changed meanwhile');")
        return data

    on_reading(monkeypatch, folder / "page.js", read_then_change)
    response = client.get("/static/page.js")
    assert response.text == "console.log('changed meanwhile');"
    assert response.headers["content-length"] == str(len(response.content))


def test_a_file_removed_while_read_is_a_404_as_starlette_answers_it(client: TestClient, folder: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def removed(path: Path, read: Callable[[Path], bytes]) -> bytes:
        path.unlink()
        raise FileNotFoundError(path)

    on_reading(monkeypatch, folder / "page.js", removed)
    assert client.get("/static/page.js").status_code == 404 and not (folder / "page.js").exists()
