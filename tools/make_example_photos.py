#!/usr/bin/env python3
"""Draw the illustrative photos of the example site into content/.

The example site needs portraits, activity covers, gallery pictures and slogan
backgrounds, but no real person's photo may ship with the project. This script
paints soft flat illustrations instead (roads winding through the hills of
十堰, busts in work clothes, books, the national flag, runners …) with Pillow
only: no fonts, no downloads, no randomness that differs between runs.

Everything is drawn at twice the final size and scaled down, which gives
smooth edges. Files are written as progressive JPEG (quality 82, no EXIF);
the script refuses to finish if a file is over 120 KB or content/ over 3 MB.

Usage:  python tools/make_example_photos.py [--content DIR]
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter

SS = 2  # supersampling factor
MAX_FILE_BYTES = 120 * 1024
MAX_CONTENT_BYTES = 3 * 1024 * 1024
COVER = (1600, 1000)
PHOTO = (1600, 1067)
PORTRAIT = (900, 1200)

# palette -------------------------------------------------------------------
SKIES = {
    "day": [(0.0, (150, 196, 232)), (0.55, (206, 228, 240)), (1.0, (236, 240, 232))],
    "dawn": [(0.0, (126, 160, 210)), (0.5, (244, 200, 170)), (1.0, (252, 228, 196))],
    "dusk": [(0.0, (92, 104, 160)), (0.5, (214, 146, 128)), (1.0, (248, 196, 150))],
    "mist": [(0.0, (170, 184, 196)), (0.6, (214, 220, 222)), (1.0, (232, 234, 230))],
    "clear": [(0.0, (92, 158, 222)), (0.6, (168, 208, 238)), (1.0, (226, 238, 244))],
}
SKIN = [(236, 196, 164), (226, 182, 146), (214, 168, 132), (240, 206, 178)]
HAIR_DARK = (46, 40, 38)
HAIR_GREY = (150, 146, 142)
ORANGE = (240, 120, 36)
SAFETY = (250, 140, 30)
NAVY = (40, 58, 96)
RED = (204, 36, 36)
FLAG_RED = (222, 41, 16)
STAR_YELLOW = (255, 222, 0)


# small helpers ---------------------------------------------------------------
def mix(a, b, t):
    """Colour between a and b, t in 0..1."""
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b, strict=True))


def shade(c, f):
    """Darker (f < 1) or lighter (f > 1) version of a colour."""
    if f <= 1:
        return tuple(int(x * f) for x in c)
    return mix(c, (255, 255, 255), f - 1)


def gradient(size, stops, horizontal=False):
    """An RGB image filled with a multi-stop linear gradient."""
    strip = Image.new("RGB", (256, 1) if horizontal else (1, 256))
    for i in range(256):
        t = i / 255
        for (t0, c0), (t1, c1) in itertools.pairwise(stops):
            if t0 <= t <= t1:
                colour = mix(c0, c1, (t - t0) / ((t1 - t0) or 1))
                break
        else:
            colour = stops[-1][1]
        strip.putpixel((i, 0) if horizontal else (0, i), colour)
    return strip.resize(size, Image.BICUBIC)


def fill_mask(img, mask, fill):
    """Paint fill (a colour or an image of img's size) through an L mask."""
    layer = fill if isinstance(fill, Image.Image) else Image.new("RGB", img.size, fill)
    img.paste(layer, (0, 0), mask)


def glow(img, center, radius, colour, strength=1.0):
    """A soft round light, e.g. the sun or a lamp."""
    mask = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(mask)
    x, y = center
    d.ellipse((x - radius, y - radius, x + radius, y + radius), fill=int(255 * strength))
    mask = mask.filter(ImageFilter.GaussianBlur(radius * 0.6))
    fill_mask(img, mask, colour)


def ridge(width, base, amps, rng, step=8):
    """Points of a hill line: a sum of sine waves with random phases."""
    waves = [(a, rng.uniform(0.6, 1.4) * f, rng.uniform(0, math.tau)) for a, f in amps]
    pts = []
    for x in range(-step, width + 2 * step, step):
        y = base + sum(a * math.sin(x * f / width * math.tau + p) for a, f, p in waves)
        pts.append((x, y))
    return pts


def hill(img, base, amps, top, bottom, rng, blur=0):
    """A hill layer filled with a vertical gradient from its crest down."""
    w, h = img.size
    pts = ridge(w, base, amps, rng)
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).polygon(pts + [(w + 20, h + 20), (-20, h + 20)], fill=255)
    if blur:
        mask = mask.filter(ImageFilter.GaussianBlur(blur))
    crest = int(min(y for _, y in pts))
    fill = Image.new("RGB", img.size, bottom)
    fill.paste(gradient((w, max(1, h - crest)), [(0, top), (1, bottom)]), (0, crest))
    fill_mask(img, mask, fill)
    return pts


def clouds(img, rng, count, top, bottom, colour=(255, 255, 255), alpha=150):
    w, _ = img.size
    mask = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(mask)
    for _ in range(count):
        cx, cy = rng.uniform(0, w), rng.uniform(top, bottom)
        cw = rng.uniform(0.08, 0.18) * w
        for _ in range(5):
            ox, oy = rng.uniform(-cw / 2, cw / 2), rng.uniform(-cw / 10, cw / 14)
            r = rng.uniform(0.18, 0.32) * cw
            d.ellipse((cx + ox - r * 1.6, cy + oy - r * 0.6, cx + ox + r * 1.6, cy + oy + r * 0.6), fill=alpha)
    mask = mask.filter(ImageFilter.GaussianBlur(w / 160))
    fill_mask(img, mask, colour)


def sky(size, name):
    return gradient(size, SKIES[name])


def star(cx, cy, r, rot=-math.pi / 2):
    """The ten points of a five-pointed star; rot is the angle of one tip."""
    pts = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.382
        a = rot + i * math.pi / 5
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def limb(d, pts, width, colour):
    """A thick jointed line with round ends (an arm, a leg, a pole)."""
    d.line(pts, fill=colour, width=int(width), joint="curve")
    for x, y in (pts[0], pts[-1]):
        d.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=colour)


def vignette(img, strength=0.22):
    w, h = img.size
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).ellipse((-w * 0.15, -h * 0.2, w * 1.15, h * 1.2), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(w / 8))
    dark = ImageEnhance.Brightness(img).enhance(1 - strength)
    return Image.composite(img, dark, mask)


