"""The help-center Markdown subset escapes everything it does not understand."""

from __future__ import annotations

from trustdesk.web.markdown import render


def test_headings_lists_bold_and_links():
    html = render(
        "Intro **safe**.\n\n## Check\n\n1. One\n2. Two\n   more\n\n- a\n- [b](/app/help)\n"
    )
    assert "<p>Intro <strong>safe</strong>.</p>" in html
    assert "<h3>Check</h3>" in html
    assert "<ol>\n<li>One</li>\n<li>Two more</li>\n</ol>" in html
    assert '<li><a href="/app/help">b</a></li>' in html


def test_html_and_script_links_are_escaped():
    html = render('<script>alert(1)</script> [x](javascript:alert(1)) "q"')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
