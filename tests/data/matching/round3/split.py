"""Split the third set of labelled claim-matching pairs into a tuning half and a held-out half.

Usage: python tests/data/matching/round3/split.py PAIRS.jsonl [OUTPUT_DIR]

Stratified by kind, random with a fixed seed, deterministic:

1. group the pairs by `kind`;
2. within each kind, sort the pairs by `id`, then shuffle them with
   `random.Random(f"{SEED}:{kind}")` (a string seed, so the result does not depend on
   PYTHONHASHSEED, the platform or the order of the input lines);
3. the first ceil(n / 2) shuffled pairs of the kind go to `tuning.jsonl`, the rest to
   `heldout.jsonl` (a kind with an odd count has one more pair in tuning);
4. write each half sorted by `id` (default OUTPUT_DIR: this file's directory).

The input is validated first (one JSON object a line, the fields, ids `t0001`-style and
unique, label and kind from the lists, language `en`, non-empty texts with a != b, ISO
publication days with b_published >= a_published, no duplicated pair); any problem stops
the split. Standard library only.
"""

import datetime
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

# The labels, kinds and fields of every round: the first round's split script defines them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from split import FIELDS, KINDS  # noqa: E402

SEED = "claim-matching-round3"

ID_RE = re.compile(r"^t\d{4}$")


def _day(value):
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def validate(pairs: list) -> list:
    errors = []
    seen_ids = set()
    seen_pairs = set()
    for n, pair in enumerate(pairs, 1):
        if not isinstance(pair, dict):
            errors.append(f"line {n}: not a JSON object")
            continue
        where = f"line {n} ({pair.get('id')})"
        if set(pair) != FIELDS:
            errors.append(f"{where}: fields {sorted(pair)}")
            continue
        if not isinstance(pair["id"], str) or not ID_RE.match(pair["id"]):
            errors.append(f"{where}: id must look like t0001")
        elif pair["id"] in seen_ids:
            errors.append(f"{where}: duplicate id")
        seen_ids.add(pair["id"])
        if pair["label"] not in KINDS or pair["kind"] not in KINDS[pair["label"]]:
            errors.append(f"{where}: label/kind {pair['label']}/{pair['kind']}")
        if pair["language"] != "en":
            errors.append(f"{where}: language {pair['language']!r}")
        a, b = pair["a"], pair["b"]
        if not isinstance(a, str) or not isinstance(b, str) or not a.strip() or not b.strip():
            errors.append(f"{where}: empty text")
        elif a == b:
            errors.append(f"{where}: a == b")
        a_day, b_day = _day(pair["a_published"]), _day(pair["b_published"])
        if a_day is None or b_day is None:
            errors.append(
                f"{where}: publication days {pair['a_published']!r}, {pair['b_published']!r}"
            )
        elif b_day < a_day:
            errors.append(f"{where}: b_published before a_published")
        key = (a, b, pair["a_published"], pair["b_published"])
        if key in seen_pairs:
            errors.append(f"{where}: duplicated pair")
        seen_pairs.add(key)
    return errors


def split(pairs: list) -> tuple:
    by_kind = defaultdict(list)
    for pair in pairs:
        by_kind[pair["kind"]].append(pair)
    tuning, heldout = [], []
    for kind in sorted(by_kind):
        group = sorted(by_kind[kind], key=lambda p: p["id"])
        random.Random(f"{SEED}:{kind}").shuffle(group)
        cut = (len(group) + 1) // 2
        tuning.extend(group[:cut])
        heldout.extend(group[cut:])
    return sorted(tuning, key=lambda p: p["id"]), sorted(heldout, key=lambda p: p["id"])


def main(argv: list) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[1])
    out_dir = Path(argv[2]) if len(argv) > 2 else Path(__file__).resolve().parent
    pairs = []
    for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            pairs.append(json.loads(line))
        except json.JSONDecodeError as exc:
            print(f"line {n}: {exc}", file=sys.stderr)
            return 1
    errors = validate(pairs)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    tuning, heldout = split(pairs)
    assert not {p["id"] for p in tuning} & {p["id"] for p in heldout}
    assert len(tuning) + len(heldout) == len(pairs)
    for name, half in (("tuning.jsonl", tuning), ("heldout.jsonl", heldout)):
        with open(out_dir / name, "w", encoding="utf-8") as f:
            for pair in half:
                f.write(json.dumps(pair, ensure_ascii=False) + "\n")
    print(f"{len(tuning)} tuning, {len(heldout)} held out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
