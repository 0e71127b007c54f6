"""Settings from the environment (JOURNEYMAP_*): the only place that reads os.environ."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """journeymap's settings; each can be set as JOURNEYMAP_<NAME> or in a .env file."""

    model_config = SettingsConfigDict(
        env_prefix="JOURNEYMAP_", env_file=".env", extra="ignore", use_attribute_docstrings=True
    )

    home: Path = Path(".journeymap")
    """Workspace folder: the catalog, the vector store and exports live here."""
    max_file_mb: float = Field(50.0, gt=0)
    """Files larger than this many megabytes are skipped at ingest."""
    embedding_threads: int = Field(2, ge=1)
    """CPU threads for the local embedding model."""
    log_level: str = "WARNING"
    """Python logging level for journeymap's own messages (DEBUG, INFO, WARNING)."""
    api_keys: SecretStr | None = None
    """API keys for `journeymap serve`: `key:project1,project2;otherkey:*` (a key limited to
    projects, or `*` for all). Unset: the API is open (bind it to localhost)."""
    cors_origins: str = ""
    """Comma-separated origins allowed to call the API from a browser (CORS)."""
    max_upload_files: int = Field(50, ge=1)
    """Most files one upload request may carry."""
    job_wait_seconds: float = Field(20.0, ge=0)
    """How long an API upload or map build waits before answering 202 with a job to poll."""

    def key_scopes(self) -> dict[str, set[str]]:
        """API key -> projects it may reach (`*` for every project)."""
        if self.api_keys is None:
            return {}
        scopes: dict[str, set[str]] = {}
        for entry in self.api_keys.get_secret_value().split(";"):
            key, _, projects = entry.strip().partition(":")
            if key:
                scopes[key] = {p.strip() for p in (projects or "*").split(",") if p.strip()}
        return scopes


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
