#!/usr/bin/env python3
"""The frames of a dotnet-trace speedscope file by share of managed CPU.

A sampled thread-time trace samples every thread, most of them waiting; only samples whose leaf
is CPU_TIME were running managed code. Each such sample's time goes to its frame (exclusive) and
to every frame on its stack (inclusive).

    python3 bench/http/cpu-frames.py trace.speedscope.json [TOP]
"""
import collections
import json
import re
import sys


def short(name):
    return re.sub(r"\(.*", "", re.sub(r"^[^!]*!", "", name))[:120]


def main(path, top):
    trace = json.load(open(path))
    frames = trace["shared"]["frames"]
    exclusive, inclusive, total = collections.Counter(), collections.Counter(), 0.0
    for profile in trace["profiles"]:
        if profile["type"] != "evented":
            continue
        stack, last = [], None
        for event in profile["events"]:
            at = event["at"]
            if last is not None and len(stack) > 1 and frames[stack[-1]]["name"] == "CPU_TIME":
                spent = at - last
                total += spent
                exclusive[short(frames[stack[-2]]["name"])] += spent
                for name in {short(frames[f]["name"]) for f in stack[:-1]}:
                    inclusive[name] += spent
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    if total == 0:
        sys.exit("no managed CPU samples in " + path)
    print(f"managed CPU sampled: {total:.0f} ms")
    for title, counter in (("exclusive", exclusive), ("inclusive", inclusive)):
        print(f"--- {title} share of managed CPU")
        for name, spent in counter.most_common(top):
            print(f"{100 * spent / total:5.1f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30)
