"""Print recall@1/@3 and latency of help-center search, BM25 alone vs hybrid with embeddings.

Run: python -m tests.knowledge.bench_search   (no database: the shipped demo articles)
"""

from __future__ import annotations

import time

from tests.knowledge.queries import FALLBACK_QUERIES, PARAPHRASE, QUERIES
from trustdesk.knowledge import search
from trustdesk.knowledge.service import demo_documents, dense_scores


def demo_index() -> search.Bm25Index:
    docs = [
        search.Document(
            id=i + 1,
            slug=d["slug"],
            language=d["language"],
            category=d["category"],
            title=d["title"],
            body=d["body"].strip(),
            tags=tuple(str(t) for t in d.get("tags", [])),
        )
        for i, d in enumerate(demo_documents())
    ]
    return search.Bm25Index(docs)


def evaluate(index: search.Bm25Index, dense: search.DenseScorer | None) -> dict[str, float]:
    at1 = at3 = para3 = para_n = fb = 0
    misses = []
    times = []
    for language, query, slug, kind in QUERIES:
        start = time.perf_counter()
        ranked = search.rank(index, query, language, limit=3, dense=dense)
        times.append(time.perf_counter() - start)
        slugs = [r.doc.slug for r in ranked]
        at1 += bool(slugs) and slugs[0] == slug
        at3 += slug in slugs
        if kind == PARAPHRASE:
            para_n += 1
            para3 += slug in slugs
        if slug not in slugs:
            misses.append((language, query, slug, slugs))
    for language, query, slug in FALLBACK_QUERIES:
        ranked = search.rank(index, query, language, limit=3, dense=dense)
        fb += bool(ranked) and ranked[0].fallback and slug in [r.doc.slug for r in ranked]
    times.sort()
    n = len(QUERIES)
    for miss in misses:
        print("   miss", miss)
    return {
        "recall@1": at1 / n,
        "recall@3": at3 / n,
        "paraphrase recall@3": para3 / para_n,
        "fallback found": fb / len(FALLBACK_QUERIES),
        "p50 ms": 1000 * times[n // 2],
        "p95 ms": 1000 * times[int(n * 0.95)],
    }


def main() -> None:
    index = demo_index()
    print(f"{len(QUERIES)} queries, {len(index.languages())} languages")
    print("BM25   ", evaluate(index, None))
    dense_scores("warm up", index.documents("en"))  # load the model once
    for lang in index.languages():
        dense_scores("warm up", index.documents(lang))  # article vectors, as a warm process has
    print("hybrid ", evaluate(index, dense_scores))


if __name__ == "__main__":
    main()
