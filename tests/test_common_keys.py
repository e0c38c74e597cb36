"""mocks.common.keys.own_key: a state directory's key is generated once, kept owner-only, and reloaded as is."""

from __future__ import annotations

from pathlib import Path

import pytest

from mocks.b2c.keys import TenantKeys
from mocks.common.keys import own_key


def test_a_key_is_generated_once_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "state" / "signing-key.pem"
    first = own_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert own_key(path).thumbprint() == first.thumbprint()
    assert list(path.parent.iterdir()) == [path]  # no partial file left behind


def test_tenant_keys_survive_a_restart_and_the_foreign_key_differs(tmp_path: Path) -> None:
    before = TenantKeys.create(tmp_path, foreign=True)
    after = TenantKeys.create(tmp_path, foreign=True)
    assert (after.user_flow.kid, after.custom_policy.kid) == (before.user_flow.kid, before.custom_policy.kid)
    assert after.foreign is not None and after.foreign.kid not in (after.user_flow.kid, after.custom_policy.kid)


def test_a_broken_key_file_says_how_to_recover(tmp_path: Path) -> None:
    path = tmp_path / "signing-key.pem"
    path.write_text("not a key")
    with pytest.raises(SystemExit, match="not an RSA private key in PEM; delete it"):
        own_key(path)


def test_the_tls_server_key_is_its_owners_only(tmp_path: Path) -> None:
    from mocks.common.tls import issue_local_certificates

    files = issue_local_certificates(tmp_path, ["contoso.b2clogin.com"])
    assert files.server_key.stat().st_mode & 0o777 == 0o600
