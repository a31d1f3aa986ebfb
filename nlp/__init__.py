"""Newsline's language processing: entities, dates, markets and event candidates."""
