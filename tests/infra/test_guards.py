"""The stack refuses a registry it cannot deploy correctly; the layer build is driven by pyproject.toml."""
from __future__ import annotations

import pytest

from alrea.registry import Function, Queue, Rest, WebSocket

pytestmark = pytest.mark.infra


def build(tmp_path, functions, write_stubs):
    from aws_cdk import App

    from infra.stack import AlreaStack

    code_root, layer = write_stubs(tmp_path, functions)
    return AlreaStack(App(outdir=str(tmp_path / "out")), "Guarded", layer_dir=layer, functions=functions,
                      code_dir=lambda fn: code_root / fn.name, site_origins=["https://app.alrea.test"])


@pytest.mark.parametrize(
    ("functions", "message"),
    [
        ((Function("slow", Queue("chat_fetch_profile_pic"), "outlives the visibility", timeout_s=120),),
         "visibility timeout"),
        ((Function("a", Rest(("/api/{proxy+}",)), "a"), Function("b", Rest(("api/{proxy+}",)), "b")),
         "claimed by a and b"),
        ((Function("a", WebSocket("$default"), "a"), Function("b", WebSocket("$default"), "b")),
         "claimed by a and b"),
        ((Function("x", Queue("no_such_queue"), "x"),), "unknown queue"),
        ((Function("twice", Rest(("/x",)), "x"), Function("twice", Rest(("/y",)), "y")), "appears twice"),
    ],
)
def test_an_undeployable_registry_is_refused_with_a_clear_message(tmp_path, functions, message, stub_writer):
    with pytest.raises((ValueError, KeyError), match=message):
        build(tmp_path, functions, stub_writer)


def test_a_missing_handler_is_refused(tmp_path):
    from aws_cdk import App

    from infra.stack import AlreaStack

    layer = tmp_path / "layer"
    (layer / "python").mkdir(parents=True)
    fn = Function("ghost", Rest(("/ghost",)), "no handler file")
    with pytest.raises(FileNotFoundError, match="ghost/handler.py"):
        AlreaStack(App(outdir=str(tmp_path / "out")), "Ghost", layer_dir=layer, functions=(fn,),
                   code_dir=lambda f: tmp_path / f.name, site_origins=["https://app.alrea.test"])


def test_lambda_runtime_follows_the_python_version():
    from aws_cdk import aws_lambda as lambda_

    from infra.constructs.functions import lambda_runtime

    assert lambda_runtime((3, 11)).name == lambda_.Runtime.PYTHON_3_11.name == "python3.11"
    assert lambda_runtime((3, 12)).name == "python3.12"
    with pytest.raises(RuntimeError, match="no runtime for Python 2.5"):
        lambda_runtime((2, 5))


def test_layer_requirements_come_from_pyproject(tmp_path, monkeypatch):
    import tomllib

    from infra import layer

    declared = tomllib.loads(layer.PYPROJECT.read_text())["project"]["dependencies"]
    requirements = layer.runtime_requirements()
    assert requirements == declared + list(layer.LAYER_EXTRAS)
    assert not any(r.startswith(("pytest", "moto", "aws-cdk", "playwright")) for r in requirements)
    assert layer.deps_fingerprint(requirements) == layer.deps_fingerprint(list(reversed(requirements)))
    assert layer.deps_fingerprint(requirements) != layer.deps_fingerprint([*requirements, "six"])


def test_layer_copies_the_package_without_caches(tmp_path):
    from infra import layer

    target = layer.copy_package(tmp_path)
    assert (target / "__init__.py").is_file() and (target / "registry.py").is_file()
    assert not list(target.rglob("__pycache__")) and not list(target.rglob("*.pyc"))
    # copying again replaces, never nests
    layer.copy_package(tmp_path)
    assert not (target / "alrea").exists()


def test_layer_build_skips_pip_when_the_stamp_matches(tmp_path, monkeypatch):
    from infra import layer

    monkeypatch.setattr(layer, "LAYER_DIR", tmp_path)
    monkeypatch.setattr(layer, "SITE_DIR", tmp_path / "python")
    monkeypatch.setattr(layer, "STAMP", tmp_path / ".deps-stamp")
    installs = []
    monkeypatch.setattr(layer, "install_dependencies", lambda reqs: installs.append(reqs))
    layer.build()
    layer.build()
    assert len(installs) == 1  # the second build found the stamp
    assert (tmp_path / "python" / "alrea" / "registry.py").is_file()
    layer.build(force=True)
    assert len(installs) == 2
