"""Demo staff, customers and tickets across the 15 languages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.agents import service as agents
from trustdesk.agents.schemas import AgentCreate
from trustdesk.auth.customer_tokens import CustomerClaims
from trustdesk.auth.service import resolve_customer
from trustdesk.exchange.sandbox.store import load_demo_sandbox
from trustdesk.knowledge.service import load_demo_articles
from trustdesk.models import Agent, Ticket
from trustdesk.models.agent import AgentRole, Presence
from trustdesk.models.ticket import Channel, TicketStatus
from trustdesk.tickets import service as tickets
from trustdesk.tickets.schemas import TicketCreate
from trustdesk.trust.chainfile import load_demo_chain
from trustdesk.trust.service import load_demo_channels

DEMO_PASSWORD = "demo-password"
DOMAIN = "demo.trustdesk.dev"

# (handle, name, role, languages, queues, topics, presence)
StaffRow = tuple[str, str, AgentRole, list[str], list[str], list[str], str]
STAFF: tuple[StaffRow, ...] = (
    ("admin", "Ada Admin", AgentRole.admin, ["en"], ["tier1"], [], Presence.offline),
    ("lead", "Leyla Demir", AgentRole.lead, ["en", "tr", "de"], ["tier1", "tier2"], [], "online"),
    ("mei", "Mei Chen", AgentRole.agent, ["zh-CN", "zh-TW", "en"], ["tier1"], [], "online"),
    ("kenji", "Kenji Sato", AgentRole.agent, ["ja", "ko", "en"], ["tier1"], [], "online"),
    ("emre", "Emre Yilmaz", AgentRole.agent, ["tr", "en", "ar"], ["tier1"], [], "online"),
    ("olga", "Olga Ivanova", AgentRole.agent, ["ru", "uk", "en"], ["tier1"], [], "away"),
    ("lucia", "Lucía Gómez", AgentRole.agent, ["es", "pt-BR", "en"], ["tier1"], [], "online"),
    ("linh", "Linh Nguyen", AgentRole.agent, ["vi", "id", "en"], ["tier1"], [], "offline"),
    ("sophie", "Sophie Martin", AgentRole.agent, ["fr", "de", "en"], ["tier1"], [], "online"),
    (
        "omar",
        "Omar Haddad",
        AgentRole.agent,
        ["ar", "en", "fr"],
        ["tier2"],
        ["wrong_network", "missing_memo", "api_trouble"],
        "online",
    ),
    ("vivian", "Vivian Park", AgentRole.agent, ["en", "ko", "zh-CN"], ["vip"], [], "online"),
    ("sam", "Sam Okafor", AgentRole.security, ["en", "de"], ["security"], [], "online"),
    ("eng", "Erik Larsen", AgentRole.agent, ["en"], ["engineering"], ["api_trouble"], "offline"),
    ("legal", "Laura Rossi", AgentRole.agent, ["en", "fr"], ["legal"], [], "offline"),
    ("qa", "Quinn Adams", AgentRole.qa, ["en"], [], [], "offline"),
)

# (external id, name, language, vip, kyc, subject, body, final status)
CASES = (
    (
        "u-1001",
        "Ahmet Kaya",
        "tr",
        0,
        2,
        "Param yatmadı",
        "3 saat önce USDT yatırdım ama hesabıma geçmedi. Lütfen yardım edin.",
        "new",
    ),
    (
        "u-1002",
        "王伟",
        "zh-CN",
        0,
        2,
        "充值未到账",
        "我两个小时前充值了 0.5 ETH，到现在还没有到账，请帮我查一下。",
        "open",
    ),
    (
        "u-1003",
        "林美玲",
        "zh-TW",
        2,
        3,
        "提幣一直在處理中",
        "我的提幣申請已經處理了一天，還沒有到帳，請問是什麼原因？",
        "open",
    ),
    (
        "u-1004",
        "佐藤 花子",
        "ja",
        0,
        1,
        "本人確認が終わりません",
        "KYCの書類を提出しましたが、三日経っても審査中のままです。",
        "pending_customer",
    ),
    (
        "u-1005",
        "김민준",
        "ko",
        0,
        2,
        "2단계 인증 재설정",
        "휴대폰을 잃어버려서 OTP 인증을 할 수 없습니다. 2FA를 재설정하고 싶어요.",
        "open",
    ),
    (
        "u-1006",
        "Nguyễn Văn An",
        "vi",
        0,
        2,
        "Nạp tiền chưa về",
        "Tôi đã nạp BTC từ sáng nhưng đến giờ vẫn chưa thấy vào tài khoản.",
        "resolved",
    ),
    (
        "u-1007",
        "Budi Santoso",
        "id",
        0,
        1,
        "Biaya penarikan",
        "Berapa biaya penarikan USDT lewat jaringan TRC20? Kenapa mahal sekali?",
        "resolved",
    ),
    (
        "u-1008",
        "Иван Петров",
        "ru",
        0,
        2,
        "Аккаунт заблокирован",
        "Мой аккаунт заблокирован после смены пароля, я не могу войти.",
        "on_hold",
    ),
    (
        "u-1009",
        "Олена Коваленко",
        "uk",
        0,
        2,
        "Депозит не зараховано",
        "Я надіслала USDT через неправильну мережу. Чи можна повернути кошти?",
        "new",
    ),
    (
        "u-1010",
        "Carlos Ruiz",
        "es",
        0,
        2,
        "Me hackearon la cuenta",
        "Alguien entró a mi cuenta y hay un retiro que yo no hice. ¡Ayuda urgente!",
        "new",
    ),
    (
        "u-1011",
        "Ana Souza",
        "pt-BR",
        0,
        2,
        "Depósito sem memo",
        "Enviei XRP sem a tag de destino. Como recupero meu depósito?",
        "open",
    ),
    (
        "u-1012",
        "Camille Durand",
        "fr",
        3,
        3,
        "Retrait en attente",
        "Mon retrait de 2 BTC est en attente depuis ce matin, c'est urgent.",
        "open",
    ),
    (
        "u-1013",
        "Jonas Weber",
        "de",
        0,
        2,
        "API-Schlüssel funktioniert nicht",
        "Meine API-Aufrufe geben seit gestern den Fehler -2015 zurück.",
        "new",
    ),
    (
        "u-1014",
        "محمد العلي",
        "ar",
        0,
        1,
        "لم يصل الإيداع",
        "قمت بإيداع USDT قبل ساعتين ولم يصل إلى حسابي حتى الآن.",
        "new",
    ),
    (
        "u-1015",
        "Emily Johnson",
        "en",
        5,
        3,
        "Is this email from you?",
        "I got an email from binance-support-verify.com asking me to confirm my wallet. "
        "Is it real?",
        "new",
    ),
    (
        "u-1016",
        "Michael Brown",
        "en",
        0,
        2,
        "Deposit not credited",
        "My ETH deposit from this morning still shows pending. Where is it?",
        "closed",
    ),
)


async def load_demo(session: AsyncSession, *, now: datetime) -> dict[str, int]:
    """Load the demo set once; a second call finds it and does nothing."""
    existing = await session.execute(select(func.count()).select_from(Agent))
    if existing.scalar_one() > 0:
        return {"agents": 0, "tickets": 0}
    # The sandbox exchange holds the demo customers' deposits and withdrawals, so every
    # diagnosis can be tried on them; the help center, the official-channel register and a
    # sample theft to trace come with it.
    await load_demo_sandbox(session, now)
    await load_demo_articles(session, now)
    await load_demo_channels(session, now)
    await load_demo_chain(session, now)
    staff: dict[str, Agent] = {}
    for handle, name, role, languages, queues, topics, presence in STAFF:
        agent = await agents.create_agent(
            session,
            AgentCreate(
                email=f"{handle}@{DOMAIN}",
                name=name,
                password=DEMO_PASSWORD,
                role=role,
                languages=languages,
                queues=queues,
                topics=topics,
                capacity=8,
                ui_language=languages[0],
            ),
            actor=None,
            now=now,
        )
        agent.presence = Presence(presence)
        staff[handle] = agent
    await session.flush()
    created = 0
    for i, (ext, name, lang, vip, kyc, subject, body, final) in enumerate(CASES):
        at = now - timedelta(minutes=5 * (len(CASES) - i))
        customer = await resolve_customer(
            session,
            CustomerClaims(
                external_id=ext,
                email=f"{ext}@example.com",
                phone=None,
                name=name,
                language=lang,
                vip_level=vip,
                kyc_level=kyc,
            ),
        )
        ticket = await tickets.create_ticket(
            session,
            customer,
            TicketCreate(subject=subject, body=body, channel=Channel.chat),
            now=at,
            actor=customer,
        )
        created += 1
        await _play(session, ticket, TicketStatus(final), staff, at=at)
    return {"agents": len(staff), "tickets": created}


async def _play(
    session: AsyncSession,
    ticket: Ticket,
    final: TicketStatus,
    staff: dict[str, Agent],
    *,
    at: datetime,
) -> None:
    """Move a demo ticket along its life so the desk shows every state."""
    if final == TicketStatus.new:
        return
    agent = await session.get(Agent, ticket.assignee_id) if ticket.assignee_id else None
    agent = agent or staff["lead"]
    reply_at = at + timedelta(minutes=2)
    replies = {
        TicketStatus.pending_customer: (
            "Could you upload a clearer photo of your ID? The last one was blurred."
        ),
        TicketStatus.on_hold: "We are checking this with the security team.",
    }
    await tickets.add_agent_message(
        session,
        ticket,
        agent,
        replies.get(final, "Thanks for waiting — I am looking into this now."),
        internal=False,
        status=final if final != TicketStatus.closed else TicketStatus.resolved,
        now=reply_at,
    )
    if final == TicketStatus.closed:
        await tickets.add_agent_message(
            session,
            ticket,
            agent,
            "Closing after confirmation.",
            internal=True,
            status=TicketStatus.closed,
            now=reply_at + timedelta(minutes=1),
        )
