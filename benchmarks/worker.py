"""Child processes of the benchmark (each a fresh interpreter, so its memory and
its imports are its own):

    python -m benchmarks.worker inproc SPEC.json   # one series through one BuildState
    python -m benchmarks.worker serve SITE         # a DevServer until stdin closes

`inproc` does what `serve` does between saves, without the watcher and the
HTTP server: the same `build(config, problems, cache)` with one `BuildState`
kept across builds. It times each build (load_config included, as the
Rebuilder does) and prints one JSON line: {"cold": s, "noop": s, ...}.

`serve` starts `DevServer` on a free 127.0.0.1 port, prints {"url": …} once
the first build is done, logs the server's lines to stderr, and stops cleanly
when its standard input closes.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path

from generator.build import build
from generator.config import load_config
from generator.problems import BuildFailed, Problems
from generator.state import BuildState

from .corpus import Mutator


def _build(site: Path, out: Path, cache: BuildState) -> float:
    started = time.perf_counter()
    problems = Problems(rel_to=site)
    config = load_config(site, problems, output_dir=out)
    try:
        build(config, problems, cache)
    except BuildFailed:
        print("\n".join(p.format() for p in problems.errors[:10]), file=sys.stderr)
        raise SystemExit(1) from None
    return time.perf_counter() - started


def inproc(spec_path: Path) -> None:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    site, out, token = Path(spec["site"]), Path(spec["out"]), spec["token"]
    mutator = Mutator(Path(spec["page"]), Path(spec["added"]), Path(spec["template"]), spec["added_text"])
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(site / ".bangyang-cache", ignore_errors=True)  # with the release kept for reuse
    measures = set(spec.get("measures", ("noop", "edit", "add", "template")))
    cache = BuildState()
    times = {"cold": _build(site, out, cache)}
    if "noop" in measures:
        times["noop"] = _build(site, out, cache)
    if "edit" in measures:
        mutator.edit_page(token)
        times["edit"] = _build(site, out, cache)
    if "add" in measures:
        mutator.add_page()
        times["add"] = _build(site, out, cache)
    if "template" in measures:
        mutator.edit_template(token)
        times["template"] = _build(site, out, cache)
    times["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(times), flush=True)


def serve(site: Path) -> None:
    from generator.serve import DevServer

    problems = Problems(rel_to=site)
    config = load_config(site, problems)

    def log(*args: object) -> None:
        print(*args, file=sys.stderr, flush=True)

    server = DevServer(config, port=0, log=log)
    _instrument(server, log)
    started = time.perf_counter()
    ok = server.start()
    print(json.dumps({"url": server.url, "ok": ok, "first_build": time.perf_counter() - started}), flush=True)
    try:
        sys.stdin.read()  # until the benchmark closes our stdin
    finally:
        server.stop()
        print(json.dumps({"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


def _instrument(server, log) -> None:
    """Wall-clock marks for the benchmark's breakdown, logged as `bench-mark NAME
    TIME`: the first file event of a burst, the start of a rebuild, the moment
    its result is first published to the open pages (the express pages when
    serve takes that path, else the full build), and the end of the
    rebuilder's work (serve refreshes the search index after publishing, in
    the background: here the rebuilder waits for it, so that each figure is
    one save on an idle server). Behaviour is otherwise unchanged."""
    rebuilder, state = server.rebuilder, server.state
    mark, build_once, publish = rebuilder.mark, rebuilder.build_once, state.publish

    def marked(*args, **kwargs) -> None:
        if not rebuilder.dirty.is_set():
            log(f"bench-mark event {time.time():.6f}")
        mark(*args, **kwargs)

    def timed_build(*args, **kwargs) -> bool:
        log(f"bench-mark start {time.time():.6f}")
        try:
            return build_once(*args, **kwargs)
        finally:
            # Each figure of a save on an idle server starts with the index refreshed;
            # a save already waiting (saves back to back) is not held up for it.
            if not rebuilder.dirty.is_set():
                rebuilder.wait_search()
            log(f"bench-mark idle {time.time():.6f}")  # after any work that follows publishing

    def published(*args, **kwargs):
        log(f"bench-mark published {time.time():.6f}")
        return publish(*args, **kwargs)

    rebuilder.mark = marked
    rebuilder.build_once = timed_build
    state.publish = published


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "inproc":
        inproc(Path(argv[1]))
    elif len(argv) == 2 and argv[0] == "serve":
        serve(Path(argv[1]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
