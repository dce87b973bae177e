import { BlockList, isIP, isIPv6 } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * The operator's endpoints on the HTTP listener, outside the registrar API and without a token:
 * - GET /healthz: the process is up and its event loop turns (200 `{status: "ok"}`);
 * - GET /readyz: 200 when the registry can serve (the database takes a write, the schemas validate, the
 *   listeners are up), else 503 with what is not ready;
 * - GET /metrics: Prometheus text, to the addresses of `http.metricsAllow` only (403 otherwise): it shows
 *   registrar names and volumes, which are not for the internet, and a scraper usually sits on a private
 *   address; an empty list turns it off (404).
 */
export interface OpsEndpoints {
  /** Each check: null when fine, else what is wrong. Run in parallel, each bounded in time by its owner. */
  readiness(): Promise<Record<string, string | null>>;
  metrics(): Promise<{ contentType: string; text: string }>;
  /** CIDR ranges /metrics answers to. */
  metricsAllow: readonly string[];
  /** Every HTTP request answered (the API's and these), for the metrics. */
  requestDone?(method: string, route: string, status: number): void;
}

/** Paths the registrar API's token and rate-limit hooks leave alone. */
export const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** A BlockList of CIDR ranges (a bare address is one host); throws on a bad one. */
export function addressList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits, extra] = cidr.split('/');
    const family = isIP(net);
    const max = family === 6 ? 128 : 32;
    const n = bits === undefined ? max : Number(bits);
    if (!family || extra !== undefined || !Number.isInteger(n) || n < 0 || n > max || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`${cidr} is not an IP address or CIDR range`);
    }
    list.addSubnet(net, n, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

export function registerOpsRoutes(app: FastifyInstance, ops: OpsEndpoints): void {
  const allowed = addressList(ops.metricsAllow);
  app.get('/healthz', async (_req, reply) => reply.code(200).send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const checks = await ops.readiness();
    const failing = Object.fromEntries(Object.entries(checks).filter(([, v]) => v !== null));
    const ready = Object.keys(failing).length === 0;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v ?? 'ok'])) });
  });
  app.get('/metrics', async (req, reply) => {
    if (ops.metricsAllow.length === 0) return reply.code(404).send({ error: 'metrics are off (http.metricsAllow is empty)' });
    const ip = req.ip.startsWith('::ffff:') ? req.ip.slice(7) : req.ip;
    if (!allowed.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4')) return reply.code(403).send({ error: `metrics are not served to ${ip} (http.metricsAllow)` });
    const m = await ops.metrics();
    return reply.code(200).header('content-type', m.contentType).send(m.text);
  });
}
