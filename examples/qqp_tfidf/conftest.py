import pytest

from qqp_model import model


@pytest.fixture(scope="session")
def qqp():
    return model
