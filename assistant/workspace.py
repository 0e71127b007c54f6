"""A workspace on disk: the catalog and the vector store under JOURNEYMAP_HOME."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.settings import Settings
from ingest.catalog import Catalog
from ingest.embeddings import Embedder, UsemEmbedder
from ingest.pipeline import IngestOptions, Ingestor
from ingest.redact import Redactor
from ingest.store import ChunkStore

if TYPE_CHECKING:
    import httpx

    from assistant.llm import LLM


@dataclass
class Workspace:
    """Everything a command needs to read or write a workspace."""

    settings: Settings
    catalog: Catalog
    store: ChunkStore
    embedder: Embedder
    llm_http_client: "httpx.Client | None" = field(default=None, repr=False)
    """The HTTP client the LLM talks through (tests hand in one with a mock transport)."""
    _llm: "LLM | None" = field(default=None, repr=False)

    def llm(self) -> "LLM | None":
        """The configured LLM, or None on the embedded default (imported only when used)."""
        if self.settings.llm_provider == "local":
            return None
        if self._llm is None:
            from assistant.llm import LLM

            self._llm = LLM(self.settings, self.catalog, self.llm_http_client)
        return self._llm

    def extractor_name(self) -> str:
        """The name maps built now record as their extractor (part of a map's id)."""
        if self.settings.llm_provider == "local":
            return "local"
        return f"llm:{self.settings.llm_label()}"

    def ingestor(self, project: str, options: IngestOptions) -> Ingestor:
        """An Ingestor for one project of this workspace."""
        return Ingestor(self.catalog, self.store, self.embedder, project, options)

    def redactor(self, project: str) -> Redactor:
        """The project's redactor as it stands (every speaker alias known so far): maps, chat
        and edits redact source text with it, exactly as ingest did."""
        return Redactor(self.catalog.aliases(project), detect_names=self.settings.detect_names)

    def close(self) -> None:
        """Release the catalog's database connection and the vector store's client."""
        self.catalog.close()
        self.store.close()


def open_workspace(
    settings: Settings,
    embedder: Embedder | None = None,
    llm_http_client: "httpx.Client | None" = None,
) -> Workspace:
    """Open (creating if needed) the workspace at settings.home; fails early, naming the
    variable to set, if the LLM settings cannot work."""
    settings.check_llm()
    home = settings.home
    embedder = embedder or UsemEmbedder(threads=settings.embedding_threads)
    return Workspace(
        settings=settings,
        store=ChunkStore(settings.chroma_location(), embedder),  # first: a bad server fails
        catalog=Catalog(home / "journeymap.sqlite"),  # before the catalog opens a connection
        embedder=embedder,
        llm_http_client=llm_http_client,
    )
