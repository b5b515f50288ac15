"""Check the database against the writes the server acknowledged in a load run.

    DATABASE_URL=postgres://… python bench/load/verify.py ACKS.jsonl [--drain 180]

- every acknowledged registration exists exactly once (one case with its
  marker, the acknowledged id and reference) with exactly one "registered" event;
- every acknowledged transition left exactly one event of its kind;
- every acknowledged tip exists exactly once;
- no two cases share a reference;
- no monthly report is left queued or running (waiting up to --drain seconds
  for the worker to finish what was asked at the end of the run).

Prints one line per check and exits 1 when any fails.
"""

import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policing.settings")
    os.environ.setdefault("FENGQIAO_DEMO", "1")
    import django

    django.setup()


def read_acks(path: Path) -> dict[str, list[dict]]:
    acks = collections.defaultdict(list)
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                acks[row["kind"]].append(row)
    return acks


def check(acks: dict[str, list[dict]], drain: float) -> list[tuple[str, bool, str]]:
    from django.db.models import Count

    from disputes.models import Dispute, DisputeEvent
    from reports.models import MonthlyReport
    from volunteers.models import Tip

    results = []
    registered = acks["register"]
    by_marker = collections.Counter(
        Dispute.objects.filter(title__in=[row["marker"] for row in registered])
        .values_list("title", flat=True))
    found = {title: (pk, ref) for title, pk, ref in Dispute.objects.filter(
        title__in=[row["marker"] for row in registered]).values_list("title", "pk", "reference")}
    lost = [row for row in registered if by_marker[row["marker"]] == 0]
    twice = [row for row in registered if by_marker[row["marker"]] > 1]
    wrong = [row for row in registered if by_marker[row["marker"]] == 1
             and found[row["marker"]] != (row["id"], row["reference"])]
    results.append(("registrations saved exactly once", not (lost or twice or wrong),
                    f"{len(registered)} acknowledged, {len(lost)} lost, {len(twice)} twice, "
                    f"{len(wrong)} with another id or reference"))

    events = collections.Counter(
        (pk, kind) for pk, kind in DisputeEvent.objects.filter(
            dispute_id__in={row["id"] for row in registered + acks["transition"]}
        ).values_list("dispute_id", "kind"))
    wanted = [(row["id"], "registered") for row in registered]
    wanted += [(row["id"], row["event"]) for row in acks["transition"]]
    bad = [(pk, kind, events[(pk, kind)]) for pk, kind in wanted if events[(pk, kind)] != 1]
    results.append(("each acknowledged write has exactly one event", not bad,
                    f"{len(wanted)} events expected, {len(bad)} missing or repeated"
                    + (f": {bad[:5]}" if bad else "")))

    tips = acks["tip"]
    tip_count = collections.Counter(Tip.objects.filter(
        description__in=[row["marker"] for row in tips]).values_list("description", flat=True))
    bad_tips = [row for row in tips if tip_count[row["marker"]] != 1]
    results.append(("tips saved exactly once", not bad_tips,
                    f"{len(tips)} acknowledged, {len(bad_tips)} lost or repeated"))

    repeated = (Dispute.objects.values("reference").annotate(n=Count("pk"))
                .filter(n__gt=1).count())
    results.append(("references unique", repeated == 0,
                    f"{Dispute.objects.count()} cases, {repeated} references used twice"))

    busy = [MonthlyReport.State.QUEUED, MonthlyReport.State.RUNNING]
    deadline = time.monotonic() + drain
    while MonthlyReport.objects.filter(state__in=busy).exists() and time.monotonic() < deadline:
        time.sleep(2)
    left = MonthlyReport.objects.filter(state__in=busy).count()
    asked = {row["id"] for row in acks["report"]}
    states = collections.Counter(MonthlyReport.objects.filter(pk__in=asked)
                                 .values_list("state", flat=True))
    results.append(("no report left queued or running", left == 0,
                    f"{len(acks['report'])} requests acknowledged for {len(asked)} reports, "
                    f"now {dict(states)}; {left} queued or running after {drain:.0f} s"))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("acks", type=Path)
    parser.add_argument("--drain", type=float, default=180)
    args = parser.parse_args()
    setup_django()
    failed = False
    for name, ok, detail in check(read_acks(args.acks), args.drain):
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
