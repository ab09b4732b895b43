"""Benchmarks at scale: every main list, the totals, the dashboard and the cases export, against their floors.

Run by `make bench` (see bench/README.md). For each database (SQLite in a temporary file; PostgreSQL
when it answers, in its own database) and each N, the scale data set (icp/scale.py) is built once, then
every request is timed in-process with the Flask test client: one warm-up, then BENCH_RUNS runs
(median, min–max), and the SQL statements of one request counted. The whole-list export runs in a
fresh process per run so its peak memory (VmHWM) is its own; the report workbooks are downloaded as from
the 報表 page. Then the import (SQLite) and the load test on gunicorn (bench/load.py, SQLite). Writes
bench/results.md.
"""
import json
import math
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
EXPORT_RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", str(RUNS)))
SIZES = [int(n) for n in os.environ.get("BENCH_CASES", "10000,100000").replace("_", "").split(",") if n]
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale")
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "results.md"))
DATA_DIR = os.environ.get("BENCH_DATA_DIR")  # keep built databases here and reuse them (same N)
# N for the import runs (the largest is the target's; a smaller one shows how memory grows); 0 or empty: none
IMPORT_TARGET_CASES = 50_000  # the target: a 50,000-case workbook at ≥ 5,000 rows/s
IMPORT_CASES = [int(n) for n in os.environ.get("BENCH_IMPORT_CASES", "5000,50000,100000").replace("_", "").split(",")
                if n and int(n)]
# what runs for each database and N (lists, totals, export, reports); the import and the load test have their own
PARTS = set(os.environ.get("BENCH_PARTS", "lists,totals,export,reports").split(","))
REPORT_RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "3"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60") or 0)  # 0: no load test
USER, PASSWORD = "bench", "bench-password-123"
YEAR = 2015

# list endpoint → (menu name, equality filter: column and value)
LISTS = {
    "case": ("工業合作個案", "status", "實核通過"),
    "decision": ("審議結果", "kind", "實核通過"),
    "agreement": ("工業合作協議書", "status", "執行中"),
    "firm": ("國內廠商", "is_defense_supplier", "1"),
    "meeting": ("會議", "kind", "工業合作推動小組會議"),
}
TOTALS = {
    f"/admin/totals/?year={YEAR}": "額度統計（推動小組會議審議結果，年度）",
    "/admin/totals/agreements/": "額度統計：各協議書",
    "/admin/totals/by/contractor/?scope=all": "額度統計：各國外承商（全期）",
    "/admin/": "首頁（儀表板）",
}
# The raw SQL behind each totals view, written by hand: the floor a view cannot beat by much.
FLOORS = {
    f"/admin/totals/?year={YEAR}": f"""
        SELECT d.meeting_id, d.kind, d.currency, count(d.id), sum(d.credits) FROM case_decision d
        JOIN meeting m ON d.meeting_id = m.id
        WHERE m.kind = '工業合作推動小組會議' AND m.held_on >= '{YEAR}-01-01' AND m.held_on < '{YEAR + 1}-01-01'
        GROUP BY d.meeting_id, d.kind, d.currency""",
    "/admin/totals/agreements/": """
        SELECT a.id, a.number, c.name_zh, a.obligation, s.pre, s.final FROM agreement a
        JOIN contractor c ON a.contractor_id = c.id
        LEFT JOIN (SELECT k.agreement_id,
                          sum(CASE WHEN d.kind = '預核通過' AND d.currency = ag.obligation_currency THEN d.credits ELSE 0 END) AS pre,
                          sum(CASE WHEN d.kind = '實核通過' AND d.currency = ag.obligation_currency THEN d.credits ELSE 0 END) AS final
                   FROM case_decision d JOIN icp_case k ON d.case_id = k.id JOIN agreement ag ON k.agreement_id = ag.id
                   GROUP BY k.agreement_id) s ON s.agreement_id = a.id
        ORDER BY a.number""",
    "/admin/totals/by/contractor/?scope=all": """
        SELECT c.id, c.name_zh, d.currency,
               sum(CASE WHEN d.kind = '預核通過' THEN 1 ELSE 0 END), sum(CASE WHEN d.kind = '預核通過' THEN d.credits ELSE 0 END),
               sum(CASE WHEN d.kind = '實核通過' THEN 1 ELSE 0 END), sum(CASE WHEN d.kind = '實核通過' THEN d.credits ELSE 0 END)
        FROM case_decision d JOIN icp_case k ON d.case_id = k.id JOIN agreement a ON k.agreement_id = a.id
        JOIN contractor c ON a.contractor_id = c.id
        WHERE d.kind IN ('預核通過', '實核通過') GROUP BY c.id, c.name_zh, d.currency ORDER BY c.id, d.currency""",
}
# The report workbooks, downloaded as from the 報表 page (views/reports.py → icp/reports → icp/xlsx.py): the
# 2011 annual report (the seed report's year) and the scale data's last year, and that year's last quarter.
RECENT_YEAR = 2025  # icp.scale.LAST_YEAR
REPORTS = {
    "/admin/reports/annual.xlsx?year=2011": ("annual", "年報 workbook, 2011 (100年度)"),
    f"/admin/reports/annual.xlsx?year={RECENT_YEAR}": ("annual", f"年報 workbook, {RECENT_YEAR} ({RECENT_YEAR - 1911}年度)"),
    f"/admin/reports/quarterly.xlsx?year={RECENT_YEAR}&quarter=4":
        ("quarterly", f"季報 workbook, {RECENT_YEAR} Q4 ({RECENT_YEAR - 1911}年第4季)"),
}
CASE_COLUMNS_SQL = """
    SELECT k.number, k.title, a.number, k.case_type, k.field, k.defense_class, k.actual_value, k.currency,
           k.multiplier, k.credit, k.status
    FROM icp_case k JOIN agreement a ON k.agreement_id = a.id ORDER BY k.number DESC"""


