"""Article extraction beside the crawl, in worker processes: Scrapy's one process fetches and stores.

Extraction (trafilatura, dates, language) costs more CPU per page than Scrapy and the store together, and
Scrapy runs in one process, so on a large crawl it is the bottleneck. The first
``NEWSLINE_EXTRACT_PROCESSES_FROM`` pages of a crawl are extracted in the crawl process (a small crawl never
pays for starting workers); from then on pages go to ``NEWSLINE_EXTRACT_PROCESSES`` spawned workers (default:
one per core, at most 4; 0 keeps every page in the crawl process) while Scrapy goes on fetching. The
extractor is the same function either way, so the articles are the same.

Extracting after the crawl from stored HTML was the other choice: it would store every page's HTML and
add a stage to `timeline crawl`, for the same parallelism.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.extract import Article, extract_article
from pipeline.workers import default_processes, worker_pool

logger = logging.getLogger(__name__)


def _warm_up() -> None:
    """Load trafilatura's and py3langid's models as the worker starts, not on its first page."""
    extract_article("<html><body><p>" + "Warm up. " * 60 + "</p></body></html>", "https://example.com/")


class ExtractionPool:
    """Extracts pages in the crawl process until ``start_after`` pages, then in ``processes`` workers."""

    def __init__(self, processes: int | None = None, start_after: int = 100) -> None:
        self.processes = default_processes() if processes is None else processes
        self.start_after = start_after
        self.pages = 0
        self._pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_settings(cls, settings) -> ExtractionPool:
        configured = settings.get("NEWSLINE_EXTRACT_PROCESSES")
        processes = None if configured in (None, "") else int(configured)
        return cls(processes, settings.getint("NEWSLINE_EXTRACT_PROCESSES_FROM", 100))

    async def extract(self, html: str | bytes, url: str) -> Article:
        """``extract_article(html, url)``, in a worker once the crawl is large enough."""
        self.pages += 1
        if self.processes < 1 or self.pages <= self.start_after or not _asyncio_loop_running():
            return extract_article(html, url)
        if self._pool is None:
            logger.debug("extracting pages in %d worker processes", self.processes)
            self._pool = worker_pool(self.processes, _warm_up)
        try:
            return await asyncio.wrap_future(self._pool.submit(extract_article, html, url))
        except BrokenProcessPool:
            # A worker died (killed, or out of memory): start new ones for the pages after this one.
            self.close()
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _asyncio_loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
