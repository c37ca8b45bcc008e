"""A real S3-compatible server on loopback for the tests: OpenStack Swift with its S3 API.

Swift (Debian's swift-* packages) checks SigV4 signatures, refuses expired presigned URLs and
serves nothing to anonymous callers, which is what the evidence tests must prove; in-process
mocks and moto's server accept all three. One account, object, container and proxy server run
from a temporary folder with one-replica rings; nothing outside that folder is touched.
"""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.config import Config

SERVERS = ("account", "container", "object")
REQUIRED_COMMANDS = (
    "swift-ring-builder",
    "swift-proxy-server",
    "swift-account-server",
    "swift-container-server",
    "swift-object-server",
)
INSTALL_HINT = (
    "apt-get install -y --no-install-recommends swift-proxy swift-account swift-container "
    "swift-object   (.ci/run does this)"
)
PROXY_PIPELINE = (
    "catch_errors gatekeeper proxy-logging cache listing_formats s3api tempauth copy slo dlo "
    "proxy-logging proxy-server"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_commands() -> list[str]:
    return [command for command in REQUIRED_COMMANDS if shutil.which(command) is None]


@dataclass
class S3Server:
    endpoint_url: str
    access_key: str = "test:tester"
    secret_key: str = "testing"
    region: str = "us-east-1"
    processes: list[subprocess.Popen] = field(default_factory=list, repr=False)

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _server_conf(root: Path, kind: str, port: int, user: str) -> str:
    return f"""[DEFAULT]
devices = {root / "devices"}
mount_check = false
bind_ip = 127.0.0.1
bind_port = {port}
workers = 0
swift_dir = {root / "etc"}
user = {user}
log_address = /dev/null

[pipeline:main]
pipeline = {kind}-server

[app:{kind}-server]
use = egg:swift#{kind}

[{kind}-replicator]
[{kind}-auditor]
[{kind}-updater]
"""


def _proxy_conf(root: Path, port: int, user: str) -> str:
    filters = {
        "catch_errors": "catch_errors",
        "gatekeeper": "gatekeeper",
        "proxy-logging": "proxy_logging",
        "cache": "memcache",
        "listing_formats": "listing_formats",
        "s3api": "s3api",
        "copy": "copy",
        "slo": "slo",
        "dlo": "dlo",
    }
    sections = "".join(
        f"\n[filter:{name}]\nuse = egg:swift#{egg}\n" for name, egg in filters.items()
    )
    return f"""[DEFAULT]
bind_ip = 127.0.0.1
bind_port = {port}
workers = 0
swift_dir = {root / "etc"}
user = {user}
log_address = /dev/null

[pipeline:main]
pipeline = {PROXY_PIPELINE}

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
{sections}"""


def start_s3_server(root: Path, timeout: float = 30.0) -> S3Server:
    """Start Swift under ``root`` on free loopback ports; return once S3 calls succeed."""
    etc, device = root / "etc", root / "devices" / "d1"
    etc.mkdir(parents=True)
    device.mkdir(parents=True)
    (etc / "swift.conf").write_text(
        "[swift-hash]\nswift_hash_path_suffix = rma-portal-tests\n"
        "swift_hash_path_prefix = rma-portal-tests\n\n"
        "[storage-policy:0]\nname = Policy-0\ndefault = yes\n"
    )
    user = getpass.getuser()
    ports = {kind: free_port() for kind in (*SERVERS, "proxy")}
    for kind in SERVERS:
        builder = str(etc / f"{kind}.builder")
        for args in (
            ["create", "2", "1", "1"],
            ["add", f"r1z1-127.0.0.1:{ports[kind]}/d1", "1"],
            ["rebalance"],
        ):
            subprocess.run(["swift-ring-builder", builder, *args], check=True, capture_output=True)
        (etc / f"{kind}-server.conf").write_text(_server_conf(root, kind, ports[kind], user))
    (etc / "proxy-server.conf").write_text(_proxy_conf(root, ports["proxy"], user))

    server = S3Server(endpoint_url=f"http://127.0.0.1:{ports['proxy']}")
    for kind in (*SERVERS, "proxy"):
        log = (root / f"{kind}.log").open("wb")
        server.processes.append(
            subprocess.Popen(
                [f"swift-{kind}-server", str(etc / f"{kind}-server.conf")],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    deadline = time.monotonic() + timeout
    client = server.client()
    while True:
        try:
            client.list_buckets()
            return server
        except Exception:
            if time.monotonic() > deadline or any(p.poll() is not None for p in server.processes):
                server.stop()
                logs = "\n".join(p.read_text()[-2000:] for p in sorted(root.glob("*.log")))
                raise RuntimeError(
                    f"Swift did not start on {server.endpoint_url}:\n{logs}"
                ) from None
            time.sleep(0.2)
