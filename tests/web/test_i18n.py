"""Every catalog translates every UI string, keeps its placeholders; Arabic is right-to-left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from trustdesk.triage.language import SUPPORTED_LANGUAGES
from trustdesk.web import i18n
from trustdesk.web.console import MACROS

SRC = Path(i18n.__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def ui_messages() -> set[str]:
    """Every string the pages translate: _("…") in templates and web.py, macros, labels."""
    found: set[str] = set()
    for path in (SRC / "templates" / "web").glob("*.html"):
        found.update(re.findall(r'_\("((?:[^"\\]|\\.)*)"', path.read_text()))
    code = (SRC / "web" / "web.py").read_text()
    found.update(re.findall(r'(?:gettext|\b_)\(\s*"((?:[^"\\]|\\.)*)"', code))
    found.update(text for _, text in MACROS)
    found.update(i18n.EXTRA_MESSAGES)
    return found


@pytest.mark.parametrize("language", [code for code in SUPPORTED_LANGUAGES if code != "en"])
def test_catalog_translates_every_ui_string(language):
    path = i18n.catalog_dir(language) / "messages.po"
    with path.open("rb") as fp:
        catalog = read_po(fp)
    translated = {m.id: m.string for m in catalog if m.id and m.string}
    missing = sorted(ui_messages() - set(translated))
    assert not missing, f"{language} lacks {missing}"
    for source, target in translated.items():
        assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target)), (
            f"{language}: placeholders differ in {source!r}"
        )


def test_fifteen_languages_with_native_names():
    assert set(i18n.NATIVE_NAMES) == set(SUPPORTED_LANGUAGES)
    assert len(SUPPORTED_LANGUAGES) == 15


def test_language_choice_order():
    assert i18n.choose_language(chosen="ja", profile="tr", accept_language="de") == "ja"
    assert i18n.choose_language(chosen=None, profile="tr", accept_language="de") == "tr"
    assert i18n.choose_language(chosen=None, profile=None, accept_language="pt-BR,pt;q=0.9") == (
        "pt-BR"
    )
    assert i18n.choose_language(chosen="xx", profile=None, accept_language="sw") == "en"


async def test_arabic_pages_are_right_to_left(client):
    response = await client.get("/app/signed-out", headers={"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "انتهت الجلسة" in response.text
    response = await client.get("/console/login", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="zh-CN" dir="ltr">' in response.text
    assert "客服登录" in response.text


async def test_customer_profile_language_wins_over_the_browser(client, customer_token):
    await client.get("/app", params={"token": customer_token("c1", lang="ar")})
    response = await client.get("/app/tickets", headers={"Accept-Language": "en"})
    assert 'dir="rtl"' in response.text
    await client.post("/app/language", data={"language": "ko", "back": "/app/tickets"})
    response = await client.get("/app/tickets")
    assert '<html lang="ko"' in response.text
