"""The performance benchmark of bangyang against Hugo, Eleventy (and Pelican).

    python -m benchmarks                         # N = 1,000 and 10,000, 3 rounds
    python -m benchmarks --pages 200 --rounds 1  # a quick run
    python -m benchmarks --pages 1000 --json results.json --images

For each N it generates one corpus (seeded: the same bytes every time) as a
bangyang site and as Hugo / Eleventy / Pelican sites with equivalent templates
(peers.py), then measures in rounds, the tools' order rotated every round:

  cold      full build, fresh output, no cache
  noop      rebuild with nothing changed
  edit      rebuild after appending a paragraph to one page
  add       rebuild after adding one page
  template  rebuild after editing the base template (every page changes)

bangyang is measured two ways: "CLI" (each build a fresh `python -m generator
build`, as a clerk runs it) and "BuildState" (one process keeping a BuildState
across builds, what `serve` does). Then edit-to-reload through `serve` in
headless Chromium (median of --serve-edits saves), and with --images the image
throughput (benchmarks/images.py, and sharp from npm as the peer).

Prints a table of medians with min–max and ratios to Hugo (to bangyang's CLI
when Hugo is absent) and writes everything as JSON (--json). The corpora live
in a temporary folder under the benchmark cache (~/.cache/bangyang-bench, or
$BANGYANG_BENCH_CACHE), never in the repository; the peers are installed
there too (pip --target, npm --prefix) unless --no-install.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import filecmp
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import corpus, peers
from .measure import BenchError, Sample, fmt_range, fmt_seconds, run, summary

REPO = Path(__file__).resolve().parents[1]
MEASURES = ("cold", "noop", "edit", "add", "template")
MEASURE_NAMES = {
    "cold": "cold full build",
    "noop": "rebuild, nothing changed",
    "edit": "rebuild, one page edited",
    "add": "rebuild, one page added",
    "template": "rebuild, base template edited",
}
OUR_ENV = {"SOURCE_DATE_EPOCH": str(corpus.SOURCE_DATE_EPOCH), "PYTHONPATH": str(REPO)}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Variant:
    key: str
    label: str
    root: Path
    out: Path  # the output folder
    mutator: corpus.Mutator
    series: Callable[[Variant, str], dict[str, Sample]]
    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    clean: Callable[[], None] = lambda: None
    html_files: int = 0


# --- one series of builds ---------------------------------------------------------------


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


def cli_series(v: Variant, token: str, page_rel: str, added_rel: str, measures: tuple[str, ...] = MEASURES) -> dict[str, Sample]:
    """cold → noop → edit → add → template, each build a fresh process."""
    v.mutator.reset()
    v.clean()
    res: dict[str, Sample] = {}

    def build(name: str, sample: bool = False) -> None:
        res[name] = run(v.command, cwd=v.root, env=v.env, sample_tree=sample)
        say(f"    {v.label:<22} {name:<9} {fmt_seconds(res[name].seconds):>9}   {res[name].maxrss_mb:6.0f} MB")

    try:
        build("cold", sample=True)  # always: every series starts from a clean build
        page = v.out / page_rel
        _check(page.is_file(), f"{v.label}: the cold build wrote no {page_rel}")
        v.html_files = sum(1 for _ in v.out.rglob("*.html"))
        if "noop" in measures:
            build("noop")
        if "edit" in measures:
            v.mutator.edit_page(token)
            build("edit")
            _check(token in page.read_text(encoding="utf-8"), f"{v.label}: the edit did not reach {page_rel}")
        if "add" in measures:
            v.mutator.add_page()
            build("add")
            _check((v.out / added_rel).is_file(), f"{v.label}: the added page {added_rel} was not built")
        if "template" in measures:
            v.mutator.edit_template(token)
            build("template")
            _check(
                corpus.template_mark(token) in page.read_text(encoding="utf-8"), f"{v.label}: the template edit did not reach {page_rel}"
            )
    finally:
        v.mutator.reset()
    return res


def inproc_series(v: Variant, token: str, page_rel: str, added_rel: str, measures: tuple[str, ...] = MEASURES) -> dict[str, Sample]:
    """The same five builds in one process through one BuildState (what serve keeps)."""
    v.mutator.reset()
    m = v.mutator
    spec = {
        "site": str(v.root),
        "out": str(v.out),
        "token": token,
        "page": str(m.page),
        "added": str(m.added),
        "template": str(m.template),
        "added_text": m.added_text,
        "measures": list(measures),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    try:
        whole = run([sys.executable, "-m", "benchmarks.worker", "inproc", f.name], cwd=REPO, env=v.env, sample_tree=True)
    finally:
        os.unlink(f.name)
        v.mutator.reset()
    times = json.loads([line for line in whole.output.splitlines() if line.startswith("{")][-1])
    text = (v.out / page_rel).read_text(encoding="utf-8")
    _check("edit" not in measures or token in text, f"{v.label}: the edit did not reach {page_rel}")
    _check("template" not in measures or corpus.template_mark(token) in text, f"{v.label}: the template edit did not reach {page_rel}")
    _check("add" not in measures or (v.out / added_rel).is_file(), f"{v.label}: the added page was not built")
    res = {}
    for name in times.keys() & set(MEASURES):
        # Memory: the worker's peak over the whole series, reported on every row.
        res[name] = Sample(times[name], whole.maxrss_mb, whole.tree_mb)
        say(f"    {v.label:<22} {name:<9} {fmt_seconds(times[name]):>9}   {whole.maxrss_mb:6.0f} MB")
    return res


def same_tree(a: Path, b: Path, skip: tuple[str, ...] = ("pagefind",)) -> list[str]:
    """Paths whose bytes differ between two output folders (or exist in one only)."""

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] not in skip}

    fa, fb = files(a), files(b)
    diff = sorted(fa ^ fb)
    diff += [rel for rel in sorted(fa & fb) if not filecmp.cmp(a / rel, b / rel, shallow=False)]
    return diff


# --- one N -------------------------------------------------------------------------------


def prepare(
    n: int, args: argparse.Namespace, work: Path, tools: dict[str, peers.Tool]
) -> tuple[list[Variant], corpus.Mutator, list[corpus.Doc]]:
    say(f"\n== {n:,} pages: generating the corpus in {work} …")
    started = time.perf_counter()
    docs = corpus.make_corpus(n, seed=args.seed, photo_share=args.photo_share)
    photos = None
    if any(d.photo for d in docs):
        photos = work / "photos"
        say(f"   {sum(d.photo for d in docs)} photos of {args.photo_size[0]}×{args.photo_size[1]} …")
        corpus.write_photos(photos, docs, args.photo_size)
    theme = _builtin_theme()
    css = (theme / "assets" / "site.css").read_bytes()
    ours = work / "bangyang"
    corpus.write_bangyang(ours, docs, photos, theme_dir=theme)
    mut = corpus.bangyang_mutator(ours, docs)
    page_rel = f"profiles/{corpus.edited_doc(docs).slug}/index.html"
    added_rel = f"profiles/{corpus.new_profile(0).slug}/index.html"
    variants = [
        Variant(
            "bangyang-cli",
            "bangyang (CLI)",
            ours,
            ours / "output",
            mut,
            lambda v, t: cli_series(v, t, page_rel, added_rel, args.measures),
            command=[sys.executable, "-m", "generator", "build", "--site", str(ours)],
            env=OUR_ENV,
            clean=lambda: [shutil.rmtree(ours / d, ignore_errors=True) for d in ("output", ".bangyang-cache")],
        ),
        Variant(
            "bangyang-cache",
            "bangyang (BuildState)",
            ours,
            ours / "output-cache",
            mut,
            lambda v, t: inproc_series(v, t, page_rel, added_rel, args.measures),
            env=OUR_ENV,
        ),
    ]
    writers = {
        "hugo": (peers.write_hugo, peers.hugo_command, peers.hugo_clean, "public"),
        "eleventy": (peers.write_eleventy, peers.eleventy_command, peers.eleventy_clean, "_site"),
        "pelican": (peers.write_pelican, peers.pelican_command, peers.pelican_clean, "output"),
    }
    for name, tool in tools.items():
        write, command, clean, out = writers[name]
        root = work / name
        m = write(root, docs, photos, css)
        variants.append(
            Variant(
                name,
                f"{name} {tool.version}",
                root,
                root / out,
                m,
                lambda v, t: cli_series(v, t, page_rel, added_rel, args.measures),
                command=command(tool, root),
                env=tool.env,
                clean=lambda root=root, clean=clean: clean(root),
            )
        )
    say(f"   written in {time.perf_counter() - started:.1f} s")
    return variants, mut, docs


def _builtin_theme() -> Path:
    sys.path.insert(0, str(REPO))
    from generator.config import builtin_theme_dir

    return builtin_theme_dir()


def bench_n(n: int, args: argparse.Namespace, tools: dict[str, peers.Tool], work: Path) -> dict:
    variants, mut, docs = prepare(n, args, work, tools)
    samples: dict[str, dict[str, list[Sample]]] = {v.key: {m: [] for m in MEASURES} for v in variants}
    consistency: list[dict] = []
    failures: dict[str, str] = {}
    for r in range(args.rounds):
        order = variants[r % len(variants) :] + variants[: r % len(variants)]
        say(f"-- {n:,} pages, round {r + 1}/{args.rounds}: {', '.join(v.label for v in order)}")
        token = f"基准{r + 1:02d}"
        for v in order:
            if v.key in failures:
                continue
            try:
                for name, s in v.series(v, token).items():
                    samples[v.key][name].append(s)
            except BenchError as exc:
                failures[v.key] = str(exc)
                say(f"   !! {v.label} failed, left out from here on: {exc}")
        cli, cached = variants[0], variants[1]
        if cli.key not in failures and cached.key not in failures and cli.out.is_dir() and cached.out.is_dir():
            diff = same_tree(cli.out, cached.out)
            consistency.append({"round": r + 1, "differing_files": len(diff), "examples": diff[:5]})
            say(f"   output check: CLI build vs BuildState rebuilds after the same edits: {len(diff)} files differ {diff[:3]}")
    serve = None
    if args.serve_edits and "bangyang-cli" not in failures:
        say(f"-- {n:,} pages: edit-to-reload through serve, {args.serve_edits} edits …")
        try:
            from .reload import measure_reload

            page_path = f"profiles/{corpus.edited_doc(docs).slug}/"
            serve = measure_reload(variants[0].root, mut, page_path, args.serve_edits, OUR_ENV, REPO)
            say(
                f"   save → reloaded: median {fmt_seconds(statistics.median(serve['latency']))}, "
                f"server rebuild median {fmt_seconds(statistics.median(serve['rebuild'] or [0]))}"
            )
        except Exception as exc:  # no Playwright / Chromium: say so, keep the rest
            say(f"   !! serve benchmark skipped: {type(exc).__name__}: {exc}")
            serve = {"skipped": f"{type(exc).__name__}: {exc}"}
    return {
        "pages": n,
        "documents": {k: sum(1 for d in docs if d.kind == k) for k in ("profile", "activity", "slogan")},
        "photos": sum(1 for d in docs if d.photo),
        "html_files": {v.key: v.html_files for v in variants},
        "labels": {v.key: v.label for v in variants},
        "samples": samples,
        "failures": failures,
        "consistency": consistency,
        "serve": serve,
    }


# --- reporting ---------------------------------------------------------------------------


def tabulate(result: dict) -> dict:
    """Medians, min–max and ratios from the raw samples."""
    rows: dict[str, dict[str, dict]] = {}
    samples = result["samples"]
    base_key = "hugo" if samples.get("hugo", {}).get("cold") else "bangyang-cli"
    for m in MEASURES:
        rows[m] = {}
        for key, per in samples.items():
            values = [s.seconds for s in per[m]]
            if not values:
                continue
            row = summary(values)
            row["values"] = values
            row["maxrss_mb"] = max(s.maxrss_mb for s in per[m])
            trees = [s.tree_mb for s in per[m] if s.tree_mb is not None]
            row["tree_mb"] = max(trees) if trees else None
            programs: dict[str, float] = {}
            for s in per[m]:
                for name, mb in (s.by_program_mb or {}).items():
                    programs[name] = max(programs.get(name, 0), mb)
            row["by_program_mb"] = programs
            rows[m][key] = row
        base = rows[m].get(base_key)
        for row in rows[m].values():
            row["ratio"] = row["median"] / base["median"] if base else None
    return {"ratio_to": base_key, "rows": rows}


def print_table(result: dict, table: dict, meta: dict) -> None:
    labels = result["labels"]
    docs = result["documents"]
    print()
    print(
        f"## {result['pages']:,} pages ({docs['profile']:,} profiles, {docs['activity']:,} activities, {docs['slogan']:,} slogans; "
        f"{result['photos']} photos) — {meta['date']}, {meta['machine']}, {meta['rounds']} round(s)"
    )
    ratio_name = "× Hugo" if table["ratio_to"] == "hugo" else "× ours (CLI)"
    print(f"{'measure':<30}{'tool':<24}{'median':>10}{'min–max':>18}{ratio_name:>10}{'peak RSS':>10}{'tree':>8}")
    for m in MEASURES:
        if not table["rows"][m]:
            continue
        for key, row in table["rows"][m].items():
            tree = f"{row['tree_mb']:.0f}" if row.get("tree_mb") else ""
            ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else ""
            print(
                f"{MEASURE_NAMES[m]:<30}{labels[key]:<24}{fmt_seconds(row['median']):>10}"
                f"{fmt_range(row['min'], row['max']):>18}{ratio:>10}{row['maxrss_mb']:>7.0f} MB{tree:>8}"
            )
        print()
    serve = result.get("serve")
    if serve and serve.get("latency"):
        lat, reb = serve["latency"], serve["rebuild"] or [0.0]
        print(
            f"{'serve: save → page reloaded':<30}{labels['bangyang-cli'].replace('CLI', 'serve'):<24}{fmt_seconds(statistics.median(lat)):>10}"
            f"{fmt_range(min(lat), max(lat)):>18}{'':>10}{serve.get('maxrss_mb', 0):>7.0f} MB"
        )
        print(f"{'  of which server rebuild':<30}{'':<24}{fmt_seconds(statistics.median(reb)):>10}{fmt_range(min(reb), max(reb)):>18}")
        for phase, values in (serve.get("phases") or {}).items():
            if values:
                print(f"{'  ' + phase:<30}{'':<24}{fmt_seconds(statistics.median(values)):>10}{fmt_range(min(values), max(values)):>18}")
        print(
            f"  ({len(lat)} edits, {serve['rebuilds_per_edit']:.2f} rebuilds per edit, first serve build {fmt_seconds(serve['first_build_s'])})"
        )
        rapid = serve.get("back_to_back") or []
        if rapid:
            print(
                f"{'serve: saves back to back':<30}{'(0.3 s after each shows)':<24}{fmt_seconds(statistics.median(rapid)):>10}"
                f"{fmt_range(min(rapid), max(rapid)):>18}"
            )
    elif serve:
        print(f"serve: skipped ({serve.get('skipped')})")
    for key, row in table["rows"]["cold"].items():
        if row.get("by_program_mb"):
            parts = ", ".join(f"{name} {mb:.0f} MB" for name, mb in sorted(row["by_program_mb"].items(), key=lambda kv: -kv[1]))
            print(f"peak RSS by program, {labels[key]}: {parts}")
    html = ", ".join(f"{labels[k]} {v:,}" for k, v in result["html_files"].items() if v)
    print(f"HTML files written: {html}")
    for c in result["consistency"]:
        print(f"output check, round {c['round']}: CLI build vs BuildState rebuilds — {c['differing_files']} files differ {c['examples']}")
    for key, message in result["failures"].items():
        print(f"FAILED {labels[key]}: {message.splitlines()[0]}")


def targets(result: dict, table: dict) -> list[dict]:
    """The issue's targets that this run can judge (ratios in the same run)."""
    rows = table["rows"]
    out = []

    def ratio(m: str, key: str, other: str) -> float | None:
        a, b = rows[m].get(key), rows[m].get(other)
        return a["median"] / b["median"] if a and b else None

    n = result["pages"]
    checks = [
        ("cold build ≤ 1.3 × Hugo", ratio("cold", "bangyang-cli", "hugo"), 1.3),
        ("cold build ≤ 0.5 × Eleventy", ratio("cold", "bangyang-cli", "eleventy"), 0.5),
        ("cold build ≤ 0.25 × Pelican", ratio("cold", "bangyang-cli", "pelican"), 0.25),
        ("rebuild, nothing changed (CLI) ≤ 0.25 × Hugo's build", ratio("noop", "bangyang-cli", "hugo"), 0.25),
        ("rebuild, nothing changed (BuildState) ≤ 0.25 × Hugo's build", ratio("noop", "bangyang-cache", "hugo"), 0.25),
        ("rebuild after one page edit (CLI) ≤ 0.3 × Hugo's build", ratio("edit", "bangyang-cli", "hugo"), 0.3),
    ]
    for name, value, limit in checks:
        if value is not None:
            out.append({"target": name, "measured": round(value, 3), "limit": limit, "met": value <= limit})
    cold = rows["cold"].get("bangyang-cli")
    if cold and n >= 10000:
        peak = cold["tree_mb"] or cold["maxrss_mb"]
        out.append({"target": "peak memory ≤ 400 MB (process tree)", "measured": round(peak), "limit": 400, "met": peak <= 400})
    serve = result.get("serve") or {}
    if serve.get("latency"):
        limit = 0.15 if n <= 1000 else 0.6
        med = statistics.median(serve["latency"])
        out.append(
            {"target": f"serve: save → reloaded ≤ {limit * 1000:.0f} ms", "measured": round(med, 3), "limit": limit, "met": med <= limit}
        )
    return out


