// Canvas set-up shared by the canvas views: sized for the device's pixel ratio, context cached.

const contexts = new WeakMap<HTMLCanvasElement, CanvasRenderingContext2D>();

/** Sizes the canvas for the device's pixel ratio and clears it. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const context = contexts.get(canvas) ?? canvas.getContext('2d');
  if (!context) return null;
  contexts.set(canvas, context);
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}
