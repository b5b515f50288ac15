"""Settings for the test suite: the project's settings with FENGQIAO_TESTING on.

The overrides themselves live in policing/settings.py under ``if TESTING``.
"""

import os

os.environ["FENGQIAO_TESTING"] = "1"

from policing.settings import *  # noqa: E402,F401,F403
