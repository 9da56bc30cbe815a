"""Risk: anti-phishing look-alike detection and official-channel verification."""

from trustdesk.risk.brands import DEFAULT_BRANDS, Brand, brands_named
from trustdesk.risk.channels import (
    ChannelKind,
    ChannelRegister,
    ChannelVerdict,
    OfficialChannel,
    Reason,
    Verdict,
)
from trustdesk.risk.lookalike import check_channel, check_domain, find_lookalikes_in_text

__all__ = [
    "DEFAULT_BRANDS",
    "Brand",
    "ChannelKind",
    "ChannelRegister",
    "ChannelVerdict",
    "OfficialChannel",
    "Reason",
    "Verdict",
    "brands_named",
    "check_channel",
    "check_domain",
    "find_lookalikes_in_text",
]
