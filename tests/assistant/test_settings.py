from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import KEYLESS, Settings


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


def test_providers_read_their_own_key_variables(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "az-key")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://name.openai.azure.com")
    assert Settings(llm_provider="openai").llm_key().get_secret_value() == "sk-openai"
    azure = Settings(llm_provider="azure")
    assert azure.llm_key().get_secret_value() == "az-key"
    assert azure.llm_azure_endpoint == "https://name.openai.azure.com"
    # A proxy or local server never gets OpenAI's key implicitly.
    proxied = Settings(llm_provider="openai", llm_base_url="http://proxy.test/v1")
    assert proxied.llm_key().get_secret_value() == KEYLESS
    monkeypatch.setenv("JOURNEYMAP_LLM_API_KEY", "sk-mine")
    assert Settings(llm_provider="openai").llm_key().get_secret_value() == "sk-mine"
