// The socket panel and the timeouts and parameters panel (issue 20, part B) in Debian's Chromium
// under the page's CSP: TIME_WAIT shortened on a connection that sits in it (the ladder and the
// connection table show the new expiry) and the linux profile picked for a host; a UDP datagram to
// a closed port and the ICMP error it brings back; a TCP connection made, used and closed through
// the panel. Screenshots of both panels go to build/test-artifacts/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { allProblems, launch, openPlayground, screenshot, skip, startServer, waitTwin } from './helpers.mjs';

if (skip) console.log(`# socket panel tests skipped: ${skip}`);

const el = 'tcp-playground';
const sockets = `${el} tp-sockets`;
const timeouts = `${el} tp-timeouts`;

async function tab(page, name) {
  await page.locator(`${el} #tab-${name}`).click();
}

async function seekAndWait(page, seconds) {
  await page.evaluate((t) => document.querySelector('tcp-playground').seek(t * 1e9), seconds);
  await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.seeking, null, { timeout: 20000 });
}

/** Waits until `selector`'s text matches `re`; returns the text. */
async function waitText(page, selector, re, timeout = 5000) {
  const loc = page.locator(selector).first();
  const end = Date.now() + timeout;
  let text = '';
  while (Date.now() < end) {
    text = (await loc.count()) ? await loc.textContent() : '';
    if (re.test(text)) return text;
    await page.waitForTimeout(50);
  }
  assert.match(text, re, `${selector}`);
  return text;
}

/** The connection id of a named socket, from the engine's snapshot. */
function connId(page, name) {
  return page.evaluate((n) => {
    const s = document.querySelector('tcp-playground').controller.feed.pg.snapshot();
    return [...s.connections, ...s.closed].find((c) => c.name === n)?.id ?? -1;
  }, name);
}

