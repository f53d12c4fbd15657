// The walkthrough (package.json contributes.walkthroughs): every page it points at exists, and
// .vscodeignore's whitelist ships it, as it ships every image README.md shows.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '../..');
interface Walkthrough {
  readonly steps: ReadonlyArray<{ readonly id: string; readonly media: { readonly markdown: string } }>;
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { walkthroughs: Walkthrough[] } };
const whitelist = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n').filter((line) => line.startsWith('!')).map((line) => line.slice(1));

/** Whether a `!pattern` of the whitelist matches the path (only the `dir/**` and `dir/*.ext` forms it uses). */
function shipped(path: string): boolean {
  return whitelist.some((pattern) => {
    if (pattern.endsWith('/**')) return path.startsWith(pattern.slice(0, -2));
    const star = pattern.indexOf('*');
    return star < 0 ? path === pattern : path.startsWith(pattern.slice(0, star)) && path.endsWith(pattern.slice(star + 1)) && !path.slice(star).includes('/');
  });
}

describe('walkthrough and README images in the .vsix', () => {
  it('has the four steps, each with a page that exists and is shipped', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.deepEqual(walkthrough.steps.map((step) => step.id), ['watchScript', 'openPanel', 'fixLoop', 'diagnoseKernel']);
    for (const step of walkthrough.steps) {
      const page = step.media.markdown;
      assert.ok(existsSync(join(ROOT, page)), `${page} is missing`);
      assert.ok(shipped(page), `${page} is not in .vscodeignore's whitelist`);
    }
  });

  it("ships every image README.md shows", () => {
    const images = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]);
    assert.ok(images.length > 0);
    for (const image of images) {
      assert.ok(!/^https?:/.test(image) || !image.includes('example.invalid'), image);
      if (/^https?:/.test(image)) continue;
      assert.ok(existsSync(join(ROOT, image)), `${image} is missing`);
      assert.ok(shipped(image), `${image} is not in .vscodeignore's whitelist`);
    }
    assert.equal(shipped('docs/notes.md'), false, 'the whitelist ships only the images of docs/');
  });
});
