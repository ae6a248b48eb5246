"""The local runtime's data directory and the secrets it keeps there.

``alrea dev`` signs tokens with a random key of its own, generated once per data directory and kept in
``<data dir>/jwt-secret`` (mode 0600), instead of a default anyone can read in the source: a token minted
for one laptop's platform is worthless anywhere else, and sessions survive a restart. The directory is
``ALREA_DATA_DIR`` or ``.alrea/`` at the repository root (git-ignored).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / ".alrea"
JWT_SECRET_FILE = "jwt-secret"


def data_dir() -> Path:
    configured = os.environ.get("ALREA_DATA_DIR")
    return Path(configured).expanduser() if configured else DEFAULT_DATA_DIR


def local_jwt_secret(directory: Path | None = None) -> str:
    """The data directory's JWT key, created (64 random hex characters, 0600) on first use."""
    directory = directory or data_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / JWT_SECRET_FILE
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        value = ""
    if len(value) >= 32:
        return value
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(value + "\n")
    os.chmod(path, 0o600)  # an existing (too short) file keeps its mode through O_TRUNC
    return value


RUNTIME_FILE = "runtime.json"


def write_runtime(info: dict[str, str], directory: Path | None = None) -> Path:
    """Where a running ``alrea dev`` keeps its table (endpoint + name), for ``alrea tenants`` to find it."""
    import json

    directory = directory or data_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / RUNTIME_FILE
    path.write_text(json.dumps(info) + "\n")
    return path


def read_runtime(directory: Path | None = None) -> dict[str, str] | None:
    import json

    try:
        return json.loads(((directory or data_dir()) / RUNTIME_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return None


def clear_runtime(directory: Path | None = None) -> None:
    ((directory or data_dir()) / RUNTIME_FILE).unlink(missing_ok=True)
