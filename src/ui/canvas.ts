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
