// Fixed-point numbers with 10 decimals: values in (0, 1] and checksums, kept exact as integers.

export const SCALE_DIGITS = 10;
export const SCALE = 10_000_000_000; // 10^10: value v means v / 10^10
const SCALE_BIG = 10_000_000_000n;

/** Formats an exact scaled integer as a decimal with exactly 10 decimals: 12345n -> "0.0000012345". */
export function formatFixed(scaled: bigint): string {
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const whole = magnitude / SCALE_BIG;
  const fraction = (magnitude % SCALE_BIG).toString().padStart(SCALE_DIGITS, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Parses what formatFixed prints back into the scaled integer, or null if it is not that format. */
export function parseFixed(text: string): bigint | null {
  const match = /^(-?)(\d{1,30})\.(\d{10})$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction] = match;
  const scaled = BigInt(whole) * SCALE_BIG + BigInt(fraction);
  return sign === '-' ? -scaled : scaled;
}

/** The result line every node prints: `(count, checksum)`. */
export function formatResult(count: number, checksum: bigint): string {
  return `(${count}, ${formatFixed(checksum)})`;
}
