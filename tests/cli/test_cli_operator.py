"""The operator's commands keep their output and exit codes on the Typer command line."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.cli import run


def test_keys_create_list_revoke_default(data_dir: Path):
    migrated = run("migrate", data_dir=data_dir)
    assert (migrated.returncode, migrated.stdout) == (0, "database is up to date\n")
    created = run("keys", "create", "--name", "acme", data_dir=data_dir)
    assert created.returncode == 0, created.stderr
    lines = created.stdout.splitlines()
    assert re.fullmatch(r"created tenant 'acme' \([0-9a-f]{32}\)", lines[0])
    assert lines[1] == "store this key now; it is not shown again:"
    key = lines[-1]
    listed = run("keys", "list", data_dir=data_dir).stdout.splitlines()
    assert listed[0] == f"{'PREFIX':<12} {'TENANT':<24} {'CREATED':<20} {'REVOKED':<20} ERRORS"
    assert listed[1].startswith(f"{key[:10]:<12} {'acme':<24} ")
    revoked = run("keys", "revoke", key[:10], data_dir=data_dir)
    assert (revoked.returncode, revoked.stdout) == (0, "revoked 1 key(s)\n")
    again = run("keys", "revoke", key[:10], data_dir=data_dir)
    assert (again.returncode, again.stdout) == (1, "revoked 0 key(s)\n")
    default = run("keys", "default", data_dir=data_dir).stdout
    assert run("keys", "default", data_dir=data_dir).stdout == default
    assert (data_dir / "default-api-key").read_text() == default


def test_usage_and_configuration_errors_exit_2(data_dir: Path):
    assert run("keys", "create", data_dir=data_dir).returncode == 2  # --name missing
    assert run(data_dir=data_dir).returncode == 2
    bad = run("migrate", data_dir=data_dir, LOOKSMITH_ERROR_FORMAT="neither")
    assert bad.returncode == 2
    assert bad.stderr.startswith("configuration error: ")
    many = run("serve", "--processes", "2", data_dir=data_dir)
    assert many.returncode == 2
    assert "--processes needs LOOKSMITH_QUEUE__KIND=celery" in many.stderr
    unknown = run("limits", "show", "--tenant", "nobody", data_dir=data_dir)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error: ")
