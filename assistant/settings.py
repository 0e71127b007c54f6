"""Settings from the environment (JOURNEYMAP_*): the only place that reads os.environ."""

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from journey.errors import MEGABYTE, ConfigError

if TYPE_CHECKING:
    from ingest.pipeline import IngestOptions
    from ingest.store import ChromaServer

KEYLESS = "sk-no-key-required"
"""The placeholder key a keyless local server gets (the OpenAI client insists on one)."""


class Settings(BaseSettings):
    """journeymap's settings; each can be set as JOURNEYMAP_<NAME> or in a .env file."""

    model_config = SettingsConfigDict(
        env_prefix="JOURNEYMAP_",
        env_file=".env",
        extra="ignore",
        use_attribute_docstrings=True,
        validate_by_name=True,
    )

    home: Path = Path(".journeymap")
    """Workspace folder: the catalog, the vector store and exports live here."""
    max_file_mb: float = Field(50.0, gt=0)
    """Files larger than this many megabytes are skipped at ingest."""
    detect_names: bool = True
    """Redact people's names found in free text ("my wife Sarah", "Dr Okafor", 王先生) as
    [NAME]; speakers' names are always redacted. Applies to ingests and maps made after."""
    max_file_seconds: float = Field(300.0, gt=0)
    """Seconds one file may take to be read, redacted and chunked (embedding not counted); a
    file over it is skipped with its reason. A backstop: every step is linear in file size."""
    embedding_threads: int = Field(2, ge=1)
    """CPU threads for the local embedding model."""
    log_level: str = "WARNING"
    """Python logging level for journeymap's own messages (DEBUG, INFO, WARNING)."""
    api_keys: SecretStr | None = None
    """API keys for `journeymap serve`: `key:project1,project2;otherkey:*` (a key limited to
    projects, or `*` for all; keys of at least 8 characters). Unset: the API is open (bind it
    to localhost)."""
    public_docs: bool = False
    """With API keys set, /docs, /redoc and /openapi.json need a key too, unless this is true."""
    cors_origins: str = ""
    """Comma-separated origins allowed to call the API from a browser (CORS)."""
    max_upload_files: int = Field(50, ge=1)
    """Most files one upload request may carry."""
    max_upload_mb: float | None = Field(None, gt=0)
    """Most megabytes one upload request may carry in all; unset: 4 × max_file_mb."""
    job_wait_seconds: float = Field(20.0, ge=0)
    """How long an API upload or map build waits before answering 202 with a job to poll."""
    job_resume: bool = False
    """An API worker runs again, on its own, jobs a server's stop or death cut short (each by
    one worker; a job begun 3 times is left to be retried by hand). Off: a client retries."""

    chroma_url: str | None = None
    """A Chroma server (`chroma run`, e.g. http://127.0.0.1:8000) holding the vectors instead of
    the embedded store in the workspace folder; unset: embedded."""
    chroma_token: SecretStr | None = None
    """Token sent to the Chroma server (or the proxy in front of it) on every request."""
    chroma_token_header: Literal["Authorization", "X-Chroma-Token"] = "Authorization"
    """How the token travels: `Authorization: Bearer <token>`, or as is in X-Chroma-Token."""
    chroma_tenant: str = "default_tenant"
    """Tenant on the Chroma server."""
    chroma_database: str = "default_database"
    """Database on the Chroma server; give each workspace its own when several share a server
    (collections are named after projects)."""

    llm_provider: Literal["local", "openai", "azure", "openai-compatible", "mcp-sampling"] = "local"
    """Who extracts, names and recommends: `local` (the embedded default, no LLM), `openai`,
    `azure`, `openai-compatible` (Ollama, vLLM, LM Studio, llama.cpp server; set base_url), or
    `mcp-sampling`: the model of the MCP client calling `journeymap mcp`, through sampling (no
    key; the client must support sampling; chosen, never automatic, as it sends redacted
    transcripts to the host's model)."""
    llm_model: str = "gpt-4.1-mini"
    """Model name (for Azure: the deployment name)."""
    llm_base_url: str | None = None
    """Server URL for `openai-compatible` (e.g. http://127.0.0.1:8080/v1) or an OpenAI proxy."""
    llm_api_key: SecretStr | None = None
    """Key for the LLM. `openai` also reads OPENAI_API_KEY and `azure` AZURE_OPENAI_API_KEY; a
    custom base_url never gets OPENAI_API_KEY implicitly (a keyless local server is fine)."""
    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    """OpenAI's own variable, read for the `openai` provider only."""
    azure_openai_api_key: SecretStr | None = Field(None, validation_alias="AZURE_OPENAI_API_KEY")
    """Azure's own variable, read for the `azure` provider only."""
    llm_azure_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices("JOURNEYMAP_LLM_AZURE_ENDPOINT", "AZURE_OPENAI_ENDPOINT"),
    )
    """Azure OpenAI endpoint (https://NAME.openai.azure.com); AZURE_OPENAI_ENDPOINT also works."""
    llm_api_version: str = "2024-10-21"
    """Azure OpenAI API version."""
    llm_temperature: float = Field(0.0, ge=0, le=2)
    """Sampling temperature (0 keeps maps reproducible)."""
    llm_timeout: float = Field(120.0, gt=0)
    """Seconds before one LLM request times out (it is then retried)."""
    llm_max_retries: int = Field(3, ge=0)
    """Retries with exponential backoff on 429, 5xx and timeouts."""
    llm_max_concurrency: int = Field(4, ge=1)
    """Most LLM requests in flight at once."""
    llm_requests_per_minute: float | None = Field(None, gt=0)
    """Client-side rate limit; unset: no limit beyond the provider's 429s."""
    llm_max_tokens: int = Field(2048, ge=64)
    """Most completion tokens per request."""
    llm_structured_output: Literal["json_schema", "function_calling", "json_mode"] = (
        "function_calling"
    )
    """How replies are constrained to the schema: `function_calling` works with OpenAI and most
    local servers (llama.cpp's server rejects `json_schema`)."""
    llm_chunk_chars: int = Field(3000, ge=200)
    """Participant text per extraction request (short turns are batched up to this)."""

    def llm_label(self) -> str:
        """`provider:model`, as maps record the LLM that built them (part of a map's id); for
        `mcp-sampling` only the provider: the host picks the model and names it as it answers."""
        if self.llm_provider == "mcp-sampling":
            return self.llm_provider
        return f"{self.llm_provider}:{self.llm_model}"

    def llm_key(self) -> SecretStr:
        """The key to send to the configured LLM; a missing one fails here, naming the variable.

        A custom base_url gets JOURNEYMAP_LLM_API_KEY or a placeholder, never OPENAI_API_KEY:
        that key belongs to OpenAI and must not leak to another server.
        """
        if self.llm_api_key is not None:
            return self.llm_api_key
        if self.llm_provider == "openai-compatible" or (
            self.llm_provider == "openai" and self.llm_base_url
        ):
            return SecretStr(KEYLESS)
        if self.llm_provider == "openai" and self.openai_api_key is not None:
            return self.openai_api_key
        if self.llm_provider == "azure" and self.azure_openai_api_key is not None:
            return self.azure_openai_api_key
        own = {"openai": "OPENAI_API_KEY", "azure": "AZURE_OPENAI_API_KEY"}.get(self.llm_provider)
        raise ConfigError(
            f"JOURNEYMAP_LLM_PROVIDER={self.llm_provider} needs a key: set JOURNEYMAP_LLM_API_KEY"
            + (f" (or {own})" if own else "")
            + ", or set JOURNEYMAP_LLM_PROVIDER=local to use the embedded default"
        )

    def check_llm(self) -> None:
        """Fail at start, with the variable to set, when the LLM settings cannot work."""
        if self.llm_provider in ("local", "mcp-sampling"):
            return  # sampling needs no key; whether the client can sample is known per call
        if self.llm_provider == "openai-compatible" and not self.llm_base_url:
            raise ConfigError(
                "JOURNEYMAP_LLM_PROVIDER=openai-compatible needs JOURNEYMAP_LLM_BASE_URL "
                "(e.g. http://127.0.0.1:8080/v1)"
            )
        if self.llm_provider == "azure" and not self.llm_azure_endpoint:
            raise ConfigError(
                "JOURNEYMAP_LLM_PROVIDER=azure needs JOURNEYMAP_LLM_AZURE_ENDPOINT "
                "(or AZURE_OPENAI_ENDPOINT)"
            )
        self.llm_key()

    def max_upload_bytes(self) -> int:
        """The most bytes one upload request may carry (its whole body)."""
        megabytes = self.max_upload_mb if self.max_upload_mb is not None else 4 * self.max_file_mb
        return int(megabytes * MEGABYTE)

    def ingest_options(self, **choices: Any) -> "IngestOptions":
        """IngestOptions carrying this process's per-file limits, plus the user's choices."""
        from ingest.pipeline import IngestOptions  # settings stay light: no chromadb at import

        return IngestOptions(
            max_bytes=int(self.max_file_mb * MEGABYTE),
            max_seconds=self.max_file_seconds,
            detect_names=self.detect_names,
            **choices,
        )

    def chroma_location(self) -> "Path | ChromaServer":
        """Where the vector store lives: the workspace folder, or the configured server."""
        if not self.chroma_url:
            return self.home / "chroma"
        from ingest.store import ChromaServer  # settings stay light: no chromadb at import

        token = self.chroma_token.get_secret_value() if self.chroma_token else None
        return ChromaServer(
            self.chroma_url,
            token,
            self.chroma_token_header,
            self.chroma_tenant,
            self.chroma_database,
        )

    def key_scopes(self) -> dict[str, set[str]]:
        """API key -> projects it may reach (`*` for every project); {} when no keys are set.

        Fails closed: an entry that does not say which projects its key reaches, an empty,
        short or repeated key raises ConfigError (naming the key by its first letters only).
        """
        if self.api_keys is None:
            return {}
        scopes: dict[str, set[str]] = {}
        entries = [e.strip() for e in self.api_keys.get_secret_value().split(";")]
        for entry in filter(None, entries):
            key, colon, projects = (part.strip() for part in entry.partition(":"))
            named = {p.strip() for p in projects.split(",") if p.strip()}
            problem = _key_problem(key, bool(colon and named), scopes)
            if problem:
                raise ConfigError(
                    f"JOURNEYMAP_API_KEYS: key {_hint(key)} {problem}; write "
                    "key:project1,project2 or key:* for all, keys separated by ';' "
                    f"(each at least {MIN_KEY_CHARS} characters)"
                )
            scopes[key] = named
        if not scopes:
            raise ConfigError(
                "JOURNEYMAP_API_KEYS is set but holds no key; write key:project1,project2 or "
                "key:* for all, or unset it to leave the API open"
            )
        return scopes


MIN_KEY_CHARS = 8
"""Shortest API key accepted: a shorter one is guessable."""


def _key_problem(key: str, has_projects: bool, seen: dict[str, set[str]]) -> str | None:
    """What is wrong with one `key:projects` entry of JOURNEYMAP_API_KEYS, if anything."""
    if not key:
        return "has no key before its ':'"
    if not has_projects:
        return "has no projects"
    if len(key) < MIN_KEY_CHARS:
        return f"is shorter than {MIN_KEY_CHARS} characters"
    if key in seen:
        return "appears twice"
    return None


def _hint(key: str) -> str:
    """A key named in an error by its first two characters only, never in full."""
    return repr(key[:2] + "…") if key else "''"


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
