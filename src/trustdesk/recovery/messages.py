# ruff: noqa: E501  (one sentence per line reads and translates better than wrapped fragments)
"""Short customer-facing status messages for recovery cases, in the 15 supported languages.

Placeholders: {case} case number, {amount} {asset} what was sent, {fee} the recovery fee,
{net} what will be credited, {reason} the agent's customer-facing reason (kept as written).
"""

from __future__ import annotations

from decimal import Decimal

from trustdesk.models.recovery import RecoveryStatus

S = RecoveryStatus

SUBJECT: dict[str, str] = {
    "en": "Deposit recovery #{case}",
    "zh-CN": "充值找回 #{case}",
    "zh-TW": "充值找回 #{case}",
    "ja": "入金の復旧 #{case}",
    "ko": "입금 복구 #{case}",
    "vi": "Khôi phục khoản nạp #{case}",
    "id": "Pemulihan deposit #{case}",
    "tr": "Yatırma kurtarma #{case}",
    "ru": "Восстановление депозита #{case}",
    "uk": "Відновлення депозиту #{case}",
    "es": "Recuperación de depósito #{case}",
    "pt-BR": "Recuperação de depósito #{case}",
    "fr": "Récupération de dépôt #{case}",
    "de": "Einzahlungswiederherstellung #{case}",
    "ar": "استرداد الإيداع #{case}",
}

