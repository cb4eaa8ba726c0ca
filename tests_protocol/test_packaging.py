"""The protocol distribution as the addon and this checkout see it."""

import ast
import importlib.metadata
import re
from pathlib import Path

import wechat_protocol
import wechat_sandbox

REPOSITORY = Path(__file__).resolve().parent.parent
PROTOCOL = REPOSITORY / "protocol"


def _manifest():
    return ast.literal_eval(
        (REPOSITORY / "__manifest__.py").read_text(encoding="utf-8")
    )


def _pyproject():
    """The [project] name and version (tomllib is Python 3.11's; 3.10 is supported)."""
    text = (PROTOCOL / "pyproject.toml").read_text(encoding="utf-8")
    return {
        "project": {
            key: re.search(rf'^{key} = "(.+)"$', text, re.M).group(1)
            for key in ("name", "version")
        }
    }


def test_both_packages_are_this_checkouts():
    # A virtualenv shared with another checkout would test that checkout's code.
    for package in (wechat_protocol, wechat_sandbox):
        assert Path(package.__file__).resolve().parent.parent == PROTOCOL


def test_the_manifest_declares_the_distribution_by_its_name():
    name = _pyproject()["project"]["name"]
    assert _manifest()["external_dependencies"]["python"] == [name]
    assert importlib.metadata.version(name) == _pyproject()["project"]["version"]


def test_the_protocol_version_follows_the_addons():
    assert _manifest()["version"] == "18.0." + _pyproject()["project"]["version"]
