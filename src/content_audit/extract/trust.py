"""Trust signals: who wrote and reviewed the page, when, a disclaimer and a way to reach
the clinic.

These usually sit in chrome (a byline in ``.entry-meta``, a disclaimer in the footer) that
the article text leaves out, so they are read from the whole tree, the JSON-LD nodes and
the raw HTML, reusing pass 1's index: no second parse.  The raw-HTML scans must stay
linear on hostile pages (192 KB of "a-a-a-" once took the e-mail search a minute): the
disclaimer and e-mail searches find a key with ``str.find`` before a bounded match runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import NavigableString

from ..model import Link, Person
from .cues import _CONTACT_LINK_RE
from .measure import _Measure
from .tags import _SKIP_STRINGS, _TOKEN_SPLIT
from .text import _joined_text, normalize_text

# Post-nominal credentials, compared without dots and case ("L.Ac." -> "LAC").
_CREDENTIALS = frozenset(
    [
        "MD",
        "DO",
        "DC",
        "PT",
        "DPT",
        "MPT",
        "MSPT",
        "NP",
        "FNP",
        "APRN",
        "RN",
        "BSN",
        "MSN",
        "CNM",
        "PA",
        "PAC",
        "DDS",
        "DMD",
        "BDS",
        "LAC",
        "DACM",
        "DAOM",
        "DIPLAC",
        "ND",
        "OD",
        "DPM",
        "PHARMD",
        "PHD",
        "PSYD",
        "OT",
        "OTR",
        "OTRL",
        "OTD",
        "ATC",
        "CSCS",
        "LMT",
        "RMT",
        "CMT",
        "MPH",
        "MS",
        "MSC",
        "BSC",
        "MBBS",
        "MBCHB",
        "MRCP",
        "FRCP",
        "FRCS",
        "FACS",
        "FACP",
        "FAAOS",
        "DABCO",
        "CCSP",
        "CCEP",
        "RD",
        "RDN",
        "LD",
        "CDE",
        "CDCES",
        "LCSW",
        "LPC",
        "DRTCM",
        "RTCMP",
        "RAC",
        "DOMP",
        "MOST",
        "BOST",
        "CPT",
        "CSCS",
        "MRCGP",
        "FRACGP",
        "CHIRO",
        "DCH",
    ]
)
_CREDENTIAL_SPLIT = re.compile(r"\s*[,;/]\s*|\s+(?=[A-Z][A-Za-z.]*\.?$)")
_DR_RE = re.compile(r"^(?:dr\.?|doctor)\s+", re.I)
_BYLINE_START = re.compile(
    r"^\W*(?:(?:medically\s+|clinically\s+|expertly\s+)?reviewed\s+by|fact[-\s]checked\s+by|"
    r"(?:written|posted|authored|published)\s+by|by|author|reviewer)\b[:\s]*",
    re.I,
)
_REVIEW_START = re.compile(r"^\W*(?:medically\s+|clinically\s+|expertly\s+)?reviewed\b", re.I)
_DATE_LABEL_START = re.compile(
    r"^\W*(?:(?:medically|clinically|expertly)\s+)?"
    r"(?:(?:last\s+)?(?:updated|modified|reviewed|revised)|published|posted)\b",
    re.I,
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|" + _MONTHS + r"\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+" + _MONTHS + r",?\s+\d{4}|" + _MONTHS + r",?\s+\d{4})"
)
_LABELLED_DATE = re.compile(
    r"\b(?P<label>(?:last\s+)?(?:updated|modified|reviewed|revised)|published|posted)"
    r"(?:\s+(?:on|in))?\s*:?\s*(?P<date>" + _DATE + r")",
    re.I,
)
# Where a name in a byline ends: a separator, a date, "on", "updated", a reading time.
_NAME_END = re.compile(
    r"\s*(?:[·•|—–]|\s-\s|\bon\b|\bupdated\b|\bpublished\b|\breviewed\b|\bin\s+[A-Z]|"
    r"\d+\s+min\b|" + _DATE + r")",
    re.I,
)
_BYLINE_CLASS_PARTS = frozenset(
    ["byline", "author", "writer", "reviewer", "reviewed", "contributor"]
)
_BYLINE_CLASS_VETO = frozenset(
    [
        "avatar",
        "bio",
        "box",
        "image",
        "img",
        "photo",
        "description",
        "desc",
        "posts",
        "archive",
        "link",
        "links",
        "social",
        "card",
        "info",
        "about",
    ]
)
_BYLINE_CLASS_HINT = re.compile(r"byline|author|writer|review|contributor")
_BYLINE_TAGS = ("p", "div", "span", "address", "li", "small", "em", "strong", "a", "time")
_BYLINE_MAX_CHARS = 200

_DISCLAIMER_RE = re.compile(
    r"not\s+(?:intended|meant)\s+(?:as|to\s+be|to)\s+(?:a\s+)?(?:substitute|replacement|replace)|"
    r"not\s+(?:be\s+)?(?:a\s+)?substitute\s+for\s+(?:\w+\s+){0,3}?(?:advice|evaluation|"
    r"diagnosis|treatment|care|consultation)|"
    r"for\s+(?:general\s+)?(?:informational|educational|information(?:al)?)\s+purposes\s+only|"
    r"does\s+not\s+(?:constitute|provide|offer)\s+(?:\w+\s+)?(?:medical|professional|health)\s+advice|"
    r"should\s+not\s+be\s+(?:used|considered|construed|relied\s+upon)\s+as\s+(?:a\s+substitute\s+"
    r"for\s+)?(?:\w+\s+)?(?:medical|professional)\s+advice",
    re.I,
)
_PHONE_RE = re.compile(
    r"(?<![\w/.=#-])(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?![\w/-])|"
    r"(?<![\w/.=#-])\+\d{1,3}(?:[\s.-]\d{2,5}){2,4}(?![\w/-])"
)
_EMAIL_DOMAIN_RE = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.I)
_EMAIL_LOCAL_MAX = 64
_EMAIL_DOMAIN_MAX = 253
r"""RFC 5321 limits.  An address is found from its "@" (str.find) outwards, in a window of
these sizes: ``[\w.+-]+@`` searched over raw HTML tried every start of every run of word
characters, quadratic in the run (192 KB of "a-a-a-" took a minute)."""


def _find_phones(html: str) -> Iterator[tuple[int, str]]:
    for match in _PHONE_RE.finditer(html):
        yield match.start(), match.group(0)


def _find_emails(html: str) -> Iterator[tuple[int, str]]:
    """E-mail addresses in ``html`` as ``(start, address)``, in linear time: each "@" is
    taken once, its local part read backwards (at most 64 characters) and its domain
    matched forwards in a window of at most 253."""
    at = html.find("@")
    while at >= 0:
        floor = max(0, at - _EMAIL_LOCAL_MAX - 1)
        start = at
        while start > floor and (html[start - 1].isalnum() or html[start - 1] in "_.+-"):
            start -= 1
        while start < at and not (html[start].isalnum() or html[start] == "_"):
            start += 1  # the address starts at a word boundary (``\b``)
        if 0 < at - start <= _EMAIL_LOCAL_MAX and not (
            start > 0 and (html[start - 1].isalnum() or html[start - 1] == "_")
        ):
            match = _EMAIL_DOMAIN_RE.match(html, at + 1, at + 1 + _EMAIL_DOMAIN_MAX)
            if match is not None:
                yield start, html[start : match.end()]
        at = html.find("@", at + 1)


class _Trust:
    __slots__ = ("authors", "contacts", "date_reviewed", "date_updated", "disclaimer", "reviewers")

    def __init__(self) -> None:
        self.authors: tuple[Person, ...] = ()
        self.reviewers: tuple[Person, ...] = ()
        self.date_reviewed: str | None = None
        self.date_updated: str | None = None
        self.disclaimer: str | None = None
        self.contacts: tuple[str, ...] = ()


def _credential_key(token: str) -> str:
    return re.sub(r"[^A-Za-z]", "", token).upper()


def _person(raw: str, source: str, extra: tuple[str, ...] = ()) -> Person | None:
    """``"Dr. Ezra Miller, PT, DPT"`` -> Person("Dr. Ezra Miller", ("Dr.", "PT", "DPT"))."""
    text = normalize_text(raw).strip(" ,;:-")
    if not text or len(text) > 120 or not any(ch.isalpha() for ch in text):
        return None
    parts = [p for p in re.split(r"\s*[,;]\s*", text) if p]
    name = parts[0]
    credentials: list[str] = []
    # Trailing credentials glued to the name without a comma: "Jane Doe MD".
    words = name.split()
    while len(words) > 1 and _credential_key(words[-1]) in _CREDENTIALS and words[-1].isupper():
        credentials.insert(0, words.pop())
    name = " ".join(words)
    for part in parts[1:]:
        tokens = [t for t in re.split(r"[\s/]+", part) if t]
        if tokens and all(_credential_key(t) in _CREDENTIALS for t in tokens):
            credentials.extend(tokens)
    if _DR_RE.match(name):
        credentials.insert(0, "Dr.")
    for item in extra:
        item = normalize_text(item)
        if item and item not in credentials:
            credentials.append(item)
    if len(name.split()) > 8:
        return None
    return Person(name=name, credentials=tuple(credentials), source=source)


def _ld_people(value: object, source: str = "jsonld") -> list[Person]:
    values = value if isinstance(value, list) else [value]
    out: list[Person] = []
    for item in values:
        if isinstance(item, str):
            person = _person(item, source)
        elif isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str):
                continue
            extra: list[str] = []
            for key in ("honorificSuffix", "jobTitle"):
                val = item.get(key)
                if isinstance(val, str):
                    extra.extend(v for v in re.split(r"\s*,\s*", val) if v)
            cred = item.get("hasCredential")
            for c in cred if isinstance(cred, list) else [cred]:
                if isinstance(c, dict):
                    c = c.get("name") or c.get("credentialCategory")
                if isinstance(c, str):
                    extra.append(c)
            person = _person(name, source, tuple(extra))
        else:
            continue
        if person is not None:
            out.append(person)
    return out


def _merge_people(people: list[Person]) -> tuple[Person, ...]:
    """One Person per name (Dr./case ignored), credentials pooled, first source kept."""
    merged: dict[str, Person] = {}
    for person in people:
        key = _DR_RE.sub("", person.name).casefold().strip()
        old = merged.get(key)
        if old is None:
            merged[key] = person
        else:
            extra = tuple(c for c in person.credentials if c not in old.credentials)
            merged[key] = Person(old.name, old.credentials + extra, old.source)
    return tuple(merged.values())


def _ld_walk(nodes: list[dict]):
    """JSON-LD nodes and the dicts nested one or two levels in them (mainEntity, publisher)."""
    stack = [(node, 0) for node in nodes]
    while stack:
        node, depth = stack.pop(0)
        yield node
        if depth >= 2:
            continue
        for key, value in node.items():
            if key in ("author", "reviewedBy", "@graph"):
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    stack.append((item, depth + 1))


def _outside_script(html: str, pos: int) -> bool:
    lower_open = max(html.rfind("<script", 0, pos), html.rfind("<style", 0, pos))
    if lower_open < 0:
        return True
    close = max(html.rfind("</script", 0, pos), html.rfind("</style", 0, pos))
    return close > lower_open


def _text_around(html: str, start: int, end: int) -> str:
    """The text node holding html[start:end], tags dropped, at most ~240 characters."""
    left = html.rfind(">", 0, start) + 1
    right = html.find("<", end)
    right = len(html) if right < 0 else right
    left = max(left, start - 160)
    right = min(right, end + 160)
    text = re.sub(r"<[^>]*>", " ", html[left:right])
    return normalize_text(text.replace("&nbsp;", " ").replace("&amp;", "&"))


# Words every disclaimer wording contains: found with str.find (C speed) before the
# regular expression runs on a window around them, so a 200 kB page costs microseconds.
_DISCLAIMER_KEYS = ("substitut", "purposes only", "advice", "replace")


def _find_disclaimer(html: str) -> str | None:
    lower = html.lower()
    for key in _DISCLAIMER_KEYS:
        pos = lower.find(key)
        while pos >= 0:
            start = max(0, pos - 160)
            match = _DISCLAIMER_RE.search(html, start, pos + 120)
            if match is not None and _outside_script(html, match.start()):
                return _text_around(html, match.start(), match.end())
            pos = lower.find(key, pos + len(key))
    return None


def read_trust(
    html: str,
    m: _Measure,
    ld_nodes: list[dict],
    metas: dict[str, str],
    links: tuple[Link, ...],
) -> _Trust:
    """Authors, reviewers, review and update dates, disclaimer and contacts of the page:
    from JSON-LD, short bylines and date lines, ``<meta name=author>``, the links, and the
    raw HTML (the disclaimer; a phone number or e-mail address outside scripts when
    nothing else gives a contact)."""
    trust = _Trust()
    authors: list[Person] = []
    reviewers: list[Person] = []
    contacts: list[str] = []
    reviewed = None
    for node in _ld_walk(ld_nodes):
        authors.extend(_ld_people(node.get("author")))
        reviewers.extend(_ld_people(node.get("reviewedBy")))
        if reviewed is None and isinstance(node.get("lastReviewed"), str):
            reviewed = node["lastReviewed"].strip() or None
        for key in ("telephone", "email"):
            value = node.get(key)
            if isinstance(value, str) and value.strip():
                contacts.append(f"{key}: {value.strip()}")
        if isinstance(node.get("address"), dict | str) and node.get("address"):
            contacts.append("address (JSON-LD)")

    updated = None
    candidates = (t for name in _BYLINE_TAGS for t in m.by_name.get(name, ()))
    text_len = m.text_len
    for tag in candidates:
        length = text_len.get(id(tag), 0)
        if not length or length > _BYLINE_MAX_CHARS:
            continue
        # The first child that is a tag or a string with text (not a comment & co.).
        # A plain loop: this runs for every short p/div/span/li/a... of the page.
        first = None
        for c in tag.contents:
            if isinstance(c, NavigableString) and (isinstance(c, _SKIP_STRINGS) or not c.strip()):
                continue
            first = c
            break
        by_text = isinstance(first, NavigableString) and (
            _BYLINE_START.match(first) or _DATE_LABEL_START.match(first)
        )
        by_class = False
        if not by_text:
            classes = tag.attrs.get("class")
            if classes:
                # The hint has no whitespace: searching the attribute as written finds
                # what searching it with its whitespace collapsed would.
                classes = classes if isinstance(classes, str) else " ".join(classes)
                if _BYLINE_CLASS_HINT.search(classes.lower()):
                    for token in m.tokens(tag):
                        parts = set(_TOKEN_SPLIT.split(token))
                        if parts & _BYLINE_CLASS_PARTS and not parts & _BYLINE_CLASS_VETO:
                            by_class = True
                            break
            if not by_class:
                continue
        text = normalize_text(_joined_text(tag))
        for match in _LABELLED_DATE.finditer(text):
            label = match["label"].lower()
            if "review" in label:
                reviewed = reviewed or match["date"]
            elif "updat" in label or "modif" in label or "revis" in label:
                updated = updated or match["date"]
        lead = _BYLINE_START.match(text)
        if lead is None and not by_class:
            continue
        rest = text[lead.end() :] if lead is not None else text
        if lead is not None and not lead.group(0).strip(" :").lower().endswith(
            ("by", "author", "reviewer")
        ):
            continue
        cut = _NAME_END.search(rest)
        name = rest[: cut.start()] if cut else rest
        person = _person(name, "byline")
        if person is None or not person.name[:1].isupper():
            continue
        is_review = (lead is not None and _REVIEW_START.match(text)) or (
            by_class and any("review" in t for t in m.tokens(tag))
        )
        (reviewers if is_review else authors).append(person)

    if not authors and metas.get("author"):
        person = _person(metas["author"], "meta")
        if person is not None:
            authors.append(person)
    trust.authors = _merge_people(authors)
    trust.reviewers = _merge_people(reviewers)
    trust.date_reviewed = reviewed
    trust.date_updated = updated

    trust.disclaimer = _find_disclaimer(html)

    for link in links:
        href = link.href
        low = href.lower()
        if low.startswith("tel:"):
            contacts.append(href)
        elif low.startswith("mailto:"):
            contacts.append(href.split("?", 1)[0])
        elif link.internal and (
            "contact" in low or (link.text and _CONTACT_LINK_RE.search(link.text))
        ):
            contacts.append(f"link: {href}")
    if not contacts:
        for finder, label in ((_find_phones, "phone"), (_find_emails, "email")):
            for start, found in finder(html):
                if _outside_script(html, start) and html.rfind("<", 0, start) < html.rfind(
                    ">", 0, start
                ):
                    contacts.append(f"{label}: {found}")
                    break
    trust.contacts = tuple(dict.fromkeys(contacts))
    return trust
