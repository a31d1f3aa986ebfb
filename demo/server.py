"""Serve the demo news site on loopback: one port per outlet, URLs rewritten to match.

    python -m demo.server --sources-out demo-sources.toml   # serve until Ctrl-C; write a sources file

The pages are written with each outlet's own ``https://<domain>`` base; this server maps every base to
``http://127.0.0.1:<port>`` in what it sends, answers conditional requests (ETag, Last-Modified) like a real
web server, and logs every request so tests can check what a crawler fetched.
"""

from __future__ import annotations

import argparse
import hashlib
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawler.sources import Source
from demo.outlets import OUTLETS, Outlet

SITE = Path(__file__).resolve().parent / "site"
# The demo's outlets listen on this port and the next five.
DEMO_FIRST_PORT = 8701
CONTENT_TYPES = {
    ".html": "text/html",  # no charset: pages declare theirs in <meta>, as many real sites do
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css",
}


class DemoSiteError(Exception):
    """The demo site cannot be served (a port is taken)."""


class DemoSite:
    """The demo outlets served on loopback; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", site: Path = SITE, first_port: int = 0) -> None:
        """Outlets get ports ``first_port``, ``first_port + 1``, … (or any free ports with 0).

        Fixed ports keep the demo's URLs, and so its article ids, the same from one run to the next.
        """
        self.host = host
        self.first_port = first_port
        self.site = site
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self.requests: list[tuple[str, str, int]] = []  # (domain, path with query, status)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> DemoSite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        if self.servers:
            return
        for index, outlet in enumerate(OUTLETS):
            port = self.first_port + index if self.first_port else 0
            try:
                server = ThreadingHTTPServer((self.host, port), _handler_for(self, outlet))
            except OSError as error:
                for opened in self.servers.values():
                    opened.server_close()
                self.servers.clear()
                raise DemoSiteError(
                    f"cannot serve the demo site on {self.host}:{port}: {error.strerror}"
                ) from error
            server.daemon_threads = True
            self.servers[outlet.domain] = server
        for server in self.servers.values():
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        self.servers.clear()

    def base_url(self, domain: str) -> str:
        return f"http://{self.host}:{self.servers[domain].server_address[1]}"

    def url(self, page: str) -> str:
        """The loopback URL of a gold page path such as ``tokyo-ledger.example/rss.xml``."""
        domain, _, path = page.partition("/")
        return f"{self.base_url(domain)}/{path}"

    def rewrite(self, data: bytes) -> bytes:
        for outlet in OUTLETS:
            data = data.replace(outlet.base.encode(), self.base_url(outlet.domain).encode())
        return data

    def sources(self) -> list[Source]:
        """The demo outlets as crawl sources (loopback allowed)."""
        result = []
        for outlet in OUTLETS:
            base = self.base_url(outlet.domain)
            result.append(
                Source(
                    name=outlet.source,
                    feeds=[base + p for p in outlet.feeds],
                    sitemaps=[base + p for p in outlet.sitemaps],
                    start_urls=[base + p for p in outlet.start_urls],
                    allowed_domains=[urlsplit(base).netloc],
                    language="en",
                    allow_private_addresses=True,
                )
            )
        return result

    def sources_toml(self) -> str:
        def array(values: list[str]) -> str:
            return "[" + ", ".join(f'"{v}"' for v in values) + "]"

        blocks = []
        for source in self.sources():
            blocks.append(
                "[[sources]]\n"
                f'name = "{source.name}"\n'
                f"feeds = {array(source.feeds)}\n"
                f"sitemaps = {array(source.sitemaps)}\n"
                f"start_urls = {array(source.start_urls)}\n"
                f"allowed_domains = {array(source.allowed_domains)}\n"
                f'language = "{source.language}"\n'
                "allow_private_addresses = true\n"
            )
        return "# The bundled demo site, served on loopback by demo/server.py\n\n" + "\n".join(blocks)

    def fetched(self, domain: str | None = None) -> list[str]:
        """Paths requested so far (optionally of one outlet), in order."""
        with self._lock:
            return [path for d, path, _ in self.requests if domain is None or d == domain]

    def log(self, domain: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((domain, path, status))


def _handler_for(site: DemoSite, outlet: Outlet) -> type[BaseHTTPRequestHandler]:
    root = site.site / outlet.domain

    class Handler(BaseHTTPRequestHandler):
        server_version = "NewslineDemo/1.0"

        def log_message(self, format: str, *args: object) -> None:  # quiet: requests go to site.requests
            pass

        def do_HEAD(self) -> None:
            self.respond(send_body=False)

        def do_GET(self) -> None:
            self.respond(send_body=True)

        def respond(self, send_body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            file = (root / path.lstrip("/")).resolve()
            if file.is_dir():
                file = file / "index.html"
            if not file.is_relative_to(root.resolve()) or not file.is_file():
                site.log(outlet.domain, self.path, 404)
                body = b"<html><body><h1>404 Not Found</h1><p>No such page.</p></body></html>"
                self.send_response(HTTPStatus.NOT_FOUND)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)
                return
            body = site.rewrite(file.read_bytes())
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            modified = int(file.stat().st_mtime)
            if self.not_modified(etag, modified):
                site.log(outlet.domain, self.path, 304)
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            site.log(outlet.domain, self.path, 200)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", CONTENT_TYPES.get(file.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def not_modified(self, etag: str, modified: int) -> bool:
            if self.headers.get("If-None-Match"):
                return etag in [tag.strip() for tag in self.headers["If-None-Match"].split(",")]
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return modified <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

    return Handler


def serve_until_interrupted() -> None:
    """Keep the process (and the servers its threads run) alive until Ctrl-C."""
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Newsline demo news site on loopback.")
    parser.add_argument("--sources-out", help="write a sources.toml for the served site to this path")
    parser.add_argument("--first-port", type=int, default=DEMO_FIRST_PORT, help="port of the first outlet")
    args = parser.parse_args(argv)
    with DemoSite(first_port=args.first_port) as site:
        for outlet in OUTLETS:
            print(f"{outlet.name:24} {site.base_url(outlet.domain)}/")
        if args.sources_out:
            Path(args.sources_out).write_text(site.sources_toml(), encoding="utf-8")
            print(f"sources written to {args.sources_out}")
        serve_until_interrupted()


if __name__ == "__main__":
    main()
