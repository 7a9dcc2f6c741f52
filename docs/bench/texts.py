"""Writes the texts both engines are timed on: the questions of docs/eval/questions-own.jsonl
(as staff type them) and the sections of the sample guidance (split at its headings)."""
import glob
import json
import re
import sys


def sections(path):
    text = open(path, encoding="utf-8").read()
    if text.startswith("+++"):
        text = text.split("+++", 2)[2]
    parts = re.split(r"^#{1,3} ", text, flags=re.M)
    return [p.strip() for p in parts if len(p.strip()) > 40]


def main():
    queries = [json.loads(l)["q"] for l in open("docs/eval/questions-own.jsonl", encoding="utf-8") if l.strip()]
    passages = [s for f in sorted(glob.glob("config/guidance/*.md")) for s in sections(f)]
    json.dump({"queries": queries, "passages": passages}, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)


if __name__ == "__main__":
    main()
