import pytest

from trustdesk.triage.priority import (
    Priority,
    Queue,
    Tier,
    assess_priority,
    detect_security_keywords,
)

# "My account was hacked / someone withdrew my funds" in each of the 15 languages.
SECURITY_MESSAGES = {
    "en": "Someone logged into my account and withdrew everything",
    "zh-CN": "我的账号被盗了，资产被转走了",
    "zh-TW": "我的帳號被盜了，有人登入我的帳戶",
    "ja": "アカウントが乗っ取られました。身に覚えのない出金があります",
    "ko": "누군가 제 계정에 로그인해서 무단 출금했어요",
    "vi": "Tài khoản của tôi bị hack, có giao dịch trái phép",
    "id": "Akun saya diretas dan ada penarikan tanpa izin",
    "tr": "Hesabım hacklendi, bu çekimi ben yapmadım",
    "ru": "Мой аккаунт взломали, я не выводил эти деньги",
    "uk": "Мій акаунт зламали, я не робив виведення",
    "es": "Me hackearon la cuenta, yo no hice este retiro",
    "pt-BR": "Minha conta foi hackeada, não reconheço esse saque",
    "fr": "Mon compte a été piraté, je n'ai pas fait ce retrait",
    "de": "Mein Konto wurde gehackt, ich habe diese Auszahlung nicht getätigt",
    "ar": "تم اختراق حسابي، لم أقم بهذا السحب",
}


@pytest.mark.parametrize(("language", "text"), SECURITY_MESSAGES.items())
def test_security_words_in_every_language_are_p1(language, text):
    result = assess_priority(text, vip_level=0)
    assert result.priority == "P1"
    assert result.security
    assert result.queue == "security"
    assert detect_security_keywords(text)


@pytest.mark.parametrize(
    "text",
    [
        "I got SCAMMED by a fake support agent",
        "Is this a phishing site?",
        "I think I was a victim of a SIM swap",
        "Sim-swapping attack, they took over my account",
        "I didn’t make this withdrawal",  # curly apostrophe
        "I didnt make this withdrawal",
        "unauthorised withdrawal from my wallet",
    ],
)
def test_english_security_variants(text):
    assert assess_priority(text, vip_level=0).security


@pytest.mark.parametrize(
    "text", ["HESABIM ÇALINDI", "hesabim calindi", "Hesabım çalındı", "HESABİM ÇALINDI"]
)
def test_turkish_dotted_and_dotless_i(text):
    assert detect_security_keywords(text) == ["hesabım çalındı"]


def test_accents_and_fullwidth_are_folded():
    assert detect_security_keywords("mon compte a été PIRATE") == ["piraté"]
    assert detect_security_keywords("ＨＡＣＫＥＤ") == ["hacked"]


def test_latin_terms_need_word_boundaries():
    # "scam" must not fire inside "scampi"; "theft" not inside "thefts-r-us" prefixes etc.
    assert detect_security_keywords("I ordered scampi") == []
    assert detect_security_keywords("deposit via Stolenberg bank") == []
    assert detect_security_keywords("Мой аккаунт взломан") == ["взлом*"]


def test_cjk_terms_match_as_substrings():
    assert detect_security_keywords("昨天我的账户被盗了") == ["被盗"]
    assert detect_security_keywords("계정해킹당했어요") == ["해킹"]


def test_keywords_are_listed_once_in_order():
    assert detect_security_keywords("hacked! hacked! then phishing") == ["hacked", "phishing"]


@pytest.mark.parametrize(
    "text",
    [
        "My deposit hasn't arrived after 2 hours",
        "withdrawal pending since yesterday",
        "我的充值还没到账",
        "입금이 아직 안 들어왔어요",
        "Мой депозит не зачислен",
        "Meu depósito não caiu",
        "Meine Einzahlung ist nicht angekommen",
    ],
)
def test_money_stuck_is_p2(text):
    result = assess_priority(text, vip_level=0)
    assert result.priority == "P2"
    assert not result.security
    assert result.queue == "tier1"


