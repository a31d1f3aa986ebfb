import pytest

from nlp.evaluate import evaluate_markets
from nlp.markets import market_info, normalize_name, resolve_market

# Floors only go up (python -m nlp.evaluate markets).
MARKETS_ACCURACY_FLOOR = 0.99


def test_market_test_set_floor():
    scores = evaluate_markets()
    assert scores.cases >= 150
    assert scores.accuracy >= MARKETS_ACCURACY_FLOOR, scores.wrong


@pytest.mark.parametrize(
    "name, code",
    [
        ("Japan", "JP"),
        ("Japanese", "JP"),
        ("U.S.", "US"),
        ("the U.S.'s", "US"),
        ("America", "US"),
        ("Italy's", "IT"),
        ("Italy’s", "IT"),
        ("the EU", "EU"),
        ("Southeast Asia", "SEA"),
        ("Tokyo", "JP"),
        ("São Paulo", "BR"),
        ("Sao Paulo", "BR"),
        ("Indonesians", "ID"),
        ("TikTok", None),
        ("Monday", None),
        ("", None),
    ],
)
def test_resolve_market(name, code):
    assert resolve_market(name) == code


def test_market_info_kinds():
    assert market_info("JP").kind == "country" and market_info("JP").name == "Japan"
    assert market_info("EU").kind == "region"
    assert market_info("ecommerce").kind == "sector"
    assert market_info("ZZ") is None


def test_normalize_name():
    assert normalize_name("  The  Philippines ") == "philippines"


def test_sector_phrases_match_in_text():
    from nlp.markets import sector_matcher
    from nlp.model import load_model

    nlp = load_model()
    doc = nlp("The chipmaker expects online shopping and container freight rates to recover.")
    found = {nlp.vocab.strings[m] for m, _, _ in sector_matcher(nlp)(doc)}
    assert found == {"semiconductors", "ecommerce", "shipping"}


def test_users_extend_sectors(tmp_path, monkeypatch):
    from nlp import markets

    extra = tmp_path / "sectors.toml"
    extra.write_text('[beauty]\nname = "Beauty"\nphrases = ["cosmetics"]\n', encoding="utf-8")
    monkeypatch.setenv("NEWSLINE_SECTORS_FILE", str(extra))
    markets.sectors.cache_clear()
    try:
        assert markets.sectors()["beauty"]["name"] == "Beauty"
        assert "ecommerce" in markets.sectors()
        assert market_info.__wrapped__("beauty").kind == "sector"
    finally:
        monkeypatch.delenv("NEWSLINE_SECTORS_FILE")
        markets.sectors.cache_clear()