# --- set-up ----------------------------------------------------------------------------------------
def app_for(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD":
                       "pbkdf2:sha256:1000", "ATTACHMENT_DIR": tempfile.gettempdir()})


def postgres_reachable() -> bool:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    try:
        server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}):
                conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        server.dispose()
        return True
    except Exception as error:  # noqa: BLE001 (any failure means: skip PostgreSQL, and say why)
        print(f"PostgreSQL at {POSTGRES_URL} not used: {str(error).splitlines()[0]}")
        return False


def database_build(url: str, cases: int):
    """Migrate, fill with the scale data (unless a kept database already holds N cases), add the bench user."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from icp.extensions import db
    from icp.scale import scale_load
    from models import IcpCase, User

    app = app_for(url)
    with app.app_context():
        existing = None
        try:
            existing = db.session.scalar(sa.select(sa.func.count()).select_from(IcpCase))
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
        rebuild = existing != cases or not DATA_DIR
        if rebuild:
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                    conn.execute(sa.text("CREATE SCHEMA public"))
            elif url.startswith("sqlite:///"):
                Path(url[len("sqlite:///"):]).unlink(missing_ok=True)
            db.engine.dispose()
        upgrade(directory=str(ROOT / "migrations"))
        if rebuild:
            started = time.perf_counter()
            scale_load(cases=cases)
            print(f"  built {cases:,} cases in {time.perf_counter() - started:.1f} s")
        if not db.session.scalar(sa.select(User).where(User.username == USER)):
            user = User(username=USER, role="admin", display_name=USER, active=True)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
        # planner statistics, and on PostgreSQL the visibility map (index-only scans), as a database in use has
        # them from autovacuum; VACUUM runs outside a transaction
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
    return app


def login(client) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": USER, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.text[:500]


# --- measuring --------------------------------------------------------------------------------------
def summary(times: list[float]) -> dict:
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def measure(app, client, url: str, runs: int = RUNS) -> dict:
    from sqlalchemy import event

    from icp.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)  # warm-up, and the statements one request issues
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    times, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        assert response.status_code == 200
    # this process's CPU time (with SQLite, the queries' too): what the request costs, whatever else is running
    return {**summary(times), "queries": len(statements), "cpu": statistics.median(cpu)}


def floor_measure(app, sql: str) -> dict:
    from icp.extensions import db

    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            times = []
            for run in range(RUNS + 1):
                cursor = connection.cursor()
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                if run:
                    times.append(time.perf_counter() - started)
                cursor.close()
        finally:
            connection.close()
    return {**summary(times), "queries": 1}


def filter_arg(app, endpoint: str, column: str) -> str:
    """The URL argument of a list's equality filter on `column` (Flask-Admin numbers its filters)."""
    view = next(v for v in app.extensions["admin"][-1]._views if getattr(v, "endpoint", None) == endpoint)
    for index, flt in enumerate(view._filters):
        if getattr(flt, "column", None) is not None and flt.column.key == column and \
                type(flt).__name__ in ("EnumEqualFilter", "BooleanEqualFilter", "FilterEqual"):
            return f"flt0_{index}"
    raise LookupError(f"{endpoint}: no equality filter on {column}")


