"""``make bench``: every benchmark, each printing ratios measured side by side in this run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_group_listing
import bench_groups
import bench_longpoll
import bench_render
import bench_scaleout
import bench_status


def main() -> None:
    """Run and print (a) to (j) and (l)."""
    status = bench_status.run()
    render = bench_render.run()
    groups = bench_groups.run()
    scaleout = bench_scaleout.run()
    longpoll = bench_longpoll.run()
    listing = bench_group_listing.run()
    bench_status.report(status)
    print("(b) procedural render vs JPEG encode, 1024x1024")
    for name, value in render.items():
        print(f"    {name}: {value:.2f}")
    bench_groups.report(groups)
    bench_scaleout.report(scaleout)
    bench_longpoll.report(longpoll)
    bench_group_listing.report(listing)


if __name__ == "__main__":
    main()
