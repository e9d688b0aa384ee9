#!/usr/bin/env python3
"""Generate the Aqueduct app icons and favicon.

Design: a plain white water drop on a solid deep-blue (#0b4f8a) square.

Outputs (relative to the repository root):
    public/icons/icon-192.png           192x192, purpose "any"
    public/icons/icon-512.png           512x512, purpose "any"
    public/icons/icon-maskable-512.png  512x512, purpose "maskable"
                                        (drop inside the central 80% safe zone)
    public/icons/apple-touch-icon.png   180x180
    public/favicon.ico                  16, 32 and 48 px

Usage:
    pip install pillow
    python3 scripts/make-icons.py

The generated files are committed; re-run this script only when the design
changes. Output is deterministic (no timestamps are embedded).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (0x0B, 0x4F, 0x8A, 255)
WHITE = (255, 255, 255, 255)

# Draw at this multiple of the target size, then downsample: cheap anti-aliasing.
SUPERSAMPLE = 8

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ROOT / "public"
ICONS = PUBLIC / "icons"


def drop_polygon(size: float, height_frac: float, steps: int = 720) -> list[tuple[float, float]]:
    """Points of a tear-drop outline centred in a `size` x `size` square.

    The drop is a circle (the round bottom) joined to a point (the tip at the
    top) by the two tangent lines from the tip to the circle. `height_frac` is
    the drop's total height as a fraction of `size`.
    """
    height = size * height_frac
    # Proportions: radius r, tip at distance d = 1.75 r above the circle centre,
    # so total height = r + d = 2.75 r.
    r = height / 2.75
    d = 1.75 * r
    # Centre the drop's bounding box vertically.
    top = (size - height) / 2
    cx = size / 2
    cy = top + d
    tip = (cx, top)

    # Angle (screen coordinates, y down) of the two tangent points.
    half = math.acos(r / d)
    up = -math.pi / 2
    start = up + half          # right tangent point
    end = up - half + 2 * math.pi  # left tangent point, going round the bottom

    points = [tip]
    for i in range(steps + 1):
        a = start + (end - start) * i / steps
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def render(size: int, height_frac: float) -> Image.Image:
    big = size * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), BLUE)
    ImageDraw.Draw(img).polygon(drop_polygon(big, height_frac), fill=WHITE)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def check_safe_zone(height_frac: float) -> None:
    """Assert the maskable drop fits inside the central safe-zone circle
    (radius 40% of the icon size, i.e. the central 80%)."""
    size = 1000.0
    radius = 0.40 * size
    for x, y in drop_polygon(size, height_frac):
        dist = math.hypot(x - size / 2, y - size / 2)
        assert dist <= radius, f"maskable drop leaves safe zone ({dist:.1f} > {radius})"


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)

    # "any" icons: the drop fills most of the square.
    regular = 0.72
    # Maskable: smaller so the whole drop survives any mask shape.
    maskable = 0.56
    check_safe_zone(maskable)
    # Favicons: as large as possible so it reads at 16 px.
    favicon = 0.84

    outputs = {
        ICONS / "icon-192.png": render(192, regular),
        ICONS / "icon-512.png": render(512, regular),
        ICONS / "icon-maskable-512.png": render(512, maskable),
        ICONS / "apple-touch-icon.png": render(180, regular),
    }
    for path, img in outputs.items():
        # Fully opaque; store as RGB to keep the files small.
        img.convert("RGB").save(path, optimize=True)
        print(f"wrote {path.relative_to(ROOT)}")

    # Each favicon size is rendered separately (not downscaled from one image)
    # so the small sizes stay crisp.
    ico_sizes = [16, 32, 48]
    frames = [render(s, favicon) for s in ico_sizes]
    ico_path = PUBLIC / "favicon.ico"
    frames[-1].save(
        ico_path,
        format="ICO",
        sizes=[(s, s) for s in ico_sizes],
        append_images=frames[:-1],
    )
    print(f"wrote {ico_path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
