"""html_to_text: mail bodies as terminal text, never an exception."""

from __future__ import annotations

import pytest

from console.domain.text import html_to_text


def test_paragraphs_and_breaks_become_lines() -> None:
    html = "<p>Hello&nbsp;<b>world</b></p><p>Second   para<br>line two</p>"
    assert html_to_text(html) == "Hello world\n\nSecond para\nline two"


def test_headings_and_list_items() -> None:
    html = "<h1>Your order</h1><ul><li>one</li><li>two</li></ul><p>end</p>"
    assert html_to_text(html) == "Your order\n\n- one\n- two\n\nend"


def test_links_read_text_then_url() -> None:
    html = '<p>Pay <a href="https://acme.test/pay?id=1&amp;x=2">here</a> today</p>'
    assert html_to_text(html) == "Pay here (https://acme.test/pay?id=1&x=2) today"


def test_link_whose_text_is_the_url_is_not_repeated() -> None:
    assert html_to_text('<a href="https://a.test">https://a.test</a>') == "https://a.test"
    assert html_to_text('<a href="mailto:x@a.test">x@a.test</a>') == "x@a.test"
    assert html_to_text('<a href="https://a.test"></a>') == "https://a.test"


def test_scripts_styles_and_head_are_dropped() -> None:
    html = (
        "<html><head><title>T</title><style>p { color: red }</style></head>"
        "<body><script>alert('x')</script><p>Visible</p><noscript>no</noscript></body></html>"
    )
    assert html_to_text(html) == "Visible"


def test_entities_are_decoded() -> None:
    assert html_to_text("Caf&eacute; &amp; th&#233; &lt;b&gt; &#x2713;") == "Café & thé <b> ✓"


def test_whitespace_collapses_but_pre_is_kept() -> None:
    assert html_to_text("a \n\t  b") == "a b"
    assert html_to_text("<pre>x\n    y</pre>") == "x\n    y"


def test_table_cells_are_separated() -> None:
    html = "<table><tr><td>Total</td><td>12.00</td></tr><tr><td>Tax</td></tr></table>"
    assert html_to_text(html) == "Total  12.00\nTax"


def test_an_odoo_like_layout() -> None:
    html = """
    <div style="margin:0"><table><tr><td>
      <p>Dear Mr. Smith,</p>
      <p>Here is your invoice <strong>INV/2026/0042</strong> amounting to
         <span>1 200,00 €</span>.</p>
      <div>--<br/>Acme</div>
    </td></tr></table></div>"""
    assert html_to_text(html) == (
        "Dear Mr. Smith,\n\nHere is your invoice INV/2026/0042 amounting to 1 200,00 €.\n\n--\nAcme"
    )


def test_control_characters_are_removed() -> None:
    assert html_to_text("<p>red\x1b[31m text\x07</p>") == "red[31m text"
    assert html_to_text("a\u200bb\u202ec") == "abc"


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "",
        "<<<>>><p",
        "<![if !supportLists]>x<![endif]>",
        "<a href=",
        "</p></div></li>",
        "<p>unclosed <a href='u'>link",
        "<script>never closed",
        "&#xffffffff; &#0; &bogus;",
        "<!-- comment -- > --> <!DOCTYPE html>",
        "\x00\x01<b\x00>x</b>",
        "<" * 1000 + ">" * 1000,
    ],
)
def test_never_raises_on_garbage(garbage: str | None) -> None:
    assert isinstance(html_to_text(garbage), str)


def test_plain_text_passes_through() -> None:
    assert html_to_text("Just a plain body.") == "Just a plain body."
