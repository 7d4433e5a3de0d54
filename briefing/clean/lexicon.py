"""Small word lists the block features count: stopwords (prose has many) and page-furniture vocabulary.

They are features weighed by the learned model, not rules: a block with a cookie word in it can still be kept when
everything else about it looks like article prose.
"""

from __future__ import annotations

import re

# Frequent function words of the languages a news scraper meets most; prose is dense in them, menus are not.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the a an and or but of to in on at for with by from as is are was were be been being it its this that these "
        "those he she they we you i his her their our your him them us not no have has had do does did will would "
        "can could should may might must than then there here which who whom what when where why how all any some "
        "into about after before over under more most also just so if".split()
    ),
    "de": frozenset(
        "der die das und oder aber ist sind war waren ein eine einer eines dem den des nicht mit von zu im in auf für "
        "als auch es sie er wir ich wie bei aus nach noch nur so wird werden hat haben sich dass zum zur".split()
    ),
    "fr": frozenset(
        "le la les et ou mais de des du un une est sont était dans sur pour avec par au aux ce cette ces il elle ils "
        "nous vous je ne pas plus que qui se sa son ses leur été être a ont comme".split()
    ),
    "es": frozenset(
        "el la los las y o pero de del un una es son era en por para con al lo que se su sus no más como este esta "
        "estos ha han fue ser está están muy también entre".split()
    ),
    "pt": frozenset(
        "o a os as e ou mas de do da dos das um uma é são era em no na nos nas por para com ao que se seu sua não "
        "mais como este esta foi ser está também pelo pela".split()
    ),
    "it": frozenset(
        "il lo la i gli le e o ma di del della dei delle un una è sono era in nel nella per con al che si suo sua "
        "non più come questo questa stato essere anche".split()
    ),
    "nl": frozenset(
        "de het een en of maar van in op te voor met door aan als is zijn was waren niet dat die dit er hij zij wij "
        "ik ook nog wordt worden heeft hebben naar bij om".split()
    ),
    "id": frozenset(
        "yang dan di ke dari ini itu dengan untuk pada adalah dalam tidak akan oleh juga sebagai atau ada karena "
        "tersebut mereka kami kita saya telah sudah bisa".split()
    ),
    "ru": frozenset(
        "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от "
        "меня еще нет о из ему теперь когда даже ну ли если уже или быть был него до вас они это этот для при".split()
    ),
}
ALL_STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS.values())

# Words of page furniture: navigation, sharing, sign-up, legal, ads, comments, media captions.
FURNITURE_WORDS: frozenset[str] = frozenset(
    """
    cookie cookies privacy policy terms conditions subscribe subscribed subscribing subscription subscriptions
    newsletter newsletters unsubscribe inbox signup login logout register account password sign
    advertisement advertisements advertise advertising sponsored sponsor ad ads promoted promotion deals coupon
    share shares shared sharing facebook twitter instagram pinterest linkedin whatsapp reddit tumblr youtube tiktok
    telegram flipboard email print comments comment reply replies menu search home contact faq sitemap rss
    follow click tap download app apps trending popular related recommended copyright reserved rights
    skip navigation close loading video videos watch photo photos gallery image images getty shutterstock
    previous next more back top page pages login careers jobs accessibility feedback settings preferences
    notifications alert alerts podcast podcasts live tags tag topics categories category archive archives
    """.split()
)

# Phrases that almost only occur in page furniture.
FURNITURE_PHRASE = re.compile(
    r"\b(?:cookies?|privacy (?:policy|notice|settings)|terms (?:of (?:use|service)|and conditions)|"
    r"all rights reserved|sign (?:in|up)|log ?in|subscribe|newsletter|mailing list|read (?:more|next|also)|"
    r"click here|share (?:this|on)|follow us|related (?:articles?|stories|posts?)|"
    r"(?:most )?(?:popular|recommended|trending)(?: (?:now|stories|articles|posts))?|advertisement|"
    r"sponsored|leave a (?:comment|reply)|comments?|thank you for|"
    r"loading|javascript|browser|accept|opt.out|©|copyright)\b",
    re.IGNORECASE,
)
# The first word of every FURNITURE_PHRASE alternative ("opt.out" aside): in ASCII text a match starts at a token from
# this set, so a set lookup rules out most blocks before the slow case-insensitive alternation runs
# (`features.py`; tests/test_clean_parts.py checks the two stay in step).
FURNITURE_FIRST_WORDS = frozenset(
    """cookie cookies privacy terms all sign log login subscribe newsletter mailing read click share follow related
    most popular recommended trending advertisement sponsored leave comment comments thank loading javascript browser
    accept copyright""".split()
)

MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    "september|october|november|december"
)
DATE_LIKE = re.compile(
    rf"\b(?:\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}[./-]\d{{1,2}}[./-]\d{{1,2}}|(?:{MONTHS})\.? \d{{1,2}}"
    rf"|\d{{1,2}} (?:{MONTHS})\b|\d{{1,2}}:\d{{2}}\s*(?:am|pm)?|(?:\d+|an?) (?:minutes?|hours?|days?) ago)",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^(?:by|von|par|por|door|oleh|автор)\s+\S", re.IGNORECASE)

# A short heading that opens a comment section ("167 comments", "Leave a Reply", "Join the discussion").
COMMENTS_HEADER = re.compile(
    r"\b(?:comments?|replies|responses|discussion|conversation|reactions|kommentare?|commentaires?|comentarios?|"
    r"comentários?|commenti|reacties|komentar|комментари\w*)\b",
    re.IGNORECASE,
)
