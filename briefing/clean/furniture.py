"""Lines of page furniture inside text that is otherwise article prose: captions, photo credits, media-player and
share widgets, one-word labels ("Advertisement", "Share").

Exported records (JSON, JSONL, feed items) and plain-text articles carry such lines where the exporter flattened the
page: "Media playback is unsupported on your device Media caption …", "Image copyright Reuters Image caption …",
"Embed … autoplay autoplay Copy this code to your website or blog", "Getty Images / NAME / Contributor", a feed's
"The post … appeared first on …". A line goes
only when the whole line is furniture; a sentence that merely mentions Reuters or a photo stays.
"""

from __future__ import annotations

import re

from briefing.clean.lexicon import ALL_STOPWORDS, FURNITURE_WORDS

# A line opened by what a media player, an image box or an embed widget prints before its caption.
_WIDGET_OPENING = re.compile(
    r"^(?:media playback is (?:unsupported|not supported) on your device|media caption\b|image (?:copyright|caption|"
    r"source)\b|(?:photo|picture|image|video|photograph)s?(?: credit)?\s*:|credit\s*:|embed\b.*\bcopy this code\b|"
    r"(?:scroll down|click|tap) (?:for|to (?:see|watch|view|play)) (?:the )?(?:video|photos?|gallery|image)s?\b|"
    # A link's instruction ("Click here to see…", "Click image above to view graphic", "Click for more") and a
    # player's JavaScript notice: an article's own sentence never opens with an imperative "click".
    r"(?:click|tap)(?: here| (?:on )?(?:the )?(?:image|photo|picture|graphic|link|button)s?)?(?: above| below)?[:,]? "
    r"(?:for|to)\b|click here\b|(?:please )?(?:enable|turn on) javascript\b|javascript is (?:disabled|required))",
    re.IGNORECASE,
)
# What a feed or a republisher appends to an item: WordPress's "The post TITLE appeared first on SITE.", "This article
# was originally published on The Conversation. Read the original article." A whole line of that shape only, and a
# short one: an article's own sentence about where something was first published reads on with more than a name.
# The outlet such a line names: a name in capitals (a few "of"/"and" between), a domain or a URL, nothing that reads on.
_OUTLET = (
    r"(?:(?i:the)\s+)?(?:https?://\S+|[\w-]+(?:\.[\w-]+)+|[A-Z0-9][\w&'’.-]*(?:\s+(?:[A-Z0-9][\w&'’.-]*|of|and|&))*)"
)
_FEED_FOOTER = re.compile(
    rf"^(?:(?i:the post) .{{1,200}}? (?i:appeared first on|first appeared on|was published first on) {_OUTLET}|"
    r"(?i:this (?:article|story|post|piece) (?:was |is )?(?:originally |first )?(?:published|appeared|posted|"
    rf"republished) (?:on|in|at|by|from)) {_OUTLET}(?:\.\s*(?i:read the original(?: article)?))?)\s*[.!]?$"
)
MAX_FOOTER_WORDS = 45
# Photo agencies whose credit ends (or is) a caption line: "… Kevin Mazur/Getty Images", "(Andy Kropa - GETTY IMAGES)".
# Acronyms only in capitals: "(ePA)" closing a German sentence is no credit.
_AGENCY = r"(?:(?i:getty images|getty|shutterstock|reuters|alamy|corbis|rex features)|AP Photo|AFP|EPA|PA|AP|REX)"
_CREDIT_END = re.compile(
    rf"(?:[(/|–-]\s*|\s(?=(?i:getty|shutterstock)))(?:{_AGENCY})(?:\s*[/|–-]\s*[\w .'-]{{1,40}}){{0,3}}\)?\s*$"
)
_CREDIT_START = re.compile(rf"^(?:{_AGENCY})\s*[/|–-]")
# A credit closing a line spans at most a separator, an agency name and three "/ name" parts of 40 characters: the
# end pattern is searched in the line's last characters only (an unanchored search over a whole line is the costly
# part of this check, and it runs on every line of every page).
_CREDIT_TAIL_CHARS = 200
# Extra words of widget labels the furniture vocabulary leaves out ("Tweet email", "Google Plus", "Play Facebook").
_LABEL_WORDS = frozenset("tweet e mail plus google play scroll down continue continued reading below story".split())
# The same labels in the other languages the cleaner meets most (navigation, skip links, sharing, "read also", ads,
# comments, legal pages, media): a line made only of these is a label ("Zum Hauptinhalt springen", "Lire aussi",
# "Artículos relacionados"). Written from the languages' web vocabulary, not from any page of the dev sets.
_FOREIGN_LABEL_WORDS = frozenset(
    """
    startseite hauptinhalt hauptmenü navigation menü suche suchen springen inhalt seitenanfang oben teilen drucken
    anzeige werbung kommentar kommentare kommentieren antworten weiterlesen lesen zurück weiter nächster nächste
    vorheriger vorherige mehr artikel beitrag beiträge ähnliche verwandte weitere themen thema kontakt impressum
    datenschutz datenschutzerklärung einstellungen abonnieren folgen anmelden registrieren abmelden schließen bild
    bilder foto fotos fotostrecke galerie bildergalerie quelle empfehlen merken schlagworte schlagwörter kategorien
    kategorie archiv rubrik rubriken
    accueil rechercher recherche partager partagez imprimer publicité commentaires commentaire commenter répondre
    lire aussi suite retour haut suivant suivante précédent précédente articles similaires connexes connexion
    inscription abonnez abonner fermer galerie vidéo vidéos voir catégories mentions légales confidentialité
    inicio menú buscar búsqueda compartir imprimir publicidad comentarios comentario comentar responder leer
    relacionados relacionadas artículos artículo anterior siguiente volver arriba suscríbete suscribirse boletín
    contacto privacidad cerrar galería vídeo etiquetas categorías archivo
    cerca condividi stampa pubblicità commenti commento commenta rispondi leggi altro articoli articolo correlati
    precedente successivo torna iscriviti contatti chiudi galleria categorie archivio
    zoeken delen advertentie reacties reactie reageer lees ook artikelen gerelateerde vorige volgende terug
    inschrijven nieuwsbrief sluiten
    início pesquisar compartilhar partilhar publicidade comentários artigos artigo relacionados próximo voltar topo
    assine contato fechar
    """.split()
)
_WORD = re.compile(r"\w+")
MAX_LABEL_WORDS = 6
MAX_CAPTION_WORDS = 40
MAX_CREDIT_WORDS = 30


