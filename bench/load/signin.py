"""100 officers sign in at the same moment: how long until the last is in?

    python bench/load/signin.py --url http://127.0.0.1:PORT [--users 100] [--username officer]

Each simulated officer first opens the login form (its own session and CSRF
token), then all post their password at once (a barrier). Prints the time
until the last sign-in answered, the p50/p95 of the sign-in requests, and
how many did not get in. Loopback only.
"""

import argparse
import re
import statistics
import sys
import threading
import time
import urllib.parse
from http.cookiejar import CookieJar
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener

PASSWORD = "demo12345"


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(url: str, username: str, barrier: threading.Barrier, results: list) -> None:
    opener = build_opener(HTTPCookieProcessor(CookieJar()), NoRedirect())
    form = opener.open(f"{url}/login/", timeout=120).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                   "csrfmiddlewaretoken": token}).encode()
    barrier.wait()
    start = time.monotonic()
    try:
        answer = opener.open(f"{url}/login/", body, timeout=120)
        status = answer.status
    except Exception as error:  # noqa: BLE001 - a 302 arrives as HTTPError without redirects
        status = getattr(error, "code", 0)
    results.append((status, time.monotonic() - start))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--username", default="officer")
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.url).hostname not in {"127.0.0.1", "localhost"}:
        parser.error("--url must be on 127.0.0.1 or localhost")
    barrier = threading.Barrier(args.users)
    results: list = []
    threads = [threading.Thread(target=sign_in, args=(args.url, args.username, barrier, results))
               for _ in range(args.users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(t for _, t in results)
    signed_in = sum(1 for status, _ in results if status == 302)
    print(f"{args.users} simultaneous sign-ins: last answered after {times[-1]:.1f} s; "
          f"p50 {statistics.median(times):.2f} s, p95 {times[int(len(times) * 0.95) - 1]:.2f} s; "
          f"{signed_in} signed in, {args.users - signed_in} not")
    return 0 if signed_in == args.users and times[-1] <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
