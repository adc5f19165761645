"""Reads `perf script` output of a callchain profile (perf record -g), for perf-frames.py and
perf-machine.py: a sample is a header line (the command and pid when -F asks for them, else empty),
then its frames, leaf first, one an indented line, then a blank line."""
import re

FRAME = re.compile(r"^\s+[0-9a-f]+ (.*) \((.*)\)$")
HEADER = re.compile(r"^(.*\S)\s+(\d+)\s*$")


def samples(path):
    """(command, pid, [(function, library), leaf first]) per sample; command and pid are None without them."""
    command, pid, frames = None, None, []
    for line in open(path, errors="replace"):
        if not line.strip():
            if frames or command is not None:
                yield command, pid, frames
            command, pid, frames = None, None, []
            continue
        frame = FRAME.match(line)
        if frame:
            frames.append((frame.group(1), frame.group(2)))
            continue
        header = HEADER.match(line)
        if header:
            command, pid = header.group(1), int(header.group(2))
    if frames or command is not None:
        yield command, pid, frames
