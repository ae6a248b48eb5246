"""LGPD retention in the bucket: one lifecycle rule per allowed retention value (object tag retention=<days>)
and one for export archives (tag kind=export)."""
from __future__ import annotations


def test_lgpd_lifecycle_rules_expire_tagged_media_and_exports(synth):
    from alrea.domain.privacy import EXPORT_KEEP_DAYS, RETENTION_DAYS

    media = synth.resources("AWS::S3::Bucket")[synth.logical_id(synth.stack.data.bucket)]["Properties"]
    rules = {r.get("Id"): r for r in media["LifecycleConfiguration"]["Rules"]}
    for days in RETENTION_DAYS:
        rule = rules[f"retention-{days}"]
        assert rule["ExpirationInDays"] == days and rule["Status"] == "Enabled"
        assert rule["TagFilters"] == [{"Key": "retention", "Value": str(days)}]
    assert rules["exports"]["ExpirationInDays"] == EXPORT_KEEP_DAYS
    assert rules["exports"]["TagFilters"] == [{"Key": "kind", "Value": "export"}]
