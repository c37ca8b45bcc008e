"""Peak memory of a 10 MB photo upload against a 150 KB one, in one gunicorn worker.

Builds its own database (<BENCH_DB_PREFIX>_upload) with a marketplace return, starts gunicorn
(deploy/gunicorn.conf.py, production settings) with one worker of one thread, signs in the
way a customer does (the order's emailed link) and uploads photos to the return's evidence the
way the page's script does (multipart POST, JSON answer), removing each again. The photos are
phone-like JPEGs (noise, so they do not compress away, with an EXIF orientation to apply).

The worker's high-water mark of resident memory (VmHWM) is read after the small uploads, then
after the large ones: the difference is what a large upload costs at its peak. Prints e.g.
``upload 10.0 MB photo peak RSS over a 150 KB one   +41 MB  goal <= +64 MB  MET  (0.9 s vs 0.1 s)``
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import secrets
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench._bench_env import (
    bench_db,
    drop_database,
    free_port,
    median,
    portal_env,
    recreate_database,
    setup_django,
)
from bench._web import cookie_header, cookies_of, start_gunicorn, stop_gunicorn

DB = bench_db("upload")
GOAL_MB = 64
LARGE_BYTES = 10 * 1024 * 1024
SMALL_BYTES = 150 * 1024
REPEATS = int(os.environ.get("BENCH_UPLOADS", "3"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def photo(target_bytes: int) -> bytes:
    """A JPEG of random pixels close to ``target_bytes`` and never over it (10 MB is also the
    marketplace policy's limit a file, MKT-8), with EXIF orientation 6 (rotate)."""
    from PIL import Image

    def encode(width: int) -> bytes:
        height = width * 3 // 4
        image = Image.frombytes("RGB", (width, height), secrets.token_bytes(width * height * 3))
        exif = Image.Exif()
        exif[0x0112] = 6
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85, exif=exif.tobytes())
        return buffer.getvalue()

    width = 400
    data = encode(width)
    for _ in range(3):  # noise compresses at a steady rate: scale the area to the target
        width = max(64, int(width * (target_bytes / len(data)) ** 0.5))
        data = encode(width)
    while len(data) > target_bytes:  # random pixels: the last scaling may land a little over
        width -= max(1, width // 200)
        data = encode(width)
    return data


def build() -> tuple[str, str, int]:
    """(sign-in link path, return page path, return id) of a marketplace return."""
    from django.core.management import call_command
    from django.utils import timezone
    from django_scopes import scope

    from rma import services
    from rma.services import Actor
    from rma.services.access import return_access_request
    from tests.factories import OrderLineFactory, VendorFactory

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    market = VendorFactory(slug="market", name="Market", policy_key="marketplace", time_zone="UTC")
    now = timezone.now()
    with scope(vendor=market):
        order_line = OrderLineFactory(
            order__vendor=market,
            order__placed_at=now - timedelta(days=5),
            order__shipped_at=now - timedelta(days=4),
            order__delivered_at=now - timedelta(days=3),
            vendor=market,
            unit_price=Decimal("120.00"),
        )
        order = order_line.order
        rr = services.return_create(
            order=order,
            scenario="quality_defect",
            lines=[(order_line, 1)],
            actor=Actor.customer(order.customer.email),
            reason="Does not power on",
        )
        access, _password = return_access_request(
            vendor=market, order_number=order.number, email=order.customer.email
        )
    return f"/v/market/access/{access.token}/", f"/v/market/returns/{rr.public_id}/", rr.pk


def _send(port: int, method: str, path: str, jar: dict, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=body, headers={"Cookie": cookie_header(jar), **(headers or {})})
    answer = conn.getresponse()
    text = answer.read().decode(errors="replace")
    jar.update(cookies_of(answer))
    conn.close()
    return answer.status, text


def upload(port: int, page: str, jar: dict, token: str, data: bytes) -> float:
    """POST one photo as the page's script does, then remove it; seconds the upload took."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="IMG_0001.JPG"'
        "\r\nContent-Type: image/jpeg\r\n\r\n".encode(),
        data,
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    body = b"".join(parts)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Accept": "application/json",
        "X-CSRFToken": token,
    }
    began = time.perf_counter()
    status, text = _send(port, "POST", f"{page}evidence/", jar, body, headers)
    took = time.perf_counter() - began
    if status != 200:
        raise SystemExit(f"upload answered {status}: {text[:300]}")
    for pk in json.loads(text)["added"]:
        status, text = _send(
            port,
            "POST",
            f"{page}evidence/{pk}/remove/",
            jar,
            f"csrfmiddlewaretoken={token}",
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        if status not in (200, 302):
            raise SystemExit(f"remove answered {status}: {text[:300]}")
    return took


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def peak_rss_mb(pid: int) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    raise SystemExit("no VmHWM")


def main() -> None:
    env = portal_env(DB, DB_CONN_MAX_AGE="60")
    recreate_database(DB)
    process = None
    try:
        setup_django(env)
        link, page, _rr_id = build()
        small, large = photo(SMALL_BYTES), photo(LARGE_BYTES)
        port = free_port()
        process = start_gunicorn(
            env,
            port,
            GUNICORN_WORKERS="1",
            GUNICORN_THREADS="1",
            GUNICORN_MAX_REQUESTS="0",
            GUNICORN_TIMEOUT="120",
        )
        jar: dict[str, str] = {}
        status, _text = _send(port, "GET", link, jar)
        if status != 302:
            raise SystemExit(f"sign-in link answered {status}")
        status, text = _send(port, "GET", page, jar)
        token = CSRF.search(text).group(1)
        pid = worker_pid(process.pid)
        small_times = [upload(port, page, jar, token, small) for _ in range(REPEATS)]
        small_peak = peak_rss_mb(pid)
        large_times = [upload(port, page, jar, token, large) for _ in range(REPEATS)]
        large_peak = peak_rss_mb(pid)
        extra = large_peak - small_peak
        met = "MET" if extra <= GOAL_MB else "NOT MET"
        what = (
            f"upload {len(large) / 2**20:.1f} MB photo peak RSS over a {len(small) // 1024} KB one"
        )
        print(
            f"{what:<50} +{extra:.0f} MB  goal <= +{GOAL_MB} MB  {met:<8} "
            f"(worker peak {small_peak:.0f} -> {large_peak:.0f} MB; median "
            f"{median(large_times):.2f} s vs {median(small_times):.2f} s an upload)",
            flush=True,
        )
    finally:
        stop_gunicorn(process)
        from django.db import connections

        connections.close_all()
        drop_database(DB)


if __name__ == "__main__":
    main()