def print_targets(checks: list[dict]) -> None:
    if not checks:
        return
    print("targets (issue 5):")
    for c in checks:
        print(f"  [{'met' if c['met'] else 'MISSED'}] {c['target']}: measured {c['measured']}")


# --- images ------------------------------------------------------------------------------


def bench_images(args: argparse.Namespace, cache: Path) -> dict:
    """ms per 12-MP photo: bangyang on one process, on all cores, a cached rebuild; sharp on all cores."""
    from . import images

    cores = os.cpu_count() or 1
    out: dict = {"photos": args.image_photos, "rows": {}}
    sharp_dir = peers.find_sharp(cache, not args.no_install) if "sharp" not in args.skip else None
    with tempfile.TemporaryDirectory(prefix="bangyang-images-", dir=args.workdir) as tmp:
        site = Path(tmp)
        say(f"\n== images: generating {args.image_photos} 12-MP photos …")
        images.make_site(site, args.image_photos)
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(corpus.SOURCE_DATE_EPOCH))
        timings: dict[str, list[float]] = {
            "bangyang, one process": [],
            f"bangyang, all cores ({cores})": [],
            "bangyang, cached rebuild": [],
        }
        if sharp_dir:
            timings[f"sharp, all cores ({cores})"] = []
        photos = sorted(str(p) for p in site.rglob("cover.jpg"))
        for r in range(args.rounds):
            say(f"-- images, round {r + 1}/{args.rounds}")
            timings["bangyang, one process"].append(images.timed_build(site, 1, fresh_cache=True))
            timings[f"bangyang, all cores ({cores})"].append(images.timed_build(site, cores, fresh_cache=True))
            timings["bangyang, cached rebuild"].append(images.timed_build(site, cores, fresh_cache=False))
            if sharp_dir:
                target = site / "sharp-out"
                shutil.rmtree(target, ignore_errors=True)
                s = run(
                    ["node", str(Path(__file__).with_name("sharp_images.cjs")), str(target), *photos],
                    env={"NODE_PATH": str(sharp_dir / "node_modules")},
                )
                timings[f"sharp, all cores ({cores})"].append(json.loads(s.output.strip().splitlines()[-1])["seconds"])
            for name, values in timings.items():
                say(f"    {name:<30} {values[-1] * 1000 / args.image_photos:8.0f} ms per photo")
    ref = f"sharp, all cores ({cores})" if sharp_dir else "bangyang, one process"
    for name, values in timings.items():
        per = [v * 1000 / args.image_photos for v in values]
        out["rows"][name] = {**summary(per), "values_ms": per}
    for row in out["rows"].values():
        row["ratio"] = row["median"] / out["rows"][ref]["median"]
    out["ratio_to"] = ref
    return out


