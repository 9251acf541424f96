"""The `bangyang` command: parses arguments, runs the pipeline, prints.

User mistakes end with a list of problems and exit code 1, never a
traceback; usage mistakes exit 2. Internal bugs keep their traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__
from .build import build, build_time, check_site, site_images
from .config import Config, load_config
from .images import ImageCache, plan_images
from .problems import BuildFailed, Problem, Problems
from .scaffold import init_site, new_file_path, scaffold_text
from .schema import KIND_NAMES, KINDS

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
    b.add_argument("--future", action="store_true", help="包括日期在将来的先进典型 include future-dated profiles")
    b.add_argument("--base-url", metavar="URL", help="覆盖 site.toml 的 base_url  override base_url")
    b.add_argument("--out", type=Path, metavar="DIR", help="输出文件夹（默认 output/） output folder")
    b.add_argument(
        "-j", "--jobs", type=int, default=0, metavar="N", help="并行进程数（默认全部核心） worker processes (default: all cores)"
    )

    c = with_site(
        sub.add_parser(
            "check",
            help="只检查，不生成  validate everything, write nothing",
            description="检查全部内容，不写任何文件。Validate everything; write nothing.",
        )
    )
    c.add_argument("--drafts", action="store_true", help="包括草稿 include drafts")
    c.add_argument("--future", action="store_true", help="包括将来的内容 include future-dated profiles")

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
    s.add_argument("--future", action="store_true", help="包括日期在将来的先进典型 include future-dated profiles")
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

    i = sub.add_parser(
        "init",
        help="新建网站（含示例内容）  create a new site with sample content",
        description="新建一个网站文件夹，带示例内容。Create a new site with sample content.",
    )
    i.add_argument("dir", type=Path, metavar="DIR", help="新网站的文件夹 folder for the new site")
    return parser


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
        return _init(args.dir)
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
        return _report(problems) or _new(config, args.kind, args.title)
    if args.command == "check":
        config = load_config(site_dir, problems, drafts=args.drafts, future=args.future)
        site, _ = check_site(config, problems)
        if site is not None:
            # A throwaway cache object: check reads the index but never writes it.
            plan_images(site_images(site), problems, ImageCache(config.cache_dir), config.image_widths, config.avif)
        code = _report(problems)
        if not code:
            print(
                f"检查通过：先进典型 {len(site.profiles)}，主题活动 {len(site.activities)}，标语 {len(site.slogans)}，页面 {len(site.pages)}  (all good)"
            )
        return code
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
        return _report(problems)
    try:
        result = build(
            config, problems, on_lock_wait=lambda: print("另一个生成正在进行，等待它结束… (waiting for another build)", file=sys.stderr)
        )
    except BuildFailed:
        return _report(problems)
    except KeyboardInterrupt:
        print("\n已取消，output/ 保持不变 (cancelled; output unchanged)", file=sys.stderr)
        return 130
    _print_problems(result.warnings)
    print(
        f"完成：{result.pages} 个页面，图片新生成 {result.images_made} / 来自缓存 {result.images_cached}，"
        f"用时 {result.seconds:.2f} 秒 → {config.output_dir}  "
        f"(built {result.pages} pages, {result.images_made} images made, {result.images_cached} cached, {result.seconds:.2f} s)"
    )
    return EXIT_OK


def _print_problems(items: list[Problem] | tuple[Problem, ...]) -> None:
    for problem in items:
        print(problem.format(), file=sys.stderr)


def _report(problems: Problems) -> int:
    """Print warnings and errors sorted by file; 1 if there were errors."""
    _print_problems(problems.warnings)
    errors = problems.errors
    _print_problems(errors)
    if errors:
        print(f"\n共 {len(errors)} 处错误，未生成网站，output/ 保持不变。 ({len(errors)} error(s); nothing was written)", file=sys.stderr)
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


def _new(config: Config, kind: str, title: str) -> int:
    path = new_file_path(kind, title.strip(), config)
    if path.exists():
        print(f"错误：{path} 已存在，没有覆盖 (already exists)", file=sys.stderr)
        return EXIT_PROBLEMS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold_text(kind, title.strip(), config, build_time().astimezone(config.tz)), encoding="utf-8")
    print(f"已新建{KIND_NAMES[kind]}：{path}  (created)")
    if kind in ("profile", "activity"):
        print(f"把照片放进 {path.parent} 文件夹，再在文件里填写 {'photo' if kind == 'profile' else 'cover'}: 文件名")
    return EXIT_OK


def _init(target: Path) -> int:
    if target.exists() and any(target.iterdir()):
        print(f"错误：{target} 不是空文件夹，没有改动 (folder not empty)\n    提示：换一个新文件夹名", file=sys.stderr)
        return EXIT_USAGE
    init_site(target)
    print(f"已新建网站：{target}  (created)\n下一步：bangyang build --site {target}")
    return EXIT_OK
