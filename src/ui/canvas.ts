// Canvas set-up shared by the canvas views: sized for the device's pixel ratio, context cached.

const contexts = new WeakMap<HTMLCanvasElement, CanvasRenderingContext2D>();

/** Sizes the canvas for the device's pixel ratio (which clears it only if the size changed); returns its context. */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): { context: CanvasRenderingContext2D; resized: boolean } | null {
  const ratio = window.devicePixelRatio || 1;
  const resized = canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio);
  if (resized) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const context = contexts.get(canvas) ?? canvas.getContext('2d');
  if (!context) return null;
  contexts.set(canvas, context);
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { context, resized };
}

/** Sizes the canvas for the device's pixel ratio and clears it. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const sized = sizeCanvas(canvas, width, height);
  if (!sized) return null;
  sized.context.clearRect(0, 0, width, height);
  return sized.context;
}

/** A rectangle that grows to cover what is drawn in it (to clear just that next time). */
export class DirtyBox {
  private left = Infinity;
  private top = Infinity;
  private right = -Infinity;
  private bottom = -Infinity;

  get empty(): boolean {
    return this.left > this.right;
  }

  /** Covers a circle (or a label's box) around (x, y) with the given reach. */
  cover(x: number, y: number, left: number, top: number, right: number, bottom: number): void {
    this.left = Math.min(this.left, x - left);
    this.top = Math.min(this.top, y - top);
    this.right = Math.max(this.right, x + right);
    this.bottom = Math.max(this.bottom, y + bottom);
  }

  /** Clears the covered area (with a pixel of margin for anti-aliasing) and empties the box. */
  clear(context: CanvasRenderingContext2D): void {
    if (!this.empty) context.clearRect(this.left - 2, this.top - 2, this.right - this.left + 4, this.bottom - this.top + 4);
    this.reset();
  }

  reset(): void {
    this.left = Infinity;
    this.top = Infinity;
    this.right = -Infinity;
    this.bottom = -Infinity;
  }
}
