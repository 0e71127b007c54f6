from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings


def test_settings_read_the_journeymap_prefix(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JOURNEYMAP_HOME", "/tmp/somewhere")
    monkeypatch.setenv("JOURNEYMAP_MAX_FILE_MB", "2.5")
    settings = Settings()
    assert settings.home == Path("/tmp/somewhere")
    assert settings.max_file_mb == 2.5


def test_a_bad_setting_fails_with_its_name(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JOURNEYMAP_MAX_FILE_MB", "-1")
    with pytest.raises(ValidationError, match="max_file_mb"):
        Settings()
