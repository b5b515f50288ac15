"""The coordinator's home: the week's patrols still to run (short of
volunteers first), tips awaiting action, new volunteers and recent outreach,
each block linking to its full list; scoped to the coordinator's unit and a
constant number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.volunteers.conftest import at, patrol, tip, vw  # noqa: F401 - fixture
from volunteers import services
from volunteers.selectors import week_start


def next_monday_noon():
    monday = week_start(timezone.localdate()) + datetime.timedelta(days=7)
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time(12)))


def test_coordinator_sees_the_weeks_patrols_short_ones_first(vw, client):  # noqa: F811
    full = patrol(vw, starts=at(hours=1), needed=1)
    services.patrol_sign_up(actor=vw.coord, patrol=full, volunteer=vw.chen)
    short = patrol(vw, starts=at(hours=2), needed=2)
    patrol(vw, starts=next_monday_noon())  # next week
    patrol(vw, alliance=vw.shuixiang, by=vw.coord_yd, starts=at(hours=1))  # 盐都: not theirs

    response = login(client, vw.coord).get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["week_patrols"] == [short, full]
    assert response.context["understaffed_count"] == 1
    page = response.content.decode()
    assert f'{reverse("volunteers:patrol_week")}?understaffed=true' in page
    assert "1 of 2 signed up" not in page and "0 of 2 signed up" in page


def test_coordinator_sees_new_tips_new_volunteers_and_outreach(vw, client):  # noqa: F811
    waiting = tip(vw)
    handled = tip(vw)
    services.tip_reject(actor=vw.w.officer, tip=handled, note="不实")
    outreach = services.outreach_record(
        actor=vw.coord, alliance=vw.dongting, date=timezone.localdate(), theme="anti_fraud",
        place="东城菜场", volunteers=[vw.chen], people_reached=40,
    )

    response = login(client, vw.coord).get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert list(response.context["new_tips"]) == [waiting]
    assert response.context["new_tips_count"] == 1
    # The fixture's volunteers of 亭湖分局 joined today; 吴四 is 盐都's.
    assert {v.name for v in response.context["new_volunteers"]} == {"陈一", "刘二", "周三"}
    assert list(response.context["recent_outreach"]) == [outreach]
    page = response.content.decode()
    for name in ("tip_list", "volunteer_list", "outreach_list", "patrol_week"):
        assert reverse(f"volunteers:{name}") in page
    assert f'{reverse("volunteers:tip_list")}?status=new' in page


def test_a_tip_list_link_lists_what_the_home_counts(vw, client):  # noqa: F811
    tip(vw)
    tip(vw)
    login(client, vw.coord)
    count = client.get("/").context["new_tips_count"]
    listed = client.get(reverse("volunteers:tip_list") + "?status=new")
    assert count == 2 and listed.context["page_obj"].paginator.count == count


def test_a_phone_typed_into_a_tip_is_masked_on_the_coordinators_home(vw, client):  # noqa: F811
    from volunteers.models import Tip

    Tip.objects.filter(pk=tip(vw).pk).update(description="张三 电话 13812345678 报称楼道堆物")
    login(client, vw.coord)
    page = client.get("/").content.decode()
    assert "13812345678" not in page and "138****5678" in page


def test_the_new_volunteers_link_lists_what_the_home_counts(vw, client):  # noqa: F811
    from volunteers.models import Volunteer

    # One of the unit's volunteers joined long ago: counted by neither.
    old = Volunteer.objects.get(name="陈一")
    Volunteer.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    login(client, vw.coord)
    home = client.get("/")
    count = home.context["new_volunteers_count"]
    since = home.context["new_volunteers_since"].isoformat()
    assert f'{reverse("volunteers:volunteer_list")}?joined_after={since}' in home.content.decode()
    listed = client.get(reverse("volunteers:volunteer_list"), {"joined_after": since})
    assert count == 2 and listed.context["page_obj"].paginator.count == count
    assert "陈一" not in [v.name for v in listed.context["page_obj"]]


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_coordinator_home_queries_do_not_grow_with_rows(vw, client):  # noqa: F811
    login(client, vw.coord)
    patrol(vw, starts=at(hours=1))
    tip(vw)
    few = _queries(client)
    for hours in range(2, 8):
        patrol(vw, starts=at(hours=hours))
        tip(vw)
    assert _queries(client) == few
