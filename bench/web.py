"""Benchmark: the web app under load, with 100,000 evaluations in the database.

    uv run python bench/web.py [--evaluations 100000] [--seconds 20] [--clients 1,16]
        [--backends sqlite,postgresql] [--workers 1] [--reuse DIR] [--postgres URL]

For each backend it loads ``--evaluations`` synthetic evaluations (``tests/synthetic.py``:
25 indicator rows and about 5 findings each, 8 % resubmitted, 1 % unreadable), gives a sample of
them real contracts (the synthetic rows carry filler, which the detail page cannot show), adds a
user, starts the real server (``python -m jixiao serve``, ``--workers`` processes) on loopback,
logs in, and then drives each page set with 1 and 16 concurrent clients (threads, one keep-alive
connection each) for ``--seconds``:

- ``list``: ``/evaluations`` with a random filter (year, unit, grade, errors, finding code,
  search, sort) and a random page among the first 50;
- ``detail``: ``/evaluations/{id}`` of a random sampled evaluation;
- ``dashboard``: ``/`` over everything (an admin's first view);
- ``dashboard-unit``: ``/?unit=…`` of a random unit (a unit user's view: built at its first
  request in each server process, then kept until the data change; the one-client run before
  the 16-client one builds most of them, run ``--clients 16`` alone to measure the builds);
- ``api-list``: ``/api/evaluations`` with a random filter;
- ``api-detail``: ``/api/evaluations/{id}``.

It prints, per backend, page set and number of clients: requests, requests/s, p50/p95/p99
latency in ms, and errors (non-200 answers or failed requests); and the first (cold) request of
each page set. Goal: p95 under 300 ms for every page at 16 clients on PostgreSQL. Figures only:
nothing is asserted (machines are noisy).

``--reuse DIR`` keeps the filled databases between runs (filling 100,000 evaluations takes
minutes): SQLite as ``DIR/sqlite-N.db``, PostgreSQL as a ``pg_dump`` archive restored into a
fresh throwaway server (``tests/pgserver.py``, as the tests use); ``--postgres URL`` uses an
existing server instead (the database ``jixiao_bench_N`` on it is created, or reused with
``--reuse``). The load generator runs on the same machine as the server and takes CPU from it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import httpx
from sqlalchemy import make_url
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import synthetic  # noqa: E402
from jixiao.core.checks import CATALOGUE  # noqa: E402
from jixiao.services import score_file  # noqa: E402
from jixiao.storage.accounts import Accounts  # noqa: E402
from jixiao.storage.accounts import Role  # noqa: E402
from jixiao.storage.db import Database  # noqa: E402
from jixiao.storage.db import current_revision  # noqa: E402
from jixiao.storage.db import head_revision  # noqa: E402
from jixiao.storage.db import make_engine  # noqa: E402
from jixiao.storage.db import open_database  # noqa: E402
from jixiao.storage.db import upgrade  # noqa: E402
from jixiao.web.security import hash_password  # noqa: E402

USER = "bench"
PASSWORD = "bench-pass-1"
SAMPLE = 2000  # evaluations given a real contract, for the detail pages
GOAL_MS = 300.0
PAGE_SETS = ("list", "detail", "dashboard", "dashboard-unit", "api-list", "api-detail")
EXAMPLES = ROOT / "examples"


# -- the database ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """What the load generator picks from: evaluation ids with a real contract, units, years."""

    ids: list[int]
    units: list[int]
    years: list[int]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"ids": self.ids, "units": self.units, "years": self.years}))

    @classmethod
    def load(cls, path: Path) -> Facts:
        raw = json.loads(path.read_text())
        return cls(raw["ids"], raw["units"], raw["years"])


def _count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM evaluations")).scalar_one())


def _prepare(db: Database, n: int, seed: int) -> Facts:
    """Fill an empty database and make it servable: statistics, real contracts, the bench user."""
    began = time.perf_counter()
    synthetic.fill(
        db, n, seed=seed, progress=lambda done: print(f"\r  {done:,} evaluations", end="", flush=True)
    )
    print(f"\n  filled in {time.perf_counter() - began:.1f} s")
    synthetic.analyze(db)
    contracts = [score_file(p).to_json(indent=None) for p in sorted(EXAMPLES.glob("*.yaml"))]
    rng = random.Random(seed)
    with db.engine.begin() as conn:
        readable = [
            int(i)
            for i in conn.execute(
                text("SELECT id FROM evaluations WHERE NOT unreadable ORDER BY id")
            ).scalars()
        ]
        ids = sorted(rng.sample(readable, min(SAMPLE, len(readable))))
        for i, evaluation_id in enumerate(ids):
            conn.execute(
                text("UPDATE evaluations SET contract = :c WHERE id = :i"),
                {"c": contracts[i % len(contracts)], "i": evaluation_id},
            )
        units = [
            int(u)
            for u in conn.execute(text("SELECT DISTINCT unit_id FROM evaluations ORDER BY unit_id")).scalars()
        ]
        years = [
            int(y)
            for y in conn.execute(
                text("SELECT DISTINCT year FROM evaluations WHERE year IS NOT NULL ORDER BY year")
            ).scalars()
        ]
    return Facts(ids, units, years)


def _ensure_user(db: Database) -> None:
    accounts = Accounts(db)
    if accounts.by_username(USER) is None:
        accounts.add_user(USER, hash_password(PASSWORD), Role.ADMIN, display_name="基准测试")


def _upgrade(url: str) -> None:
    """Bring a kept database made by an earlier version to the current schema (and analyse it)."""
    engine = make_engine(url)
    try:
        if current_revision(engine) != head_revision():
            upgrade(engine)
            if engine.dialect.name == "postgresql":
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()


def _pg_tool(name: str) -> str:
    from pgserver import find_bin_dir

    return str(find_bin_dir() / name)


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as libpq takes it (no driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def _database(backend: str, args: argparse.Namespace, work: Path) -> Iterator[tuple[str, Facts]]:
    """The filled database of ``backend`` (reused when ``--reuse`` holds one) and its facts."""
    n = args.evaluations
    keep = Path(args.reuse) if args.reuse else work
    keep.mkdir(parents=True, exist_ok=True)
    facts_file = keep / f"{backend}-{n}.json"
    if backend == "sqlite":
        path = keep / f"sqlite-{n}.db"
        url = f"sqlite:///{path}"
        if not (args.reuse and path.exists() and facts_file.exists()):
            for stale in keep.glob(f"sqlite-{n}.db*"):
                stale.unlink()
            db = open_database(url)
            _prepare(db, n, args.seed).save(facts_file)
            db.close()
        _upgrade(url)
        db = open_database(url)
        _ensure_user(db)
        db.close()
        yield url, Facts.load(facts_file)
        return
    server = None
    if args.postgres:
        from pgserver import Server

        server = Server(
            make_url(args.postgres).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        )
        name = f"jixiao_bench_{n}"
        with server.connect() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        url = server.url_for(name)
        if not (args.reuse and exists and facts_file.exists()):
            server.drop_database(name)
            url = server.create_database(name)
            db = open_database(url)
            _prepare(db, n, args.seed).save(facts_file)
            db.close()
    else:
        from pgserver import start_server

        server = start_server()
        url = server.create_database("bench")
        dump = keep / f"postgresql-{n}.dump"
        if args.reuse and dump.exists() and facts_file.exists():
            began = time.perf_counter()
            subprocess.run(
                [_pg_tool("pg_restore"), "--no-owner", "-j", "2", "-d", _libpq(url), str(dump)], check=True
            )
            db = open_database(url)
            synthetic.analyze(db)
            db.close()
            print(f"  restored {dump.name} in {time.perf_counter() - began:.1f} s")
        else:
            db = open_database(url)
            _prepare(db, n, args.seed).save(facts_file)
            db.close()
            if args.reuse:
                subprocess.run([_pg_tool("pg_dump"), "-Fc", "-f", str(dump), _libpq(url)], check=True)
    try:
        _upgrade(url)
        db = open_database(url)
        assert _count(db) == n, f"{url}: expected {n} evaluations"
        _ensure_user(db)
        db.close()
        yield url, Facts.load(facts_file)
    finally:
        if not args.postgres:
            server.stop()


# -- the server ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(url: str, data_dir: Path, workers: int) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    command = [
        sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--database", url,
        "--data-dir", str(data_dir), "--workers", str(workers),
    ]  # fmt: skip
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/login", timeout=5).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start (exit code {proc.returncode})")
            time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the server and its worker processes
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _login(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, page.text
        done = client.post(
            "/login", data={"username": USER, "password": PASSWORD, "csrf_token": token.group(1)}
        )
        assert done.status_code in (200, 303), done.text
        return httpx.Cookies({"jixiao_session": client.cookies["jixiao_session"]})


# -- the load --------------------------------------------------------------------------------------------

CODES = [c.code for c in CATALOGUE]


def _filters(rng: random.Random, facts: Facts) -> dict[str, str]:
    choice = rng.randrange(9)
    params: dict[str, str] = {}
    if choice == 0:
        params["year"] = str(rng.choice(facts.years))
    elif choice == 1:
        params["unit"] = str(rng.choice(facts.units))
    elif choice == 2:
        params["grade"] = rng.choice(("优", "良", "中", "差"))
    elif choice == 3:
        params["errors"] = rng.choice(("yes", "no"))
    elif choice == 4:
        params["code"] = rng.choice(CODES)
    elif choice == 5:
        params["q"] = f"合成项目{rng.randrange(1, 5000):04d}"
    elif choice == 6:
        params["sort"] = rng.choice(("claimed", "difference", "unit", "rate"))
        params["order"] = rng.choice(("asc", "desc"))
    elif choice == 7:
        params["year"] = str(rng.choice(facts.years))
        params["unit"] = str(rng.choice(facts.units))
    if rng.random() < 0.3:
        params["page"] = str(rng.randrange(2, 51))
    return params


def _request_maker(page_set: str, facts: Facts) -> Callable[[random.Random], tuple[str, dict[str, str]]]:
    makers: dict[str, Callable[[random.Random], tuple[str, dict[str, str]]]] = {
        "list": lambda rng: ("/evaluations", _filters(rng, facts)),
        "detail": lambda rng: (f"/evaluations/{rng.choice(facts.ids)}", {}),
        "dashboard": lambda rng: ("/", {}),
        "dashboard-unit": lambda rng: ("/", {"unit": str(rng.choice(facts.units))}),
        "api-list": lambda rng: ("/api/evaluations", _filters(rng, facts)),
        "api-detail": lambda rng: (f"/api/evaluations/{rng.choice(facts.ids)}", {}),
    }
    return makers[page_set]


@dataclass(slots=True)
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_sample: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def _drive(
    base: str,
    cookies: httpx.Cookies,
    make: Callable[[random.Random], tuple[str, dict[str, str]]],
    clients: int,
    seconds: float,
    seed: int,
) -> tuple[Run, float]:
    run = Run()
    start = threading.Barrier(clients + 1)
    stop_at: list[float] = [0.0]

    def client(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        mine: list[float] = []
        errors = 0
        sample = ""
        with httpx.Client(base_url=base, cookies=cookies, timeout=120) as http:
            start.wait()
            while time.perf_counter() < stop_at[0]:
                path, params = make(rng)
                began = time.perf_counter()
                try:
                    response = http.get(path, params=params)
                    ok = response.status_code == 200
                    if not ok and not sample:
                        sample = f"{response.status_code} {path}?{params}"
                except httpx.HTTPError as exc:
                    ok = False
                    sample = sample or f"{type(exc).__name__} {path}"
                mine.append(time.perf_counter() - began)
                errors += not ok
        with run.lock:
            run.latencies.extend(mine)
            run.errors += errors
            run.error_sample = run.error_sample or sample

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for t in threads:
        t.join()
    return run, time.perf_counter() - began


def _first(
    base: str, cookies: httpx.Cookies, make: Callable[[random.Random], tuple[str, dict[str, str]]], seed: int
) -> float:
    """The page set's first request, in ms: what a report not yet built or a cold cache costs."""
    path, params = make(random.Random(seed))
    with httpx.Client(base_url=base, cookies=cookies, timeout=300) as http:
        began = time.perf_counter()
        response = http.get(path, params=params)
        elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        print(f"    first request failed: {response.status_code} {path}?{params}")
    return elapsed


