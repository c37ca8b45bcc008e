"""Where a customer page's time goes: bench/pages.py's pages called in-process, profiled.

Not a benchmark (``bench/run.py`` skips modules whose name starts with ``_``): run directly.
Builds the same cases as bench/pages.py in its own database (<BENCH_DB_PREFIX>_profile), signs
in the way a customer does, then calls the WSGI application with the production settings of
the benchmark's gunicorn (``bench._settings``) and prints, per page, the milliseconds a request
takes next to the bare page's, how much of it is rendering, what the same SQL costs sent as
text without the ORM, the ratio to the bare page with rendering skipped altogether, the
queries one request runs, and (with ``--profile``) cProfile's top functions by cumulative and
by own time.

    .venv/bin/python bench/_profile_pages.py [--profile] [--requests N] [--queries]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._bench_env import bench_db, drop_database, portal_env, recreate_database, setup_django
from bench._web import BARE_PAGE

DB = bench_db("profile")


class Browser:
    """Calls the WSGI application directly, keeping cookies like one customer's browser."""

    def __init__(self, application) -> None:
        self.application = application
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_LENGTH": str(len(body)),
        }
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer: dict[str, object] = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            for name, value in headers:
                if name.lower() == "set-cookie":
                    for key, morsel in SimpleCookie(value).items():
                        self.cookies[key] = morsel.value

        chunks = self.application(environ, start_response)
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(answer["status"]), content


def signed_in(application, cases: dict) -> dict[str, tuple[Browser, str]]:
    import re

    login_path, password = cases["solution"]
    solution = Browser(application)
    _status, page = solution.request("GET", login_path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    status, _ = solution.request(
        "POST", login_path, f"csrfmiddlewaretoken={token}&password={password}".encode()
    )
    assert status == 302, status
    link_path, detail = cases["return"]
    market = Browser(application)
    status, _ = market.request("GET", link_path)
    assert status == 302, status
    return {
        "bare": (Browser(application), BARE_PAGE),
        "content": (solution, f"{login_path}content/"),
        "detail": (market, detail),
    }


def per_request_ms(browser: Browser, path: str, count: int) -> tuple[float, float]:
    """Wall-clock and this process's CPU milliseconds per request (the CPU figure leaves out
    waiting for PostgreSQL and for other processes on a busy machine)."""
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        status, _ = browser.request("GET", path)
        assert status == 200, (path, status)
    wall = (time.perf_counter() - began) * 1000 / count
    return wall, (time.process_time() - cpu) * 1000 / count


class RenderClock:
    """CPU milliseconds spent rendering TemplateResponses (the rest is middleware and view)."""

    def __init__(self) -> None:
        from django.template.response import SimpleTemplateResponse

        self.spent = 0.0
        original = SimpleTemplateResponse.render
        clock = self

        def render(response):
            began = time.process_time()
            try:
                return original(response)
            finally:
                clock.spent += time.process_time() - began

        SimpleTemplateResponse.render = render


class SkippedRendering:
    """While in use, each template's first output stands in for rendering it again: what a
    page costs with no template work at all (nor the queries its templates run), the bound no
    faster template engine could pass."""

    def __enter__(self) -> None:
        from django.template.response import SimpleTemplateResponse

        self.original = SimpleTemplateResponse.rendered_content
        outputs: dict[str, str] = {}
        original = self.original

        def rendered_content(response) -> str:
            key = str(response.template_name)
            if key not in outputs:
                outputs[key] = original.fget(response)
            return outputs[key]

        SimpleTemplateResponse.rendered_content = property(rendered_content)

    def __exit__(self, *exc) -> None:
        from django.template.response import SimpleTemplateResponse

        SimpleTemplateResponse.rendered_content = self.original


def sql_alone_ms(statements: list[str], count: int = 200) -> float:
    """CPU milliseconds of a request's SQL sent as text through the driver, without the ORM:
    what the database work costs this process when nothing builds or compiles the queries."""
    from django.db import connection

    began = time.process_time()
    for _ in range(count):
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
    return (time.process_time() - began) * 1000 / count


def calls_per_request(browser: Browser, path: str, count: int = 20) -> int:
    """Python function calls a request makes: a steadier yardstick than time on a busy machine."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        browser.request("GET", path)
    profiler.disable()
    return pstats.Stats(profiler).total_calls // count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--dump", default="", help="write each page's profile to DUMP-<page>.prof")
    parser.add_argument("--only", default="", help="a regex the profiled functions' names match")
    parser.add_argument(
        "--exec",
        default="",
        help="run this Python file after warm-up, with `pages`, `cases` and `args`",
    )
    args = parser.parse_args()

    env = portal_env(DB, DJANGO_SETTINGS_MODULE="bench._settings", DB_CONN_MAX_AGE="60")
    recreate_database(DB)
    try:
        setup_django(env)
        from django.core.wsgi import get_wsgi_application
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from bench.pages import build_cases

        cases = build_cases()
        application = get_wsgi_application()
        pages = signed_in(application, cases)
        for browser, path in pages.values():  # warm: templates compiled, vendor cached
            per_request_ms(browser, path, 20)
        if args.exec:
            exec(
                Path(args.exec).read_text(),
                {"pages": pages, "cases": cases, "args": args, "__name__": "x"},
            )
            return
        clock = RenderClock()
        _bare_wall, bare_cpu = per_request_ms(*pages["bare"], args.requests)
        for name, (browser, path) in pages.items():
            clock.spent = 0.0
            wall, cpu = per_request_ms(browser, path, args.requests)
            rendering = clock.spent * 1000 / args.requests
            with CaptureQueriesContext(connection) as queries:
                _status, content = browser.request("GET", path)
            captured = list(queries.captured_queries)  # each request clears Django's log
            sql = sql_alone_ms([q["sql"] for q in captured])
            with SkippedRendering():
                _wall, unrendered = per_request_ms(browser, path, args.requests)
            print(
                f"{name:<8} {wall:7.2f} ms wall {cpu:7.2f} ms CPU a request "
                f"({rendering:.2f} rendering, {sql:.2f} its SQL as text)  "
                f"{bare_cpu / cpu:5.2f}x bare's CPU, {bare_cpu / unrendered:5.2f}x with no "
                f"rendering  {len(captured)} queries  "
                f"{calls_per_request(browser, path)} calls  {len(content)} bytes"
            )
            if args.queries:
                for query in captured:
                    print("    ", query["sql"][:220])
        if args.profile:
            for name in ("content", "detail"):
                browser, path = pages[name]
                profiler = cProfile.Profile()
                profiler.enable()
                per_request_ms(browser, path, args.requests)
                profiler.disable()
                if args.dump:
                    profiler.dump_stats(f"{args.dump}-{name}.prof")
                for order in ("cumulative", "tottime"):
                    out = io.StringIO()
                    stats = pstats.Stats(profiler, stream=out)
                    stats.sort_stats(order)
                    if args.only:
                        stats.print_stats(args.only, args.top)
                    else:
                        stats.print_stats(args.top)
                    print(f"== {name} by {order} ({args.requests} requests)")
                    print(out.getvalue())
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(DB)


if __name__ == "__main__":
    main()
