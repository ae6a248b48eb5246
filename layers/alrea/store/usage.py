"""What a tenant uses of its plan's limits: the counters the limits are enforced on, read together.

The counters live with their aggregates (``INSTCOUNT`` in store/instances, ``COUNTER#CONTACTS`` in
store/contacts, ``CAMPMONTH#<yyyy-mm>`` in store/campaigns; active users on the tenant item): one strongly
consistent BatchGetItem reads the three (each is an item with a ``count`` number).
"""
from __future__ import annotations

from alrea.store import campaigns, contacts, instances
from alrea.store.keys import tenant_pk


def counters(tenant_id: str, month: str) -> dict[str, int]:
    """``{"max_numbers": n, "max_contacts": n, "max_campaigns_per_month": n}`` (0 when never counted)."""
    pk = tenant_pk(tenant_id)
    wanted = {instances.COUNTER_SK: "max_numbers", contacts.COUNTER_SK: "max_contacts",
              campaigns.month_sk(month): "max_campaigns_per_month"}
    found = {name: 0 for name in wanted.values()}
    # the three items share the attribute read here (count): one model reads them all in one call
    for item in contacts.ContactCounter.batch_get([(pk, sk) for sk in wanted], consistent_read=True):
        found[wanted[item.sk]] = max(0, int(item.count or 0))
    return found
