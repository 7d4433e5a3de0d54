"""Grouping articles in languages the models do not read (the encoder and NER are English): false merges and copies.

    PYTHONPATH=. python bench/other_languages.py [--pages 120] [--pool 40]

The non-English pages of the snippet set (`extraction-trafilatura/`: news and blog pages of many sites, each its own
page; a few may share a topic, none was picked for it) are cleaned as the product cleans them, then pooled, POOL at a
time, as one day:
- **false merges**: pages put in a story with any other page (every page is taken as its own event, so a real
  same-event pair, if any, counts against the method: an upper bound), per 50 pages;
- **copies found**: each page is also given a copy with every third sentence left out and another title (the same
  report run by a second outlet); a copy found = the page and its copy in one story of just the two.
Methods, in one run on the same vectors: the shipped pair model reading every feature as it was trained (the anchor:
meaning and name features as for English, `unnamed` at its trained weight), the same with a nameless article taken as
no evidence (`NAMELESS_NOT_EVIDENCE`), and the product (also a pair with a non-English article judged on words,
figures and dates only, `briefing/compose/pair_model.py`).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from extraction_sets import snippet_pages  # noqa: E402

from briefing.clean import clean  # noqa: E402
from briefing.compose import pair_model  # noqa: E402
from briefing.compose.entities import extract_entities  # noqa: E402
from briefing.compose.grouping import cluster_graph, day_vectors, scored_pairs  # noqa: E402
from briefing.compose.pair_model import MODEL_LANGUAGES, shipped_pair_model  # noqa: E402
from briefing.compose.vectors import embed_articles  # noqa: E402
from briefing.encoder.sentence_encoder import load_embedded_encoder  # noqa: E402
from briefing.errors import SourceError  # noqa: E402
from briefing.records import Article, RawDocument, Summary  # noqa: E402


def other_language_articles(data: Path, limit: int) -> list[Article]:
    articles = []
    for page in snippet_pages(data / "extraction-trafilatura", 0):
        try:
            article = clean(RawDocument(page.url, page.html, "html", url=page.url))
        except SourceError:
            continue
        if article.language is not None and article.language not in MODEL_LANGUAGES and len(article.sentences) >= 6:
            articles.append(article)
        if len(articles) >= limit:
            break
    return articles


def copy_of(article: Article) -> Article:
    """The same report run elsewhere: every third sentence left out, another title, another site."""
    kept = tuple(s for i, s in enumerate(article.sentences) if i % 3 != 2)
    return dataclasses.replace(
        article, id=article.id + "-copy", sentences=kept, title=f"{article.title} (2)", url=None, site="copy.example"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--pages", type=int, default=120, help="non-English snippet pages used")
    parser.add_argument("--pool", type=int, default=40, help="pages per pooled day")
    args = parser.parse_args(argv)
    originals = other_language_articles(args.data, args.pages)
    copies = [copy_of(article) for article in originals]
    everything = originals + copies
    encoder = load_embedded_encoder()
    vectors = embed_articles(everything, [Summary(a.id, (), "none", "none") for a in everything], encoder)
    entities = extract_entities(everything, None)
    model = shipped_pair_model()
    languages = Counter(article.language for article in originals)
    print(f"{len(originals)} non-English pages ({', '.join(f'{k} {v}' for k, v in languages.most_common())}), pools of")
    print(f"{args.pool} pages (false merges) and of {args.pool} pages + their copies (copies found)\n")
    print("| method | false merges / 50 pages | stories of 2+ pages | copies found |")
    print("|---|---:|---:|---:|")
    methods = (
        ("every feature read, `unnamed` as trained (anchor: before)", True, False),
        ("every feature read, a nameless article no evidence", True, True),
        ("words, figures, dates (shipped)", False, True),
    )
    for name, reads_all, nameless_not_evidence in methods:
        pair_model.NAMELESS_NOT_EVIDENCE = nameless_not_evidence
        merged = pages = multi = found = copied = 0
        for start in range(0, len(originals), args.pool):
            block = list(range(start, min(start + args.pool, len(originals))))
            for members, with_copies in ((block, False), (block + [len(originals) + i for i in block], True)):
                pool = [everything[i] for i in members]
                day = day_vectors(pool, [vectors[i] for i in members], [entities[i] for i in members])
                if reads_all:
                    day = dataclasses.replace(day, other_language=None)
                pairs, probabilities = scored_pairs(day, model)
                groups = cluster_graph(len(pool), pairs, probabilities, model)
                if not with_copies:
                    pages += len(pool)
                    merged += sum(len(group) for group in groups if len(group) > 1)
                    multi += sum(1 for group in groups if len(group) > 1)
                    continue
                half = len(block)
                story_of = {member: tuple(group) for group in groups for member in group}
                copied += half
                found += sum(1 for i in range(half) if story_of[i] == (i, i + half))
        print(f"| {name} | {50 * merged / max(1, pages):.1f} | {multi} | {found} / {copied} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
