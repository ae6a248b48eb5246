"""DynamoDB single table: PynamoDB models (one module per aggregate) and their repositories.

Every tenant item's partition key starts with ``T#<tenant_id>``; every repository call takes the tenant id.
Global pointer items (``EMAIL#``, ``HOOK#``, ``KEY#``) exist only to find the tenant before it is known.
"""
