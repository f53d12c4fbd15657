// The pure parsers of /proc text (src/core/procfsReader.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSmapsRollup } from '../../src/core/procfsReader';

const ROLLUP = `55d01965c000-7ffe0b4aa000 ---p 00000000 00:00 0                          [rollup]
Rss:              523520 kB
Pss:              104960 kB
Pss_Dirty:        102400 kB
Pss_Anon:         102400 kB
Pss_File:           2560 kB
Shared_Clean:       1592 kB
Swap:                  0 kB
SwapPss:               0 kB
`;

describe('smaps_rollup parser', () => {
  it('reads Rss and Pss in bytes, not the Pss_* lines', () => {
    assert.deepEqual(parseSmapsRollup(ROLLUP), { rssBytes: 523520 * 1024, pssBytes: 104960 * 1024 });
  });

  it('gives undefined for an empty file (a zombie) or one without Pss', () => {
    assert.equal(parseSmapsRollup(''), undefined);
    assert.equal(parseSmapsRollup(ROLLUP.replace(/^Pss:.*\n/m, '')), undefined);
  });
});
