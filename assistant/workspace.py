"""A workspace on disk: the catalog, the repository and the vector store under JOURNEYMAP_HOME."""

from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.repository import Repository
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
    repository: Repository
    """Maps, edits, conversations and the LLM cache (same database file as the catalog)."""
    llm_http_client: "httpx.Client | None" = field(default=None, repr=False)
    """The HTTP client the LLM talks through (tests hand in one with a mock transport)."""
    _llm: "LLM | None" = field(default=None, repr=False)

    def llm(self) -> "LLM | None":
        """The configured LLM, or None on the embedded default (imported only when used)."""
        if self.settings.llm_provider == "local":
            return None
        if self._llm is None:
            from assistant.llm import LLM

            self._llm = LLM(self.settings, self.repository, self.llm_http_client)
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
        """Release the database connections and the vector store's client."""
        self.repository.close()
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
    embedder = embedder or UsemEmbedder(
        threads=settings.embedding_threads, cache_dir=home / "cache" / "vectors"
    )
    store = ChunkStore(settings.chroma_location(), embedder)  # first: a bad server fails
    with ExitStack() as opened:  # before the catalog opens a connection; closed on failure
        opened.callback(store.close)
        # Both upgrade the one database file; each refuses it if a newer journeymap wrote it.
        catalog = Catalog(home / "journeymap.sqlite")
        opened.callback(catalog.close)
        repository = Repository(home / "journeymap.sqlite")
        opened.pop_all()
    return Workspace(
        settings=settings,
        store=store,
        catalog=catalog,
        embedder=embedder,
        repository=repository,
        llm_http_client=llm_http_client,
    )
