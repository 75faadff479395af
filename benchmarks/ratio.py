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

for program in sorted({k[0] for k in results}):
    off, dflt = results.get((program, "off")), results.get((program, "default"))
    if not off or not dflt:
        continue
    r = dflt[0] / off[0]
    err = r * math.sqrt((dflt[1] / dflt[0]) ** 2 + (off[1] / off[0]) ** 2)
    print(f"{program:10s} off {off[0]:10.3f} ± {off[1]:.3f} {off[2]}   default {dflt[0]:10.3f} ± {dflt[1]:.3f}"
          f"   default/off = {r:.3f} ± {err:.3f}")

for program in sorted({k[0] for k in results}):
    dflt, enh = results.get((program, "default")), results.get((program, "enhanced"))
    if not dflt or not enh:
        continue
    r = enh[0] / dflt[0]
    err = r * math.sqrt((enh[1] / enh[0]) ** 2 + (dflt[1] / dflt[0]) ** 2)
    print(f"{program:10s} default {dflt[0]:10.3f} ± {dflt[1]:.3f} {dflt[2]}   enhanced {enh[0]:10.3f} ± {enh[1]:.3f}"
          f"   enhanced/default = {r:.3f} ± {err:.3f}")
