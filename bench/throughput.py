"""Requests per second of a signed-in lesson page against a bare Flask "hello" page (issue #10.3).

Run: .venv/bin/python bench/throughput.py            (needs `wrk`: apt-get install wrk)
     .venv/bin/python bench/throughput.py --seconds 5 --rounds 2 --lesson elementary/card-and-qr

What it does, in one command:
1. makes a fresh SQLite database in a temporary folder (`flask db upgrade` + `flask demo`, as the
   README's quick start) and gives the demo learner `aigul` a few answers in the lesson (one
   right, one wrong), so the page shows a learner's state, not a blank lesson;
2. starts the app in a second process on waitress with the settings `flask serve` uses
   (app/cli/serve.py `make_server`: SERVE_THREADS etc.), with one extra route, `/bench/hello`,
   that returns "Hello, World!" and is registered only here;
3. signs the learner in over HTTP (login code + PIN, with the form's CSRF token);
4. drives load with `wrk` (a third process): hello and the lesson page, alternately, `--rounds`
   times each, with the same connections, threads and headers (a browser's Accept-Encoding, the
   learner's cookie); each run checks that every answer was a 200 (a redirect to the sign-in
   page would be counted as a fast page otherwise);
5. prints the median requests per second of each and the ratio (budget: lesson >= 25 % of hello).

The bench sets itself up from the app's own factory; it does not need pytest.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HELLO = "/bench/hello"  # a route of the app: through the app's own before/after-request hooks
BARE = "/bench-bare/"  # a bare Flask app in the same server process (no hooks, no extensions)
ACCEPT_ENCODING = "gzip, deflate, br"  # what a browser sends; the lesson page is served compressed
# A browser sends the same User-Agent on every request. Flask-Login's session protection compares
# it with the one at sign-in: a different one marks the session not fresh, a change of the cookie
# on every request, which a browser (keeping its cookie up to date) would not make.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) bench/throughput"
BUDGET = 0.25
# wrk counts a 3xx as a success; this script makes it count every answer that is not a 200.
# `done` runs in wrk's main Lua state, not in the threads': it reads each thread's count.
WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("NON200 %d\\n", total))
end
"""
# For the signed-in page, also as a browser keeps its cookie: a new session cookie set by a
# response is sent with the next requests (else a cookie older than SESSION_REFRESH_SECONDS
# would be signed again on every request, which no browser would cause).
WRK_SCRIPT_COOKIE = WRK_SCRIPT + """
function request()
  return wrk.format()
end
local respond = response
function response(status, headers, body)
  respond(status, headers, body)
  local cookie = headers["Set-Cookie"]
  if cookie then
    local session = cookie:match("^(session=[^;]*)")
    if session then wrk.headers["Cookie"] = session end
  end
end
"""


def _environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "AUYL_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
        "AUYL_SECRET_KEY": "bench-throughput-secret",
        "AUYL_NODE_DIR": str(folder / "node"),
        "FLASK_APP": "app",
    })
    return env


def prepare(lesson_path: str) -> None:
    """In this process (environment already set): schema, demo data, a few answers."""
    from flask_migrate import upgrade

    from app import create_app
    from app.course import get_course
    from app.extensions import db
    from app.models import User
    from app.progress import record

    app = create_app()
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["demo"])
        if result.exit_code != 0:
            raise SystemExit(f"flask demo failed: {result.output}")
        learner = db.session.scalar(db.select(User).where(User.login_code == "aigul"))
        level_id, item_id = lesson_path.split("/")
        lesson = get_course().items[item_id]
        assert lesson.level == level_id and lesson.kind == "lesson", lesson_path
        lang = learner.language
        record.open_lesson(learner, lesson, lang)
        choice = [q for q in lesson.variant(lang).questions if q.type in ("single", "truefalse")]
        for question, right in zip(choice[:2], (True, False), strict=True):
            option = next(i for i, o in enumerate(question.options) if o.correct == right)
            record.answer_question(learner, lesson, question, (option,), lang)


def bench_app():
    """The app with the bench's routes: hello as an app route, and a bare Flask app beside it."""
    from flask import Flask
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from app import create_app

    app = create_app()
    app.add_url_rule(HELLO, "bench_hello", lambda: "Hello, World!")
    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: "Hello, World!")
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {BARE.rstrip("/"): bare})  # type: ignore[method-assign]
    return app


def serve(port: int) -> None:
    """The server process: the app as `flask serve` runs it (same waitress settings), with the
    bench's two hello pages."""
    from app.cli.serve import make_server

    app = bench_app()
    server = make_server(app, "127.0.0.1", port)
    print(f"serving on {port} with {app.config['SERVE_THREADS']} threads", flush=True)
    server.run()


