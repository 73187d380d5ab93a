"""What the benchmarks share: a real local broker on free ports, and the results file."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lakehouse.config import Settings, resolve
from tests.conftest import REPO, broker_on_free_ports


@contextmanager
def running_broker(topic: str) -> Iterator[Settings]:
    """Test-profile settings pointing at a KRaft broker started for the benchmark (stopped after)."""
    state = Path(tempfile.mkdtemp(prefix="joblake-bench-"))
    settings = resolve("test", {}).with_overrides(
        {
            "kafka.broker_jars_dir": str(REPO / ".jars" / "kafka"),
            "spark.jars_dir": str(REPO / ".jars" / "spark"),
            "kafka.topic": topic,
            "lake.root": str(state / "lake"),
            "lake.raw_root": str(state / "lake" / "raw"),
        }
    )
    try:
        with broker_on_free_ports(settings, state / "kafka") as broker_settings:
            yield broker_settings
    finally:
        shutil.rmtree(state, ignore_errors=True)


def write_results(path: str, results: dict) -> None:
    """Write the figures (with the machine they were measured on) as JSON and print one line per figure."""
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()}, **results}
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    for name, r in results.items():
        if name == "machine":
            continue
        print(
            f"{name:<14} {r['measured']['value']:>10,} {r['unit']}  (baseline {r['baseline']['value']:,}, "
            f"ratio {r['ratio']})  {r['what']}"
        )
    print(f"written to {out}")


def run_sizes(
    description: str, sizes: str, out: str, prefix: str, bench_size: Callable[..., dict], lakes: bool = False
) -> None:
    """The command line every benchmark shares: `--sizes` (posting counts) and `--out`, one figure per size.

    With `lakes`, also `--lakes DIR`: the lake of each size lives in DIR/<size> and is kept after the
    run (so a later benchmark reads the gold tables this one built); `bench_size(count, lake_dir)`.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default=sizes, help=f"comma-separated posting counts (default {sizes})")
    parser.add_argument("--out", default=out)
    if lakes:
        parser.add_argument("--lakes", type=Path, help="keep each size's lake here (default: a temporary one)")
    args = parser.parse_args()
    counts = [int(s) for s in args.sizes.split(",")]
    results = {}
    for n in counts:
        if lakes:
            results[f"{prefix}_{n // 1000}k"] = bench_size(n, args.lakes / str(n) if args.lakes else None)
        else:
            results[f"{prefix}_{n // 1000}k"] = bench_size(n)
    write_results(args.out, results)
