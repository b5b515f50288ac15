"""The dispute list page: filters, sorting, paging, and a constant query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, Track
from tests.conftest import login, register
from tests.disputes.page_helpers import client  # noqa: F401  (English pages)

LIST = reverse("disputes:list")


def count_list_queries(client, query="") -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST + query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "?overdue=false&ordering=-deadline", "?q=纠纷"])
def test_list_query_count_does_not_grow_with_rows(client, world, query):
    register(world)
    login(client, world.officer)
    one = count_list_queries(client, query)
    for index in range(49):
        dispute = register(world, title=f"纠纷{index}")
        if index % 2:
            services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="high",
                                    track=Track.JOINT)
    assert Dispute.objects.count() == 50
    assert count_list_queries(client, query) == one


def test_list_shows_columns_with_status_badge_and_risk(client, world):
    dispute = register(world, title="高风险纠纷")
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="high", track=Track.JOINT)
    login(client, world.officer)
    html = client.get(LIST).content.decode()
    assert dispute.reference in html and "高风险纠纷" in html
    assert "badge-dispute-assessed" in html and "risk-high" in html
    assert "days left" in html


def test_overdue_case_is_marked_and_filtered(client, world):
    late = register(world, title="逾期纠纷")
    services.dispute_assess(dispute=late, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    Dispute.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(days=2))
    on_time = register(world, title="按期纠纷")
    login(client, world.officer)
    response = client.get(LIST + "?overdue=true")
    assert list(response.context["page_obj"].object_list) == [late]
    assert "overdue by 2 days" in response.content.decode()
    response = client.get(LIST + "?overdue=false")
    assert list(response.context["page_obj"].object_list) == [on_time]


def test_filters_by_status_track_and_search(client, world):
    noise = register(world, title="噪音纠纷")
    wages = register(world, title="欠薪纠纷", category="labour")
    services.dispute_assess(dispute=wages, actor=world.officer, risk_level="medium", track=Track.PROFESSIONAL)
    login(client, world.officer)

    def listed(query):
        return list(client.get(LIST + query).context["page_obj"].object_list)

    assert listed("?status=registered") == [noise]
    assert listed("?track=professional") == [wages]
    assert listed("?category=labour&risk_level=medium") == [wages]
    assert listed(f"?q={noise.reference}") == [noise]
    assert listed("?q=欠薪") == [wages]
    assert set(listed("?q=张三")) == {noise, wages}
    assert listed(f"?assigned_officer={world.officer.pk}&ordering=received_at") == [noise, wages]


def test_sort_links_keep_filters_and_toggle(client, world):
    register(world)
    login(client, world.officer)
    response = client.get(LIST + "?track=joint&ordering=deadline&page=1")
    html = response.content.decode()
    assert "?track=joint&amp;ordering=-deadline" in html
    assert "?track=joint&amp;ordering=reference" in html
    assert response.context["sort"]["deadline"]["arrow"] == "▲"


def test_received_date_range(client, world):
    old = register(world, title="旧纠纷", received_at=timezone.now() - datetime.timedelta(days=40))
    new = register(world, title="新纠纷")
    login(client, world.officer)
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    response = client.get(LIST + f"?received_after={since}")
    assert list(response.context["page_obj"].object_list) == [new]
    response = client.get(LIST + f"?received_before={since}")
    assert list(response.context["page_obj"].object_list) == [old]


def test_paginated_by_page_size_setting(client, world, settings):
    settings.FENGQIAO = {**settings.FENGQIAO, "PAGE_SIZE": 2}
    for index in range(5):
        register(world, title=f"纠纷{index}")
    login(client, world.officer)
    response = client.get(LIST + "?category=neighbourhood&page=2")
    page = response.context["page_obj"]
    assert len(page.object_list) == 2 and page.paginator.num_pages == 3
    assert "category=neighbourhood&amp;page=3" in response.content.decode()


def test_the_mediator_filter_is_offered_when_short_and_narrowed_by_the_unit(
    client, world, monkeypatch
):
    """A province's mediators (849) were 35 KB of the admin's list page: past
    the cap the filter is not offered until a unit narrows it, and then it
    holds that unit's mediators and the pools above it that serve it."""
    from disputes.filters import DisputeFilter
    from disputes.models import Mediator

    def mediator(name, unit):
        return services.mediator_save(actor=world.admin, name=name,
                                      kind=Mediator.Kind.LAWYER, unit=unit, specialities=[])

    city_pool, wuxing, yandu = (mediator("市调解员", world.city), mediator("五星调解员", world.wuxing),
                                mediator("盐都调解员", world.louwang))
    login(client, world.admin)
    monkeypatch.setattr(DisputeFilter, "OFFICER_CHOICES_MAX", 2)
    page = client.get(reverse("disputes:list")).content.decode()
    assert 'name="mediator"' in page and "盐都调解员" not in page  # hidden, not listed
    field = client.get(reverse("disputes:list"), {"unit": "TH-WX"}).context["filter"].form["mediator"]
    assert {label.split(" (")[0] for _value, label in field.field.choices if _value} == {
        "市调解员", "五星调解员"}
    listed = client.get(reverse("disputes:list"), {"mediator": yandu.pk})
    assert listed.status_code == 200 and listed.context["filter"].form["mediator"].value() == str(yandu.pk)
    assert city_pool.pk and wuxing.pk
