"""Split the labelled claim-matching pairs into a tuning half and a held-out half.

Usage: python tests/data/matching/split.py PAIRS.jsonl [OUTPUT_DIR]

Stratified by kind and deterministic: within each kind the pairs are sorted by the
SHA-256 of their id (hex digest of the UTF-8 id), and the 1st, 3rd, 5th ... go to
tuning.jsonl, the 2nd, 4th, 6th ... to heldout.jsonl. Each output is sorted by id.
The input is validated first; any problem stops the split.
"""

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

KINDS = {
    "same": {
        "paraphrase",
        "synonym",
        "reordered",
        "passive",
        "reported",
        "number_format",
        "unit_equivalent",
        "date_resolved",
        "entity_variant",
        "abbreviated",
        "extra_attribution",
    },
    "opposite": {"negation", "direction"},
    "different": {"number", "unit", "date", "entity", "actor_swap", "scope", "topic"},
}
FIELDS = {"id", "a", "b", "a_published", "b_published", "language", "label", "kind"}


def validate(pairs: list[dict]) -> list[str]:
    errors = []
    seen = set()
    for n, pair in enumerate(pairs, 1):
        where = f"line {n} ({pair.get('id')})"
        if set(pair) != FIELDS:
            errors.append(f"{where}: fields {sorted(pair)}")
            continue
        if pair["id"] in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(pair["id"])
        if pair["label"] not in KINDS or pair["kind"] not in KINDS[pair["label"]]:
            errors.append(f"{where}: label/kind {pair['label']}/{pair['kind']}")
        if pair["language"] != "en":
            errors.append(f"{where}: language {pair['language']}")
        a, b = pair["a"], pair["b"]
        if not isinstance(a, str) or not isinstance(b, str) or not a.strip() or not b.strip():
            errors.append(f"{where}: empty text")
        elif a == b:
            errors.append(f"{where}: a == b")
        for key in ("a_published", "b_published"):
            value = pair[key]
            if value is not None and (not isinstance(value, str) or len(value) != 10):
                errors.append(f"{where}: {key} {value!r}")
    return errors


def _id_hash(pair: dict) -> str:
    return hashlib.sha256(pair["id"].encode("utf-8")).hexdigest()


def split(pairs: list[dict]) -> tuple[list[dict], list[dict]]:
    by_kind = defaultdict(list)
    for pair in pairs:
        by_kind[pair["kind"]].append(pair)
    tuning, heldout = [], []
    for kind in sorted(by_kind):
        ordered = sorted(by_kind[kind], key=_id_hash)
        for i, pair in enumerate(ordered):
            (tuning if i % 2 == 0 else heldout).append(pair)
    return sorted(tuning, key=lambda p: p["id"]), sorted(heldout, key=lambda p: p["id"])


def main(argv: list[str]) -> int:
    source = Path(argv[1])
    out_dir = Path(argv[2]) if len(argv) > 2 else source.parent
    lines = source.read_text(encoding="utf-8").splitlines()
    pairs = [json.loads(line) for line in lines if line.strip()]
    errors = validate(pairs)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    tuning, heldout = split(pairs)
    assert not {p["id"] for p in tuning} & {p["id"] for p in heldout}
    for name, half in (("tuning.jsonl", tuning), ("heldout.jsonl", heldout)):
        with open(out_dir / name, "w", encoding="utf-8") as f:
            for pair in half:
                f.write(json.dumps(pair, ensure_ascii=False) + "\n")
    print(f"{len(tuning)} tuning, {len(heldout)} held out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