def list_urls(app, endpoint: str, rows: int) -> list[tuple[str, str]]:
    _name, column, value = LISTS[endpoint]
    pages = max(1, math.ceil(rows / 50))
    deep = min(999, pages - 1)
    base = f"/admin/{endpoint}/"
    return [("page 1", base),
            (f"page {deep + 1:,}" + ("" if deep == 999 else " (last)"), f"{base}?page={deep}"),
            (f"filtered ({column} = {value})", f"{base}?{filter_arg(app, endpoint, column)}={value}"),
            ("search 雷達", f"{base}?search=雷達")]


def peak_kb() -> int:
    """This process's peak resident memory (kB). Not ru_maxrss: Linux carries that over from the parent
    across fork and exec, so a child of this (large) bench process would report the parent's peak."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))


def peak_reset() -> None:
    """Start this process's peak (VmHWM) again from its current resident memory (Linux ≥ 4.0), so that the
    peak measured next is that of what runs next, not of the set-up before it (e.g. the list page that
    loaded the app)."""
    Path("/proc/self/clear_refs").write_text("5")


def export_once(url: str, mode: str) -> dict:
    """In this (fresh) process: the cases export through the app, or the floor with no framework."""
    if mode == "app":
        app = app_for(url)
        client = app.test_client()
        login(client)
        assert client.get("/admin/case/").status_code == 200  # the app loaded, as a served app would be
        peak_reset()
        baseline = peak_kb()
        started = time.perf_counter()
        # read as a server sends it: the app writes the workbook to a temporary file and send_file streams it
        # in blocks; the test client's buffered response would hold the whole body in this process, twice
        response = client.get("/admin/case/export.xlsx", buffered=False)
        assert response.status_code == 200
        size, head = 0, b""
        for block in response.iter_encoded():
            head = head or block[:2]
            size += len(block)
        response.close()
        seconds = time.perf_counter() - started
        assert head == b"PK"
    else:
        import tempfile

        import sqlalchemy as sa
        import xlsxwriter

        engine = sa.create_engine(url)
        peak_reset()
        baseline = peak_kb()
        started = time.perf_counter()
        out = tempfile.TemporaryFile()  # as the app does
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                             "strings_to_urls": False})
        sheet = workbook.add_worksheet("工業合作個案")
        sheet.write_row(0, 0, ("個案編號", "個案名稱", "協議書", "執行方式", "應用領域", "國防/產業類別", "實際價值", "幣別",
                               "乘數", "工業合作額度(點)", "狀態"))
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=1000).exec_driver_sql(CASE_COLUMNS_SQL)
            for row_number, row in enumerate(result, start=1):
                for col, value in enumerate(row):
                    if isinstance(value, str):
                        sheet.write_string(row_number, col, value)
                    elif value is not None:
                        sheet.write_number(row_number, col, float(value))
        workbook.close()
        seconds = time.perf_counter() - started
        size = out.seek(0, 2)
        out.close()
    peak = peak_kb()
    return {"seconds": seconds, "peak_mb": peak / 1024, "growth_mb": (peak - baseline) / 1024, "bytes": size}


def export_measure(url: str, mode: str) -> dict:
    runs = []
    for _ in range(EXPORT_RUNS + 1):  # the first is the warm-up (file cache)
        out = subprocess.run([sys.executable, __file__, "--export-once", url, mode], capture_output=True, text=True,
                             cwd=ROOT, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs = runs[1:]
    return {**summary([r["seconds"] for r in runs]), "queries": None,
            "peak_mb": max(r["peak_mb"] for r in runs), "growth_mb": max(r["growth_mb"] for r in runs),
            "bytes": runs[0]["bytes"]}


def bench_one(kind: str, url: str, cases: int) -> list[dict]:
    import sqlalchemy as sa

    from icp.extensions import db
    from models import Agreement, CaseDecision, DomesticFirm, IcpCase, Meeting

    print(f"== {kind}, N = {cases:,}")
    app = database_build(url, cases)
    client = app.test_client()
    login(client)
    counts = {}
    with app.app_context():
        for endpoint, model in (("case", IcpCase), ("decision", CaseDecision), ("agreement", Agreement),
                                ("firm", DomesticFirm), ("meeting", Meeting)):
            counts[endpoint] = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    rows = []

    def add(group, name, result, **extra):
        rows.append({"db": kind, "n": cases, "group": group, "name": name, **result, **extra})
        print(f"  {group:10} {name:52} {result['median'] * 1000:9.1f} ms  q={result.get('queries')}")

    if "lists" in PARTS:
        for endpoint, (label, *_rest) in LISTS.items():
            for variant, url_ in list_urls(app, endpoint, counts[endpoint]):
                add("list", f"{label} ({counts[endpoint]:,}): {variant}", measure(app, client, url_), url=url_)
    if "totals" in PARTS:
        for url_, label in TOTALS.items():
            add("totals", label, measure(app, client, url_), url=url_)
            if url_ in FLOORS:
                add("floor", f"raw SQL GROUP BY behind {label}", floor_measure(app, FLOORS[url_]), url=url_)
    if "reports" in PARTS:
        for url_, label in REPORTS.items():
            add(label[0], label[1], measure(app, client, url_, runs=REPORT_RUNS), url=url_)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if "export" in PARTS and EXPORT_RUNS:  # BENCH_EXPORT_RUNS=0 skips it, like leaving it out of BENCH_PARTS
        add("export", f"工業合作個案 export.xlsx ({counts['case']:,} rows)", export_measure(url, "app"))
        add("floor", f"XlsxWriter constant_memory from a streaming cursor ({counts['case']:,} rows)",
            export_measure(url, "floor"))
    return rows


def import_once(url: str, workbook: str) -> dict:
    """In this (fresh) process: migrate the empty database at `url`, then import the interchange workbook."""
    from flask_migrate import upgrade

    from icp.importer import workbook_import

    app = create_app_for_import(url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        baseline = peak_kb()
        started = time.perf_counter()
        result = workbook_import(workbook)
        seconds = time.perf_counter() - started
    assert result.ok and result.written, result.problems[:5]
    peak = peak_kb()
    rows = sum(c.created + c.updated + c.unchanged for c in result.counts)
    return {"seconds": seconds, "rows": rows, "peak_mb": peak / 1024, "growth_mb": (peak - baseline) / 1024}


def create_app_for_import(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "IMPORT_MAX_BYTES": 1 << 30,
                       "IMPORT_MAX_UNZIPPED_BYTES": 1 << 32})


def import_bench(folder: Path, cases: int) -> list[dict]:
    """export-all of the N-case scale data set, then its import into an empty SQLite database (fresh process)."""
    from icp.extensions import db
    from icp.interchange import workbook_export

    print(f"== import, N = {cases:,}")
    source = f"sqlite:///{folder / f'bench-{cases}.sqlite'}"
    workbook = folder / f"interchange-{cases}.xlsx"
    app = database_build(source, cases)
    if not (DATA_DIR and workbook.exists()):
        with app.app_context():
            workbook_export(str(workbook))
            db.session.remove()
            db.engine.dispose()
    target = folder / f"bench-import-{cases}.sqlite"
    target.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, __file__, "--import-once", f"sqlite:///{target}", str(workbook)],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    run = json.loads(out.stdout.strip().splitlines()[-1])
    target.unlink(missing_ok=True)
    row = {"db": "sqlite", "n": cases, "group": "import", "median": run["seconds"], "min": run["seconds"],
           "max": run["seconds"], "queries": None, "peak_mb": run["peak_mb"], "growth_mb": run["growth_mb"],
           "rows": run["rows"], "name": f"import of the {cases:,}-case interchange workbook ({run['rows']:,} rows, "
                                       f"{workbook.stat().st_size / 1e6:.1f} MB), 1 run"}
    print(f"  import {run['rows']:,} rows in {run['seconds']:.1f} s = {run['rows'] / run['seconds']:,.0f} rows/s, "
          f"peak {run['peak_mb']:.0f} MB")
    return [row]


# --- the report -------------------------------------------------------------------------------------
def machine() -> dict:
    import sqlalchemy as sa

    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    info = {"cores (nproc)": os.cpu_count(), "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
            "Python": platform.python_version(), "SQLite": sqlite3.sqlite_version,
            "SQLAlchemy": sa.__version__, "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    return info


def postgres_version() -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL)
    with engine.connect() as conn:
        version = conn.scalar(sa.text("SHOW server_version"))
    engine.dispose()
    return version


def verdict(row: dict, rows: list[dict]) -> str:
    """The issue's target for a row, and whether it holds (PostgreSQL: 1.5 × the SQLite time targets)."""
    factor = 1.5 if row["db"] == "postgresql" else 1
    ms = row["median"] * 1000
    if row["group"] == "list":
        other = [r for r in rows if r["db"] == row["db"] and r["n"] != row["n"] and r["group"] == "list"
                 and r["name"].split(" (")[0] == row["name"].split(" (")[0]
                 and r["name"].split(": ", 1)[1].split(" ")[0] == row["name"].split(": ", 1)[1].split(" ")[0]]
        same = all(r["queries"] == row["queries"] for r in other)
        ok = ms <= 40 * factor and row["queries"] <= 4 and same
        return f"{'✅' if ok else '❌'} ≤ {40 * factor:g} ms, ≤ 4 queries{'' if same else ', count differs by N'}"
    if row["group"] == "totals":
        floor = next((r for r in rows if r["group"] == "floor" and r["db"] == row["db"] and r["n"] == row["n"]
                      and r.get("url") == row.get("url")), None)
        ok = ms <= 150 * factor and (floor is None or row["median"] <= floor["median"])  # not slower than its floor
        return f"{'✅' if ok else '❌'} ≤ {150 * factor:g} ms and ≤ floor" + (
            f" (floor × {row['median'] / floor['median']:.1f})" if floor else "")
    if row["group"] in ("annual", "quarterly"):
        # with SQLite the bench process does all the work: its CPU time is the request's cost on an idle machine
        cpu = f"; CPU of the bench process {row['cpu'] * 1000:,.0f} ms" + (" (the server's not included)"
                                                                           if row["db"] == "postgresql" else "")
        if row["group"] == "quarterly":
            return f"no target of its own (≤ 3,000 ms like the annual){cpu}"
        return f"{'✅' if ms <= 3000 * factor else '❌'} ≤ {3000 * factor:,.0f} ms{cpu}"
    if row["group"] == "load":
        import load

        return load.verdict(row)
    if row["group"] == "import":
        rate = row["rows"] / row["median"]
        sizes = sorted((r["n"], r["peak_mb"]) for r in rows if r["group"] == "import")
        target = IMPORT_TARGET_CASES if any(n == IMPORT_TARGET_CASES for n, _mb in sizes) else sizes[-1][0]
        if row["n"] != target:
            return f"({rate:,.0f} rows/s; the rows/s target is the {target:,}-case workbook's)"
        peaks = "; peak by N: " + ", ".join(f"{n:,}: {mb:.0f} MB" for n, mb in sizes) if len(sizes) > 1 else ""
        return f"{'✅' if rate >= 5000 else '❌'} ≥ 5,000 rows/s (here {rate:,.0f} rows/s{peaks})"
    if row["group"] == "export":
        floor = next(r for r in rows if r["group"] == "floor" and r["db"] == row["db"] and r["n"] == row["n"]
                     and "XlsxWriter" in r["name"])
        ratio = row["median"] / floor["median"]
        ok = ratio <= 1.15 and row["peak_mb"] <= 80
        sizes = sorted((r["n"], r["peak_mb"]) for r in rows if r["group"] == "export" and r["db"] == row["db"])
        flat = f"; peak {sizes[-1][1] / sizes[0][1] - 1:+.0%} from N={sizes[0][0]:,}" if len(sizes) > 1 else ""
        return (f"{'✅' if ok else '❌'} ≤ 1.15 × floor (here {ratio:.2f} ×), peak ≤ 80 MB "
                f"(growth {row['growth_mb']:.0f} MB{flat})")
    return ""


