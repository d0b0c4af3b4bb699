// The flag composer, manual mode and the packet inspector (issue 20, part A), in Debian's
// Chromium under the page's CSP: a handshake completed by hand against a manual-mode server,
// crafted RSTs (a challenge ACK, then the reset), bad input refused with the field named, and the
// inspector's two-way highlight between fields and bytes. The client's connect comes from a small
// scenario opened through the page (openScenario), not from the socket panel.
// Screenshots go to build/test-artifacts/composer-*.png and inspector-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { allProblems, launch, openPlayground, screenshot, skip, startServer, waitTwin } from './helpers.mjs';

if (skip) console.log(`# composer tests skipped: ${skip}`);

const el = 'tcp-playground';
const composer = `${el} tp-composer`;
const inspector = `${el} tp-inspector`;

/** Two hosts on a 10 ms link; the server listens on 9000, the client connects at 1 s. */
const SCENARIO = JSON.stringify({
  title: 'Composer test',
  duration: '10s',
  hosts: [{ name: 'client', addr: '10.0.0.1' }, { name: 'server', addr: '10.0.0.2' }],
  links: [{ name: 'lan', a: 'client', b: 'server', delay: '10ms' }],
  timeline: [
    { at: '0s', do: 'listen', host: 'server', port: 9000, name: 'srv' },
    { at: '1s', do: 'connect', host: 'client', to: 'server', port: 9000, src_port: 40000, name: 'c1' },
  ],
});

async function openComposer(page) {
  await page.evaluate((json) => document.querySelector('tcp-playground').openScenario(json), SCENARIO);
  await page.locator(`${el} #tab-composer`).click();
  await page.locator(`${composer} select.conn`).waitFor();
}

/** Goes to virtual time t (s) and waits until the page has read everything. */
async function seekTo(page, seconds) {
  await page.evaluate((t) => document.querySelector('tcp-playground').seek(t), seconds * 1e9);
  await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.busy);
  await page.waitForTimeout(50);
}

/** Chooses the connection option whose text matches `re`. */
async function chooseConn(page, re) {
  const options = await page.locator(`${composer} select.conn option`).evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
  const o = options.find((x) => re.test(x.text));
  assert.ok(o, `${re} in ${JSON.stringify(options)}`);
  await page.locator(`${composer} select.conn`).selectOption(o.value);
}

async function setFlags(page, on) {
  for (const f of ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG']) {
    await page.locator(`${composer} input[data-flag=${f}]`).setChecked(on.includes(f));
  }
}

function verdictText(page) {
  return page.locator(`${composer} .verdict-lines`).textContent();
}

/** The connections of the engine's snapshot: [{host, state, tuple}]. */
function connections(page) {
  return page.evaluate(() => document.querySelector('tcp-playground').controller.feed.pg.snapshot().connections.map((c) => ({ host: c.host, state: c.state, tuple: c.tuple })));
}

