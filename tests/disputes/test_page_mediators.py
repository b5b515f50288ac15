"""The mediator pool pages."""

from django.urls import reverse

from disputes import services
from disputes.models import Mediator, Track
from tests.conftest import login, register
from tests.disputes.page_helpers import client  # noqa: F401  (English pages)


def make_mediator(world, unit=None, name="陈律师", **kw):
    return services.mediator_save(
        actor=world.admin, name=name, kind=kw.pop("kind", Mediator.Kind.LAWYER),
        unit=unit or world.dongcheng, phone=kw.pop("phone", "13700001234"), **kw,
    )


def test_list_shows_own_subtree_and_units_above(client, world):
    own = make_mediator(world, name="东城调解员")
    city = make_mediator(world, unit=world.city, name="市局调解员", kind=Mediator.Kind.JUDICIAL)
    other = make_mediator(world, unit=world.wuxing, name="五星调解员")
    login(client, world.officer)
    response = client.get(reverse("disputes:mediator_list"))
    assert response.status_code == 200
    assert set(response.context["page_obj"].object_list) == {own, city}
    assert other.name not in response.content.decode()
    response = client.get(reverse("disputes:mediator_list") + "?kind=judicial")
    assert list(response.context["page_obj"].object_list) == [city]


def test_detail_shows_masked_phone_and_recent_cases_in_scope(client, world):
    mediator = make_mediator(world, unit=world.city)
    case = register(world)
    services.dispute_assess(dispute=case, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=case, actor=world.officer, officer=world.officer, mediators=[mediator])
    login(client, world.officer)
    response = client.get(mediator.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and case.reference in html
    assert "137****1234" in html and "13700001234" not in html
    # officer2 sees the same mediator, but not officer's case.
    login(client, world.officer2)
    html = client.get(mediator.get_absolute_url()).content.decode()
    assert case.reference not in html


def test_mediator_of_another_station_is_404(client, world):
    other = make_mediator(world, unit=world.wuxing)
    login(client, world.officer)
    assert client.get(other.get_absolute_url()).status_code == 404
    login(client, world.lead)
    assert client.get(reverse("disputes:mediator_edit", args=[other.pk])).status_code == 404


def test_lead_adds_mediator_with_specialities(client, world):
    login(client, world.lead)
    response = client.post(reverse("disputes:mediator_create"), {
        "name": "周主任", "kind": "women", "organisation": "东城街道妇联", "unit": world.dongcheng.pk,
        "phone": "13812340000", "specialities": ["family", "neighbourhood"], "active": "on",
    })
    assert response.status_code == 302
    mediator = Mediator.objects.get()
    assert (mediator.name, mediator.unit, mediator.active) == ("周主任", world.dongcheng, True)
    assert set(mediator.specialities.values_list("category", flat=True)) == {"family", "neighbourhood"}


def test_bad_phone_gives_field_error_and_saves_nothing(client, world):
    login(client, world.lead)
    response = client.post(reverse("disputes:mediator_create"), {
        "name": "周主任", "kind": "women", "unit": world.dongcheng.pk, "phone": "123",
    })
    assert response.status_code == 200 and "phone" in response.context["form"].errors
    assert not Mediator.objects.exists()


def test_lead_cannot_add_mediator_outside_scope(client, world):
    login(client, world.lead)
    response = client.post(reverse("disputes:mediator_create"), {
        "name": "周主任", "kind": "women", "unit": world.wuxing.pk,
    })
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Mediator.objects.exists()


def test_edit_keeps_phone_when_left_blank_and_never_shows_it(client, world):
    mediator = make_mediator(world, specialities=["labour"])
    login(client, world.lead)
    url = reverse("disputes:mediator_edit", args=[mediator.pk])
    page = client.get(url)
    assert page.status_code == 200 and "13700001234" not in page.content.decode()
    response = client.post(url, {
        "name": "陈律师", "kind": "lawyer", "unit": world.dongcheng.pk, "phone": "",
        "specialities": ["labour", "debt"],
    })
    assert response.status_code == 302
    mediator.refresh_from_db()
    assert mediator.phone == "13700001234" and mediator.active is False
    assert set(mediator.specialities.values_list("category", flat=True)) == {"labour", "debt"}


def test_officer_cannot_add_or_edit_mediators(client, world):
    mediator = make_mediator(world)
    login(client, world.officer)
    assert client.get(reverse("disputes:mediator_create")).status_code == 403
    assert client.get(reverse("disputes:mediator_edit", args=[mediator.pk])).status_code == 403
    assert "mediators/new/" not in client.get(reverse("disputes:mediator_list")).content.decode()
