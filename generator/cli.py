"""The `bangyang` command: parses arguments, runs the pipeline, prints.

User mistakes end with a list of problems and exit code 1, never a
traceback; usage mistakes exit 2. Internal bugs keep their traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__, quick
from .config import HONOR_LEVELS, Config, load_config
from .importer import IMPORT_KINDS
from .problems import BuildFailed, Problem, Problems
from .schema import KIND_NAMES, KINDS

if TYPE_CHECKING:
    from .register import ScheduledItem
    from .site import SiteModel

# The pipeline (Markdown, Jinja, Pillow…) is imported by the commands that
# use it, not here: a build that finds nothing changed (quick.py) answers
# before a tenth of a second of imports.

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bangyang",
        description="榜样：把先进典型、主题活动和宣传标语生成网站。\nbangyang: build a publicity website from Markdown.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bangyang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令 command")

    def with_site(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--site", type=Path, default=Path("."), metavar="DIR", help="网站文件夹（默认当前文件夹） site folder (default: current folder)"
        )
        return p

    b = with_site(sub.add_parser("build", help="生成网站到 output/  build the site into output/", description="生成网站。Build the site."))
    b.add_argument("--drafts", action="store_true", help="包括草稿 include drafts")
    b.add_argument("--future", action="store_true", help="包括日期在将来的先进典型和标语 include future-dated profiles and slogans")
    b.add_argument("--base-url", metavar="URL", help="覆盖 site.toml 的 base_url  override base_url")
    b.add_argument("--out", type=Path, metavar="DIR", help="输出文件夹（默认 output/） output folder")
    b.add_argument(
        "-j", "--jobs", type=int, default=0, metavar="N", help="并行进程数（默认全部核心） worker processes (default: all cores)"
    )
    b.add_argument("--timings", action="store_true", help="结束时列出每个阶段的用时 print how long each stage took")

    c = with_site(
        sub.add_parser(
            "check",
            help="只检查，不生成  validate everything, write nothing",
            description="检查全部内容，不写任何文件。Validate everything; write nothing.",
        )
    )
    c.add_argument("--drafts", action="store_true", help="包括草稿 include drafts")
    c.add_argument("--future", action="store_true", help="包括将来的内容 include future-dated profiles and slogans")
    c.add_argument(
        "--audit",
        action="store_true",
        help="合规检查：日期、栏目更新、页脚备案、链接、图片说明、外部资源（先生成到临时文件夹）  "
        "publishing-compliance audit (builds into a temporary folder)",
    )
    c.add_argument(
        "--stale-days",
        type=int,
        default=14,
        metavar="N",
        help="栏目超过 N 天没有新内容算不合格（默认 14） a section with nothing new for N days fails (default 14)",
    )

    s = with_site(
        sub.add_parser(
            "serve",
            help="实时预览  build, serve and rebuild on every change",
            description="生成并在本机预览网站，修改文件后自动刷新浏览器。Preview with live reload.",
        )
    )
    s.add_argument("--port", type=int, default=8000, help="端口（默认 8000） port")
    s.add_argument("--host", default="127.0.0.1", help="地址（默认只允许本机访问 127.0.0.1） address to bind")
    s.add_argument("--drafts", action="store_true", help="包括草稿 include drafts")
    s.add_argument("--future", action="store_true", help="包括日期在将来的先进典型和标语 include future-dated profiles and slogans")
    s.add_argument("--open", action="store_true", help="在浏览器中打开 open a browser")
    s.add_argument("--poll", action="store_true", help="定时检查文件（网络文件夹用） poll for changes (network folders)")

    n = with_site(
        sub.add_parser(
            "new",
            help="新建内容文件  scaffold a content file",
            description="新建一个内容文件，每个字段都有中文说明。Scaffold a file with every field explained.",
        )
    )
    n.add_argument(
        "kind", choices=list(KINDS), metavar="类型 kind", help="profile（先进典型） activity（主题活动） slogan（宣传标语） page（页面）"
    )
    n.add_argument("title", metavar="标题 title", help="姓名或标题，例如 张三  name or title")
    n.add_argument("--zh", action="store_true", help="字段名用中文（姓名、类别、日期……） Chinese field names")

    im = with_site(
        sub.add_parser(
            "import",
            help="从 Word 文档导入  import a Word .docx",
            description="把 Word/WPS 文档（.docx）变成一篇内容：正文、图片和前言区。Turn a .docx into a content bundle.",
        )
    )
    im.add_argument("file", type=Path, metavar="文件 FILE", help="Word 文档，例如 张三事迹.docx  a .docx file")
    im.add_argument(
        "--as",
        dest="kind",
        required=True,
        choices=list(IMPORT_KINDS),
        metavar="类型 kind",
        help="profile（先进典型） activity（主题活动） page（页面）",
    )
    im.add_argument("--title", metavar="标题 TITLE", help="姓名或标题（默认取文档的第一个标题） name or title (default: the first heading)")

    ls = with_site(
        sub.add_parser(
            "list",
            help="先进典型名册、活动清单  the register of role models, the list of activities",
            description="列出先进典型（每项荣誉一行）或主题活动，可导出 CSV（Excel/WPS 直接打开）。"
            "List role models (one row per honor) or activities; CSV opens in Excel/WPS.",
        )
    )
    ls.add_argument(
        "what", choices=["profiles", "activities"], metavar="profiles|activities", help="profiles（先进典型） activities（主题活动）"
    )
    ls.add_argument("--category", metavar="类别", help="只列这个类别，例如 道德模范  only this category")
    ls.add_argument("--level", metavar="级别", help="只列这个级别的荣誉：国家级 省级 市级 县级 单位级  only honors of this level")
    ls.add_argument("--year", type=int, metavar="年份", help="先进典型：荣誉年份；活动：开始年份  honor year / activity year")
    ls.add_argument("--theme", metavar="主题", help="只列这个主题的活动  only activities of this theme")
    ls.add_argument("--format", choices=["table", "csv", "json"], default="table", help="table（表格，默认） csv json")
    ls.add_argument("-o", "--output", type=Path, metavar="FILE", help="写入文件，例如 名册.csv  write to a file")
    ls.add_argument("--drafts", action="store_true", help="包括草稿 include drafts")
    ls.add_argument("--future", action="store_true", help="包括日期在将来的先进典型 include future-dated profiles")

    st = with_site(
        sub.add_parser(
            "stats",
            help="统计：按类别、级别、年份、主题  counts per category, level, year, theme",
            description="统计先进典型、荣誉和主题活动的数量。Counts of role models, honors and activities.",
        )
    )
    st.add_argument("--format", choices=["table", "json"], default="table", help="table（默认） json")
    st.add_argument("--drafts", action="store_true", help="包括草稿 include drafts")
    st.add_argument("--future", action="store_true", help="包括日期在将来的先进典型和标语 include future-dated profiles and slogans")

    i = sub.add_parser(
        "init",
        help="新建网站（含示例内容）  create a new site with sample content",
        description="新建一个网站文件夹，带示例内容；加 --empty 只有设置和空文件夹。"
        "Create a new site with sample content; --empty: settings and folders only.",
    )
    i.add_argument("dir", type=Path, metavar="DIR", help="新网站的文件夹 folder for the new site")
    i.add_argument("--empty", action="store_true", help="不要示例内容，只建设置和空文件夹  settings and empty folders only")
    return parser


def run() -> NoReturn:
    """The `bangyang` command: main(), then leave at once.

    A build of 10,000 pages ends holding millions of objects (the site, the
    cache); Python's orderly exit frees them one by one, a third of a second
    of nothing after the work is done and saved. Everything main() opened is
    closed by then: pools joined, files written, background removals waited for."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`bangyang build | head`)
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A Windows console may not encode every character; never crash on output.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "init":
        return _init(args.dir, args.empty)
    site_dir: Path = args.site
    if not site_dir.is_dir():
        print(
            f"错误：找不到网站文件夹 {site_dir}  (no such folder)\n    提示：用 --site 指定网站文件夹，或先运行 bangyang init {site_dir}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    problems = Problems(rel_to=site_dir.resolve())
    if args.command == "new":
        config = load_config(site_dir, problems)
        return _report(problems) or _new(config, args.kind, args.title, chinese=args.zh)
    if args.command == "check":
        config = load_config(site_dir, problems, drafts=args.drafts, future=args.future)
        if args.audit:
            return _report(problems, _CHECK_FAILED) or _audit(config, problems, args.stale_days)
        from .build import check_site, site_images
        from .cache import load_cache
        from .images import ImageCache, plan_images
        from .inputs import scan_inputs
        from .register import scheduled_items

        # The last build's documents: check reads only files changed since (and never saves).
        cache = load_cache(_cache_file(config))
        scan = scan_inputs(config)
        site, _ = check_site(config, problems, cache, scan)
        if site is not None:
            # A throwaway cache object: check reads the index but never writes it.
            plan_images(site_images(site), problems, ImageCache(config.cache_dir), config.image_widths, config.avif)
        code = _report(problems, _CHECK_FAILED)
        if not code:
            print(
                f"检查通过：先进典型 {len(site.profiles)}，主题活动 {len(site.activities)}，标语 {len(site.slogans)}，页面 {len(site.pages)}  (all good)"
            )
            _print_scheduled(scheduled_items(config, site.now, cache.load, scan), config)
        return code
    if args.command == "import":
        config = load_config(site_dir, problems)
        return _report(problems) or _import(config, args)
    if args.command in ("list", "stats"):
        from .build import check_site

        config = load_config(site_dir, problems, drafts=args.drafts, future=args.future)
        site, _ = check_site(config, problems)
        if _report(problems):
            return EXIT_PROBLEMS
        return _list(site, args) if args.command == "list" else _stats(site, args.format)
    if args.command == "serve":
        config = load_config(site_dir, problems, drafts=args.drafts, future=args.future)
        return _report(problems) or _serve(config, args)
    config = load_config(
        site_dir,
        problems,
        output_dir=args.out,
        base_url=args.base_url,
        drafts=args.drafts,
        future=args.future,
        jobs=args.jobs,
    )
    if problems:
        return _report(problems, _NOTHING_BUILT)
    started = time.perf_counter()
    saved = quick.manifest_path(_cache_file(config))
    same, scan = quick.unchanged(saved, config, problems.rel_to, quick.build_time().astimezone(config.tz))
    if same is not None:
        for line in same.warnings:
            print(line, file=sys.stderr)
        seconds = time.perf_counter() - started
        print(
            f"完成：没有改动，{same.pages} 个页面都是最新的，用时 {seconds:.2f} 秒 → {config.output_dir}  "
            f"(nothing changed: {same.pages} pages up to date, {same.images} images, {seconds:.2f} s){_how_to_view(config, args.site)}"
        )
        return EXIT_OK
    from .build import BuildOptions, build

    options = BuildOptions(
        on_lock_wait=lambda: print("另一个生成正在进行，等待它结束… (waiting for another build)", file=sys.stderr),
        scan=scan,
    )
    try:
        result = build(config, problems, options=options)
    except BuildFailed:
        return _report(problems, _NOTHING_BUILT)
    except KeyboardInterrupt:
        print("\n已取消，output/ 保持不变 (cancelled; output unchanged)", file=sys.stderr)
        return 130
    _print_problems(result.warnings)
    print(
        f"完成：{result.pages} 个页面，图片新生成 {result.images_made} / 来自缓存 {result.images_cached}，"
        f"用时 {result.seconds:.2f} 秒 → {config.output_dir}  "
        f"(built {result.pages} pages, {result.images_made} images made, {result.images_cached} cached, {result.seconds:.2f} s)"
        f"{_how_to_view(config, args.site)}"
    )
    if args.timings:
        print(format_timings(result.timings, result.seconds))
    return EXIT_OK


def format_timings(stages: tuple[tuple[str, float], ...], total: float) -> str:
    """The stages of a build as a table, slowest visible at a glance."""
    width = max((len(name) for name, _ in stages), default=0) + 2
    lines = ["各阶段用时 stage timings:"]
    for name, seconds in stages:
        share = seconds / total * 100 if total else 0.0
        lines.append(f"  {name:<{width}}{seconds:8.3f} s {share:5.1f}%  {'█' * round(share / 4)}")
    lines.append(f"  {'合计 total':<{width}}{total:8.3f} s")
    return "\n".join(lines)


def _how_to_view(config: Config, site_arg: Path) -> str:
    """The end of a build's summary line: how to look at what it made."""
    folder = str(site_arg)
    site = "" if site_arg == Path(".") else f' --site "{folder}"' if " " in folder else f" --site {folder}"
    return f"；查看 view: bangyang serve{site}，或打开 or open {config.output_dir / 'index.html'}"


def _cache_file(config: Config) -> Path:
    from .cache import cache_file

    return cache_file(config.cache_dir, config.output_dir)


def _print_problems(items: list[Problem] | tuple[Problem, ...]) -> None:
    for problem in items:
        print(problem.format(), file=sys.stderr)


_NOTHING_BUILT = "未生成网站，output/ 保持不变。 ({n} error(s); nothing was written)"
_NOTHING_DONE = "请改正后再运行。 ({n} error(s); nothing was done)"
_CHECK_FAILED = "检查未通过，请改正后再运行 bangyang check。 ({n} error(s))"


def _report(problems: Problems, outcome: str = _NOTHING_DONE) -> int:
    """Print warnings and errors sorted by file; 1 if there were errors.
    `outcome` says what the errors meant for this command (check never builds)."""
    _print_problems(problems.warnings)
    errors = problems.errors
    _print_problems(errors)
    if errors:
        print(f"\n共 {len(errors)} 处错误，" + outcome.format(n=len(errors)), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _serve(config: Config, args: argparse.Namespace) -> int:
    from .serve import DevServer

    try:
        server = DevServer(config, host=args.host, port=args.port, poll=args.poll, drafts=args.drafts)
    except OSError as exc:
        print(
            f"错误：无法使用端口 {args.port}（{exc.strerror}） (port unavailable)\n    提示：换一个端口，例如 --port 8001", file=sys.stderr
        )
        return EXIT_USAGE
    server.start()
    print(f"预览地址 preview: {server.url}  （按 Ctrl-C 停止 press Ctrl-C to stop）")
    if args.open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\n已停止 stopped")
    finally:
        server.stop()
    return EXIT_OK


def _new(config: Config, kind: str, title: str, chinese: bool = False) -> int:
    from .scaffold import new_file_path, scaffold_text

    path = new_file_path(kind, title.strip(), config)
    if path.exists():
        print(f"错误：{path} 已存在，没有覆盖 (already exists)", file=sys.stderr)
        return EXIT_PROBLEMS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold_text(kind, title.strip(), config, quick.build_time().astimezone(config.tz), chinese), encoding="utf-8")
    print(f"已新建{KIND_NAMES[kind]}：{path}  (created)")
    if kind in ("profile", "activity"):
        print(f"把照片放进 {path.parent} 文件夹，再在文件里填写 {'photo' if kind == 'profile' else 'cover'}: 文件名")
    return EXIT_OK


def _init(target: Path, empty: bool = False) -> int:
    if target.exists() and any(target.iterdir()):
        print(f"错误：{target} 不是空文件夹，没有改动 (folder not empty)\n    提示：换一个新文件夹名", file=sys.stderr)
        return EXIT_USAGE
    from .scaffold import init_site

    init_site(target, empty)
    settings = target / "site.toml"
    if empty:
        print(f"已新建网站：{target}，只有设置和空文件夹  (created: settings and empty folders)")
        print(
            f"下一步：在 {settings} 里填写网站名称、网址、主办单位和备案号，用 bangyang new profile 姓名 --site {target} 添加先进典型，再运行 bangyang build --site {target}"
        )
        return EXIT_OK
    print(f"已新建网站：{target}  (created)")
    print(
        "其中是示例内容：虚构的先进典型、主题活动、标语和页面，示例网址、电话和备案号；发布前删掉或换成本单位的 (sample content: replace it before publishing)"
    )
    print("只要设置和空文件夹：bangyang init --empty 文件夹名  (settings and folders only)")
    print(f"下一步：bangyang build --site {target}；发布前改好 {settings}")
    return EXIT_OK


def _print_scheduled(items: list[ScheduledItem], config: Config) -> None:
    """What a later build publishes by itself (cron / Task Scheduler), soonest first."""
    if not items:
        return
    print(f"计划发布 scheduled（{len(items)}）：到时运行 bangyang build 即自动公开 (appear with the first build on or after the date)")
    for item in items:
        what = "先进典型" if item.kind == "profile" else "宣传标语"
        when = item.when.strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00")
        until = f"（展示到 {(item.until - timedelta(seconds=1)):%Y-%m-%d}）" if item.until else ""
        rel = item.source.relative_to(config.site_dir).as_posix() if item.source.is_relative_to(config.site_dir) else str(item.source)
        print(f"  {when}  {what}  {item.title}{until}  {rel}")


def _audit(config: Config, problems: Problems, stale_days: int) -> int:
    from .audit import audit_site, format_report

    if stale_days < 1:
        print("错误：--stale-days 至少为 1 (must be at least 1)", file=sys.stderr)
        return EXIT_USAGE
    report = audit_site(config, problems, stale_days)
    code = _report(problems, _CHECK_FAILED)
    if report is None:
        return code or EXIT_PROBLEMS
    print(format_report(report), end="")
    return EXIT_OK if report.passed else EXIT_PROBLEMS


def _import(config: Config, args: argparse.Namespace) -> int:
    from .importer import ImportRefused, read_docx, write_bundle

    now = quick.build_time().astimezone(config.tz)
    try:
        bundle = read_docx(args.file, args.kind, config, now, args.title)
        write_bundle(bundle)
    except ImportRefused as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"已导入{KIND_NAMES[bundle.kind]}：{bundle.index}  (imported)")
    print(f"  标题 title：{bundle.title}（取自{bundle.title_from}）")
    if bundle.kind != "page":
        found = bundle.found_date.strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00") if bundle.found_date else None
        print(f"  日期 date：{found}（取自正文，请核对）" if found else f"  日期 date：文档里没有日期，已填今天 {now:%Y-%m-%d}，请核对")
    if bundle.images:
        print(f"  图片 images：{len(bundle.images)} 张，已放在 {bundle.folder}：{'、'.join(i.name for i in bundle.images)}")
        if bundle.kind == "profile":
            print(f"    如果其中有本人照片，填写 photo: {bundle.images[0].name}（用哪张就写哪张）")
    for note in bundle.skipped:
        print(f"  警告 warning：{note}", file=sys.stderr)
    from .build import check_site

    problems = Problems(rel_to=config.site_dir)
    check_site(config, problems)
    mine = [p for p in problems.items if p.path.startswith(bundle.folder.relative_to(config.site_dir).as_posix())]
    _print_problems(mine)
    if any(not p.warning for p in mine):
        print("导入的文件还需要修改，见上面的错误；改完运行 bangyang check (fix the errors above)", file=sys.stderr)
        return EXIT_PROBLEMS
    todo = {
        "profile": "核对类别和日期，补充单位、职务、荣誉等",
        "activity": "核对主题和开始时间，补充结束时间、地点、主办单位等",
        "page": "核对标题和正文",
    }[bundle.kind]
    print(f"下一步：打开文件{todo}，然后运行 bangyang check  (next: review the fields, then run check)")
    return EXIT_OK


