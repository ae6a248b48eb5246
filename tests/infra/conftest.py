"""Synthesize the stack once per session (jsii is slow) with a registry that has one function of each
trigger type, stub handler directories and a stub layer: no network, no Docker, no real layer build."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# `infra` is the repo's top-level CDK package, not installed; `pytest` (unlike `python -m pytest`) does not
# put the repo root on sys.path, and this very directory would otherwise pass for an `infra` namespace.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
STACK_ID = "AlreaFlow"
SITE_URL = "https://app.alrea.test"  # the SPA's origin (-c site_url=...): the media bucket's CORS origin


@dataclass
class Synth:
    app: object
    stack: object  # infra.stack.AlreaStack
    functions: tuple  # the registry the stack was built from
    template: object  # aws_cdk.assertions.Template
    raw: dict  # the template as JSON
    report: dict  # cdk-nag's validation-report.json
    nag_failure: str | None  # the synth error if cdk-nag found unacknowledged errors

    def logical_id(self, construct) -> str:
        return self.stack.get_logical_id(construct.node.default_child)

    def resources(self, kind: str) -> dict[str, dict]:
        return {lid: r for lid, r in self.raw["Resources"].items() if r["Type"] == kind}


def probe_functions():
    """The real registry plus one probe per trigger kind, so every wiring path is exercised whatever the
    registry holds today."""
    from alrea import registry
    from alrea.registry import Function, Queue, Schedule

    probes = (
        Function("probe_consumer", Queue("chat_fetch_profile_pic", batch_size=5, max_concurrency=4),
                 "probe: a queue consumer", publishes=("chat_send_message",), uses_bucket=True,
                 reads_table=True, writes_table=False),
        Function("probe_planner", Queue("campaign_plan", batch_size=1), "probe: answers plan task tokens",
                 timeout_s=60),
        Function("probe_tick", Schedule("rate(5 minutes)", 300), "probe: a scheduled job",
                 reads_table=False, writes_table=False, pushes=True, drives_state_machine=True),
    )
    return tuple(registry.FUNCTIONS) + probes


def write_stubs(root: Path, functions) -> tuple[Path, Path]:
    code_root = root / "functions"
    for fn in functions:
        (code_root / fn.name).mkdir(parents=True, exist_ok=True)
        (code_root / fn.name / "handler.py").write_text("def handler(event, context):\n    return None\n")
    layer = root / "layer"
    (layer / "python" / "alrea").mkdir(parents=True)
    (layer / "python" / "alrea" / "__init__.py").write_text("")
    return code_root, layer


@pytest.fixture
def stub_writer():
    """write_stubs(root, functions) -> (code_root, layer_dir): stub handlers and a stub layer."""
    return write_stubs


@pytest.fixture(scope="session")
def synth(tmp_path_factory) -> Synth:
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from infra.nag import apply_checks
    from infra.stack import AlreaStack

    root = tmp_path_factory.mktemp("infra")
    functions = probe_functions()
    code_root, layer = write_stubs(root, functions)
    outdir = root / "cdk.out"
    context = {**json.loads((ROOT / "cdk.json").read_text())["context"], "site_url": SITE_URL}
    app = App(outdir=str(outdir), context=context)
    stack = AlreaStack(app, STACK_ID, layer_dir=layer, functions=functions,
                       code_dir=lambda fn: code_root / fn.name)
    apply_checks(app)
    nag_failure = None
    try:
        app.synth()
    except RuntimeError as exc:  # cdk-nag reports unacknowledged errors by failing the synth
        nag_failure = str(exc)
    raw = json.loads((outdir / f"{STACK_ID}.template.json").read_text())
    report = json.loads((outdir / "validation-report.json").read_text())
    return Synth(app, stack, functions, Template.from_json(raw), raw, report, nag_failure)
