"""Coverage figures of enterprises, computed in the database, with known answers."""

import datetime

from django.utils import timezone

from enterprises.models import EnterpriseRequest
from enterprises.selectors import enterprise_figures
from tests.enterprises.helpers import log_visit, make_enterprise, request_data

END = datetime.date(2024, 6, 30)
START = datetime.date(2024, 6, 1)


def _answered(item, day: datetime.date, status="resolved"):
    # Answered on ``day``: set as the services would have, at 16:00 local time.
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
    EnterpriseRequest.objects.filter(pk=item.pk).update(status=status, resolved_at=at)


def _build(world):
    a = make_enterprise(world, name="甲公司")
    b = make_enterprise(world, name="乙公司")
    c = make_enterprise(world, name="丙公司", unit=world.wuxing, by=world.officer2)
    make_enterprise(world, name="丁公司", active=False)
    make_enterprise(world, name="楼王公司", unit=world.louwang, by=world.outsider)
    log_visit(world, a, visited_on=datetime.date(2024, 6, 10), kind="emergency_drill")
    log_visit(world, a, visited_on=datetime.date(2024, 2, 1), kind="security_training")
    log_visit(world, b, visited_on=datetime.date(2024, 3, 5), kind="routine")
    log_visit(world, b, visited_on=datetime.date(2023, 12, 20), kind="emergency_drill")
    visit = log_visit(
        world, c, by=world.officer2, visited_on=datetime.date(2024, 6, 3), kind="routine",
        requests=[
            request_data(received=datetime.date(2024, 6, 3), due_in=2),   # resolved in 4 days
            request_data(received=datetime.date(2024, 6, 3), due_in=10),  # resolved in 10 days
            request_data(received=datetime.date(2024, 6, 3), due_in=5),   # open, overdue
            request_data(received=datetime.date(2024, 6, 3), due_in=30),  # open, not yet due
        ],
    )
    r1, r2, r3, r4 = visit.requests.order_by("id")
    _answered(r1, datetime.date(2024, 6, 7))
    _answered(r2, datetime.date(2024, 6, 13))
    old = log_visit(
        world, a, visited_on=datetime.date(2024, 5, 2), kind="routine",
        requests=[request_data(received=datetime.date(2024, 5, 2), due_in=3)],
    ).requests.get()
    _answered(old, datetime.date(2024, 7, 2))  # answered after the period: overdue at its end
    declined = log_visit(
        world, b, visited_on=datetime.date(2024, 5, 20), kind="routine",
        requests=[request_data(received=datetime.date(2024, 5, 20), due_in=3)],
    ).requests.get()
    _answered(declined, datetime.date(2024, 5, 21), status="declined")


def test_figures_of_a_sub_bureau_for_june(world, django_assert_max_num_queries):
    _build(world)
    with django_assert_max_num_queries(5):
        figures = enterprise_figures(unit=world.tinghu, start=START, end=END)
    assert figures["enterprises"] == 3  # the inactive one and 楼王's are not counted
    assert figures["visited"] == 2  # 甲 and 丙 in June
    assert figures["visited_ytd"] == 3
    assert figures["visit_coverage"] == 1.0
    assert figures["drill_coverage"] == round(1 / 3, 4)  # 乙's drill was last year
    assert figures["training_coverage"] == round(1 / 3, 4)
    assert figures["requests_received"] == 4
    assert figures["requests_resolved"] == 2
    assert figures["requests_overdue"] == 2  # r3, and the May request answered in July
    assert figures["median_days_to_resolve"] == 7.0  # (4 + 10) / 2


def test_figures_of_one_station(world):
    _build(world)
    figures = enterprise_figures(unit=world.dongcheng, start=START, end=END)
    assert figures["enterprises"] == 2
    assert figures["visited"] == 1
    assert figures["requests_received"] == 0
    assert figures["median_days_to_resolve"] is None
    assert figures["requests_overdue"] == 1


def test_rates_are_no_data_without_enterprises(world):
    figures = enterprise_figures(unit=world.yandu, start=START, end=END)
    assert figures["enterprises"] == 0
    assert figures["visit_coverage"] is None
    assert figures["drill_coverage"] is None
    assert figures["training_coverage"] is None
    assert figures["median_days_to_resolve"] is None


def test_median_of_an_odd_number_is_the_middle_one(world):
    c = make_enterprise(world)
    visit = log_visit(
        world, c, visited_on=datetime.date(2024, 6, 3),
        requests=[request_data(received=datetime.date(2024, 6, 3), due_in=9) for _ in range(3)],
    )
    for item, day in zip(visit.requests.order_by("id"), (4, 9, 6)):
        _answered(item, datetime.date(2024, 6, 3) + datetime.timedelta(days=day))
    figures = enterprise_figures(unit=world.dongcheng, start=START, end=END)
    assert figures["median_days_to_resolve"] == 6.0
