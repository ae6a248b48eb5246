"""Every PynamoDB model shares one botocore client per endpoint (a client per model class cost ≈ 10 MB and
0.1 s each: ≈ 290 MB in a function that touches every model)."""
from __future__ import annotations

import importlib
import pkgutil


def test_every_model_shares_one_client_per_endpoint():
    import alrea.store as store_pkg
    from alrea.store import base

    for module in pkgutil.iter_modules(store_pkg.__path__):
        importlib.import_module(f"alrea.store.{module.name}")
    models = base.all_models()
    assert len(models) > 20
    previous = (base._TableMeta.table_name, base._TableMeta.host)
    try:
        base.bind(host="http://127.0.0.1:1")
        first = {id(m._get_connection().connection.client) for m in models}
        assert len(first) == 1
        base.bind(host="http://127.0.0.1:2")
        second = {id(m._get_connection().connection.client) for m in models}
        assert len(second) == 1 and second != first
        assert models[0]._get_connection().connection.client.meta.endpoint_url == "http://127.0.0.1:2"
    finally:
        base.bind(*previous)