def print_images(res: dict) -> None:
    print(f"\n## images: {res['photos']} photos of 12 MP → 3 widths × (WebP + JPEG)")
    print(f"{'':<32}{'ms per photo':>14}{'min–max':>18}{'× ' + res['ratio_to'].split(',')[0]:>12}")
    for name, row in res["rows"].items():
        print(f"{name:<32}{row['median']:>14.0f}{row['min']:>9.0f}–{row['max']:<8.0f}{row['ratio']:>12.2f}")


# --- main --------------------------------------------------------------------------------


def _size(text: str) -> tuple[int, int]:
    w, _, h = text.lower().partition("x")
    return int(w), int(h)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pages", type=int, action="append", help="corpus size; repeat for several (default: 1000 and 10000; 0: none)")
    p.add_argument("--rounds", type=int, default=3, help="rounds per measure (default 3)")
    p.add_argument("--photo-share", type=float, default=0.0, help="share of profiles/activities with a photo (default 0)")
    p.add_argument("--photo-size", type=_size, default=(2000, 1500), help="size of those photos, WxH (default 2000x1500)")
    p.add_argument(
        "--peers", default="hugo,eleventy", help="comma list of hugo, eleventy, pelican; 'none' for ours only (default hugo,eleventy)"
    )
    p.add_argument("--no-install", action="store_true", help="use only peers already installed; install nothing")
    p.add_argument("--measures", default=",".join(MEASURES), help="comma list of cold, noop, edit, add, template (default: all)")
    p.add_argument("--serve-edits", type=int, default=20, help="edits timed through serve (0: skip; default 20)")
    p.add_argument("--images", action="store_true", help="also the image benchmark (12-MP photos; bangyang vs sharp)")
    p.add_argument("--image-photos", type=int, default=8, help="photos for --images (default 8)")
    p.add_argument("--skip", default="", help="comma list: sharp")
    p.add_argument("--json", type=Path, help="write all results here")
    p.add_argument(
        "--cache", type=Path, default=peers.default_cache(), help="where peers and corpora live (default ~/.cache/bangyang-bench)"
    )
    p.add_argument("--workdir", type=Path, help="folder for the temporary corpora (default: <cache>/work)")
    p.add_argument("--keep", action="store_true", help="keep the generated corpora (their folder is printed)")
    p.add_argument("--corpus-only", type=Path, metavar="DIR", help="write the corpora for --pages into DIR/<N>/ and stop (for profiling)")
    p.add_argument("--seed", type=int, default=corpus.SEED)
    args = p.parse_args(argv)
    args.pages = args.pages or [1000, 10000]
    args.skip = {s for s in args.skip.split(",") if s}
    args.measures = tuple(m for m in MEASURES if m in args.measures.split(",") or m == "cold")
    args.workdir = args.workdir or args.cache / "work"
    return args