# people ----------------------------------------------------------------------
def person(d, x, y, h, top, bottom, skin=SKIN[0], hair=HAIR_DARK, pose="stand", vest=None, hat=None, flag=None, facing=0, long_hair=False):
    """A small full-length figure with its feet at (x, y), h tall.

    pose: stand, walk, run, salute, wave, bow, read. vest: colour of a vest
    worn over the top (red for volunteers, orange with stripes for road
    workers). flag: colour of a small hand flag.
    """
    r = h * 0.075
    run = pose == "run"
    hy = y - h + r
    sy = y - h * 0.80
    py = y - h * 0.47
    sw, hw = (h * 0.08, h * 0.065) if run else (h * 0.115, h * 0.085)
    aw, lw = h * 0.06, h * 0.08
    ua, fa, th, sh = h * 0.17, h * 0.16, h * 0.24, h * 0.24
    x_head = x
    if pose == "bow":
        hy += r * 0.7
        x_head += facing * r * 0.4

    def seg(point, a, ln, side=1):
        # a is measured from straight down; positive turns away from the body
        return point[0] + side * ln * math.sin(a), point[1] + ln * math.cos(a)

    if long_hair:  # behind the body, so that it shows beside the neck only
        d.rounded_rectangle((x_head - r * 1.12, hy - r, x_head + r * 1.12, hy + r * 2.1), radius=r, fill=hair)
    shoe = (50, 50, 56)
    legs = {"stand": (0.04, 0.0), "walk": (0.1, 0.02), "salute": (0.02, 0.0), "bow": (0.04, 0.0), "wave": (0.06, 0.0), "read": (0.04, 0.0)}
    for side in (-1, 1):
        hip = (x + side * hw * 0.55, py)
        if run:  # runner heading right: absolute angles, no mirroring
            a1, a2 = (0.75, -0.05) if side == 1 else (-0.45, -1.3)
            knee = seg(hip, a1, th)
            foot = seg(knee, a2, sh)
        else:
            a1, a2 = legs.get(pose, legs["stand"])
            if pose == "walk" and side == 1:
                a1, a2 = -0.02, 0.0
            knee = seg(hip, a1, th, side)
            foot = seg(knee, a2, sh, side)
        limb(d, [hip, knee, foot], lw, bottom)
        d.ellipse((foot[0] - lw * 0.8, foot[1] - lw * 0.45, foot[0] + lw * 0.8, foot[1] + lw * 0.45), fill=shoe)

    torso = [(x - sw, sy), (x + sw, sy), (x + hw * 1.15, py + h * 0.02), (x - hw * 1.15, py + h * 0.02)]
    d.polygon(torso, fill=top)
    for side in (-1, 1):
        d.ellipse((x + side * sw - aw / 2, sy - aw / 2, x + side * sw + aw / 2, sy + aw / 2), fill=top)
    if vest:
        inner = [
            (x - sw * 0.9, sy),
            (x - sw * 0.2, sy),
            (x, sy + h * 0.1),
            (x + sw * 0.2, sy),
            (x + sw * 0.9, sy),
            (x + hw * 1.1, py),
            (x - hw * 1.1, py),
        ]
        d.polygon(inner, fill=vest)
        if vest in (ORANGE, SAFETY):
            for k in (0.45, 0.72):
                yy = sy + (py - sy) * k
                half = sw * 0.95 - (sw - hw) * k
                d.rectangle((x - half, yy, x + half, yy + h * 0.025), fill=(222, 226, 228))

    arms = {
        "stand": (0.12, 0.04),
        "walk": (0.16, 0.08),
        "bow": (0.05, 0.0),
        "salute": (0.1, 0.03),
        "wave": (0.12, 0.04),
        "read": (0.3, -1.25),
    }
    for side in (-1, 1):
        shoulder = (x + side * sw * 0.95, sy + aw * 0.3)
        if run:
            a1, a2 = (0.6, 2.2) if side == -1 else (-0.6, 0.9)
            elbow = seg(shoulder, a1, ua)
            hand = seg(elbow, a2, fa)
        elif side == 1 and pose == "salute":
            elbow = seg(shoulder, 1.75, ua * 0.9, side)
            hand = (x_head + r * 1.05, hy - r * 0.25)
        elif side == 1 and (pose == "wave" or flag):
            elbow = seg(shoulder, 2.2, ua * 0.9, side)
            hand = seg(elbow, 2.9, fa, side)
        else:
            a1, a2 = arms.get(pose, arms["stand"])
            elbow = seg(shoulder, a1, ua, side)
            hand = seg(elbow, a2, fa, side)
        limb(d, [shoulder, elbow, hand], aw, top)
        d.ellipse((hand[0] - aw * 0.55, hand[1] - aw * 0.55, hand[0] + aw * 0.55, hand[1] + aw * 0.55), fill=skin)
        if flag and side == 1:
            hx, hy2 = hand
            pole_top = (hx + h * 0.03, hy2 - h * 0.3)
            d.line([(hx - h * 0.01, hy2 + h * 0.05), pole_top], fill=(120, 90, 60), width=max(2, int(h * 0.012)))
            fw, fh = h * 0.22, h * 0.15
            d.polygon(
                [
                    pole_top,
                    (pole_top[0] + fw, pole_top[1] + fh * 0.15),
                    (pole_top[0] + fw * 0.95, pole_top[1] + fh),
                    (pole_top[0], pole_top[1] + fh * 0.9),
                ],
                fill=flag,
            )

    d.rectangle((x_head - r * 0.35, hy + r * 0.6, x_head + r * 0.35, sy + r * 0.2), fill=shade(skin, 0.9))
    d.ellipse((x_head - r, hy - r * 1.1, x_head + r, hy + r * 1.05), fill=skin)
    if hat in ("helmet", "yellow"):
        col = (250, 250, 246) if hat == "helmet" else (250, 196, 40)
        d.chord((x_head - r * 1.15, hy - r * 1.35, x_head + r * 1.15, hy + r * 0.7), 180, 360, fill=col)
        d.rectangle((x_head - r * 1.3, hy - r * 0.36, x_head + r * 1.3, hy - r * 0.22), fill=col)
    elif hat == "cap":
        col = vest or RED
        d.chord((x_head - r * 1.05, hy - r * 1.3, x_head + r * 1.05, hy + r * 0.5), 180, 360, fill=col)
        d.ellipse((x_head - r * 0.2, hy - r * 0.45, x_head + r * 1.5, hy - r * 0.1), fill=col)
    else:
        d.chord((x_head - r * 1.04, hy - r * 1.16, x_head + r * 1.04, hy + r * 0.55), 180, 360, fill=hair)


def crowd_row(d, rng, y, h, x0, x1, n, tops, pose="stand", **kw):
    for i in range(n):
        x = x0 + (x1 - x0) * (i + 0.5) / n + rng.uniform(-h * 0.05, h * 0.05)
        person(
            d,
            x,
            y + rng.uniform(-h * 0.02, h * 0.02),
            h * rng.uniform(0.94, 1.04),
            rng.choice(tops),
            rng.choice([(52, 60, 80), (70, 70, 76), (40, 48, 66)]),
            skin=rng.choice(SKIN),
            hair=rng.choice([HAIR_DARK, HAIR_DARK, HAIR_GREY]),
            pose=pose,
            long_hair=rng.random() < 0.35,
            **kw,
        )


# landscape pieces --------------------------------------------------------------
def tree(d, x, y, s, colour, kind="round", rng=None):
    """A tree standing at (x, y), s tall."""
    trunk = (96, 72, 52)
    if kind == "pine":
        d.rectangle((x - s * 0.03, y - s * 0.2, x + s * 0.03, y), fill=trunk)
        for i, k in enumerate((0.0, 0.28, 0.52)):
            wdt = s * (0.36 - i * 0.08)
            base = y - s * 0.15 - s * k
            d.polygon([(x - wdt, base), (x + wdt, base), (x, base - s * 0.42)], fill=shade(colour, 1 + i * 0.05))
        return
    d.rectangle((x - s * 0.035, y - s * 0.45, x + s * 0.035, y), fill=trunk)
    rng = rng or random.Random(int(x * 7 + y))
    for i in range(5):
        ox, oy = rng.uniform(-0.18, 0.18) * s, rng.uniform(-0.18, 0.1) * s
        rr = s * rng.uniform(0.2, 0.27)
        c = shade(colour, 0.92 + 0.04 * i)
        d.ellipse((x + ox - rr, y - s * 0.62 + oy - rr, x + ox + rr, y - s * 0.62 + oy + rr), fill=c)


def road(img, horizon, cx, bend, rng, width=0.75, far=14.0, lines=True, asphalt=(88, 92, 98)):
    """A road seen from its middle, winding off towards the hills.

    Uses a simple pinhole camera: a point at depth z appears (horizon + k/z),
    so lane markings shrink and crowd together as they should.
    """
    w, h = img.size
    d = ImageDraw.Draw(img)
    k = h * 1.15 - horizon
    steps = [1 + (far - 1) * (i / 400) ** 1.6 for i in range(401)]

    def at(z, offset):
        lateral = bend * (z - 1) ** 1.5 / 8 + bend * 0.3 * math.sin(z * 0.45)
        return cx + (lateral + offset) * w / z, horizon + k / z

    def ribbon(o0, o1, zs):
        left = [at(z, o0) for z in zs]
        right = [at(z, o1) for z in zs]
        return left + right[::-1]

    d.polygon(ribbon(-width * 0.62, width * 0.62, steps), fill=(176, 168, 146))  # gravel shoulder
    d.polygon(ribbon(-width / 2, width / 2, steps), fill=asphalt)
    # slightly lighter far end: aerial perspective
    fade = Image.new("L", img.size, 0)
    ImageDraw.Draw(fade).polygon(ribbon(-width / 2, width / 2, steps[200:]), fill=70)
    fill_mask(img, fade, (170, 176, 184))
    if lines:
        d.polygon(ribbon(-width * 0.47, -width * 0.45, steps), fill=(236, 236, 232))
        d.polygon(ribbon(width * 0.45, width * 0.47, steps), fill=(236, 236, 232))
        z = 1.0
        while z < far:
            dash = [zz for zz in steps if z <= zz <= z + 0.35]
            if len(dash) > 1:
                d.polygon(ribbon(-0.012, 0.012, dash), fill=(244, 200, 60))
            z += 0.8
    return at


def mountains(img, rng, horizon, palette="green"):
    """Three or four ridges of the 秦巴 mountains fading into the distance."""
    w, h = img.size
    greens = {
        "green": [((150, 178, 186), (176, 196, 196)), ((112, 156, 132), (140, 174, 146)), ((86, 138, 96), (112, 156, 104))],
        "warm": [((170, 160, 178), (198, 180, 180)), ((128, 142, 130), (160, 160, 140)), ((98, 128, 90), (126, 144, 98))],
        "mist": [((178, 188, 196), (196, 204, 208)), ((146, 164, 168), (170, 184, 184)), ((112, 138, 130), (138, 158, 146))],
    }[palette]
    hill(img, horizon - h * 0.16, [(h * 0.05, 1), (h * 0.03, 2.3), (h * 0.012, 5)], *greens[0], rng)
    hill(img, horizon - h * 0.08, [(h * 0.045, 1.3), (h * 0.02, 3.1), (h * 0.01, 7)], *greens[1], rng)
    return hill(img, horizon, [(h * 0.03, 0.8), (h * 0.015, 2.7)], *greens[2], rng)


