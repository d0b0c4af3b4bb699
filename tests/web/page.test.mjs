// The playground page (build/web/index.html) in Debian's Chromium, from disk and from a local
// server, under the page's own CSP. The ladder is a canvas: the tests read its accessible text
// twin (a hidden list of what is drawn), the clock and the engine controller's state.
// Screenshots go to build/test-artifacts/.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  allProblems, clock, engineState, fileUrl, launch, ladderTwin, openPlayground, root, screenshot, skip, startServer, waitTwin,
} from './helpers.mjs';

if (skip) console.log(`# page tests skipped: ${skip}`);

const el = 'tcp-playground';
const controls = `${el} tp-time-controls`;

/** Sets the speed slider to 10^exp (4 = 10,000x). */
async function setSpeed(page, exp) {
  await page.locator(`${controls} .speed input`).fill(String(exp));
}

async function pressKey(page, code, times = 1) {
  await page.locator(el).focus();
  for (let i = 0; i < times; ++i) await page.keyboard.press(code);
}

describe('the playground page', { skip }, () => {
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

  test('from disk: lesson 1 paused at 0 s, the tour shown once, ladder and controls in view', async () => {
    const { page, problems } = await openPlayground(browser.context, fileUrl, { tour: true });
    const s = await engineState(page);
    assert.equal(s.lesson, 'handshake');
    assert.equal(s.now, 0);
    assert.equal(s.playing, false);
    assert.equal(await clock(page), '0.000000 s');
    const tour = page.locator(`${el} tp-tour .box`);
    await tour.waitFor();
    assert.match(await tour.textContent(), /ladder/i);
    // At 1280x720 the ladder and the time controls are on screen without scrolling.
    for (const part of ['tp-ladder canvas', 'tp-time-controls .play', 'tp-time-controls .timeline']) {
      const box = await page.locator(`${el} ${part}`).boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= 720 && box.height > 0, `${part} is visible: ${JSON.stringify(box)}`);
    }
    const ladder = await page.locator(`${el} tp-ladder canvas`).boundingBox();
    assert.ok(ladder.height > 400 && ladder.width > 700, `the ladder is large: ${JSON.stringify(ladder)}`);
    await page.locator(`${el} tp-tour .next`).click();
    await page.locator(`${el} tp-tour .next`).click();
    await page.locator(`${el} tp-tour .next`).click(); // "Got it"
    assert.equal(await page.locator(`${el} tp-tour .box`).count(), 0);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('tcp-playground')?.controller?.lesson);
    assert.equal(await page.locator(`${el} tp-tour .box`).count(), 0, 'the tour is remembered');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  for (const where of ['disk', 'server']) {
    test(`handshake (${where}): three arrows with their labels, states on both lifelines`, async () => {
      const url = where === 'disk' ? `${fileUrl}#lesson=handshake` : `${server.url}index.html#lesson=handshake`;
      const { page, problems } = await openPlayground(browser.context, url);
      await setSpeed(page, 0.5); // about 3x
      await page.locator(`${controls} .play`).click();
      // Pause within a frame of 1.2 s (a frame is at most 100 ms of wall time, 300 ms of virtual
      // time here; the next packet is at 2 s), however slow the machine.
      await page.evaluate(() => new Promise((resolve) => {
        const el = document.querySelector('tcp-playground');
        const f = () => {
          if (el.controller.now >= 1.2e9) {
            el.pause();
            resolve();
          } else requestAnimationFrame(f);
        };
        f();
      }));
      assert.equal((await engineState(page)).playing, false);
      assert.equal(await page.locator(`${controls} .play`).getAttribute('aria-label'), 'Play');
      const twin = await waitTwin(page, (t) => t.filter((i) => i.kind === 'packet').length >= 3);
      const packets = twin.filter((i) => i.kind === 'packet');
      assert.equal(packets.length, 3, JSON.stringify(twin));
      assert.deepEqual(packets.map((p) => [p.host, p.to]), [['client', 'server'], ['server', 'client'], ['client', 'server']]);
      assert.match(packets[0].label, /^\[S\] seq 0 win 65535 <mss 1460,sackOK,TS val \d+ ecr 0,nop,wscale 2>$/);
      assert.match(packets[1].label, /^\[S\.\] seq 0 ack 1 win 65535 <mss 1460/);
      assert.equal(packets[2].label, '[.] ack 1');
      // Sloped by the delay: each arrives 10 ms after it left.
      assert.deepEqual(packets.map((p) => Math.round(p.time / 1e6)), [1000, 1010, 1020]);
      const states = twin.filter((i) => i.kind === 'state').map((i) => `${i.host} ${i.to}`);
      for (const s of ['server LISTEN', 'client SYN_SENT', 'server SYN_RECEIVED', 'client ESTABLISHED', 'server ESTABLISHED']) {
        assert.ok(states.includes(s), `${s} in ${JSON.stringify(states)}`);
      }
      if (where === 'server') {
        await screenshot(page, 'handshake.png');
        // Hover the SYN: the SYN-ACK that acknowledges it is highlighted too.
        const seg = await page.evaluate(() => {
          const f = document.querySelector('tcp-playground').shadowRoot.querySelector('tp-ladder').frame;
          const k = [...f.rows.subarray(0, f.count)].indexOf(0);
          return { x: (f.segs[k * 4] + f.segs[k * 4 + 2]) / 2, y: (f.segs[k * 4 + 1] + f.segs[k * 4 + 3]) / 2 };
        });
        const box = await page.locator(`${el} tp-ladder canvas`).boundingBox();
        await page.mouse.move(box.x + seg.x, box.y + seg.y);
        await page.locator(`${el} tp-ladder .tooltip`).waitFor();
        const hl = await page.evaluate(() => {
          const l = document.querySelector('tcp-playground').shadowRoot.querySelector('tp-ladder');
          return [l.hoverRow, l.ackRow];
        });
        assert.deepEqual(hl, [0, 1]);
      }
      assert.deepEqual(await allProblems(page, problems), []);
      await page.close();
    });
  }

  test('step forward and back: the playhead and the labels follow', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=handshake`);
    await pressKey(page, 'ArrowRight'); // 0 s: listen
    assert.equal(await clock(page), '0.000000 s');
    let twin = await waitTwin(page, (t) => t.some((i) => i.to === 'LISTEN'));
    assert.ok(twin.some((i) => i.kind === 'state' && i.host === 'server' && i.to === 'LISTEN'));
    await pressKey(page, 'ArrowRight'); // 1 s: connect, the SYN leaves
    assert.equal(await clock(page), '1.000000 s');
    twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'packet'));
    const inFlight = twin.filter((i) => i.kind === 'packet');
    assert.equal(inFlight.length, 1);
    assert.match(inFlight[0].text, /^1 s client → server: \[S\] seq 0 win 65535 <mss .*> \(in flight\)$/);
    await pressKey(page, 'ArrowRight'); // 1.01 s: SYN arrives, SYN-ACK leaves
    assert.equal(await clock(page), '1.010000 s');
    twin = await waitTwin(page, (t) => t.filter((i) => i.kind === 'packet').length === 2);
    assert.ok(twin.some((i) => i.kind === 'state' && i.host === 'server' && i.to === 'SYN_RECEIVED'));
    assert.match(twin.filter((i) => i.kind === 'packet')[1].label, /^\[S\.\] seq 0 ack 1/);
    await pressKey(page, 'ArrowLeft'); // back to 1 s
    assert.equal(await clock(page), '1.000000 s');
    twin = await waitTwin(page, (t) => t.filter((i) => i.kind === 'packet').length === 1);
    assert.equal(twin.filter((i) => i.kind === 'packet').length, 1);
    assert.ok(!twin.some((i) => i.to === 'SYN_RECEIVED'), 'SYN_RECEIVED is gone after stepping back');
    assert.ok(twin.some((i) => i.host === 'client' && i.to === 'SYN_SENT'));
    await page.locator(`${controls} .step-packet`).click(); // through the next packet sent: the SYN-ACK
    assert.equal(await clock(page), '1.010000 s');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('nlb-idle-rst at top speed: the folded 350 s gap and the RSTs near 400 s, in under 5 s; scrub back to 10 s', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=nlb-idle-rst`);
    await setSpeed(page, 4);
    assert.equal(await page.locator(`${controls} .speed-value`).textContent(), '10,000×');
    assert.equal(await page.locator(`${controls} .speed input`).getAttribute('aria-valuetext'), '10,000×');
    const t0 = Date.now();
    await page.locator(`${controls} .play`).click();
    await page.waitForFunction(() => document.querySelector('tcp-playground').controller.atEnd, null, { timeout: 5000 });
    const wall = Date.now() - t0;
    assert.ok(wall < 5000, `reached the end in ${wall} ms`);
    const twin = await waitTwin(page, (t) => t.some((i) => i.kind === 'fold' && i.text === '350 s idle'));
    assert.ok(twin.some((i) => i.kind === 'fold' && i.text === '350 s idle'), JSON.stringify(twin.map((i) => i.text)));
    const rsts = twin.filter((i) => i.kind === 'packet' && i.label.startsWith('[R]'));
    assert.deepEqual(rsts.map((r) => [r.host, r.to, Math.round(r.time / 1e9)]), [['lb', 'server', 400], ['lb', 'client', 420]]);
    const drops = twin.filter((i) => i.kind === 'packet' && /dropped: nlb_no_flow/.test(i.text));
    assert.equal(drops.length, 2);
    assert.ok(twin.some((i) => i.host === 'server' && i.to === 'CLOSED' && Math.round(i.time / 1e9) === 400));
    await screenshot(page, 'lesson12-nlb-idle-rst.png');
    // Hover the server's dropped answer: it is highlighted and the tooltip gives the reason.
    const at = await page.evaluate(() => {
      const el = document.querySelector('tcp-playground');
      const ladder = el.shadowRoot.querySelector('tp-ladder');
      const m = el.controller.model;
      const f = ladder.frame;
      for (let k = 0; k < f.count; ++k) {
        const row = f.rows[k];
        if (m.pDropEv.a[row] >= 0 && m.hostNames[m.pFrom.a[row]] === 'server') {
          return { row, x: (f.segs[k * 4] + f.segs[k * 4 + 2]) / 2, y: (f.segs[k * 4 + 1] + f.segs[k * 4 + 3]) / 2 };
        }
      }
      return null;
    });
    assert.ok(at, 'the dropped answer is drawn');
    const box = await page.locator(`${el} tp-ladder canvas`).boundingBox();
    await page.mouse.move(box.x + at.x, box.y + at.y);
    const tip = page.locator(`${el} tp-ladder .tooltip`);
    await tip.waitFor();
    assert.match(await tip.textContent(), /server → lb[\s\S]*\[P\.\] 1:42 ack 35[\s\S]*dropped: nlb_no_flow/);
    assert.equal(await page.evaluate(() => document.querySelector('tcp-playground').shadowRoot.querySelector('tp-ladder').hoverRow), at.row);
    // Scrub back to 10 s (jump to time).
    await page.locator(`${controls} .jump input`).fill('10s');
    await page.locator(`${controls} .jump input`).press('Enter');
    await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.busy);
    assert.equal(await clock(page), '10.000000 s');
    const back = await waitTwin(page, (t) => t.some((i) => i.kind === 'fold' && i.text === '9.8 s idle'));
    assert.ok(!back.some((i) => i.kind === 'packet' && i.label.startsWith('[R]')), 'no RST at 10 s');
    assert.ok(back.some((i) => i.kind === 'fold' && /^9\.8 s idle$/.test(i.text)), JSON.stringify(back.map((i) => i.text)));
    assert.ok(back.some((i) => i.host === 'client' && i.to === 'ESTABLISHED'));
    assert.ok(await page.evaluate(() => location.hash === '#lesson=nlb-idle-rst&t=10s'), 'the address has the time');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('deep link with a time, and back/forward between lessons', async () => {
    const { page, problems } = await openPlayground(browser.context, `${fileUrl}#lesson=teardown-time-wait&t=2.5s`);
    await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.busy);
    const s = await engineState(page);
    assert.equal(s.lesson, 'teardown-time-wait');
    assert.equal(s.now, 2.5e9);
    await page.locator(`${el} .lesson-select`).selectOption('closed-port');
    await page.waitForFunction(() => document.querySelector('tcp-playground').controller.lesson.id === 'closed-port');
    assert.equal(await page.evaluate(() => location.hash), '#lesson=closed-port');
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('tcp-playground').controller.lesson.id === 'teardown-time-wait');
    await page.goForward();
    await page.waitForFunction(() => document.querySelector('tcp-playground').controller.lesson.id === 'closed-port');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('the lesson list, the log linked with the ladder', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=handshake&t=9s`);
    await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.busy);
    const lessons = page.locator(`${el} tp-lessons .lesson`);
    // Every scenario in examples/ is a lesson on the page (the schema lives in schema/).
    assert.equal(await lessons.count(), readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json')).length);
    assert.match(await page.locator(`${el} tp-lessons .current .watch`).textContent(), /TIME_WAIT/);
    await screenshot(page, 'time-wait.png');
    await page.locator(`${el} [role=tab]#tab-log`).click();
    const lines = page.locator(`${el} tp-log .line:not([hidden])`);
    await lines.first().waitFor();
    // The log follows the end: the last lines are in view.
    const end = await lines.allTextContents();
    assert.ok(end.some((t) => /# client: #1 FIN_WAIT_2 -> TIME_WAIT/.test(t)), end.join('\n'));
    await page.locator(`${el} tp-log .scroller`).hover();
    await page.mouse.wheel(0, -100000);
    await page.waitForFunction(() => document.querySelector('tcp-playground').shadowRoot.querySelector('tp-log').shadowRoot.querySelector('.scroller').scrollTop === 0);
    await page.waitForTimeout(100);
    const texts = await lines.allTextContents();
    assert.ok(texts.some((t) => /IP 10\.0\.0\.1\.40000 > 10\.0\.0\.2\.80: Flags \[S\], seq \d+, win 65535/.test(t)), texts.join('\n'));
    // The log is virtualised: far fewer elements than events would need.
    assert.ok((await lines.count()) < 80);
    // Click the SYN line: the ladder selects the packet.
    await page.locator(`${el} tp-log .line`, { hasText: 'Flags [S],' }).first().click();
    const selected = await page.evaluate(() => document.querySelector('tcp-playground').shadowRoot.querySelector('tp-ladder').selectedRow);
    assert.equal(selected, 0);
    // Filter by host: only server lines and packets to or from it.
    await page.locator(`${el} tp-log select.host`).selectOption({ label: 'server' });
    const isFiltered = (texts) => texts.length > 3 && !texts.some((t) => /# client:/.test(t)) && texts.some((t) => /# server:/.test(t));
    let filtered = [];
    for (let i = 0; i < 50 && !isFiltered(filtered); ++i) {
      await page.waitForTimeout(100); // the list repaints on the next frame
      filtered = await page.locator(`${el} tp-log .line:not([hidden])`).allTextContents();
    }
    assert.ok(isFiltered(filtered), filtered.join('\n'));
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('a browser without DecompressionStream gets a message naming the browsers that work', async () => {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      delete window.DecompressionStream;
    });
    await page.goto(fileUrl);
    const message = page.locator(`${el} .message[role=alert]`);
    await message.waitFor();
    assert.match(await message.textContent(), /Chrome 95, Firefox 113, Safari 16\.4 or newer/);
    await page.close();
  });

  test('lesson 18 zoomed: labels do not overlap, the page stays responsive', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=congestion-control&t=1.42s`);
    await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.busy, null, { timeout: 30000 });
    await pressKey(page, 'Equal', 3);
    // The first losses (queue_full at 1.3194 s), then the duplicate ACKs and the fast retransmit.
    await page.evaluate(() => document.querySelector('tcp-playground').shadowRoot.querySelector('tp-ladder').scrollToTime(1.3185e9));
    await page.waitForTimeout(400);
    await screenshot(page, 'lesson18-zoomed.png');
    const twin = await ladderTwin(page);
    assert.ok(twin.some((i) => i.kind === 'packet'), 'packets drawn');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });
});
