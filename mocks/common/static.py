"""Starlette's StaticFiles answering from memory: the hosted pages' scripts and styles are on every journey's critical path.

Starlette looks a file up and reads it in worker threads, a thread hop per step: 8-10 ms to the
first byte of B2C's script and style when a page asks for three at once on a busy 2-core machine.
The files are a few KB, so they are kept in memory, read again when their size or modification
time changes; lookup (path checks included), headers, 304s, HEAD and byte ranges stay Starlette's.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope


class StaticFilesInMemory(StaticFiles):
    def __init__(self, *, directory: str | os.PathLike[str]) -> None:
        super().__init__(directory=directory)
        self._kept: dict[str, tuple[tuple[int, int], bytes]] = {}

    async def get_response(self, path: str, scope: Scope) -> Response:
        request_headers = Headers(scope=scope)
        if scope["method"] != "GET" or "range" in request_headers:
            return await super().get_response(path, scope)  # HEAD and byte ranges as Starlette answers them
        try:
            full_path, found = self.lookup_path(path)  # a few system calls on a local directory: no thread needed
        except (OSError, ValueError):
            found = None
        if found is None or not stat.S_ISREG(found.st_mode):
            return await super().get_response(path, scope)  # 404s, errors and directories as Starlette answers them
        headers = FileResponse(full_path, stat_result=found).headers  # type, length, ETag, Last-Modified
        if self.is_not_modified(headers, request_headers):
            return NotModifiedResponse(headers)
        version = _version(found)
        kept = self._kept.get(full_path)
        if kept is None or kept[0] != version:
            try:
                data = Path(full_path).read_bytes()
                unchanged = _version(os.stat(full_path)) == version and len(data) == found.st_size
            except OSError:
                unchanged = False
            if not unchanged:  # changed or removed while read: Starlette answers from the file as it is now
                return await super().get_response(path, scope)
            kept = self._kept[full_path] = (version, data)
        return Response(kept[1], headers=headers)


def _version(found: os.stat_result) -> tuple[int, int]:
    return found.st_mtime_ns, found.st_size