def scene_road(size, seed, sky_name="day", palette="green", bend=0.6, trees=True, sun=None):
    rng = random.Random(seed)
    w, h = size
    img = sky(size, sky_name)
    if sun:
        glow(img, (w * sun[0], h * sun[1]), w * 0.09, (255, 246, 220), 0.95)
        glow(img, (w * sun[0], h * sun[1]), w * 0.03, (255, 252, 240), 1.0)
    clouds(img, rng, 5, h * 0.06, h * 0.3)
    horizon = h * 0.52
    mountains(img, rng, horizon, palette)
    ground = gradient((w, int(h - horizon + h * 0.05)), [(0, (124, 170, 100)), (1, (92, 146, 76))])
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).polygon(ridge(w, horizon + h * 0.04, [(h * 0.012, 1.2)], rng) + [(w + 20, h + 20), (-20, h + 20)], fill=255)
    full = Image.new("RGB", img.size)
    full.paste(ground, (0, int(horizon - h * 0.05)))
    fill_mask(img, mask, full)
    at = road(img, horizon - h * 0.02, w * 0.5, bend, rng)
    if trees:
        d = ImageDraw.Draw(img)
        spots = []
        for z in [13, 11, 9.5, 8, 6.5, 5.2, 4.2, 3.4, 2.7, 2.2, 1.8]:
            for side in (-1, 1):
                if rng.random() < 0.75:
                    spots.append((z, side * rng.uniform(0.55, 0.9)))
        for z, off in sorted(spots, reverse=True):
            x, y = at(z, off)
            tree(
                d,
                x,
                y,
                h * 0.55 / z,
                rng.choice([(70, 128, 70), (84, 140, 74), (60, 116, 78)]),
                kind=rng.choice(["round", "round", "pine"]),
                rng=rng,
            )
    return img, at, horizon


# the pictures -------------------------------------------------------------------
def picture_road(size, seed, **kw):
    img, _, _ = scene_road(size, seed, **kw)
    return vignette(img, 0.12)


def picture_station(size, seed):
    """A roadside 公路驿站 (maintenance station with a reading room)."""
    rng = random.Random(seed)
    img, at, horizon = scene_road(size, seed, "clear", "green", bend=-0.5)
    w, h = size
    d = ImageDraw.Draw(img)
    x0, x1, y1 = w * 0.04, w * 0.36, h * 0.78
    wall, roof = (246, 242, 232), (150, 70, 60)
    d.rectangle((x0, y1 - h * 0.24, x1, y1), fill=wall)
    d.polygon(
        [(x0 - w * 0.02, y1 - h * 0.24), (x1 + w * 0.02, y1 - h * 0.24), (x1 - w * 0.03, y1 - h * 0.34), (x0 + w * 0.03, y1 - h * 0.34)],
        fill=roof,
    )
    d.rectangle((x0, y1 - h * 0.24, x1, y1 - h * 0.225), fill=shade(roof, 0.8))
    for i in range(3):
        wx = x0 + w * 0.025 + i * w * 0.085
        d.rectangle((wx, y1 - h * 0.18, wx + w * 0.06, y1 - h * 0.08), fill=(250, 222, 160))
        d.line([(wx + w * 0.03, y1 - h * 0.18), (wx + w * 0.03, y1 - h * 0.08)], fill=wall, width=SS * 3)
    d.rectangle((x1 - w * 0.045, y1 - h * 0.16, x1 - w * 0.015, y1), fill=(120, 90, 70))
    d.rectangle((x0, y1, x1 + w * 0.04, y1 + h * 0.02), fill=(200, 196, 186))
    tree(d, x1 + w * 0.05, y1 + h * 0.01, h * 0.3, (74, 132, 76), rng=rng)
    person(d, x1 + w * 0.1, y1 + h * 0.14, h * 0.3, (240, 240, 236), (54, 62, 86), vest=SAFETY, pose="walk")
    return vignette(img, 0.1)


def picture_bridge(size, seed):
    """An arch bridge over a green river valley (汉江 and its tributaries)."""
    rng = random.Random(seed)
    w, h = size
    img = sky(size, "clear")
    clouds(img, rng, 4, h * 0.05, h * 0.3)
    horizon = h * 0.55
    mountains(img, rng, horizon, "green")
    river = gradient((w, int(h - horizon)), [(0, (120, 170, 176)), (1, (70, 126, 140))])
    img.paste(river, (0, int(horizon)))
    d = ImageDraw.Draw(img)
    deck = h * 0.5
    d.rectangle((-10, deck - h * 0.025, w + 10, deck), fill=(214, 210, 200))
    d.rectangle((-10, deck - h * 0.034, w + 10, deck - h * 0.025), fill=(236, 232, 224))
    arch_mask = Image.new("L", img.size, 0)
    ad = ImageDraw.Draw(arch_mask)
    for cxk in (0.25, 0.75):
        cx, aw = w * cxk, w * 0.23
        ad.chord((cx - aw, deck + h * 0.01, cx + aw, deck + h * 0.5), 180, 360, fill=255)
        ad.chord((cx - aw * 0.9, deck + h * 0.045, cx + aw * 0.9, deck + h * 0.5), 180, 360, fill=0)
        for i in range(-4, 5):
            px = cx + i * aw / 5
            top = deck
            ad.rectangle((px - w * 0.003, top, px + w * 0.003, deck + h * 0.25 - abs(i) ** 2 * h * 0.01), fill=255)
    ad.rectangle((-10, deck - h * 0.002, w + 10, deck + h * 0.01), fill=255)
    for px in (0.0, 0.5, 1.0):
        ad.rectangle((w * px - w * 0.018, deck, w * px + w * 0.018, h), fill=255)
    fill_mask(img, arch_mask, (204, 200, 192))
    # reflection
    refl = img.crop((0, int(horizon - h * 0.2), w, int(horizon))).transpose(Image.FLIP_TOP_BOTTOM)
    refl = refl.filter(ImageFilter.GaussianBlur(w / 300))
    mask = gradient((w, refl.height), [(0, (90, 90, 90)), (1, (0, 0, 0))]).convert("L")
    img.paste(refl, (0, int(horizon + h * 0.25)), mask.crop((0, 0, w, refl.height)))
    # green banks in front
    hill(img, h * 0.9, [(h * 0.03, 1.1), (h * 0.01, 4)], (96, 146, 84), (74, 122, 66), rng)
    return vignette(img, 0.12)


def picture_city(size, seed, sky_name="day"):
    """A community street: apartment blocks, street trees, a crossing."""
    rng = random.Random(seed)
    w, h = size
    img = sky(size, sky_name)
    clouds(img, rng, 4, h * 0.04, h * 0.22)
    hill(img, h * 0.42, [(h * 0.04, 1), (h * 0.02, 3)], (164, 186, 190), (184, 200, 200), rng)
    d = ImageDraw.Draw(img)
    ground_y = h * 0.62
    x = -rng.uniform(0, w * 0.05)
    blocks = [(236, 226, 208), (222, 214, 200), (240, 234, 222), (214, 206, 196), (230, 220, 206)]
    while x < w:
        bw = rng.uniform(0.1, 0.17) * w
        bh = rng.uniform(0.22, 0.42) * h
        col = rng.choice(blocks)
        d.rectangle((x, ground_y - bh, x + bw, ground_y), fill=col)
        d.rectangle((x, ground_y - bh, x + bw, ground_y - bh + h * 0.012), fill=shade(col, 0.85))
        win = shade(col, 0.78)
        rows = int(bh / (h * 0.052))
        for r_ in range(rows - 1):
            for c_ in range(int(bw / (w * 0.034))):
                wx = x + w * 0.014 + c_ * w * 0.034
                wy = ground_y - bh + h * 0.032 + r_ * h * 0.052
                if wx + w * 0.016 < x + bw - w * 0.01:
                    d.rectangle((wx, wy, wx + w * 0.016, wy + h * 0.026), fill=win if rng.random() < 0.9 else (150, 180, 200))
        x += bw + rng.uniform(0.005, 0.03) * w
    d.rectangle((0, ground_y, w, h * 0.66), fill=(196, 192, 184))  # pavement
    d.rectangle((0, h * 0.66, w, h), fill=(104, 108, 114))  # road
    d.rectangle((0, h * 0.66, w, h * 0.67), fill=(230, 228, 220))
    for i in range(12):  # zebra crossing in perspective
        x0 = w * 0.3 + i * w * 0.04
        d.polygon(
            [
                (x0, h * 0.68),
                (x0 + w * 0.022, h * 0.68),
                (x0 + w * 0.022 + (i - 6) * w * 0.012 + w * 0.015, h),
                (x0 + (i - 6) * w * 0.012 - w * 0.012, h),
            ],
            fill=(236, 236, 232),
        )
    for tx in range(0, 11):
        xx = tx * w * 0.11 + rng.uniform(-w * 0.02, w * 0.02)
        if w * 0.28 < xx < w * 0.78:
            continue
        tree(d, xx, ground_y + h * 0.02, h * 0.3, rng.choice([(74, 132, 76), (88, 144, 80)]), rng=rng)
    return img, ground_y


