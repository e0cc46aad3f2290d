import pytest

from talentpool.models import Role
from tests.factories import make_user


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Attachments land in a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def colleague_a(township_a):
    """A second officer of township A: the one who reviews what officer_a entered."""
    return make_user("colleague_a", Role.TOWNSHIP, township=township_a, last_name="周")


@pytest.fixture
def county_colleague(db):
    return make_user("county2", Role.COUNTY, last_name="赵")
