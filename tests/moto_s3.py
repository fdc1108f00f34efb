"""A real S3 server for tests: moto's server mode (`moto_server`, requirements-dev.txt) as a
subprocess on a free loopback port, that a test can stop and start again on the same port (an
outage and a recovery). moto keeps its buckets in memory, so a restarted server is empty:
`start()` creates the buckets again.

Without moto installed the tests are skipped, except under CI (CI=true or
MOTCUA_REQUIRE_BROWSER), where they fail like the other required tools (conftest.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ACCESS_KEY = "motcua-test"
SECRET_KEY = "motcua-test"  # moto accepts any key; no real credential
REGION = "us-east-1"


def moto_server_command() -> str | None:
    """The `moto_server` beside this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "moto_server"
    if beside.exists():
        return str(beside)
    return shutil.which("moto_server")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MotoS3:
    """One moto server: `url`, `client()`, `stop()`, `start()`, `objects(bucket)`."""

    def __init__(self, command: str, buckets: tuple[str, ...], log_dir: Path) -> None:
        self.command = command
        self.buckets = buckets
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"moto-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self.process is not None:
            return
        log = self.log_path.open("ab")
        env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
        self.process = subprocess.Popen(
            [self.command, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        log.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"moto_server did not start on {self.url}: {self.log_path.read_text()}"
                    ) from None
                time.sleep(0.1)
        client = self.client()
        for bucket in self.buckets:
            client.create_bucket(Bucket=bucket)

    def stop(self) -> None:
        """Stop the server (the store is down: connections are refused)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object of the bucket: key → content."""
        client = self.client()
        found: dict[str, bytes] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                key = item["Key"]
                found[key] = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        return found

    def empty(self) -> None:
        client = self.client()
        for bucket in self.buckets:
            for key in self.objects(bucket):
                client.delete_object(Bucket=bucket, Key=key)

    def storage_options(self, bucket: str) -> dict[str, Any]:
        """The options of an S3Storage on this server, with the settings' defaults (ADR 0046):
        short timeouts, one retry — a stopped server fails fast."""
        from config.settings.base import _storage_options

        options = _storage_options(
            "storages.backends.s3.S3Storage",
            {
                "bucket_name": bucket,
                "endpoint_url": self.url,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "region_name": REGION,
            },
        )
        options["client_config"] = options["client_config"].merge(
            __import__("botocore.config", fromlist=["Config"]).Config(
                connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}
            )
        )
        return options


def require_moto() -> str:
    """The moto_server command; skip (fail under CI) without it."""
    from conftest import _require

    command = moto_server_command()
    try:
        import boto3  # noqa: F401
        import storages  # noqa: F401
    except ImportError as exc:  # pragma: no cover - installed from requirements*.txt
        _require("django-storages[s3]", f"not installed: {exc}")
    if command is None:
        _require("moto", "moto_server not installed (pip install -r requirements-dev.txt)")
    assert command is not None
    return command
