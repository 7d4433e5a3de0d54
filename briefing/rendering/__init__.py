"""The render stage's parts, along the data flow: records -> JSON document -> view -> Markdown -> HTML page.

`briefing.render` is the stage entry; these modules are its pieces:

- `document`: Brief -> JSON-ready dict with `schema_version` (the documented schema in `briefing/schema/`).
- `view`: that dict -> a typed view the templates read (tolerant of fields added in later schema versions).
- `escape`: scraped text -> Markdown that cannot turn into structure, raw HTML or a non-http(s) link.
- `markdown`: view -> brief.md (and the HTML flavour of the same Markdown).
- `html`: Markdown -> sanitised, self-contained brief.html.
"""