_T: dict[str, dict[RecoveryStatus, str]] = {
    "en": {
        S.intake_pending: "We opened recovery case #{case} for your {amount} {asset} deposit. Your funds are safe. Please answer the questions in the case so we can verify the transfer.",
        S.verifying: "Thank you. We are verifying that the sending wallet is yours.",
        S.awaiting_fee_acceptance: "Verification done. The recovery fee is {fee} {asset}; you will receive {net} {asset}. Please accept the fee to continue.",
        S.prepared: "Your recovery has been prepared and is waiting for a second approval.",
        S.approved: "Your recovery has been approved and will be credited shortly.",
        S.executed: "Done: {net} {asset} has been credited to your account.",
        S.rejected: "We could not recover this deposit: {reason}",
        S.reversed: "The credit for this recovery was reversed: {reason}. Reply here if you have questions.",
    },
    "zh-CN": {
        S.intake_pending: "我们已为您的 {amount} {asset} 充值创建找回工单 #{case}。您的资金是安全的。请回答工单中的问题，以便我们核实这笔转账。",
        S.verifying: "谢谢。我们正在核实发送钱包是否属于您。",
        S.awaiting_fee_acceptance: "核实完成。找回费用为 {fee} {asset}，您将收到 {net} {asset}。请确认接受费用以继续。",
        S.prepared: "您的找回已准备好，正在等待第二人审批。",
        S.approved: "您的找回已获批准，将很快入账。",
        S.executed: "已完成：{net} {asset} 已存入您的账户。",
        S.rejected: "我们无法找回这笔充值：{reason}",
        S.reversed: "此次找回的入账已被撤销：{reason}。如有疑问请在此回复。",
    },
    "zh-TW": {
        S.intake_pending: "我們已為您的 {amount} {asset} 充值建立找回案件 #{case}。您的資金是安全的。請回答案件中的問題，以便我們核實這筆轉帳。",
        S.verifying: "謝謝。我們正在核實發送錢包是否屬於您。",
        S.awaiting_fee_acceptance: "核實完成。找回費用為 {fee} {asset}，您將收到 {net} {asset}。請接受費用以繼續。",
        S.prepared: "您的找回已準備好，正在等待第二人審批。",
        S.approved: "您的找回已獲批准，將很快入帳。",
        S.executed: "已完成：{net} {asset} 已存入您的帳戶。",
        S.rejected: "我們無法找回這筆充值：{reason}",
        S.reversed: "此次找回的入帳已被撤銷：{reason}。如有疑問請在此回覆。",
    },
    "ja": {
        S.intake_pending: "{amount} {asset} の入金について復旧ケース #{case} を作成しました。資産は安全です。送金を確認するため、ケース内の質問にご回答ください。",
        S.verifying: "ありがとうございます。送金元ウォレットがお客様のものか確認しています。",
        S.awaiting_fee_acceptance: "確認が完了しました。復旧手数料は {fee} {asset} で、{net} {asset} が入金されます。続行するには手数料を承認してください。",
        S.prepared: "復旧の準備ができ、2人目の承認を待っています。",
        S.approved: "復旧が承認されました。まもなく入金されます。",
        S.executed: "完了：{net} {asset} をお客様のアカウントに入金しました。",
        S.rejected: "この入金は復旧できませんでした：{reason}",
        S.reversed: "この復旧の入金は取り消されました：{reason}。ご不明点はこちらに返信してください。",
    },
    "ko": {
        S.intake_pending: "{amount} {asset} 입금에 대한 복구 케이스 #{case}를 열었습니다. 자금은 안전합니다. 송금 확인을 위해 케이스의 질문에 답해 주세요.",
        S.verifying: "감사합니다. 보낸 지갑이 고객님 소유인지 확인하고 있습니다.",
        S.awaiting_fee_acceptance: "확인이 완료되었습니다. 복구 수수료는 {fee} {asset}이며 {net} {asset}을 받게 됩니다. 계속하려면 수수료에 동의해 주세요.",
        S.prepared: "복구가 준비되었으며 두 번째 승인을 기다리고 있습니다.",
        S.approved: "복구가 승인되었으며 곧 입금됩니다.",
        S.executed: "완료: {net} {asset}이 계정에 입금되었습니다.",
        S.rejected: "이 입금은 복구할 수 없습니다: {reason}",
        S.reversed: "이 복구 입금이 취소되었습니다: {reason}. 문의 사항은 여기에 답장해 주세요.",
    },
    "vi": {
        S.intake_pending: "Chúng tôi đã mở yêu cầu khôi phục #{case} cho khoản nạp {amount} {asset}. Tiền của bạn an toàn. Vui lòng trả lời các câu hỏi trong yêu cầu để chúng tôi xác minh giao dịch.",
        S.verifying: "Cảm ơn bạn. Chúng tôi đang xác minh ví gửi thuộc về bạn.",
        S.awaiting_fee_acceptance: "Đã xác minh xong. Phí khôi phục là {fee} {asset}; bạn sẽ nhận {net} {asset}. Vui lòng chấp nhận phí để tiếp tục.",
        S.prepared: "Yêu cầu khôi phục đã được chuẩn bị và đang chờ phê duyệt thứ hai.",
        S.approved: "Yêu cầu khôi phục đã được phê duyệt và sẽ sớm được ghi có.",
        S.executed: "Hoàn tất: {net} {asset} đã được ghi có vào tài khoản của bạn.",
        S.rejected: "Chúng tôi không thể khôi phục khoản nạp này: {reason}",
        S.reversed: "Khoản ghi có của yêu cầu khôi phục này đã bị hoàn lại: {reason}. Hãy trả lời tại đây nếu bạn có câu hỏi.",
    },
    "id": {
        S.intake_pending: "Kami membuka kasus pemulihan #{case} untuk deposit {amount} {asset} Anda. Dana Anda aman. Jawab pertanyaan di kasus ini agar kami dapat memverifikasi transfer.",
        S.verifying: "Terima kasih. Kami sedang memverifikasi bahwa dompet pengirim milik Anda.",
        S.awaiting_fee_acceptance: "Verifikasi selesai. Biaya pemulihan {fee} {asset}; Anda akan menerima {net} {asset}. Setujui biaya untuk melanjutkan.",
        S.prepared: "Pemulihan Anda telah disiapkan dan menunggu persetujuan kedua.",
        S.approved: "Pemulihan Anda disetujui dan akan segera dikreditkan.",
        S.executed: "Selesai: {net} {asset} telah dikreditkan ke akun Anda.",
        S.rejected: "Kami tidak dapat memulihkan deposit ini: {reason}",
        S.reversed: "Kredit pemulihan ini telah dibatalkan: {reason}. Balas di sini jika ada pertanyaan.",
    },
    "tr": {
        S.intake_pending: "{amount} {asset} yatırımınız için #{case} numaralı kurtarma talebini açtık. Fonlarınız güvende. Transferi doğrulayabilmemiz için talepteki soruları yanıtlayın.",
        S.verifying: "Teşekkürler. Gönderen cüzdanın size ait olduğunu doğruluyoruz.",
        S.awaiting_fee_acceptance: "Doğrulama tamamlandı. Kurtarma ücreti {fee} {asset}; hesabınıza {net} {asset} geçecek. Devam etmek için ücreti onaylayın.",
        S.prepared: "Kurtarma işleminiz hazırlandı ve ikinci onayı bekliyor.",
        S.approved: "Kurtarma işleminiz onaylandı ve kısa süre içinde hesabınıza geçecek.",
        S.executed: "Tamamlandı: {net} {asset} hesabınıza yatırıldı.",
        S.rejected: "Bu yatırımı kurtaramadık: {reason}",
        S.reversed: "Bu kurtarmanın alacak kaydı geri alındı: {reason}. Sorularınız için buradan yanıt verin.",
    },
    "ru": {
        S.intake_pending: "Мы открыли заявку на восстановление #{case} для вашего депозита {amount} {asset}. Ваши средства в безопасности. Ответьте на вопросы в заявке, чтобы мы могли проверить перевод.",
        S.verifying: "Спасибо. Мы проверяем, что кошелёк-отправитель принадлежит вам.",
        S.awaiting_fee_acceptance: "Проверка завершена. Комиссия за восстановление — {fee} {asset}; вы получите {net} {asset}. Подтвердите комиссию, чтобы продолжить.",
        S.prepared: "Восстановление подготовлено и ожидает второго одобрения.",
        S.approved: "Восстановление одобрено и скоро будет зачислено.",
        S.executed: "Готово: {net} {asset} зачислено на ваш счёт.",
        S.rejected: "Мы не смогли восстановить этот депозит: {reason}",
        S.reversed: "Зачисление по этому восстановлению отменено: {reason}. Если есть вопросы, ответьте здесь.",
    },
    "uk": {
        S.intake_pending: "Ми відкрили заявку на відновлення #{case} для вашого депозиту {amount} {asset}. Ваші кошти в безпеці. Дайте відповіді на запитання в заявці, щоб ми могли перевірити переказ.",
        S.verifying: "Дякуємо. Ми перевіряємо, що гаманець-відправник належить вам.",
        S.awaiting_fee_acceptance: "Перевірку завершено. Комісія за відновлення — {fee} {asset}; ви отримаєте {net} {asset}. Підтвердьте комісію, щоб продовжити.",
        S.prepared: "Відновлення підготовлено й очікує другого схвалення.",
        S.approved: "Відновлення схвалено, кошти незабаром буде зараховано.",
        S.executed: "Готово: {net} {asset} зараховано на ваш рахунок.",
        S.rejected: "Ми не змогли відновити цей депозит: {reason}",
        S.reversed: "Зарахування за цим відновленням скасовано: {reason}. Якщо маєте запитання, відповідайте тут.",
    },
    "es": {
        S.intake_pending: "Abrimos el caso de recuperación #{case} para tu depósito de {amount} {asset}. Tus fondos están seguros. Responde las preguntas del caso para que podamos verificar la transferencia.",
        S.verifying: "Gracias. Estamos verificando que la billetera de origen es tuya.",
        S.awaiting_fee_acceptance: "Verificación completada. La comisión de recuperación es {fee} {asset}; recibirás {net} {asset}. Acepta la comisión para continuar.",
        S.prepared: "Tu recuperación está preparada y espera una segunda aprobación.",
        S.approved: "Tu recuperación fue aprobada y se acreditará en breve.",
        S.executed: "Listo: se acreditaron {net} {asset} en tu cuenta.",
        S.rejected: "No pudimos recuperar este depósito: {reason}",
        S.reversed: "El abono de esta recuperación fue revertido: {reason}. Responde aquí si tienes preguntas.",
    },
    "pt-BR": {
        S.intake_pending: "Abrimos o caso de recuperação #{case} para o seu depósito de {amount} {asset}. Seus fundos estão seguros. Responda às perguntas do caso para verificarmos a transferência.",
        S.verifying: "Obrigado. Estamos verificando se a carteira de origem é sua.",
        S.awaiting_fee_acceptance: "Verificação concluída. A taxa de recuperação é {fee} {asset}; você receberá {net} {asset}. Aceite a taxa para continuar.",
        S.prepared: "Sua recuperação foi preparada e aguarda uma segunda aprovação.",
        S.approved: "Sua recuperação foi aprovada e será creditada em breve.",
        S.executed: "Concluído: {net} {asset} foram creditados na sua conta.",
        S.rejected: "Não foi possível recuperar este depósito: {reason}",
        S.reversed: "O crédito desta recuperação foi estornado: {reason}. Responda aqui se tiver dúvidas.",
    },
    "fr": {
        S.intake_pending: "Nous avons ouvert le dossier de récupération #{case} pour votre dépôt de {amount} {asset}. Vos fonds sont en sécurité. Répondez aux questions du dossier pour que nous vérifiions le transfert.",
        S.verifying: "Merci. Nous vérifions que le portefeuille d'envoi vous appartient.",
        S.awaiting_fee_acceptance: "Vérification terminée. Les frais de récupération sont de {fee} {asset} ; vous recevrez {net} {asset}. Acceptez les frais pour continuer.",
        S.prepared: "Votre récupération est préparée et attend une seconde validation.",
        S.approved: "Votre récupération est approuvée et sera créditée sous peu.",
        S.executed: "C'est fait : {net} {asset} ont été crédités sur votre compte.",
        S.rejected: "Nous n'avons pas pu récupérer ce dépôt : {reason}",
        S.reversed: "Le crédit de cette récupération a été annulé : {reason}. Répondez ici pour toute question.",
    },
    "de": {
        S.intake_pending: "Wir haben den Wiederherstellungsfall #{case} für Ihre Einzahlung von {amount} {asset} eröffnet. Ihr Guthaben ist sicher. Bitte beantworten Sie die Fragen im Fall, damit wir die Überweisung prüfen können.",
        S.verifying: "Danke. Wir prüfen, ob die sendende Wallet Ihnen gehört.",
        S.awaiting_fee_acceptance: "Prüfung abgeschlossen. Die Wiederherstellungsgebühr beträgt {fee} {asset}; Sie erhalten {net} {asset}. Bitte akzeptieren Sie die Gebühr, um fortzufahren.",
        S.prepared: "Ihre Wiederherstellung ist vorbereitet und wartet auf eine zweite Freigabe.",
        S.approved: "Ihre Wiederherstellung wurde freigegeben und wird in Kürze gutgeschrieben.",
        S.executed: "Erledigt: {net} {asset} wurden Ihrem Konto gutgeschrieben.",
        S.rejected: "Wir konnten diese Einzahlung nicht wiederherstellen: {reason}",
        S.reversed: "Die Gutschrift dieser Wiederherstellung wurde storniert: {reason}. Antworten Sie hier bei Fragen.",
    },
    "ar": {
        S.intake_pending: "فتحنا حالة الاسترداد رقم #{case} لإيداعك البالغ {amount} {asset}. أموالك في أمان. يرجى الإجابة عن الأسئلة في الحالة حتى نتحقق من التحويل.",
        S.verifying: "شكرًا لك. نتحقق الآن من أن المحفظة المرسِلة تعود إليك.",
        S.awaiting_fee_acceptance: "اكتمل التحقق. رسوم الاسترداد {fee} {asset}، وستستلم {net} {asset}. يرجى قبول الرسوم للمتابعة.",
        S.prepared: "تم تجهيز عملية الاسترداد وهي بانتظار موافقة ثانية.",
        S.approved: "تمت الموافقة على الاسترداد وسيُضاف المبلغ قريبًا.",
        S.executed: "تم: أُضيف {net} {asset} إلى حسابك.",
        S.rejected: "تعذّر علينا استرداد هذا الإيداع: {reason}",
        S.reversed: "تم إلغاء قيد هذا الاسترداد: {reason}. ردّ هنا إن كانت لديك أسئلة.",
    },
}

