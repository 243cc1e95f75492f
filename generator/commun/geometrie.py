"""Plane geometry shared by the reference build (simplified shapes) and the SVG maps."""

from __future__ import annotations

import math


def douglas_peucker(points: list, tol: float) -> list:
    """Iterative Douglas-Peucker on a polyline: endpoints kept, points closer than `tol`
    to the simplified line dropped. Fewer than 3 points are returned as they are."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else math.hypot(px - ax, py - ay)
            if d > best:
                best, idx = d, i
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return [p for p, k in zip(points, keep) if k]
