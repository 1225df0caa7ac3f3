// A command line inside one flag's value (`--external 'CMD ARGS…'`, `--node 'ARGS…'`): split into words, and joined back.

import { UsageError } from './flags';

/**
 * Splits `text` on blanks; '…' or "…" around a whole word keeps its blanks (no other shell
 * syntax). `flag` names the flag in the error for an unmatched quote or an empty value.
 */
export function splitWords(text: string, flag: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    if (match[3]?.includes('"') || match[3]?.includes("'")) throw new UsageError(`${flag} has an unmatched quote, or a quote inside a word: ${text}`);
    words.push(match[1] ?? match[2] ?? match[3]);
  }
  if (words.length === 0) throw new UsageError(`${flag} must not be empty`);
  return words;
}

/** The text splitWords turns back into `words`; throws for a word it cannot carry (one holding both kinds of quote). */
export function joinWords(words: readonly string[]): string {
  return words.map(quotedWord).join(' ');
}

function quotedWord(word: string): string {
  if (word.length > 0 && !/[\s'"]/.test(word)) return word;
  if (!word.includes("'")) return `'${word}'`;
  if (!word.includes('"')) return `"${word}"`;
  throw new Error(`cannot pass ${JSON.stringify(word)} inside one flag's value: it holds both kinds of quote`);
}
