"""Ingestion internals: where inputs come from and how their bytes become RawDocuments.

    files.py    paths, folders, stdin, gzip: every read capped
    web.py      http(s) fetching: scheme checks, timeouts, size cap, redirects re-checked
    content.py  bytes of one input -> documents: sniff the kind, decode, dispatch (the hub the others feed)
    decode.py   bytes -> str: BOMs, declared charsets, UTF-8, mixed encodings, a detector for legacy ones
    sniff.py    what the bytes are: binary signatures, HTML, feeds, JSON, URL lists
    records.py  JSON and JSONL records (a broken line is skipped, the rest are read)
    feeds.py    RSS/Atom: entity tricks refused before parsing, items to documents or links to follow

`briefing.ingest.ingest` is the stage entry; nothing here raises past it.
"""
