import pytest

from reader import model


@pytest.fixture(scope="session")
def reader():
    return model
