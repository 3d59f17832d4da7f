"""The API client for the tests under tests/api/."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()
