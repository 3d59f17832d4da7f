"""The README tells a newcomer the truth: the files it names are in the repository (none outside
it), it names the address `make run` serves on and how to change it, and its demo logins are the
ones seed_demo makes."""

import re
from pathlib import Path

from networks.seed.demo import LOGINS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_file_the_readme_names_is_in_the_repository():
    linked = re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", README)
    named = re.findall(r"`((?:docs|scripts|tests|networks|bench|static|profo)/[\w./-]+)`", README)
    assert linked and named
    missing = [path for path in {*linked, *named} if not (ROOT / path.split("#")[0]).exists()]
    assert missing == []
    assert "/work/" not in README and "../shared" not in README


def test_the_readme_names_the_port_and_every_demo_login():
    assert "PORT=" in README and "127.0.0.1:8000" in README
    for username, _what in LOGINS:
        assert f"`{username}`" in README, username
