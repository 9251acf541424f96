"""Problems: what a stage found wrong with the user's input.

Stages never raise for a user's mistake; they append a `Problem` and carry on,
so one build reports everything at once. The CLI prints them sorted by file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # shown to the user: relative to the site folder when possible
    line: int  # 1-based; 0 when the whole file (or no file) is meant
    field: str
    message: str
    hint: str = ""
    warning: bool = False

    def format(self) -> str:
        where = visible(self.path or "site")
        if self.line:
            where += f":{self.line}"
        label = "警告 warning" if self.warning else "错误 error"
        text = f"{where}: {label}"
        if self.field:
            text += f" [{visible(self.field)}]"
        text += f": {visible(self.message)}"
        if self.hint:
            text += f"\n    提示 hint: {visible(self.hint)}"
        return text


# Control characters (C0 but tab, DEL, C1): a value echoed raw could retitle or
# clear the clerk's terminal (ESC ] 0 ; … BEL, ESC [ 2 J). They are shown as \x.. instead.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    """A control character (tab included) in a name: no file should have one,
    and the system refuses to look up a path with a NUL."""
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def visible(text: str) -> str:
    """`text` with every control character written out as \\xNN."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass
class Problems:
    """Collects problems; `rel_to` makes paths short and readable."""

    rel_to: Path | None = None
    items: list[Problem] = field(default_factory=list)

    def _name(self, path: Path | str | None) -> str:
        if path is None:
            return ""
        if isinstance(path, Path) and self.rel_to is not None:
            try:
                # absolute(), not resolve(): a looping symlink must still get a name
                return path.absolute().relative_to(self.rel_to.absolute()).as_posix()
            except ValueError:
                return str(path)
        return str(path)

    def error(self, path: Path | str | None, line: int, field: str, message: str, hint: str = "") -> None:
        self.items.append(Problem(self._name(path), line, field, message, hint))

    def warn(self, path: Path | str | None, line: int, field: str, message: str, hint: str = "") -> None:
        self.items.append(Problem(self._name(path), line, field, message, hint, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if not p.warning)

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.warning)

    def __bool__(self) -> bool:
        return any(not p.warning for p in self.items)


class BuildFailed(Exception):
    """Raised at the gate when problems were collected; carries them to the CLI."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
