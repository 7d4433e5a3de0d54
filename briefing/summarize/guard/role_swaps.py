"""The object-role rule: a sentence makes the object of a predicate the one its article sentences make its subject.

The roles rule (`predicate_rules.role_problem`) needs both roles filled in the sentence with names the parse can key;
a swap often leaves one side without a key ("Lawsuits have filed two of the boys", where the article says "two
students have filed lawsuits": "two" is a number, no filler key). Here one side is enough, in one direction only: the
sentence has X as the object of the predicate (also as a passive's subject: "X was beaten"), the sentences that say
this have X as its subject and never as its object. The other direction (X as the subject here, the object there) is
left out: a headline's passive without its auxiliary ("Britt McHenry suspended for one week") parses as an active verb
with McHenry as its subject."""

from __future__ import annotations

from collections.abc import Sequence

from briefing.summarize.guard.structure import Structure

# Predicates whose subject and object trade places without a change of meaning, or say too little to compare.
_UNORDERED = frozenset(
    {"marry", "wed", "meet", "face", "play", "fight", "date", "divorce", "draw", "join"}
    | {"be", "have", "do", "get", "make", "take", "go", "come", "say", "tell"}
)


def object_role_problem(sentence: Structure, window: Sequence[Structure]) -> str | None:
    """The first object of this sentence that the window has only as the same predicate's subject."""
    said = {role for structure in window for role in structure.roles}
    for lemma, role, key in sorted(sentence.roles):  # sorted: the same reason whatever the set's hash order
        if role != "obj" or lemma in _UNORDERED or (lemma, "obj", key) in said:
            continue
        if (lemma, "subj", key) in said:
            return f"the article has '{key}' as the subject of '{lemma}', not its object"
    return None
