"""Bytes -> text, for inputs whose encoding nobody tells us reliably.

Order of evidence, strongest first:
1. a byte-order mark (UTF-8, UTF-16, UTF-32) or BOM-less UTF-16 (every other byte zero);
2. the bytes are valid UTF-8 (legacy-encoded text is almost never valid UTF-8 by accident, while pages that
   declare ISO-8859-1 but are UTF-8 are common, so validity beats a declaration);
3. a declared charset (HTTP header, `<meta charset>`, `<?xml encoding?>`) that decodes the bytes cleanly;
4. UTF-8 with some lines in a legacy encoding (files glued together): each line decoded on its own;
5. charset-normalizer's candidates for the non-ASCII lines, each scored for implausible text, and among the
   look-alike Latin code pages the one whose accented letters one language explains (`detect_legacy_encoding`).
Binary data is refused before any of this; undecodable bytes become U+FFFD, and text that is mostly U+FFFD is refused.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from briefing.errors import SourceError
from briefing.ingest.sniff import binary_kind, bomless_utf16

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What browsers do (WHATWG Encoding): a page labelled ISO-8859-1 or ASCII is decoded as windows-1252.
_WEB_ALIASES = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252", "iso8859_9": "cp1254"}
_DETECT_SAMPLE = 64 * 1024
_MAX_REPLACED_SHARE = 0.2  # more than this share of U+FFFD: the bytes are not text in any encoding we know


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-zA-Z0-9_.:-]{1,40})["']""")


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML `<meta>` or an `<?xml encoding?>` declaration names in the first 4 KiB, if any."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def decode(source: str, data: bytes, declared: str | None = None, partial: bool = False) -> str:
    """Decode `data`; `partial` means it was cut at a size cap, so an incomplete last character is dropped.

    Raises SourceError for binary data and for bytes that no encoding turns into text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(source, _decode_with(data[len(bom) :], encoding, "replace", partial))
    utf16 = bomless_utf16(data)
    if utf16:
        return _checked(source, _decode_with(data, utf16, "replace", partial))
    kind = binary_kind(data)
    if kind is not None:
        raise SourceError(source, f"binary file ({kind}), not text" if kind != "binary data" else _BINARY_REASON)
    try:
        return _decode_with(data, "utf-8", "strict", partial)
    except UnicodeDecodeError:
        pass
    declared_codec = _codec_name(declared)
    # A UTF-16/32 declaration without a BOM is a mistake browsers ignore too (it would "decode" ASCII as CJK).
    if declared_codec and not declared_codec.startswith(("utf_8", "utf_16", "utf_32")):
        try:
            return _decode_with(data, declared_codec, "strict", partial)
        except UnicodeDecodeError:
            pass  # the declaration is wrong: fall through to what the bytes show
    if _has_utf8_sequences(data):
        return _checked(source, _decode_mixed(data, partial))
    return _checked(source, _decode_with(data, detect_legacy_encoding(data), "replace", partial))


_BINARY_REASON = "binary file, not text (NUL or control bytes)"


def _decode_with(data: bytes, encoding: str, errors: str, partial: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    return decoder.decode(data, final=not partial)


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name.replace("-", "_")
    except LookupError:
        return None
    return _WEB_ALIASES.get(name, name)


def _checked(source: str, text: str) -> str:
    if text and text.count("\ufffd") / len(text) > _MAX_REPLACED_SHARE:
        raise SourceError(source, "undecodable bytes: not text in any encoding briefing knows")
    return text


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_sequences(data: bytes) -> bool:
    """Valid UTF-8 multi-byte sequences in numbers that chance would not produce in legacy-encoded text."""
    sample = data[: 1 << 20]
    valid = len(_UTF8_MULTIBYTE.findall(sample))
    stray = sum(1 for byte in sample if byte >= 0x80) - 2 * valid  # rough: most valid sequences are 2 bytes
    return valid > 0 and valid * 4 >= stray


def _decode_mixed(data: bytes, partial: bool) -> str:
    """Text glued from UTF-8 and legacy-encoded parts: each line as UTF-8 if it is, the others in the one legacy
    encoding that the detector finds for them all together."""
    lines = data.split(b"\n")
    legacy_lines = []
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            legacy_lines.append(line)
    legacy = detect_legacy_encoding(b"\n".join(legacy_lines))
    decoded = []
    for number, line in enumerate(lines):
        last = number == len(lines) - 1
        try:
            decoded.append(_decode_with(line, "utf-8", "strict", partial and last))
        except UnicodeDecodeError:
            decoded.append(_decode_with(line, legacy, "replace", partial and last))
    return "\n".join(decoded)


def detect_legacy_encoding(data: bytes) -> str:
    """The most plausible legacy encoding of `data` (no BOM, not valid UTF-8).

    charset-normalizer proposes candidates (limited to encodings news text really comes in), each candidate is
    decoded and scored for implausible text (letters of two scripts in one word, symbols inside words, control
    characters), and the least implausible wins, in charset-normalizer's order. The Latin code pages decode Western
    text to equally Latin-looking letters (charset-normalizer alone reads French cp1252 as cp1250), so among them
    the one whose accented letters one language's alphabet explains wins, cp1252 (the most common) on a tie.
    """
    from charset_normalizer import from_bytes

    sample = b"\n".join(line for line in data.splitlines() if any(byte >= 0x80 for byte in line))[:_DETECT_SAMPLE]
    if not sample:
        return "cp1252"
    matches = list(from_bytes(sample, cp_isolation=list(_CANDIDATES)))
    proposed = [_codec_name(match.encoding) for match in matches]
    candidates = [name for name in dict.fromkeys([*proposed, "cp1252", *sorted(_LATIN_CODE_PAGES)]) if name]
    scores = {name: _implausibility(sample.decode(name, errors="replace")) for name in candidates}
    least = min(scores.values())
    tied = [name for name in candidates if scores[name] == least]
    if tied[0] not in _LATIN_CODE_PAGES or "cp1252" not in tied:
        return tied[0]
    # Latin code pages all decode to Latin-looking letters: the one whose accented letters fit one language wins.
    latin = [name for name in tied if name in _LATIN_CODE_PAGES]
    unexplained = {name: _letters_no_language_explains(sample.decode(name, errors="replace")) for name in latin}
    fewest = min(unexplained.values())
    return "cp1252" if unexplained["cp1252"] == fewest else next(n for n in latin if unexplained[n] == fewest)


# Encodings news text arrives in, besides UTF-8: Windows code pages, the ISO ones still seen, and the CJK ones.
_CANDIDATES = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "koi8_r",
    "iso8859_15", "iso8859_2", "cp874", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
)  # fmt: skip
# The accented letters of the languages written in Latin code pages. A right decoding yields letters that one of
# these alphabets explains; a wrong one mixes letters of several (French cp1252 read as cp1250: "pręts ŕ coűte").
_ALPHABETS = (
    "àâæçéèêëîïôœùûüÿ",  # French
    "äöüß",  # German
    "áéíñóúü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "áéíóúàèëïöü",  # Dutch
    "æøåéó",  # Danish, Norwegian
    "åäöé",  # Swedish, Finnish
    "áðéíóúýþæö",  # Icelandic
    "àçèéíïòóúü",  # Catalan
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "čćđšž",  # Croatian, Bosnian, Serbian (Latin), Slovene
    "ăâîșşțţ",  # Romanian
    "çğıöşüâîû",  # Turkish
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "äöõüšž",  # Estonian
)
_LATIN_CODE_PAGES = {"cp1252", "cp1250", "cp1254", "cp1257", "cp1258", "iso8859_15", "iso8859_2"}
_INSIDE_WORDS = set("'’‘´·-‐‑")  # apostrophes and hyphens do sit between letters
_SCRIPT_ALIASES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK", "FULLWIDTH": "CJK"}


def _script(char: str) -> str:
    name = unicodedata.name(char, "").split(" ", 1)[0]
    return _SCRIPT_ALIASES.get(name, name)


def _letters_no_language_explains(text: str) -> int:
    letters = {char.lower() for char in text if char >= "\x80" and char.isalpha()}
    return min(len(letters - set(alphabet)) for alphabet in _ALPHABETS)


def _implausibility(text: str) -> int:
    """Signs that a decoding is wrong, looking only at non-ASCII characters and their neighbours."""
    score = 0
    for index, char in enumerate(text):
        if char < "\x80":
            continue
        if char == "\ufffd" or "\x80" <= char < "\xa0":
            score += 5
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char.isalpha():
            script = _script(char)
            score += sum(1 for near in (before, after) if near.isalpha() and _script(near) != script)
        elif before.isalpha() and after.isalpha() and char not in _INSIDE_WORDS:
            score += 1
    return score