describe('flag composer, manual mode, packet inspector', { skip }, () => {
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

  test('manual handshake: a crafted SYN-ACK makes the client ESTABLISHED, a crafted FIN puts it in CLOSE_WAIT', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html`);
    await openComposer(page);
    // The server's TCP answers nothing by itself from 0 s on.
    await page.locator(`${composer} input.manual[data-host=server]`).check();
    await seekTo(page, 1.5);
    let twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'packet' && /dropped: manual_mode/.test(i.text)));
    assert.ok(twin.some((i) => i.kind === 'packet' && /dropped: manual_mode/.test(i.text)), 'the SYN is dropped by the manual-mode server');
    assert.deepEqual((await connections(page)).map((c) => `${c.host} ${c.state}`), ['client SYN_SENT']);

    // Answer as the server (the peer of the client's connection) with SYN-ACK, seq/ack from the preset.
    await chooseConn(page, /as the peer of client/);
    await setFlags(page, ['SYN', 'ACK']);
    await page.locator(`${composer} button.preset[data-preset=exact]`).click();
    const ack = await page.locator(`${composer} input.ack`).inputValue();
    const iss = await page.evaluate(() => document.querySelector('tcp-playground').controller.feed.pg.snapshot().connections[0].iss);
    assert.equal(Number(ack), (iss + 1) % 2 ** 32, 'ack = the client\'s ISS + 1 (its SND.NXT)');
    assert.match(await page.locator(`${composer} .ack-rel`).textContent(), /relative 1$/);
    await page.locator(`${composer} button.send`).click();
    await seekTo(page, 1.6);
    twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'state' && i.host === 'client' && i.to === 'ESTABLISHED'));
    assert.ok(twin.some((i) => i.kind === 'state' && i.host === 'client' && i.to === 'ESTABLISHED'), JSON.stringify(twin.map((i) => i.text)));
    assert.ok(twin.some((i) => i.kind === 'packet' && i.host === 'server' && /^\[S\.\] seq 0 ack 1/.test(i.label)), 'the crafted SYN-ACK on the ladder');
    assert.match(await verdictText(page), /Accepted by client[\s\S]*SYN_SENT → ESTABLISHED[\s\S]*client answered with \[\.\]/);
    assert.equal((await connections(page))[0].state, 'ESTABLISHED');

    // Then a FIN (with ACK), seq/ack again from the preset.
    await setFlags(page, ['FIN', 'ACK']);
    await page.locator(`${composer} button.preset[data-preset=exact]`).click();
    await page.locator(`${composer} button.send`).click();
    await seekTo(page, 1.7);
    twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'state' && i.host === 'client' && i.to === 'CLOSE_WAIT'));
    assert.ok(twin.some((i) => i.kind === 'state' && i.host === 'client' && i.to === 'CLOSE_WAIT'), JSON.stringify(twin.map((i) => i.text)));
    assert.match(await verdictText(page), /ESTABLISHED → CLOSE_WAIT/);
    twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'verdict'));
    assert.ok(twin.some((i) => i.kind === 'verdict' && i.host === 'client' && /verdict: accepted$/.test(i.text)), JSON.stringify(twin.filter((i) => i.kind === 'verdict')));

    // Everything is recorded: the scenario replays the manual switch and both segments.
    const actions = await page.evaluate(() => JSON.parse(document.querySelector('tcp-playground').controller.feed.pg.scenario()).timeline.map((a) => a.do));
    assert.deepEqual(actions, ['listen', 'connect', 'manual', 'inject', 'inject']);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('crafted RSTs: one in the window but not at RCV.NXT draws a challenge ACK, the exact one resets', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html`);
    await openComposer(page);
    await seekTo(page, 1.5);
    await chooseConn(page, /from client: #\d+ 10\.0\.0\.1:40000 > 10\.0\.0\.2:9000 ESTABLISHED/);
    await setFlags(page, ['RST']);
    await page.locator(`${composer} button.preset[data-preset=inWindow]`).click();
    assert.match(await page.locator(`${composer} .seq-rel`).textContent(), /relative 1001$/);
    await page.locator(`${composer} button.send`).click();
    await seekTo(page, 1.55);
    let twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'packet' && /chal ACK/.test(i.text)));
    assert.ok(twin.some((i) => i.kind === 'packet' && i.host === 'server' && /chal ACK/.test(i.text)), JSON.stringify(twin.map((i) => i.text)));
    assert.ok(twin.some((i) => i.kind === 'packet' && /dropped: rst_in_window_challenge_ack/.test(i.text)));
    assert.match(await verdictText(page), /^Challenge ACK \(RFC 5961\)[\s\S]*server answered with \[\.\] \(challenge_ack\)/);
    assert.ok(!twin.some((i) => i.kind === 'state' && i.host === 'server' && i.to === 'CLOSED'), 'the server stays ESTABLISHED');
    twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'verdict'));
    assert.ok(twin.some((i) => i.kind === 'verdict' && i.host === 'server' && /verdict: challenge ACK$/.test(i.text)), 'the verdict on the ladder');
    assert.ok(await page.locator(`${el} tp-ladder .verdict:not([hidden])`).isVisible());
    await page.locator(`${composer} .verdict`).scrollIntoViewIfNeeded();
    await screenshot(page, 'composer-challenge-ack.png');

    await page.locator(`${composer} button.preset[data-preset=exact]`).click();
    await page.locator(`${composer} button.send`).click();
    await seekTo(page, 1.6);
    twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'state' && i.host === 'server' && i.to === 'CLOSED'));
    assert.ok(twin.some((i) => i.kind === 'state' && i.host === 'server' && i.to === 'CLOSED'), JSON.stringify(twin.map((i) => i.text)));
    assert.match(await verdictText(page), /Accepted by server[\s\S]*ESTABLISHED → CLOSED/);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('at a time: an out-of-window segment with a hex payload, sent at 2 s, is dropped and answered with an ACK', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html`);
    await openComposer(page);
    await seekTo(page, 1.5);
    await chooseConn(page, /from client: #\d+ 10\.0\.0\.1:40000 > 10\.0\.0\.2:9000 ESTABLISHED/);
    await setFlags(page, ['PSH', 'ACK']);
    await page.locator(`${composer} input.pmode-hex`).check();
    await page.locator(`${composer} textarea.payload-input`).fill('00 ff 41');
    await page.locator(`${composer} input.when-at`).check();
    await page.locator(`${composer} input.at`).fill('2s');
    await page.locator(`${composer} button.preset[data-preset=outWindow]`).click();
    await page.locator(`${composer} button.send`).click();
    await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.busy);
    const recorded = await page.evaluate(() => document.querySelector('tcp-playground').controller.feed.pg.actions());
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0].at, 2e9, 'recorded at 2 s');
    assert.equal(recorded[0].action.payload_hex, '00ff41');
    await seekTo(page, 2.05);
    assert.match(await verdictText(page), /^Dropped by server: sequence number outside the receive window[\s\S]*server answered with \[\.\]/);
    // The crafted packet in the inspector: its payload, byte for byte.
    await page.locator(`${composer} button.inspect`).click();
    await page.locator(`${el} #tab-packet`).click();
    assert.equal(await page.locator(`${inspector} .phex`).textContent(), '00 ff 41');
    assert.match(await page.locator(`${inspector} .fate`).textContent(), /Dropped at server .*unacceptable_seq/);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('data: in the window but not at RCV.NXT it is held out of order, at RCV.NXT it is taken', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html`);
    await openComposer(page);
    await seekTo(page, 1.5);
    await chooseConn(page, /from client: #\d+ 10\.0\.0\.1:40000 > 10\.0\.0\.2:9000 ESTABLISHED/);
    await setFlags(page, ['PSH', 'ACK']);
    await page.locator(`${composer} textarea.payload-input`).fill('hi');
    await page.locator(`${composer} button.preset[data-preset=inWindow]`).click();
    await page.locator(`${composer} button.send`).click();
    await seekTo(page, 1.55);
    assert.match(await verdictText(page), /^Accepted by server\.[\s\S]*held out of order[\s\S]*server answered with \[\.\]/);
    await page.locator(`${composer} button.preset[data-preset=exact]`).click();
    await page.locator(`${composer} button.send`).click();
    await seekTo(page, 1.6);
    assert.match(await verdictText(page), /^Accepted by server\.[\s\S]*2 bytes of data taken in order/);
    assert.doesNotMatch(await verdictText(page), /out of order/);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('bad input names the field and sends nothing', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html`);
    await openComposer(page);
    await seekTo(page, 1.5);
    const before = await page.evaluate(() => document.querySelector('tcp-playground').controller.feed.pg.actions().length);
    const cases = [
      [async () => page.locator(`${composer} input.seq`).fill('12x'), /seq: expected a whole number/, 'seq'],
      [async () => page.locator(`${composer} input.dstPort`).fill('70000'), /destination port: expected a port from 1 to 65535, got "70000"/, 'dstPort'],
      [async () => {
        await page.locator(`${composer} input.pmode-hex`).check();
        await page.locator(`${composer} textarea.payload-input`).fill('48 6');
      }, /payload \(hex\): an odd number of hex digits \(3\)/, 'payload'],
    ];
    for (const [breakIt, message, field] of cases) {
      await page.locator(`${composer} button.preset[data-preset=exact]`).click();
      await page.locator(`${composer} input.dstPort`).fill('9000');
      await page.locator(`${composer} textarea.payload-input`).fill('');
      await breakIt();
      await page.locator(`${composer} button.send`).click();
      const errors = await page.locator(`${composer} .errors li`).allTextContents();
      assert.ok(errors.some((e) => message.test(e)), `${message} in ${JSON.stringify(errors)}`);
      assert.equal(await page.locator(`${composer} .errors li[data-field=${field}]`).count(), 1);
      assert.equal(await page.evaluate(() => document.querySelector('tcp-playground').controller.feed.pg.actions().length), before, 'nothing sent');
    }
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('inspector: the SYN\'s MSS option highlights its bytes, and a byte highlights its field', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=handshake&t=2s`);
    await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.busy);
    // Select the SYN in the log, then open the Packet tab.
    await page.locator(`${el} #tab-log`).click();
    await page.locator(`${el} tp-log .line`, { hasText: 'Flags [S],' }).first().click();
    await page.locator(`${el} #tab-packet`).click();
    await page.locator(`${inspector} tr[data-name="tcp.options.mss"]`).waitFor();
    assert.match(await page.locator(`${inspector} .summary h3`).textContent(), /client → server/);
    assert.match(await page.locator(`${inspector} .seqack`).textContent(), /^seq 0 \(absolute \d+\), ack 0/);
    assert.match(await page.locator(`${inspector} .checksums`).textContent(), /ip\.checksum: correct[\s\S]*tcp\.checksum: correct/);
    assert.match(await page.locator(`${inspector} .fate`).textContent(), /Delivered to server/);

    // Pointer on the MSS option row: its four bytes (kind 2, length 4, 1460) are highlighted.
    await page.locator(`${inspector} tr[data-name="tcp.options.mss"]`).hover();
    const hl = () => page.locator(`${inspector} .hx .b.hl`).evaluateAll((bs) => bs.map((b) => [Number(b.dataset.i), b.textContent]));
    const bytes = await hl();
    assert.deepEqual(bytes.map((b) => b[1]), ['02', '04', '05', 'b4']);
    assert.deepEqual(bytes.map((b) => b[0]), [40, 41, 42, 43]);
    assert.equal(await page.locator(`${inspector} .asc .a.hl`).count(), 4);
    await screenshot(page, 'inspector-mss.png');

    // The reverse: pointer on the byte 0x05 (the MSS value's first byte) highlights its field row.
    await page.locator(`${inspector} .hx .b[data-i="42"]`).hover();
    assert.deepEqual(await page.locator(`${inspector} tr.hl`).evaluateAll((rs) => rs.map((r) => r.dataset.name)), ['tcp.options.mss_val']);
    assert.deepEqual((await hl()).map((b) => b[0]), [42, 43]);
    // A byte of the flags: the flags group, not one of its bits.
    await page.locator(`${inspector} .hx .b[data-i="33"]`).hover();
    assert.deepEqual(await page.locator(`${inspector} tr.hl`).evaluateAll((rs) => rs.map((r) => r.dataset.name)), ['tcp.flags']);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });
});