def picture_volunteers(size, seed, tent=False, sky_name="day"):
    rng = random.Random(seed)
    w, h = size
    img, ground_y = picture_city(size, seed, sky_name)
    d = ImageDraw.Draw(img)
    if tent:
        tx, tw = w * 0.5, w * 0.36
        d.rectangle((tx - tw / 2 + w * 0.01, h * 0.5, tx - tw / 2 + w * 0.016, h * 0.78), fill=(200, 200, 200))
        d.rectangle((tx + tw / 2 - w * 0.016, h * 0.5, tx + tw / 2 - w * 0.01, h * 0.78), fill=(200, 200, 200))
        d.polygon([(tx - tw / 2, h * 0.52), (tx + tw / 2, h * 0.52), (tx + tw * 0.32, h * 0.4), (tx - tw * 0.32, h * 0.4)], fill=RED)
        for i in range(9):
            xx = tx - tw / 2 + i * tw / 8
            d.pieslice((xx - tw / 16, h * 0.5, xx + tw / 16, h * 0.55), 0, 180, fill=shade(RED, 0.9))
        d.rectangle((tx - tw * 0.3, h * 0.66, tx + tw * 0.3, h * 0.7), fill=(230, 64, 56))
        d.rectangle((tx - tw * 0.3, h * 0.7, tx + tw * 0.3, h * 0.79), fill=(200, 44, 40))
        crowd_row(d, rng, h * 0.67, h * 0.2, tx - tw * 0.25, tx + tw * 0.25, 3, [(250, 250, 248)], vest=RED)
        person(d, w * 0.2, h * 0.9, h * 0.34, (120, 150, 190), (60, 66, 80), hair=HAIR_GREY, pose="walk")
        person(d, w * 0.26, h * 0.91, h * 0.31, (196, 110, 120), (60, 60, 70), hair=HAIR_GREY, long_hair=True)
        person(d, w * 0.8, h * 0.93, h * 0.36, (250, 250, 248), (54, 62, 86), pose="wave", vest=RED, hat="cap")
        person(d, w * 0.88, h * 0.92, h * 0.22, (250, 200, 80), (80, 90, 150), pose="stand")
    else:
        xs = [0.16, 0.27, 0.73, 0.85] if seed % 2 else [0.12, 0.22, 0.34, 0.86]
        for i, xk in enumerate(xs):
            person(
                d,
                w * xk,
                h * (0.9 + 0.02 * (i % 2)),
                h * 0.36,
                (250, 250, 248),
                (54, 62, 86),
                pose="stand" if i % 2 else "wave",
                vest=RED,
                hat="cap",
                flag=(230, 40, 36) if i == 1 else None,
                skin=SKIN[i % 4],
                long_hair=i == 2,
            )
        for i in range(3):
            person(
                d,
                w * (0.46 + i * 0.07),
                h * 0.8,
                h * 0.26,
                rng.choice([(90, 130, 180), (200, 170, 120), (120, 140, 110)]),
                (60, 64, 76),
                pose="walk",
                skin=rng.choice(SKIN),
                long_hair=i == 1,
            )
    return vignette(img, 0.1)


def picture_cleanup(size, seed):
    """Volunteers picking up litter along a green belt by the road."""
    img, at, horizon = scene_road(size, seed, "dawn", "warm", bend=-0.4, sun=(0.7, 0.34))
    w, h = size
    d = ImageDraw.Draw(img)
    for i, (xk, pose) in enumerate([(0.14, "bow"), (0.24, "stand"), (0.78, "bow"), (0.9, "walk")]):
        person(
            d,
            w * xk,
            h * (0.93 - 0.02 * (i % 2)),
            h * 0.4,
            (250, 250, 248),
            (54, 62, 86),
            pose=pose,
            vest=RED,
            hat="cap",
            facing=1 if xk < 0.5 else -1,
            skin=SKIN[i % 4],
            long_hair=i == 3,
        )
    for xk in (0.3, 0.72):  # litter bags
        d.rounded_rectangle((w * xk, h * 0.86, w * xk + w * 0.03, h * 0.93), radius=w * 0.01, fill=(70, 130, 90))
    return vignette(img, 0.1)


def bookshelf(d, rng, x0, y0, x1, y1, rows):
    wood = (150, 104, 70)
    d.rectangle((x0, y0, x1, y1), fill=shade(wood, 0.8))
    rh = (y1 - y0) / rows
    palette = [
        (176, 58, 46),
        (62, 96, 140),
        (214, 170, 84),
        (84, 128, 100),
        (232, 222, 200),
        (120, 80, 110),
        (196, 118, 76),
        (70, 70, 80),
        (150, 170, 180),
    ]
    for r_ in range(rows):
        top = y0 + r_ * rh + rh * 0.08
        bottom = y0 + (r_ + 1) * rh - rh * 0.06
        x = x0 + (x1 - x0) * 0.03
        while x < x1 - (x1 - x0) * 0.05:
            bw = rng.uniform(0.012, 0.03) * (x1 - x0) * 3
            bh = rng.uniform(0.62, 0.92) * (bottom - top)
            if x + bw > x1 - (x1 - x0) * 0.03:
                break
            col = rng.choice(palette)
            d.rectangle((x, bottom - bh, x + bw, bottom), fill=col)
            d.rectangle((x + bw * 0.2, bottom - bh * 0.8, x + bw * 0.8, bottom - bh * 0.74), fill=shade(col, 1.3))
            x += bw + rng.uniform(0, 0.004) * (x1 - x0)
            if rng.random() < 0.08:
                x += (x1 - x0) * 0.06
        d.rectangle((x0, bottom, x1, bottom + rh * 0.06), fill=wood)


def open_book(d, cx, cy, bw, page=(250, 246, 236)):
    bh = bw * 0.42
    d.polygon(
        [
            (cx - bw * 0.52, cy + bh * 0.08),
            (cx, cy + bh * 0.18),
            (cx + bw * 0.52, cy + bh * 0.08),
            (cx + bw * 0.5, cy + bh * 0.14),
            (cx, cy + bh * 0.26),
            (cx - bw * 0.5, cy + bh * 0.14),
        ],
        fill=(150, 60, 50),
    )
    for side in (-1, 1):
        pts = [(cx, cy + bh * 0.18)]
        for i in range(21):
            t = i / 20
            pts.append((cx + side * bw * 0.5 * t, cy + bh * 0.18 - bh * 0.22 * math.sin(t * math.pi * 0.9) - bh * 0.06 * t))
        pts += [(cx + side * bw * 0.5, cy - bh * 0.75), (cx + side * bw * 0.25, cy - bh * 0.86), (cx, cy - bh * 0.7)]
        d.polygon(pts, fill=page if side < 0 else shade(page, 0.96))
        for k in range(6):  # lines of text
            yy = cy - bh * 0.58 + k * bh * 0.11
            xa, xb = (cx + side * bw * 0.06, cx + side * bw * 0.44)
            d.line(
                [(min(xa, xb), yy + (k * 0.4)), (max(xa, xb) - (bw * 0.08 if k == 5 else 0), yy)],
                fill=(200, 194, 182),
                width=max(1, int(bw * 0.008)),
            )


