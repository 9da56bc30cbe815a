import pytest

from trustdesk.triage.sentiment import SentimentLabel, assess_sentiment


def test_neutral_question():
    result = assess_sentiment("How do I change my nickname?", "en")
    assert result.label == SentimentLabel.NEUTRAL
    assert not result.angry
    assert not result.anxious


def test_shouting_and_waiting_is_angry():
    result = assess_sentiment("WHERE IS MY MONEY??? I have been waiting for 3 days!!!", "en")
    assert result.label == "negative"
    assert result.angry
    assert "shouting" in result.signals
    assert "waiting:3 days" in result.signals


def test_tickers_in_capitals_are_not_shouting():
    result = assess_sentiment("I sent 20 USDT via TRC20, KYC is done", "en")
    assert "shouting" not in result.signals
    assert result.label == "neutral"


def test_threat_of_lawyer_is_angry():
    result = assess_sentiment("Worst exchange ever, a scam, my lawyer will hear of it", "en")
    assert result.label == "negative"
    assert result.angry
    assert result.score <= -0.5


def test_worried_customer_is_anxious():
    result = assess_sentiment("I'm so worried, all my savings are there, please help", "en")
    assert result.anxious
    assert result.label == "negative"


def test_negated_positive_is_negative():
    assert assess_sentiment("I'm not happy with your service", "en").label == "negative"
    assert assess_sentiment("Je ne suis pas satisfait", "fr").label == "negative"
    # The longer negative phrase hides the positive word inside it.
    assert assess_sentiment("非常不满意", "zh-CN").label == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Thank you so much, it works now!", "en"),
        ("非常感谢，问题解决了", "zh-CN"),
        ("非常感謝，問題解決了", "zh-TW"),
        ("ありがとうございます、助かりました", "ja"),
        ("감사합니다, 해결됐어요", "ko"),
        ("Cảm ơn bạn, tuyệt vời", "vi"),
        ("Terima kasih, sudah beres", "id"),
        ("Teşekkürler, çözüldü", "tr"),
        ("Спасибо, всё отлично", "ru"),
        ("Дякую, все вирішено", "uk"),
        ("Muchas gracias, resuelto", "es"),
        ("Obrigado, resolvido!", "pt-BR"),
        ("Merci, c'est parfait", "fr"),
        ("Vielen Dank, super Service!", "de"),
        ("شكرا جزيلا، ممتاز", "ar"),
    ],
)
def test_positive_in_every_language(text, language):
    assert assess_sentiment(text, language).label == "positive"


@pytest.mark.parametrize(
    ("text", "language", "angry", "anxious"),
    [
        ("充值三天了还没到账，你们是骗子平台吗？？？", "zh-CN", True, True),
        ("Мои деньги не пришли уже 3 дня, это безобразие!!!", "ru", True, False),
        ("Estoy muy preocupada, por favor ayúdenme", "es", False, True),
        ("Rezalet! 3 gündür bekliyorum", "tr", True, False),
        ("진짜 최악이네요 답변이 없어요", "ko", False, False),
        ("Saya sangat khawatir, tolong bantu", "id", False, True),
        ("C'est une arnaque, je vais porter plainte", "fr", True, False),
        ("Das ist eine Frechheit, ich warte seit Tagen", "de", True, False),
        ("أنا قلق جدا، أرجوكم ساعدوني", "ar", False, True),
        ("Isso é um golpe, vou no Procon", "pt-BR", True, False),
    ],
)
def test_negative_in_several_languages(text, language, angry, anxious):
    result = assess_sentiment(text, language)
    assert result.label == "negative", result.signals
    assert result.angry is angry
    assert result.anxious is anxious


def test_urgency_sets_anxious():
    result = assess_sentiment("送金が届いていません。至急確認してください", "ja")
    assert result.anxious


def test_unknown_language_uses_every_lexicon():
    assert assess_sentiment("Спасибо, всё отлично", None).label == "positive"
    assert assess_sentiment("Спасибо, всё отлично", "nl").label == "positive"


def test_score_is_clipped():
    text = "worst terrible useless scam lawyer police fuck angry furious!!! " * 5
    result = assess_sentiment(text, "en")
    assert result.score == -1.0
