"""Help center pages on top of the knowledge base: categories, search, article, feedback."""

from __future__ import annotations

import re

from trustdesk.db import commit


async def _articles(maker, clock) -> None:
    from trustdesk.knowledge.service import load_demo_articles

    async with maker() as session:
        await load_demo_articles(session, clock.now)
        await commit(session)


async def test_help_center_browse_search_read_and_rate(client, maker, clock, customer_token):
    await _articles(maker, clock)
    await client.get("/app", params={"token": customer_token("c1", lang="tr")})
    home = await client.get("/app/help")
    assert home.status_code == 200
    assert 'data-testid="help-articles"' in home.text
    links = re.findall(r'href="(/app/help/tr/[^"]+)"', home.text)
    assert links, "Turkish articles are listed"

    found = await client.get("/app/help", params={"q": "yatırım gelmedi"})
    assert 'data-testid="help-results"' in found.text

    article = await client.get(links[0])
    assert article.status_code == 200
    assert '<article class="article" lang="tr">' in article.text
    assert "<script" not in article.text.split('<article class="article"')[1].split("</article>")[0]

    rate_url = links[0] + "/feedback"
    first = await client.post(rate_url, data={"helpful": "true"})
    assert first.headers["location"].endswith("?rated=true")
    again = await client.post(rate_url, data={"helpful": "false"})
    assert "flash=" in again.headers["location"]


async def test_unknown_article_is_404_and_bad_category_is_handled(
    client, maker, clock, customer_token
):
    await _articles(maker, clock)
    await client.get("/app", params={"token": customer_token("c1")})
    assert (await client.get("/app/help/en/no-such-article")).status_code == 404
    bad = await client.get("/app/help", params={"category": "nope"})
    assert bad.status_code == 200


async def test_help_pages_need_a_session(client):
    for path in ("/app/help", "/app/help/en/x"):
        response = await client.get(path)
        assert response.headers["location"] == "/app/signed-out"
    response = await client.post("/app/help/en/x/feedback", data={"helpful": "true"})
    assert response.headers["location"] == "/app/signed-out"