def _pct(values: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0–100) of ``values``, in ms."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))] * 1000


def _bench_backend(
    backend: str, args: argparse.Namespace, work: Path, results: list[tuple[str, ...]]
) -> None:
    print(f"\n{backend}: preparing {args.evaluations:,} evaluations", flush=True)
    with (
        _database(backend, args, work) as (url, facts),
        _server(url, work / f"data-{backend}", args.workers) as base,
    ):
        cookies = _login(base)
        print(
            f"  server: {args.workers} process(es) at {base}; {len(facts.ids)} detail ids, {len(facts.units)} units"
        )
        print(
            f"  {'page':15} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
        )
        for page_set in args.pages:
            make = _request_maker(page_set, facts)
            first = _first(base, cookies, make, args.seed)
            for clients in args.clients:
                run, elapsed = _drive(base, cookies, make, clients, args.seconds, args.seed + clients)
                n = len(run.latencies)
                row = (
                    backend,
                    page_set,
                    str(clients),
                    str(n),
                    f"{n / elapsed:.1f}",
                    f"{_pct(run.latencies, 50):.1f}",
                    f"{_pct(run.latencies, 95):.1f}",
                    f"{_pct(run.latencies, 99):.1f}",
                    str(run.errors),
                )
                results.append((*row, f"{first:.0f}"))
                print(
                    f"  {page_set:15} {clients:>7} {n:>8} {row[4]:>7} {row[5]:>8} {row[6]:>8} {row[7]:>8} {run.errors:>6}",
                    flush=True,
                )
                if run.errors:
                    print(f"    first error: {run.error_sample}")
            print(f"  {page_set:15} first request (cold): {first:.0f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--evaluations", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=20.0, help="per page set and number of clients")
    ap.add_argument("--clients", default="1,16", help="numbers of concurrent clients, comma-separated")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--pages", default=",".join(PAGE_SETS), help=f"page sets among {', '.join(PAGE_SETS)}")
    ap.add_argument("--workers", type=int, default=1, help="server processes (jixiao serve --workers)")
    ap.add_argument("--reuse", metavar="DIR", help="keep the filled databases in DIR and reuse them")
    ap.add_argument(
        "--postgres", metavar="URL", help="an existing PostgreSQL server instead of a throwaway one"
    )
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = set(args.pages) - set(PAGE_SETS)
    if unknown:
        ap.error(f"unknown page sets: {', '.join(sorted(unknown))}")
    work = Path(tempfile.mkdtemp(prefix="jixiao-web-bench-"))
    results: list[tuple[str, ...]] = []
    try:
        for backend in (b.strip() for b in args.backends.split(",") if b.strip()):
            _bench_backend(backend, args, work, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    postgres_16 = [r for r in results if r[0] == "postgresql" and r[2] == str(max(args.clients))]
    if postgres_16:
        missed = [r[1] for r in postgres_16 if float(r[6]) >= GOAL_MS]
        verdict = "met" if not missed else f"not met by {', '.join(missed)}"
        print(f"\ngoal (p95 < {GOAL_MS:.0f} ms at {max(args.clients)} clients on PostgreSQL): {verdict}")
    if results:
        print(
            "\n| backend | page | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors | cold ms |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in results:
            print("| " + " | ".join(r) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
