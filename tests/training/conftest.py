import pytest

from tests.training.factories import make_reserve


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files go to a temporary directory, never the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reserve_a(township_a, village_a):
    return make_reserve(township_a, village_a, name="张维")


@pytest.fixture
def reserve_b(township_b, village_b):
    return make_reserve(township_b, village_b, name="刘强")
