"""The two app icons Teams needs, drawn here so they need no design tool and stay in git as code.

Both show the same symbol: a speech bubble (chat) with a check mark (messages are checked
against the city's rules), plus a small sparkle for AI on the colour icon. Teams asks for a
192×192 full-colour icon and a 32×32 outline icon that is white on transparent.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

COLOR_SIZE = 192
OUTLINE_SIZE = 32
WHITE = (255, 255, 255, 255)
# Drawn large and scaled down: Pillow draws without anti-aliasing.
_SUPERSAMPLE = 8

# The symbol in a unit square (x, y from the top left).
_BUBBLE = (0.08, 0.12, 0.92, 0.74)  # left, top, right, bottom of the rounded box
_BUBBLE_RADIUS = 0.16
_TAIL = ((0.24, 0.70), (0.44, 0.70), (0.20, 0.92))
_CHECK = ((0.30, 0.43), (0.44, 0.57), (0.70, 0.30))
_SPARKLE_CENTER, _SPARKLE_RADIUS = (0.88, 0.10), 0.12


def _hex_rgba(color: str) -> tuple[int, int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16), 255)


def _png(image: Image.Image, size: int) -> bytes:
    buffer = io.BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _points(unit_points: tuple[tuple[float, float], ...], origin: float, span: float) -> list[tuple[float, float]]:
    return [(origin + x * span, origin + y * span) for x, y in unit_points]


def _sparkle(center: tuple[float, float], radius: float) -> list[tuple[float, float]]:
    cx, cy = center
    waist = radius * 0.28
    return [
        (cx, cy - radius), (cx + waist, cy - waist), (cx + radius, cy), (cx + waist, cy + waist),
        (cx, cy + radius), (cx - waist, cy + waist), (cx - radius, cy), (cx - waist, cy - waist),
    ]


def color_icon(accent: str) -> bytes:
    """192×192: white symbol on the accent colour, inside the central area Teams keeps visible."""
    big = COLOR_SIZE * _SUPERSAMPLE
    accent_rgba = _hex_rgba(accent)
    image = Image.new("RGBA", (big, big), accent_rgba)
    draw = ImageDraw.Draw(image)
    origin, span = big * 0.20, big * 0.60
    left, top, right, bottom = (origin + v * span for v in _BUBBLE)
    draw.rounded_rectangle((left, top, right, bottom), radius=_BUBBLE_RADIUS * span, fill=WHITE)
    draw.polygon(_points(_TAIL, origin, span), fill=WHITE)
    draw.line(_points(_CHECK, origin, span), fill=accent_rgba, width=round(0.09 * span), joint="curve")
    sparkle_center = (origin + _SPARKLE_CENTER[0] * span, origin + _SPARKLE_CENTER[1] * span)
    # An accent ring first keeps the sparkle apart from the bubble it overlaps.
    draw.polygon(_sparkle(sparkle_center, _SPARKLE_RADIUS * span * 1.45), fill=accent_rgba)
    draw.polygon(_sparkle(sparkle_center, _SPARKLE_RADIUS * span), fill=WHITE)
    return _png(image, COLOR_SIZE)


def outline_icon() -> bytes:
    """32×32: the bubble and check as white strokes on a transparent background."""
    big = OUTLINE_SIZE * _SUPERSAMPLE
    # Transparent *white*, so scaling blends only alpha and every visible pixel stays white.
    image = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    origin, span = big * 0.03, big * 0.94
    stroke = round(0.085 * span)
    left, top, right, bottom = (origin + v * span for v in _BUBBLE)
    draw.rounded_rectangle((left, top, right, bottom), radius=_BUBBLE_RADIUS * span, outline=WHITE, width=stroke)
    draw.polygon(_points(_TAIL, origin, span), fill=WHITE)
    draw.line(_points(_CHECK, origin, span), fill=WHITE, width=stroke, joint="curve")
    return _png(image, OUTLINE_SIZE)
