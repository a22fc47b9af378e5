/**
 * Shapes both drawings of a reference graph share (the CLI's SVG and the editor's view), laid
 * out by dagre except for loops: dagre routes an edge from a node to itself poorly inside a
 * cluster (the package's box), sometimes outside the box altogether, so neither gives it one.
 */

/** A point of a route. */
export type Point = { x: number; y: number };
/** A box's size and centre. */
export type Box = { x: number; y: number; width: number; height: number };
/** An edge's route: its points (or a path of its own), and where its label goes. */
export type Route = { points?: Point[]; x?: number; y?: number; d?: string };

/** Room under a node for the loop of its references to itself: the node is laid out this much taller. */
export const LOOP = 34;

/** The box of a node laid out with room for a loop under it (`LOOP`): the box sits at the top of its slot. */
export function boxAboveLoop(laid: Box, height: number): Box {
  return { x: laid.x, y: laid.y - (laid.height - height) / 2, width: laid.width, height };
}

/** A loop under a node, for references from the node to itself (an unknown name of its own namespace). */
export function loop(b: Box): Route {
  const bottom = b.y + b.height / 2;
  const x1 = b.x + b.width / 4;
  const x2 = b.x - b.width / 4;
  return { points: [{ x: x1, y: bottom }, { x: x2, y: bottom }], x: b.x, y: bottom + LOOP - 9, d: `M${x1.toFixed(1)},${bottom.toFixed(1)} C${(x1 + 6).toFixed(1)},${(bottom + LOOP * 0.6).toFixed(1)} ${(x2 - 6).toFixed(1)},${(bottom + LOOP * 0.6).toFixed(1)} ${x2.toFixed(1)},${(bottom + 1).toFixed(1)}` };
}

/** Where the line from the centre of `b` towards `p` leaves the box. */
export function clip(b: Box, p: Point): Point {
  const dx = p.x - b.x;
  const dy = p.y - b.y;
  let w = b.width / 2;
  let h = b.height / 2;
  if (dx === 0 && dy === 0) return { x: b.x, y: b.y };
  if (Math.abs(dy) * w > Math.abs(dx) * h) {
    if (dy < 0) h = -h;
    return { x: b.x + (h * dx) / dy, y: b.y + h };
  }
  if (dx < 0) w = -w;
  return { x: b.x + w, y: b.y + (w * dy) / dx };
}
