"""``keys create --error-format``, ``keys set`` and the ERRORS column of ``keys list``."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run


def test_a_tenants_error_format_is_created_set_and_listed(data_dir: Path):
    created = run("keys", "create", "--name", "acme", "--error-format", "object", data_dir=data_dir)
    assert created.returncode == 0, created.stderr
    key = created.stdout.splitlines()[-1]  # still the key alone on the last line
    assert key.startswith("lk_") and " " not in key
    plain = run("keys", "create", "--name", "plain", data_dir=data_dir).stdout.splitlines()[-1]

    def formats(**env: str) -> dict[str, str]:
        lines = run("keys", "list", data_dir=data_dir, **env).stdout.splitlines()
        column = lines[0].index(" ERRORS") + 1
        return {line[:10]: line[column:] for line in lines[1:]}

    assert formats() == {key[:10]: "object", plain[:10]: "string (server default)"}
    assert formats(LOOKSMITH_ERROR_FORMAT="object")[plain[:10]] == "object (server default)"

    changed = run("keys", "set", plain[:10], "--error-format", "object", data_dir=data_dir)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.startswith("tenant 'plain' (") and "error format object" in changed.stdout
    assert formats()[plain[:10]] == "object"
    back = run("keys", "set", plain[:10], "--error-format", "default", data_dir=data_dir)
    assert "error format string (server default)" in back.stdout
    assert formats()[plain[:10]] == "string (server default)"


def test_bad_error_format_commands_exit_2_and_change_nothing(data_dir: Path):
    refused = run("keys", "create", "--name", "x", "--error-format", "xml", data_dir=data_dir)
    assert refused.returncode == 2
    assert refused.stderr == "error: --error-format must be one of: object, string\n"
    assert run("keys", "list", data_dir=data_dir).stdout.count("\n") == 1  # the header alone
    key = run("keys", "create", "--name", "x", data_dir=data_dir).stdout.splitlines()[-1]
    unknown = run("keys", "set", "lk_nobody", "--error-format", "object", data_dir=data_dir)
    assert (unknown.returncode, unknown.stderr) == (2, "error: no key starts with lk_nobody\n")
    bad = run("keys", "set", key[:10], "--error-format", "default-ish", data_dir=data_dir)
    assert bad.returncode == 2 and "object, string, default" in bad.stderr
    assert run("keys", "set", key[:10], data_dir=data_dir).returncode == 2  # option missing
    assert run("keys", "list", data_dir=data_dir).stdout.rstrip().endswith("(server default)")
