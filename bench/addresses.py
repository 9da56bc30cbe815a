"""Classify every address test vector and print accuracy per chain and validations per second.

Usage: python bench/addresses.py [--vectors PATH] [--repeat N]

The last line is one JSON object with the figures, for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from trustdesk.exchange.addresses import AddressCheck, check_bech32_string, validate_address

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VECTORS = REPO_ROOT / ".." / "shared" / "data" / "addresses" / "vectors.json"

# Vector chain name -> validator family.
FAMILIES = {
    "bitcoin": "bitcoin",
    "ethereum": "evm",
    "tron": "tron",
    "xrp": "xrp",
    "solana": "solana",
}


def classify(row: dict[str, Any]) -> AddressCheck:
    """Run the validator the row's chain calls for. `network: any` on a valid row means valid on
    some network; on an invalid row, invalid on all: both are answered by network_kind="any"."""
    chain = row["chain"]
    if chain in ("bech32", "bech32m"):
        return check_bech32_string(row["address"], chain)
    network = row.get("network") or "mainnet"
    return validate_address(FAMILIES[chain], row["address"], network_kind=network)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    parser.add_argument("--repeat", type=int, default=20, help="passes for the speed figure")
    args = parser.parse_args(argv)

    rows: list[dict[str, Any]] = json.loads(args.vectors.read_text(encoding="utf-8"))
    total: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    mismatches: list[dict[str, Any]] = []
    for row in rows:
        check = classify(row)
        total[row["chain"]] += 1
        if check.valid == row["valid"]:
            correct[row["chain"]] += 1
        else:
            mismatches.append(
                {
                    "chain": row["chain"],
                    "network": row.get("network"),
                    "address": row["address"],
                    "expected": row["valid"],
                    "got": check.valid,
                    "reason": check.reason,
                    "note": row.get("note"),
                }
            )

    start = time.perf_counter()
    for _ in range(args.repeat):
        for row in rows:
            classify(row)
    elapsed = time.perf_counter() - start
    per_second = len(rows) * args.repeat / elapsed

    print(f"{'chain':<10} {'correct':>8} {'total':>6} {'accuracy':>9}")
    per_chain: dict[str, float] = {}
    for chain in sorted(total):
        per_chain[chain] = round(100 * correct[chain] / total[chain], 2)
        print(f"{chain:<10} {correct[chain]:>8} {total[chain]:>6} {per_chain[chain]:>8.2f}%")
    overall = round(100 * sum(correct.values()) / len(rows), 2)
    print(f"{'overall':<10} {sum(correct.values()):>8} {len(rows):>6} {overall:>8.2f}%")
    print(f"mismatches: {len(mismatches)}")
    for m in mismatches:
        print(f"  {json.dumps(m, ensure_ascii=True)}")
    print(
        f"validations per second: {per_second:,.0f} ({len(rows) * args.repeat} in {elapsed:.3f}s)"
    )
    print(
        json.dumps(
            {
                "vectors": len(rows),
                "correct": sum(correct.values()),
                "accuracy_pct": overall,
                "accuracy_by_chain_pct": per_chain,
                "mismatches": len(mismatches),
                "validations_per_second": round(per_second),
            }
        )
    )
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
