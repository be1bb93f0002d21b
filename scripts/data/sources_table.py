#!/usr/bin/env python3
"""Summarise a data layout's SOURCES.tsv as a markdown table for a model card: one row per package, version and
licence, with how many files went to training and to validation.

usage: sources_table.py SOURCES.tsv [COLUMN=VALUE ...]
  images: sources_table.py /work/data/images/SOURCES.tsv mode=grey
  speech: sources_table.py /work/data/speech/SOURCES.tsv     (rate= is the source's rate, not the layout's)
Columns it reads: package, licence, split; version and kind (images) or the file's folder (speech) when present.
"""
import collections
import csv
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    filters = dict(a.split("=", 1) for a in sys.argv[2:])
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    groups = collections.OrderedDict()
    for r in rows:
        if any(r.get(k) != v for k, v in filters.items()):
            continue
        kind = r.get("kind") or ""
        if not kind and "/" in r.get("file", ""):
            kind = r["file"].split("/")[1]  # speech layout: train/speech/..., val/noise/...
        key = (r["package"], r.get("version", ""), r["licence"])
        g = groups.setdefault(key, {"train": 0, "val": 0, "kinds": set()})
        split = r["split"]
        g["val" if split.startswith("val") else "train"] += 1
        if kind:
            g["kinds"].add(kind)
    print("| package | version | kind | train files | validation files | licence |")
    print("|---|---|---|---:|---:|---|")
    for (pkg, ver, lic), g in sorted(groups.items()):
        print(f"| {pkg} | {ver or '-'} | {', '.join(sorted(g['kinds'])) or '-'} | {g['train']} | {g['val']} | {lic} |")
    total_t = sum(g["train"] for g in groups.values())
    total_v = sum(g["val"] for g in groups.values())
    print(f"| **all** | | | **{total_t}** | **{total_v}** | |")


if __name__ == "__main__":
    main()
