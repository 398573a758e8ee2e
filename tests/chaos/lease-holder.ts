// A lease holder for the partitions report's lease fault (tests/chaos/partitions.report.ts), run
// on the second services host (infra/hosts.sh exec-on svc2): it takes the lease on a ticket,
// says so on stdout as a JSON line ({"token": n}), then tries to renew it every second
// (reporting each outcome as a JSON line) until it reads "write" on stdin; then it posts the
// ticket's refund to the order system with its token, reports the answer and exits. Cut off from
// NATS, its renewals fail while its write to the order system, which it still reaches, arrives
// late: the fencing token must refuse it.
//
// argv: <ticketId> <orderId> <ttlMs>
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { Leases } from '@baton/lease';
import { testBus } from '@baton/testkit';

const [ticketId, orderId, ttl] = process.argv.slice(2);
if (!ticketId || !orderId || !ttl) throw new Error('usage: lease-holder.ts <ticketId> <orderId> <ttlMs>');
const ttlMs = Number(ttl);
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const bus = await testBus('partitions-lease-holder');
const leases = await Leases.open(bus);
const resource = `ticket:${ticketId}`;
let lease = await leases.acquire(resource, Leases.holderName('partitions-lease-holder'), { ttlMs });
say({ token: lease.token });

let writing = false;
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (l) => l.trim() === 'write' && resolve()));
const renewals = (async () => {
  while (!writing) {
    await new Promise((r) => setTimeout(r, 1_000));
    if (writing) break;
    try {
      lease = await Promise.race([
        leases.renew(lease, { ttlMs }),
        new Promise<never>((_, no) => setTimeout(() => no(new Error('no answer from NATS in 2 s')), 2_000)),
      ]);
      say({ renewed: true });
    } catch (err) {
      say({ renewed: false, error: (err as Error).message });
    }
  }
})();
await go;
writing = true;
await renewals;
const answer = await fetch(`${process.env.BATON_ORDERS_URL}/refunds`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
  body: JSON.stringify({ orderId, ticketId, amountCents: 5_200, fencing: { resource, token: lease.token } }),
  signal: AbortSignal.timeout(5_000),
});
say({ status: answer.status, body: await answer.json() });
lines.close();
await bus.close().catch(() => undefined);
process.exit(0);
