import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings the gateway runs with, applied when the entry point loads (before any request).
 *
 * Allocation-site pretenuring is off. V8 watches, per allocation site, how many of its objects
 * survive a scavenge, and once nearly all do it allocates that site's objects straight in the old
 * generation. Under load a gateway's request objects (the response, its headers, the relay's state)
 * are all alive at whatever instant a scavenge runs, so V8 sometimes tenures such sites; whether it
 * does differs from one process to the next. Once it has, dead old-space objects still point at
 * their requests' young objects, which the scavenger must then keep and promote (the likely
 * mechanism): in processes that had tenured 7–36 sites a scavenge promoted 1.1–1.4 MB instead of
 * 0.45 MB and took 3.3 ms instead of 1.9 ms (decision 63). With pretenuring off every process
 * behaves like the good ones.
 */
export const V8_FLAGS = ['--no-allocation-site-pretenuring'] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
