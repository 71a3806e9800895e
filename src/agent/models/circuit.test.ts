import { describe, expect, it } from 'vitest';
import { CircuitBreaker, processCircuit } from './circuit.ts';
import type { Clock } from './rate-limit.ts';

/** A clock tests move by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let t = 0;
  return {
    now: () => t,
    sleep: () => Promise.resolve(),
    advance: (ms) => {
      t += ms;
    },
  };
}

function breaker(failures = 3, cooldownMs = 30_000) {
  const clock = manualClock();
  return { clock, circuit: new CircuitBreaker({ failures, cooldownMs, clock }) };
}

/** One call that fails. */
function fail(circuit: CircuitBreaker): void {
  const permit = circuit.acquire();
  expect(permit).toBeDefined();
  permit!.failure();
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold, and a success resets the count', () => {
    const { circuit } = breaker(3);
    fail(circuit);
    fail(circuit);
    expect(circuit.stats()).toEqual({ state: 'closed', failures: 2, opens: 0 });
    circuit.acquire()!.success();
    fail(circuit);
    fail(circuit);
    expect(circuit.state).toBe('closed');
  });

  it('opens after N failures in a row and refuses calls for the cool-down', () => {
    const { circuit, clock } = breaker(3, 30_000);
    fail(circuit);
    fail(circuit);
    fail(circuit);
    expect(circuit.stats()).toEqual({ state: 'open', failures: 3, opens: 1, retryInMs: 30_000 });
    expect(circuit.acquire()).toBeUndefined();
    clock.advance(29_999);
    expect(circuit.acquire()).toBeUndefined();
    expect(circuit.retryInMs()).toBe(1);
  });

  it('after the cool-down lets exactly one trial through (half-open)', () => {
    const { circuit, clock } = breaker(1, 1000);
    fail(circuit);
    clock.advance(1000);
    expect(circuit.state).toBe('half-open');
    const trial = circuit.acquire();
    expect(trial?.trial).toBe(true);
    // Everyone else waits for the trial's verdict.
    expect(circuit.acquire()).toBeUndefined();
    trial!.success();
    expect(circuit.stats()).toEqual({ state: 'closed', failures: 0, opens: 1 });
    expect(circuit.acquire()?.trial).toBe(false);
  });

  it('a failed trial opens it again for a whole cool-down', () => {
    const { circuit, clock } = breaker(2, 1000);
    fail(circuit);
    fail(circuit);
    clock.advance(1500);
    circuit.acquire()!.failure();
    expect(circuit.stats()).toMatchObject({ state: 'open', opens: 2, retryInMs: 1000 });
    clock.advance(999);
    expect(circuit.acquire()).toBeUndefined();
    clock.advance(1);
    expect(circuit.acquire()?.trial).toBe(true);
  });

  it('an abandoned trial frees the slot for the next caller', () => {
    const { circuit, clock } = breaker(1, 1000);
    fail(circuit);
    clock.advance(1000);
    circuit.acquire()!.abandon();
    expect(circuit.state).toBe('half-open');
    expect(circuit.acquire()?.trial).toBe(true);
  });

  it('late failures of calls made before it opened neither reopen nor extend it', () => {
    const { circuit, clock } = breaker(2, 1000);
    const early = [circuit.acquire()!, circuit.acquire()!, circuit.acquire()!];
    early[0]!.failure();
    early[1]!.failure();
    clock.advance(600);
    early[2]!.failure();
    expect(circuit.stats()).toMatchObject({ state: 'open', opens: 1, retryInMs: 400 });
    // A permit reports once.
    early[2]!.success();
    expect(circuit.state).toBe('open');
  });

  it('is shared per endpoint and settings in the process', () => {
    const options = { failures: 3, cooldownMs: 1000 };
    expect(processCircuit('openai http://a', options)).toBe(
      processCircuit('openai http://a', options),
    );
    expect(processCircuit('openai http://a', options)).not.toBe(
      processCircuit('openai http://b', options),
    );
  });
});