def is_furniture_line(line: str) -> bool:
    """The whole line is a caption, a photo credit, a media/share widget, or a label made of furniture words."""
    text = line.strip()
    if not text:
        return False
    words = _WORD.findall(text)
    if not words:
        return True  # "___", "* * *": a rule, not text
    if len(words) <= MAX_CAPTION_WORDS and _WIDGET_OPENING.search(text):
        return True
    if len(words) <= MAX_FOOTER_WORDS and _FEED_FOOTER.match(text):
        return True
    if len(words) <= MAX_CREDIT_WORDS and _is_credit(text) and not _ends_sentence_with_verbs(text):
        return True
    return _label_content(words) is not None


def is_foreign_label_line(line: str) -> bool:
    """A short label line in another language than English ("Zum Hauptinhalt springen", "Lire aussi"): the HTML
    block model's features know the English furniture words only, so its output is checked for these."""
    content = _label_content(_WORD.findall(line))
    english = FURNITURE_WORDS | _LABEL_WORDS
    return content is not None and any(word in _FOREIGN_LABEL_WORDS and word not in english for word in content)


def _label_content(words: list[str]) -> list[str] | None:
    """The content words of a short line made only of label words (in any of the languages), else None."""
    if not words or len(words) > MAX_LABEL_WORDS:
        return None
    content = [word for word in (word.lower() for word in words) if word not in ALL_STOPWORDS]
    labels = (FURNITURE_WORDS, _LABEL_WORDS, _FOREIGN_LABEL_WORDS)
    return content if content and all(any(word in vocabulary for vocabulary in labels) for word in content) else None


def _is_credit(text: str) -> bool:
    return bool(_CREDIT_START.search(text) or _CREDIT_END.search(text[-_CREDIT_TAIL_CHARS:]))


def _ends_sentence_with_verbs(text: str) -> bool:
    """'… said on Tuesday, citing Reuters.' is a sentence: it reads on past the credit with a full stop. A credit
    line ends on the agency name itself, or on its bracket."""
    return text.rstrip().endswith((".", "!", "?", '"', "”"))


def drop_furniture_lines(text: str) -> str:
    """`text` without its furniture lines; a text with none is returned unchanged (same object)."""
    lines = text.split("\n")
    kept = [line for line in lines if not is_furniture_line(line)]
    if len(kept) == len(lines):
        return text
    return "\n".join(kept)
