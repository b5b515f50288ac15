"""Plausible, synthetic outlines for the seeded bureau trees (not surveyed).

Each city bureau gets a rectangle around its city's real centre (Yancheng
33.35°N 120.16°E; Wenzhou 28.00°N 120.67°E; other seeded cities further out),
and each unit's rectangle is split among its children: sub-bureaus side by
side, stations in rows, beats side by side again. Nested rectangles are valid
outlines that lie inside their parents, as the beat map requires. Seeded
records get a point inside their beat (or station).
"""

import random
from decimal import Decimal

from units.models import Unit

# (west, south, east, north) of the city bureaus' rectangles.
CITY_BOXES = {
    "YC": (119.95, 33.20, 120.40, 33.50),
    "WZ": (120.55, 27.95, 120.75, 28.06),
}


def _fallback_box(index: int) -> tuple[float, float, float, float]:
    # Seeded cities beyond the two of the articles, placed across Jiangsu.
    west, south = 118.4 + (index % 4) * 0.5, 31.4 + (index // 4) * 0.45
    return (west, south, west + 0.4, south + 0.35)


def _split(box, parts: int, vertical: bool) -> list[tuple[float, float, float, float]]:
    west, south, east, north = box
    boxes = []
    for i in range(parts):
        if vertical:  # side by side
            step = (east - west) / parts
            boxes.append((west + i * step, south, west + (i + 1) * step, north))
        else:  # in rows
            step = (north - south) / parts
            boxes.append((west, south + i * step, east, south + (i + 1) * step))
    return boxes


def rectangle(box) -> dict:
    west, south, east, north = (round(v, 6) for v in box)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def outline_boxes(units: list[Unit]) -> dict[int, tuple[float, float, float, float]]:
    """A rectangle for every unit of ``units`` (whole trees), by unit id."""
    children: dict[int | None, list[Unit]] = {}
    for unit in sorted(units, key=lambda u: u.path):
        children.setdefault(unit.parent_id, []).append(unit)
    boxes: dict[int, tuple] = {}
    fallback = 0

    def place(unit: Unit, box, depth: int) -> None:
        boxes[unit.pk] = box
        kids = children.get(unit.pk, [])
        if kids:
            for kid, kid_box in zip(kids, _split(box, len(kids), vertical=depth % 2 == 0)):
                # A small margin keeps neighbours from sharing an edge exactly.
                place(kid, _shrink(kid_box), depth + 1)

    for root in children.get(None, []):
        box = CITY_BOXES.get(root.code)
        if box is None:
            box = _fallback_box(fallback)
            fallback += 1
        place(root, box, 0)
    return boxes


def _shrink(box, share: float = 0.02):
    west, south, east, north = box
    dx, dy = (east - west) * share, (north - south) * share
    return (west + dx, south + dy, east - dx, north - dy)


def point_in(box, rng: random.Random) -> tuple[Decimal, Decimal]:
    """A random (latitude, longitude) well inside ``box``."""
    west, south, east, north = box
    lng = west + (east - west) * (0.1 + 0.8 * rng.random())
    lat = south + (north - south) * (0.1 + 0.8 * rng.random())
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")
