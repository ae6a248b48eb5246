"""Architecture rules that keep the code honest: a pure domain, a complete registry, thin handlers."""
from __future__ import annotations

import ast
import importlib
import re
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


# ---------------------------------------------------------------- the store boundary (issue 12)
# store/ is the only code that knows the table; adapters/ the only code that speaks HTTP or AWS
DYNAMODB_CALLS = "Get|Put|Update|Delete|BatchGet|BatchWrite|TransactWrite|TransactGet"  # named in prose: fine
STORE_VOCABULARY = re.compile(rf"\b[gG]si\d|\b(?!(?:{DYNAMODB_CALLS})Item\b)[A-Z]\w*Item\b|\w+Pointer\b|"
                              r"last_evaluated_key|LastEvaluatedKey|\bupdate_if\b|\bTransaction\(|"
                              r"\.does_not_exist\(|\btenant_pk\b")
FORBIDDEN_BEYOND_STORE = {"pynamodb", "botocore", "boto3", "httpx", "itsdangerous"}
SERVICE_AND_DOMAIN = sorted(p for folder in ("services", "domain") for p in (PACKAGE / folder).glob("*.py")
                            if p.stem != "__init__")


def _module_name(path: Path) -> str:
    return f"alrea.{path.parent.name}.{path.stem}"


@pytest.mark.parametrize("path", SERVICE_AND_DOMAIN, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_services_and_domain_stay_behind_the_store_boundary(path):
    """No driver or HTTP client import, no store model in the namespace, no index name, no update expression,
    condition, transaction or raw store key: services and the domain speak domain types to named store
    operations."""
    from pynamodb.models import Model

    assert imported_modules(path) & FORBIDDEN_BEYOND_STORE == set(), "only store/ and adapters/ may"
    module = importlib.import_module(_module_name(path))
    models = [k for k, v in vars(module).items() if isinstance(v, type) and issubclass(v, Model)]
    assert models == [], f"store model classes leaked: {models}"
    found = sorted({m.group(0) for m in STORE_VOCABULARY.finditer(path.read_text())})
    assert found == [], f"table vocabulary outside store/: {found}"


def test_one_paging_codec():
    """Cursors are made and read in store/paging.py only."""
    offenders = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                 if p.name != "paging.py" and re.search(r"urlsafe_b64(en|de)code|URLSafeSerializer", p.read_text())]
    assert offenders == [], f"use alrea.store.paging for cursors: {offenders}"


def test_the_boundary_test_catches_a_leak(tmp_path):
    """The rule above fails on the leaks it names (a check that cannot fail would prove nothing)."""
    leaky = tmp_path / "leaky.py"
    leaky.write_text("from pynamodb.models import Model\nimport httpx\n"
                     "def f(C):\n    return C.gsi2.query('x'), C.status.does_not_exist()\n")
    assert imported_modules(leaky) & FORBIDDEN_BEYOND_STORE == {"pynamodb", "httpx"}
    assert {m.group(0) for m in STORE_VOCABULARY.finditer(leaky.read_text())} == {"gsi2", ".does_not_exist("}


def test_the_whatsapp_port_owns_its_errors():
    from alrea.adapters.evolution import errors
    from alrea.ports import whatsapp

    assert errors.NumberNotOnWhatsApp is whatsapp.NumberNotOnWhatsApp
    tree = ast.parse(Path(whatsapp.__file__).read_text())
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(m.startswith("alrea.adapters") for m in modules), "a port must not import an adapter"
