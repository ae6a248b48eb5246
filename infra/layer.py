"""Build the shared Lambda layer (our ``alrea`` package + its runtime dependencies) without Docker.

``python -m infra.layer`` installs the ``[project.dependencies]`` of pyproject.toml as manylinux aarch64
wheels for the Lambda's Python (the one running this script, so tests and Lambda agree) into
``build/layer/python``, then copies ``layers/alrea`` next to them. The pip step is cached: a stamp holds
the hash of (dependencies, Python version, platform) and is only redone when that changes. The package
copy is redone every time (it is cheap, and CDK hashes the asset content anyway).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from alrea.core.log import logger

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE_DIR = ROOT / "layers" / "alrea"
LAYER_DIR = ROOT / "build" / "layer"
SITE_DIR = LAYER_DIR / "python"
STAMP = LAYER_DIR / ".deps-stamp"

PLATFORM = "manylinux2014_aarch64"  # the functions run on Graviton (Architecture.ARM_64)
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
# Nothing beyond pyproject's runtime dependencies yet (a Powertools Tracer would add aws-xray-sdk here).
LAYER_EXTRAS: tuple[str, ...] = ()


def runtime_requirements() -> list[str]:
    """The project's runtime dependencies, straight from pyproject.toml, plus what the layer also needs."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    return [*project["dependencies"], *LAYER_EXTRAS]


def deps_fingerprint(requirements: list[str]) -> str:
    payload = json.dumps(
        {"requirements": sorted(requirements), "python": PYTHON_VERSION, "platform": PLATFORM})
    return hashlib.sha256(payload.encode()).hexdigest()


def install_dependencies(requirements: list[str]) -> None:
    if SITE_DIR.exists():
        shutil.rmtree(SITE_DIR)
    SITE_DIR.mkdir(parents=True)
    cmd = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--target", str(SITE_DIR),
        "--platform", PLATFORM, "--implementation", "cp", "--python-version", PYTHON_VERSION,
        "--only-binary=:all:", "--upgrade", *requirements,
    ]
    logger.info("installing layer dependencies", extra={"count": len(requirements), "platform": PLATFORM})
    subprocess.run(cmd, check=True)
    # Lambda never needs these, and they only bloat the asset.
    for junk in [*SITE_DIR.rglob("__pycache__"), *SITE_DIR.glob("bin")]:
        shutil.rmtree(junk, ignore_errors=True)


def copy_package(site_dir: Path | None = None) -> Path:
    """Copy layers/alrea into the layer's python/ directory (without caches)."""
    target = (site_dir or SITE_DIR) / "alrea"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(PACKAGE_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def build(force: bool = False) -> Path:
    """Build (or refresh) build/layer and return it; the directory is what CDK packages as the layer."""
    requirements = runtime_requirements()
    fingerprint = deps_fingerprint(requirements)
    if force or not STAMP.exists() or STAMP.read_text().strip() != fingerprint:
        install_dependencies(requirements)
        STAMP.write_text(fingerprint)
    else:
        logger.info("layer dependencies up to date", extra={"stamp": str(STAMP)})
    copy_package()
    return LAYER_DIR


def main() -> None:
    path = build(force="--force" in sys.argv[1:])
    sys.stdout.write(f"layer ready in {path.relative_to(ROOT)}/ (python {PYTHON_VERSION}, {PLATFORM})\n")


if __name__ == "__main__":
    main()
