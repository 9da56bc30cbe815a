"""`trustdesk trace load FILE` and `trustdesk trace demo` against the test database."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from tests.trust.chain_helpers import sandbox_chain
from trustdesk.config import get_settings
from trustdesk.trust.cli import CLI_NAME, cli


def test_trace_load_and_demo_commands(database_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        path = tmp_path / "chain.yaml"
        path.write_text(yaml.safe_dump(sandbox_chain()))
        runner = CliRunner()
        loaded = runner.invoke(cli, ["load", str(path)])
        assert loaded.exit_code == 0, loaded.output
        assert "12 transfers, 2 address tags" in loaded.output
        demo = runner.invoke(cli, ["demo"])
        assert demo.exit_code == 0 and "9 transfers, 3 address tags" in demo.output
        bad = tmp_path / "bad.yaml"
        bad.write_text("transfers: [{txid: x}]\n")
        failed = runner.invoke(cli, ["load", str(bad)])
        assert failed.exit_code == 2
        assert "invalid chain file" in failed.output
        assert CLI_NAME == "trace"
    finally:
        get_settings.cache_clear()
