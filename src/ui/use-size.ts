// A React hook that tracks an element's content size with a ResizeObserver.

import { useCallback, useRef, useState } from 'react';

export interface Size {
  width: number;
  height: number;
}

export function useSize<T extends HTMLElement>(initial: Size): { ref: (element: T | null) => void; size: Size } {
  const [size, setSize] = useState(initial);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((element: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!element) return;
    observer.current = new ResizeObserver(([entry]) => {
      const width = Math.max(120, Math.floor(entry.contentRect.width));
      const height = Math.max(80, Math.floor(entry.contentRect.height));
      setSize((old) => (old.width === width && old.height === height ? old : { width, height }));
    });
    observer.current.observe(element);
  }, []);
  return { ref, size };
}
