// The bench's parts, and a part's outcome: its figures, or why there are none (it failed, or it was skipped).

export const PART_NAMES = ['raw', 'w1', 'windowed', 'ten', 'sim', 'mesh', 'memory', 'ui'] as const;
export type PartName = (typeof PART_NAMES)[number];

export type Failed = { error: string };
export type Skipped = { skipped: string };
export type Outcome<T> = T | Failed | Skipped;

export function isFigure<T extends object>(outcome: Outcome<T> | undefined): outcome is T {
  return outcome !== undefined && !('error' in outcome) && !('skipped' in outcome);
}

export function errorText(outcome: Failed | Skipped): string {
  return 'error' in outcome ? `failed: ${outcome.error}` : `skipped: ${outcome.skipped}`;
}

/** A thrown error as a part's (or one measurement's) outcome. */
export function failed(error: unknown): Failed {
  return { error: error instanceof Error ? error.message : String(error) };
}
