"""Settings from the environment (JOURNEYMAP_*): the only place that reads os.environ."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
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


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
