import pytest
from django.test import Client


@pytest.fixture
def client():
    """These tests read English labels; the default language is Chinese."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")
