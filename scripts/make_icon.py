#!/usr/bin/env python3
"""Draws the Forfaits source icon (icons/source.png, 1024x1024 RGBA) without any image library:
a calm blue rounded square holding a white handset over a balance bar. `cargo tauri icon
icons/source.png` derives every bundle format from it (see `make icons`)."""
import math, struct, sys, zlib

N = 1024

def inside_round_rect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def coverage(fn, x, y, ss=3):
    hit = 0
    for i in range(ss):
        for j in range(ss):
            if fn(x + (i + 0.5) / ss, y + (j + 0.5) / ss):
                hit += 1
    return hit / (ss * ss)

def background(x, y):
    return inside_round_rect(x, y, 64, 64, 960, 960, 200)

def handset(x, y):
    # An arched body (a thick arc) ending in two pads, the classic handset outline.
    cx, cy, r = 512, 560, 250
    d = math.hypot(x - cx, y - cy)
    ang = math.degrees(math.atan2(cy - y, x - cx))
    arc = 30 <= ang <= 150 and abs(d - r) <= 42
    def pad(a):
        t = math.radians(a)
        px, py = cx + r * math.cos(t), cy - r * math.sin(t)
        # pad: a disc slightly inside the arc end
        return (x - px) ** 2 + (y - py) ** 2 <= 78 ** 2
    return arc or pad(30) or pad(150)

def bars(x, y):
    # Three balance bars of rising height.
    for i, h in enumerate((90, 150, 210)):
        x0 = 300 + i * 150
        if inside_round_rect(x, y, x0, 820 - h, x0 + 110, 820, 24):
            return True
    return False

def pixel(x, y):
    bg = coverage(background, x, y)
    if bg == 0:
        return (0, 0, 0, 0)
    # vertical gradient of the accent blue
    t = y / N
    r, g, b = int(47 + 20 * t), int(111 + 10 * t), int(179 - 25 * t)
    fg = max(coverage(handset, x, y), coverage(bars, x, y)) if 200 < y < 840 and 150 < x < 880 else 0
    r = int(r * (1 - fg) + 255 * fg)
    g = int(g * (1 - fg) + 255 * fg)
    b = int(b * (1 - fg) + 255 * fg)
    return (r, g, b, int(255 * bg))

def png(width, rows):
    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rows)
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows), 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "icons"
    rows = [[pixel(x, y) for x in range(N)] for y in range(N)]
    open(f"{out}/source.png", "wb").write(png(N, rows))
