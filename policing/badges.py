"""Every status of every record that the pages show as a badge.

One badge component renders them all (``{% badge kind value label %}`` in
``policing/templatetags/fq.py``); its colours are ``.badge-<kind>-<value>``
in ``policing/static/fengqiao/app.css``. tests/test_badges.py checks that each
value below has a style and that its text reaches 4.5:1 on its background.
"""

from django.db import models

from disputes.models import Agreement, JudicialConfirmation, Referral, Status
from enterprises.models import EnterpriseRequest
from reports.models import MonthlyReport
from volunteers.models import Patrol, Tip

BADGE_KINDS: dict[str, type[models.TextChoices]] = {
    "dispute": Status,
    "tip": Tip.Status,
    "patrol": Patrol.Status,
    "request": EnterpriseRequest.Status,
    "report": MonthlyReport.State,
    "referral": Referral.State,
    "performance": Agreement.Performance,
    "confirmation": JudicialConfirmation.Outcome,
}
