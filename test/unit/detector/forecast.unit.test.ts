import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forecastLimit } from '../../../src/core/detector/forecast';
import { TimeScale } from '../../../src/core/detector/timeScale';
import { MB } from '../synthetic';

describe('forecast', () => {
  it('counts from the recent peak to the limit at the slope', () => {
    const scale = new TimeScale(0);
    scale.push(100 * MB, 150 * MB, 0.25);
    scale.push(110 * MB, 200 * MB, 0.75);
    const forecast = forecastLimit(1000 * MB, 10 * MB, scale, 120 * MB, 1);
    assert.equal(forecast.secondsToLimit, 80);
    assert.equal(forecast.reachesLimitAt, 81);
  });

  it('has none without a limit or a positive slope', () => {
    const scale = new TimeScale(0);
    assert.equal(forecastLimit(null, MB, scale, 0, 0).secondsToLimit, null);
    assert.equal(forecastLimit(1000 * MB, 0, scale, 0, 0).secondsToLimit, null);
    assert.equal(forecastLimit(1000 * MB, 0, scale, 0, 0).limitBytes, 1000 * MB);
  });
});
