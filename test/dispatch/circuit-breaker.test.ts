import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/dispatch/circuit-breaker.ts';

describe('circuit breaker', () => {
  const policy = { threshold: 3, cooldownMs: 100, maxCooldownMs: 250 };

  it('opens after consecutive failures, probes once after the cool-down, and closes on success', () => {
    const b = new CircuitBreaker(policy);
    b.failed(0);
    b.failed(0);
    b.succeeded(); // a success in between resets the count
    b.failed(0);
    b.failed(0);
    expect(b.admit(0)).toBe(0);
    b.failed(0);
    expect(b.status).toBe('open');
    expect(b.admit(40)).toBe(60);
    expect(b.admit(100)).toBe(0); // the probe
    expect(b.status).toBe('half_open');
    expect(b.admit(101)).toBeGreaterThan(0); // only one probe at a time
    b.succeeded();
    expect(b.status).toBe('closed');
    expect(b.admit(102)).toBe(0);
  });

  it('doubles the cool-down when the probe fails, up to the maximum', () => {
    const b = new CircuitBreaker(policy);
    for (let i = 0; i < 3; i++) b.failed(0);
    expect(b.admit(100)).toBe(0);
    b.failed(100);
    expect(b.admit(100)).toBe(200);
    expect(b.admit(300)).toBe(0);
    b.failed(300);
    expect(b.admit(300)).toBe(250);
  });

  it('replaces a probe that never reported back', () => {
    const b = new CircuitBreaker(policy);
    for (let i = 0; i < 3; i++) b.failed(0);
    expect(b.admit(100)).toBe(0);
    expect(b.admit(150)).toBeGreaterThan(0);
    expect(b.admit(200)).toBe(0);
  });
});