def _wait_for(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not start on port {port}")


def sign_in(base: str) -> tuple[str, urllib.request.OpenerDirector]:
    """The learner's session cookie (as a Cookie header value) after signing in with the form."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"code": "aigul", "pin": "2580", "csrf_token": token}).encode()
    opener.open(base + "/login", data=data).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, opener


def check_page(opener, url: str) -> None:
    """The lesson page answers 200 to the signed-in learner and shows their answers."""
    response = opener.open(url)
    body = response.read().decode()
    if response.status != 200 or 'class="q is-right"' not in body or "is-wrong" not in body:
        raise SystemExit(f"{url}: not the learner's lesson page (status {response.status})")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str], script: Path,
        server_pid: int | None = None) -> tuple[float, float]:
    """Requests per second, and the server's CPU milliseconds per request (0 if unknown)."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script)]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    cpu = _cpu_seconds(server_pid) if server_pid else 0.0
    out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    cpu = _cpu_seconds(server_pid) - cpu if server_pid else 0.0
    bad = int(re.search(r"NON200 (\d+)", out).group(1))
    if bad:
        raise SystemExit(f"{url}: {bad} answers were not 200\n{out}")
    count = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), cpu * 1000 / max(count, 1)


def profile(folder: Path, lesson: str, count: int) -> None:
    """Where a lesson request's time goes, in this process (pyinstrument; not a dependency)."""
    from pyinstrument import Profiler

    app = bench_app()
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"code": "aigul", "pin": "2580", "csrf_token": token})
    url = f"/learn/{lesson}"
    for _ in range(20):  # warm-up: templates compiled, the lesson's pieces kept
        assert client.get(url, headers={"Accept-Encoding": ACCEPT_ENCODING}).status_code == 200
    profiler = Profiler(interval=0.0005)
    started = time.process_time()
    with profiler:
        for _ in range(count):
            client.get(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
    print(f"{count} requests, {(time.process_time() - started) / count * 1000:.2f} ms CPU each (profiled)")
    print(profiler.output_text(unicode=True, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=5151)
    parser.add_argument("--lesson", default="elementary/egov-first-steps", help="level/lesson to load")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each page, in turn")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="instead: profile N lesson requests in-process (pip install pyinstrument)")
    parser.add_argument("--keep", action="store_true", help="set up and serve until Ctrl+C (no load)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the server process
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        return serve(options.port)
    if options.prepare:
        return prepare(options.lesson)
    if shutil.which("wrk") is None and not options.profile:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    folder = Path(tempfile.mkdtemp(prefix="auyl-throughput-"))
    env = _environment(folder)
    try:
        subprocess.run([sys.executable, __file__, "--prepare", "--lesson", options.lesson], env=env, check=True,
                       cwd=ROOT, capture_output=True)
        if options.profile:
            os.environ.update(env)
            return profile(folder, options.lesson, options.profile)
        if options.keep:
            return keep_serving(options, env)
        runs, cpu = measure(options, env, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(options, runs, cpu)


def report(options, runs: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    median = {name: statistics.median(values) for name, values in runs.items()}
    cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
    print(f"waitress ({options.connections} connections, wrk -t1), {options.rounds} runs x {options.seconds} s "
          f"of each page, in turn; lesson /learn/{options.lesson}, signed in, with answers")
    for name, label in PAGES:
        print(f"{label:<24} {median[name]:7.0f} rps  (runs: {', '.join(f'{r:.0f}' for r in runs[name])})  "
              f"server CPU {cpu_median[name]:.2f} ms/request")
    for name, label in PAGES[:2]:
        ratio = median["lesson"] / median[name]
        print(f"ratio lesson / {label:<24} {ratio:6.1%} of the rps  (budget {BUDGET:.0%}: "
              f"{'met' if ratio >= BUDGET else 'missed'});  by server CPU per request: "
              f"{cpu_median[name] / cpu_median['lesson']:.1%}")


PAGES = (("bare", "hello, bare Flask app"), ("hello", "hello, app route"), ("lesson", "lesson page"))


def keep_serving(options, env: dict[str, str]) -> None:
    """Serve the prepared site and print the learner's cookie, for trying loads by hand."""
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--port", str(options.port)], env=env, cwd=ROOT)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` this process: the server stops too
    try:
        _wait_for(options.port)
        cookie, _ = sign_in(f"http://127.0.0.1:{options.port}")
        print(f"Cookie: {cookie}", flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(options, env: dict[str, str], folder: Path) -> tuple[dict, dict]:
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--port", str(options.port)], env=env,
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(options.port)
        base = f"http://127.0.0.1:{options.port}"
        cookie, opener = sign_in(base)
        lesson_url = f"{base}/learn/{options.lesson}"
        check_page(opener, lesson_url)
        script, script_cookie = folder / "count.lua", folder / "cookie.lua"
        script.write_text(WRK_SCRIPT)
        script_cookie.write_text(WRK_SCRIPT_COOKIE)
        common = {"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": USER_AGENT}
        pages = {"bare": (base + BARE, common, script), "hello": (base + HELLO, common, script),
                 "lesson": (lesson_url, {**common, "Cookie": cookie}, script_cookie)}
        runs: dict[str, list[float]] = {name: [] for name in pages}
        cpu: dict[str, list[float]] = {name: [] for name in pages}
        for url, headers, lua in pages.values():  # warm-up
            wrk(url, 2, options.connections, headers, lua)
        for _ in range(options.rounds):
            for name, (url, headers, lua) in pages.items():
                rps, ms = wrk(url, options.seconds, options.connections, headers, lua, server.pid)
                runs[name].append(rps)
                cpu[name].append(ms)
        check_page(opener, lesson_url)  # still signed in: every lesson request above was the page
    finally:
        server.terminate()
        server.wait(timeout=10)
    return runs, cpu


if __name__ == "__main__":
    main()
