"""Look-alike detector on the crypto phishing / benign domain lists.

    python bench/phishing.py [--data /work/shared/data/phishing] [--misses 25]

Recall is measured on the phishing hosts (full host names), the false-positive rate on the
popular benign domains. The protected brands are the ones the phishing set targets (its `brand`
column): their names and official domains come from trustdesk.risk.brands; no domain of the data
set is used by the detector. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

from trustdesk.risk import (
    DEFAULT_BRANDS,
    ChannelKind,
    ChannelRegister,
    OfficialChannel,
    Verdict,
    brands_named,
    check_domain,
)

console = Console(stderr=True)


def load_phishing(data: Path) -> list[dict[str, str]]:
    with (data / "crypto_phishing_domains.tsv").open(newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load_benign(data: Path) -> list[str]:
    # The .txt copy holds the Majestic ranks instead of the domains, so read the .tsv.
    with (data / "benign_domains.tsv").open(newline="") as f:
        return [row["domain"] for row in csv.DictReader(f, delimiter="\t")]


def register_for(brand_names: set[str], *, all_brands: bool = False) -> ChannelRegister:
    brands = DEFAULT_BRANDS if all_brands else brands_named(brand_names)
    channels = [OfficialChannel(ChannelKind.DOMAIN, d) for b in brands for d in b.domains]
    return ChannelRegister.of(channels, brands)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/phishing"))
    parser.add_argument("--misses", type=int, default=25, help="how many misses/FPs to print")
    args = parser.parse_args()

    phishing = load_phishing(args.data)
    benign = load_benign(args.data)
    targeted = {row["brand"] for row in phishing}
    unknown = targeted - {b.name for b in DEFAULT_BRANDS}
    if unknown:
        console.print(f"[yellow]brands of the data set missing from the brand list: {unknown}")
    register = register_for(targeted)
    _ = register.index  # build once, outside the timing

    started = time.perf_counter()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    by_match: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: Counter[str] = Counter()
    misses: list[dict[str, str]] = []
    for row in track(phishing, description="phishing", console=console):
        verdict = check_domain(row["domain"], register)
        caught = verdict.verdict is Verdict.LOOKALIKE
        totals[row["brand"]] += 1
        by_match[row["match"]]["total"] += 1
        if caught:
            hits[row["brand"]] += 1
            by_match[row["match"]]["hit"] += 1
            reasons.update(str(r) for r in verdict.reasons)
        else:
            misses.append(row | {"verdict": verdict.verdict.value})

    false_positives = []
    benign_official = 0
    for domain in track(benign, description="benign", console=console):
        verdict = check_domain(domain, register)
        if verdict.verdict is Verdict.LOOKALIKE:
            false_positives.append((domain, verdict.brand, verdict.reasons))
        elif verdict.verdict is Verdict.OFFICIAL:
            benign_official += 1
    elapsed = time.perf_counter() - started

    # The same benign list against every brand the product ships, as deployed.
    full = register_for(targeted, all_brands=True)
    fp_all_brands = [d for d in benign if check_domain(d, full).verdict is Verdict.LOOKALIKE]

    out = Console(width=120)
    table = Table(title="recall per brand")
    for col in ("brand", "hosts", "caught", "recall"):
        table.add_column(col, justify="right" if col != "brand" else "left")
    for brand, total in totals.most_common():
        table.add_row(brand, str(total), str(hits[brand]), f"{hits[brand] / total:.1%}")
    out.print(table)
    table = Table(title="recall per match type (data set's label)")
    for col in ("match", "hosts", "caught", "recall"):
        table.add_column(col)
    for match, c in sorted(by_match.items()):
        table.add_row(match, str(c["total"]), str(c["hit"]), f"{c['hit'] / c['total']:.1%}")
    out.print(table)
    out.print("reasons on caught hosts:", dict(reasons.most_common()))
    sample = random.Random(7).sample(misses, min(args.misses, len(misses)))
    out.print(f"\n[bold]misses[/bold] ({len(misses)}), sample:")
    for row in sample:
        out.print(f"  {row['domain']:45} {row['brand']:14} {row['match']:10} {row['matched_text']}")
    out.print(f"\n[bold]false positives[/bold] ({len(false_positives)}):")
    for domain, brand, why in false_positives[: args.misses]:
        out.print(f"  {domain:45} {brand:14} {','.join(why)}")
    out.print(
        f"\nwith all {len(DEFAULT_BRANDS)} shipped brands: {len(fp_all_brands)} benign flagged "
        f"{fp_all_brands[: args.misses]}"
    )

    caught = sum(hits.values())
    result = {
        "recall": round(caught / len(phishing), 4),
        "fp_rate": round(len(false_positives) / len(benign), 4),
        "counts": {
            "phishing": len(phishing),
            "caught": caught,
            "missed": len(misses),
            "benign": len(benign),
            "false_positives": len(false_positives),
            "benign_official": benign_official,
            "brands": len(targeted),
            "fp_all_shipped_brands": len(fp_all_brands),
        },
        "throughput": round((len(phishing) + len(benign)) / elapsed, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
