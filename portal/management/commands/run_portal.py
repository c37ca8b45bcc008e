"""Run the whole portal on a laptop: web server, Celery worker and beat; Ctrl-C stops all."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tenancy.models import Vendor


class Command(BaseCommand):
    help = "Start the web server on 127.0.0.1:8000 with a Celery worker and beat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options) -> None:
        var = Path(settings.VAR_DIR)
        for folder in ("celery/queue", "celery/processed", "mail", "media"):
            (var / folder).mkdir(parents=True, exist_ok=True)
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        commands = {
            "web": [python, manage, "runserver", addr, "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                "worker@%h",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "portal",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(var / "celerybeat-schedule"),
            ],
        }
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self._banner(addr)
        stop = False

        def request_stop(signum, frame) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            while not stop:
                for name, proc in processes.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with {proc.returncode}; stopping.")
                        stop = True
                time.sleep(0.5)
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    proc.terminate()
            for proc in processes.values():
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()

    def _banner(self, addr: str) -> None:
        base = f"http://{addr}"
        broker = settings.CELERY_BROKER_URL.split("@")[-1]
        vendors = list(Vendor.objects.order_by("slug"))
        lines = [
            "",
            "RMA portal is running. Ctrl-C stops the web server, worker and beat.",
            f"  Agents' admin    {base}/admin/",
            "    superuser      admin / admin",
            *(f"    {v.slug:<14} agent-{v.slug} / demo-{v.slug}" for v in vendors),
            "  Customer portal",
            *(f"    {v.name:<18} {base}/v/{v.slug}/" for v in vendors),
            f"  Vendor API docs  {base}/api/docs/",
        ]
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            lines.append(
                f"  Sent emails      {settings.EMAIL_FILE_PATH}/ (the solution emails hold "
                "the demo solutions' passwords)"
            )
        lines.append(f"  Celery broker    {broker}")
        self.stdout.write("\n".join(lines) + "\n")
