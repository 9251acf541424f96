"""`bangyang import`: Word documents as clerks write them become bundles that build."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import yaml
from docx import Document
from docx.shared import Inches
from PIL import Image

from generator.importer import find_date, html_to_markdown
from generator.schema import KINDS

EPOCH = "1795838400"  # 2026-11-28 12:00 +08:00


def _png(color: str) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(data, "PNG")
    data.seek(0)
    return data


def make_docx(path: Path, *, title: str = "张三同志先进事迹", date_line: str | None = "2024年3月5日") -> Path:
    """A document like the ones publicity offices send: a title, sections,
    bold and italic, a list, a table, two photos (one described), Word debris."""
    doc = Document()
    doc.add_heading(title, level=1)
    intro = doc.add_paragraph("\u3000\u3000张三，1975年6月1日出生，十堰公路人。他")
    intro.add_run("二十年如一日").bold = True
    intro.add_run("坚守在")
    intro.add_run("养护一线").italic = True
    intro.add_run("。\u00a0\u00a0\u00a0\u00a0多年来风雨无阻。")
    doc.add_paragraph("")
    doc.add_paragraph("\u00a0\u00a0")
    doc.add_heading("主要事迹", level=2)
    doc.add_paragraph("清理塌方 300 余次", style="List Bullet")
    doc.add_paragraph("救助被困群众 26 人", style="List Bullet")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([("年份", "荣誉称号", "级别"), ("2023", "十堰好人", "市级"), ("2024", "湖北省道德模范", "省级")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    described = doc.add_paragraph().add_run().add_picture(_png("#c8102e"), width=Inches(2))
    described._inline.docPr.set("descr", "张三在养护现场")
    doc.add_paragraph().add_run().add_picture(_png("#1f6feb"), width=Inches(2))
    doc.add_heading("群众评价", level=2)
    doc.add_paragraph("“有他在，路就通。”")
    if date_line:
        doc.add_paragraph(date_line)
    doc.save(path)
    return path


def _front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


@pytest.fixture
def dated(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_a_word_document_becomes_a_profile_page_with_headings_lists_table_bold_and_photos(site, tmp_path, capsys, dated):
    source = make_docx(tmp_path / "张三事迹.docx")
    site.write("content/.keep", "")
    assert site.run("import", str(source), "--as", "profile") == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    bundle = site.root / "content/profiles/张三"
    assert str(bundle / "index.md") in out and "2024-03-05" in out
    assert sorted(p.name for p in bundle.iterdir()) == ["image1.png", "image2.png", "index.md"]

    text = (bundle / "index.md").read_text(encoding="utf-8")
    meta = _front(text)
    assert meta["name"] == "张三" and str(meta["date"]) == "2024-03-05" and meta["category"] == "道德模范"
    front = text.split("---\n")[1]
    for spec in KINDS["profile"]:
        assert f"\n{spec.name}:" in "\n" + front and spec.comment in front  # every field, with its Chinese comment
    body = text.split("---\n", 2)[2]
    assert "张三同志先进事迹" not in body  # the title heading became the name
    assert "\u00a0" not in body and "\u3000" not in body and "\n\n\n" not in body

    assert site.run("build") == 0, capsys.readouterr().err
    page = lxml.html.fromstring(site.html("profiles/zhang-san/index.html"))
    prose = page.xpath("//div[@class='prose']")[0]
    assert page.xpath("//h1")[0].text_content() == "张三"
    assert [h.text_content() for h in prose.xpath(".//h2")] == ["主要事迹", "群众评价"]
    assert prose.xpath(".//strong")[0].text_content() == "二十年如一日"
    assert prose.xpath(".//em")[0].text_content() == "养护一线"
    assert [li.text_content() for li in prose.xpath(".//ul/li")] == ["清理塌方 300 余次", "救助被困群众 26 人"]
    assert [th.text_content() for th in prose.xpath(".//table//th")] == ["年份", "荣誉称号", "级别"]
    assert [td.text_content() for td in prose.xpath(".//table/tbody/tr")[1].xpath("td")] == ["2024", "湖北省道德模范", "省级"]
    assert [img.get("alt") for img in prose.xpath(".//img")] == ["张三在养护现场", "图片2"]
    assert all(img.get("src").startswith("../../media/") for img in prose.xpath(".//img"))  # relative: the site browses from disk
    paragraph = prose.xpath("p")[0].text_content()
    assert paragraph.startswith("张三，1975年6月1日出生") and "。 多年来" in paragraph


def test_an_activity_takes_its_date_and_time_from_the_text_and_keeps_photos_out_of_the_gallery(site, tmp_path, capsys, dated):
    source = make_docx(tmp_path / "读书会.docx", title="书香公路读书分享会", date_line="时间：2026年12月3日 下午3:00，全民阅读主题活动")
    site.write("content/.keep", "")
    assert site.run("import", str(source), "--as", "activity") == 0, capsys.readouterr().err
    text = (site.root / "content/activities/书香公路读书分享会/index.md").read_text(encoding="utf-8")
    meta = _front(text)
    assert meta["title"] == "书香公路读书分享会"
    assert str(meta["start"]) == "2026-12-03 15:00" and meta["theme"] == "全民阅读" and meta["gallery"] == []
    assert site.run("build") == 0, capsys.readouterr().err
    page = lxml.html.fromstring(site.html("activities/shu-xiang-gong-lu-du-shu-fen-xiang-hui/index.html"))
    assert page.xpath("//h1")[0].text_content() == "书香公路读书分享会"
    assert page.xpath("//main//time")[0].get("datetime").startswith("2026-12-03T15:00")
    assert len(page.xpath("//div[@class='prose']//img")) == 2


def test_a_page_is_imported_as_a_bundle_and_a_document_without_a_date_is_dated_today(site, tmp_path, capsys, dated):
    source = make_docx(tmp_path / "关于我们.docx", title="关于我们", date_line=None)
    site.write("content/.keep", "")
    assert site.run("import", str(source), "--as", "page") == 0, capsys.readouterr().err
    assert (site.root / "content/pages/关于我们/index.md").is_file()
    assert site.run("build") == 0, capsys.readouterr().err
    assert "关于我们" in site.html("guan-yu-wo-men/index.html")

    undated = make_docx(tmp_path / "李四.docx", title="李四", date_line=None)
    assert site.run("import", str(undated), "--as", "profile") == 0
    out = capsys.readouterr().out
    assert "已填今天 2026-11-28" in out
    text = (site.root / "content/profiles/李四/index.md").read_text(encoding="utf-8")
    assert str(_front(text)["date"]) == "2026-11-28" and "文档里没有日期，已填今天，请核对" in text


def test_the_title_option_names_the_bundle(site, tmp_path, capsys, dated):
    source = make_docx(tmp_path / "材料.docx", title="扎根公路二十年")
    site.write("content/.keep", "")
    assert site.run("import", str(source), "--as", "profile", "--title", "王五") == 0
    assert _front((site.root / "content/profiles/王五/index.md").read_text(encoding="utf-8"))["name"] == "王五"


def _old_doc(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an OLE compound file: .doc, .wps, encrypted .docx
    return path


def _truncated_xml(path: Path) -> Path:
    whole = make_docx(path.with_name("whole.docx"))
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as damaged:
        for item in source.infolist():
            data = source.read(item.filename)
            damaged.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    return path


@pytest.mark.parametrize(
    "name, make",
    [
        ("张三事迹.doc", _old_doc),
        ("张三事迹.wps", _old_doc),
        ("加密.docx", _old_doc),
        ("张三事迹.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n%...") and p),
        ("损坏.docx", lambda p: p.write_bytes(b"PK\x03\x04 truncated") and p),
        ("不是文档.docx", lambda p: p.write_text("随便写的文字", encoding="utf-8") and p),
        ("半截.docx", _truncated_xml),
    ],
    ids=["doc", "wps", "encrypted", "pdf", "damaged", "text-renamed", "truncated-xml"],
)
def test_a_file_that_is_not_a_readable_docx_is_refused_with_save_as_docx_and_nothing_written(site, tmp_path, capsys, name, make):
    source = tmp_path / name
    make(source)
    site.write("content/.keep", "")
    assert site.run("import", str(source), "--as", "profile") == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "另存为" in err and ".docx" in err and "Traceback" not in err
    assert sorted(p.name for p in (site.root / "content").iterdir()) == [".keep"]


def test_import_never_overwrites_an_existing_bundle(site, tmp_path, capsys, dated):
    source = make_docx(tmp_path / "张三事迹.docx")
    site.write("content/profiles/张三/index.md", "mine")
    assert site.run("import", str(source), "--as", "profile") == 1
    assert "已存在" in capsys.readouterr().err
    assert (site.root / "content/profiles/张三/index.md").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in (site.root / "content/profiles/张三").iterdir()) == ["index.md"]


def test_word_html_debris_is_dropped():
    word_html = """
    <p class=MsoNormal style="text-indent:2em"><span lang=EN-US style='font-family:宋体'>　　第一段<o:p></o:p></span></p>
    <p class=MsoNormal><o:p>&nbsp;</o:p></p>
    <p class=MsoNormal><span>&nbsp;&nbsp;&nbsp;</span></p>
    <h2><a name="_Toc1"></a><span style='mso-bidi-font-size:12pt'>二、做法</span></h2>
    <p class=MsoNormal>文字&nbsp;&nbsp;&nbsp;&nbsp;中间<b>加粗</b><!-- x --><sup><a href="#footnote-1">[1]</a></sup></p>
    <ol><li id="footnote-1"><p>注释 <a href="#footnote-ref-1">↑</a></p></li></ol>
    <table><tr><td>甲|乙</td><td>&lt;&lt;论语&gt;&gt;</td></tr><tr><td>1</td><td>2</td></tr></table>
    """
    markdown = html_to_markdown(word_html)
    assert markdown.startswith("第一段\n\n## 二、做法\n\n文字 中间**加粗**[1]\n\n1. 注释\n")
    for debris in ("MsoNormal", "o:p", "span", "style", "\u00a0", "\u3000", "_Toc", "↑", "#footnote", "\n\n\n"):
        assert debris not in markdown
    assert "| 甲\\|乙 | &lt;&lt;论语>> |" in markdown


@pytest.mark.parametrize(
    "text, expected",
    [
        ("张三，1975年6月1日出生。\n2019年3月5日起担任站长。", "2019-03-05 00:00"),
        ("2021年起担任站长。\n十堰市公路事业发展中心\n2024年3月5日", "2024-03-05 00:00"),
        ("落款\n二〇二四年十二月二十六日", "2024-12-26 00:00"),
        ("活动于 2024-04-23 举行", "2024-04-23 00:00"),
        ("时间：2024年4月23日 15:30", "2024-04-23 15:30"),
        ("没有日期，只有 2024 年", None),
        ("2024年2月30日", None),
    ],
    ids=["birthday-skipped", "signature-line-wins", "chinese-numerals", "iso", "with-time", "none", "impossible"],
)
def test_the_date_found_in_a_document(text, expected):
    found = find_date(text, ZoneInfo("Asia/Shanghai"), with_time=True)
    assert (found.strftime("%Y-%m-%d %H:%M") if found else None) == expected
