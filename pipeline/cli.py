"""Newsline: news articles in, a deduplicated, dated, sourced event timeline out.

Every command takes --db (default timeline.db, or $TIMELINE_DB).
"""

from __future__ import annotations

import functools
import subprocess
import sys
from datetime import datetime

import click

from pipeline.schema import SchemaTooNew, default_db_path, open_database
from pipeline.web import DEFAULT_SQL_TIME_LIMIT_MS

# Exit codes (documented in README.md).
EXIT_OK, EXIT_FAILED, EXIT_PARTIAL, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 75, 130


def db_option(command):
    """The --db option every command shares."""

    @click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        default=default_db_path,
        show_default="timeline.db or $TIMELINE_DB",
        help="The SQLite database.",
    )
    @functools.wraps(command)
    def wrapper(*args, db_path: str, **kwargs):
        try:
            open_database(db_path)
        except SchemaTooNew as error:
            raise click.ClickException(str(error)) from error
        return command(*args, db_path=db_path, **kwargs)

    return wrapper


def writes(command):
    """Commands that write take the database's writer lock (``--wait`` seconds for it, default 0)."""

    @click.option(
        "--wait",
        type=click.FloatRange(min=0),
        default=0,
        show_default=True,
        help="Seconds to wait when another Newsline command is writing to the database.",
    )
    @functools.wraps(command)
    def wrapper(*args, db_path: str, wait: float, **kwargs):
        from pipeline.lock import DatabaseBusy, writer_lock

        try:
            with writer_lock(db_path, wait):
                return command(*args, db_path=db_path, **kwargs)
        except DatabaseBusy as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(EXIT_BUSY)

    return wrapper


@click.group()
@click.version_option(package_name="newsline")
def cli() -> None:
    """Newsline: news articles in, a deduplicated, dated, sourced event timeline out."""


def _print_crawl(row: dict) -> None:
    seconds = _seconds(row["started_at"], row["finished_at"])
    click.echo(
        f"crawl {row['id']} {row['status']}: {row['pages']} pages fetched, {row['not_modified']} unchanged, "
        f"{row['new_articles']} new articles, {row['duplicates']} duplicates, {row['skipped']} skipped, "
        f"{row['errors']} errors in {seconds:.1f}s"
    )
    if row.get("message"):
        click.echo(f"failed entry points: {row['message']}", err=True)


def _seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _crawl_exit_code(status: str) -> int:
    return {"ok": EXIT_OK, "partial": EXIT_PARTIAL, "interrupted": EXIT_INTERRUPTED}.get(status, EXIT_FAILED)


def crawl_options(command):
    """The options `crawl` and `run` share."""
    for option in reversed(
        [
            click.option(
                "--sources",
                "sources_path",
                default="sources.toml",
                show_default=True,
                type=click.Path(dir_okay=False),
            ),
            click.option("--source", "only", multiple=True, help="Crawl only this source (repeatable)."),
            click.option(
                "--set",
                "scrapy_settings",
                multiple=True,
                metavar="NAME=VALUE",
                help="Override a Scrapy setting, as scrapy's -s does (repeatable).",
            ),
        ]
    ):
        command = option(command)
    return command


@cli.command()
@crawl_options
@db_option
@writes
def crawl(db_path: str, sources_path: str, only: tuple[str, ...], scrapy_settings: tuple[str, ...]) -> None:
    """Crawl the sources in sources.toml; skips what it has; safe under cron.

    Exit status: 0 ok, 1 failed, 2 partial (some sources failed), 75 busy (another run writes), 130 interrupted.
    """
    sys.exit(_crawl(db_path, sources_path, only, scrapy_settings))


@cli.command()
@crawl_options
@db_option
@writes
def run(db_path: str, sources_path: str, only: tuple[str, ...], scrapy_settings: tuple[str, ...]) -> None:
    """Crawl, then process: the cron entry point.

    Exit status as for crawl; processing runs unless the crawl failed or was interrupted; an article the
    analysis broke on makes the run partial.
    """
    code = _crawl(db_path, sources_path, only, scrapy_settings)
    if code in (EXIT_OK, EXIT_PARTIAL):
        if _process(db_path, reprocess=False, processes=None) == EXIT_PARTIAL:
            code = EXIT_PARTIAL
    sys.exit(code)


