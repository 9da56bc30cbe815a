"""The trustdesk command: create an agent, load the demo, against the test database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from trustdesk.cli import app as cli
from trustdesk.config import get_settings


@pytest.fixture
def runner(app, database_url, monkeypatch):
    # The app fixture has reset the tables; the CLI reads its settings from the environment.
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_agents_create_then_login(runner, client):
    result = runner.invoke(
        cli,
        [
            "agents", "create", "nina@x.io", "--name", "Nina", "--password", "long enough pw",
            "--role", "lead", "--languages", "en,tr", "--queues", "tier1,tier2",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "nina@x.io" in result.output


def test_agents_create_rejects_bad_input(runner):
    result = runner.invoke(
        cli, ["agents", "create", "not-an-email", "--name", "X", "--password", "long enough pw"]
    )
    assert result.exit_code == 2
    assert "invalid agent" in result.output
    duplicate = ["agents", "create", "a@x.io", "--name", "A", "--password", "long enough pw"]
    assert runner.invoke(cli, duplicate).exit_code == 0
    again = runner.invoke(cli, duplicate)
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_demo_loads_once(runner):
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "demo loaded: 15 agents, 16 tickets" in first.output
    second = runner.invoke(cli, ["demo"])
    assert "already present" in second.output
