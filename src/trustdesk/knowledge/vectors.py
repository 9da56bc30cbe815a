"""Precomputed embeddings of the shipped demo articles, so the first search is fast.

Article vectors are keyed by the SHA-1 of the exact passage text that is embedded, so an
edited article simply misses the table and is encoded lazily at its first search. Regenerate
after changing the demo YAML:  python -m trustdesk.knowledge.vectors
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from trustdesk.assistant.intents.encoder import DIMENSION, ENCODER_NAME

FILE = "demo_vectors.json"


def passage_key(passage: str) -> str:
    return hashlib.sha1(passage.encode()).hexdigest()


@lru_cache(maxsize=1)
def shipped() -> dict[str, np.ndarray]:
    """sha1(passage) → float32 vector; empty when the file is absent or from another encoder."""
    path = resources.files("trustdesk.knowledge") / "articles" / FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    if data.get("encoder") != ENCODER_NAME:
        return {}
    out: dict[str, np.ndarray] = {}
    for key, blob in data["vectors"].items():
        vector = np.frombuffer(base64.b64decode(blob), dtype=np.float16).astype(np.float32)
        if vector.shape == (DIMENSION,):
            out[key] = vector / (np.linalg.norm(vector) or 1.0)
    return out


def main() -> None:
    from trustdesk.assistant.intents import encoder
    from trustdesk.knowledge.search import Document
    from trustdesk.knowledge.service import _passage, demo_documents

    passages = sorted(
        {
            _passage(
                Document(
                    id=0,
                    slug=d["slug"],
                    language=d["language"],
                    category=d["category"],
                    title=d["title"],
                    body=d["body"].strip(),
                )
            )
            for d in demo_documents()
        }
    )
    vectors = encoder.encode(passages, batch_size=16)
    payload = {
        "encoder": ENCODER_NAME,
        "vectors": {
            passage_key(p): base64.b64encode(v.astype(np.float16).tobytes()).decode()
            for p, v in zip(passages, vectors, strict=True)
        },
    }
    target = Path(__file__).parent / "articles" / FILE
    target.write_text(json.dumps(payload, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(passages)} vectors to {target}")


if __name__ == "__main__":
    main()
