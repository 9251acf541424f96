"""The image pipeline, with generated photos of every awkward kind."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageCms

PROFILE = "---\nname: 张晓明\ncategory: 道德模范\ndate: 2024-03-05\nphoto: {photo}\n---\n正文。\n"


def _photo_site(site, name: str, image: Image.Image | bytes, **save) -> None:
    path = site.root / "content/profiles/zhang" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(image, bytes):
        path.write_bytes(image)
    else:
        image.save(path, **save)
    site.write("content/profiles/zhang/index.md", PROFILE.format(photo=name))


def _variants(site) -> dict[str, Path]:
    return {p.name: p for p in (site.out / "media").iterdir()}


def _marked(size=(400, 200)) -> Image.Image:
    img = Image.new("RGB", size, "white")
    img.paste((200, 0, 0), (0, 0, size[0] // 10, size[1] // 5))  # red block in the stored top-left
    return img


def test_every_variant_is_upright_and_carries_no_exif_gps_or_comment(site):
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90° clockwise
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (32.0, 37.0, 0.0), "E", (110.0, 47.0, 0.0)
    _photo_site(site, "portrait.jpg", _marked((1200, 600)), exif=exif.tobytes(), comment=b"secret place", quality=95)
    assert site.run("build") == 0
    files = _variants(site)
    assert sorted(files) == sorted(
        f"portrait-{h}-{w}.{e}" for h in {n.split("-")[1] for n in files} for w in (480, 600) for e in ("jpg", "webp")
    )
    for path in files.values():
        data = path.read_bytes()
        assert b"PhoneMaker" not in data and b"secret place" not in data and b"Exif" not in data
        with Image.open(path) as out:
            assert out.height > out.width  # upright: portrait now
            assert not out.getexif() and "icc_profile" not in out.info
            rgb = out.convert("RGB")
            r, g, _ = rgb.getpixel((out.width - 3, 3))  # stored top-left ends up top-right
            assert r > 150 and g < 90
    assert not any(p.name == "portrait.jpg" for p in site.out.rglob("*"))  # originals never copied


def test_pages_use_picture_with_webp_sources_srcset_and_dimensions(site):
    _photo_site(site, "portrait.jpg", _marked((2000, 1500)))
    assert site.run("build") == 0
    html = site.html("profiles/zhang/index.html")
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    assert re.search(r'<source type="image/webp" srcset="[^"]*-480\.webp 480w, [^"]*-960\.webp 960w, [^"]*-1600\.webp 1600w"', picture)
    img = re.search(r"<img [^>]*>", picture).group(0)
    assert 'width="1600" height="1200"' in img and 'alt="张晓明"' in img and "sizes=" in img
    assert re.search(r'src="\.\./\.\./media/portrait-\w+-960\.jpg"', img)


def test_small_images_are_never_upscaled(site):
    _photo_site(site, "small.png", Image.new("RGB", (300, 200), "navy"))
    assert site.run("build") == 0
    sizes = {Image.open(p).size for p in _variants(site).values()}
    assert sizes == {(300, 200)}


def test_widths_come_from_the_settings(site):
    site.write("site.toml", "[images]\nwidths = [320, 640]\n")
    _photo_site(site, "p.jpg", _marked((1000, 500)))
    assert site.run("build") == 0
    assert {Image.open(p).width for p in _variants(site).values()} == {320, 640}


def test_cmyk_photos_with_a_profile_become_srgb(site):
    cmyk = Image.new("CMYK", (600, 400), (0, 255, 255, 0))  # print red
    _photo_site(site, "print.jpg", cmyk, quality=95)
    assert site.run("build") == 0
    for path in _variants(site).values():
        with Image.open(path) as out:
            assert out.mode == "RGB"
            r, g, b = out.getpixel((300, 200))
            assert r > 180 and g < 90 and b < 90


def test_sixteen_bit_greyscale_is_scaled_not_clipped(site):
    grey = Image.new("I;16", (500, 300), 32768)  # mid grey in 16 bits
    _photo_site(site, "scan.png", grey)
    assert site.run("build") == 0
    jpg = next(p for n, p in _variants(site).items() if n.endswith(".jpg"))
    value = Image.open(jpg).convert("L").getpixel((250, 150))
    assert 120 <= value <= 136


def test_transparency_stays_in_png_and_webp_and_is_flattened_on_white_elsewhere(site):
    logo = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    logo.paste((185, 28, 28, 255), (0, 0, 300, 300))
    _photo_site(site, "logo.png", logo)
    assert site.run("build") == 0
    names = sorted(_variants(site))
    assert all(n.endswith((".png", ".webp")) for n in names) and any(n.endswith(".png") for n in names)
    png = next(p for n, p in _variants(site).items() if n.endswith(".png"))
    assert Image.open(png).mode == "RGBA" and Image.open(png).getpixel((500, 10))[3] == 0


def test_palette_images_with_transparency_are_handled(site):
    pal = Image.new("P", (400, 400), 1)
    pal.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    _photo_site(site, "icon.gif", pal, transparency=0)
    assert site.run("build") == 0
    assert _variants(site)


def test_a_png_named_jpg_just_works(site):
    buf = io.BytesIO()
    _marked((500, 300)).save(buf, "PNG")
    _photo_site(site, "really-png.jpg", buf.getvalue())
    assert site.run("build") == 0
    assert any(n.endswith(".jpg") for n in _variants(site))


def test_a_cached_rebuild_encodes_nothing_and_stale_variants_leave_output(site, capsys):
    _photo_site(site, "a.jpg", _marked((800, 400)))
    assert site.run("build") == 0
    assert "图片新生成 1 / 来自缓存 0" in capsys.readouterr().out
    first = set(_variants(site))
    # Another file changes, so the build runs (with nothing changed at all it is skipped: test_quick.py).
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")
    assert site.run("build") == 0
    assert "图片新生成 0 / 来自缓存 1" in capsys.readouterr().out
    assert set(_variants(site)) == first
    _photo_site(site, "a.jpg", _marked((900, 400)))  # the photo changed
    assert site.run("build") == 0
    assert "图片新生成 1 / 来自缓存 0" in capsys.readouterr().out
    assert not (set(_variants(site)) & first)  # old variants are gone from output/


def test_a_corrupt_cache_index_is_ignored(site, capsys):
    _photo_site(site, "a.jpg", _marked((800, 400)))
    assert site.run("build") == 0
    (site.root / ".bangyang-cache/images.json").write_text('{"trunc', encoding="utf-8")
    site.write("content/slogans/a.md", "---\ntext: 讲文明 树新风\n---\n")  # so that the build runs
    assert site.run("build") == 0
    assert "来自缓存 1" in capsys.readouterr().out


def _bad(site, capsys, name: str, data: bytes) -> str:
    _photo_site(site, name, data)
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and not site.out.exists()
    assert "content/profiles/zhang/index.md:5: 错误 error [photo]" in err
    return err


def test_a_zero_byte_image_is_named_with_the_markdown_file_and_field(site, capsys):
    assert "空文件" in _bad(site, capsys, "p.jpg", b"")


def test_a_text_file_renamed_jpg_is_not_an_image(site, capsys):
    assert "不是可识别的图片" in _bad(site, capsys, "p.jpg", "这不是照片".encode())


def test_a_truncated_jpeg_is_reported_as_damaged(site, capsys):
    buf = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(buf, "JPEG", quality=90)
    err = _bad(site, capsys, "p.jpg", buf.getvalue()[: len(buf.getvalue()) // 2])
    assert "损坏" in err


def test_a_decompression_bomb_is_refused_without_decoding(site, capsys):
    buf = io.BytesIO()
    Image.new("1", (12000, 9000)).save(buf, "PNG")  # 108 MP of nothing: tiny file, huge bitmap
    assert "decompression bomb" in _bad(site, capsys, "bomb.png", buf.getvalue())


def test_a_symlink_pointing_outside_content_is_refused(site, capsys, tmp_path):
    outside = tmp_path / "secret.jpg"
    _marked().save(outside)
    link = site.root / "content/profiles/zhang/p.jpg"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    site.write("content/profiles/zhang/index.md", PROFILE.format(photo="p.jpg"))
    assert site.run("build") == 1
    assert "content 文件夹之外" in capsys.readouterr().err


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "C:\\Users\\张\\照片.jpg", "/etc/hosts"], ids=["dotdot", "windows", "absolute"])
def test_paths_outside_content_are_refused(site, capsys, path):
    site.write("content/profiles/zhang/index.md", PROFILE.format(photo=f'"{path}"'.replace("\\", "\\\\")))
    assert site.run("build") == 1
    err = capsys.readouterr().err
    assert "content/profiles/zhang/index.md:5" in err and ("content 文件夹之外" in err or "绝对路径" in err)


def test_heic_photos_from_iphones_are_read(site):
    pillow_heif = pytest.importorskip("pillow_heif")
    heif = pillow_heif.from_pillow(_marked((640, 480)))
    buf = io.BytesIO()
    heif.save(buf, quality=80)
    _photo_site(site, "IMG_0001.HEIC", buf.getvalue())
    assert site.run("build") == 0
    assert any(n.endswith(".jpg") for n in _variants(site))


def test_embedded_colour_profiles_are_applied_and_not_published(site):
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _photo_site(site, "p.jpg", Image.new("RGB", (500, 300), (120, 160, 200)), icc_profile=icc, quality=95)
    assert site.run("build") == 0
    for path in _variants(site).values():
        with Image.open(path) as out:
            assert "icc_profile" not in out.info
            r, g, b = out.convert("RGB").getpixel((250, 150))
            assert abs(r - 120) < 8 and abs(g - 160) < 8 and abs(b - 200) < 8


def test_avif_variants_are_added_when_the_settings_ask(site):
    site.write("site.toml", "[images]\nwidths = [320]\navif = true\n")
    _photo_site(site, "p.jpg", _marked((800, 400)))
    assert site.run("build") == 0
    assert sorted(n.rsplit(".", 1)[1] for n in _variants(site)) == ["avif", "jpg", "webp"]
    html = site.html("profiles/zhang/index.html")
    assert html.index('type="image/avif"') < html.index('type="image/webp"')  # best format first
