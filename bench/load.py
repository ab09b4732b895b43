"""Load test: N users on gunicorn (4 workers) against a 100,000-case SQLite database in WAL mode.

Run by bench/run.py (`make bench`; BENCH_LOAD_SECONDS=0 skips it), or alone: `python bench/load.py`.
The scale database is built (or reused from BENCH_DATA_DIR) with bench/run.py's builder, BENCH_LOAD_USERS
editor accounts are added, and `gunicorn -w 4 'app:create_app()'` serves it on 127.0.0.1. Each user is a
thread with its own session: it logs in through the login form (CSRF token), then, for BENCH_LOAD_SECONDS,
repeats a weighted choice of
- a list page (cases page 1 / a deep page / filtered / searched, decisions, agreements, firms, meetings);
- an inline edit: load a page of the cases list, pick a row, post its title through x-editable's URL with the
  row's version and the page's CSRF token (two users editing the same row: the second gets 409 — counted as
  a conflict, not an error);
- an export of a searched cases list (.xlsx, some hundred rows);
with a pause of BENCH_LOAD_THINK seconds on average (uniform 0.5×–1.5×) between requests.

Errors: any 5xx, any other unexpected status, a refused login, a connection failure, and any response that
says "database is locked" (counted apart as well). The client runs on the same machine as the server: on
2 cores it takes part of the CPU the server could have used.
"""
import http.client
import json
import math
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60") or 0)
USERS = int(os.environ.get("BENCH_LOAD_USERS", "20"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "4"))
CASES = int(os.environ.get("BENCH_LOAD_CASES", "100000").replace("_", ""))
THINK = float(os.environ.get("BENCH_LOAD_THINK", "1.0"))
WEIGHTS = {"list": 75, "edit": 20, "export": 5}
PASSWORD = "load-password-123"
LIST_P95_TARGET_MS = 250
LOCKED = "database is locked"
STALE = "已被他人修改"  # the refusal of a save based on an older version (views/base.py, stale_message)
SEARCHES = ("衛星通訊國際認證", "雷達聯合研發", "鋰電池技術移轉", "渦輪發動機國內投資設廠")
MARK = "（修）"


def list_paths(status_filter: str) -> list[str]:
    return ["/admin/case/", "/admin/case/?page=999", f"/admin/case/?{status_filter}={quote('實核通過')}",
            f"/admin/case/?search={quote('雷達')}", "/admin/decision/", "/admin/agreement/", "/admin/firm/",
            "/admin/meeting/"]