describe('socket controls and the timeouts panel', { skip }, () => {
  let browser;
  let server;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('TIME_WAIT set to 5 s on a connection in TIME_WAIT: new expiry in the ladder and the table; linux profile: 60 s', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=teardown-time-wait`);
    await seekAndWait(page, 5);
    const id = await connId(page, 'c1');
    assert.ok(id > 0);
    await tab(page, 'timeouts');
    await page.locator(`${timeouts} select.scope`).selectOption(`conn:${id}`);
    const row = `${timeouts} .group[data-group="closing"] li[data-param="time_wait"]`;
    assert.equal(await page.locator(`${row} input.value`).inputValue(), '240s');
    // Out of range first: the message names the field, the engine is not touched, the text stays.
    await page.locator(`${row} input.value`).fill('soon');
    await page.locator(`${row} input.value`).press('Enter');
    assert.match(await page.locator(`${row} .perror`).textContent(), /^time_wait: expected a duration like "5s" or "40ms", got "soon"$/);
    assert.equal(await page.locator(`${row} input.value`).inputValue(), 'soon');
    await page.locator(`${row} input.value`).fill('5s');
    await page.locator(`${row} input.value`).press('Enter');
    // c1 entered TIME_WAIT at 3.005 s: it now ends at 3.005 + 5 = 8.005 s (RFC 9293 §3.4.2: 2 MSL).
    await waitText(page, `${row} .presult`, /c1: time_wait = 5s\. TIME_WAIT now ends at 8\.005 s\./);
    assert.equal(await page.locator(`${row} input.value`).inputValue(), '5s');
    // The ladder: the armed timer counts 3 s from 5 s (its timer_set with param_change).
    const twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'timer' && /^time_wait 3 s left$/.test(i.text)));
    assert.ok(twin.some((i) => i.kind === 'timer' && /^time_wait 3 s left$/.test(i.text)), JSON.stringify(twin.filter((i) => i.kind === 'timer')));
    await page.locator(`${row} .presult`).scrollIntoViewIfNeeded();
    await screenshot(page, 'timeouts-timer-moved.png');
    // The connection table has the new deadline.
    await tab(page, 'connections');
    const timer = `${el} tp-connections tr.live[data-conn="${id}"] .timer[data-timer="time_wait"]`;
    await page.locator(timer).waitFor();
    assert.equal(await page.locator(timer).getAttribute('data-deadline'), '8005000000');
    // It is recorded: the run expires it at 8.005 s.
    await seekAndWait(page, 8.1);
    await page.waitForFunction(() => !document.querySelector('tcp-playground').shadowRoot.querySelector('tp-connections').shadowRoot.querySelector('tr.live[data-state="TIME_WAIT"]'), null, { timeout: 5000 });

    // The profile picker: the client's defaults become linux's, TIME_WAIT 60 s.
    await tab(page, 'timeouts');
    await page.locator(`${timeouts} select.scope`).selectOption('host:client');
    assert.equal(await page.locator(`${row} .def.current`).textContent(), 'rfc 240s');
    await page.locator(`${timeouts} select.profile`).selectOption('linux');
    await waitText(page, `${timeouts} .profile-result`, /client now uses the linux profile/);
    assert.equal(await page.locator(`${row} .def.current`).textContent(), 'linux 60s');
    assert.equal(await page.locator(`${row} input.value`).inputValue(), '60s');
    assert.equal(await page.evaluate(() => document.querySelector('tcp-playground').controller.feed.pg.snapshot().hosts.find((h) => h.name === 'client').profile), 'linux');
    await page.evaluate(() => (document.querySelector('tcp-playground').shadowRoot.querySelector('tp-timeouts').scrollTop = 0));
    await screenshot(page, 'timeouts-panel.png');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('a UDP datagram to a closed port: the ICMP error on the ladder and in the socket view', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=handshake`);
    await tab(page, 'sockets');
    await page.locator(`${sockets} .bind-form select.in-host`).selectOption('client');
    await page.locator(`${sockets} .bind-form .in-port`).fill('5000');
    await page.locator(`${sockets} .bind-form .in-name`).fill('u1');
    await page.locator(`${sockets} .do-bind`).click();
    await waitText(page, `${sockets} .done[data-form="bind"]`, /u1 bound on client/);
    // A bad port and an unknown host: each error names its field, and what was typed stays.
    const form = `${sockets} .udp-send-form`;
    await page.locator(`${form} .in-to`).fill('server');
    await page.locator(`${form} .in-port`).fill('99999');
    await page.locator(`${sockets} .do-udp-send`).click();
    await waitText(page, `${sockets} .error[data-form="udpSend"]`, /^port: expected a port from 1 to 65535, got "99999"$/);
    assert.equal(await page.locator(`${form} .in-port`).getAttribute('aria-invalid'), 'true');
    await page.locator(`${form} .in-port`).fill('9999');
    await page.locator(`${form} .in-to`).fill('nowhere');
    await page.locator(`${sockets} .do-udp-send`).click();
    await waitText(page, `${sockets} .error[data-form="udpSend"]`, /\/to: .*nowhere/);
    assert.equal(await page.locator(`${form} .in-to`).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator(`${form} .in-data`).inputValue(), 'hello');
    await page.locator(`${form} .in-to`).fill('server');
    await page.locator(`${sockets} .do-udp-send`).click();
    await waitText(page, `${sockets} .done[data-form="udpSend"]`, /u1: datagram sent to server:9999/);
    await seekAndWait(page, 0.5);
    // The ladder: the datagram and the ICMP error coming back.
    const twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'packet' && /ICMP/.test(i.text)));
    const icmp = twin.find((i) => i.kind === 'packet' && /ICMP/.test(i.text));
    assert.ok(icmp, JSON.stringify(twin.filter((i) => i.kind === 'packet')));
    assert.equal(icmp.host, 'server');
    assert.equal(icmp.to, 'client');
    assert.match(icmp.label, /ICMP port unreachable/);
    // The socket's view names it, and says what a real application would (not) see.
    const seen = await waitText(page, `${sockets} li[data-udp="u1"] .icmp`, /ICMP port unreachable from 10\.0\.0\.2 \(for the datagram to 10\.0\.0\.2:9999\)/);
    assert.match(seen, /only a connected UDP socket gets ECONNREFUSED.*RFC 1122 §4\.1\.3\.3/);
    // A datagram that arrives: bind on the server, send hex, see it there.
    await page.locator(`${sockets} .bind-form select.in-host`).selectOption('server');
    await page.locator(`${sockets} .bind-form .in-port`).fill('53');
    await page.locator(`${sockets} .bind-form .in-name`).fill('dns');
    await page.locator(`${sockets} .do-bind`).click();
    await page.locator(`${form} select.in-socket`).selectOption('u1');
    await page.locator(`${form} .in-port`).fill('53');
    await page.locator(`${form} .in-data`).fill('68 69 00 ff');
    await page.locator(`${form} .in-hex`).check();
    await page.locator(`${sockets} .do-udp-send`).click();
    await seekAndWait(page, 1);
    const dgram = await waitText(page, `${sockets} li[data-udp="dns"] .datagram`, /datagram from 10\.0\.0\.1:5000, 4 bytes/);
    assert.match(dgram, /"hi\.\."\s*68 69 00 ff/);
    await screenshot(page, 'sockets-panel-udp.png');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('TCP through the panel: listen, connect, send text, read on the other side, close', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=handshake`);
    await tab(page, 'sockets');
    // The server's app reads only when told to (the Read button).
    await page.locator(`${sockets} .listen-form select.in-host`).selectOption('server');
    await page.locator(`${sockets} .listen-form .in-port`).fill('8080');
    await page.locator(`${sockets} .listen-form .in-name`).fill('web');
    await page.locator(`${sockets} .do-listen`).click();
    await waitText(page, `${sockets} .done[data-form="listen"]`, /Listening on server:8080/);
    await page.locator(`${sockets} .connect-form select.in-host`).selectOption('client');
    await page.locator(`${sockets} .connect-form .in-to`).fill('server');
    await page.locator(`${sockets} .connect-form .in-port`).fill('8080');
    await page.locator(`${sockets} .connect-form .in-name`).fill('t1');
    await page.locator(`${sockets} .do-connect`).click();
    await seekAndWait(page, 0.5);
    await waitText(page, `${sockets} li.card[data-name="t1"] .view`, /connected/);
    await page.locator(`${sockets} .act-form select.in-socket`).selectOption('t1');
    await page.locator(`${sockets} .act-form .in-data`).fill('hello there');
    await page.locator(`${sockets} .do-send`).click();
    await seekAndWait(page, 0.7);
    const card = `${sockets} li.card[data-name="web.1"] .view`;
    await waitText(page, card, /11 bytes waiting in the receive buffer/);
    await page.locator(`${sockets} li.card[data-name="web.1"]`).click();
    assert.equal(await page.locator(`${sockets} .act-form select.in-socket`).inputValue(), 'web.1');
    await page.locator(`${sockets} .do-read`).click();
    await waitText(page, card, /read 11 bytes: "hello there"/);
    assert.doesNotMatch(await page.locator(card).textContent(), /waiting in the receive buffer/);
    // The ladder shows the data segment with its 11 bytes.
    const twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'packet' && /\[P\.\] 1:12 ack 1/.test(i.label)));
    assert.ok(twin.some((i) => i.kind === 'packet' && i.host === 'client' && /\[P\.\] 1:12 ack 1/.test(i.label)), JSON.stringify(twin.filter((i) => i.kind === 'packet').map((i) => i.text)));
    // The server closes: the client's application sees the end of stream; then the client closes.
    await page.locator(`${sockets} .do-close`).click();
    await seekAndWait(page, 0.9);
    await waitText(page, `${sockets} li.card[data-name="t1"] .view`, /end of stream: the peer sent FIN/);
    await page.locator(`${sockets} li.card[data-name="t1"]`).click();
    await page.locator(`${sockets} .do-close`).click();
    await seekAndWait(page, 1.2);
    // The client closed second (LAST_ACK, then gone); the server, which closed first, waits in TIME_WAIT.
    await waitText(page, `${sockets} li.card[data-name="t1"] .head .state`, /gone \(closed\)/);
    await waitText(page, `${sockets} li.card[data-name="web.1"] .head .state`, /TIME_WAIT/);
    await screenshot(page, 'sockets-panel-tcp.png');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });
});
