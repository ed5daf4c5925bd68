"""publish --to s3://BUCKET/PREFIX: boto3, with credentials, region and endpoint from the AWS environment and config files, or ?endpoint= for an S3-compatible store; each file checked by the store's SHA-256.
"""
from __future__ import annotations

import base64
import errno
import hashlib
import mimetypes
import os
from pathlib import Path

from generator.round.remote import PublishFailed

from .transports import TIMEOUT, Destination


class S3:
    """An S3 bucket (or an S3-compatible store): a PUT replaces an object whole, so no temporary name is needed."""

    def __init__(self, destination: Destination, interactive: bool):
        import boto3
        from botocore.config import Config

        self.where = destination.shown
        self.bucket = destination.host
        self.prefix = destination.path.strip("/")
        endpoint = destination.query.get("endpoint") or None  # else boto3 reads AWS_ENDPOINT_URL and the config files
        style = destination.query.get("addressing", "path" if endpoint or os.environ.get("AWS_ENDPOINT_URL") else "auto")
        config = Config(connect_timeout=TIMEOUT, read_timeout=TIMEOUT * 2, retries={"max_attempts": 3},
                        s3={"addressing_style": style},
                        request_checksum_calculation="when_supported", response_checksum_validation="when_supported")
        session = boto3.session.Session(profile_name=destination.query.get("profile"))
        if session.get_credentials() is None:
            raise PublishFailed(
                "Chưa có khóa truy cập S3: đặt AWS_ACCESS_KEY_ID và AWS_SECRET_ACCESS_KEY, hoặc ghi vào "
                "~/.aws/credentials (aws configure), rồi chạy lại.")
        self.s3 = session.client("s3", endpoint_url=endpoint, region_name=destination.query.get("region"),
                                 config=config)
        self._call(self.s3.head_bucket, Bucket=self.bucket)

    def _key(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def _call(self, function, **options):
        from botocore.exceptions import ClientError
        try:
            return function(**options)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchKey", "404") and function != self.s3.head_bucket:
                raise FileNotFoundError(options.get("Key", "")) from None
            if code in ("NoSuchBucket", "404"):
                raise PublishFailed(f"Không có bucket {self.bucket} ở {self.where} (sai tên, hoặc sai endpoint).") from None
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed"):
                raise PublishFailed(f"Kho S3 {self.where} từ chối khóa truy cập (sai AWS_ACCESS_KEY_ID/"
                                    "AWS_SECRET_ACCESS_KEY hoặc khóa đã hết hạn).") from None
            if code in ("AccessDenied", "403", "AllAccessDisabled"):
                raise PermissionError(errno.EACCES, "denied") from None
            if code in ("QuotaExceeded", "InsufficientStorage", "XMinioStorageFull", "EntityTooLarge"):
                raise OSError(errno.ENOSPC, "full") from None
            if code in ("BadDigest", "XAmzContentSHA256Mismatch", "InvalidDigest"):
                raise PublishFailed(f"Kho S3 {self.where} nhận tệp {options.get('Key')} khác tệp đã gửi (tổng "
                                    "kiểm tra không khớp): đường truyền làm hỏng tệp. Chạy lại lệnh.") from None
            raise

    def is_empty(self) -> bool:
        prefix = f"{self.prefix}/" if self.prefix else ""
        return not self._call(self.s3.list_objects_v2, Bucket=self.bucket, Prefix=prefix, MaxKeys=1).get("Contents")

    def read(self, path: str) -> bytes | None:
        try:
            return self._call(self.s3.get_object, Bucket=self.bucket, Key=self._key(path))["Body"].read()
        except FileNotFoundError:
            return None

    def put(self, path: str, source: Path, size: int, digest: str, advance) -> None:
        self._put(path, source.read_bytes(), size, digest)
        advance(size)

    def write_bytes(self, path: str, data: bytes) -> None:
        self._put(path, data, len(data), hashlib.sha256(data).hexdigest())

    def _put(self, path, data, size, digest) -> None:
        checksum = base64.b64encode(bytes.fromhex(digest)).decode()
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/javascript", "image/svg+xml",
                                                "application/xml", "application/atom+xml", "application/rss+xml"):
            kind += "; charset=utf-8"
        # The store checks the SHA-256 it is given against the body and refuses a mismatch (BadDigest); one
        # that ignores it still answers with the body's MD5 as its ETag (a single PUT, not encrypted with KMS).
        answer = self._call(self.s3.put_object, Bucket=self.bucket, Key=self._key(path), Body=data, ContentType=kind,
                            ChecksumSHA256=checksum)
        if answer.get("ChecksumSHA256") == checksum or answer.get("ETag", "").strip('"') == hashlib.md5(data).hexdigest():
            return
        head = self._call(self.s3.head_object, Bucket=self.bucket, Key=self._key(path), ChecksumMode="ENABLED")
        if head.get("ContentLength") == size and head.get("ChecksumSHA256") == checksum:
            return
        # A store that keeps neither checksum (or an encrypted object, whose ETag is no MD5): read it back.
        back = self.read(path)
        if back is None or hashlib.sha256(back).hexdigest() != digest:
            raise PublishFailed(f"Tệp {path} trên {self.where} khác tệp đã gửi (kích thước hoặc tổng kiểm tra): "
                                "chạy lại lệnh.")

    def delete(self, path: str) -> None:
        self._call(self.s3.delete_object, Bucket=self.bucket, Key=self._key(path))

    def remove_folder(self, folder: str) -> None:
        pass  # a bucket has no folders

    def assume_folders(self, folders) -> None:
        pass

    def list_sizes(self, expected) -> dict[str, int]:
        prefix = f"{self.prefix}/" if self.prefix else ""
        sizes = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                sizes[item["Key"][len(prefix):]] = item["Size"]
        return sizes

    def close(self) -> None:
        self.s3.close()
