#!/usr/bin/env python3
"""Turns scripts/bench's runs.jsonl into the markdown table: medians over repetitions, ratios."""
import json
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
memory = None
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    record = json.loads(line)
    if record["row"] == "memory":
        memory = record
    else:
        rows[record["row"]].append(record)


def median(row, key):
    values = [r[key] for r in rows.get(row, []) if key in r]
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


print("| row | bizcached req/s | p50 µs | p99 µs | p99.9 µs | other | other req/s | other p99 µs | ratio req/s | ratio p99 |")
print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|")
for c, p in [(1, 1), (50, 1), (50, 16)]:
    ours = f"hit C={c} P={p} bizcached"
    for other in ["redis", "memcached", "redis-benchmark"]:
        theirs = f"hit C={c} P={p} {other}" if other != "redis-benchmark" else f"sanity C={c} P={p} redis-benchmark"
        print(f"| hit C={c} P={p} | {fmt(median(ours, 'requests_per_s'))} | {fmt(median(ours, 'p50_us'), 1)} "
              f"| {fmt(median(ours, 'p99_us'), 1)} | {fmt(median(ours, 'p999_us'), 1)} | {other} "
              f"| {fmt(median(theirs, 'requests_per_s'))} | {fmt(median(theirs, 'p99_us'), 1)} "
              f"| {ratio(median(ours, 'requests_per_s'), median(theirs, 'requests_per_s'))} "
              f"| {ratio(median(ours, 'p99_us'), median(theirs, 'p99_us'))} |")
for tier, other in [("redis tier", "redis"), ("postgres tier", "pgbench")]:
    ours = f"{tier} C=50 P=1 bizcached"
    theirs = f"{tier} C=50 P=1 {other}"
    print(f"| {tier} C=50 P=1 | {fmt(median(ours, 'requests_per_s'))} | {fmt(median(ours, 'p50_us'), 1)} "
          f"| {fmt(median(ours, 'p99_us'), 1)} | {fmt(median(ours, 'p999_us'), 1)} | {other} "
          f"| {fmt(median(theirs, 'requests_per_s'))} | {fmt(median(theirs, 'p99_us'), 1)} "
          f"| {ratio(median(ours, 'requests_per_s'), median(theirs, 'requests_per_s'))} "
          f"| {ratio(median(ours, 'p99_us'), median(theirs, 'p99_us'))} |")
errors = sum(r.get("errors", 0) + r.get("wrong", 0) for rs in rows.values() for r in rs)
print()
print(f"Errors and wrong answers over all runs: {errors}.")
if memory:
    per_entry = (memory["rss_after_kib"] - memory["rss_before_kib"]) * 1024 / max(memory["entries"], 1)
    budget = 2 * memory["value_bytes"] + 150
    print(f"Memory: {memory['entries']:,} LRU entries, {per_entry:,.0f} resident bytes per entry "
          f"for {memory['value_bytes']}-byte JSON values (target ≤ {budget}: 2 × JSON + 150).")
