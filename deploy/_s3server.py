"""The rehearsal's S3 server: moto in server mode that keeps its objects across a stop.

moto holds objects in memory. Copying them out through the S3 API before stopping the process
(as prodctl first did) leaves a window: a PUT acknowledged after the copy and before the stop
is lost, and the database then holds a document whose object is gone — which a real object
store never does with a write it acknowledged (issue 16, `make faults` fault 5). Here the
process itself saves the objects on SIGTERM/SIGINT, AFTER its HTTP server has stopped taking
requests, from moto's in-process store, so every acknowledged write is in the copy. prodctl
puts them back after a start (`s3-objects/manifest.json`, the format of deploy/prodctl's
S3_COPY). A SIGKILL still loses what is in memory, like the disk of a storage host that burns.

On start it puts the saved objects (and the buckets named on the command line) back BEFORE it
listens on its port — through a first server on a free port of the same process, whose state
the real one then serves — so no client ever sees a missing bucket or object after a restart.

Usage: _s3server.py HOST PORT DUMP_DIR BUCKET…"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
import threading
import time


def dump(target: str) -> int:
    """Write every object of every bucket to `target` (atomically: a new dir renamed)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    tmp = target + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    manifest = []
    for partition in s3_backends[DEFAULT_ACCOUNT_ID].values():
        for bucket_name, bucket in partition.buckets.items():
            for key in bucket.keys.values():
                name = hashlib.sha256(f"{bucket_name}/{key.name}".encode()).hexdigest()
                with open(os.path.join(tmp, name), "wb") as fh:
                    fh.write(key.value)
                manifest.append(
                    {
                        "bucket": bucket_name,
                        "key": key.name,
                        "file": name,
                        "content_type": str(key.metadata.get("content-type", "")),
                    }
                )
    with open(os.path.join(tmp, "manifest.json"), "w") as fh:
        json.dump(manifest, fh)
        fh.flush()
        os.fsync(fh.fileno())
    shutil.rmtree(target, ignore_errors=True)
    os.rename(tmp, target)
    return len(manifest)


def restore(host: str, target: str, buckets: list[str]) -> int:
    """Create `buckets` and put the objects saved in `target` back, through a server on a free
    port of this process (moto's state is per process: the real server will serve it)."""
    import socket

    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind((host, 0))
        free = sock.getsockname()[1]
    staging = ThreadedMotoServer(ip_address=host, port=free, verbose=False)
    staging.start()
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://{host}:{free}",
            aws_access_key_id="restore",
            aws_secret_access_key="restore",
            region_name="us-east-1",
        )
        for name in buckets:
            s3.create_bucket(Bucket=name)
        manifest_path = os.path.join(target, "manifest.json")
        if not os.path.exists(manifest_path):
            return 0
        with open(manifest_path) as fh:
            manifest = json.load(fh)
        for entry in manifest:
            if entry["bucket"] not in buckets:
                s3.create_bucket(Bucket=entry["bucket"])
                buckets.append(entry["bucket"])
            extra = {"ContentType": entry["content_type"]} if entry["content_type"] else {}
            with open(os.path.join(target, entry["file"]), "rb") as fh:
                s3.put_object(Bucket=entry["bucket"], Key=entry["key"], Body=fh.read(), **extra)
        return len(manifest)
    finally:
        staging.stop()


def main() -> None:
    from moto.server import ThreadedMotoServer

    host, port, target, buckets = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    restored = restore(host, target, list(buckets))
    print(f"s3: {restored} objects restored from {target}", flush=True)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    print(f"s3 server on {host}:{port}", flush=True)
    done = threading.Event()

    def stop(signum: int, frame: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not done.wait(1.0):
        pass
    server.stop()  # no new request is served from here on
    time.sleep(0.5)  # requests already being handled finish
    count = dump(target)
    print(f"s3: {count} objects saved to {target}", flush=True)


if __name__ == "__main__":
    main()
