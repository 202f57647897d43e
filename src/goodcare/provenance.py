"""What a reviewer needs to trace a build: package versions, input hashes, the code's commit."""

import hashlib
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

# The settings that name the register of names and places (or list names inline): withheld wherever records are
# published (the release's copies, the site's record pages), since the names are what the register protects.
REGISTER_SETTINGS = ("deny_list", "deny_list_file")
WITHHELD = "withheld from publication"
PACKAGES = ("pandas", "numpy", "pyarrow", "pandera", "plotnine", "matplotlib", "scipy", "statsmodels", "snakemake", "goodcare")


def package_versions(names=PACKAGES) -> dict[str, str]:
    """Installed versions of the packages that shape the results (and Python's)."""
    versions = {"python": sys.version.split()[0]}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit(root: Path) -> str:
    """The commit of the code, with '+changes' when the work tree differs from it; 'unknown' outside git.

    GOODCARE_COMMIT overrides it, for a rebuild in a copy that has no git history of its own.
    """
    if os.environ.get("GOODCARE_COMMIT"):
        return os.environ["GOODCARE_COMMIT"]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True).stdout.strip()
        return commit + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def commit_time(root: Path) -> int | None:
    """When the checked-out commit was made (seconds since 1970, UTC), or None outside git."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        return int(out.stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


def withheld_settings(value):
    """A record's params with every register setting (deny_list, deny_list_file) replaced by a note."""
    if isinstance(value, dict):
        return {k: WITHHELD if k in REGISTER_SETTINGS else withheld_settings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [withheld_settings(v) for v in value]
    return value
