"""The store boundary (issue 12) for the contacts / accounts / numbers / privacy services: they speak domain
types, never PynamoDB, botocore, boto3 or httpx, and never name an index."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from pynamodb.models import Model

SERVICES = Path(__file__).resolve().parents[2] / "layers" / "alrea" / "services"
MODULES = ("auth", "contacts", "contacts_export", "contacts_import", "departments", "health", "instances",
           "passwords", "privacy", "profile_pics", "quick_replies", "redrive", "retention", "throttle", "tokens",
           "users")
FORBIDDEN = {"pynamodb", "botocore", "boto3", "httpx"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("name", MODULES)
def test_service_speaks_domain_types_only(name):
    path = SERVICES / f"{name}.py"
    assert _imports(path) & FORBIDDEN == set()
    assert not re.search(r"\b[gG]si\d", path.read_text()), f"services/{name}.py names an index"
    module = importlib.import_module(f"alrea.services.{name}")
    models = [k for k, v in vars(module).items() if isinstance(v, type) and issubclass(v, Model)]
    assert models == [], f"services/{name}.py holds store model classes: {models}"


def test_the_whatsapp_port_owns_its_errors():
    from alrea.adapters.evolution import errors
    from alrea.ports import whatsapp

    assert errors.NumberNotOnWhatsApp is whatsapp.NumberNotOnWhatsApp
    tree = ast.parse(Path(whatsapp.__file__).read_text())
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(m.startswith("alrea.adapters") for m in modules), "the port must not import an adapter"
