"""Official-channel register (admin CRUD, audit, cache) and the public channel check."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import login, make_agent
from trustdesk.models import AuditEvent
from trustdesk.models.agent import AgentRole
from trustdesk.trust import service

BASE = "/api/v1/admin/channels"
CHECK = "/api/v1/channels/check"


async def _admin(client, maker, clock, email="admin@x.io"):
    await make_agent(maker, email, now=clock.now, role=AgentRole.admin)
    return await login(client, email)


async def _seed(maker, clock):
    async with maker() as session:
        added = await service.load_demo_channels(session, clock.now)
        await session.commit()
    return added


async def test_register_endpoints_need_an_admin(client, maker, clock, customer_token):
    assert (await client.get(BASE)).status_code == 401
    body = {"kind": "domain", "value": "trustdesk.exchange"}
    assert (await client.post(BASE, json=body)).status_code == 401
    cust = {"Authorization": f"Bearer {customer_token('c1')}"}
    assert (await client.post(BASE, json=body, headers=cust)).status_code == 401
    await make_agent(maker, "agent@x.io", now=clock.now)
    agent = await login(client, "agent@x.io")
    response = await client.post(BASE, json=body, headers=agent)
    assert response.status_code == 403
    assert (await client.get(BASE, headers=agent)).status_code == 403
    await make_agent(maker, "sec@x.io", now=clock.now, role=AgentRole.security)
    sec = await login(client, "sec@x.io")
    assert (await client.patch(f"{BASE}/1", json={"note": "x"}, headers=sec)).status_code == 403


async def test_admin_creates_lists_updates_and_deletes_channels_with_audit(client, maker, clock):
    admin = await _admin(client, maker, clock)
    created = await client.post(
        BASE,
        json={"kind": "domain", "value": "https://Help.TrustDesk.exchange/", "note": "help"},
        headers={**admin, "Idempotency-Key": "k1"},
    )
    assert created.status_code == 201, created.text
    channel = created.json()
    assert channel["value"] == "help.trustdesk.exchange"
    assert channel["active"] is True
    replay = await client.post(
        BASE,
        json={"kind": "domain", "value": "https://Help.TrustDesk.exchange/", "note": "help"},
        headers={**admin, "Idempotency-Key": "k1"},
    )
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == channel["id"]

    handle = await client.post(
        BASE, json={"kind": "handle", "value": "@TrustDesk", "platform": "Telegram"}, headers=admin
    )
    assert handle.status_code == 201
    assert (handle.json()["value"], handle.json()["platform"]) == ("trustdesk", "telegram")

    listed = (await client.get(BASE, headers=admin)).json()
    assert [c["id"] for c in listed["items"]] == [channel["id"], handle.json()["id"]]

    patched = await client.patch(
        f"{BASE}/{channel['id']}", json={"active": False, "note": "retired"}, headers=admin
    )
    assert patched.status_code == 200
    assert patched.json()["active"] is False
    inactive = (await client.get(BASE, params={"active": "false"}, headers=admin)).json()
    assert [c["id"] for c in inactive["items"]] == [channel["id"]]

    deleted = await client.delete(f"{BASE}/{channel['id']}", headers=admin)
    assert deleted.status_code == 204
    assert (await client.get(f"{BASE}/{channel['id']}", headers=admin)).status_code == 404
    assert (await client.delete(f"{BASE}/{channel['id']}", headers=admin)).status_code == 404

    async with maker() as session:
        events = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.entity_id)
                .where(AuditEvent.entity == "official_channel")
                .order_by(AuditEvent.id)
            )
        ).all()
    assert [e.action for e in events] == ["created", "created", "updated", "deleted"]


async def test_duplicate_channel_is_409_and_changes_nothing(client, maker, clock):
    admin = await _admin(client, maker, clock)
    body = {"kind": "email", "value": "support@trustdesk.exchange"}
    assert (await client.post(BASE, json=body, headers=admin)).status_code == 201
    dup = await client.post(
        BASE, json={"kind": "email", "value": "SUPPORT@TrustDesk.Exchange"}, headers=admin
    )
    assert dup.status_code == 409
    assert dup.json()["error"] == "Conflict"
    assert "already in the register" in dup.json()["detail"]
    # The same handle on another platform is another channel.
    tg = {"kind": "handle", "value": "@trustdesk", "platform": "telegram"}
    assert (await client.post(BASE, json=tg, headers=admin)).status_code == 201
    x = {**tg, "platform": "x"}
    assert (await client.post(BASE, json=x, headers=admin)).status_code == 201
    assert (await client.post(BASE, json=x, headers=admin)).status_code == 409
    assert len((await client.get(BASE, headers=admin)).json()["items"]) == 3


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"kind": "email", "value": "not-an-address"}, "is not an e-mail address"),
        ({"kind": "phone", "value": "12"}, "is not a phone number"),
        ({"kind": "domain", "value": "localhost"}, "is not a domain"),
        ({"kind": "handle", "value": "@trustdesk"}, "needs its platform"),
        ({"kind": "handle", "value": "@trustdesk", "platform": "myspace"}, "unknown platform"),
        ({"kind": "domain", "value": "trustdesk.exchange", "platform": "x"}, "only applies"),
        ({"kind": "fax", "value": "123"}, "kind"),
    ],
)
async def test_invalid_channel_is_422_with_the_reason(client, maker, clock, body, reason):
    admin = await _admin(client, maker, clock)
    response = await client.post(BASE, json=body, headers=admin)
    assert response.status_code == 422
    assert reason in response.json()["detail"]
    assert (await client.get(BASE, headers=admin)).json()["items"] == []


async def test_update_to_an_invalid_or_taken_value_is_rejected(client, maker, clock):
    admin = await _admin(client, maker, clock)
    await _seed(maker, clock)
    items = (await client.get(BASE, headers=admin)).json()["items"]
    email = next(c for c in items if c["kind"] == "email")
    domain = next(c for c in items if c["value"] == "support.trustdesk.exchange")
    bad = await client.patch(f"{BASE}/{email['id']}", json={"value": "nope"}, headers=admin)
    assert bad.status_code == 422
    taken = await client.patch(
        f"{BASE}/{domain['id']}", json={"value": "trustdesk.exchange"}, headers=admin
    )
    assert taken.status_code == 409
    assert (await client.patch(f"{BASE}/999", json={"note": "x"}, headers=admin)).status_code == 404


async def test_demo_register_seed_is_idempotent(client, maker, clock):
    assert await _seed(maker, clock) == 6
    assert await _seed(maker, clock) == 0
    admin = await _admin(client, maker, clock)
    items = (await client.get(BASE, headers=admin)).json()["items"]
    assert {(c["kind"], c["value"], c["platform"]) for c in items} == {
        ("domain", "trustdesk.exchange", None),
        ("domain", "support.trustdesk.exchange", None),
        ("email", "support@trustdesk.exchange", None),
        ("phone", "+442079460958", None),
        ("handle", "trustdesk", "telegram"),
        ("handle", "trustdesk", "x"),
    }


async def _check(client, value, lang="en", **extra):
    response = await client.post(
        CHECK, json={"value": value, **extra}, headers={"Accept-Language": lang}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_public_check_official_channels_need_no_sign_in(client, maker, clock):
    await _seed(maker, clock)
    site = await _check(client, "https://support.trustdesk.exchange/hc/en")
    assert (site["verdict"], site["kind"], site["official"]) == ("official", "domain", True)
    assert site["channel"]["value"] == "support.trustdesk.exchange"
    assert site["reasons"] == []
    assert "one of our official channels" in site["summary"]
    assert "seed phrase" in site["advice"] and "2FA" in site["advice"]
    phone = await _check(client, "+44 (20) 7946-0958")
    assert (phone["verdict"], phone["kind"], phone["normalized"]) == (
        "official",
        "phone",
        "+442079460958",
    )
    handle = await _check(client, "@TrustDesk", platform="telegram")
    assert (handle["verdict"], handle["kind"]) == ("official", "handle")
    assert handle["channel"]["platform"] == "telegram"
    email = await _check(client, "support@trustdesk.exchange")
    assert email["verdict"] == "official" and email["channel"]["kind"] == "email"


async def test_public_check_homoglyph_lookalike_in_two_languages(client, maker, clock):
    await _seed(maker, clock)
    value = "https://trustd\u0435sk.exchange/login"  # Cyrillic е
    en = await _check(client, value)
    assert en["verdict"] == "lookalike" and en["official"] is False
    assert en["matched_official"] == "trustdesk.exchange"
    assert en["channel"]["value"] == "trustdesk.exchange"
    codes = [r["code"] for r in en["reasons"]]
    assert "homoglyph" in codes
    assert "NOT one of our official channels" in en["summary"]
    assert "look-alike characters" in en["reasons"][0]["text"]
    tr = await _check(client, value, lang="tr-TR,tr;q=0.9,en;q=0.5")
    assert tr["language"] == "tr"
    assert "resmî kanallarımızdan biri DEĞİLDİR" in tr["summary"]
    assert "2FA" in tr["advice"] and "Şifrenizi" in tr["advice"]
    zh = await _check(client, value, lang="zh-CN")
    assert zh["language"] == "zh-CN" and "不是我们的官方渠道" in zh["summary"]
    ar = await _check(client, value, lang="ar")
    assert "ليس من قنواتنا الرسمية" in ar["summary"]


async def test_public_check_other_tld_added_word_unknown_and_handle(client, maker, clock):
    await _seed(maker, clock)
    other = await _check(client, "trustdesk.com", lang="de")
    assert other["verdict"] == "lookalike"
    assert [r["code"] for r in other["reasons"]] == ["other_tld"]
    assert (
        other["reasons"][0]["text"] == "Er verwendet unseren Namen mit einer anderen Domain-Endung."
    )
    assert "KEIN offizieller Kanal" in other["summary"]
    verify = await _check(client, "trustdesk-verify.com", lang="es")
    assert verify["verdict"] == "lookalike"
    assert {"added_word", "other_tld"} <= {r["code"] for r in verify["reasons"]}
    unknown = await _check(client, "example.org", lang="fr")
    assert (unknown["verdict"], unknown["official"]) == ("unknown", False)
    assert unknown["reasons"][0]["code"] == "not_official"
    assert "n'est pas l'un de nos canaux officiels" in unknown["summary"]
    handle = await _check(client, "@trustdesk_support", lang="ru")
    assert (handle["verdict"], handle["kind"]) == ("lookalike", "handle")
    assert handle["matched_official"] == "@trustdesk"
    assert "НЕ является" in handle["summary"]
    phone = await _check(client, "+1 415 555 0100", lang="ja")
    assert (phone["verdict"], phone["kind"]) == ("unknown", "phone")
    assert "公式チャネルではありません" in phone["summary"]
    freemail = await _check(client, "trustdesk.help@gmail.com")
    assert freemail["verdict"] == "lookalike"
    assert freemail["reasons"][0]["code"] == "freemail"


async def test_public_check_invalid_value_and_bad_body(client, maker, clock):
    await _seed(maker, clock)
    invalid = await _check(client, "not a thing !!", lang="ko")
    assert invalid["verdict"] == "invalid"
    assert invalid["language"] == "ko" and "인식할 수 없습니다" in invalid["summary"]
    assert (await client.post(CHECK, json={})).status_code == 422
    assert (await client.post(CHECK, json={"value": ""})).status_code == 422
    assert (await client.post(CHECK, json={"value": "x.com", "extra": 1})).status_code == 422


async def test_every_language_has_every_message():
    from trustdesk.trust.messages import LANGUAGES, MESSAGES

    assert len(LANGUAGES) == 15
    keys = set(MESSAGES["en"])
    for language in LANGUAGES:
        assert set(MESSAGES[language]) == keys, language
        for key, text in MESSAGES[language].items():
            assert text.count("{value}") == MESSAGES["en"][key].count("{value}"), (language, key)
            assert text.count("{official}") == MESSAGES["en"][key].count("{official}")


async def test_register_changes_reach_the_check_through_the_cache(client, maker, clock):
    admin = await _admin(client, maker, clock)
    before = await _check(client, "status.trustdesk.io")
    assert before["verdict"] == "unknown"
    created = await client.post(
        BASE, json={"kind": "domain", "value": "status.trustdesk.io"}, headers=admin
    )
    assert created.status_code == 201
    builds = service.REGISTER_CACHE.builds
    after = await _check(client, "status.trustdesk.io")
    assert after["verdict"] == "official"
    again = await _check(client, "status.trustdesk.io")
    assert again["verdict"] == "official"
    # Built once for the new version, then served from the cache.
    assert service.REGISTER_CACHE.builds == builds + 1
    await client.patch(f"{BASE}/{created.json()['id']}", json={"active": False}, headers=admin)
    assert (await _check(client, "status.trustdesk.io"))["verdict"] == "unknown"
