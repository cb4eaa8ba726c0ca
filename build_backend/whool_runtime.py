"""PEP 517 build backend: whool, minus what the addon does not need at run time.

whool (OCA's backend) packs every file git tracks in the addon directory and has no
option to leave some out, while this repository also holds the addon's tests, sandbox,
drills, benchmark, scripts and documents. Every hook is whool's own; ``build_wheel``
then drops from the wheel the paths that ``[tool.whool-runtime] exclude`` in
pyproject.toml names, and checks that what the manifest loads is still there. whool
names the distribution after the checkout's folder, so a checkout named otherwise than
the addon is refused."""

import ast
import fnmatch
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from wheel.wheelfile import WheelFile
from whool import buildapi as _whool

try:
    import tomllib
except ImportError:  # Python < 3.11; whool depends on tomli there
    import tomli as tomllib


def _config():
    with open("pyproject.toml", "rb") as f:
        return tomllib.load(f).get("tool", {}).get("whool-runtime", {})


def _check_name(built, directory):
    """``built``: the wheel, sdist or .dist-info whool just made in ``directory``."""
    addon = _config()["addon"]
    if os.path.basename(built).lower().startswith("odoo_addon_" + addon + "-"):
        return built
    path = os.path.join(directory, built)
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)
    raise RuntimeError(
        "whool names the distribution after the folder it builds in "
        f"({Path.cwd().name!r}); build from a checkout "
        f"named {addon!r} (git clone ... {addon})"
    )


def _excluded(relpath, patterns):
    for pattern in patterns:
        if pattern.endswith("/"):
            pattern += "*"
        if fnmatch.fnmatchcase(relpath, pattern):
            return True
    return False


def _strip_wheel(path, addon, patterns):
    """Write the wheel again without the excluded paths; WheelFile (of `wheel`, which
    whool builds with) hashes what it writes into a new RECORD."""
    prefix = f"odoo/addons/{addon}/"
    # WheelFile reads the distribution's name and version from the file's name.
    tmp = os.path.join(
        tempfile.mkdtemp(dir=os.path.dirname(path)), os.path.basename(path)
    )
    kept = set()
    with zipfile.ZipFile(path) as src, WheelFile(tmp, "w") as dst:
        for info in src.infolist():
            name = info.filename
            if name.endswith(".dist-info/RECORD"):
                continue
            if name.startswith(prefix) and _excluded(name[len(prefix) :], patterns):
                continue
            dst.writestr(info, src.read(info))
            kept.add(name)
    os.replace(tmp, path)
    os.rmdir(os.path.dirname(tmp))
    return {n[len(prefix) :] for n in kept if n.startswith(prefix)}


def _check_runtime_files(path, addon, files):
    """Fail (and drop the wheel) if a file the manifest loads, or an asset glob, is
    missing."""
    manifest = ast.literal_eval(Path("__manifest__.py").read_text(encoding="utf-8"))
    needed = ["__init__.py", "__manifest__.py", *manifest.get("data", [])]
    missing = [f for f in needed if f not in files]
    for bundle in manifest.get("assets", {}).values():
        for item in bundle:
            glob = item if isinstance(item, str) else item[-1]
            if glob.startswith(addon + "/") and not fnmatch.filter(
                files, glob[len(addon) + 1 :]
            ):
                missing.append(glob)
    if missing:
        os.remove(path)
        raise RuntimeError(
            "the wheel would lack what the addon loads: " + ", ".join(missing)
        )


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = _whool.build_wheel(wheel_directory, config_settings, metadata_directory)
    _check_name(name, wheel_directory)
    config = _config()
    path = os.path.join(wheel_directory, name)
    files = _strip_wheel(path, config["addon"], config.get("exclude", []))
    _check_runtime_files(path, config["addon"], files)
    return name


def build_sdist(sdist_directory, config_settings=None):
    return _check_name(
        _whool.build_sdist(sdist_directory, config_settings), sdist_directory
    )


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name = _whool.build_editable(wheel_directory, config_settings, metadata_directory)
    return _check_name(name, wheel_directory)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name = _whool.prepare_metadata_for_build_wheel(metadata_directory, config_settings)
    return _check_name(name, metadata_directory)


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel
