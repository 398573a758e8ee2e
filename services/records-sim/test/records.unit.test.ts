// The records simulator in process (Fastify inject), its store in a temporary folder: a filing
// is stored once per Idempotency-Key, found by the client's reference, and (mode "off") filed
// again on every request, so a test can count repeats from the records.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '@baton/telemetry';
import { createSimulator, type IdempotencyMode } from '@baton/simulator';
import { registerRecords } from '../src/records.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function recordsSystem(idempotency: IdempotencyMode) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-records-'));
  dirs.push(dir);
  const sim = await createSimulator({
    name: 'records',
    logger: createLogger('records-test', 'error'),
    stateDir: dir,
    idempotency,
  });
  registerRecords(sim);
  return sim;
}

const filing = {
  contractId: 'K-1',
  title: 'Supply',
  counterpartyId: 'cp-1',
  overallRisk: 'high',
  summary: 'two high-risk clauses',
  redlines: 2,
  approvedBy: 'mia',
  documentKey: 'wf-1/ingest/contract.txt',
  reference: 'wf-1/file',
};
const post = (sim: Awaited<ReturnType<typeof recordsSystem>>, key: string, body: unknown = filing) =>
  sim.app.inject({
    method: 'POST',
    url: '/filings',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    payload: JSON.stringify(body),
  });

describe('records simulator', () => {
  it('files once per Idempotency-Key and finds the filing by the reference', async () => {
    const sim = await recordsSystem('on');
    const first = await post(sim, 'wf-1/file/file');
    const again = await post(sim, 'wf-1/file/file');
    assert.equal(first.statusCode, 201);
    assert.deepEqual(again.json(), first.json());
    const found = (await sim.app.inject({ method: 'GET', url: '/filings?reference=wf-1/file' })).json<
      Array<{ filingId: string; approvedBy: string }>
    >();
    assert.equal(found.length, 1);
    assert.equal(found[0]!.filingId, first.json<{ filingId: string }>().filingId);
    assert.equal((await sim.app.inject({ method: 'GET', url: `/filings/${found[0]!.filingId}` })).statusCode, 200);
    await sim.close();
  });

  it('files every request in mode "off", so a repeated filing shows as a second record with the same reference', async () => {
    const sim = await recordsSystem('off');
    await post(sim, 'wf-1/file/file');
    await post(sim, 'wf-1/file/file');
    assert.equal(
      (await sim.app.inject({ method: 'GET', url: '/filings?reference=wf-1/file' })).json<unknown[]>().length,
      2,
    );
    await sim.close();
  });

  it('refuses a filing without its fields, naming them', async () => {
    const sim = await recordsSystem('on');
    const answer = await post(sim, 'k', { contractId: 'K-1' });
    assert.equal(answer.statusCode, 400);
    assert.match(answer.json<{ message: string }>().message, /title/);
    await sim.close();
  });
});
