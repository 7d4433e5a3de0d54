"""Stage 3, chunk: split an article into runs of whole sentences that fit the model's context, with overlap.

Tokens are counted with the summarizing model's own tokenizer, so a chunk never exceeds what the model accepts.
A sentence longer than the whole budget is cut on token boundaries rather than dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from briefing.records import Article, Chunk

TokenCounter = Callable[[str], int]


def chunk(article: Article, count_tokens: TokenCounter, max_tokens: int, overlap: int = 1) -> list[Chunk]:
    """Greedy packing of sentences into chunks of at most `max_tokens`; `overlap` sentences repeat across chunks."""
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    costs = [max(1, count_tokens(sentence)) for sentence in article.sentences]
    chunks: list[Chunk] = []
    start = 0
    while start < len(costs):
        end, used = start, 0
        while end < len(costs) and used + costs[end] <= max_tokens:
            used += costs[end]
            end += 1
        if end == start:  # one sentence over the whole budget: cut it into word runs that fit
            for piece in _split_long(article.sentences[start], count_tokens, max_tokens):
                chunks.append(Chunk(article.id, len(chunks), start, start + 1, piece, count_tokens(piece)))
            start += 1
            continue
        text = " ".join(article.sentences[start:end])
        chunks.append(Chunk(article.id, len(chunks), start, end, text, used))
        if end >= len(costs):
            break
        start = max(end - overlap, start + 1)
    return chunks


def _split_long(sentence: str, count_tokens: TokenCounter, max_tokens: int) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    for word in sentence.split():
        if current and count_tokens(" ".join([*current, word])) > max_tokens:
            pieces.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        pieces.append(" ".join(current))
    return pieces
