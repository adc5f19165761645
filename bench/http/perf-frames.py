#!/usr/bin/env python3
"""Where the silo's CPU went, from `perf script` output of an on-CPU profile (perf record -g).

Every sample is a thread found running, so the shares are of CPU time: unlike a sampled
thread-time trace, a thread waiting in the kernel or stopped for a collection is not counted.
JIT-compiled frames are named through the runtime's perf map (DOTNET_PerfMapEnabled=1); the
runtime's own frames (libcoreclr: the collector, allocation and lock helpers) have no symbols and
are split by whether managed code called them or they ran on their own threads (the collector's).

    perf script -F ip,sym,dso -i perf.data > samples.txt
    python3 bench/http/perf-frames.py samples.txt [TOP]

Prints the share by layer (the assembly or library of the frame that was running), the frames
with the most samples of their own, and the inclusive share of the engine's and Orleans' frames.
"""
import collections
import re
import sys

from perf_samples import samples

LAYERS = ["MarketingActors", "Orleans", "Microsoft.AspNetCore", "System.Text.Json", "OpenTelemetry", "K4os",
          "System.IO.Pipelines", "System.Net", "System.Private.CoreLib", "System.Collections", "System.Linq"]


def method(name):
    """A JIT frame's type and method without its signature, return type and tier."""
    name = re.sub(r"\(.*", "", name)
    name = re.sub(r"^.*\] ", "", name)
    return name[-130:]


def layer(name, library, stack):
    assembly = re.search(r"\[([A-Za-z0-9_.]+)\] ", name)
    if assembly:
        return next((l for l in LAYERS if assembly.group(1).startswith(l)), assembly.group(1))
    if "libcoreclr" in library:
        managed = any(lib.startswith("/tmp/perf-") and not n.startswith("stub ") for n, lib in stack)
        return "runtime, called from managed code (allocation, locks, casts)" if managed else "runtime on its own threads (the collector)"
    if library.startswith("/tmp/perf-"):
        return "runtime stubs (interface dispatch, write barriers)"
    if "kernel" in library:
        return "kernel (sockets, scheduling)"
    return library.rsplit("/", 1)[-1]


def main(path, top):
    by_layer, own, inclusive, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for _, _, stack in samples(path):
        total += 1
        name, library = stack[0]
        by_layer[layer(name, library, stack)] += 1
        own[method(name) if library.startswith("/tmp/perf-") else f"{name} ({library.rsplit('/', 1)[-1]})"] += 1
        for frame in {method(n) for n, lib in stack if lib.startswith("/tmp/perf-") and ("[MarketingActors" in n or "[Orleans" in n)}:
            inclusive[frame] += 1
    if total == 0:
        sys.exit("no samples")
    print(f"on-CPU samples: {total}")
    print("--- share by layer (the code that was running)")
    for name, n in by_layer.most_common():
        print(f"{100 * n / total:5.1f}%  {name}")
    print("--- frames by samples of their own")
    for name, n in own.most_common(top):
        print(f"{100 * n / total:5.1f}%  {name}")
    print("--- engine and Orleans frames, inclusive")
    for name, n in inclusive.most_common(top):
        print(f"{100 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40)
