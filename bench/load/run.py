"""Ramp users of every role against the app, then check nothing was lost.

    bench/load/run [--url http://127.0.0.1:8000] [--steps 10,50,100] [--step-time 60s]
                   [--scale city] [--database-url postgres://…] [--broker-url redis://…]

Without --url it serves the app itself: gunicorn on a free loopback port
(--workers, --worker-class) and, with --broker-url, one Celery worker, on the
database fengqiao_bench_<scale> (seeded when empty) or --database-url. With
--url it targets a server already running (127.0.0.1 or localhost only);
--database-url must then name that server's database.

Each step runs locust headless with that many users, all arriving at once
(the shift-start rush: every user signs in first), for --step-time. A table
per step gives requests/s, p50/p95/p99, the sign-in times and the errors by
status. Then bench/load/verify.py checks the database against every
acknowledged write. Exits 1 on any 5xx, any failed request other than a 409,
or any lost or repeated write.
"""

import argparse
import csv
import json
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
LOOPBACK = {"127.0.0.1", "localhost"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on 127.0.0.1 (default: serve one)")
    parser.add_argument("--scale", choices=["demo", "tiny", "city", "province"], default="city")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL"))
    parser.add_argument("--broker-url", default=os.environ.get("LOAD_BROKER_URL"),
                        help="Redis for the Celery worker this script starts (none: in process)")
    parser.add_argument("--steps", default="10,50,100", help="users per step, e.g. 10,50,100")
    parser.add_argument("--step-time", default="60s", help="locust --run-time of each step")
    parser.add_argument("--spawn-rate", type=float, default=0,
                        help="users started per second (default: all of a step at once)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--drain", type=float, default=180,
                        help="seconds to wait for queued reports before checking")
    args = parser.parse_args()
    args.steps = [max(1, min(int(n), 300)) for n in args.steps.split(",")]
    if args.url:
        host = urllib.parse.urlsplit(args.url).hostname
        if host not in LOOPBACK:
            parser.error("--url must be on 127.0.0.1 or localhost")
        if not args.database_url:
            parser.error("--url needs --database-url: the database of that server, to check it")
    args.database_url = args.database_url or (
        f"postgres://postgres@127.0.0.1:5432/fengqiao_bench_{args.scale}")
    return args


def environment(args) -> dict:
    env = dict(os.environ, DATABASE_URL=args.database_url, FENGQIAO_DEMO="1", DJANGO_DEBUG="0",
               DJANGO_SETTINGS_MODULE="policing.settings", PYTHONPATH=str(ROOT),
               DJANGO_SECURE_HTTPS="0",
               # 100 users sign in from one address: keep the lockout out of the way.
               FENGQIAO_LOGIN_FAILURE_LIMIT="1000")
    env.pop("CELERY_BROKER_URL", None)
    env.pop("FENGQIAO_TESTING", None)
    if args.broker_url:
        env["CELERY_BROKER_URL"] = args.broker_url
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


class Served:
    """gunicorn (and a Celery worker) started here, stopped by process group."""

    def __init__(self, args, env, work: Path):
        self.processes = []
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._start([BIN / "gunicorn", "policing.wsgi", "-b", f"127.0.0.1:{port}",
                     "-w", str(args.workers), "-k", args.worker_class, "--threads", str(args.threads),
                     "--timeout", "60", "--backlog", "2048", "--log-level", "warning"],
                    env, work / "gunicorn.log")
        if args.broker_url:
            self._start([BIN / "celery", "-A", "policing", "worker", "--concurrency", "1",
                         "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
                        env, work / "worker.log")
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.url}/login/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def _start(self, command, env, log: Path) -> None:
        self.processes.append(subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True,
            stdout=log.open("w"), stderr=subprocess.STDOUT))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def run_step(args, url: str, users: int, work: Path, acks: Path) -> dict:
    prefix = work / f"step-{users}"
    env = dict(os.environ, LOAD_ACKS=str(acks), LOAD_STATUS=f"{prefix}-status.json")
    rate = args.spawn_rate or users
    subprocess.run(
        [BIN / "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
         "--host", url, "-u", str(users), "-r", str(rate), "--run-time", args.step_time,
         "--stop-timeout", "20", "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        cwd=ROOT, env=env, timeout=60 * 60, check=False,
        stdout=subprocess.DEVNULL, stderr=(work / f"step-{users}-locust.log").open("w"),
    )
    rows = {row["Name"]: row for row in csv.DictReader(Path(f"{prefix}_stats.csv").open())}
    statuses = json.loads(Path(f"{prefix}-status.json").read_text())
    failures = list(csv.DictReader(Path(f"{prefix}_failures.csv").open()))
    return {"users": users, "total": rows.get("Aggregated"),
            "sign_in": rows.get("/login/ (sign in)"), "statuses": statuses, "failures": failures}


def print_step(step: dict) -> None:
    total, sign_in = step["total"], step["sign_in"]
    errors = {code: n for code, n in sorted(step["statuses"].items())
              if code == "0" or int(code) >= 400}
    print(f"\n== {step['users']} users ==")
    print(f"{'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    print(f"{total['Request Count']:>9} {float(total['Requests/s']):>7.1f} {total['50%']:>7} "
          f"{total['95%']:>7} {total['99%']:>7} {float(total['Max Response Time']):>7.0f}")
    if sign_in:
        print(f"sign-in: {sign_in['Request Count']} in, p50 {sign_in['50%']} ms, "
              f"p95 {sign_in['95%']} ms, max {float(sign_in['Max Response Time']):.0f} ms")
    print("errors by status: " + (", ".join(f"{code}: {n}" for code, n in errors.items())
                                  if errors else "none"))
    for failure in step["failures"][:8]:
        print(f"  {failure['Occurrences']:>5} × {failure['Method']} {failure['Name']}: "
              f"{failure['Error'][:120]}")


def step_failed(step: dict) -> bool:
    five_hundreds = sum(n for code, n in step["statuses"].items() if code.startswith("5") or code == "0")
    return bool(five_hundreds or step["failures"])


def main() -> int:
    args = parse_args()
    env = environment(args)
    work = Path(tempfile.mkdtemp(prefix="fq-load-"))
    acks = work / "acks.jsonl"
    served = None
    if not args.url:
        ensure_database(args, env)
        served = Served(args, env, work)
    url = args.url or served.url
    print(f"load: steps {args.steps} users, {args.step_time} each, at {url}; "
          f"database {urllib.parse.urlsplit(args.database_url).path.lstrip('/')}; "
          f"reports {'through Celery' if args.broker_url or args.url else 'in process'}; "
          f"files in {work}", flush=True)
    failed = False
    try:
        for users in args.steps:
            step = run_step(args, url, users, work, acks)
            print_step(step)
            failed |= step_failed(step)
        print("\n== what the database holds ==", flush=True)
        verified = subprocess.run(
            [BIN / "python", str(Path(__file__).with_name("verify.py")), str(acks),
             "--drain", str(args.drain)], cwd=ROOT, env=env, check=False)
        failed |= verified.returncode != 0
    finally:
        if served:
            served.stop()
    print("\nload: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
