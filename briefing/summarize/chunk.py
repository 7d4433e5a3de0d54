"""Stage 3, chunk: split an article into runs of whole sentences that fit the model's context, with overlap.

Tokens are counted with the summarizing model's own tokenizer, and every chunk's text is counted as a whole before it
is accepted, so a chunk never exceeds `max_tokens` even where tokens merge across the space between two sentences.
A sentence longer than the whole budget is cut into word runs, and a word longer than the budget into character runs,
rather than dropped: every sentence of the article lands in at least one chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from briefing.records import Article, Chunk

TokenCounter = Callable[[str], int]


def chunk(article: Article, count_tokens: TokenCounter, max_tokens: int, overlap: int = 1) -> list[Chunk]:
    """Greedy packing of sentences into chunks of at most `max_tokens`; `overlap` sentences repeat across chunks.

    `Chunk.start`/`end` index `article.sentences`; a chunk cut from one over-long sentence has `end == start + 1`.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    if overlap < 0:
        raise ValueError(f"overlap must not be negative, got {overlap}")
    sentences = article.sentences
    costs = [count_tokens(sentence) for sentence in sentences]
    chunks: list[Chunk] = []
    start = 0
    while start < len(sentences):
        end = _greedy_end(costs, start, max_tokens)
        text, used = _fit(sentences, start, end, count_tokens, max_tokens)
        if not text:  # one sentence over the whole budget: cut it into pieces that fit
            for piece, piece_tokens in split_to_fit(sentences[start], count_tokens, max_tokens):
                chunks.append(Chunk(article.id, len(chunks), start, start + 1, piece, piece_tokens))
            end = start + 1
        else:
            end = start + len(text)
            chunks.append(Chunk(article.id, len(chunks), start, end, " ".join(text), used))
        if end >= len(sentences):
            break
        # Overlap gives the model the sentence before the cut as context, but a chunk must always move forward.
        start = max(end - overlap, start + 1)
    return chunks


def _greedy_end(costs: Sequence[int], start: int, max_tokens: int) -> int:
    """The end of the longest run from `start` whose per-sentence token counts add up to at most `max_tokens`."""
    end, used = start, 0
    while end < len(costs) and used + costs[end] <= max_tokens:
        used += costs[end]
        end += 1
    return end


def _fit(
    sentences: Sequence[str], start: int, end: int, count_tokens: TokenCounter, max_tokens: int
) -> tuple[list[str], int]:
    """Shrink `sentences[start:end]` until the joined text itself fits; ([], 0) when not even one sentence does."""
    while end > start:
        run = list(sentences[start:end])
        used = count_tokens(" ".join(run))
        if used <= max_tokens:
            return run, used
        end -= 1
    return [], 0


def split_to_fit(text: str, count_tokens: TokenCounter, max_tokens: int) -> list[tuple[str, int]]:
    """Cut `text` into consecutive pieces of at most `max_tokens` tokens each, on word boundaries where possible.

    Returns (piece, token count) pairs. Raises ValueError when a single character is already over the budget.
    """
    pieces: list[tuple[str, int]] = []
    words = text.split()
    while words:
        taken, used = _longest_prefix(words, " ", count_tokens, max_tokens)
        if taken:
            pieces.append((" ".join(words[:taken]), used))
        else:  # one word over the whole budget (a URL, a table flattened into one token run): cut it by characters
            pieces.extend(_split_word(words[0], count_tokens, max_tokens))
            taken = 1
        words = words[taken:]
    return pieces


def _split_word(word: str, count_tokens: TokenCounter, max_tokens: int) -> list[tuple[str, int]]:
    pieces: list[tuple[str, int]] = []
    characters = list(word)
    while characters:
        taken, used = _longest_prefix(characters, "", count_tokens, max_tokens)
        if not taken:
            raise ValueError(f"max_tokens={max_tokens} cannot hold even one character ({characters[0]!r})")
        pieces.append(("".join(characters[:taken]), used))
        characters = characters[taken:]
    return pieces


def _longest_prefix(units: Sequence[str], joiner: str, count_tokens: TokenCounter, max_tokens: int) -> tuple[int, int]:
    """Binary search for the most leading `units` whose joined text fits; (count, its tokens), or (0, 0) if none.

    Token counts of growing prefixes almost always grow, but only a measured prefix is ever returned, so the result
    fits even where they do not.
    """
    low, high, best = 1, len(units), (0, 0)
    while low <= high:
        middle = (low + high) // 2
        used = count_tokens(joiner.join(units[:middle]))
        if used <= max_tokens:
            best = (middle, used)
            low = middle + 1
        else:
            high = middle - 1
    return best