def users_ensure(url: str) -> None:
    """BENCH_LOAD_USERS editors (load01, load02, …) with one password."""
    import sqlalchemy as sa

    from icp.extensions import db
    from models import User
    from run import app_for

    app = app_for(url)
    with app.app_context():
        for n in range(1, USERS + 1):
            name = f"load{n:02d}"
            if not db.session.scalar(sa.select(User).where(User.username == name)):
                user = User(username=name, role="editor", display_name=name, active=True)
                user.set_password(PASSWORD)
                db.session.add(user)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One user's browser: a keep-alive connection, the session cookie, the CSRF tokens it is given."""

    def __init__(self, port: int):
        self.port, self.cookies, self.conn = port, {}, None

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        body = urlencode(form).encode() if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # a kept-alive connection the server has closed: reconnect once
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        is_text = "text" in (response.headers.get("Content-Type") or "")
        return response.status, data.decode("utf-8", "replace") if is_text else f"<{len(data)} bytes>"

    def login(self, username: str) -> None:
        _status, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        status, text = self.request("POST", "/login", {"username": username, "password": PASSWORD, "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"login of {username} refused: {status} {text[:200]}")


class Tally:
    """Times and outcomes per request type, shared by the user threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.locked: dict[str, int] = {}
        self.conflicts: dict[str, int] = {}
        self.samples: list[str] = []

    def add(self, kind: str, seconds: float, *, error: str | None = None, locked: bool = False,
            conflict: bool = False) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if error or locked:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.samples) < 5:
                    self.samples.append(f"{kind}: {error}")
            if locked:
                self.locked[kind] = self.locked.get(kind, 0) + 1
            if conflict:
                self.conflicts[kind] = self.conflicts.get(kind, 0) + 1


def timed(client: Client, tally: Tally, kind: str, method: str, path: str, form: dict | None = None,
          expected=(200,)) -> tuple[int, str]:
    started = time.perf_counter()
    try:
        status, text = client.request(method, path, form)
    except Exception as error:  # noqa: BLE001 (a failed request is an error of the run, whatever it is)
        tally.add(kind, time.perf_counter() - started, error=f"{type(error).__name__}: {error}")
        return 0, ""
    seconds = time.perf_counter() - started
    locked = LOCKED in text
    conflict = status == 409 and STALE in text
    error = None if status in expected or conflict else f"HTTP {status} {method} {path}: {text[:160]!r}"
    tally.add(kind, seconds, error=error, locked=locked, conflict=conflict)
    return status, text


EDITABLE = re.compile(r'<a data-csrf="([^"]+)" data-pk="(\d+)" data-role="x-editable" data-type="text" '
                      r'data-url="\./ajax/update/\?version=(\d+)" data-value="([^"]*)"[^>]*name="title"')


def edit_once(client: Client, tally: Tally, rng: random.Random) -> None:
    """Open one of the first cases pages (shared by all users, so edits collide now and then), change a title."""
    page = rng.randrange(3)
    status, html = timed(client, tally, "list", "GET", f"/admin/case/?page={page}")
    rows = EDITABLE.findall(html) if status == 200 else []
    if not rows:
        if status == 200:
            tally.add("edit", 0, error="no editable title on the cases page")
        return
    csrf, pk, version, title = rng.choice(rows)
    title = title.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
    new = title[:-len(MARK)] if title.endswith(MARK) else title + MARK
    timed(client, tally, "edit", "POST", f"/admin/case/ajax/update/?version={version}",
          {"list_form_pk": pk, "title": new, "csrf_token": csrf})


def user_run(port: int, username: str, paths: list[str], tally: Tally, start: threading.Barrier,
             stop_at: list[float], seed: int) -> None:
    rng = random.Random(seed)
    client = Client(port)
    try:
        client.login(username)
        client.request("GET", "/admin/case/")  # the first page a user opens; not timed
    except Exception as error:  # noqa: BLE001
        tally.add("login", 0, error=str(error))
    start.wait()
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    while time.perf_counter() < stop_at[0]:
        kind = rng.choices(kinds, weights)[0]
        if kind == "list":
            timed(client, tally, "list", "GET", rng.choice(paths))
        elif kind == "edit":
            edit_once(client, tally, rng)
        else:
            timed(client, tally, "export", "GET", f"/admin/case/export.xlsx?search={quote(rng.choice(SEARCHES))}")
        time.sleep(THINK * rng.uniform(0.5, 1.5))


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cases_in(path: Path) -> int | None:
    if not path.exists():
        return None
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM icp_case").fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn workers, the children of `master`."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:   # fields after the name: state, ppid, …; utime and stime are 12 and 13
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def database_copy(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's online backup: includes what is still in the WAL file)."""
    for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def journal_mode(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        connection.close()


def server_start(url: str, port: int, log) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-load", "ATTACHMENT_DIR": tempfile.gettempdir(),
           "FLASK_DEBUG": "0"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--timeout", "120",
                               "app:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log.name}")
        try:
            status, _text = Client(port).request("GET", "/login")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def load_bench(folder: Path) -> list[dict]:
    """Build or reuse the CASES-case SQLite database in `folder`, serve it with gunicorn, run the users."""
    from run import app_for, database_build, filter_arg

    print(f"== load test: {USERS} users, gunicorn -w {WORKERS}, SQLite, N = {CASES:,}, {SECONDS:g} s")
    source = folder / f"bench-{CASES}.sqlite"
    if not os.environ.get("BENCH_DATA_DIR") and cases_in(source) == CASES:
        app = app_for(f"sqlite:///{source}")  # built earlier in this run (run.py's temporary folder)
    else:
        app = database_build(f"sqlite:///{source}", CASES)
    with app.app_context():
        from icp.extensions import db

        paths = list_paths(filter_arg(app, "case", "status"))
        db.session.remove()
        db.engine.dispose()
    # the users' edits go to a copy: the kept scale database stays as built
    path = folder / f"load-{CASES}.sqlite"
    database_copy(source, path)
    url = f"sqlite:///{path}"
    users_ensure(url)
    port = free_port()
    log_path = folder / "gunicorn-load.log"
    with open(log_path, "w") as log:
        server = server_start(url, port, log)
        try:
            mode = journal_mode(path)
            tally = Tally()
            stop_at = [float("inf")]
            start = threading.Barrier(USERS + 1, timeout=600)
            threads = [threading.Thread(target=user_run, args=(port, f"load{n:02d}", paths, tally, start, stop_at, n),
                                        daemon=True) for n in range(1, USERS + 1)]
            for thread in threads:
                thread.start()
            start.wait()
            began, server_cpu, client_cpu = time.perf_counter(), workers_cpu(server.pid), time.process_time()
            stop_at[0] = began + SECONDS
            load_start = os.getloadavg()[0]
            for thread in threads:
                thread.join(SECONDS + 180)
            elapsed = time.perf_counter() - began
            # what the run cost, whatever else the machine was doing: CPU seconds of the workers and of this client
            server_cpu, client_cpu = workers_cpu(server.pid) - server_cpu, time.process_time() - client_cpu
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    for copy in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        copy.unlink(missing_ok=True)
    log_text = log_path.read_text(errors="replace")
    server_locked = log_text.count(LOCKED)
    total = sum(len(times) for times in tally.times.values())
    rows = []
    for kind in ("list", "edit", "export", "login"):
        times = tally.times.get(kind, [])
        if not times:
            continue
        row = {"db": "sqlite", "n": CASES, "group": "load", "kind": kind, "queries": None,
               "median": statistics.median(times), "min": min(times), "max": max(times),
               "p95": percentile(times, 95), "requests": len(times), "errors": tally.errors.get(kind, 0),
               "locked": tally.locked.get(kind, 0), "conflicts": tally.conflicts.get(kind, 0),
               "server_locked": server_locked, "journal_mode": mode, "load_start": f"{load_start:.2f}",
               "cpu": (f"gunicorn workers {server_cpu:.1f} s, client {client_cpu:.1f} s of CPU in {elapsed:.0f} s "
                       f"({(server_cpu + client_cpu) / elapsed:.2f} cores; workers {server_cpu * 1000 / total:.0f} ms "
                       f"per request)"),
               "name": f"{USERS} users on gunicorn -w {WORKERS} (SQLite {mode}, {SECONDS:g} s, "
                       f"{elapsed:.0f} s measured, {total / elapsed:.1f} requests/s in all): {LABELS[kind]}"}
        rows.append(row)
        print(f"  {kind:7} {row['requests']:6} requests  p50 {row['median'] * 1000:7.1f} ms  "
              f"p95 {row['p95'] * 1000:7.1f} ms  errors {row['errors']}  locked {row['locked']}  "
              f"409 {row['conflicts']}")
    for sample in tally.samples:
        print(f"  error: {sample}")
    print(f"  CPU: {rows[0]['cpu'] if rows else ''}")
    print(f"  journal mode {mode}; 'database is locked' in the server log: {server_locked}; "
          f"load average at start {load_start:.2f}; gunicorn log: {log_path}")
    return rows


LABELS = {"list": "list pages (p50, p95)", "edit": "inline edits of a case title (p50, p95)",
          "export": "export of a searched cases list (p50, p95)", "login": "logins"}


def verdict(row: dict) -> str:
    """The load test's target: no error, no "database is locked", list pages p95 ≤ 250 ms."""
    clean = row["errors"] == 0 and row["locked"] == 0 and row["server_locked"] == 0
    text = (f"{row['requests']:,} requests, {row['errors']} errors, {row['locked']} locked, "
            f"{row['conflicts']} stale-version 409s (not errors); p95 {row['p95'] * 1000:,.0f} ms")
    if row["kind"] == "list":
        ok = clean and row["p95"] * 1000 <= LIST_P95_TARGET_MS
        return f"{'✅' if ok else '❌'} p95 ≤ {LIST_P95_TARGET_MS} ms, no errors: {text}"
    return f"{'✅' if clean else '❌'} no errors: {text}"


def main() -> None:
    folder = Path(os.environ.get("BENCH_DATA_DIR") or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    rows = load_bench(folder)
    print(json.dumps([{k: v for k, v in row.items() if k != "name"} for row in rows], ensure_ascii=False))


if __name__ == "__main__":
    main()
