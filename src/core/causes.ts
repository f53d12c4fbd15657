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
  /** What the edit does, as `kernel-memory-watch fix --help` lists it. */
  readonly edit: string;
}

export const FIXES = {
  collect: { title: 'Collect cyclic garbage', edit: 'gc.collect() first in the loop body (every iteration, also after `continue`)' },
  trim: { title: 'Return freed memory to the OS (malloc_trim)', edit: 'a guarded malloc_trim(0) helper, defined once per file, never raising elsewhere' },
  both: { title: 'Collect garbage, then return freed memory to the OS', edit: 'collect, then trim' },
  display: {
    title: 'Display without caching (display() instead of a cached last expression)',
    edit: "wrap the cell's last expression in display() so Out[] and _ do not keep it",
  },
} as const satisfies Record<FixKind, FixKindEntry>;

/** The kind `fix` applies when --kind is not given. */
export const DEFAULT_FIX_KIND: FixKind = 'both';

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
  /** Other fixes worth offering beside the preferred one, most useful first (never the preferred one). */
  readonly alternatives: readonly FixKind[];
}

export const EVIDENCE = {
  // the freed garbage may also stay in glibc's arenas once collected: both is the next step
  'sawtooth-ratchet': { cause: 'cyclic garbage is likely', preferredFix: 'collect', alternatives: ['both'] },
  // retention or a cache: both is the safe first step; trim alone when the loop makes no cycles
  staircase: { cause: 'allocator retention or a cache is likely', preferredFix: 'both', alternatives: ['trim', 'collect'] },
  // live data: no edit of the loop releases what the program still holds (the diagnosis shows what holds it)
  'steady-growth': { cause: 'live data keeps growing', preferredFix: undefined, alternatives: [] },
  'output-cache': { cause: "IPython's output cache is keeping it alive", preferredFix: 'display', alternatives: [] },
} as const satisfies Record<EvidenceCode, EvidenceEntry>;

export function isEvidenceCode(code: unknown): code is EvidenceCode {
  return typeof code === 'string' && Object.hasOwn(EVIDENCE, code);
}

export function isFixKind(kind: unknown): kind is FixKind {
  return typeof kind === 'string' && (FIX_KINDS as readonly string[]).includes(kind);
}
