from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from assistant.settings import KEYLESS, Settings
from journey.errors import ConfigError


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


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        ("alice-secret-key:", "has no projects"),
        ("alice-secret-key", "has no projects"),
        ("alice-secret-key: , ;admin-secret-key:*", "has no projects"),
        (":*", "has no key"),
        ("short:*", "shorter than 8"),
        ("alice-secret-key:a;alice-secret-key:b", "appears twice"),
        ("", "holds no key"),
        (" ; ", "holds no key"),
    ],
)
def test_api_keys_fail_closed_and_never_show_a_whole_key(keys: str, problem: str):
    with pytest.raises(ConfigError, match=problem) as caught:
        Settings(api_keys=SecretStr(keys)).key_scopes()
    assert "secret" not in str(caught.value)


def test_api_keys_give_each_key_its_projects():
    settings = Settings(api_keys=SecretStr(" alice-secret-key: alpha, beta ;admin-secret-key:*;"))
    assert settings.key_scopes() == {
        "alice-secret-key": {"alpha", "beta"},
        "admin-secret-key": {"*"},
    }
    assert Settings().key_scopes() == {}


def test_the_upload_limit_defaults_to_four_files_worth():
    assert Settings(max_file_mb=10).max_upload_bytes() == 40 * 1024 * 1024
    assert Settings(max_file_mb=10, max_upload_mb=15).max_upload_bytes() == 15 * 1024 * 1024
