from briefing.text import content_hash, split_sentences


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