def picture_reading(size, seed, variant="desk"):
    """A reading corner of a road maintenance station (书香公路)."""
    rng = random.Random(seed)
    w, h = size
    img = gradient(size, [(0, (240, 226, 204)), (1, (226, 206, 180))], horizontal=True)
    d = ImageDraw.Draw(img)
    # window with a view of the hills
    wx0, wy0, wx1, wy1 = w * 0.07, h * 0.1, w * 0.38, h * 0.58
    view, _, _ = scene_road((int(wx1 - wx0), int(wy1 - wy0)), seed + 1, "day", bend=0.3)
    img.paste(view, (int(wx0), int(wy0)))
    d.rectangle((wx0 - w * 0.01, wy0 - w * 0.01, wx1 + w * 0.01, wy1 + w * 0.01), outline=(250, 248, 242), width=int(w * 0.012))
    d.rectangle(((wx0 + wx1) / 2 - w * 0.004, wy0, (wx0 + wx1) / 2 + w * 0.004, wy1), fill=(250, 248, 242))
    glow(img, ((wx0 + wx1) / 2, (wy0 + wy1) / 2), w * 0.25, (255, 248, 230), 0.35)
    d = ImageDraw.Draw(img)
    bookshelf(d, rng, w * 0.5, h * 0.06, w * 0.95, h * 0.7, 4)
    table_y = h * 0.72
    d.rectangle((0, table_y, w, h), fill=(168, 120, 82))
    d.rectangle((0, table_y, w, table_y + h * 0.02), fill=(190, 142, 100))
    if variant == "desk":
        open_book(d, w * 0.44, h * 0.86, w * 0.34)
        for i in range(4):  # a stack of books
            col = [(62, 96, 140), (176, 58, 46), (214, 170, 84), (84, 128, 100)][i]
            d.rounded_rectangle(
                (w * 0.7 + i * w * 0.004, h * 0.9 - (i + 1) * h * 0.045, w * 0.9 - i * w * 0.01, h * 0.9 - i * h * 0.045),
                radius=w * 0.004,
                fill=col,
            )
            d.rectangle(
                (
                    w * 0.7 + i * w * 0.004,
                    h * 0.9 - (i + 1) * h * 0.045 + h * 0.012,
                    w * 0.9 - i * w * 0.01 - w * 0.005,
                    h * 0.9 - (i + 1) * h * 0.045 + h * 0.02,
                ),
                fill=(244, 236, 220),
            )
        d.rounded_rectangle((w * 0.14, h * 0.8, w * 0.2, h * 0.9), radius=w * 0.01, fill=(250, 250, 246))  # cup
        d.arc((w * 0.19, h * 0.82, w * 0.23, h * 0.87), 270, 90, fill=(250, 250, 246), width=int(w * 0.007))
        glow(img, (w * 0.17, h * 0.76), w * 0.03, (255, 255, 255), 0.25)
    elif variant == "people":
        for i, xk in enumerate((0.2, 0.5, 0.8)):
            person(
                d,
                w * xk,
                h * 1.12,
                h * 0.72,
                [(90, 120, 170), (240, 120, 36), (200, 90, 90)][i],
                (60, 64, 76),
                pose="read",
                skin=SKIN[i],
                long_hair=i == 2,
                hair=HAIR_GREY if i == 0 else HAIR_DARK,
            )
        d.rectangle((0, h * 0.8, w, h), fill=(168, 120, 82))
        d.rectangle((0, h * 0.8, w, h * 0.82), fill=(190, 142, 100))
        for xk in (0.2, 0.5, 0.8):
            open_book(d, w * xk, h * 0.86, w * 0.16)
    else:  # stacks on the table in warm lamp light
        for s in range(3):
            bx = w * (0.15 + s * 0.27)
            for i in range(5 - s):
                col = rng.choice([(62, 96, 140), (176, 58, 46), (214, 170, 84), (84, 128, 100), (120, 80, 110)])
                y1 = h * 0.94 - i * h * 0.05
                d.rounded_rectangle(
                    (bx + rng.uniform(-8, 8) * SS, y1 - h * 0.05, bx + w * 0.2 + rng.uniform(-8, 8) * SS, y1), radius=w * 0.004, fill=col
                )
                d.rectangle((bx + w * 0.02, y1 - h * 0.036, bx + w * 0.18, y1 - h * 0.03), fill=(244, 236, 220))
        glow(img, (w * 0.8, h * 0.05), w * 0.3, (255, 236, 190), 0.45)
    return vignette(img, 0.18)


def wave_flag(flag, amp, waves, shade_amp=0.22):
    """Ripple a flat flag image (RGBA) like cloth in the wind."""
    fw, fh = flag.size
    out = Image.new("RGBA", (fw, fh + 2 * amp), (0, 0, 0, 0))
    step = 3
    for x in range(0, fw, step):
        t = x / fw
        phase = t * waves * math.tau
        dy = int(amp + amp * math.sin(phase) * (0.3 + 0.7 * t))
        light = 1 + shade_amp * math.cos(phase)
        strip = flag.crop((x, 0, x + step, fh))
        rgb = strip.convert("RGB").point(lambda v, f=light: min(255, int(v * f)))
        strip = Image.merge("RGBA", (*rgb.split(), strip.getchannel("A")))
        out.paste(strip, (x, dy), strip)
    return out


def national_flag(width):
    """The national flag, flat, drawn from its official 30×20 grid."""
    u = width / 30
    flag = Image.new("RGBA", (int(width), int(u * 20)), FLAG_RED + (255,))
    d = ImageDraw.Draw(flag)
    d.polygon(star(5 * u, 5 * u, 3 * u), fill=STAR_YELLOW)
    for sx, sy in ((10, 2), (12, 4), (12, 7), (10, 9)):
        toward = math.atan2(5 - sy, 5 - sx)
        d.polygon(star(sx * u, sy * u, u, rot=toward), fill=STAR_YELLOW)
    return flag


def picture_flag(size, seed, variant="pole"):
    rng = random.Random(seed)
    w, h = size
    img = sky(size, "clear")
    clouds(img, rng, 5, h * 0.05, h * 0.45)
    d = ImageDraw.Draw(img)
    if variant == "close":
        flag = wave_flag(national_flag(w * 0.95), int(h * 0.06), 1.6)
        img.paste(flag, (int(w * 0.05), int(h * 0.08)), flag)
        d.rectangle((w * 0.03, 0, w * 0.05, h), fill=(214, 214, 220))
        return vignette(img, 0.16)
    horizon = h * 0.7
    hill(img, horizon, [(h * 0.03, 1), (h * 0.015, 3)], (150, 180, 170), (170, 190, 180), rng)
    d = ImageDraw.Draw(img)
    d.rectangle((0, h * 0.72, w, h), fill=(206, 200, 190))  # square
    for i in range(9):
        d.line(
            [(0, h * 0.72 + i * h * 0.035 * (1 + i * 0.25)), (w, h * 0.72 + i * h * 0.035 * (1 + i * 0.25))],
            fill=(196, 190, 180),
            width=SS * 2,
        )
    px = w * 0.5 if variant == "pole" else w * 0.72
    d.rectangle((px - w * 0.05, h * 0.7, px + w * 0.05, h * 0.75), fill=(230, 226, 218))
    d.rectangle((px - w * 0.004, h * 0.06, px + w * 0.004, h * 0.72), fill=(226, 228, 234))
    d.ellipse((px - w * 0.007, h * 0.05, px + w * 0.007, h * 0.065), fill=(240, 214, 120))
    flag = wave_flag(national_flag(w * 0.24), int(h * 0.02), 1.3)
    img.paste(flag, (int(px + w * 0.003), int(h * 0.07)), flag)
    for tx in (0.06, 0.15, 0.86, 0.95):
        tree(d, w * tx, h * 0.73, h * 0.3, (66, 120, 74), kind="pine")
    if variant == "pole":
        tops = [NAVY, (50, 70, 110)]
        crowd_row(d, rng, h * 0.86, h * 0.2, w * 0.08, w * 0.42, 6, tops, pose="salute")
        crowd_row(d, rng, h * 0.86, h * 0.2, w * 0.58, w * 0.92, 6, tops, pose="salute")
        crowd_row(d, rng, h * 1.0, h * 0.24, w * 0.02, w * 0.98, 11, tops, pose="salute")
    else:
        crowd_row(d, rng, h * 0.84, h * 0.2, w * 0.04, w * 0.6, 8, [(250, 250, 248)], pose="salute")
        crowd_row(d, rng, h * 1.0, h * 0.26, w * 0.0, w * 0.62, 7, [(250, 250, 248), (200, 40, 40)], pose="salute")
    return vignette(img, 0.12)


def picture_memorial(size, seed):
    """A martyrs' memorial among pines on a soft spring day (清明)."""
    rng = random.Random(seed)
    w, h = size
    img = sky(size, "mist")
    clouds(img, rng, 6, h * 0.05, h * 0.4, alpha=120)
    horizon = h * 0.66
    hill(img, horizon - h * 0.12, [(h * 0.05, 1), (h * 0.02, 3)], (160, 176, 178), (182, 192, 190), rng)
    hill(img, horizon, [(h * 0.02, 1.2)], (118, 148, 126), (104, 136, 110), rng)
    d = ImageDraw.Draw(img)
    cx = w * 0.5
    stone, stone_dark = (226, 224, 216), (196, 194, 186)
    for i, (sw, sh) in enumerate([(0.34, 0.035), (0.28, 0.03), (0.22, 0.03)]):
        y1 = h * 0.8 - i * h * 0.03
        d.rectangle((cx - w * sw / 2, y1 - h * sh, cx + w * sw / 2, y1), fill=shade(stone, 1 - i * 0.02))
        d.rectangle((cx - w * sw / 2, y1 - h * 0.006, cx + w * sw / 2, y1), fill=stone_dark)
    base_y = h * 0.71
    d.rectangle((cx - w * 0.06, base_y - h * 0.08, cx + w * 0.06, base_y), fill=stone)
    d.polygon(
        [
            (cx - w * 0.035, base_y - h * 0.08),
            (cx + w * 0.035, base_y - h * 0.08),
            (cx + w * 0.022, h * 0.16),
            (cx, h * 0.1),
            (cx - w * 0.022, h * 0.16),
        ],
        fill=stone,
    )
    d.polygon([(cx, base_y - h * 0.08), (cx + w * 0.035, base_y - h * 0.08), (cx + w * 0.022, h * 0.16), (cx, h * 0.1)], fill=stone_dark)
    d.polygon(star(cx, h * 0.22, w * 0.014), fill=(200, 50, 40))
    for side in (-1, 1):
        for i, (xk, s) in enumerate([(0.12, 0.34), (0.2, 0.3), (0.28, 0.26), (0.36, 0.22)]):
            tree(d, cx + side * w * xk, h * 0.78 - i * h * 0.01, h * s, (54, 100, 70), kind="pine")
    d.rectangle((0, h * 0.8, w, h), fill=(186, 182, 170))
    d.polygon([(cx - w * 0.1, h * 0.8), (cx + w * 0.1, h * 0.8), (cx + w * 0.3, h), (cx - w * 0.3, h)], fill=(204, 200, 190))
    for wx in (cx - w * 0.09, cx + w * 0.09):  # wreaths of white chrysanthemums
        wy, wr = h * 0.73, h * 0.055
        d.rectangle((wx - w * 0.003, wy, wx + w * 0.003, h * 0.8), fill=(90, 110, 80))
        for k in range(28):
            a = k / 28 * math.tau
            fx, fy = wx + wr * math.cos(a), wy + wr * math.sin(a)
            c = (250, 250, 246) if k % 4 else (246, 214, 90)
            d.ellipse((fx - wr * 0.2, fy - wr * 0.2, fx + wr * 0.2, fy + wr * 0.2), fill=c)
        d.ellipse((wx - wr * 0.65, wy - wr * 0.65, wx + wr * 0.65, wy + wr * 0.65), fill=(70, 110, 80))
    crowd_row(d, rng, h * 0.97, h * 0.2, w * 0.06, w * 0.36, 4, [NAVY, (40, 44, 52)], pose="bow")
    crowd_row(d, rng, h * 0.97, h * 0.2, w * 0.64, w * 0.94, 4, [NAVY, (40, 44, 52)], pose="bow")
    return vignette(img, 0.14)


