"""The wheel carries the theme and the example site, so the command works
outside the repository."""

from __future__ import annotations

import os
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


def test_an_installed_package_inits_and_builds_a_site_outside_the_repository(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    # System site-packages provide the dependencies (no network needed for them).
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = {"cwd": work, "env": env, "capture_output": True, "text": True, "encoding": "utf-8"}
    code = "import generator, sys; print(generator.__file__)"
    where = subprocess.run([str(bindir / "python"), "-c", code], check=True, **run).stdout
    assert str(env_dir) in where  # the installed copy, not the checkout
    assert subprocess.run([str(bindir / "bangyang"), "init", "mysite"], **run).returncode == 0
    result = subprocess.run([str(bindir / "bangyang"), "build", "--site", "mysite"], **run)
    assert result.returncode == 0, result.stderr
    index = (work / "mysite/output/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index
    assert (work / "mysite/output/assets/site.css").stat().st_size > 100
