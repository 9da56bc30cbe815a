"""The help center's fixed vocabulary: languages, categories and their localized names."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = (
    "en", "zh-CN", "zh-TW", "ja", "ko", "vi", "id", "tr",
    "ru", "uk", "es", "pt-BR", "fr", "de", "ar",
)  # fmt: skip
FALLBACK_LANGUAGE = "en"

CATEGORIES: tuple[str, ...] = (
    "account_verification",
    "trading",
    "deposit_withdrawal",
    "security_settings",
)

CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "account_verification": {
        "en": "Account verification", "zh-CN": "账户认证", "zh-TW": "帳戶驗證",
        "ja": "アカウント認証", "ko": "계정 인증", "vi": "Xác minh tài khoản",
        "id": "Verifikasi akun", "tr": "Hesap doğrulama", "ru": "Верификация аккаунта",
        "uk": "Верифікація акаунта", "es": "Verificación de cuenta",
        "pt-BR": "Verificação de conta", "fr": "Vérification du compte",
        "de": "Kontoverifizierung", "ar": "توثيق الحساب",
    },
    "trading": {
        "en": "Trading", "zh-CN": "交易", "zh-TW": "交易", "ja": "取引", "ko": "거래",
        "vi": "Giao dịch", "id": "Trading", "tr": "Alım satım", "ru": "Торговля",
        "uk": "Торгівля", "es": "Trading", "pt-BR": "Negociação", "fr": "Trading",
        "de": "Handel", "ar": "التداول",
    },
    "deposit_withdrawal": {
        "en": "Deposit & withdrawal", "zh-CN": "充值与提现", "zh-TW": "入金與提領",
        "ja": "入金・出金", "ko": "입금 및 출금", "vi": "Nạp và rút tiền",
        "id": "Deposit & penarikan", "tr": "Yatırma ve çekme", "ru": "Пополнение и вывод",
        "uk": "Поповнення та виведення", "es": "Depósitos y retiros",
        "pt-BR": "Depósitos e saques", "fr": "Dépôts et retraits",
        "de": "Ein- und Auszahlungen", "ar": "الإيداع والسحب",
    },
    "security_settings": {
        "en": "Security settings", "zh-CN": "安全设置", "zh-TW": "安全設定",
        "ja": "セキュリティ設定", "ko": "보안 설정", "vi": "Cài đặt bảo mật",
        "id": "Pengaturan keamanan", "tr": "Güvenlik ayarları", "ru": "Настройки безопасности",
        "uk": "Налаштування безпеки", "es": "Ajustes de seguridad",
        "pt-BR": "Configurações de segurança", "fr": "Paramètres de sécurité",
        "de": "Sicherheitseinstellungen", "ar": "إعدادات الأمان",
    },
}  # fmt: skip

_BY_LOWER = {code.lower(): code for code in LANGUAGES}
_BY_BASE = {"zh": "zh-CN", "pt": "pt-BR", "in": "id"}


def resolve_language(value: str | None) -> str | None:
    """A supported language code for `value` (zh-cn → zh-CN, zh_TW → zh-TW, pt → pt-BR)."""
    if not value:
        return None
    key = value.strip().replace("_", "-").lower()
    if key in _BY_LOWER:
        return _BY_LOWER[key]
    if key in ("zh-hk", "zh-mo", "zh-hant"):
        return "zh-TW"
    base = key.split("-", 1)[0]
    return _BY_LOWER.get(base) or _BY_BASE.get(base)


def category_name(category: str, language: str) -> str:
    names = CATEGORY_NAMES[category]
    return names.get(language) or names[FALLBACK_LANGUAGE]
