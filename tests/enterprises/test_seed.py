"""The demo seed's enterprises: valid credit codes, visits and requests."""

from django.core.management import call_command

from enterprises.models import Enterprise, EnterpriseRequest, EnterpriseVisit
from units.validators import validate_credit_code


def test_seeded_enterprises_have_valid_codes_visits_and_a_green_channel_permit(db):
    call_command("seed", scale="demo", seed=1, stdout=open("/dev/null", "w"))
    assert Enterprise.objects.count() >= 5
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
    assert EnterpriseVisit.objects.filter(kind="emergency_drill").exists()
    permit = EnterpriseRequest.objects.get(category="exit_entry", green_channel=True)
    assert permit.enterprise.foreign_staff
    assert permit.status == "resolved" and permit.resolved_at is not None
    assert set(EnterpriseRequest.objects.values_list("status", flat=True)) == {
        "open", "in_progress", "resolved", "declined",
    }
