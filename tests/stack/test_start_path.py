"""What the stack's start leaves for later: libraries only a request needs are imported at the first one.

Python's imports are most of the stack's spawn-to-ready time (``make bench``), so these stay off it.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mocks.common.tls import spki_hash
from mocks.stack import StackInfo, local_tls, site_hosts
from tests.suite_run import tail

ROOT = Path(__file__).resolve().parents[2]
FIRST_USE = ("httpx", "jinja2", "joserfc", "authlib.integrations.httpx_client", "authlib.oidc.core", "mocks.b2c.federation", "tomllib")


def test_building_the_apps_imports_no_library_that_only_requests_need() -> None:
    script = ("import json, sys, mocks.stack, mocks.b2c.app, mocks.mobileid.app, mocks.jwtms.app\n"
              "from mocks.b2c.settings import B2CSettings\n"
              "mocks.b2c.app.create_app(B2CSettings()); mocks.mobileid.app.create_app(); mocks.jwtms.app.create_app()\n"
              f"print(json.dumps([name for name in {list(FIRST_USE)!r} if name in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, tail(done.stderr, 2000)
    assert json.loads(done.stdout) == []


def test_the_federation_is_made_at_first_use_and_then_kept() -> None:
    from mocks.b2c.keys import TenantKeys
    from mocks.b2c.settings import B2CSettings
    from mocks.b2c.tenant import Tenant

    tenant = Tenant(B2CSettings(), TenantKeys.create())
    assert tenant.made_federation() is None
    federation = tenant.federation
    assert tenant.made_federation() is federation and tenant.federation is federation


def test_a_state_directory_with_its_tls_set_kept_starts_without_issuing(local_stack: StackInfo, tmp_path: Path) -> None:
    """As the suite starts the stack (fixtures/stack.py keeps the TLS set): the kept certificate is served and pinned,
    and neither trustme (issuing) nor tomllib (user-flows and config files) is imported."""
    state = tmp_path / "state"
    shutil.copytree(local_stack.state_dir, state, ignore=shutil.ignore_patterns("*.stderr"))
    script = ("import json, sys\nfrom pathlib import Path\nfrom mocks import stack\nfrom mocks.common import serve\n"
              "sock = serve.bind('127.0.0.1', 0)\n"
              f"_, info, _ = stack.build_stack(stack.StackConfig(port=0), sock, Path({str(state)!r}))\n"
              "print(json.dumps({'spki': info.spki, 'imported': [n for n in ('trustme', 'tomllib') if n in sys.modules]}))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, tail(done.stderr, 2000)
    assert json.loads(done.stdout) == {"spki": local_stack.spki, "imported": []}
    assert local_stack.spki == spki_hash(local_stack.state_dir / "server-chain.pem")  # the kept pin is the certificate's


def test_a_state_directory_kept_from_before_the_pin_file_keeps_its_ca(local_stack: StackInfo, tmp_path: Path) -> None:
    """A --state-dir from an older stack has the CA and certificate but no pin file: the pin is added, the CA kept."""
    state = tmp_path / "state"
    shutil.copytree(local_stack.state_dir, state, ignore=shutil.ignore_patterns("*.stderr", "server-spki.txt"))
    ca = (state / "ca.pem").read_bytes()
    files = local_tls(state, site_hosts(local_stack.tenant))
    assert (state / "ca.pem").read_bytes() == ca and files.spki() == local_stack.spki


def test_a_server_takes_the_collector_up_again_when_it_serves_with_what_the_start_made_frozen() -> None:
    """mocks.common.process_start: held off from begin() (pydantic's plugin search skipped too), frozen and on at ready."""
    script = ("import gc, json, os\nfrom mocks.common import process_start, serve\n"
              "process_start.begin()\nheld = not gc.isenabled()\n"
              "from starlette.applications import Starlette\n"
              "def ready():\n"
              "    print(json.dumps({'held': held, 'on': gc.isenabled(), 'frozen': gc.get_freeze_count() > 0,\n"
              "                      'plugins': os.environ['PYDANTIC_DISABLE_PLUGINS']}), flush=True)\n"
              "    os._exit(0)\n"
              "serve.run(Starlette(), serve.bind('127.0.0.1', 0), on_ready=ready)\n")
    env = {name: value for name, value in os.environ.items() if name != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, tail(done.stderr, 2000)
    assert json.loads(done.stdout) == {"held": True, "on": True, "frozen": True, "plugins": "__all__"}


def test_a_collector_someone_else_turned_off_stays_off_when_a_server_serves() -> None:
    """In-process servers (tests, ServerThread) start in processes whose collector is not ours to turn on."""
    from mocks.common import process_start

    was_on = gc.isenabled()
    gc.disable()
    try:
        process_start.release_collector()
        assert not gc.isenabled()
    finally:
        if was_on:
            gc.enable()


@pytest.mark.parametrize(("how", "expected"), [
    ("runpy.run_module('mocks', run_name='__main__')", {"begun": True, "loaded_before": []}),  # python -m mocks
    ("import mocks.__main__", {"begun": False, "on": True}),  # e.g. a test reading its parser
])
def test_the_stack_command_begins_before_it_imports_the_stack_and_an_import_of_it_does_not(how: str, expected: dict[str, object]) -> None:
    """``python -m mocks``: begin() runs before pydantic, Starlette, uvicorn or the stack are imported."""
    script = ("import gc, json, runpy, sys\nfrom mocks.common import process_start\n"
              "seen = {'begun': False}\nreal_begin = process_start.begin\n"
              "def begin():\n"
              "    seen.update(begun=True, loaded_before=[n for n in ('pydantic', 'starlette', 'uvicorn', 'mocks.stack') if n in sys.modules])\n"
              "    real_begin()\n"
              "process_start.begin = begin\nsys.argv = ['mocks', '--help']\n"
              f"try:\n    {how}\nexcept SystemExit:\n    pass\n"
              "if not seen['begun']:\n    seen['on'] = gc.isenabled()\n"
              "print(json.dumps(seen))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, tail(done.stderr, 2000)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == expected


def test_a_kept_tls_set_is_reused_for_the_same_host_names_and_replaced_for_others(tmp_path: Path) -> None:
    """Another --tenant in the same state directory: a certificate for the old names would fail every TLS handshake."""
    first = local_tls(tmp_path, site_hosts("contoso"))
    ca = first.ca_cert.read_bytes()
    assert local_tls(tmp_path, site_hosts("contoso")).ca_cert.read_bytes() == ca
    other = local_tls(tmp_path, site_hosts("fabrikam"))
    assert other.ca_cert.read_bytes() != ca and other.spki() == spki_hash(other.server_cert_chain)
    from cryptography import x509

    names = x509.load_pem_x509_certificate(other.server_cert_chain.read_bytes()).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert "fabrikam.b2clogin.com" in names.value.get_values_for_type(x509.DNSName)