def report(rows: list[dict], info: dict) -> str:
    lines = ["# Benchmark results", "",
             "Written by `make bench` (bench/run.py; see bench/README.md). Times are in-process (Flask test client):",
             f"median and min–max of {RUNS} runs after one warm-up; exports in a fresh process per run "
             f"({EXPORT_RUNS} runs), with that process's peak RSS (VmHWM; ru_maxrss would include the parent's, see peak_kb) and its growth during the export; "
             f"report workbooks: {REPORT_RUNS} runs after one warm-up. Load test (bench/load.py): over HTTP to gunicorn, "
             "median = p50 and min–max over all requests of a type, p95 in the target column.", "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += ["", "| database | N cases | measurement | median ms | min–max ms | SQL queries | peak MB (growth) | target |",
              "|---|---|---|---:|---:|---:|---:|---|"]
    for row in rows:
        memory = f"{row['peak_mb']:.0f} ({row['growth_mb']:+.0f})" if "peak_mb" in row else ""
        lines.append(f"| {row['db']} | {row['n']:,} | {row['name']} | {row['median'] * 1000:,.1f} | "
                     f"{row['min'] * 1000:,.1f}–{row['max'] * 1000:,.1f} | {row['queries'] if row['queries'] else ''} | "
                     f"{memory} | {verdict(row, rows)} |")
    skipped = []
    if not any(row["group"] == "import" for row in rows):
        skipped.append("import of interchange workbooks (BENCH_IMPORT_CASES=0 or no SQLite)")
    if not any(row["group"] == "load" for row in rows):
        skipped.append("20 users on gunicorn (4 workers), SQLite WAL, 60 s (BENCH_LOAD_SECONDS=0 or no SQLite)")
    for what in skipped:
        lines.append(f"| – | – | not measured in this run: {what} | | | | | |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    info = machine()
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(DATA_DIR or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if "sqlite" in DATABASES:
            targets += [("sqlite", f"sqlite:///{folder / f'bench-{n}.sqlite'}", n) for n in SIZES]
        if "postgresql" in DATABASES and postgres_reachable():
            info["PostgreSQL"] = postgres_version()
            targets += [("postgresql", POSTGRES_URL, n) for n in SIZES]
        rows = []
        for kind, url, n in targets:
            rows += bench_one(kind, url, n)
        if "sqlite" in DATABASES:
            for cases in IMPORT_CASES:
                rows += import_bench(folder, cases)
        if LOAD_SECONDS and "sqlite" in DATABASES:
            import load

            info["load test"] = (f"{load.USERS} users, gunicorn -w {load.WORKERS}, think time {load.THINK:g} s "
                                 f"(uniform ×0.5–1.5), mix {load.WEIGHTS}; client and server share the machine")
            rows += load.load_bench(folder)
            first = next((row for row in rows if row["group"] == "load"), {})
            info["load average when the load test began"] = first.get("load_start", "")
            info["load test CPU"] = first.get("cpu", "")
    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    OUT.write_text(report(rows, info), encoding="utf-8")
    print(f"written: {OUT}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--export-once"]:
        print(json.dumps(export_once(sys.argv[2], sys.argv[3])))
    elif sys.argv[1:2] == ["--import-once"]:
        print(json.dumps(import_once(sys.argv[2], sys.argv[3])))
    else:
        main()
