"""hypothesis strategies shared by the property tests.

Two kinds: arbitrary text (``any_text``, ``ascii_prose``), and *realistic news* built from
parts (``news_parts``) that can be rendered clean (``clean_news``) or with the damage that
machine translation and careless processing leave (``damaged_news``): spaced hyphens
(``four -day``), broken possessives, inline teasers (``Also read | …``), mojibake, HTML
entities, stray spaces before punctuation, glued sentences.  The vocabulary and the names
are made up here (names from syllables), never taken from a corpus.
"""
from __future__ import annotations

import html

from hypothesis import strategies as st

#: any Unicode, including surrogates, controls, emoji, combining marks and RTL text
any_text = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF,
                                          exclude_categories=()), max_size=300)
#: lines of text with the characters rules look at
ascii_prose = st.text(alphabet=st.sampled_from(list("abcdeXYZ -.,;:!?'’\n\r\t&#@/0123")), max_size=200)
plain_words = st.lists(st.from_regex(r"[a-z]{1,10}", fullmatch=True), min_size=1, max_size=40).map(" ".join)

# -- realistic news ---------------------------------------------------------------------

_WORDS = """the a of to in and for on with at by from that which said would could will has
had was were is are government minister talks agreement meeting summit report week month
year economy trade support plan policy country city region officials leaders security
council committee visit during after before about more than also new first last other
announced confirmed rejected called expected reached signed opened closed rose fell grew
prices markets growth energy oil gas bank budget election party vote court law police army
border crisis deal president spokesman analysts investors companies workers farmers
""".split()
_ADJ = "long short high low strong weak major minor senior joint final early late".split()
_NUM = "two three four five six seven ten twelve".split()
_UNITS = "day week month year hour".split()
_PREFIXED = [("well", "known"), ("long", "awaited"), ("non", "member"), ("anti", "government"),
             ("state", "owned"), ("cross", "border"), ("free", "trade"), ("high", "level")]
_SYL = "ka ri to mel an do vi sa len gor be tis na ul mar fe zo"
_SYL = _SYL.split()
_NON_ASCII_NAME_PARTS = ["é", "ã", "ö", "ñ", "ç", "ğ", "ł", "ø"]

#: a made-up proper name: two to three syllables, capitalised, sometimes with an accent
name = st.builds(
    lambda syls, accent, pos: _accented("".join(syls), accent, pos).capitalize(),
    st.lists(st.sampled_from(_SYL), min_size=2, max_size=3),
    st.one_of(st.none(), st.sampled_from(_NON_ASCII_NAME_PARTS)),
    st.integers(1, 5),
)


def _accented(word: str, accent: str | None, pos: int) -> str:
    if accent is None or len(word) < 3:
        return word
    pos = min(pos, len(word) - 1)
    return word[:pos] + accent + word[pos + 1:]


# a part is (clean text, damaged text); sentences are lists of parts
_word_part = st.sampled_from(_WORDS).map(lambda w: (w, w))
_name_part = name.map(lambda n: (n, n))


@st.composite
def _possessive(draw):
    n = draw(name)
    if n.endswith("s"):
        return (f"{n}'s", f"{n}'s")
    return (f"{n}'s", draw(st.sampled_from([f"{n}s", f"{n}'s's", f"{n}s's", f"{n}'s"])))


@st.composite
def _compound(draw):
    if draw(st.booleans()):
        a, b = draw(st.sampled_from(_NUM)), draw(st.sampled_from(_UNITS))
    else:
        a, b = draw(st.sampled_from(_PREFIXED))
    clean = f"{a}-{b}"
    return (clean, draw(st.sampled_from([clean, f"{a} -{b}", f"{a}- {b}"])))


@st.composite
def _number(draw):
    n = draw(st.integers(0, 99999))
    s = draw(st.sampled_from([str(n), f"{n:,}", f"{n / 10:.1f}", f"{n}%", f"${n}"]))
    return (s, s)


_quote_part = st.sampled_from([("“", "“"), ("”", "”"), ("’", "’"), ('"', '"'), ("—", "—"),
                               ("–", "–"), ("£", "£"), ("€", "€")])


@st.composite
def sentence_parts(draw):
    """A sentence as a list of (clean, damaged) word parts, ending in punctuation."""
    parts = draw(st.lists(st.one_of(_word_part, _word_part, _word_part, _name_part, _possessive(),
                                    _compound(), _number(), _quote_part), min_size=3, max_size=18))
    first = parts[0][0]
    parts[0] = (first[:1].upper() + first[1:], parts[0][1][:1].upper() + parts[0][1][1:])
    end = draw(st.sampled_from([".", ".", ".", "?", "!"]))
    return parts, end


def _render(parts, end, damaged, draw) -> str:
    out = []
    for clean, bad in parts:
        out.append(bad if damaged else clean)
    text = " ".join(out)
    if damaged and draw(st.integers(0, 3)) == 0:
        return text + " " + end  # "the agreement ."
    return text + end


@st.composite
def news_parts(draw):
    """A document as a list of sentences, each a (parts, end) pair."""
    return draw(st.lists(sentence_parts(), min_size=1, max_size=6))


def render_clean(doc) -> str:
    return " ".join(" ".join(c for c, _ in parts) + end for parts, end in doc)


#: clean, well-formed news (the same generator as damaged_news, without the damage)
clean_news = news_parts().map(render_clean)


def mojibake(s: str, codec: str = "cp1252") -> str:
    """UTF-8 read as a single-byte code page: ``é`` → ``Ã©``, ``’`` → ``â€™``."""
    return s.encode("utf-8").decode(codec, errors="replace")


@st.composite
def damaged_news(draw):
    """Realistic damaged news: every kind of damage textmend is for, in any mix."""
    doc = draw(news_parts())
    sentences = []
    for parts, end in doc:
        s = _render(parts, end, True, draw)
        kind = draw(st.integers(0, 9))
        if kind == 0:
            s = mojibake(s, draw(st.sampled_from(["cp1252", "latin-1", "cp1250"])))
        elif kind == 1:
            s = html.escape(s, quote=draw(st.booleans()))
            if draw(st.booleans()):
                s = s.replace("&amp;", "&amp;amp;")
        elif kind == 2:
            s = "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in s)
        sentences.append(s)
    glue = draw(st.sampled_from([" ", " ", "\n", "\n\n", ""]))  # "" glues "visit.The"
    text = glue.join(sentences)
    if draw(st.integers(0, 3)) == 0:
        teaser = render_clean([draw(sentence_parts())]).rstrip(".?!")
        marker = draw(st.sampled_from(["Also read | ", "Read also: ", "ADVERTISEMENT ", "Also read | " * 3]))
        at = draw(st.integers(0, len(sentences)))
        sentences.insert(at, marker + teaser)
        text = " ".join(sentences)
    return text


#: one line of mojibake, the way ftfy's tests make it (for the exact-compatibility property)
mojibake_line = st.builds(
    mojibake,
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FFF,
                                   exclude_categories=("Cs", "Cc")), max_size=40),
    st.sampled_from(["cp1252", "latin-1", "cp1250", "cp1251", "mac_roman", "cp437", "iso-8859-2"]),
).filter(lambda s: "\n" not in s and "\r" not in s)
