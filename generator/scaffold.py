"""`bangyang new` and `bangyang init`: files staff start from.

A scaffold lists every field of its kind with a Chinese comment (from
schema.py, the same table the loader validates with) and builds as it is.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

from .config import Config, example_site_dir
from .schema import KIND_NAMES, KINDS

_BODIES = {
    "profile": "## 主要事迹\n\n在这里写先进事迹。每段之间空一行。\n\n## 群众评价\n\n在这里写同事和群众的评价。\n",
    "activity": "## 活动安排\n\n- 时间：\n- 地点：\n- 内容：\n\n## 参与方式\n\n在这里写报名和参与方式。\n",
    "slogan": "",
    "page": "在这里写页面内容。\n",
}
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


GITIGNORE = """\
# bangyang 生成的文件夹：网站 output/ 和缓存 .bangyang-cache/（可随时删除），不放进版本库
# (made by bangyang: the site and its cache, not kept in version control)
/output/
/.bangyang-cache/
"""


def init_site(target: Path) -> None:
    """Copy the example site (site.toml and content/) into an empty folder,
    with a .gitignore for what builds make there."""
    source = example_site_dir()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "site.toml", target / "site.toml")
    shutil.copytree(source / "content", target / "content")
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