def _crawl(db_path: str, sources_path: str, only: tuple[str, ...], scrapy_settings: tuple[str, ...]) -> int:
    from crawler.runner import run_crawl
    from crawler.sources import SourcesFileError, load_sources

    try:
        sources, problems = load_sources(sources_path)
    except SourcesFileError as error:
        raise click.ClickException(str(error)) from error
    for problem in problems:
        click.echo(f"warning: {problem} (source left out)", err=True)
    if only:
        unknown = sorted(set(only) - {s.name for s in sources})
        if unknown:
            raise click.ClickException(
                f"no usable source named {', '.join(map(repr, unknown))} in {sources_path}"
            )
        sources = [s for s in sources if s.name in only]
    if not sources:
        raise click.ClickException(f"{sources_path}: no usable sources")
    overrides = {}
    for setting in scrapy_settings:
        name, equals, value = setting.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {setting!r}", param_hint="--set")
        overrides[name.strip()] = value
    row = run_crawl(sources, db_path, overrides)
    _print_crawl(row)
    code = _crawl_exit_code(row["status"])
    if code == EXIT_OK and problems:
        code = EXIT_PARTIAL
    return code


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@writes
def ingest(db_path: str, file: str) -> None:
    """Add articles from JSON Lines (url, title, text, published, source, language; news-please names accepted).

    Lines that cannot be used are reported with their line number and skipped; exit status 2 if any were.
    """
    from pipeline.ingest import IngestError, ingest_file
    from pipeline.store import Store

    try:
        result = ingest_file(Store(db_path), file)
    except IngestError as error:
        raise click.ClickException(str(error)) from error
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo(
        f"{result.read} lines read: {result.new} new articles, {result.duplicates} duplicates, "
        f"{len(result.problems)} rejected"
    )
    sys.exit(EXIT_PARTIAL if result.problems else EXIT_OK)


@cli.command()
@click.option("--reprocess", is_flag=True, help="Process every article again, not only new ones.")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for spaCy and the analysis (default: 1, or one per core up to 4 from 200 articles on).",
)
@db_option
@writes
def process(db_path: str, reprocess: bool, processes: int | None) -> None:
    """Find entities, dates, markets and event candidates in the articles not processed yet; merge the events.

    Exit status 2 (partial) when an article could not be analysed (each is named on stderr)."""
    sys.exit(_process(db_path, reprocess, processes))


def _process(db_path: str, reprocess: bool, processes: int | None) -> int:
    from rich.progress import Progress

    from nlp.model import ModelNotInstalled
    from pipeline.process import process_articles
    from pipeline.timeline import refresh_events, rules_changed

    database = open_database(db_path)
    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("processing articles", total=None)
        try:
            result = process_articles(
                database,
                reprocess,
                processes,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except ModelNotInstalled as error:
            raise click.ClickException(str(error)) from error
    if result.articles:
        click.echo("merging the event candidates into the timeline ...", err=True)
    elif rules_changed(database):
        click.echo("merging the whole timeline again: this version merges by new rules ...", err=True)
    merged = refresh_events(database, result.articles > 0)
    click.echo(
        f"{result.articles} articles processed: {result.candidates} event candidates, {result.dates} dates, "
        f"{result.entities} entity mentions, {result.markets} market mentions; timeline: {merged}"
    )
    _report_failures(database, result)
    return EXIT_PARTIAL if result.failed else EXIT_OK


def _report_failures(database, result) -> None:
    """One line per article the analysis broke on (which, where from, why: the others went on) and per
    article too long to be read whole."""
    from nlp.analyze import MAX_ANALYSED_CHARS

    def url(article_id: str) -> str:
        row = database.execute("select url from articles where id = ?", [article_id]).fetchone()
        return row[0] if row else "?"

    for article_id, error in result.failed:
        click.echo(
            f"warning: article {article_id} ({url(article_id)}) could not be analysed, its facts are left out "
            f"until a new release reads it again: {error}",
            err=True,
        )
    for article_id, length in result.truncated:
        click.echo(
            f"note: article {article_id} ({url(article_id)}) has {length:,} characters; only its first "
            f"{MAX_ANALYSED_CHARS:,} or so were analysed",
            err=True,
        )


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json", "timelinejs"]),
    default="csv",
    show_default=True,
)
@click.option("--entity", help="Only events with this actor (a name as in the entities table).")
@click.option("--market", help="Only events in this market code (JP, EU, ecommerce...).")
@click.option("--type", "event_type", help="Only events of this type (market_entry, ban, deal...).")
@click.option("--since", help="Only events on or after this date (2024, 2024-09 or 2024-09-12).")
@click.option("--until", help="Only events on or before this date.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    help="Only the N events the news cared most about (by importance), still in date order.",
)
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write (default: stdout).",
)
@db_option
def export(db_path, output_format, entity, market, event_type, since, until, top, output) -> None:
    """Write the timeline as CSV, JSON or TimelineJS JSON; each event links to its sources."""
    from pipeline.export import ExportError, Filters, export_events

    try:
        text = export_events(
            open_database(db_path), output_format, Filters(entity, market, event_type, since, until, top)
        )
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    output.write(text)


