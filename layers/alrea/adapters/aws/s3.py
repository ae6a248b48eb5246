"""Storage on S3: tenant media under ``t/<tenant_id>/...``, handed out through short-lived presigned URLs."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from alrea.adapters.aws.clients import client
from alrea.ports.storage import Storage


class S3Storage(Storage):
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    @property
    def _s3(self):  # noqa: ANN202 - boto3 client
        return client("s3")

    def put(self, key: str, data: bytes, content_type: str, tags: dict[str, str] | None = None) -> None:
        extra = {"Tagging": urlencode(tags)} if tags else {}
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, **extra)

    def get(self, key: str) -> bytes:
        return self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def open_stream(self, key: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        body = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def presign_get(self, key: str, ttl_s: int, filename: str | None = None) -> str:
        params: dict[str, str] = {"Bucket": self.bucket, "Key": key}
        if filename:
            safe = filename.replace('"', "").replace("\\", "")
            params["ResponseContentDisposition"] = f'attachment; filename="{safe}"'
        return self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=ttl_s)

    def presign_put(self, key: str, ttl_s: int, content_type: str) -> str:
        params = {"Bucket": self.bucket, "Key": key}
        if content_type:  # "" signs no Content-Type: browsers then PUT without one (and without a CORS snag)
            params["ContentType"] = content_type
        return self._s3.generate_presigned_url("put_object", Params=params, ExpiresIn=ttl_s)

    def list_keys(self, prefix: str) -> Iterator[str]:
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield obj["Key"]

    def delete_many(self, keys: list[str]) -> int:
        for start in range(0, len(keys), 1000):
            chunk = keys[start:start + 1000]
            self._s3.delete_objects(Bucket=self.bucket,
                                    Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
        return len(keys)

    def health(self) -> str:
        try:
            self._s3.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            return f"bucket {self.bucket}: {exc.response.get('Error', {}).get('Code', 'error')}"
        return "ok"
