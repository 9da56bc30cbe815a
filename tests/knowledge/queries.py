"""A small labelled query set for the help-center search: (language, query, expected slug).

Queries are written the way customers type: short, informal, often without the article's
words. Those marked PARAPHRASE share no content word with the expected article's title.
"""

from __future__ import annotations

PARAPHRASE = "paraphrase"
QUERIES: list[tuple[str, str, str, str]] = [
    # (language, query, expected slug, kind)
    ("en", "my deposit is not showing in my account", "deposit-not-credited", "lexical"),
    ("en", "sent USDT on the wrong network", "deposit-not-credited", "lexical"),
    ("en", "forgot the memo when sending XRP", "deposit-not-credited", "lexical"),
    ("en", "coins I transferred in never arrived", "deposit-not-credited", PARAPHRASE),
    ("en", "withdrawal stuck under review", "withdrawal-pending", "lexical"),
    ("en", "lost my phone with google authenticator", "reset-2fa-account-locked", PARAPHRASE),
    ("en", "how much do you charge per trade", "trading-fees", PARAPHRASE),
    ("en", "someone messaged me claiming to be support", "official-channels-phishing", PARAPHRASE),
    ("en", "identity check still waiting", "kyc-verification-status", PARAPHRASE),
    ("en", "difference between limit and market order", "spot-order-types", "lexical"),
    ("zh-CN", "充值没到账", "deposit-not-credited", "lexical"),
    ("zh-CN", "转币转错链了", "deposit-not-credited", PARAPHRASE),
    ("zh-CN", "提现一直在审核", "withdrawal-pending", "lexical"),
    ("zh-CN", "手机丢了谷歌验证器登不上", "reset-2fa-account-locked", "lexical"),
    ("zh-CN", "手续费是多少", "trading-fees", "lexical"),
    ("zh-CN", "有人冒充客服找我要验证码", "official-channels-phishing", "lexical"),
    ("ja", "入金が反映されない", "deposit-not-credited", "lexical"),
    ("ja", "出金が保留されている", "withdrawal-pending", "lexical"),
    ("ja", "認証アプリの機種変更をしたらログインできない", "reset-2fa-account-locked", "lexical"),
    ("ja", "本人確認はいつ終わりますか", "kyc-verification-status", "lexical"),
    ("ja", "サポートを名乗る人から連絡が来た", "official-channels-phishing", "lexical"),
    ("ar", "لم يصل الإيداع إلى حسابي", "deposit-not-credited", "lexical"),
    ("ar", "السحب معلق منذ ساعات", "withdrawal-pending", "lexical"),
    ("ar", "فقدت هاتفي ولا أستطيع الدخول", "reset-2fa-account-locked", PARAPHRASE),
    ("ar", "كم الرسوم على التداول", "trading-fees", "lexical"),
    ("ar", "رسالة مشبوهة تطلب كلمة المرور", "official-channels-phishing", PARAPHRASE),
    ("tr", "yatırdığım para hesaba geçmedi", "deposit-not-credited", "lexical"),
    ("tr", "USDT'yi yanlış ağdan gönderdim", "deposit-not-credited", "lexical"),
    ("tr", "çekim işlemim beklemede", "withdrawal-pending", "lexical"),
    ("tr", "İKİ ADIMLI DOĞRULAMA telefonum kayboldu", "reset-2fa-account-locked", "lexical"),
    ("tr", "komisyon oranları ne kadar", "trading-fees", "lexical"),
    ("ru", "не пришёл депозит", "deposit-not-credited", "lexical"),
    ("ru", "вывод завис на проверке", "withdrawal-pending", "lexical"),
    ("ru", "потерял телефон с аутентификатором", "reset-2fa-account-locked", "lexical"),
    ("ru", "сколько стоит торговля", "trading-fees", PARAPHRASE),
    ("ru", "мне написал фейковый саппорт", "official-channels-phishing", PARAPHRASE),
    ("es", "mi depósito no aparece", "deposit-not-credited", "lexical"),
    ("es", "el retiro sigue pendiente", "withdrawal-pending", "lexical"),
    ("es", "cambié de móvil y no tengo el autenticador", "reset-2fa-account-locked", "lexical"),
    ("es", "cuánto cobran por operar", "trading-fees", PARAPHRASE),
    ("ko", "입금이 안 들어왔어요", "deposit-not-credited", "lexical"),
    ("ko", "출금이 보류됐어요", "withdrawal-pending", "lexical"),
    ("ko", "본인 인증 심사 얼마나 걸려요", "kyc-verification-status", "lexical"),
    ("de", "Einzahlung kommt nicht an", "deposit-not-credited", "lexical"),
    ("de", "Auszahlung hängt in Prüfung", "withdrawal-pending", "lexical"),
    ("de", "Handy verloren, kann mich nicht anmelden", "reset-2fa-account-locked", "lexical"),
    ("vi", "nap tien chua ve", "deposit-not-credited", "lexical"),
    ("vi", "rút tiền bị treo", "withdrawal-pending", PARAPHRASE),
    ("vi", "phí giao dịch bao nhiêu", "trading-fees", "lexical"),
]

# Queries in a language whose articles do not cover the topic: the English article is expected,
# flagged as a fallback.
FALLBACK_QUERIES: list[tuple[str, str, str]] = [
    ("ja", "指値注文と成行注文の違い", "spot-order-types"),
    ("ru", "как сменить электронную почту аккаунта", "change-email-or-phone"),
    ("de", "Was ist eine Stop-Limit-Order", "spot-order-types"),
    ("es", "mi orden limitada no se ejecuta", "order-not-filled"),
    ("fr", "quels documents sont acceptés, passeport ou permis", "kyc-accepted-documents"),
]
