"""Input-derived strings shown on the terminal: escaped, capped, credential-free, repeated reasons grouped."""

from __future__ import annotations

from briefing.shown import for_terminal, grouped_reasons, shown_path, without_userinfo


def test_control_sequences_and_newlines_are_escaped_not_passed_through():
    shown = for_terminal("id\x1b]0;owned\x07\x1b[2J\nerror: fake\x9b31m\u202etxt.exe")
    assert shown == "id\\e]0;owned\\x07\\e[2J\\nerror: fake\\x9b31m\\u202etxt.exe"


def test_long_strings_are_cut_and_say_how_much():
    shown = for_terminal("a" * 50_000, limit=300)
    assert shown == "a" * 300 + "… (49,700 more characters)"
    assert for_terminal("short") == "short"


def test_lone_surrogates_from_undecodable_names_become_replacement_characters():
    name = b"caf\xe9 report.txt".decode("utf-8", "surrogateescape")
    assert shown_path(name) == "caf\ufffd report.txt"
    assert for_terminal(name) == "caf\ufffd report.txt"
    shown_path(name).encode("utf-8")  # would raise UnicodeEncodeError on the raw name


def test_userinfo_is_removed_from_urls():
    assert without_userinfo("http://user:pw@example.com:8080/a?b#c") == "http://example.com:8080/a?b#c"
    assert without_userinfo("https://example.com/@handle") == "https://example.com/@handle"
    assert without_userinfo("http://[::1/") == "http://[::1/"  # unparseable: left to the URL check to refuse


def test_a_reason_repeated_many_times_is_told_once_for_the_rest():
    pairs = [(f"a.jsonl:{n}", "duplicate of an article already in this run") for n in range(1, 500)]
    pairs.insert(2, ("b.txt", "empty file"))
    grouped = grouped_reasons(pairs)
    assert grouped == [
        ("a.jsonl:1", "duplicate of an article already in this run"),
        ("a.jsonl:2", "duplicate of an article already in this run"),
        ("b.txt", "empty file"),
        ("a.jsonl:3", "duplicate of an article already in this run"),
        ("496 more inputs", "duplicate of an article already in this run"),
    ]
    four = [(str(n), "same") for n in range(4)]
    assert grouped_reasons(four) == four  # "1 more" would save nothing: all four are shown
