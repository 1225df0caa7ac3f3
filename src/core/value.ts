// The value function: the deterministic pseudo-random number member m sends as message seq.
//
// value(seed, m, seq) = (mix64(key(seed, m) + seq * GAMMA mod 2^64) mod 10^10) + 1
// key(seed, m)        = mix64(seed XOR fnv1a64(utf8(m)))
// mix64 is the splitmix64 finalizer (Steele, Lea, Flood 2014; Vigna's constants). See docs/PROTOCOL.md.

const MASK64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;
const MIX1 = 0xbf58476d1ce4e5b9n;
const MIX2 = 0x94d049bb133111ebn;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const VALUE_RANGE = 10_000_000_000n;

/** The largest seed accepted: seeds are non-negative safe integers so JSON carries them exactly. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** splitmix64's output function: a bijective avalanche mix of a 64-bit integer. */
export function mix64(input: bigint): bigint {
  let z = input & MASK64;
  z = ((z ^ (z >> 30n)) * MIX1) & MASK64;
  z = ((z ^ (z >> 27n)) * MIX2) & MASK64;
  return z ^ (z >> 31n);
}

/** 64-bit FNV-1a over the UTF-8 bytes of a string. */
export function fnv1a64(text: string): bigint {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK64;
  }
  return hash;
}

/** The per-(seed, member) key of a value stream. */
export function streamKey(seed: number, memberId: string): bigint {
  return mix64(BigInt(seed) ^ fnv1a64(memberId));
}

/** Value of message `seq` of the stream with this key: an integer in [1, 10^10]. */
export function valueFromKey(key: bigint, seq: number): number {
  const z = mix64(key + BigInt(seq) * GAMMA);
  return Number(z % VALUE_RANGE) + 1;
}

/** value(seed, memberId, seq): an integer in [1, 10^10] meaning value / 10^10, a number in (0, 1]. */
export function value(seed: number, memberId: string, seq: number): number {
  return valueFromKey(streamKey(seed, memberId), seq);
}

/** A member's value stream with its key computed once: the sender calls it for every new serial. */
export function valueStream(seed: number, memberId: string): (seq: number) => number {
  const key = streamKey(seed, memberId);
  return (seq) => valueFromKey(key, seq);
}
