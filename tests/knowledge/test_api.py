"""Help-center API: public reading, search, feedback, the admins' editor, the demo loader."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import auth
from tests.factories import login, make_agent
from trustdesk.db import commit
from trustdesk.knowledge import service
from trustdesk.models.agent import AgentRole
from trustdesk.models.knowledge import ArticleFeedback, KnowledgeArticle

ARTICLE = {
    "slug": "p2p-disputes",
    "language": "en",
    "category": "trading",
    "title": "Open a P2P dispute",
    "body": "If the seller did not release the coins, open a dispute from the order page.",
    "tags": ["p2p", "dispute"],
}


async def _admin(client, maker, clock, email="admin@x.io"):
    await make_agent(maker, email, now=clock.now, role=AgentRole.admin)
    return await login(client, email)


async def _demo(maker, clock):
    async with maker() as session:
        created = await service.load_demo_articles(session, clock.now)
        await commit(session)
    return created


async def _count(maker, model):
    async with maker() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


# --- demo content -------------------------------------------------------------------------


async def test_demo_loader_is_idempotent(maker, clock):
    first = await _demo(maker, clock)
    assert first == await _count(maker, KnowledgeArticle)
    assert first >= 12 + 6 * 14
    assert await _demo(maker, clock) == 0
    assert await _count(maker, KnowledgeArticle) == first


async def test_demo_has_three_articles_per_category_in_english_and_key_ones_in_all_languages(
    client, maker, clock
):
    await _demo(maker, clock)
    response = await client.get("/api/v1/help/categories", params={"language": "en"})
    assert response.status_code == 200
    assert all(c["article_count"] >= 3 for c in response.json())
    for slug in ("deposit-not-credited", "withdrawal-pending", "reset-2fa-account-locked"):
        async with maker() as session:
            langs = await service.repository.published_languages(session, slug)
        assert len(langs) == 15


async def test_demo_content_never_asks_for_secrets(maker, clock):
    await _demo(maker, clock)
    async with maker() as session:
        articles = (await session.execute(select(KnowledgeArticle))).scalars().all()
    english = [a for a in articles if a.language == "en"]
    assert all("never ask" in a.body or "Never" in a.body for a in english if a.slug in {
        "deposit-not-credited", "withdrawal-pending", "reset-2fa-account-locked",
        "official-channels-phishing",
    })  # fmt: skip


# --- public reading -----------------------------------------------------------------------


async def test_categories_have_localized_names_and_counts(client, maker, clock):
    await _demo(maker, clock)
    response = await client.get("/api/v1/help/categories", params={"language": "ja"})
    assert response.status_code == 200
    by_key = {c["key"]: c for c in response.json()}
    assert by_key["deposit_withdrawal"]["name"] == "入金・出金"
    assert by_key["deposit_withdrawal"]["article_count"] == 2


async def test_unknown_language_or_category_is_422(client):
    response = await client.get("/api/v1/help/categories", params={"language": "xx"})
    assert response.status_code == 422
    assert "unknown language" in response.json()["detail"]
    response = await client.get("/api/v1/help/articles", params={"category": "nft"})
    assert response.status_code == 422


async def test_list_articles_paginates_by_language_and_category(client, maker, clock):
    await _demo(maker, clock)
    first = await client.get(
        "/api/v1/help/articles", params={"language": "en", "category": "trading", "limit": 2}
    )
    assert first.status_code == 200
    body = first.json()
    assert len(body["items"]) == 2 and body["next_cursor"]
    rest = await client.get(
        "/api/v1/help/articles",
        params={"language": "en", "category": "trading", "cursor": body["next_cursor"]},
    )
    slugs = [a["slug"] for a in body["items"] + rest.json()["items"]]
    assert sorted(slugs) == ["order-not-filled", "spot-order-types", "trading-fees"]
    bad = await client.get("/api/v1/help/articles", params={"cursor": "nope"})
    assert bad.status_code == 422


async def test_read_article_by_language_and_slug(client, maker, clock):
    await _demo(maker, clock)
    response = await client.get("/api/v1/help/articles/zh-CN/deposit-not-credited")
    assert response.status_code == 200
    article = response.json()
    assert article["title"] == "充值未到账怎么办"
    assert article["url"] == "/help/zh-CN/deposit-not-credited"
    assert "en" in article["translations"] and "zh-CN" not in article["translations"]
    missing = await client.get("/api/v1/help/articles/ja/spot-order-types")
    assert missing.status_code == 404


async def test_search_via_api_in_the_customer_language(client, maker, clock):
    await _demo(maker, clock)
    response = await client.get(
        "/api/v1/help/articles", params={"language": "ru", "q": "не пришёл депозит"}
    )
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert hits[0]["slug"] == "deposit-not-credited"
    assert hits[0]["language"] == "ru" and hits[0]["fallback_language"] is False
    assert hits[0]["url"] == "/help/ru/deposit-not-credited"


async def test_search_falls_back_to_english_when_the_language_has_no_article(
    client, maker, clock, session
):
    headers = await _admin(client, maker, clock)
    created = await client.post("/api/v1/admin/articles", headers=headers, json=ARTICLE)
    assert created.status_code == 201
    hits = await service.search_articles(session, "P2P dispute seller", "fr")
    assert [(h.slug, h.language, h.fallback_language) for h in hits] == [
        ("p2p-disputes", "en", True)
    ]
    assert hits[0].url == "/help/en/p2p-disputes"


async def test_unpublished_articles_are_invisible_to_the_public(client, maker, clock, session):
    headers = await _admin(client, maker, clock)
    created = await client.post(
        "/api/v1/admin/articles", headers=headers, json={**ARTICLE, "published": False}
    )
    assert created.status_code == 201
    assert (await client.get("/api/v1/help/articles/en/p2p-disputes")).status_code == 404
    listing = await client.get("/api/v1/help/articles", params={"language": "en"})
    assert listing.json()["items"] == []
    assert await service.search_articles(session, "P2P dispute", "en") == []
    assert await service.get_article(session, "en", "p2p-disputes") is None
    feedback = await client.post(
        "/api/v1/help/articles/en/p2p-disputes/feedback",
        json={"helpful": True, "session_id": "sess-12345678"},
    )
    assert feedback.status_code == 404


async def test_edit_is_searchable_at_once(client, maker, clock, session):
    headers = await _admin(client, maker, clock)
    article = (await client.post("/api/v1/admin/articles", headers=headers, json=ARTICLE)).json()
    assert (await service.search_articles(session, "P2P dispute", "en"))[0].slug == "p2p-disputes"
    await session.rollback()
    response = await client.put(
        f"/api/v1/admin/articles/{article['id']}",
        headers=headers,
        json={"title": "Appeal an OTC trade", "body": "Appeal from the OTC order page."},
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    hits = await service.search_articles(session, "appeal OTC", "en")
    assert hits and hits[0].title == "Appeal an OTC trade"


# --- feedback -----------------------------------------------------------------------------


async def test_anonymous_feedback_counts_and_one_vote_per_session(client, maker, clock):
    await _demo(maker, clock)
    url = "/api/v1/help/articles/en/deposit-not-credited/feedback"
    first = await client.post(url, json={"helpful": True, "session_id": "sess-aaaaaaaa"})
    assert first.status_code == 201, first.text
    assert first.json()["helpful_count"] == 1 and first.json()["not_helpful_count"] == 0
    second = await client.post(
        url, json={"helpful": False, "session_id": "sess-bbbbbbbb", "comment": "  Too long  "}
    )
    assert second.json()["helpful_count"] == 1 and second.json()["not_helpful_count"] == 1
    again = await client.post(url, json={"helpful": False, "session_id": "sess-aaaaaaaa"})
    assert again.status_code == 409
    async with maker() as session:
        comments = (await session.execute(select(ArticleFeedback.comment))).scalars().all()
    assert sorted(c or "" for c in comments) == ["", "Too long"]


async def test_anonymous_feedback_needs_a_session_id_and_valid_input(client, maker, clock):
    await _demo(maker, clock)
    url = "/api/v1/help/articles/en/deposit-not-credited/feedback"
    assert (await client.post(url, json={"helpful": True})).status_code == 422
    too_long = await client.post(
        url, json={"helpful": True, "session_id": "sess-aaaaaaaa", "comment": "x" * 1001}
    )
    assert too_long.status_code == 422
    assert (await client.post(url, json={"session_id": "sess-aaaaaaaa"})).status_code == 422
    unknown = "/api/v1/help/articles/en/no-such-article/feedback"
    missing = await client.post(unknown, json={"helpful": True, "session_id": "sess-aaaaaaaa"})
    assert missing.status_code == 404
    assert await _count(maker, ArticleFeedback) == 0


async def test_anonymous_feedback_is_rate_limited_per_session(client, maker, clock, session):
    await _demo(maker, clock)
    slugs = [
        a.slug
        for a in (await session.execute(select(KnowledgeArticle).where(
            KnowledgeArticle.language == "en"))).scalars()
    ]  # fmt: skip
    sent = 0
    for lang in ("en", "de", "fr", "es"):
        for slug in slugs:
            url = f"/api/v1/help/articles/{lang}/{slug}/feedback"
            response = await client.post(url, json={"helpful": True, "session_id": "sess-flood01"})
            if response.status_code == 404:
                continue
            if response.status_code == 429:
                assert sent == service.ANONYMOUS_VOTES_PER_HOUR
                return
            assert response.status_code == 201
            sent += 1
    raise AssertionError("no rate limit hit")


async def test_signed_in_customer_votes_once_per_article_version(
    client, maker, clock, customer_token
):
    await _demo(maker, clock)
    headers = auth(customer_token("c1"))
    url = "/api/v1/help/articles/de/withdrawal-pending/feedback"
    assert (await client.post(url, headers=headers, json={"helpful": True})).status_code == 201
    twice = await client.post(url, headers=headers, json={"helpful": False})
    assert twice.status_code == 409
    other = await client.post(url, headers=auth(customer_token("c2")), json={"helpful": False})
    assert other.json()["helpful_count"] == 1 and other.json()["not_helpful_count"] == 1
    bad = await client.post(url, headers={"Authorization": "Bearer junk"}, json={"helpful": True})
    assert bad.status_code == 401
    # A new version of the article may be rated again.
    admin = await _admin(client, maker, clock)
    article_id = other.json()["article_id"]
    edit = await client.put(
        f"/api/v1/admin/articles/{article_id}", headers=admin, json={"tags": ["withdrawal"]}
    )
    assert edit.status_code == 200
    assert (await client.post(url, headers=headers, json={"helpful": True})).status_code == 201
    view = (await client.get(f"/api/v1/admin/articles/{article_id}", headers=admin)).json()
    assert (view["helpful_count"], view["not_helpful_count"]) == (2, 1)


# --- admin editor -------------------------------------------------------------------------


async def test_admin_endpoints_need_an_admin(client, maker, clock, customer_token):
    await make_agent(maker, "agent@x.io", now=clock.now)
    agent = await login(client, "agent@x.io")
    base = "/api/v1/admin/articles"
    assert (await client.post(base, json=ARTICLE)).status_code == 401
    assert (await client.get(base)).status_code == 401
    assert (await client.post(base, json=ARTICLE, headers=agent)).status_code == 403
    assert (await client.put(f"{base}/1", json={"title": "x"}, headers=agent)).status_code == 403
    assert (await client.delete(f"{base}/1", headers=agent)).status_code == 403
    customer = auth(customer_token("c1"))
    assert (await client.post(base, json=ARTICLE, headers=customer)).status_code == 401
    assert await _count(maker, KnowledgeArticle) == 0


async def test_admin_create_validates_and_rejects_duplicates(client, maker, clock):
    headers = await _admin(client, maker, clock)
    base = "/api/v1/admin/articles"
    for bad in (
        {**ARTICLE, "language": "xx"},
        {**ARTICLE, "category": "nft"},
        {**ARTICLE, "slug": "Not A Slug"},
        {**ARTICLE, "title": ""},
        {**ARTICLE, "colour": "red"},
    ):
        response = await client.post(base, headers=headers, json=bad)
        assert response.status_code == 422, bad
    assert await _count(maker, KnowledgeArticle) == 0
    assert (await client.post(base, headers=headers, json=ARTICLE)).status_code == 201
    dup = await client.post(base, headers=headers, json=ARTICLE)
    assert dup.status_code == 409 and dup.json()["error"] == "Conflict"
    translation = await client.post(
        base, headers=headers, json={**ARTICLE, "language": "ja", "title": "P2P の異議申し立て"}
    )
    assert translation.status_code == 201
    assert translation.json()["translations"] == ["en"]


async def test_admin_create_is_idempotent_with_a_key(client, maker, clock):
    headers = {**await _admin(client, maker, clock), "Idempotency-Key": "k-1"}
    first = await client.post("/api/v1/admin/articles", headers=headers, json=ARTICLE)
    again = await client.post("/api/v1/admin/articles", headers=headers, json=ARTICLE)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json()["id"] == again.json()["id"]
    other = await client.post(
        "/api/v1/admin/articles", headers=headers, json={**ARTICLE, "title": "Other"}
    )
    assert other.status_code == 422
    assert await _count(maker, KnowledgeArticle) == 1


async def test_admin_update_delete_and_404(client, maker, clock):
    headers = await _admin(client, maker, clock)
    article = (await client.post("/api/v1/admin/articles", headers=headers, json=ARTICLE)).json()
    url = f"/api/v1/admin/articles/{article['id']}"
    assert (await client.put(url, headers=headers, json={})).status_code == 422
    assert (await client.put(url, headers=headers, json={"category": "nft"})).status_code == 422
    hidden = await client.put(url, headers=headers, json={"published": False})
    assert hidden.status_code == 200 and hidden.json()["published"] is False
    listing = await client.get("/api/v1/admin/articles", headers=headers)
    assert [a["id"] for a in listing.json()["items"]] == [article["id"]]
    assert (await client.delete(url, headers=headers)).status_code == 204
    assert (await client.get(url, headers=headers)).status_code == 404
    assert (await client.put(url, headers=headers, json={"title": "x"})).status_code == 404
    assert (await client.delete(url, headers=headers)).status_code == 404
