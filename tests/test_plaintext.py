"""The text/plain alternative (``console.smtp.plaintext``) and its tokenizer.

The tokenizer must give exactly html.parser's events (a property test over markup made
of the pieces mail bodies are made of, the odd ones included); the converter must give
Odoo's text for ordinary bodies and survive what lxml stops at: 200,000 nested <div>s.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.smtp.html_tokens import Attrs, tokenize
from console.smtp.plaintext import html2plaintext

PIECES = [
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<br>", "<br/>", "<br />", "<BR>",
    "<a href='http://x.test/a?b=1&amp;c=2'>", '<a href="/y">', "<a>", "</a>", "<a href=z/>",
    "<img src='/web/image/logo.png?x=1'>", '<img src="a.jpg"/>', "<table>", "<tr>", "<td>",
    "</td>", "<li>", "<ul>", "</ul>", "<h1>", "</h1>", "<em>", '<span style="color: red">',
    "</span>", "<body>", "</body>", "<html>", "<head>", "</head>", "<title>T</title>",
    "<style>p{a:b}</style>", "<style>x<y</style>", "<STYLE>a{}</style>", "<script>1 < 2</script>",
    "<script>var a;</script>", "<meta charset='utf-8'>", "<!-- c -->", "<!---->", "<!-->",
    "<!--->", "<!-- a--->", "<!DOCTYPE html>", "<!doctype x>", "<?xml x?>", "<![CDATA[x]]>",
    "< ", "<", ">", "</>", "</ p>", "</p >", "&amp;", "&lt;", "&nbsp;", "&#233;", "&#x2713;",
    "&bogus;", "&", "&am", " ", "\n", "\t", "\r\n", "\x0b", "\xa0", "text", "é", "<o:p>",
    "</o:p>", "<font face=Arial>", "<p class=x id=\"y\" data-z>", "<P CLASS=A>",
    "<a\xa0href=x>", "<textarea>a<b></textarea>", "<title>a&amp;</title>", "<p/>", "<x-y>",
    "<a href=x title='a>b'>", "<a href=x/y>", '<a href="x"title="y">', "<a href==x>",
    "<a href=x'y>", "<img\nsrc='q'\n/>", "<p\x00>", "<a b c=1 d='2' e=\"3\">",
]  # fmt: skip


class Recorder(HTMLParser):
    """html.parser itself, recording its events."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("start", tag, attrs))

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("startend", tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", data))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))


class Events:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def start(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("start", tag, attrs))

    def startend(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("startend", tag, attrs))

    def end(self, tag: str) -> None:
        self.events.append(("end", tag))

    def data(self, text: str) -> None:
        self.events.append(("data", text))

    def comment(self, text: str) -> None:
        self.events.append(("comment", text))


def parser_events(html: str) -> list[tuple[Any, ...]]:
    recorder = Recorder()
    recorder.feed(html)
    recorder.close()
    return recorder.events


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_tokenizer_gives_html_parser_events(pieces: list[str]) -> None:
    html = "".join(pieces)
    events = Events()
    tokenize(html, events)
    assert events.events == parser_events(html)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('<html><head><title>T</title><style>p{color:red}</style></head><body><p>Hi <a href='
         '"https://a.test/x">there</a></p><img src="/web/image/logo.png"/></body></html>',
         "Hi there [1]\nlogo [2]\n\n[1] https://a.test/x\n[2] /web/image/logo.png"),
        ('<meta charset="utf-8"><title>x</title><p>no body <a href="/a">A</a> and '
         '<a href="/b"><b>B</b> more</a></p>',
         "no body A [1] and None [2]*B* more\n\n\n[1] /a\n[2] /b"),
        ("<ul><li>one<li>two</ul><table><tr><td>a<td>b<tr><td>c</table>", "one two\na b\nc"),
        ("<p>para<div>div closes p</div>tail</p><h1>Title</h1><h2>Sub</h2><h3>Third</h3>"
         "<em>em</em><strong>s</strong>",
         "para\ndiv closes p tail**Title****Sub***Third*/em/*s*"),
        ("<!-- a comment --><p>x<!-- inner -->y</p><br><br/><br />z", "x y\n\nz"),
        ("<p>unclosed <b>bold <i>italic</p> after", "unclosed *bold italic *\nafter"),
        ("<o:p>office</o:p><p class=MsoNormal>Outlook<o:p></o:p></p>", "office Outlook"),
        ("<script>if (a < b) {}</script><p>after script</p>", "after script"),
        ("plain text with a < sign and > and & ampersand",
         "plain text with a < sign and > and & ampersand"),
    ],
)  # fmt: skip
def test_odoo_text_for_ordinary_bodies(html: str, text: str) -> None:
    """Each expected text is what Odoo's lxml-based html2plaintext gives."""
    assert html2plaintext(html) == text


def test_links_and_images_are_numbered_like_odoo() -> None:
    html = (
        '<a href="/1"><a href="/2">inner</a></a><img src="x.png"><a href="/3"></a>'
        '<a href="">empty href</a><a>no href</a>'
    )
    assert html2plaintext(html) == (
        "None [1] inner [2]  x [4] None [3] empty href no href\n\n[1] /1\n[2] /2\n[3] /3\n[4] x.png"
    )
    # only the <body>'s links count, and only the <body> is read
    html = '<p><a href="/out">out</a></p><body><p>in <a href="/in">x</a></p></body><p>after</p>'
    assert html2plaintext(html) == "in x [1]\n\n\n[1] /in"


def test_deep_nesting_gives_the_text_without_recursion() -> None:
    depth = 200_000
    assert html2plaintext("<div>" * depth + "deep" + "</div>" * depth) == "deep"
    nested = "<div><span>" * depth + '<a href="https://x.test/">link</a>' + "</span>" * depth
    assert html2plaintext(nested) == "link [1]\n\n[1] https://x.test/"
    unclosed = "<blockquote><p>quote " * 50_000 + "end"
    assert html2plaintext(unclosed).endswith("quote\nquote\nquote end")
