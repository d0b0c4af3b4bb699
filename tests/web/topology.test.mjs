// The topology panel (issue 21, part A) in Debian's Chromium under the page's CSP: a bulk
// transfer whose link is taken down mid-transfer by clicking it in the graph, so the sender
// retransmits with growing gaps (RTO backoff, RFC 6298 §5.5), then brought up again, so the
// transfer completes; a bad value in the link form names its field and records nothing; a
// balancer's idle timeout edited live. Screenshot: build/test-artifacts/topology-link-edit.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { allProblems, launch, openPlayground, screenshot, skip, startServer } from './helpers.mjs';

if (skip) console.log(`# topology tests skipped: ${skip}`);

const el = 'tcp-playground';
const topo = `${el} tp-topology`;

/** 1 MB from client to server over one 10 Mbit/s link: about 0.8 s of sending from 1 s. */
const BULK = {
  title: 'Bulk transfer over one link',
  seed: 7,
  duration: '60s',
  hosts: [
    { name: 'client', addr: '10.0.0.1' },
    { name: 'server', addr: '10.0.0.2' },
  ],
  links: [{ name: 'wire', a: 'client', b: 'server', delay: '10ms', bandwidth: '10Mbit', queue: { packets: 200 } }],
  timeline: [
    { at: '0s', do: 'listen', host: 'server', port: 9000, name: 'srv' },
    { at: '0.5s', do: 'connect', host: 'client', to: 'server', port: 9000, name: 'c1' },
    { at: '1s', do: 'send', socket: 'c1', bytes: 1000000 },
    { at: '1s', do: 'close', socket: 'c1' },
  ],
};

async function seekAndWait(page, seconds) {
  await page.evaluate((t) => document.querySelector('tcp-playground').seek(t * 1e9), seconds);
  await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.seeking, null, { timeout: 20000 });
}

/** The trace's events (JSON Lines) as objects. */
function trace(page) {
  return page.evaluate(() =>
    document
      .querySelector('tcp-playground')
      .controller.feed.pg.jsonl()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  );
}

function scenario(page) {
  return page.evaluate(() => JSON.parse(document.querySelector('tcp-playground').controller.feed.pg.scenario()));
}

async function openBulk(browser) {
  const opened = await openPlayground(browser.context, `${browser.url}index.html`);
  await opened.page.evaluate((doc) => document.querySelector('tcp-playground').openScenario(JSON.stringify(doc)), BULK);
  await opened.page.locator(`${el} #tab-topology`).click();
  await opened.page.locator(`${topo} [data-link="wire"]`).waitFor();
  return opened;
}

