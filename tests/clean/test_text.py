from briefing.clean import clean
from briefing.records import RawDocument
from briefing.text import content_hash, repair_c1_controls, split_sentences


def test_split_sentences_keeps_abbreviations_and_quotes_together():
    text = 'Mr. Smith went to Washington D.C. on Monday. He said "No!" Then U.S. troops left. It cost $3.5 million.'
    assert split_sentences(text) == [
        "Mr. Smith went to Washington D.C. on Monday.",
        'He said "No!"',
        "Then U.S. troops left.",
        "It cost $3.5 million.",
    ]


def test_split_sentences_never_joins_paragraphs():
    assert split_sentences("First line without stop\nSecond line.") == ["First line without stop", "Second line."]


def test_content_hash_ignores_whitespace_differences():
    assert content_hash("a  b\nc") == content_hash("a b c")
    assert content_hash("a b c") != content_hash("a b d")


def test_cp1252_punctuation_decoded_as_latin1_is_repaired_not_glued():
    # Multi-News exports carry "\x97" where the page had an em dash: dropping it would glue two words together.
    assert repair_c1_controls("Obama\x97who won \x93the vote\x94\x85") == "Obama—who won “the vote”…"


def test_cleaned_article_title_and_body_carry_no_c1_controls():
    body = "The minister\x97who spoke on Monday\x97said the talks would resume. " * 6
    article = clean(RawDocument("c1.txt", f"Talks \x96 resume\n\n{body}", "text", title="Talks \x96 resume"))
    text = article.title + " ".join(article.sentences)
    assert not any("\x80" <= ch <= "\x9f" for ch in text)
    assert article.title == "Talks – resume"
    assert "minister—who spoke" in article.sentences[0]


def test_a_dash_or_bullet_opening_a_paragraph_is_not_part_of_its_sentence():
    text = "— UPDATE: Police found the teenager.\n• Officers said she was safe.\n-5 degrees was the low."
    assert split_sentences(text) == [
        "UPDATE: Police found the teenager.",
        "Officers said she was safe.",
        "-5 degrees was the low.",
    ]


def test_a_german_date_is_not_a_sentence_end():
    # "am 31. Oktober": the day is an ordinal with a full stop. Split there, the brief showed "…Am heutigen 31." and
    # "Oktober endet die Amtszeit…" as two sentences (mdr.de, dubisthalle.de pages of the snippet set).
    text = "Am heutigen 31. Oktober endet die Amtszeit, ab 1. November ist Ralf Ludwig Intendant. Der Rat tagte."
    assert split_sentences(text) == [
        "Am heutigen 31. Oktober endet die Amtszeit, ab 1. November ist Ralf Ludwig Intendant.",
        "Der Rat tagte.",
    ]
    assert split_sentences("Düsseldorf, 22. November 2022. Der Rat tagte.") == [
        "Düsseldorf, 22. November 2022.",
        "Der Rat tagte.",
    ]


def test_a_sentence_ending_on_a_number_or_an_english_date_still_ends():
    assert split_sentences("Die Zahl stieg auf 31. Die Polizei ermittelt.") == [
        "Die Zahl stieg auf 31.",
        "Die Polizei ermittelt.",
    ]
    assert split_sentences("The deadline was March 31. April saw new rules.") == [
        "The deadline was March 31.",
        "April saw new rules.",
    ]
