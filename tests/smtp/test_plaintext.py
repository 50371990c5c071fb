"""The text/plain alternative (``console.smtp.plaintext``) on bodies whose Odoo text is
known, and on what libxml2 stops at (the real-Odoo tier compares it with each version's
own html2plaintext: tests/real_odoo/test_plaintext_fidelity.py)."""

from __future__ import annotations

import pytest

from console.smtp.plaintext import html2plaintext


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
    assert html2plaintext(html, 17) == text


def test_links_and_images_are_numbered_like_odoo() -> None:
    html = (
        '<a href="/1"><a href="/2">inner</a></a><img src="x.png"><a href="/3"></a>'
        '<a href="">empty href</a><a>no href</a>'
    )
    assert html2plaintext(html, 17) == (
        "None [1] inner [2] x [4] None [3] empty href no href\n\n[1] /1\n[2] /2\n[3] /3\n[4] x.png"
    )
    # a misplaced <body> is ignored, as libxml2 does: every link counts (Odoo 17's output)
    html = '<p><a href="/out">out</a></p><body><p>in <a href="/in">x</a></p></body><p>after</p>'
    assert html2plaintext(html, 17) == "out [1]\nin x [2]\nafter\n\n\n[1] /out\n[2] /in"


def test_deep_nesting_never_recurses_and_ends_as_libxml2_does() -> None:
    depth = 200_000  # libxml2 (Odoo's parser) gives up past depth 256: no text, no crash
    assert html2plaintext("<div>" * depth + "deep" + "</div>" * depth, 17) == ""
    nested = "<div><span>" * depth + '<a href="https://x.test/">link</a>' + "</span>" * depth
    assert html2plaintext(nested, 17) == ""
    shallow = "<div>" * 200 + "deep" + "</div>" * 200
    assert html2plaintext(shallow, 17) == "deep"
