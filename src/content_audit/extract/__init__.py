"""HTML -> Page: the article text apart from site chrome, teasers and listing cards.

One BeautifulSoup(lxml) parse per page, then passes over the tree (``page`` runs them in
order, each a function of what the previous ones found):

1. ``measure``: one walk over the whole body, post-order, records for every element its
   text length and its *content score* (text outside links, outside chrome), and indexes
   the tree for the later passes.  Chrome is decided there too (``chrome``):
   header/nav/aside/footer/menu tags, ARIA landmark roles, hidden elements and class/id
   tokens such as ``site-header``, ``sidebar``, ``breadcrumb``, ``share``, ``cookie``.
2. Blocks that are not the article: excerpt cards (``cards``), recent-post lists
   (``recent``) and blocks found by their heading or a one-line label (``headed``), each
   named related, recent, featured or promo by its block heading (``blocks``); on a listing
   page every card is a teaser of the ``listing`` block.  The content root (``root``) is
   the first semantic container holding half the page's content score, else the smallest
   container holding 70 % of it; ``tail`` adds the article's figure column, FAQ and
   call-to-action band.
3. The article text: the root walked in document order into Sections (``walk``), skipping
   chrome and those blocks.  Then the cards become teasers (``teasers``), every link gets
   its zone and every image whether it is in the article (``links``), and the head, JSON-LD
   (``meta``) and trust signals (``trust``) are read.

``extract_page`` never raises: bad input is judged by the caller (``checks`` reports an
empty article, ``cli`` exits 2).
"""

from .page import extract_page
from .text import normalize_text

__all__ = ["extract_page", "normalize_text"]
