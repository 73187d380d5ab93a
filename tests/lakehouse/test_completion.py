"""`joblake completion bash|zsh`: the script completes subcommands, their options and their choices in a real bash."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from lakehouse import cli

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


def complete(script: str, words: list[str]) -> list[str]:
    """What bash offers for the last of `words` after sourcing `script`."""
    array = " ".join(f"'{w}'" for w in words)
    ask = f"COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; _joblake"
    program = f'{script}\n{ask}; printf "%s\\n" "${{COMPREPLY[@]}}"'
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.fixture(scope="module")
def script() -> str:
    return cli.completion_script(cli.build_parser(), "bash")


def test_subcommands_options_and_choices(script):
    assert complete(script, ["joblake", "ni"]) == ["nightly"]
    assert {"sql", "status", "s3", "scrape"} <= set(complete(script, ["joblake", "s"]))
    assert complete(script, ["joblake", "nightly", "--f"]) == ["--full-rebuild"]
    assert sorted(complete(script, ["joblake", "--profile", "test", "kafka", "st"])) == ["start", "status", "stop"]
    assert "--word-score" in complete(script, ["joblake", "match", "--"])
    assert complete(script, ["joblake", "--profile", "t"]) == ["test"]


def test_a_file_argument_falls_back_to_file_names(script, tmp_path, monkeypatch):
    (tmp_path / "postings.csv").write_text("id\n")
    monkeypatch.chdir(tmp_path)
    assert complete(script, ["joblake", "import", "post"]) == ["postings.csv"]


def test_the_cli_prints_the_script(capsys):
    assert cli.main(["completion", "zsh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("autoload -U +X bashcompinit") and "complete -F _joblake joblake" in out