def _list(site: SiteModel, args: argparse.Namespace) -> int:
    from .register import (
        ACTIVITY_COLUMNS,
        PROFILE_COLUMNS,
        activity_rows,
        honor_rows,
        profile_records,
        rows_as_lists,
        to_csv,
        to_json,
        to_text_table,
    )

    config = site.config
    wrong = (
        _wrong_filter(args.category, config.categories, "--category", "类别")
        or _wrong_filter(args.level, HONOR_LEVELS, "--level", "级别")
        or _wrong_filter(args.theme, config.themes, "--theme", "主题")
    )
    if args.what == "activities" and (args.category or args.level):
        wrong = "错误：--category 和 --level 只用于 profiles；活动用 --theme 和 --year (only for profiles)"
    if args.what == "profiles" and args.theme:
        wrong = "错误：--theme 只用于 activities；先进典型用 --category、--level、--year (only for activities)"
    if wrong:
        print(wrong, file=sys.stderr)
        return EXIT_USAGE
    if args.what == "profiles":
        rows = honor_rows(site, args.category, args.year, args.level)
        columns, records = PROFILE_COLUMNS, profile_records(rows)
    else:
        rows = activity_rows(site, args.theme, args.year)
        columns, records = ACTIVITY_COLUMNS, [asdict(row) for row in rows]
    header, cells = [label for _, label in columns], rows_as_lists(rows, columns)
    if args.format == "csv":
        data = to_csv(header, cells)
    elif args.format == "json":
        data = to_json(records)
    elif args.output is None and sys.stdout.isatty():
        _rich_table(header, cells)
        return EXIT_OK
    else:
        data = to_text_table(header, cells).encode("utf-8")
    return _emit(data, args.output, f"共 {len(rows)} 行 ({len(rows)} rows)")


