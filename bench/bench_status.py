"""Status endpoint throughput against a bare ASGI endpoint, and submit-to-success time.

(a) requests per second and p50/p99 of ``GET /v2/photo_avatar/generation/{id}`` for a
``success`` generation under 32 concurrent keep-alive pollers, next to a bare ASGI app returning
the same bytes from the same uvicorn settings; target ratio >= 0.6.
(c) submit-to-success time of one generation on an idle server.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import LoadResult, load
from servers import BENCH_DIR, looksmith_cli, running

BODY = {
    "name": "Bench",
    "age": "Young Adult",
    "gender": "Woman",
    "ethnicity": "East Asian",
    "orientation": "square",
    "pose": "half_body",
    "style": "Realistic",
    "appearance": "red hoodie",
}
CONCURRENCY = 32
SECONDS = 5.0
ROUNDS = 3


def _submit_to_success(client: httpx.Client) -> tuple[str, float]:
    started = time.perf_counter()
    generation_id = client.post("/v2/photo_avatar/photo/generate", json=BODY).json()["data"][
        "generation_id"
    ]
    while True:
        data = client.get(f"/v2/photo_avatar/generation/{generation_id}").json()["data"]
        if data["status"] == "success":
            return generation_id, time.perf_counter() - started
        if data["status"] == "failed":
            raise RuntimeError(data["msg"])
        time.sleep(0.005)


def _best(results: list[LoadResult]) -> LoadResult:
    return max(results, key=lambda result: result.rps)


def run() -> dict[str, float]:
    """Measure (a) and (c); return the figures."""
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        key = looksmith_cli("keys", "create", "--name", "bench", data_dir=data_dir).splitlines()[-1]
        env = {"LOOKSMITH_DATA_DIR": str(data_dir)}
        with running(["-m", "looksmith", "serve", "--port"], "/healthz", env) as port:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, headers={"x-api-key": key}) as client:
                _submit_to_success(client)  # warm up the engine and the database
                times = [_submit_to_success(client)[1] for _ in range(7)]
                generation_id, _ = _submit_to_success(client)
                body = client.get(f"/v2/photo_avatar/generation/{generation_id}").content
            body_file = Path(scratch) / "body.json"
            body_file.write_bytes(body)
            path = f"/v2/photo_avatar/generation/{generation_id}"
            served: list[LoadResult] = []
            bare: list[LoadResult] = []
            with running([str(BENCH_DIR / "bare_app.py"), str(body_file)], "/") as bare_port:
                load("127.0.0.1", bare_port, path, seconds=1)  # warm-up
                load("127.0.0.1", port, path, headers={"x-api-key": key}, seconds=1)
                for _ in range(ROUNDS):  # interleaved, so drift in machine load hits both
                    bare.append(
                        load("127.0.0.1", bare_port, path, concurrency=CONCURRENCY, seconds=SECONDS)
                    )
                    served.append(
                        load(
                            "127.0.0.1",
                            port,
                            path,
                            headers={"x-api-key": key},
                            concurrency=CONCURRENCY,
                            seconds=SECONDS,
                        )
                    )
    ours, baseline = _best(served), _best(bare)
    if ours.errors or baseline.errors:
        raise RuntimeError(f"non-200 answers: ours {ours.errors}, bare {baseline.errors}")
    return {
        "status_rps": ours.rps,
        "status_p50_ms": ours.p50_ms,
        "status_p99_ms": ours.p99_ms,
        "bare_rps": baseline.rps,
        "bare_p50_ms": baseline.p50_ms,
        "bare_p99_ms": baseline.p99_ms,
        "status_ratio": ours.rps / baseline.rps,
        "submit_to_success_ms": statistics.median(times) * 1000,
    }


def report(figures: dict[str, float]) -> None:
    """Print the figures with their targets."""
    print(f"(a) status endpoint, {CONCURRENCY} pollers, best of {ROUNDS} x {SECONDS:.0f} s")
    for label, prefix in (("looksmith", "status"), ("bare ASGI", "bare")):
        print(
            f"    {label}: {figures[prefix + '_rps']:8.0f} req/s"
            f"  p50 {figures[prefix + '_p50_ms']:.2f} ms  p99 {figures[prefix + '_p99_ms']:.2f} ms"
        )
    print(f"    ratio {figures['status_ratio']:.2f}  (target >= 0.6)")
    print(f"(c) submit to success, idle server, median: {figures['submit_to_success_ms']:.0f} ms")


if __name__ == "__main__":
    report(run())
