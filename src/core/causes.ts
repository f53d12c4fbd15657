// What the product knows about why memory grows and what brings it back, in one table.
// Everything that names a pattern's cause or a fix (the findings, the CLI, the evidence
// diagnostics, the preferred quick fix, `fix --kind`) reads it from here; adding a pattern or a
// fix kind is one entry, and `satisfies Record<…>` makes a missing one a compile error.
import type { Pattern } from './detector/types';

/** The edits the quick fixes and `kernel-memory-watch fix --kind` apply. */
export const FIX_KINDS = ['collect', 'trim', 'both', 'display'] as const;
export type FixKind = (typeof FIX_KINDS)[number];

export interface FixKindEntry {
  /** The quick fix's title; a loop fix's title goes on with the loop and the placement. */
  readonly title: string;
}

export const FIXES = {
  collect: { title: 'Collect cyclic garbage' },
  trim: { title: 'Return freed memory to the OS (malloc_trim)' },
  both: { title: 'Collect garbage, then return freed memory to the OS' },
  display: { title: 'Display without caching (display() instead of a cached last expression)' },
} as const satisfies Record<FixKind, FixKindEntry>;

export interface PatternEntry {
  /** What the pattern most likely means, in the words the findings list and the CLI use. */
  readonly likelyCause: string;
}

export const PATTERNS = {
  'sawtooth-ratchet': { likelyCause: 'likely cyclic garbage holding big buffers: gc.collect() in the loop releases it' },
  staircase: {
    likelyCause: "likely allocator retention (malloc_trim(0) returns it) or a cache that keeps every result, such as IPython's Out[]",
  },
  'steady-growth': { likelyCause: 'live data keeps growing: something keeps every result (a list, a dict, a cache)' },
  flat: { likelyCause: 'no growth' },
} as const satisfies Record<Pattern, PatternEntry>;

/** Diagnostic codes: a growing pattern, or IPython's output cache found at the cell's last expression. */
export type EvidenceCode = Exclude<Pattern, 'flat'> | 'output-cache';

export interface EvidenceEntry {
  /** The cause as the evidence diagnostic on the loop states it. */
  readonly cause: string;
  /** The quick fix preferred when this evidence is attached; none where no edit of the loop helps. */
  readonly preferredFix: FixKind | undefined;
}

export const EVIDENCE = {
  'sawtooth-ratchet': { cause: 'cyclic garbage is likely', preferredFix: 'collect' },
  // retention or a cache: both is the safe first step
  staircase: { cause: 'allocator retention or a cache is likely', preferredFix: 'both' },
  'steady-growth': { cause: 'live data keeps growing', preferredFix: undefined },
  'output-cache': { cause: "IPython's output cache is keeping it alive", preferredFix: 'display' },
} as const satisfies Record<EvidenceCode, EvidenceEntry>;

export function isEvidenceCode(code: unknown): code is EvidenceCode {
  return typeof code === 'string' && Object.hasOwn(EVIDENCE, code);
}

export function isFixKind(kind: unknown): kind is FixKind {
  return typeof kind === 'string' && (FIX_KINDS as readonly string[]).includes(kind);
}