def machine() -> str:
    mem = ""
    with contextlib.suppress(OSError, IndexError):
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout.splitlines()[1].split()[1]
    return f"{os.cpu_count()} cores, {mem} RAM, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.corpus_only:
        return write_corpora_only(args)
    args.cache.mkdir(parents=True, exist_ok=True)
    args.workdir.mkdir(parents=True, exist_ok=True)
    wanted = [p for p in args.peers.split(",") if p and p != "none"]
    finders = {"hugo": peers.find_hugo, "eleventy": peers.find_eleventy, "pelican": peers.find_pelican}
    tools = {}
    for name in wanted:
        if name not in finders:
            say(f"unknown peer {name!r} (hugo, eleventy, pelican)")
            return 2
        tool = finders[name](args.cache, not args.no_install)
        if tool:
            tools[name] = tool
    meta = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "load_average_at_start": os.getloadavg(),
        "rounds": args.rounds,
        "photo_share": args.photo_share,
        "seed": args.seed,
        "peers": {k: t.version for k, t in tools.items()},
        "git": subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
        ).stdout.strip(),
    }
    say(f"machine: {meta['machine']}; load average {meta['load_average_at_start']}; peers: {meta['peers'] or 'none'}")
    report: dict = {"meta": meta, "runs": []}
    started = time.perf_counter()
    for n in (n for n in args.pages if n > 0):  # --pages 0: images only
        work = Path(tempfile.mkdtemp(prefix=f"n{n}-", dir=args.workdir))
        try:
            result = bench_n(n, args, tools, work)
        finally:
            if args.keep:
                say(f"   corpora kept in {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
        table = tabulate(result)
        checks = targets(result, table)
        print_table(result, table, meta)
        print_targets(checks)
        sys.stdout.flush()
        report["runs"].append({**_jsonable(result), "table": table, "targets": checks})
        _write_json(args.json, report)
    if args.images:
        report["images"] = bench_images(args, args.cache)
        print_images(report["images"])
        _write_json(args.json, report)
    meta["load_average_at_end"] = os.getloadavg()
    meta["total_seconds"] = round(time.perf_counter() - started, 1)
    _write_json(args.json, report)
    say(f"\ndone in {meta['total_seconds'] / 60:.1f} min" + (f"; results in {args.json}" if args.json else ""))
    return 0


def _jsonable(result: dict) -> dict:
    out = dict(result)
    out["samples"] = {
        key: {
            m: [{"seconds": s.seconds, "maxrss_mb": s.maxrss_mb, "tree_mb": s.tree_mb, "by_program_mb": s.by_program_mb} for s in ss]
            for m, ss in per.items()
        }
        for key, per in result["samples"].items()
    }
    return out


def _write_json(path: Path | None, report: dict) -> None:
    if path:
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def write_corpora_only(args: argparse.Namespace) -> int:
    css = (_builtin_theme() / "assets" / "site.css").read_bytes()
    for n in args.pages:
        root = args.corpus_only / str(n)
        if root.exists():
            say(f"{root} exists: remove it first")
            return 2
        docs = corpus.make_corpus(n, seed=args.seed, photo_share=args.photo_share)
        photos = None
        if any(d.photo for d in docs):
            photos = root / "photos"
            corpus.write_photos(photos, docs, args.photo_size)
        corpus.write_bangyang(root / "bangyang", docs, photos, theme_dir=_builtin_theme())
        peers.write_hugo(root / "hugo", docs, photos, css)
        peers.write_eleventy(root / "eleventy", docs, photos, css)
        peers.write_pelican(root / "pelican", docs, photos, css)
        say(
            f"{root}: bangyang/ hugo/ eleventy/ pelican/  (build ours: SOURCE_DATE_EPOCH={corpus.SOURCE_DATE_EPOCH} python -m generator build --site {root}/bangyang)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
