#!/usr/bin/env python3
"""Writes two variants of a question file (JSON lines, as `lots eval` reads them), for the
robustness figures in docs/BENCHMARKS.md:

  QUESTIONS.plain.jsonl  every å, ä, ö (and é) typed as a, a, o (e), as on a phone or a
                         foreign keyboard;
  QUESTIONS.typo.jsonl   one slip in the longest word of at least seven letters: two
                         neighbouring letters swapped, one dropped or one doubled (seeded, so
                         the same file gives the same slips).

usage: python3 docs/eval/variants.py QUESTIONS.jsonl OUT_DIR
"""
import json
import random
import re
import sys
from pathlib import Path

PLAIN = str.maketrans("åäöÅÄÖé", "aaoAAOe")


def with_slip(question: str, rng: random.Random) -> str:
    words = [w for w in re.findall(r"\w+", question) if len(w) >= 7 and not w.isdigit()]
    if not words:
        return question
    word = max(words, key=len)
    i = rng.randrange(2, len(word) - 3)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        slipped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == "drop":
        slipped = word[:i] + word[i + 1 :]
    else:
        slipped = word[:i] + word[i] + word[i:]
    return question.replace(word, slipped, 1)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    if not out_dir.is_dir():
        sys.exit(f"{out_dir}: no such folder; create it first (nothing was written)")
    rng = random.Random(7)
    lines = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            question = json.loads(line)
            question["q"]
        except (ValueError, KeyError, TypeError) as e:
            sys.exit(f"{source}:{number}: not a question line ({e!r}); nothing was written")
        lines.append(question)
    for name, change in [("plain", lambda q: q.translate(PLAIN)), ("typo", lambda q: with_slip(q, rng))]:
        out = out_dir / f"{source.stem}.{name}.jsonl"
        with out.open("w", encoding="utf-8") as f:
            for question in lines:
                f.write(json.dumps({**question, "q": change(question["q"])}, ensure_ascii=False) + "\n")
        print(out)


if __name__ == "__main__":
    main()