def test_wrong_network_and_missing_memo_go_to_tier2():
    for text in ["I sent USDT on the wrong network", "I forgot the memo for my XRP deposit"]:
        result = assess_priority(text, vip_level=0)
        assert result.priority == "P2"
        assert result.tier == "tier2"
        assert result.queue == "tier2"


def test_generic_question_is_p3():
    result = assess_priority("How do I change my nickname?", vip_level=0)
    assert result.priority == Priority.P3
    assert result.tier == Tier.TIER1
    assert result.queue == Queue.TIER1


def test_feedback_is_p4():
    assert assess_priority("I have a suggestion for the app", vip_level=0).priority == "P4"
    assert assess_priority("Danke für die schnelle Hilfe!", vip_level=0).priority == "P4"


def test_thanks_does_not_hide_a_stuck_deposit():
    assert assess_priority("Thanks, but my deposit hasn't arrived", vip_level=0).priority == "P2"


def test_vip_raises_one_level_and_goes_to_vip_desk():
    result = assess_priority("How do I change my nickname?", vip_level=2)
    assert result.priority == "P2"
    assert result.tier == "vip"
    assert result.queue == "vip"
    assert any("VIP" in reason for reason in result.reasons)
    assert assess_priority("My deposit hasn't arrived", vip_level=1).priority == "P1"
    assert assess_priority("Great app, thanks", vip_level=1).priority == "P3"


def test_vip_security_case_stays_p1_in_security_queue():
    result = assess_priority("my account was hacked", vip_level=3)
    assert result.priority == "P1"
    assert result.security
    assert result.tier == "vip"
    assert result.queue == "security"


@pytest.mark.parametrize(
    ("intent", "priority", "queue"),
    [
        ("account_compromised", "P1", "security"),
        ("phishing_check", "P1", "security"),
        ("deposit_not_credited", "P2", "tier1"),
        ("withdrawal_pending", "P2", "tier1"),
        ("wrong_network", "P2", "tier2"),
        ("missing_memo", "P2", "tier2"),
        ("account_locked", "P2", "tier1"),
        ("reset_2fa", "P2", "tier1"),
        ("p2p_dispute", "P2", "tier2"),
        ("api_trouble", "P3", "tier2"),
        ("kyc_status", "P3", "tier1"),
        ("fees", "P3", "tier1"),
        ("talk_to_human", "P3", "tier1"),
        ("greeting", "P3", "tier1"),
        ("card_or_fiat_payment", "P3", "tier1"),
        ("trading_question", "P3", "tier1"),
        ("other", "P3", "tier1"),
        ("thanks", "P4", "tier1"),
        ("something_new", "P3", "tier1"),
    ],
)
def test_intents(intent, priority, queue):
    result = assess_priority("hello", vip_level=0, intent=intent)
    assert (result.priority, result.queue) == (priority, queue)
    assert any(intent in reason for reason in result.reasons)


def test_text_can_outrank_the_intent():
    result = assess_priority("someone logged into my account", vip_level=0, intent="fees")
    assert result.priority == "P1"
    assert result.security


def test_api_trouble_names_engineering():
    result = assess_priority("The API returns invalid signature on every order", vip_level=0)
    assert result.tier == "tier2"
    assert result.queue == "tier2"
    assert "department: engineering" in result.reasons


def test_police_request_names_legal():
    result = assess_priority("The police asked for my account statement", vip_level=0)
    assert result.priority == "P2"
    assert result.queue == "tier2"
    assert "department: legal" in result.reasons
    assert "department: legal" in assess_priority("我要报警", vip_level=0).reasons


def test_p2p_dispute_is_tier2():
    result = assess_priority("The seller didn't release my USDT, I opened an appeal", vip_level=0)
    assert (result.priority, result.tier) == ("P2", "tier2")


def test_social_channel_is_never_p4():
    assert assess_priority("thanks", vip_level=0, channel="social").priority == "P3"
    assert assess_priority("thanks", vip_level=0, channel="chat").priority == "P4"
