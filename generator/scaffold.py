"""`bangyang new` and `bangyang init`: files staff start from.

A scaffold lists every field of its kind with a Chinese comment (from
schema.py, the same table the loader validates with) and builds as it is.
What it leaves for the clerk to fill in ("在这里写…", 0000 numbers, an
example.gov.cn address) is warned about until replaced (placeholders.py).
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

from .config import DEFAULT_CATEGORIES, DEFAULT_THEMES, Config, example_site_dir
from .schema import KIND_NAMES, KINDS

_BODIES = {
    "profile": "## 主要事迹\n\n在这里写先进事迹。每段之间空一行。\n\n## 群众评价\n\n在这里写同事和群众的评价。\n",
    "activity": "## 活动安排\n\n- 时间：\n- 地点：\n- 内容：\n\n## 参与方式\n\n在这里写报名和参与方式。\n",
    "slogan": "",
    "page": "在这里写页面内容。\n",
}
# What a clerk replaces (the headings stay): placeholders.py warns while any of it is left.
PLACEHOLDER_LINES = frozenset(line for body in _BODIES.values() for line in body.splitlines() if line and not line.startswith("#"))
_FOLDERS = {"profile": "profiles", "activity": "activities", "slogan": "slogans", "page": "pages"}
_BAD_FILENAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\s]+')


def scaffold_text(kind: str, title: str, config: Config, today: datetime, chinese: bool = False) -> str:
    """Every field of `kind` with its comment; `chinese` writes 姓名: … instead of name: …."""
    values = {
        "title": _yaml_text(title),
        "category": config.categories[0],
        "theme": config.themes[0],
        "today": today.strftime("%Y-%m-%d"),
    }
    lines = ["---"]
    for spec in KINDS[kind]:
        value = spec.example.format(**values) if spec.example else ""
        key = spec.zh if chinese else spec.name
        lines.append(f"{key}: {value}".rstrip() + f"  # {spec.comment}")
    lines.append("---")
    body = _BODIES[kind]
    return "\n".join(lines) + "\n" + (f"\n{body}" if body else "")


def _yaml_text(text: str) -> str:
    """Quote when YAML would misread the text (colons, leading symbols, yes/no)."""
    if re.search(r":\s|#|^[\s\-?\[\]{}!&*|>'\"%@`,]|^(yes|no|on|off|true|false|null|~)$", text, re.I) or text != text.strip():
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def new_file_path(kind: str, title: str, config: Config) -> Path:
    name = _BAD_FILENAME.sub("-", title).strip("-.")[:40] or KIND_NAMES[kind]
    folder = config.content_dir / _FOLDERS[kind]
    if kind in ("profile", "activity"):
        return folder / name / "index.md"  # a bundle: photos go beside it
    return folder / f"{name}.md"


def _toml_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


# `init --empty`: every setting a page shows, as an obvious blank to fill in.
EMPTY_SITE_TOML = f"""\
# 网站设置。“请填写”、example 网址和一串 0 都是占位，发布前改成本单位的真实信息：
# 没改完时 bangyang build 和 bangyang check 会给出警告，bangyang check --audit 不通过。
title = "请填写网站名称"
description = "请填写一句话网站简介"
base_url = "https://www.example.gov.cn/"  # 网站正式发布的网址；放在子路径下时写完整路径
language = "zh-CN"
timezone = "Asia/Shanghai"

[profiles]
categories = {_toml_list(DEFAULT_CATEGORIES)}  # 先进典型的类别

[activities]
themes = {_toml_list(DEFAULT_THEMES)}  # 主题活动的主题

# 每个页面的页脚
[footer]
organizer = "请填写主办单位"
contact = "电话：0000-0000000　地址：请填写"
icp = "ICP备00000000号"  # ICP 备案号，链接到工信部备案网站
police = "公网安备 00000000000000号"  # 公安备案号；没有就删掉这一行

# 电子显示屏（可选）：每块屏幕生成 /kiosk/<name>/，在屏幕浏览器中全屏打开即可。
# [[kiosk]]
# name = "lobby"
# title = "一楼大厅"
# show = ["slogans", "profiles:featured", "activities:upcoming"]
"""


GITIGNORE = """\
# bangyang 生成的文件夹：网站 output/ 和缓存 .bangyang-cache/（可随时删除），不放进版本库
# (made by bangyang: the site and its cache, not kept in version control)
/output/
/.bangyang-cache/
"""


def init_site(target: Path, empty: bool = False) -> None:
    """Copy the example site (site.toml and content/) into an empty folder;
    `empty`: settings to fill in and the content folders, nothing else.
    Either way with a .gitignore for what builds make there."""
    target.mkdir(parents=True, exist_ok=True)
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    if empty:
        (target / "site.toml").write_text(EMPTY_SITE_TOML, encoding="utf-8")
        for folder in _FOLDERS.values():
            (target / "content" / folder).mkdir(parents=True, exist_ok=True)
        return
    source = example_site_dir()
    shutil.copy2(source / "site.toml", target / "site.toml")
    shutil.copytree(source / "content", target / "content")
