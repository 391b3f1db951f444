import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterFamily, HistogramFamily } from './series-families.js';

const BUCKETS = [0.01, 0.1, 1, 10];
const labelValue = fc.oneof(fc.constantFrom('oai', 'openai-chat', 'cloud', '200'), fc.string({ maxLength: 8 }), fc.constantFrom('a"b', 'c\\d', 'e\nf'));
const observations = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 50, noNaN: true })), { maxLength: 40 });

describe('series families', () => {
  it('write the same text as prom-client for the same counts, whatever the label values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(labelValue, labelValue), { minLength: 4, maxLength: 4 }), observations, async (labelSets, observed) => {
        const registry = new Registry();
        const promCounter = new Counter({ name: 'x_total', help: 'Counted "things"\\ here', labelNames: ['a', 'b'], registers: [registry] });
        const promHistogram = new Histogram({ name: 'x_seconds', help: 'Timed', labelNames: ['a', 'b'], buckets: BUCKETS, registers: [registry] });
        const counter = new CounterFamily('x_total', 'Counted "things"\\ here', ['a', 'b']);
        const histogram = new HistogramFamily('x_seconds', 'Timed', ['a', 'b'], BUCKETS);
        for (const [set, value] of observed) {
          const [a, b] = labelSets[set] as [string, string];
          promCounter.inc({ a, b }, value);
          promHistogram.observe({ a, b }, value);
          counter.of([a, b]).inc(value);
          histogram.of([a, b]).observe(value);
        }
        expect(`${counter.render()}\n\n${histogram.render()}\n`).toBe(await registry.metrics());
      }),
      { numRuns: 200 },
    );
  });

  it('finds one series per label set', () => {
    const counter = new CounterFamily('y_total', 'y', ['a']);
    counter.of(['1']).inc();
    counter.of(['1']).inc(2);
    counter.of(['2']).inc();
    expect(counter.render()).toBe('# HELP y_total y\n# TYPE y_total counter\ny_total{a="1"} 3\ny_total{a="2"} 1');
  });
});
