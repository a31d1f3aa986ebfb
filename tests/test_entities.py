"""Entities: names the small model misses or mislabels, found again from how the article uses them."""

from datetime import date

from nlp.analyze import analyze_texts


def _entities(text: str) -> dict[str, str]:
    [analysis] = analyze_texts([(text, date(2024, 5, 2))])
    return {e.name: e.label for e in analysis.entities}


def test_a_company_named_by_a_common_word_is_found_once_the_article_repeats_it():
    text = (
        "Shares in Quill Holdings rose on Tuesday. Investors bought Quill after the results, and analysts "
        "said Quill would gain customers. Quill makes software for ports."
    )
    names = _entities(text)
    assert names.get("Quill") == "ORG"


def test_a_capitalised_word_written_once_is_not_taken_for_a_name():
    from nlp.entities import _recurring_names
    from nlp.model import load_model

    doc = load_model()("Investors bought Quill after the results. Quill makes software for ports.")
    assert _recurring_names(doc) == []  # once mid-sentence: maybe a name, maybe a headline capital


def test_a_word_of_a_longer_name_is_not_a_name_of_its_own():
    text = (
        "The Digital Markets Act applies from March. Under the Digital Markets Act, gatekeepers must open "
        "their stores. The Digital Markets Act names six companies."
    )
    assert "Markets" not in _entities(text)


def test_an_unknown_place_the_article_never_uses_as_a_place_is_an_organisation():
    from nlp.entities import entities_in_doc
    from nlp.model import load_model

    doc = load_model()("Veltrix agreed to sell its unit to Brennor on Monday.")
    # Whatever the model says, a name that is no gazetteer place and is never somewhere is not a place.
    labels = {e.name: e.label for e in entities_in_doc(doc)}
    assert labels.get("Brennor", "ORG") == "ORG"
    assert all(e.label_ != "GPE" or e.text != "Brennor" for e in doc.ents)


def test_a_known_place_stays_a_place():
    names = _entities("Veltrix opened an office in Osaka on Monday.")
    assert names.get("Osaka") == "GPE"


def test_a_name_taken_once_for_a_place_is_an_organisation_wherever_the_article_writes_it():
    # The model reads the middle "Merovia" as a place and misses the two at sentence starts; it is never
    # somewhere, so it is an organisation, and so are its other uses.
    text = (
        "Merovia filed for a listing on Thursday. The filing showed Merovia lost $90 million last year. "
        "Merovia plans to trade under the ticker RDX."
    )
    [analysis] = analyze_texts([(text, date(2024, 3, 22))])
    found = sorted((e.start, e.label) for e in analysis.entities if e.name == "Merovia")
    assert found == [(0, "ORG"), (59, "ORG"), (95, "ORG")]


def test_names_in_capitals_are_organisations_not_people_nor_nothing():
    # The model reads "JAXA" as a person and splits "ENTSO-E" into words it labels as nothing.
    names = _entities("JAXA said on Friday that ENTSO-E, the grid operators' body, had asked for its data.")
    assert names.get("JAXA") == "ORG"
    assert names.get("ENTSO-E") == "ORG"
    # A code in capitals joined to a single letter or a number is no name ("S-1" filing), nor two places.
    assert "S-1" not in _entities("Veltrix made its S-1 filing public on Friday.")
    assert "UK-EU" not in _entities("The UK-EU trade deal was signed on Friday.")