def _stats(site: SiteModel, fmt: str) -> int:
    from .register import site_stats, stats_json, stats_sections, to_json, to_text_table

    stats = site_stats(site)
    if fmt == "json":
        return _emit(to_json(stats_json(stats)), None, "")
    blocks = []
    for heading, counts in stats_sections(stats):
        table = to_text_table(["", "数量"], [[label, n] for label, n in counts]).splitlines()[2:] if counts else ["（无）"]
        blocks.append(heading + "\n" + "\n".join("  " + line for line in table))
    blocks.append(f"宣传标语 slogans：{stats.slogans} 条")
    print("\n\n".join(blocks))
    return EXIT_OK


def _wrong_filter(value: str | None, allowed: tuple[str, ...], option: str, what: str) -> str:
    if value is None or value in allowed:
        return ""
    return f"错误：没有这个{what}“{value}” (unknown {option})\n    提示：可选 {'、'.join(allowed)}"


def _emit(data: bytes, output: Path | None, summary: str) -> int:
    """Bytes to a file or to stdout as they are: a console's own encoding must not re-encode CSV."""
    if output is not None:
        try:
            output.write_bytes(data)
        except OSError as exc:
            print(f"错误：无法写入 {output}：{exc.strerror or exc} (cannot write)", file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"已写入 {output}，{summary}  (written)")
        return EXIT_OK
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return EXIT_OK


def _rich_table(header: list[str], cells: list[list[object]]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    for label in header:
        # dates, years and levels never break; names and units fold when the window is narrow
        table.add_column(label, no_wrap=label in ("年份", "级别", "发布日期", "开始", "结束", "状态"), overflow="fold")
    for row in cells:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)