describe('the topology panel', { skip }, () => {
  const browser = {};
  let server;

  before(async () => {
    server = await startServer();
    Object.assign(browser, await launch(), { url: server.url });
  });

  after(async () => {
    await browser.close?.();
    server?.stop();
  });

  test('the graph: hosts with address and profile, the link labelled with delay, bandwidth and loss', async () => {
    const { page, problems } = await openBulk(browser);
    const label = await page.locator(`${topo} [data-link="wire"]`).textContent();
    assert.match(label, /wire/);
    assert.match(label, /10 ms\s*10 Mbit\/s/);
    assert.match(label, /no loss/);
    const client = await page.locator(`${topo} [data-host="client"]`).textContent();
    assert.match(client, /10\.0\.0\.1/);
    assert.match(client, /TCP profile rfc/);
    // Client on the left, server on the right.
    const cx = await page.locator(`${topo} [data-host="client"] rect.box`).getAttribute('x');
    const sx = await page.locator(`${topo} [data-host="server"] rect.box`).getAttribute('x');
    assert.ok(Number(cx) < Number(sx));
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('take the link down mid-transfer: retransmissions with growing gaps; bring it up: the transfer ends', async () => {
    const { page, problems } = await openBulk(browser);
    await seekAndWait(page, 1.3);
    await page.locator(`${topo} [data-link="wire"]`).click();
    await page.locator(`${topo} .take-down`).click();
    await page.locator(`${topo} [data-link="wire"].down`).waitFor();
    assert.match(await page.locator(`${topo} .result`).textContent(), /wire is down/);
    let doc = await scenario(page);
    assert.deepEqual(
      doc.timeline.filter((a) => a.do === 'link_down').map((a) => [a.link, a.at]),
      [['wire', '1300ms']],
    );
    // 20 s with the link down: the client's retransmissions of the first unacknowledged segment.
    await seekAndWait(page, 21.3);
    const down = 1.3e9;
    const rtx = (await trace(page)).filter((e) => e.kind === 'packet_sent' && e.host === 'client' && e.tag === 'retransmission' && e.t_ns > down).map((e) => e.t_ns);
    assert.ok(rtx.length >= 4, `retransmissions while down: ${rtx}`);
    const gaps = rtx.slice(1).map((t, i) => t - rtx[i]);
    for (let i = 1; i < gaps.length; ++i) assert.ok(gaps[i] > gaps[i - 1], `gaps grow (RTO backoff): ${gaps.map((g) => g / 1e9)}`);
    // Nothing got through meanwhile: the connection has not finished.
    assert.ok(!(await trace(page)).some((e) => e.kind === 'state_change' && e.to === 'FIN_WAIT_2'));
    // Bring it up (the editor is still open on the link).
    await page.locator(`${topo} .bring-up`).click();
    await page.locator(`${topo} [data-link="wire"]:not(.down)`).waitFor();
    doc = await scenario(page);
    assert.deepEqual(
      doc.timeline.filter((a) => a.do === 'link_up').map((a) => [a.link, a.at]),
      [['wire', '21300ms']],
    );
    // The next retransmission gets through: every byte and the FIN are acknowledged (the client
    // goes FIN_WAIT_1 -> FIN_WAIT_2 only when its FIN, sent after the data, is acked).
    await seekAndWait(page, 59);
    const events = await trace(page);
    const fw2 = events.find((e) => e.kind === 'state_change' && e.to === 'FIN_WAIT_2');
    assert.ok(fw2 && fw2.t_ns > 21.3e9, `FIN_WAIT_2 after the link came up: ${JSON.stringify(fw2)}`);
    const snap = await page.evaluate(() => document.querySelector('tcp-playground').controller.feed.pg.snapshot());
    const c1 = snap.connections.find((c) => c.name === 'c1');
    assert.ok(c1, 'c1 is still there (FIN_WAIT_2)');
    assert.equal(c1.bytes_acked, 1000000);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('bad input in the link form names the field and records nothing; a good edit applies live', async () => {
    const { page, problems } = await openBulk(browser);
    await seekAndWait(page, 1.2);
    await page.locator(`${topo} [data-link="wire"]`).click();
    const before = JSON.stringify(await scenario(page));
    const row = (p) => `${topo} .frow[data-param="${p}"]`;
    assert.equal(await page.locator(`${row('delay')} input`).inputValue(), '10ms');
    // Two bad fields and a good one: nothing applies, each error is next to its field.
    await page.locator(`${row('delay')} input`).fill('fast');
    await page.locator(`${row('loss')} input`).fill('1.5');
    await page.locator(`${row('jitter')} input`).fill('2ms');
    await page.locator(`${topo} .apply`).click();
    assert.match(await page.locator(`${row('delay')} .ferror`).textContent(), /^delay: /);
    assert.match(await page.locator(`${row('loss')} .ferror`).textContent(), /^loss: expected a number from 0 to 1, got 1\.5$/);
    assert.equal(await page.locator(`${row('jitter')} .ferror`).count(), 0);
    assert.equal(JSON.stringify(await scenario(page)), before);
    // What was typed is still there.
    assert.equal(await page.locator(`${row('delay')} input`).inputValue(), 'fast');
    // A value only the engine can refuse (a bandwidth it cannot read): its message, at the field.
    await page.locator(`${row('delay')} input`).fill('20ms');
    await page.locator(`${row('loss')} input`).fill('0.01');
    await page.locator(`${row('bandwidth')} input`).fill('lots');
    await page.locator(`${topo} .apply`).click();
    assert.match(await page.locator(`${row('bandwidth')} .ferror`).textContent(), /bandwidth/);
    assert.equal(JSON.stringify(await scenario(page)), before);
    await page.locator(`${row('bandwidth')} input`).fill('10Mbit');
    await screenshot(page, 'topology-link-edit.png');
    await page.locator(`${topo} .apply`).click();
    assert.match(await page.locator(`${topo} .result`).textContent(), /Link wire: /);
    // One `set` per changed field (in the catalogue's order), all at the same instant.
    const sets = (await scenario(page)).timeline.filter((a) => a.do === 'set').map((a) => [a.target, a.param, a.value]);
    assert.deepEqual(
      sets.sort((x, y) => x[1].localeCompare(y[1])),
      [
        ['link:wire', 'bandwidth', '10Mbit'],
        ['link:wire', 'delay', '20ms'],
        ['link:wire', 'jitter', '2ms'],
        ['link:wire', 'loss', 0.01],
      ],
    );
    assert.match(await page.locator(`${topo} [data-link="wire"]`).textContent(), /20 ms\s*10 Mbit\/s\s*loss 1%/);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test("a balancer's idle timeout edited live moves its 504", async () => {
    const { page, problems } = await openPlayground(browser.context, `${browser.url}index.html#lesson=alb-idle-504`);
    await page.locator(`${el} #tab-topology`).click();
    await seekAndWait(page, 10);
    await page.locator(`${topo} [data-component="alb"]`).click();
    const row = `${topo} .frow[data-param="idle_timeout"]`;
    assert.equal(await page.locator(`${row} input`).inputValue(), '60s');
    await page.locator(`${row} input`).fill('30s');
    await page.locator(`${topo} .apply`).click();
    assert.match(await page.locator(`${topo} .result`).textContent(), /alb: idle_timeout 30s/);
    const doc = await scenario(page);
    assert.deepEqual(doc.timeline.at(-1), { at: '10s', do: 'set', target: 'middlebox:alb', param: 'idle_timeout', value: '30s', after_events: doc.timeline.at(-1).after_events });
    await seekAndWait(page, 40);
    const idle = (await trace(page)).find((e) => e.kind === 'app' && /idle timeout \(30 s\)/.test(e.detail ?? ''));
    assert.ok(idle && idle.t_ns > 30e9 && idle.t_ns < 31e9, JSON.stringify(idle));
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });
});
