"""CI gates: ``.venv/bin/python bin/gate.py schemathesis|bandit|pip-audit``.

Each gate ends with one plain line and an exit code:

    GATE <name>: PASSED                      exit 0
    GATE <name>: FAILED — <what it found>    exit 1
    GATE <name>: NOT CHECKED — <reason>      exit 3

NOT CHECKED means the gate's data could not be reached (for pip-audit: the
vulnerability service); it is never reported as a pass. ``.ci/run`` decides
what to do with it (see there).

schemathesis: migrates and seeds a throwaway demo database (PostgreSQL when
``--database-url`` or ``$GATE_DATABASE_URL`` is given, else SQLite in a temp
folder), serves it with gunicorn on a free 127.0.0.1 port (Celery in
process), gets a token for each user from ``POST /api/auth/token/`` and runs
schemathesis against ``/api/schema/`` as every role, with valid and
malformed data (``--mode all``) and the checks ``not_a_server_error`` and
``response_schema_conformance``, bounded by ``--max-examples`` per
operation and a hard time limit. Hand-made malformed bodies (nesting past
the limit, huge arrays, bodies not JSON or not UTF-8) are sent to every
write by tests/api/test_fuzz_writes.py. Nothing leaves 127.0.0.1.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("GATE_VENV_BIN", ROOT / ".venv" / "bin"))
PASSWORD = "demo12345"
PASSED, FAILED, NOT_CHECKED = 0, 1, 3


def verdict(name: str, code: int, reason: str = "") -> int:
    word = {PASSED: "PASSED", FAILED: "FAILED", NOT_CHECKED: "NOT CHECKED"}[code]
    print(f"GATE {name}: {word}" + (f" — {reason}" if reason else ""), flush=True)
    return code


# --- schemathesis -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_environment(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url, FENGQIAO_DEMO="1", DJANGO_DEBUG="0",
        DJANGO_SETTINGS_MODULE="policing.settings", PYTHONPATH=str(ROOT),
        DJANGO_SECURE_HTTPS="0",
        # The fuzzer and the client generator read the schema unauthenticated.
        FENGQIAO_PUBLIC_API_DOCS="1",
    )
    for name in ("CELERY_BROKER_URL", "FENGQIAO_TESTING"):
        env.pop(name, None)
    return env


def prepare_database(database_url: str, env: dict) -> None:
    url = urllib.parse.urlsplit(database_url)
    if url.scheme.startswith("postgres"):
        name = url.path.lstrip("/")
        admin = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
                 "-U", url.username or "postgres"]
        subprocess.run(["dropdb", *admin, "--if-exists", name], check=True)
        subprocess.run(["createdb", *admin, name], check=True)
    manage = [str(VENV / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed", "--scale", "demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def drop_database(database_url: str) -> None:
    url = urllib.parse.urlsplit(database_url)
    if url.scheme.startswith("postgres"):
        subprocess.run(["dropdb", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
                        "-U", url.username or "postgres", "--if-exists", "--force",
                        url.path.lstrip("/")], check=False)


def start_gunicorn(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [str(VENV / "gunicorn"), "policing.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):  # at most about 30 s
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=2).read()
            return server, base
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def token(base: str, username: str) -> str:
    # The API takes JSON bodies only.
    request = urllib.request.Request(
        f"{base}/api/auth/token/",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)["token"]


def _only_tool_errors(report: Path) -> bool:
    """True when a schemathesis JUnit report has errors but no failed check."""
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.parse(report).getroot()
    except (OSError, ElementTree.ParseError):
        return False
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    failures = sum(int(suite.get("failures", 0)) for suite in suites)
    errors = sum(int(suite.get("errors", 0)) for suite in suites)
    return failures == 0 and errors > 0


def gate_schemathesis(args) -> int:
    name = "schemathesis"
    database_url = args.database_url
    work = Path(tempfile.mkdtemp(prefix="fq-schemathesis-"))
    database_url = database_url or f"sqlite:///{work / 'db.sqlite3'}"
    env = app_environment(database_url)
    failures: list[str] = []
    unreached: list[str] = []
    server = None
    try:
        prepare_database(database_url, env)
        server, base = start_gunicorn(env, work / "gunicorn.log")
        # All tokens first: fuzzing the token endpoint trips its login throttle.
        tokens = {username: token(base, username) for username in args.users}
        deadline = time.monotonic() + args.time_limit
        for username in args.users:
            remaining = deadline - time.monotonic()
            if remaining < 10:
                unreached.append(username)
                continue
            command = [
                str(VENV / "schemathesis"), "run", f"{base}/api/schema/",
                "--checks", "not_a_server_error,response_schema_conformance",
                # Valid and malformed data: wrong types, missing and extra
                # fields, values outside the stated limits.
                "--mode", "all",
                "--header", f"Authorization: Token {tokens[username]}",
                # Ending the token would leave every later call a 401.
                "--exclude-path-regex", "^/api/auth/logout",
                "--max-examples", str(args.max_examples),
                "--phases", args.phases, "--seed", str(args.seed),
                "--workers", "1", "--request-timeout", "30", "--no-color",
                "--generation-database", "none", "--suppress-health-check", "all",
                "--report", "junit", "--report-junit-path", str(work / f"{username}.xml"),
            ]
            print(f"--- schemathesis as {username} ({args.max_examples} examples per operation, "
                  f"phases {args.phases})", flush=True)
            report = work / f"{username}.xml"
            try:
                done = subprocess.run(command, cwd=work, timeout=remaining)
                if done.returncode != 0 and _only_tool_errors(report):
                    # schemathesis itself crashed on a case (a hypothesis or
                    # CPython hiccup), while no check failed: run once more so
                    # every operation is still checked.
                    print(f"--- schemathesis as {username}: the tool raised an error of its "
                          "own and no check failed; running again", flush=True)
                    remaining = deadline - time.monotonic()
                    done = subprocess.run(command, cwd=work, timeout=max(remaining, 1))
            except subprocess.TimeoutExpired:
                failures.append(f"{username}: no result within the time limit")
                continue
            if done.returncode != 0:
                failures.append(f"{username}: schemathesis exit {done.returncode}")
        log = (work / "gunicorn.log").read_text(errors="replace")
        if "Traceback" in log:
            print("--- the server log has tracebacks; the last one:\n" + log[log.rindex("Traceback"):][:4000])
    except (RuntimeError, subprocess.CalledProcessError, OSError, KeyError) as error:
        return verdict(name, FAILED, f"could not serve the app: {error}")
    finally:
        if server is not None:
            stop(server)
        drop_database(database_url)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        return verdict(name, FAILED, "; ".join(failures))
    if unreached:
        # A slow machine, not a finding: said plainly, never called a pass.
        return verdict(name, NOT_CHECKED, f"the time limit came before the runs as {', '.join(unreached)}")
    return verdict(name, PASSED, f"users {', '.join(args.users)}; no 5xx, responses match")


# --- generated client ---------------------------------------------------------------


def gate_client(args) -> int:
    """Generate a Python client from the served schema with openapi-python-client
    and run the main flow through it (bin/client_flow.py); with a broker the
    report is made by a real Celery worker."""
    name = "client"
    generator = VENV / "openapi-python-client"
    if not generator.exists():
        return verdict(name, NOT_CHECKED, "openapi-python-client is not installed "
                                          "(requirements-ci.txt)")
    work = Path(tempfile.mkdtemp(prefix="fq-client-"))
    database_url = args.database_url or f"sqlite:///{work / 'db.sqlite3'}"
    env = app_environment(database_url)
    worker = server = None
    if args.broker_url:
        env["CELERY_BROKER_URL"] = args.broker_url
    try:
        prepare_database(database_url, env)
        server, base = start_gunicorn(env, work / "gunicorn.log")
        if args.broker_url:
            worker = subprocess.Popen(
                [str(VENV / "celery"), "-A", "policing", "worker", "--pool", "solo",
                 "--loglevel", "WARNING"],
                cwd=ROOT, env=env, stdout=(work / "worker.log").open("w"),
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        else:
            print("--- no broker (GATE_BROKER_URL): the report runs in process", flush=True)
        with urllib.request.urlopen(f"{base}/api/schema/?format=json", timeout=60) as answer:
            (work / "schema.json").write_bytes(answer.read())
        (work / "config.yaml").write_text("post_hooks: []\n")
        generated = subprocess.run(
            [str(generator), "generate", "--path", str(work / "schema.json"), "--meta", "none",
             "--config", str(work / "config.yaml"),
             "--output-path", str(work / "fengqiao_client")],
            cwd=work, capture_output=True, text=True, timeout=300,
        )
        print(generated.stdout[-3000:], generated.stderr[-3000:], flush=True)
        if generated.returncode != 0 or "Warning" in generated.stdout + generated.stderr:
            return verdict(name, FAILED, "the generator reported errors or warnings")
        flow = subprocess.run(
            [str(VENV / "python"), str(ROOT / "bin" / "client_flow.py"), base],
            cwd=work, env={**os.environ, "PYTHONPATH": str(work)}, timeout=600,
        )
        if flow.returncode != 0:
            log = (work / "gunicorn.log").read_text(errors="replace")
            if "Traceback" in log:
                print("--- server traceback:\n" + log[log.rindex("Traceback"):][:4000])
            return verdict(name, FAILED, f"the main flow through the client failed "
                                         f"(exit {flow.returncode})")
    except (RuntimeError, subprocess.CalledProcessError, OSError) as error:
        return verdict(name, FAILED, f"could not serve the app: {error}")
    finally:
        for process in (worker, server):
            if process is not None:
                stop(process)
        drop_database(database_url)
        shutil.rmtree(work, ignore_errors=True)
    queue = "a real Celery worker" if args.broker_url else "in process"
    return verdict(name, PASSED, f"client generated without warnings; the main flow ran "
                                 f"through it (report by {queue})")


# --- bandit -------------------------------------------------------------------------

BANDIT_EXCLUDE = [".venv", "tests", "locale", "staticfiles", "media", ".test-media",
                  "screenshots", "bench/results", "node_modules"]


def gate_bandit(args) -> int:
    name = "bandit"
    exclude = ",".join(str(ROOT / part) for part in BANDIT_EXCLUDE)
    done = subprocess.run(
        [str(VENV / "bandit"), "-r", str(ROOT), "-x", exclude, "-f", "json", "-q",
         "--severity-level", "high", "--confidence-level", "low"],
        capture_output=True, text=True, timeout=600,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return verdict(name, FAILED, f"bandit gave no report (exit {done.returncode}): "
                                     f"{done.stderr.strip()[-500:]}")
    scanned = report.get("metrics", {}).get("_totals", {}).get("loc", 0)
    for issue in report.get("results", []):
        print(f"  {issue['filename']}:{issue['line_number']}: {issue['test_id']} "
              f"{issue['issue_severity']}: {issue['issue_text']}")
    for error in report.get("errors", []):
        print(f"  not scanned: {error['filename']}: {error['reason']}")
    if report.get("results"):
        return verdict(name, FAILED, f"{len(report['results'])} high-severity finding(s)")
    if report.get("errors"):
        return verdict(name, FAILED, f"{len(report['errors'])} file(s) could not be scanned")
    if not scanned:
        return verdict(name, FAILED, "no code was scanned")
    return verdict(name, PASSED, f"no high-severity finding in {scanned:,} lines")


# --- pip-audit ----------------------------------------------------------------------


def audit(requirements: Path, service: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report from one vulnerability service, or why there is none."""
    try:
        done = subprocess.run(
            [str(VENV / "pip-audit"), "-r", str(requirements), "-f", "json", "-s", service,
             "--progress-spinner", "off", "--timeout", "30"],
            capture_output=True, text=True, timeout=900,
        )
    except subprocess.TimeoutExpired:
        return None, f"{service}: pip-audit did not finish within 15 minutes"
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return None, f"{service}: pip-audit gave no report (exit {done.returncode}): {reason}"