def run_datasette(db_path: str, host: str, port: int, base_url: str, sql_time_limit_ms: int) -> int:
    """Run Datasette over ``db_path`` until it stops, configured as ``pipeline.web.DatasetteConfig`` says."""
    import os
    import signal
    import tempfile

    from pipeline.web import BadBaseUrl, DatasetteConfig

    try:
        config = DatasetteConfig.for_database(db_path, base_url, sql_time_limit_ms)
    except BadBaseUrl as error:
        raise click.BadParameter(str(error), param_hint="--base-url") from error
    handle, metadata_file = tempfile.mkstemp(suffix=".yml", prefix="newsline-metadata-")
    os.close(handle)
    try:  # the metadata file goes whatever happens, a Popen that fails included
        config.write_metadata(metadata_file)
        click.echo(f"Datasette on http://{host}:{port}{config.settings['base_url']} (Ctrl-C to stop)")
        click.echo(f"timeline page: http://{host}:{port}{config.settings['base_url']}-/timeline")
        server = subprocess.Popen(config.serve_command(metadata_file, host, port))
        # Stopping `timeline serve` (a service manager's SIGTERM) stops Datasette with it.
        previous = signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            return server.wait()
        except KeyboardInterrupt:  # Ctrl-C reaches Datasette too: let it finish
            server.wait()
            return EXIT_OK
        finally:
            signal.signal(signal.SIGTERM, previous)
            if server.poll() is None:
                server.terminate()
                server.wait()
    finally:
        os.unlink(metadata_file)


def serve_options(command):
    """The options `serve` and `demo` share for Datasette."""
    for option in reversed(
        [
            click.option(
                "--base-url",
                default="/",
                show_default=True,
                help="Path prefix when Datasette runs behind a proxy (e.g. /newsline/).",
            ),
            click.option(
                "--sql-time-limit",
                "sql_time_limit_ms",
                type=click.IntRange(min=1),
                default=DEFAULT_SQL_TIME_LIMIT_MS,
                show_default=True,
                help="Milliseconds a query may run before Datasette stops it.",
            ),
        ]
    ):
        command = option(command)
    return command


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@serve_options
@db_option
def serve(db_path: str, host: str, port: int, base_url: str, sql_time_limit_ms: int) -> None:
    """Browse the database in Datasette (read-only) with the project's metadata, queries and timeline page."""
    sys.exit(run_datasette(db_path, host, port, base_url, sql_time_limit_ms))


@cli.command()
@click.option(
    "--no-serve", is_flag=True, help="Stop after writing the database instead of opening Datasette."
)
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette's port.")
@serve_options
@click.option(
    "--site-port",
    default=8701,
    show_default=True,
    type=int,
    help="Port of the demo site's first outlet (the others take the next five); 0 for any free ports.",
)
@db_option
def demo(
    db_path: str, no_serve: bool, port: int, site_port: int, base_url: str, sql_time_limit_ms: int
) -> None:
    """Serve the bundled demo news site on loopback, crawl it with the real spiders, process and open it.

    Run it again and it fetches only what changed: the site keeps its ports, so its URLs stay the same.
    """
    from crawler.runner import LOOPBACK_SETTINGS, run_crawl
    from demo.server import DemoSite, DemoSiteError
    from pipeline.lock import DatabaseBusy, writer_lock
    from pipeline.process import process_articles
    from pipeline.timeline import refresh_events

    try:
        site = DemoSite(first_port=site_port)
        site.start()
    except DemoSiteError as error:
        raise click.ClickException(f"{error} (choose other ports with --site-port)") from error
    try:
        with writer_lock(db_path), site:  # written under the lock; browsing below takes none
            click.echo(f"demo site: {len(site.servers)} outlets on 127.0.0.1, crawling into {db_path}")
            row = run_crawl(site.sources(), db_path, LOOPBACK_SETTINGS)
            _print_crawl(row)
            if row["status"] == "interrupted":
                sys.exit(EXIT_INTERRUPTED)
            store_db = open_database(db_path)
            result = process_articles(store_db)
            merged = refresh_events(store_db, result.articles > 0)
    except DatabaseBusy as error:
        site.stop()
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_BUSY)
    originals = store_db.execute("select count(*) from articles where duplicate_of is null").fetchone()[0]
    click.echo(
        f"processed {result.articles} articles: {result.candidates} event candidates; timeline: {merged}"
    )
    _report_failures(store_db, result)
    click.echo(f"{db_path}: {store_db['articles'].count} articles ({originals} originals)")
    if no_serve:
        return
    run_datasette(db_path, "127.0.0.1", port, base_url, sql_time_limit_ms)


if __name__ == "__main__":
    cli()
