"""`credit-engine webhooks add | list | remove`."""

from __future__ import annotations

import click
from click.testing import CliRunner
from process_helpers import settings_env
from sqlalchemy import select

from credit_engine.commands import webhooks
from credit_engine.storage.models import WebhookEndpointRow

main = click.Group(commands=[webhooks.webhooks])
SECRET = "a-long-enough-shared-secret"


def _run(settings, *args: str):
    return CliRunner().invoke(main, ["webhooks", *args], env=settings_env(settings))


def _secret_file(tmp_path, text=SECRET + "\n"):
    path = tmp_path / "secret"
    path.write_text(text)
    return str(path)


def test_add_list_and_remove_an_endpoint(settings, container, tmp_path):
    added = _run(settings, "add", "--name", "licensing", "--url", "https://lic.example/hook",
                 "--secret-file", _secret_file(tmp_path))
    assert added.exit_code == 0, added.output
    listed = _run(settings, "list")
    assert listed.exit_code == 0
    assert listed.stdout.splitlines()[1].split("\t")[:4] == [
        "licensing", "https://lic.example/hook", "0", "0"]
    with container.session_factory() as session:
        sealed = session.scalar(select(WebhookEndpointRow.secret_encrypted))
    assert SECRET not in sealed
    assert _run(settings, "remove", "--name", "licensing").exit_code == 0
    assert _run(settings, "list").stdout.splitlines()[1:] == []


def test_a_bad_url_or_short_secret_is_refused_naming_it_and_nothing_stored(settings, container,
                                                                           tmp_path):
    bad_url = _run(settings, "add", "--name", "x", "--url", "ftp://h/x",
                   "--secret-file", _secret_file(tmp_path))
    assert bad_url.exit_code != 0 and "url" in bad_url.output
    short = _run(settings, "add", "--name", "x", "--url", "https://h/x",
                 "--secret-file", _secret_file(tmp_path, "short"))
    assert short.exit_code != 0 and "secret" in short.output
    with container.session_factory() as session:
        assert session.scalar(select(WebhookEndpointRow.id)) is None


def test_a_second_endpoint_of_the_same_name_is_refused(settings, tmp_path):
    args = ("add", "--name", "licensing", "--url", "https://h/x",
            "--secret-file", _secret_file(tmp_path))
    assert _run(settings, *args).exit_code == 0
    again = _run(settings, *args)
    assert again.exit_code != 0 and "exists" in again.output


def test_removing_an_unknown_endpoint_fails(settings):
    assert _run(settings, "remove", "--name", "nobody").exit_code != 0
