"""Serve the app with gunicorn on loopback and run locust headless against it.

Prints requests, failures, p50 and p95 per request name and in total, and
exits 1 when any request failed. Every loop is bounded (users, time, a hard
timeout on locust itself); nothing but 127.0.0.1 is addressed.
"""

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["demo", "tiny", "city", "province"], default="province")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", default="2m", help="locust --run-time, e.g. 2m or 20s")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args()
    args.users = max(1, min(args.users, 200))
    args.database_url = args.database_url or (
        f"postgres://postgres@127.0.0.1:5432/fengqiao_bench_{args.scale}")
    return args


def environment(database_url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, FENGQIAO_DEMO="1", DJANGO_DEBUG="0",
               DJANGO_SETTINGS_MODULE="policing.settings", PYTHONPATH=str(ROOT),
               DJANGO_SECURE_HTTPS="0",
               # 50 users sign in from one address: keep the lockout out of the way.
               FENGQIAO_LOGIN_FAILURE_LIMIT="1000")
    env.pop("CELERY_BROKER_URL", None)
    env.pop("FENGQIAO_TESTING", None)
    return env


def ensure_database(args, env) -> None:
    url = urllib.parse.urlsplit(args.database_url)
    if url.scheme.startswith("postgres"):
        subprocess.run(["createdb", "-h", url.hostname or "127.0.0.1", "-U",
                        url.username or "postgres", url.path.lstrip("/")],
                       capture_output=True, check=False)
    subprocess.run([BIN / "python", "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT,
                   env=env, check=True)
    subprocess.run([BIN / "python", "manage.py", "seed", "--scale", args.scale, "--if-empty"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    args = parse_args()
    env = environment(args.database_url)
    ensure_database(args, env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="fq-load-"))
    server = subprocess.Popen(
        [BIN / "gunicorn", "policing.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=(work / "gunicorn.log").open("w"), stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise SystemExit("gunicorn did not start")
        print(f"load: {args.users} users, {args.time}, scale {args.scale}, "
              f"gunicorn {args.workers} workers at {base}", flush=True)
        subprocess.run(
            [BIN / "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "--host", base, "-u", str(args.users), "-r", str(args.spawn_rate),
             "--run-time", args.time, "--stop-timeout", "10", "--csv", str(work / "load"),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, timeout=60 * 60, check=False,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return summarise(work / "load_stats.csv")


def summarise(path: Path) -> int:
    rows = list(csv.DictReader(path.open()))
    print(f"\n{'request':<44} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}")
    total = None
    for row in rows:
        line = (f"{(row['Type'] + ' ' + row['Name'])[:44]:<44} {row['Request Count']:>9} "
                f"{row['Failure Count']:>9} {row['50%']:>8} {row['95%']:>8}")
        if row["Name"] == "Aggregated":
            total = row
        else:
            print(line)
    if total:
        print(f"{'TOTAL':<44} {total['Request Count']:>9} {total['Failure Count']:>9} "
              f"{total['50%']:>8} {total['95%']:>8}")
        print(f"throughput {float(total['Requests/s']):.1f} requests/s")
    return 1 if total is None or int(total["Failure Count"]) else 0


if __name__ == "__main__":
    sys.exit(main())
