"""Newsline's Scrapy project: spiders for feeds, sitemaps and pages, and article extraction."""
