/** The load driver: one keep-alive HTTP client and a fixed-concurrency task pool. */
import { Agent, request } from 'undici';

export const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<number> {
  const res = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await res.body.dump();
  return res.statusCode;
}

export async function get(url: string): Promise<number> {
  const res = await request(url, { dispatcher: agent });
  await res.body.dump();
  return res.statusCode;
}

export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await request(url, { dispatcher: agent, headers });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`GET ${url} answered ${res.statusCode}`);
  }
  return (await res.body.json()) as T;
}

export async function postJson<T>(url: string, body: unknown, headers: Record<string, string>): Promise<T> {
  const res = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`POST ${url} answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as T;
}

/** Runs `total` tasks with `concurrency` workers; returns each task's latency in ms. */
export async function pool(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        await task(i);
        latencies[i] = performance.now() - t;
      }
    }),
  );
  return latencies;
}

/** A POST whose answer the caller reads whatever its status: the status and the parsed body. */
export async function postForAnswer(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const res = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the text itself is the answer.
  }
  return { status: res.statusCode, body: parsed };
}
