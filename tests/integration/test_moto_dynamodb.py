"""The embedded moto's DynamoDB repairs (alrea/local/moto_dynamodb.py), over HTTP like every other client:
a cancelled transaction leaves every item it named as it was, and concurrent requests are serializable."""
from __future__ import annotations

import threading
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def ddb(aws):
    return boto3.client("dynamodb"), aws.table_name


def item(pk: str, sk: str, **attrs) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"N": str(v)} for k, v in attrs.items()}}


def get(client, table: str, pk: str, sk: str) -> dict | None:
    return client.get_item(TableName=table, Key=item(pk, sk), ConsistentRead=True).get("Item")


def test_a_cancelled_transaction_leaves_every_item_it_named_as_it_was(ddb):
    client, table = ddb
    p = "T#" + uuid.uuid4().hex
    client.put_item(TableName=table, Item={**item(p, "A", v=1), "gsi1pk": {"S": p}, "gsi1sk": {"S": "A"}})
    client.put_item(TableName=table, Item=item(p, "B", v=1))
    with pytest.raises(ClientError) as err:
        client.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": item(p, "A"), "UpdateExpression": "SET v = :v, gsi1sk = :s",
                        "ExpressionAttributeValues": {":v": {"N": "2"}, ":s": {"S": "A2"}}}},
            {"Put": {"TableName": table, "Item": item(p, "C", v=1)}},
            {"Delete": {"TableName": table, "Key": item(p, "B")}},
            {"ConditionCheck": {"TableName": table, "Key": item(p, "D"), "ConditionExpression": "attribute_exists(pk)"}},
        ])
    reasons = [r["Code"] for r in err.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert get(client, table, p, "A")["v"] == {"N": "1"}
    assert get(client, table, p, "B")["v"] == {"N": "1"}
    assert get(client, table, p, "C") is None
    by_index = client.query(TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :p",
                            ExpressionAttributeValues={":p": {"S": p}})["Items"]
    assert [i["gsi1sk"]["S"] for i in by_index] == ["A"]


def test_a_committed_transaction_still_applies_every_write(ddb):
    client, table = ddb
    p = "T#" + uuid.uuid4().hex
    client.put_item(TableName=table, Item=item(p, "A", v=1))
    client.transact_write_items(TransactItems=[
        {"Update": {"TableName": table, "Key": item(p, "A"), "UpdateExpression": "ADD v :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Put": {"TableName": table, "Item": item(p, "C", v=7), "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    assert get(client, table, p, "A")["v"] == {"N": "2"}
    assert get(client, table, p, "C")["v"] == {"N": "7"}


def test_concurrent_transactions_and_queries_are_serializable(ddb):
    """Committed transactions race cancelled ones on the same counter, while queries read the partition: every
    commit counts, no cancellation erases one, and no read fails."""
    client, table = ddb
    p = "T#" + uuid.uuid4().hex
    client.put_item(TableName=table, Item=item(p, "counter", n=0))
    committed, errors = [], []

    def commit(worker: int) -> None:
        for i in range(25):
            client.transact_write_items(TransactItems=[
                {"Update": {"TableName": table, "Key": item(p, "counter"), "UpdateExpression": "ADD n :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                {"Put": {"TableName": table, "Item": item(p, f"row#{worker}#{i}", v=i)}},
            ])
            committed.append(1)

    def cancel() -> None:
        for _ in range(25):
            try:
                client.transact_write_items(TransactItems=[
                    {"Update": {"TableName": table, "Key": item(p, "counter"), "UpdateExpression": "ADD n :big",
                                "ExpressionAttributeValues": {":big": {"N": "1000"}}}},
                    {"ConditionCheck": {"TableName": table, "Key": item(p, "missing"),
                                        "ConditionExpression": "attribute_exists(pk)"}},
                ])
            except ClientError as exc:
                assert exc.response["Error"]["Code"] == "TransactionCanceledException"

    def read() -> None:
        try:
            for _ in range(25):
                client.query(TableName=table, KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": {"S": p}})
        except ClientError as exc:  # pragma: no cover - the failure this test exists to catch
            errors.append(exc)

    threads = [threading.Thread(target=commit, args=(w,)) for w in range(3)]
    threads += [threading.Thread(target=cancel) for _ in range(3)] + [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(committed) == 75
    assert get(client, table, p, "counter")["n"] == {"N": "75"}
    rows = client.query(TableName=table, KeyConditionExpression="pk = :p AND begins_with(sk, :r)",
                        ExpressionAttributeValues={":p": {"S": p}, ":r": {"S": "row#"}}, Select="COUNT")
    assert rows["Count"] == 75


def test_a_table_query_answers_its_partition_in_order_and_pages(ddb):
    """The partition read (repair 3) answers what moto's full walk did: only the partition, sorted, paged."""
    client, table = ddb
    p, other = "T#" + uuid.uuid4().hex, "T#" + uuid.uuid4().hex
    for i in range(30):
        client.put_item(TableName=table, Item=item(other, f"C#{i:03d}", v=i))
    for i in (5, 1, 9, 3, 7):
        client.put_item(TableName=table, Item=item(p, f"C#{i:03d}", v=i))
    client.put_item(TableName=table, Item=item(p, "Z", v=0))

    def query(**kw):
        return client.query(TableName=table, KeyConditionExpression="pk = :p AND begins_with(sk, :c)",
                            ExpressionAttributeValues={":p": {"S": p}, ":c": {"S": "C#"}}, **kw)

    assert [i["sk"]["S"] for i in query()["Items"]] == ["C#001", "C#003", "C#005", "C#007", "C#009"]
    assert [i["sk"]["S"] for i in query(ScanIndexForward=False)["Items"]][:2] == ["C#009", "C#007"]
    first = query(Limit=2)
    second = query(Limit=2, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert [i["sk"]["S"] for i in first["Items"] + second["Items"]] == ["C#001", "C#003", "C#005", "C#007"]
    whole = client.query(TableName=table, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": {"S": p}})
    assert whole["Count"] == 6
    assert client.query(TableName=table, KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "T#nobody"}})["Items"] == []
