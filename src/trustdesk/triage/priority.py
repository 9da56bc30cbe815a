"""Priority, tier and queue for an incoming ticket or chat message.

The rules are data (`priority_rules.yaml`, loaded once): keyword lists in the 15 languages and
an intent table, each pointing to a category with a priority, queue and tier. The strongest
category found in the text or given by the intent wins; security always wins.

Queues "engineering" and "legal" are escalation targets, not triage targets: triage routes API
and legal cases to "tier2" and names the department in the reasons ("department: legal") so
that the tier 2 specialist or the routing rules can escalate with the context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from trustdesk.triage._text import TermMatcher, lexicon_terms, load_data


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class Tier(StrEnum):
    TIER1 = "tier1"
    TIER2 = "tier2"
    VIP = "vip"


class Queue(StrEnum):
    TIER1 = "tier1"
    TIER2 = "tier2"
    VIP = "vip"
    SECURITY = "security"
    ENGINEERING = "engineering"
    LEGAL = "legal"


@dataclass(frozen=True, slots=True)
class PriorityAssessment:
    """Result of `assess_priority`. Enum fields compare equal to their strings ("P1")."""

    priority: Priority
    reasons: list[str] = field(default_factory=list)
    security: bool = False
    tier: Tier = Tier.TIER1
    queue: Queue = Queue.TIER1


@dataclass(frozen=True, slots=True)
class _Category:
    name: str
    priority: Priority
    queue: Queue
    tier: Tier
    security: bool
    department: str | None


@dataclass(frozen=True, slots=True)
class _Rules:
    categories: dict[str, _Category]
    intents: dict[str, str]
    matcher: TermMatcher
    security_matcher: TermMatcher


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data: dict[str, Any] = dict(load_data("priority_rules.yaml"))
    categories = {
        name: _Category(
            name=name,
            priority=Priority(spec["priority"]),
            queue=Queue(spec["queue"]),
            tier=Tier(spec["tier"]),
            security=bool(spec.get("security", False)),
            department=spec.get("department"),
        )
        for name, spec in data["categories"].items()
    }
    intents = {str(k): str(v) for k, v in data["intents"].items()}
    unknown = ({*intents.values(), *data["terms"]}) - categories.keys()
    if unknown:
        raise ValueError(f"priority_rules.yaml: unknown categories {sorted(unknown)}")
    terms = lexicon_terms(data["terms"])
    return _Rules(
        categories=categories,
        intents=intents,
        matcher=TermMatcher(terms),
        security_matcher=TermMatcher(t for t in terms if categories[t[1]].security),
    )


def detect_security_keywords(text: str) -> list[str]:
    """Security terms (hacked, stolen, phishing, SIM swap... in any of the 15 languages) in text.

    Returns the lexicon terms as written in `priority_rules.yaml`, in order of appearance,
    without duplicates.
    """
    seen: dict[str, None] = {}
    for match in _rules().security_matcher.find(text):
        seen.setdefault(match.term, None)
    return list(seen)


def _raise(priority: Priority) -> Priority:
    order = list(Priority)
    return order[max(0, order.index(priority) - 1)]


def assess_priority(
    text: str,
    *,
    vip_level: int,
    intent: str | None = None,
    channel: str | None = None,
) -> PriorityAssessment:
    """Triage a message: priority P1..P4, whether it is a security case, tier and queue.

    - security words or intent (account_compromised, phishing_check) → P1, queue "security";
    - money stuck, locked out, P2P dispute, recovery, legal/police → P2;
    - generic questions → P3; feedback and thanks → P4;
    - VIP (vip_level ≥ 1) raises the priority one level (never above P1) and routes to the VIP
      desk (tier "vip", queue "vip"), except that security cases stay in the security queue;
    - a public channel ("social") is never P4: an unanswered public complaint costs more.
    """
    rules = _rules()
    reasons: list[str] = []
    hits: dict[str, list[str]] = {}
    for match in rules.matcher.find(text):
        terms = hits.setdefault(match.category, [])
        if match.term not in terms:
            terms.append(match.term)

    chosen: list[_Category] = []
    if intent:
        category = rules.categories[rules.intents.get(intent, "general")]
        chosen.append(category)
        reasons.append(f"intent {intent} → {category.name}")
    for name, terms in hits.items():
        chosen.append(rules.categories[name])
        reasons.append(f"{name} keywords: {', '.join(terms)}")
    if not chosen:
        chosen.append(rules.categories["general"])
        reasons.append("no specific signal → general question")

    # Strongest category first; among equals, specialist (tier2) topics before tier1 ones.
    ranked = sorted(
        chosen,
        key=lambda c: (not c.security, list(Priority).index(c.priority), c.tier != Tier.TIER2),
    )
    top = ranked[0]
    priority = top.priority
    security = top.security
    tier = Tier.TIER2 if any(c.tier == Tier.TIER2 for c in chosen) else top.tier
    queue = top.queue if security else (Queue.TIER2 if tier == Tier.TIER2 else top.queue)
    for department in dict.fromkeys(c.department for c in chosen if c.department):
        reasons.append(f"department: {department}")

    if channel == "social" and priority == Priority.P4:
        priority = Priority.P3
        reasons.append("public channel (social): not below P3")

    if vip_level >= 1:
        raised = _raise(priority)
        if raised != priority:
            reasons.append(f"VIP level {vip_level}: {priority} → {raised}")
        else:
            reasons.append(f"VIP level {vip_level}")
        priority = raised
        tier = Tier.VIP
        if not security:
            queue = Queue.VIP

    return PriorityAssessment(
        priority=priority, reasons=reasons, security=security, tier=tier, queue=queue
    )
