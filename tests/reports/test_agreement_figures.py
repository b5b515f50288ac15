"""The agreements' figures of the monthly report (DESIGN.md §6), on a small
story worked out by hand.

At 东城 in 2026, four resolved cases with agreements:
- A: performance due 10 March, recorded performed;
- B: due 20 March, recorded breached;
- C: due 31 March (the month's last day), partly performed;
- D: due 1 April, performed; its judicial confirmation ruled 15 March.
March: due = A, B, C = 3; performed = A = 1; breached = B = 1;
performance rate = 1 ÷ (1 + 1) = 0.5 (C, partly, counts in neither);
confirmed = D = 1 (ruled in March, whatever its due date).
April: due = D = 1, performed 1, breached 0, rate 1.0, confirmed 0.
五星 sees none of it.
"""

import datetime

from disputes import services
from disputes.models import Agreement, JudicialConfirmation, Track
from reports import figures
from reports.figures import Period
from tests.conftest import register

MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


def _case(world, *, due: datetime.date, performance: str) -> Agreement:
    dispute = register(world, received_at=None)
    services.dispute_assess(dispute=dispute, actor=world.officer, risk_level="low", track=Track.IMMEDIATE)
    services.dispute_dispatch(dispute=dispute, actor=world.officer, officer=world.officer)
    services.dispute_resolve(
        dispute=dispute, actor=world.officer,
        agreement=services.AgreementData(terms="赔偿", signed_on=datetime.date(2026, 2, 20),
                                         performance_due=due),
    )
    agreement = dispute.agreements.get()
    Agreement.objects.filter(pk=agreement.pk).update(performance=performance)
    return agreement


def test_agreement_figures_of_march_and_april(world):
    _case(world, due=datetime.date(2026, 3, 10), performance="performed")
    _case(world, due=datetime.date(2026, 3, 20), performance="breached")
    _case(world, due=datetime.date(2026, 3, 31), performance="partly")
    d = _case(world, due=datetime.date(2026, 4, 1), performance="performed")
    JudicialConfirmation.objects.create(
        agreement=d, court="亭湖区人民法院", applied_on=datetime.date(2026, 3, 1),
        outcome="confirmed", decided_on=datetime.date(2026, 3, 15), ruling_number="(2026)1号",
        recorded_by=world.officer,
    )
    march = figures.agreement_figures(Period(unit=world.dongcheng, month=MARCH))
    assert march == {
        "agreements_due": 3, "agreements_performed": 1, "agreements_breached": 1,
        "performance_rate": 0.5, "agreements_confirmed": 1,
    }
    april = figures.agreement_figures(Period(unit=world.tinghu, month=APRIL))
    assert april == {
        "agreements_due": 1, "agreements_performed": 1, "agreements_breached": 0,
        "performance_rate": 1.0, "agreements_confirmed": 0,
    }
    assert figures.agreement_figures(Period(unit=world.wuxing, month=MARCH)) == {
        "agreements_due": 0, "agreements_performed": 0, "agreements_breached": 0,
        "performance_rate": None, "agreements_confirmed": 0,
    }
    # Each count opens as the list of its cases.
    listed = figures.records("agreements_due", Period(unit=world.dongcheng, month=MARCH))
    assert listed.count() == 3
