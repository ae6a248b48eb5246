"""The campaign half of the store boundary (issue 12): campaign services and the campaign domain hold no
PynamoDB model, spell no index and build no update expression; the router shapes JSON from domain types."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from pynamodb.models import Model

ROOT = Path(__file__).resolve().parents[2] / "layers" / "alrea"
MODULES = ["alrea.services.campaigns", "alrea.services.campaign_runs", "alrea.services.campaign_planner",
           "alrea.services.campaign_sender", "alrea.services.campaign_events", "alrea.services.campaign_reads",
           "alrea.services.campaign_progress", "alrea.domain.campaigns", "alrea.adapters.memory.campaign_store"]


@pytest.mark.parametrize("name", MODULES)
def test_no_store_model_and_no_table_vocabulary(name):
    module = importlib.import_module(name)
    models = [k for k, v in vars(module).items() if isinstance(v, type) and issubclass(v, Model)]
    assert models == []
    source = Path(module.__file__).read_text()
    found = re.findall(r"gsi\d|Gsi\d|pynamodb|botocore|boto3|httpx|tenant_pk|update_if|Transaction|does_not_exist|"
                       r"\.is_in\(|Item\b|LastEvaluatedKey|last_evaluated_key", source)
    assert found == []


def test_no_other_cursor_codec_in_campaign_code():
    for path in [*ROOT.glob("services/campaign*.py"), ROOT / "store/campaigns.py", ROOT / "store/recipients.py"]:
        assert "base64" not in path.read_text(), path
