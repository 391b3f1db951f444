import { describe, expect, it } from 'vitest';
import { HopMarker, MAX_AUXOT_HOPS } from './hop-marker.js';

describe('HopMarker', () => {
  const here = new HopMarker('org_here');
  const there = new HopMarker('org_there');

  it('marks outgoing requests in the Via header, after what came in', () => {
    expect(here.viaFor(undefined)).toMatch(/^1\.1 auxot-[0-9a-f]{12}$/);
    expect(here.viaFor('1.0 fred, 1.1 p.example.net')).toBe(`1.0 fred, 1.1 p.example.net, 1.1 ${here.token}`);
    // Replicas of one deployment share the mark.
    expect(new HopMarker('org_here').token).toBe(here.token);
    expect(there.token).not.toBe(here.token);
  });

  it('sees its own mark anywhere in the chain, and too many Auxot hops', () => {
    expect(here.loopIn(undefined)).toBeUndefined();
    expect(here.loopIn('1.1 nginx')).toBeUndefined();
    expect(here.loopIn(there.viaFor(undefined))).toBeUndefined();
    expect(here.loopIn(there.viaFor(here.viaFor('1.1 lb')))).toMatch(/already passed through this Auxot deployment/);
    const chain = Array.from({ length: MAX_AUXOT_HOPS }, (_, index) => `1.1 ${new HopMarker(`org_${index}`).token}`).join(', ');
    expect(here.loopIn(chain)).toMatch(/crossed 8 Auxot gateways/);
  });
});
