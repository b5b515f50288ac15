"""``manage.py report``: the Celery task's code path, run from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports import figures
from reports.models import MonthlyReport
from reports.months import current_month, format_month
from tests.reports.test_figures_scenarios import M, Story, sh


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_one_unit_one_month_then_again_gives_the_same_snapshot(world):
    Story(world, at=world.dongcheng, received=sh(3, 10)).settle_quickly(sh(3, 10, 11), sh(3, 12))
    out = run("--unit", "TH-DC", "--month", "2026-03")
    assert "1/1 TH-DC 2026-03: done" in out and "received 1" in out
    report = MonthlyReport.objects.get(unit=world.dongcheng, month=M(3))
    assert report.state == MonthlyReport.State.DONE
    assert report.figures["resolved"] == 1
    expected = figures.all_figures(figures.Period(world.dongcheng, M(3)))
    assert {k: report.figures[k] for k in ("received", "concluded", "settled")} == {
        k: expected[k] for k in ("received", "concluded", "settled")}
    first, made_at = report.figures, report.generated_at
    run("--unit", "TH-DC", "--month", "2026-03")
    report.refresh_from_db()
    assert MonthlyReport.objects.filter(unit=world.dongcheng).count() == 1
    assert report.figures == first
    assert report.generated_at > made_at  # made again


def test_backfill_of_every_unit_over_a_range(world):
    Story(world, at=world.wuxing, received=sh(2, 10))
    out = run("--all-units", "--from", "2026-01", "--to", "2026-03")
    units = 6  # city, two sub-bureaus, three stations; never the beats
    assert MonthlyReport.objects.filter(state="done").count() == 3 * units
    assert f"{3 * units} of {3 * units} reports generated" in out
    assert not MonthlyReport.objects.filter(unit__kind="beat").exists()
    feb = MonthlyReport.objects.get(unit=world.tinghu, month=M(2))
    assert feb.figures["received"] == 1


def test_a_report_being_made_is_left_alone(world):
    # A worker holds it: its request's message (task id) is being run.
    MonthlyReport.objects.create(unit=world.dongcheng, month=M(3), state="running",
                                 requested_at=timezone.now(), task_id="a-running-task")
    out = run("--unit", "TH-DC", "--month", "2026-03")
    assert "skipped: already running" in out
    assert MonthlyReport.objects.get(unit=world.dongcheng, month=M(3)).figures is None


@pytest.mark.parametrize("args, message", [
    (("--unit", "NOPE", "--month", "2026-03"), "No unit with the code NOPE"),
    (("--unit", "TH", "--month", "March"), "is not a month"),
    (("--unit", "TH", "--from", "2026-03", "--to", "2026-01"), "--from must not be after --to"),
    (("--unit", "TH", "--month", "2026-03", "--from", "2026-01"), "not both"),
    (("--unit", "TH",), "Give --month"),
])
def test_bad_input_is_refused_and_nothing_is_made(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not MonthlyReport.objects.exists()


def test_a_month_not_yet_begun_is_refused(world):
    from reports.months import add_months

    with pytest.raises(CommandError, match=format_month(add_months(current_month(), 1))):
        run("--unit", "TH", "--month", format_month(add_months(current_month(), 1)))
    assert not MonthlyReport.objects.exists()
