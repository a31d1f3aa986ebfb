"""README.md documents every command and option the code has."""

import re

import click

from pipeline.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_in_the_readme():
    context = click.Context(cli)
    for name, command in cli.commands.items():
        assert f"timeline {name}" in README, f"README does not show `timeline {name}`"
        for param in command.get_params(context):
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in README, f"README does not mention {option} of `timeline {name}`"


def test_readme_names_the_two_commands_and_the_schema():
    assert "make demo" in README and "make test" in README
    for table in ("articles", "crawl_runs", "crawl_pages", "events", "timeline"):
        assert re.search(rf"`{table}`", README), table
    assert "crontab" in README.lower() or "cron" in README
