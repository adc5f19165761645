#!/usr/bin/env python3
"""Where the whole machine's CPU went while a durable scenario ran, from `perf script` output of a
system-wide on-CPU profile (perf record -a -g): the share of each process (the silo, PostgreSQL,
wrk, idle, the kernel's own threads) and PostgreSQL's samples by the work they ran under (the
journal's COPY and its B-tree inserts, autovacuum, the other statements, commits).

    perf script -F comm,pid,ip,sym,dso -i perf.data > machine.txt
    python3 bench/http/perf-machine.py machine.txt SILO_PID
"""
import collections
import sys

from perf_samples import samples

# PostgreSQL's work, tried in this order against the function names of a sample's stack.
POSTGRES_WORK = [
    ("autovacuum and autoanalyze", {"do_autovacuum", "analyze_rel", "vacuum", "AutoVacWorkerMain"}),
    ("the journal's COPY", {"CopyFrom", "DoCopy"}),
    ("commit and WAL flush", {"CommitTransaction", "finish_xact_command", "XLogFlush", "issue_xlog_fsync"}),
    ("planning", {"pg_plan_queries", "pg_plan_query", "planner"}),
    ("other statements (the snapshot writes)", {"PortalRun", "standard_ExecutorRun"}),
    ("background writers (WAL writer, checkpointer)", {"WalWriterMain", "BackgroundWriterMain", "CheckpointerMain"}),
    ("the protocol and the idle loop", {"PostgresMain", "ReadCommand", "pq_getbyte", "secure_read"}),
]
COPY_PARTS = [
    ("its B-tree inserts", {"btinsert", "_bt_doinsert"}),
    ("its heap inserts", {"heap_multi_insert", "heap_insert"}),
]


def first_match(stack, kinds):
    names = {function for function, _ in stack}
    for label, functions in kinds:
        if names & functions:
            return label
    return None


def process_of(command, pid, silo):
    if pid == silo:
        return "the silo"
    if command == "postgres":
        return "PostgreSQL"
    if command.startswith("swapper"):
        return "idle"
    if command == "wrk":
        return "wrk"
    return f"other: {command}"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    silo = int(sys.argv[2])
    by_process = collections.Counter()
    postgres_work, copy_parts = collections.Counter(), collections.Counter()
    for command, pid, stack in samples(sys.argv[1]):
        process = process_of(command, pid, silo)
        by_process[process] += 1
        if process != "PostgreSQL":
            continue
        work = first_match(stack, POSTGRES_WORK) or "the rest"
        postgres_work[work] += 1
        if work == "the journal's COPY":
            copy_parts[first_match(stack, COPY_PARTS) or "the rest of it (parsing the rows, reading)"] += 1
    total, postgres = sum(by_process.values()), by_process["PostgreSQL"]
    print(f"system-wide on-CPU samples: {total}")
    print("--- share of the machine by process")
    for process, n in by_process.most_common(12):
        print(f"{100 * n / total:5.1f}%  {process}")
    if postgres:
        print("--- PostgreSQL's samples by the work they ran under")
        for work, n in postgres_work.most_common():
            print(f"{100 * n / postgres:5.1f}%  {work}")
            if work == "the journal's COPY":
                for part, m in copy_parts.most_common():
                    print(f"         {100 * m / postgres:5.1f}%  {part}")


if __name__ == "__main__":
    main()
