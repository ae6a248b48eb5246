"""Architecture rules that keep the code honest: a pure domain, a complete registry, thin handlers."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from alrea import registry
from alrea.resources import QUEUES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "alrea"
FORBIDDEN_IN_DOMAIN = {"boto3", "botocore", "fastapi", "starlette", "aio_pika", "aiormq", "mangum", "uvicorn"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder", ["domain", "services"])
def test_domain_and_services_import_no_framework_or_cloud_sdk(folder):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & FORBIDDEN_IN_DOMAIN)
        for path in (PACKAGE / folder).rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}, f"the domain must not know its infrastructure: {offenders}"


def test_every_registered_function_has_its_handler_file_and_a_known_trigger():
    names = [fn.name for fn in registry.FUNCTIONS]
    assert len(names) == len(set(names)), "function names must be unique"
    for fn in registry.FUNCTIONS:
        assert fn.handler_file.is_file(), f"{fn.name}: missing {fn.handler_file}"
        source = fn.handler_file.read_text()
        assert "def handler(" in source or "handler =" in source, f"{fn.name}: no handler(event, context)"
        if isinstance(fn.trigger, registry.Queue):
            assert fn.trigger.queue in QUEUES, f"{fn.name}: unknown queue {fn.trigger.queue}"


def test_every_function_folder_is_registered():
    folders = {p.name for p in (ROOT / "functions").iterdir() if (p / "handler.py").is_file()}
    assert folders == {fn.name for fn in registry.FUNCTIONS}


def test_handlers_are_thin():
    for fn in registry.FUNCTIONS:
        code = [line for line in fn.handler_file.read_text().splitlines()
                if line.strip() and not line.strip().startswith("#")]
        assert len(code) <= 40, f"{fn.name}: {len(code)} code lines; move the logic into services/"


def test_nothing_prints():
    offenders = []
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "functions").rglob("*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], f"use alrea.core.log.logger, not print: {offenders}"


# the inbox and inbound half of the store boundary (issue 12): these services speak domain types only
BOUNDARY_SERVICES = ["inbound", "inbox", "conversation_contact", "chat_send", "media", "message_actions",
                     "presence", "realtime", "audience", "webhooks", "search"]


@pytest.mark.parametrize("name", BOUNDARY_SERVICES)
def test_inbox_services_stay_behind_the_store_boundary(name):
    import importlib
    import re

    from pynamodb.models import Model

    path = PACKAGE / "services" / f"{name}.py"
    assert not imported_modules(path) & {"pynamodb", "botocore", "boto3", "httpx"}, name
    module = importlib.import_module(f"alrea.services.{name}")
    models = [k for k, v in vars(module).items() if isinstance(v, type) and issubclass(v, Model)]
    assert models == [], f"services/{name}.py holds store model classes: {models}"
    assert not re.search(r"[gG]si\d", path.read_text()), f"services/{name}.py names an index"
