"""The emulator's container image (mocks/mobileid/Dockerfile) has what the emulator needs to serve a sign-in.

Docker is not on every machine that runs these tests, so the image is not built: the emulator runs here from a
folder holding only the files the Dockerfile copies, with only the packages it installs (and their own
dependencies) importable; any other import fails as it would in the container.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.mobileid.support import LiveServer, User, authorize_params, emulator_env, pkce_pair, started

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "mocks" / "mobileid" / "Dockerfile"
CLIENT = {"MOBILEID_CLIENT_ID": "rp-post", "MOBILEID_CLIENT_SECRET": "post-secret-1", "MOBILEID_REDIRECT_URIS": "https://rp.example/cb"}

# Run in the emulator's process before anything else: a package the image does not install fails to import, as there.
IMAGE_ONLY = '''
import importlib.abc, runpy, sys
OUTSIDE = set(sys.argv[1].split(","))
class ImageOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in OUTSIDE:
            raise ModuleNotFoundError(f"No module named {name!r} (not in the image)", name=name)
        return None
sys.meta_path.insert(0, ImageOnly())
sys.argv = ["mocks.mobileid", *sys.argv[2:]]
runpy.run_module("mocks.mobileid", run_name="__main__", alter_sys=True)
'''


def installed_by_the_image() -> tuple[set[str], list[list[str]]]:
    """(the distributions pip installs in the image: the Dockerfile's list and their dependencies; its COPY lines)."""
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
    copies = [line.split()[1:] for line in text.splitlines() if line.startswith("COPY ") and "/tmp/" not in line]
    return closure, copies


def image_files(copies: list[list[str]], app: Path) -> None:
    """The Dockerfile's ``COPY source... destination`` lines (WORKDIR /app), into ``app``."""
    for *sources, destination in copies:
        for source in sources:
            target = app / destination / Path(source).name if destination.endswith("/") and not source.endswith("/") else app / destination
            if source.endswith("/"):
                shutil.copytree(ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(ROOT / source, target)


def test_the_image_serves_a_whole_sign_in(tmp_path: Path) -> None:
    in_image, copies = installed_by_the_image()
    image_files(copies, tmp_path)
    assert (tmp_path / "mocks" / "mobileid" / "__main__.py").is_file() and not (tmp_path / "fixtures").exists()
    outside = {top for top, dists in metadata.packages_distributions().items()
               if not {canonicalize_name(d) for d in dists} & in_image and top.isidentifier()}
    assert outside, "every installed package is in the image: the check would keep nothing out"
    env = {k: v for k, v in emulator_env(**CLIENT).items() if k != "PYTHONPATH"}  # the image's packages only
    command = [sys.executable, "-c", IMAGE_ONLY, ",".join(sorted(outside)), "--port", "0", "--log-level", "warning"]
    with started(command, cwd=tmp_path, env=env) as emulator:
        verifier, challenge = pkce_pair()  # PKCE too: its check imports what the rest does not
        with httpx.Client(base_url=emulator.url, timeout=30) as http:
            answer = User(http).login(authorize_params(code_challenge=challenge, code_challenge_method="S256", response_mode="form_post"))
            assert answer.code, answer
            tokens = http.post("/token", data={"grant_type": "authorization_code", "code": answer.code, "redirect_uri": CLIENT["MOBILEID_REDIRECT_URIS"],
                                               "client_id": CLIENT["MOBILEID_CLIENT_ID"], "client_secret": CLIENT["MOBILEID_CLIENT_SECRET"],
                                               "code_verifier": verifier})
            assert tokens.status_code == 200, tokens.text
            userinfo = http.get("/userinfo", headers={"Authorization": f"Bearer {tokens.json()['access_token']}"})
            assert userinfo.status_code == 200 and userinfo.json()["sub"], userinfo.text


def test_the_image_trusts_its_proxys_forwarded_address_as_its_readme_says() -> None:
    """mocks/mobileid/README.md: the image runs with --proxy-headers and trusts any proxy (FORWARDED_ALLOW_IPS="*"), so
    the control API's loopback-only rule judges the forwarded client (tests/mobileid/test_settings.py shows the rule)."""
    lines = DOCKERFILE.read_text().splitlines()
    assert 'ENV FORWARDED_ALLOW_IPS="*"' in lines
    [command] = [line for line in lines if line.startswith("CMD [")]
    assert json.loads(command.removeprefix("CMD "))[:3] == ["python", "-m", "mocks.mobileid"] and "--proxy-headers" in command


def test_the_readmes_docker_run_hands_the_key_it_names_to_the_images_user() -> None:
    """mocks/mobileid/README.md: the key it generates is owned by the uid the image runs as and mounted where
    MOBILEID_SIGNING_KEY_PEM says; a key the image's user cannot read, or one at another path, stops the emulator."""
    import re

    readme = (ROOT / "mocks" / "mobileid" / "README.md").read_text()
    [recipe] = [block for block in readme.split("```sh\n")[1:] if "docker run" in block]
    [uid] = re.findall(r"useradd .*--uid (\d+)", DOCKERFILE.read_text())
    [(key_file, mounted)] = re.findall(r'-v "\$PWD/([\w.-]+):([\w/.-]+):ro"', recipe)
    assert f"sudo chown {uid} {key_file}" in recipe and f"openssl genrsa -out {key_file} " in recipe, recipe
    assert f"-e MOBILEID_SIGNING_KEY_PEM={mounted} " in recipe, recipe


def test_the_health_check_the_readme_gives_a_platform_is_the_images_and_answers() -> None:
    """A platform other than Docker (Kubernetes, Azure Container Apps, App Service) ignores the image's HEALTHCHECK and
    asks for a probe path: the README names the one the HEALTHCHECK asks, and a deployed emulator answers it, no token needed."""
    [(port, path)] = re.findall(r"HEALTHCHECK .*\n.*urlopen\('http://127\.0\.0\.1:(\d+)(/[^']*)'", DOCKERFILE.read_text())
    readme = (ROOT / "mocks" / "mobileid" / "README.md").read_text()
    [probe] = [line for line in readme.splitlines() if "readiness" in line and "liveness" in line]
    assert f"`GET {path}` on port {port}" in probe and f"\nEXPOSE {port}\n" in DOCKERFILE.read_text(), probe
    with LiveServer(issuer="https://mobileid-emulator.example.com", control_enabled=None) as server, server.client() as http:
        answer = http.get(path)
    assert answer.status_code == 200 and answer.json()["issuer"] == "https://mobileid-emulator.example.com", answer.text
