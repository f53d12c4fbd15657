// The panel's findings: none without an alarm; with one, the pattern's cause and the forecast.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict } from '../../src/core/detector/types';
import { likelyCause } from '../../src/core/format';
import { findingOf } from '../../src/model/findings';

const MB = 1024 * 1024;

function verdict(overrides: Partial<Verdict>): Verdict {
  return {
    pattern: 'flat',
    alarm: false,
    firstAlarmAt: null,
    troughSlopeBytesPerSec: 0,
    teeth: 0,
    growthBytes: 0,
    baselineBytes: null,
    peakBytes: 0,
    lastBytes: 0,
    samples: 0,
    startTime: null,
    lastTime: null,
    lastAlarmPattern: null,
    timescaleSec: null,
    forecast: { limitBytes: 8192 * MB, secondsToLimit: null, reachesLimitAt: null },
    ...overrides,
  };
}

const subject = { seriesId: 'file:///a.ipynb', label: 'a.ipynb', limit: { bytes: 8192 * MB, source: 'ram' as const } };

describe('findings', () => {
  it('has none while the detector does not alarm', () => {
    assert.equal(findingOf(subject, verdict({ pattern: 'steady-growth', growthBytes: 300 * MB })), undefined);
  });

  it('names the series, the pattern, its likely cause, the growth and the forecast', () => {
    const finding = findingOf(
      subject,
      verdict({ pattern: 'sawtooth-ratchet', alarm: true, growthBytes: 300 * MB, teeth: 4, timescaleSec: 120, forecast: { limitBytes: 8192 * MB, secondsToLimit: 600, reachesLimitAt: 700 } }),
    )!;
    assert.equal(finding.key, subject.seriesId);
    assert.equal(finding.title, 'a.ipynb: sawtooth-ratchet');
    assert.match(finding.detail, /^troughs climbed 300 MB within 2 min over 4 teeth: /);
    assert.ok(finding.detail.endsWith(likelyCause('sawtooth-ratchet')));
    assert.match(finding.forecast!, /^reaches 8.00 GB \(physical RAM\) in about 10 min$/);
    assert.deepEqual(finding.actions, []);
  });

  it('has no forecast when the limit is out of reach, and no teeth when there were none', () => {
    const finding = findingOf(subject, verdict({ pattern: 'steady-growth', alarm: true, growthBytes: 50 * MB, timescaleSec: 60 }))!;
    assert.equal(finding.forecast, null);
    assert.doesNotMatch(finding.detail, /teeth/);
  });
});