def picture_run(size, seed, variant="run"):
    """全民健身: colleagues running along the greenway by the river."""
    rng = random.Random(seed)
    w, h = size
    img = sky(size, "dawn")
    glow(img, (w * 0.78, h * 0.3), w * 0.1, (255, 240, 210), 0.9)
    clouds(img, rng, 4, h * 0.05, h * 0.3)
    horizon = h * 0.55
    mountains(img, rng, horizon, "warm")
    d = ImageDraw.Draw(img)
    water = gradient((w, int(h * 0.12)), [(0, (176, 196, 206)), (1, (130, 168, 182))])
    img.paste(water, (0, int(horizon)))
    d.rectangle((0, horizon + h * 0.12, w, h), fill=(118, 164, 96))
    d.polygon([(0, h * 0.78), (w, h * 0.72), (w, h * 0.9), (0, h * 0.98)], fill=(196, 110, 86))  # red running track
    d.line([(0, h * 0.88), (w, h * 0.81)], fill=(240, 236, 228), width=SS * 3)
    for tx in range(9):
        xx = tx * w * 0.13 + rng.uniform(-w * 0.02, w * 0.02)
        tree(d, xx, horizon + h * 0.16, h * 0.22, rng.choice([(78, 134, 80), (96, 148, 84)]), rng=rng)
    sport = [(236, 84, 60), (60, 130, 200), (250, 196, 60), (60, 170, 140), (240, 240, 236), (150, 96, 180)]
    if variant == "finish":
        ax, aw_ = w * 0.55, w * 0.44
        arch = (214, 40, 36)
        d.rounded_rectangle((ax - aw_ / 2, h * 0.3, ax - aw_ / 2 + w * 0.05, h * 0.85), radius=w * 0.025, fill=arch)
        d.rounded_rectangle((ax + aw_ / 2 - w * 0.05, h * 0.28, ax + aw_ / 2, h * 0.8), radius=w * 0.025, fill=arch)
        d.rounded_rectangle((ax - aw_ / 2, h * 0.24, ax + aw_ / 2, h * 0.34), radius=w * 0.04, fill=arch)
        d.rounded_rectangle((ax - aw_ * 0.35, h * 0.27, ax + aw_ * 0.35, h * 0.31), radius=w * 0.01, fill=(246, 206, 90))
    n = 5 if variant != "group" else 9
    for i in range(n):
        xk = 0.08 + i * (0.84 / max(1, n - 1)) + rng.uniform(-0.02, 0.02)
        y = h * (0.94 - xk * 0.07)
        person(
            d,
            w * xk,
            y,
            h * rng.uniform(0.3, 0.36),
            rng.choice(sport),
            rng.choice([(50, 56, 70), (70, 76, 96)]),
            skin=rng.choice(SKIN),
            pose="run" if variant != "group" else rng.choice(["wave", "stand"]),
            long_hair=rng.random() < 0.4,
        )
    return vignette(img, 0.12)


def cone(d, x, y, s):
    d.polygon([(x - s * 0.3, y), (x + s * 0.3, y), (x + s * 0.08, y - s), (x - s * 0.08, y - s)], fill=(244, 104, 34))
    for k in (0.35, 0.65):
        wk = 0.3 - 0.22 * k
        d.polygon(
            [
                (x - s * (wk + 0.02), y - s * k + s * 0.06),
                (x + s * (wk + 0.02), y - s * k + s * 0.06),
                (x + s * wk, y - s * k - s * 0.04),
                (x - s * wk, y - s * k - s * 0.04),
            ],
            fill=(240, 240, 236),
        )
    d.rectangle((x - s * 0.38, y - s * 0.05, x + s * 0.38, y + s * 0.02), fill=(214, 84, 30))


def truck(d, x, y, s, body=(250, 250, 246), stripe=(240, 120, 36)):
    """A small road-maintenance truck seen from the side, wheels at y."""
    d.rounded_rectangle((x, y - s * 0.5, x + s * 0.45, y - s * 0.1), radius=s * 0.04, fill=body)
    d.polygon(
        [
            (x + s * 0.45, y - s * 0.1),
            (x + s * 0.45, y - s * 0.42),
            (x + s * 0.62, y - s * 0.42),
            (x + s * 0.72, y - s * 0.28),
            (x + s * 0.72, y - s * 0.1),
        ],
        fill=body,
    )
    d.polygon(
        [(x + s * 0.5, y - s * 0.38), (x + s * 0.6, y - s * 0.38), (x + s * 0.67, y - s * 0.28), (x + s * 0.5, y - s * 0.28)],
        fill=(150, 186, 210),
    )
    d.rectangle((x, y - s * 0.2, x + s * 0.72, y - s * 0.16), fill=stripe)
    d.rectangle((x + s * 0.2, y - s * 0.57, x + s * 0.26, y - s * 0.5), fill=(250, 180, 30))
    for wx in (x + s * 0.13, x + s * 0.58):
        d.ellipse((wx - s * 0.08, y - s * 0.16, wx + s * 0.08, y), fill=(40, 40, 44))
        d.ellipse((wx - s * 0.035, y - s * 0.115, wx + s * 0.035, y - s * 0.045), fill=(170, 170, 170))


def picture_works(size, seed, variant="contest"):
    """岗位大练兵: road workers competing at a maintenance drill."""
    w, h = size
    img, at, horizon = scene_road(size, seed, "day", "green", bend=0.25 if variant == "contest" else -0.5, trees=True)
    d = ImageDraw.Draw(img)
    if variant == "contest":
        d.rectangle((w * 0.24, h * 0.34, w * 0.245, h * 0.6), fill=(150, 150, 150))
        d.rectangle((w * 0.755, h * 0.34, w * 0.76, h * 0.6), fill=(150, 150, 150))
        d.rectangle((w * 0.24, h * 0.34, w * 0.76, h * 0.42), fill=RED)
        for i in range(14):  # suggest a line of characters on the banner
            d.rounded_rectangle((w * (0.27 + i * 0.033), h * 0.36, w * (0.293 + i * 0.033), h * 0.4), radius=SS * 2, fill=(246, 214, 110))
        for i in range(6):
            x, y = at(1.6 + i * 0.5, -0.25 + (i % 2) * 0.5)
            cone(d, x, y, h * 0.12 / (1 + i * 0.3))
        for i, (xk, pose) in enumerate([(0.1, "stand"), (0.2, "walk"), (0.8, "stand"), (0.9, "wave")]):
            person(
                d,
                w * xk,
                h * (0.95 + 0.02 * (i % 2)),
                h * 0.38,
                (70, 90, 120),
                (50, 60, 80),
                vest=SAFETY,
                hat="helmet" if i % 2 else "yellow",
                pose=pose,
                skin=SKIN[i % 4],
            )
    else:
        truck(d, w * 0.56, h * 0.86, w * 0.36)
        patch = [at(1.3, -0.3), at(1.3, 0.05), at(1.9, 0.05), at(1.9, -0.3)]
        d.polygon(patch, fill=(52, 54, 58))  # a freshly patched pothole
        for i, xk in enumerate((0.16, 0.3, 0.44)):
            person(
                d,
                w * xk,
                h * (0.95 - 0.02 * i),
                h * 0.4,
                (70, 90, 120),
                (50, 60, 80),
                vest=SAFETY,
                hat="helmet",
                pose="bow" if i != 1 else "stand",
                facing=1,
                skin=SKIN[i],
            )
        for i in range(3):
            cone(d, w * (0.05 + i * 0.03), h * 0.98, h * 0.1)
    return vignette(img, 0.1)


