#!/usr/bin/env python3
"""Default/off (and enhanced/default, when measured) ratio per program from a JMH JSON result (java -jar benchmarks.jar ... -rf json -rff FILE).

The error of the ratio combines the two 99.9% confidence half-widths JMH reports:
rel(r) = sqrt(rel(default)^2 + rel(off)^2).
"""
import json
import math
import sys

results = {}
for b in json.load(open(sys.argv[1] if len(sys.argv) > 1 else "jmh-result.json")):
    p, m = b["params"], b["primaryMetric"]
    results[(p["program"], p["mode"])] = (m["score"], m["scoreError"], m["scoreUnit"])

def ratios(base, mode):
    """One line per program measured in both modes: mode/base, its error from both JMH half-widths."""
    for program in sorted({k[0] for k in results}):
        b, m = results.get((program, base)), results.get((program, mode))
        if not b or not m:
            continue
        r = m[0] / b[0]
        err = r * math.sqrt((m[1] / m[0]) ** 2 + (b[1] / b[0]) ** 2)
        print(f"{program:10s} {base} {b[0]:10.3f} ± {b[1]:.3f} {b[2]}   {mode} {m[0]:10.3f} ± {m[1]:.3f}"
              f"   {mode}/{base} = {r:.3f} ± {err:.3f}")


ratios("off", "default")
ratios("default", "enhanced")
