"""Issue #22 item 18: a lone surrogate written as a JSON escape ("\\ud800") is valid JSON but not
text either backend can store; every JSON option, a dump's JSON column and a cursor say so in
one line (they ended in a UnicodeEncodeError traceback, and check-backup called such a dump
sound)."""

import base64
import json
from pathlib import Path

import pytest

from conftest import CLI, db_snapshot

LONE = '"\\ud800"'  # JSON text: a string holding one lone surrogate


@pytest.fixture
def cli(ready_target: str, tmp_path: Path) -> CLI:
    cli = CLI(ready_target, tmp_path)
    cli.ok("users", "add", "--username=ada")
    cli.ok("projects", "create", "--name=shop", "--user=ada")
    return cli


def test_every_json_option_refuses_a_lone_surrogate_in_one_line(cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "prefs.json").write_text('{"theme": ' + LONE + "}")
    (tmp_path / "keyed.json").write_text("{" + LONE + ': "dark"}')
    commands = [
        ("users", "add", "--username=bob", f'--preferences={{"a": {LONE}}}'),
        ("users", "add", "--username=bob", f"--preferences={{{LONE}: 1}}"),
        ("projects", "create", "--name=p2", f'--config={{"a": [{LONE}]}}'),
        ("analytics", "record", "m", "1", f'--metadata={{"a": {LONE}}}'),
        ("history", "save", "ada", "s1", "--role=user", "--content=hi", f'--extra={{"a": {LONE}}}'),
        ("metrics", "record", "op", "1", f'--extra={{"a": {LONE}}}'),
        ("analyses", "add", "shop", "--health=50", f'--analysis={{"a": {LONE}}}'),
        ("prefs", "set", "ada", "theme", LONE),
        ("prefs", "set", "ada", "theme", f"[{LONE}]"),
        ("prefs", "get", "ada", "missing", f"--default={LONE}"),
        ("prefs", "import", "ada", str(tmp_path / "prefs.json")),
        ("prefs", "import", "ada", str(tmp_path / "keyed.json")),
    ]
    before = db_snapshot(cli.target)
    for args in commands:
        line = cli.error(*args)
        assert "lone surrogate" in line, (args, line)
    assert db_snapshot(cli.target) == before


def test_a_cursor_with_a_lone_surrogate_is_refused(cli: CLI) -> None:
    raw = json.dumps(["name", False, "\ud800", "x"]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert cli.error("projects", "list", "--sort=name", f"--after={cursor}").startswith("Error: ")


def test_a_dump_holding_a_lone_surrogate_is_unsound_and_imports_nothing(cli: CLI, tmp_path: Path) -> None:
    dump = tmp_path / "d.json"
    cli.ok("export", f"--output={dump}")
    text = dump.read_text()
    assert '"preferences": {}' in text
    broken = tmp_path / "broken.json"
    broken.write_text(text.replace('"preferences": {}', '"preferences": {"a": ' + LONE + "}", 1))
    before = db_snapshot(cli.target)
    for args in (("check-backup", str(broken)), ("import", str(broken)), ("restore", str(broken), "--force")):
        line = cli.error(*args)
        assert "lone surrogate" in line, (args, line)
    assert db_snapshot(cli.target) == before