# portraits -----------------------------------------------------------------------
def bust(canvas, cx, base_y, s, clothes, skin=SKIN[0], hair=HAIR_DARK, style="short", hat=None, under=(250, 250, 248)):
    """A head and shoulders without a face (flat illustration style).

    s is the head width in pixels. clothes: "vest" (orange safety vest),
    "uniform" (navy), "volunteer" (red vest), "jacket" (blue work jacket),
    "rescue" (orange-red rescue suit), or a colour for plain clothes.
    """
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    hw, hh = s / 2, s * 0.63
    head_cy = base_y - s * 2.05
    shoulders_top = head_cy + hh * 1.05
    if style == "long":
        d.rounded_rectangle((cx - hw * 1.18, head_cy - hh * 0.9, cx + hw * 1.18, head_cy + hh * 1.45), radius=hw, fill=hair)
    colours = {"vest": (74, 96, 126), "uniform": NAVY, "volunteer": under, "jacket": (58, 100, 156), "rescue": (232, 96, 40)}
    body = colours.get(clothes, clothes) if isinstance(clothes, str) else clothes
    d.ellipse((cx - s * 1.6, shoulders_top, cx + s * 1.6, shoulders_top + s * 1.5), fill=body)
    d.rectangle((cx - s * 1.6, shoulders_top + s * 0.75, cx + s * 1.6, base_y + s), fill=body)
    neck_top, neck_bot = head_cy + hh * 0.6, shoulders_top + s * 0.22
    d.rounded_rectangle((cx - s * 0.24, neck_top, cx + s * 0.24, neck_bot), radius=s * 0.1, fill=shade(skin, 0.9))
    # collar / vest
    if clothes in ("uniform", "jacket", "rescue"):
        d.polygon(
            [(cx - s * 0.3, neck_bot - s * 0.06), (cx, neck_bot + s * 0.45), (cx + s * 0.3, neck_bot - s * 0.06)],
            fill=under if clothes == "uniform" else shade(body, 0.85),
        )
        d.polygon(
            [(cx - s * 0.36, neck_bot - s * 0.1), (cx - s * 0.05, neck_bot + s * 0.5), (cx - s * 0.5, neck_bot + s * 0.26)],
            fill=shade(body, 1.1),
        )
        d.polygon(
            [(cx + s * 0.36, neck_bot - s * 0.1), (cx + s * 0.05, neck_bot + s * 0.5), (cx + s * 0.5, neck_bot + s * 0.26)],
            fill=shade(body, 1.1),
        )
        if clothes == "uniform":
            d.polygon(
                [
                    (cx - s * 0.06, neck_bot + s * 0.05),
                    (cx + s * 0.06, neck_bot + s * 0.05),
                    (cx + s * 0.09, neck_bot + s * 0.6),
                    (cx, neck_bot + s * 0.7),
                    (cx - s * 0.09, neck_bot + s * 0.6),
                ],
                fill=(60, 70, 110),
            )
            for side in (-1, 1):  # shoulder boards
                d.polygon(
                    [
                        (cx + side * s * 0.7, shoulders_top + s * 0.18),
                        (cx + side * s * 1.25, shoulders_top + s * 0.36),
                        (cx + side * s * 1.22, shoulders_top + s * 0.48),
                        (cx + side * s * 0.66, shoulders_top + s * 0.3),
                    ],
                    fill=(30, 42, 72),
                )
        if clothes == "rescue":
            d.rectangle((cx - s * 1.6, shoulders_top + s * 1.1, cx + s * 1.6, shoulders_top + s * 1.23), fill=(226, 228, 230))
        if clothes == "jacket":
            d.rectangle((cx - s * 0.02, neck_bot + s * 0.45, cx + s * 0.02, base_y + s), fill=shade(body, 0.75))
            d.rectangle((cx + s * 0.35, shoulders_top + s * 0.9, cx + s * 0.75, shoulders_top + s * 1.0), fill=shade(body, 0.8))
    else:
        d.polygon(
            [(cx - s * 0.3, neck_bot - s * 0.08), (cx, neck_bot + s * 0.28), (cx + s * 0.3, neck_bot - s * 0.08)], fill=shade(skin, 0.9)
        )
    if clothes in ("vest", "volunteer"):
        vest = SAFETY if clothes == "vest" else (214, 36, 36)
        vmask = Image.new("L", canvas.size, 0)
        vd = ImageDraw.Draw(vmask)
        vd.ellipse((cx - s * 1.6, shoulders_top, cx + s * 1.6, shoulders_top + s * 1.5), fill=255)
        vd.rectangle((cx - s * 1.6, shoulders_top + s * 0.75, cx + s * 1.6, base_y + s), fill=255)
        vd.polygon(
            [(cx - s * 0.46, shoulders_top - s * 0.1), (cx, shoulders_top + s * 1.2), (cx + s * 0.46, shoulders_top - s * 0.1)], fill=0
        )
        for side in (-1, 1):  # armholes
            vd.ellipse(
                (cx + side * s * 1.6 - s * 0.3, shoulders_top + s * 0.45, cx + side * s * 1.6 + s * 0.3, shoulders_top + s * 1.9), fill=0
            )
        # a deep V neck; the straps run on over the shoulders
        vd.polygon(
            [(cx - s * 0.66, shoulders_top - s * 0.1), (cx, shoulders_top + s * 1.25), (cx + s * 0.66, shoulders_top - s * 0.1)], fill=0
        )
        vd.ellipse((cx - s * 0.66, shoulders_top - s * 0.3, cx + s * 0.66, shoulders_top + s * 0.32), fill=0)
        body_mask = layer.getchannel("A")
        vmask = ImageChops.multiply(vmask, body_mask)
        layer.paste(Image.new("RGBA", canvas.size, vest + (255,)), (0, 0), vmask)
        if clothes == "vest":
            smask = Image.new("L", canvas.size, 0)
            sd = ImageDraw.Draw(smask)
            for k in (1.15, 1.5):
                sd.rectangle((cx - s * 1.6, shoulders_top + s * k, cx + s * 1.6, shoulders_top + s * (k + 0.13)), fill=255)
            smask = ImageChops.multiply(smask, vmask)
            layer.paste(Image.new("RGBA", canvas.size, (226, 230, 232, 255)), (0, 0), smask)
        else:  # a small yellow badge on a volunteer's vest
            bx, by = cx - s * 0.75, shoulders_top + s * 1.05
            d.ellipse((bx - s * 0.13, by - s * 0.13, bx + s * 0.13, by + s * 0.13), fill=(250, 210, 70))
            d.polygon(star(bx, by, s * 0.09), fill=(214, 36, 36))
    # head, ears, hair
    for side in (-1, 1):
        d.ellipse(
            (cx + side * hw * 0.95 - s * 0.09, head_cy - s * 0.05, cx + side * hw * 0.95 + s * 0.09, head_cy + s * 0.2),
            fill=shade(skin, 0.95),
        )
    d.ellipse((cx - hw, head_cy - hh, cx + hw, head_cy + hh), fill=skin)
    if hat == "helmet" or hat == "rescue":
        col = (250, 250, 246) if hat == "helmet" else (240, 140, 30)
        d.chord((cx - hw * 1.15, head_cy - hh * 1.38, cx + hw * 1.15, head_cy + hh * 0.5), 180, 360, fill=col)
        d.rounded_rectangle((cx - hw * 1.32, head_cy - hh * 0.48, cx + hw * 1.32, head_cy - hh * 0.34), radius=s * 0.04, fill=col)
        d.rectangle((cx - s * 0.04, head_cy - hh * 1.36, cx + s * 0.04, head_cy - hh * 0.5), fill=shade(col, 0.92))
    elif hat == "cap":
        d.chord((cx - hw * 1.08, head_cy - hh * 1.3, cx + hw * 1.08, head_cy + hh * 0.3), 180, 360, fill=NAVY)
        d.rounded_rectangle((cx - hw * 1.16, head_cy - hh * 0.72, cx + hw * 1.16, head_cy - hh * 0.42), radius=s * 0.05, fill=NAVY)
        d.chord((cx - hw * 0.95, head_cy - hh * 0.6, cx + hw * 0.95, head_cy - hh * 0.22), 0, 180, fill=(24, 30, 44))
        d.ellipse((cx - s * 0.09, head_cy - hh * 1.06, cx + s * 0.09, head_cy - hh * 0.8), fill=(230, 196, 90))
    else:
        if style == "bald":
            d.chord((cx - hw * 1.02, head_cy - hh * 0.5, cx + hw * 1.02, head_cy + hh * 0.7), 180, 270, fill=hair)
            d.chord((cx - hw * 1.02, head_cy - hh * 0.5, cx + hw * 1.02, head_cy + hh * 0.7), 270, 360, fill=hair)
        else:
            d.chord((cx - hw * 1.05, head_cy - hh * 1.08, cx + hw * 1.05, head_cy + hh * 0.5), 160, 380, fill=hair)
            d.ellipse((cx - hw * 0.2, head_cy - hh * 1.06, cx + hw * 1.05, head_cy - hh * 0.15), fill=hair)
        if style == "long":
            d.ellipse((cx - hw * 1.05, head_cy - hh * 1.05, cx + hw * 0.3, head_cy - hh * 0.1), fill=hair)
        if style == "bun":
            d.ellipse((cx - s * 0.2, head_cy - hh * 1.4, cx + s * 0.2, head_cy - hh * 0.85), fill=hair)
    # light from the upper left
    lighting = gradient(canvas.size, [(0, (255, 255, 255)), (0.55, (244, 240, 236)), (1, (206, 200, 196))], horizontal=True)
    rgb = ImageChops.multiply(layer.convert("RGB"), lighting)
    alpha = layer.getchannel("A")
    shadow = alpha.filter(ImageFilter.GaussianBlur(s * 0.12)).point(lambda v: v * 40 // 255)
    canvas.paste(
        (40, 30, 20), (int(s * 0.06), int(s * 0.04)), shadow.crop((0, 0, canvas.width - int(s * 0.06), canvas.height - int(s * 0.04)))
    )
    canvas.paste(rgb, (0, 0), alpha)


def portrait_background(size, kind, seed):
    w, h = size
    wide = (int(h * 1.5), h)
    if kind == "road":
        bg = picture_road(wide, seed, sky_name="day")
    elif kind == "dusk":
        bg = picture_road(wide, seed, sky_name="dusk", palette="warm", sun=(0.5, 0.4))
    elif kind == "bridge":
        bg = picture_bridge(wide, seed)
    elif kind == "city":
        bg = picture_volunteers(wide, seed)
    elif kind == "station":
        bg = picture_works(wide, seed, "contest")
    elif kind == "home":
        bg = picture_reading(wide, seed, "stacks")
    else:
        bg = picture_run(wide, seed, "run")
    left = (bg.width - w) // 2
    bg = bg.crop((left, 0, left + w, h)).filter(ImageFilter.GaussianBlur(w / 45))
    return ImageEnhance.Color(ImageEnhance.Brightness(bg).enhance(1.06)).enhance(0.85)


def picture_portrait(size, seed, background, **who):
    img = portrait_background(size, background, seed)
    w, h = size
    bust(img, w * 0.5, h * 0.9, w * 0.3, **who)
    return vignette(img, 0.1)


def picture_family(size, seed):
    img = portrait_background(size, "home", seed)
    w, h = size
    bust(img, w * 0.3, h * 0.86, w * 0.19, "uniform", skin=SKIN[2], hair=(196, 194, 190))
    bust(img, w * 0.7, h * 0.87, w * 0.18, (150, 70, 80), skin=SKIN[3], hair=HAIR_GREY, style="bun")
    bust(img, w * 0.62, h * 1.04, w * 0.19, "vest", skin=SKIN[1])
    bust(img, w * 0.36, h * 1.06, w * 0.18, (236, 160, 170), skin=SKIN[0], style="long")
    bust(img, w * 0.5, h * 1.16, w * 0.14, (64, 120, 190), skin=SKIN[3], under=(250, 250, 248))
    return vignette(img, 0.1)


# what goes where ----------------------------------------------------------------
def jobs():
    """(path under content/, final size, drawing function) for every picture."""
    p, a = "profiles", "activities"
    return [
        (
            f"{p}/chen-jianguo/portrait.jpg",
            PORTRAIT,
            lambda s: picture_portrait(s, 11, "road", clothes="vest", skin=SKIN[2], hair=(70, 66, 62)),
        ),
        (
            f"{p}/liu-fang/portrait.jpg",
            PORTRAIT,
            lambda s: picture_portrait(s, 12, "station", clothes="uniform", skin=SKIN[0], style="long"),
        ),
        (f"{p}/wang-lei/portrait.jpg", PORTRAIT, lambda s: picture_portrait(s, 13, "bridge", clothes="jacket", skin=SKIN[1], hat="helmet")),
        (
            f"{p}/zhao-haitao/portrait.jpg",
            PORTRAIT,
            lambda s: picture_portrait(s, 14, "dusk", clothes="rescue", skin=SKIN[2], hat="rescue"),
        ),
        (
            f"{p}/sun-xiaomei/portrait.jpg",
            PORTRAIT,
            lambda s: picture_portrait(s, 15, "city", clothes="volunteer", skin=SKIN[3], style="long"),
        ),
        (f"{p}/he-dehou-jiating/portrait.jpg", PORTRAIT, picture_family_seeded(16)),
        (f"{p}/zhou-ping/portrait.jpg", PORTRAIT, lambda s: picture_portrait(s, 17, "road", clothes="uniform", skin=SKIN[1], hat="cap")),
        (
            f"{p}/li-wenjun/portrait.jpg",
            PORTRAIT,
            lambda s: picture_portrait(s, 18, "park", clothes="volunteer", skin=SKIN[0], under=(236, 236, 232)),
        ),
        (f"{a}/xueleifeng-2027/cover.jpg", COVER, lambda s: picture_volunteers(s, 21, tent=True)),
        (f"{a}/qingming-jiyinglie-2027/cover.jpg", COVER, lambda s: picture_memorial(s, 22)),
        (f"{a}/shuxiang-gonglu-2026/cover.jpg", COVER, lambda s: picture_reading(s, 23, "desk")),
        (f"{a}/shuxiang-gonglu-2026/01-yuedu.jpg", PHOTO, lambda s: picture_reading(s, 24, "people")),
        (f"{a}/shuxiang-gonglu-2026/02-shujia.jpg", PHOTO, lambda s: picture_reading(s, 25, "stacks")),
        (f"{a}/shuxiang-gonglu-2026/03-yizhan.jpg", PHOTO, lambda s: picture_station(s, 26)),
        (f"{a}/zhouwu-wenming-quandao/cover.jpg", COVER, lambda s: picture_volunteers(s, 31)),
        (f"{a}/zhouwu-wenming-quandao/01-quandao.jpg", PHOTO, lambda s: picture_volunteers(s, 32, sky_name="dawn")),
        (f"{a}/zhouwu-wenming-quandao/02-baojie.jpg", PHOTO, lambda s: picture_cleanup(s, 33)),
        (f"{a}/gangwei-dalianbing-2026/cover.jpg", COVER, lambda s: picture_works(s, 41, "contest")),
        (f"{a}/gangwei-dalianbing-2026/01-buyang.jpg", PHOTO, lambda s: picture_works(s, 42, "patch")),
        (f"{a}/gangwei-dalianbing-2026/02-qiaoliang.jpg", PHOTO, lambda s: picture_bridge(s, 43)),
        (f"{a}/xiang-guoqi-jingli-2026/cover.jpg", COVER, lambda s: picture_flag(s, 51, "pole")),
        (f"{a}/xiang-guoqi-jingli-2026/01-jingli.jpg", PHOTO, lambda s: picture_flag(s, 52, "side")),
        (f"{a}/xiang-guoqi-jingli-2026/02-guoqi.jpg", PHOTO, lambda s: picture_flag(s, 53, "close")),
        (f"{a}/jiankang-gonglu-2026/cover.jpg", COVER, lambda s: picture_run(s, 61, "run")),
        (f"{a}/jiankang-gonglu-2026/01-zhongdian.jpg", PHOTO, lambda s: picture_run(s, 62, "finish")),
        (f"{a}/jiankang-gonglu-2026/02-heying.jpg", PHOTO, lambda s: picture_run(s, 63, "group")),
        (f"{a}/jiankang-gonglu-2026/03-lvdao.jpg", PHOTO, lambda s: picture_road(s, 64, sky_name="dawn", palette="warm", sun=(0.3, 0.36))),
        ("slogans/backgrounds/reading.jpg", COVER, lambda s: darken(picture_reading(s, 71, "stacks"))),
        ("slogans/backgrounds/road.jpg", COVER, lambda s: darken(picture_road(s, 72, sky_name="clear", bend=0.9))),
    ]


def picture_family_seeded(seed):
    return lambda s: picture_family(s, seed)


def darken(img):
    """Slogan backgrounds sit behind large white text: calmer and darker."""
    img = img.filter(ImageFilter.GaussianBlur(img.width / 400))
    return ImageEnhance.Brightness(ImageEnhance.Color(img).enhance(0.8)).enhance(0.62)


def encode(img):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=82, optimize=True, progressive=True)
    return buf.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=Path(__file__).resolve().parent.parent / "content")
    parser.add_argument("--only", help="draw only the files whose path contains this text")
    args = parser.parse_args(argv)

    failures = []
    for rel, size, draw in jobs():
        if args.only and args.only not in rel:
            continue
        big = draw((size[0] * SS, size[1] * SS))
        data = encode(big.convert("RGB").resize(size, Image.LANCZOS))
        out = args.content / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"{len(data) / 1024:6.1f} KB  {rel}")
        if len(data) > MAX_FILE_BYTES:
            failures.append(f"{rel} is {len(data)} bytes (limit {MAX_FILE_BYTES})")

    total = sum(f.stat().st_size for f in args.content.rglob("*") if f.is_file())
    print(f"content/ now holds {total / 1024:.0f} KB")
    if total > MAX_CONTENT_BYTES:
        failures.append(f"content/ is {total} bytes (limit {MAX_CONTENT_BYTES})")
    for f in failures:
        print("too big:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
