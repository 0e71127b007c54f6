"""A workspace on disk: the catalog and the vector store under JOURNEYMAP_HOME."""

from dataclasses import dataclass

from assistant.settings import Settings
from ingest.catalog import Catalog
from ingest.embeddings import Embedder, UsemEmbedder
from ingest.pipeline import IngestOptions, Ingestor
from ingest.store import ChunkStore


@dataclass
class Workspace:
    """Everything a command needs to read or write a workspace."""

    settings: Settings
    catalog: Catalog
    store: ChunkStore
    embedder: Embedder

    def ingestor(self, project: str, options: IngestOptions) -> Ingestor:
        """An Ingestor for one project of this workspace."""
        return Ingestor(self.catalog, self.store, self.embedder, project, options)

    def close(self) -> None:
        """Release the catalog's database connection."""
        self.catalog.close()


def open_workspace(settings: Settings, embedder: Embedder | None = None) -> Workspace:
    """Open (creating if needed) the workspace at settings.home."""
    home = settings.home
    embedder = embedder or UsemEmbedder(threads=settings.embedding_threads)
    return Workspace(
        settings=settings,
        catalog=Catalog(home / "journeymap.sqlite"),
        store=ChunkStore(home / "chroma", embedder),
        embedder=embedder,
    )
