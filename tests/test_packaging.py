"""The wheel carries the theme and the example site, so the command works
outside the repository."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    return next(dist.glob("bangyang-*.whl"))


def test_the_wheel_ships_the_theme_and_the_example_site(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "generator/_theme/base.html" in names
    assert "generator/_theme/assets/site.css" in names
    assert "generator/_example/site.toml" in names
    assert any(n.startswith("generator/_example/content/profiles/") for n in names)
    assert not any(n.startswith(("tests/", "output/")) for n in names)


def _site_packages_of_this_python() -> list[str]:
    """Where the running interpreter finds its dependencies: its own (or its
    virtual environment's) site-packages, the system ones it sees, the user's."""
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return [d for d in dirs if Path(d).is_dir()]


def test_an_installed_package_inits_and_builds_a_site_outside_the_repository(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = str(bindir / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True)
    own = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], check=True, capture_output=True, text=True
    )
    own_site = Path(own.stdout.strip())
    # The dependencies come from the environment running the tests (no download),
    # whether or not that is a virtual environment. Plain directory lines: the
    # .pth files in them are not read, so an editable install of the checkout
    # found there cannot put the repository on the path.
    (own_site / "zz_test_dependencies.pth").write_text("\n".join(_site_packages_of_this_python()) + "\n", encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH")}
    run = {"cwd": work, "env": env, "capture_output": True, "text": True, "encoding": "utf-8"}
    code = "import json, sys, generator, PIL; print(json.dumps([generator.__file__, sys.path]))"
    where, path = json.loads(subprocess.run([python, "-c", code], check=True, **run).stdout)
    assert Path(where).parent == own_site / "generator"  # the installed wheel, not the checkout
    assert not any(p and Path(p).resolve() == REPO for p in path)
    assert subprocess.run([str(bindir / "bangyang"), "init", "mysite"], **run).returncode == 0
    result = subprocess.run([str(bindir / "bangyang"), "build", "--site", "mysite"], **run)
    assert result.returncode == 0, result.stderr
    index = (work / "mysite/output/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index
    assert (work / "mysite/output/assets/site.css").stat().st_size > 100
