"""The demo site is current with its sources and its gold tells the truth about it."""

import subprocess
import sys
from collections import Counter
from datetime import datetime

from demo.build import load_stories
from demo.outlets import OUTLETS
from tests.conftest import ROOT


def test_site_and_gold_are_built_from_the_content():
    result = subprocess.run(
        [sys.executable, "-m", "demo.build", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, "run `python -m demo.build`:\n" + result.stderr


def test_corpus_size_and_variety(gold_articles):
    articles = [r for r in gold_articles if r["kind"] == "article"]
    assert len(OUTLETS) >= 5 and len(articles) >= 30
    assert {r["date_exposed_by"] for r in articles} >= {"json-ld", "meta", "time", "byline"}
    kinds = Counter(r["kind"] for r in gold_articles)
    assert kinds["syndicated_copy"] == 2 and kinds["members_only"] >= 1 and kinds["missing"] >= 1
    assert kinds["about"] >= 1 and kinds["index"] >= 1
    assert sum(r.get("encoding") == "windows-1252" for r in articles) == 1


def test_gold_events_point_at_real_sentences(gold_events, gold_articles):
    pages = {r["page"] for r in gold_articles}
    stories = {s.outlet.domain + s.path: s for s in load_stories()}
    assert len(gold_events) >= 20
    for event in gold_events:
        assert event["mentions"], event["id"]
        for mention in event["mentions"]:
            assert mention["page"] in pages
            assert mention["sentence"] in stories[mention["page"]].body


def test_weekdays_in_the_text_are_right():
    """'on Monday' in a story published on date D must name a day within the week before D (or D)."""
    import re

    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    for story in load_stories():
        published = datetime.fromisoformat(story.meta["published"]).date()
        for match in re.finditer(r"\b(?:on|last|early on|late on) (" + "|".join(days) + r")\b", story.body):
            assert days.index(match.group(1)) in {(published.weekday() - k) % 7 for k in range(8)}


def test_stories_of_the_storylines_are_reported_by_several_outlets(gold_events):
    multi = [e for e in gold_events if len({m["page"].split("/")[0] for m in e["mentions"]}) >= 2]
    assert len(multi) >= 10
