// A deep copy of plain data (objects, arrays, Maps, Sets); functions and primitives are shared.
// Used for replay checkpoints: the reducer updates the state it is given in place.

export function deepClone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, deepClone(v)])) as T;
  if (value instanceof Set) return new Set([...value].map(deepClone)) as T;
  if (Array.isArray(value)) return value.map(deepClone) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = deepClone(item);
  return copy as T;
}
