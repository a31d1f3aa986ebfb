"""Newsline's store, dedup and command line: everything after the crawl (never imports Scrapy)."""
