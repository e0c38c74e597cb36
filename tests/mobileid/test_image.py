"""The emulator's container image (mocks/mobileid/Dockerfile) has what the emulator needs to serve a sign-in.

Docker is not on every machine that runs these tests, so the image is not built: the emulator runs here with
exactly what the Dockerfile puts in the image importable, the packages it installs (with their own
dependencies) and the folders it copies, and any other import fails as it would in the container.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.mobileid.support import User, authorize_params, pkce_pair

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "mocks" / "mobileid" / "Dockerfile"
CLIENT = {"MOBILEID_CLIENT_ID": "rp-post", "MOBILEID_CLIENT_SECRET": "post-secret-1", "MOBILEID_REDIRECT_URIS": "https://rp.example/cb"}

# Run in the emulator's process before anything else: imports outside the image fail there as in the container.
IMAGE_ONLY = '''
import importlib.abc, runpy, sys
OUTSIDE, COPIED = set(sys.argv[1].split(",")), tuple(sys.argv[2].split(","))
class ImageOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        ours_not_copied = top == "mocks" and not any(name == c or name.startswith(c + ".") for c in COPIED)
        if top in OUTSIDE or ours_not_copied:
            raise ModuleNotFoundError(f"No module named {name!r} (not in the image)", name=name)
        return None
sys.meta_path.insert(0, ImageOnly())
sys.argv = ["mocks.mobileid", *sys.argv[3:]]
runpy.run_module("mocks.mobileid", run_name="__main__", alter_sys=True)
'''


def installed_by_the_image() -> tuple[set[str], list[str]]:
    """(the distributions pip installs in the image: the Dockerfile's list and their dependencies, what it copies)."""
    text = DOCKERFILE.read_text()
    listed = re.search(r"pip install -c \S+ ([^\\\n&]+)", text)
    assert listed, "the Dockerfile's pip install line changed shape: update this test"
    wanted = [canonicalize_name(name) for name in listed.group(1).split()]
    closure: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in closure:
            continue
        closure.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                wanted.append(canonicalize_name(requirement.name))
    copied = [line.split()[1:-1] for line in text.splitlines() if line.startswith("COPY mocks/")]
    modules = [path.removesuffix("/").removesuffix(".py").removesuffix("/__init__").replace("/", ".") for paths in copied for path in paths]
    return closure, modules


def test_the_image_serves_a_whole_sign_in() -> None:
    in_image, copied = installed_by_the_image()
    outside = {top for top, dists in metadata.packages_distributions().items()
               if not {canonicalize_name(d) for d in dists} & in_image and top.isidentifier()}
    assert outside, "every installed package is in the image: the check would keep nothing out"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MOBILEID_")}, **CLIENT, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", IMAGE_ONLY, ",".join(sorted(outside)), ",".join(copied), "--port", "0", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = next((line.split(": ", 1)[1].strip() for line in process.stdout if line.startswith("mobileid-ready:")), None)  # type: ignore[union-attr]
        assert ready, f"the emulator did not start with the image's packages only:\n{process.communicate(timeout=10)[1][-3000:]}"
        verifier, challenge = pkce_pair()  # PKCE too: its check imports what the rest does not
        with httpx.Client(base_url=ready, timeout=30) as http:
            answer = User(http).login(authorize_params(code_challenge=challenge, code_challenge_method="S256", response_mode="form_post"))
            assert answer.code, answer
            tokens = http.post("/token", data={"grant_type": "authorization_code", "code": answer.code, "redirect_uri": CLIENT["MOBILEID_REDIRECT_URIS"],
                                               "client_id": CLIENT["MOBILEID_CLIENT_ID"], "client_secret": CLIENT["MOBILEID_CLIENT_SECRET"],
                                               "code_verifier": verifier})
            assert tokens.status_code == 200, tokens.text
            userinfo = http.get("/userinfo", headers={"Authorization": f"Bearer {tokens.json()['access_token']}"})
            assert userinfo.status_code == 200 and userinfo.json()["sub"], userinfo.text
    finally:
        process.terminate()
        process.communicate(timeout=10)
