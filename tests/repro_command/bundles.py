"""A repro bundle as the tests read it: its members named as in its one top folder, which must hold them all."""

from __future__ import annotations

import zipfile
from pathlib import Path


class Bundle(zipfile.ZipFile):
    """The zip at ``path``, whose files are all in one folder named as the zip (repro.bundle.zip_folder): ``namelist`` and
    ``read`` name them inside that folder."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path)
        self.top = f"{Path(path).stem}/"
        outside = [name for name in super().namelist() if not name.startswith(self.top)]
        assert not outside, f"the bundle has files outside its folder {self.top}: {outside}"

    def namelist(self) -> list[str]:
        return [name.removeprefix(self.top) for name in super().namelist()]

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        return super().read(name if isinstance(name, zipfile.ZipInfo) else self.top + name, pwd)