def gate_pip_audit(args) -> int:
    """Tries PyPI's vulnerability data, then OSV's; a package neither could
    answer for is NOT CHECKED, never passed."""
    name = "pip-audit"
    requirements = ROOT / args.requirements
    reasons = []
    for service in ("pypi", "osv"):
        report, reason = audit(requirements, service)
        if report is None:
            reasons.append(reason)
            continue
        dependencies = report.get("dependencies", [])
        vulnerable = [d for d in dependencies if d.get("vulns")]
        skipped = [d for d in dependencies if d.get("skip_reason")]
        for dep in vulnerable:
            for vuln in dep["vulns"]:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
                print(f"  {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
        if vulnerable:
            return verdict(name, FAILED, f"{len(vulnerable)} package(s) with a known "
                                         f"vulnerability ({service})")
        if not dependencies:
            reasons.append(f"{service}: no dependency was resolved")
        elif skipped:
            reasons.append(
                f"{service}: could not be asked about {len(skipped)} of {len(dependencies)} "
                f"packages (e.g. {skipped[0]['skip_reason']})"
            )
        else:
            return verdict(name, PASSED, f"{len(dependencies)} packages, no known "
                                         f"vulnerability ({service})")
    return verdict(name, NOT_CHECKED, "vulnerability data unreachable — " + "; ".join(reasons))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="gate", required=True)
    st = sub.add_parser("schemathesis")
    st.add_argument("--database-url", default=os.environ.get("GATE_DATABASE_URL"))
    # Every role: each sees other operations refused or allowed.
    st.add_argument("--users", nargs="+",
                    default=["officer", "lead", "coordinator", "supervisor", "admin"])
    st.add_argument("--max-examples", type=int, default=6)
    st.add_argument("--phases", default="examples,coverage,fuzzing")
    st.add_argument("--seed", type=int, default=1)
    st.add_argument("--time-limit", type=int, default=1500, help="seconds for all users")
    cl = sub.add_parser("client")
    cl.add_argument("--database-url", default=os.environ.get("GATE_CLIENT_DATABASE_URL"))
    cl.add_argument("--broker-url", default=os.environ.get("GATE_BROKER_URL"))
    sub.add_parser("bandit")
    pa = sub.add_parser("pip-audit")
    pa.add_argument("--requirements", default="requirements.txt")
    args = parser.parse_args()
    gates = {"schemathesis": gate_schemathesis, "client": gate_client, "bandit": gate_bandit,
             "pip-audit": gate_pip_audit}
    return gates[args.gate](args)


if __name__ == "__main__":
    sys.exit(main())