LANGUAGES = tuple(_T)


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "0"
    text = format(value.normalize(), "f")
    return text


def status_message(
    language: str,
    status: RecoveryStatus,
    *,
    case: int,
    asset: str | None,
    amount: Decimal,
    fee: Decimal,
    reason: str | None = None,
) -> str:
    """The public ticket message for a status change, in `language` (English if unsupported)."""
    templates = _T.get(language, _T["en"])
    return templates[status].format(
        case=case,
        asset=asset or "",
        amount=_plain(amount),
        fee=_plain(fee),
        net=_plain(max(amount - fee, Decimal(0))),
        reason=(reason or "").strip(),
    )


def subject(language: str, case: int) -> str:
    return SUBJECT.get(language, SUBJECT["en"]).format(case=case)


# The intake questions of `recovery_rules.manual_intake_questions`, by code, per language
# (English comes from the rules themselves).
INTAKE_PROMPTS: dict[str, dict[str, str]] = {
    "source_wallet_ownership": {
        "zh-CN": "证明您控制发送钱包：发送平台上提现记录的截图，或用发送地址签名的消息。",
        "zh-TW": "證明您控制發送錢包：發送平台上提現紀錄的截圖，或以發送地址簽署的訊息。",
        "ja": "送金元ウォレットを管理している証明：送金元プラットフォームの出金記録のスクリーンショット、または送金元アドレスで署名したメッセージ。",
        "ko": "보낸 지갑을 관리한다는 증빙: 보낸 플랫폼의 출금 기록 스크린샷 또는 보낸 주소로 서명한 메시지.",
        "vi": "Bằng chứng bạn kiểm soát ví gửi: ảnh chụp lịch sử rút tiền trên nền tảng gửi, hoặc một tin nhắn được ký bằng địa chỉ gửi.",
        "id": "Bukti bahwa Anda mengendalikan dompet pengirim: tangkapan layar riwayat penarikan di platform pengirim, atau pesan yang ditandatangani dengan alamat pengirim.",
        "tr": "Gönderen cüzdanı kontrol ettiğinizin kanıtı: gönderen platformdaki çekim kaydının ekran görüntüsü veya gönderen adresle imzalanmış bir mesaj.",
        "ru": "Подтверждение, что вы управляете кошельком-отправителем: скриншот записи о выводе на платформе-отправителе или сообщение, подписанное адресом отправителя.",
        "uk": "Підтвердження, що ви керуєте гаманцем-відправником: знімок екрана запису про виведення на платформі-відправнику або повідомлення, підписане адресою відправника.",
        "es": "Prueba de que controlas la billetera de origen: una captura del registro de retiro en la plataforma de origen o un mensaje firmado con la dirección de origen.",
        "pt-BR": "Prova de que você controla a carteira de origem: uma captura do registro de saque na plataforma de origem ou uma mensagem assinada com o endereço de origem.",
        "fr": "Preuve que vous contrôlez le portefeuille d'envoi : une capture du retrait sur la plateforme d'envoi, ou un message signé avec l'adresse d'envoi.",
        "de": "Nachweis, dass Sie die sendende Wallet kontrollieren: ein Screenshot der Auszahlung auf der sendenden Plattform oder eine mit der Absenderadresse signierte Nachricht.",
        "ar": "إثبات أنك تتحكم في المحفظة المرسِلة: لقطة شاشة لسجل السحب على المنصة المرسِلة، أو رسالة موقّعة بعنوان الإرسال.",
    },
    "source_platform": {
        "zh-CN": "是从其他交易所（哪一家）还是从您自己的钱包发送的？",
        "zh-TW": "是從其他交易所（哪一家）還是從您自己的錢包發送的？",
        "ja": "他の取引所（どこか）から送金しましたか、それともご自身のウォレットからですか？",
        "ko": "다른 거래소(어느 곳)에서 보냈나요, 아니면 본인 지갑에서 보냈나요?",
        "vi": "Bạn gửi từ một sàn khác (sàn nào) hay từ ví của chính bạn?",
        "id": "Apakah dikirim dari bursa lain (yang mana) atau dari dompet Anda sendiri?",
        "tr": "Başka bir borsadan mı (hangisi) yoksa kendi cüzdanınızdan mı gönderildi?",
        "ru": "Перевод отправлен с другой биржи (какой) или с вашего собственного кошелька?",
        "uk": "Переказ надіслано з іншої біржі (якої) чи з вашого власного гаманця?",
        "es": "¿Se envió desde otro exchange (¿cuál?) o desde tu propia billetera?",
        "pt-BR": "Foi enviado de outra corretora (qual?) ou da sua própria carteira?",
        "fr": "L'envoi vient-il d'une autre plateforme (laquelle) ou de votre propre portefeuille ?",
        "de": "Wurde von einer anderen Börse (welcher) oder aus Ihrer eigenen Wallet gesendet?",
        "ar": "هل أُرسل التحويل من منصة تداول أخرى (أيّها) أم من محفظتك الخاصة؟",
    },
    "txid": {
        "zh-CN": "这笔转账的交易 ID（TxID / 哈希）。",
        "zh-TW": "這筆轉帳的交易 ID（TxID / 雜湊）。",
        "ja": "送金のトランザクションID（TxID / ハッシュ）。",
        "ko": "송금의 트랜잭션 ID(TxID / 해시).",
        "vi": "Mã giao dịch (TxID / hash) của lần chuyển.",
        "id": "ID transaksi (TxID / hash) dari transfer tersebut.",
        "tr": "Transferin işlem kimliği (TxID / hash).",
        "ru": "Идентификатор транзакции (TxID / хеш) перевода.",
        "uk": "Ідентифікатор транзакції (TxID / хеш) переказу.",
        "es": "El ID de transacción (TxID / hash) de la transferencia.",
        "pt-BR": "O ID da transação (TxID / hash) da transferência.",
        "fr": "L'identifiant de transaction (TxID / hash) du transfert.",
        "de": "Die Transaktions-ID (TxID / Hash) der Überweisung.",
        "ar": "معرّف المعاملة (TxID / الهاش) الخاص بالتحويل.",
    },
}


def intake_prompt(language: str, code: str, english: str) -> str:
    """The intake question in `language`; the rules' English text where none is written."""
    return INTAKE_PROMPTS.get(code, {}).get(language, english)
