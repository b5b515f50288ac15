"""Pages stay small (issue 16 point 3): no form lists a bureau's every unit
or volunteer. A form's unit field is a select up to UNIT_SELECT_MAX units and
the unit picker beyond; a tip or an outreach lists the chosen alliance's
members, and waits for the alliance when the scope holds too many."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.models import Dispute
from tests.conftest import login
from tests.disputes.page_helpers import registration_data
from tests.volunteers.conftest import vw  # noqa: F401  (the fixture)
from units import forms as unit_forms
from volunteers import forms as volunteer_forms
from volunteers.models import Outreach


@pytest.mark.django_db
def test_a_short_list_of_units_is_a_select(client, world):
    login(client, world.lead)
    page = client.get(reverse("disputes:create")).content.decode()
    assert '<select name="unit"' in page and "data-unit-picker" not in page
    assert "东城派出所" in page and "五星派出所" not in page  # the scope only


@pytest.mark.django_db
def test_past_the_limit_a_form_names_its_unit_through_the_picker(client, world, monkeypatch):
    monkeypatch.setattr(unit_forms, "UNIT_SELECT_MAX", 1)
    login(client, world.admin)  # every station
    page = client.get(reverse("disputes:create")).content.decode()
    assert '<select name="unit"' not in page and '<select name="beat"' not in page
    assert 'name="unit"' in page and "kind=station&amp;q=" in page and "kind=beat&amp;q=" in page
    # What the picker fills in, and what a user may type, name the unit.
    response = client.post(reverse("disputes:create"), registration_data(
        world, title="五星的漏水纠纷", unit="五星派出所 (TH-WX)", beat="TH-WX-01"))
    assert response.status_code == 302
    case = Dispute.objects.get(title="五星的漏水纠纷")
    assert (case.unit, case.beat) == (world.wuxing, world.wx_beat)
    # A unit the field does not offer (a sub-bureau is no station) is refused,
    # and nothing is saved.
    refused = client.post(reverse("disputes:create"), registration_data(
        world, title="楼王的纠纷", unit="亭湖分局 (TH)", beat=""))
    assert refused.status_code == 200 and "unit" in refused.context["form"].errors
    assert not Dispute.objects.filter(title="楼王的纠纷").exists()


@pytest.mark.django_db
def test_an_outreach_lists_the_chosen_alliances_members(client, vw):
    login(client, vw.coord)
    url = reverse("volunteers:outreach_create")
    everyone = client.get(url).context["form"].fields["volunteers"].queryset
    assert set(everyone) == {vw.chen, vw.liu, vw.zhou}  # the coordinator's scope, members
    own = client.get(url, {"alliance": vw.dongting.pk}).context["form"]
    assert set(own.fields["volunteers"].queryset) == {vw.chen, vw.liu}
    assert 'data-reload-with="alliance"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_past_the_limit_the_members_wait_for_the_alliance(client, vw, monkeypatch):
    monkeypatch.setattr(volunteer_forms, "MEMBERS_LISTED_MAX", 2)
    login(client, vw.coord)
    url = reverse("volunteers:outreach_create")
    waiting = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert list(waiting.context["form"].fields["volunteers"].queryset) == []
    assert "Choose the alliance first" in waiting.content.decode()
    assert "陈一" not in waiting.content.decode()
    response = client.post(url, {
        "alliance": vw.dongting.pk, "date": datetime.date.today().isoformat(),
        "theme": Outreach.Theme.choices[0][0], "place": "东城小区", "volunteers": [vw.liu.pk],
        "households_reached": 3, "people_reached": 5,
    })
    assert response.status_code == 302
    assert list(Outreach.objects.get(place="东城小区").volunteers.all()) == [vw.liu]
    # A tip's reporter is a member of its alliance, like the service requires.
    tip = client.get(reverse("volunteers:tip_create"), {"alliance": vw.wanjia.pk})
    assert set(tip.context["form"].fields["volunteer"].queryset) == {vw.zhou}
    assert timezone.now()


@pytest.mark.django_db
def test_a_visit_names_the_officers_of_the_enterprises_station(client, world):
    from tests.enterprises.helpers import make_enterprise

    enterprise = make_enterprise(world)  # at 东城
    login(client, world.admin)
    form = client.get(reverse("enterprises:visit_create", args=[enterprise.pk])).context["form"]
    assert set(form.fields["officers"].queryset) == {world.officer, world.lead}


@pytest.mark.django_db
def test_past_the_limit_the_liaison_officer_is_named_by_username(client, world, monkeypatch):
    from enterprises.models import Enterprise
    from tests.enterprises.helpers import new_code

    monkeypatch.setattr(unit_forms, "UNIT_SELECT_MAX", 1)
    login(client, world.admin)
    page = client.get(reverse("enterprises:create")).content.decode()
    assert '<select name="liaison_officer"' not in page and 'name="liaison_officer"' in page

    def create(liaison, name):
        return client.post(reverse("enterprises:create"), {
            "name": name, "credit_code": new_code(), "unit": "东城派出所 (TH-DC)",
            "address": "环保产业园6号", "industry": "chemicals", "contact_name": "孙厂长",
            "contact_phone": "13900001111", "active": "on", "liaison_officer": liaison,
        })

    assert create("officer", "盐城华远精细化工有限公司").status_code == 302
    assert Enterprise.objects.get(name="盐城华远精细化工有限公司").liaison_officer == world.officer
    refused = create("nobody", "盐城某公司")
    assert refused.status_code == 200 and "liaison_officer" in refused.context["form"].errors
    assert not Enterprise.objects.filter(name="盐城某公司").exists()


@pytest.mark.django_db
def test_past_the_limit_a_member_is_added_by_phone_number(client, vw, monkeypatch):
    monkeypatch.setattr(volunteer_forms, "MEMBERS_LISTED_MAX", 0)
    login(client, vw.coord)
    url = reverse("volunteers:alliance_detail", args=[vw.wanjia.pk])
    page = client.get(url).content.decode()
    assert '<select name="volunteer"' not in page and 'name="volunteer"' in page
    add = reverse("volunteers:membership_add", args=[vw.wanjia.pk])
    joined = {"role": "member", "joined_on": "2024-03-01"}
    assert client.post(add, {**joined, "volunteer": "138 1234 0001"}).status_code == 302
    assert vw.chen.memberships.filter(alliance=vw.wanjia).exists()
    refused = client.post(add, {**joined, "volunteer": "13800000000"}, follow=True,
                          HTTP_ACCEPT_LANGUAGE="en")  # nobody's number
    shown = [str(message) for message in refused.context["messages"]]
    assert "No volunteer of yours outside this alliance has that number." in shown, shown
    assert vw.wanjia.memberships.count() == 2
