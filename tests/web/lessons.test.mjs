// The playground's state diagram, connection table and self-narrating lessons (issue 19), in
// Debian's Chromium under the page's CSP: the RFC 9293 diagram follows the handshake step by
// step, the table counts TIME_WAIT down and shows its expiry, and with "stop at each point" the
// load-balancer lessons pause at each callout's moment. Screenshots go to build/test-artifacts/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { allProblems, launch, openPlayground, screenshot, skip, startServer, waitTwin } from './helpers.mjs';

if (skip) console.log(`# lesson tests skipped: ${skip}`);

const el = 'tcp-playground';

async function pressKey(page, code) {
  await page.locator(el).focus();
  await page.keyboard.press(code);
}

async function tab(page, name) {
  await page.locator(`${el} #tab-${name}`).click();
}

/** Each diagram pane's host, state and animated edge (with its label). */
function panes(page) {
  return page.evaluate(() => {
    const d = document.querySelector('tcp-playground').shadowRoot.querySelector('tp-state-diagram');
    return [...d.shadowRoot.querySelectorAll('.pane')].map((p) => {
      const last = p.querySelector('g.last');
      return {
        host: p.dataset.host,
        state: p.dataset.state,
        current: p.querySelector('.node.current')?.dataset.state,
        edge: last?.querySelector('path')?.dataset.edge ?? '',
        label: last ? [...last.querySelectorAll('text')].map((t) => t.textContent).join(' / ') : '',
      };
    });
  });
}

/**
 * What is wrong with the drawn state diagrams: labels under 11 px on screen, labels overlapping
 * each other or a state's box, and edges running through a label (sampled every 2 px).
 */
function figureProblems(page) {
  return page.evaluate(() => {
    const d = document.querySelector('tcp-playground').shadowRoot.querySelector('tp-state-diagram');
    const out = [];
    const hit = (a, b, m = 0) => a.left + m < b.right && b.left + m < a.right && a.top + m < b.bottom && b.top + m < a.bottom;
    for (const svg of d.shadowRoot.querySelectorAll('svg.figure')) {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const labels = [...svg.querySelectorAll('g.edge text.label, g.taken text.label, g.last text.label')].filter((t) => t.textContent);
      const boxes = [...svg.querySelectorAll('.node rect')].map((r) => r.getBoundingClientRect());
      const rects = labels.map((t) => t.getBoundingClientRect());
      labels.forEach((t, k) => {
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (px < 11) out.push(`${t.textContent}: ${px.toFixed(1)} px`);
        for (let j = k + 1; j < labels.length; ++j) if (hit(rects[k], rects[j], 1)) out.push(`${t.textContent} overlaps ${labels[j].textContent}`);
        for (const b of boxes) if (hit(rects[k], b)) out.push(`${t.textContent} overlaps a state`);
      });
      const m = svg.getScreenCTM();
      for (const path of svg.querySelectorAll('g > path[data-edge]')) {
        const len = path.getTotalLength();
        for (let l = 0; l <= len; l += 2) {
          const p = path.getPointAtLength(l);
          const x = m.a * p.x + m.c * p.y + m.e;
          const y = m.b * p.x + m.d * p.y + m.f;
          const k = rects.findIndex((r) => x > r.left + 1 && x < r.right - 1 && y > r.top + 1 && y < r.bottom - 1);
          if (k >= 0) {
            out.push(`edge ${path.dataset.edge} crosses ${labels[k].textContent}`);
            break;
          }
        }
      }
    }
    return [...new Set(out)];
  });
}

async function waitPanes(page, pred, timeout = 5000) {
  const end = Date.now() + timeout;
  let p = [];
  while (Date.now() < end) {
    p = await panes(page);
    if (pred(p)) return p;
    await page.waitForTimeout(50);
  }
  return p;
}

async function seekAndWait(page, seconds) {
  await page.evaluate((t) => document.querySelector('tcp-playground').seek(t * 1e9), seconds);
  await page.waitForFunction(() => !document.querySelector('tcp-playground').controller.seeking, null, { timeout: 60000 });
}

describe('state diagram, connection table, lesson points', { skip }, () => {
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

  test('the handshake step by step: client CLOSED -> SYN_SENT -> ESTABLISHED, server LISTEN -> SYN_RECEIVED -> ESTABLISHED', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=handshake`);
    await tab(page, 'states');
    const steps = [
      // [client state, server state, the pane whose edge was just taken, that edge, its label]
      ['CLOSED', 'LISTEN', 'server', 'CLOSED>LISTEN', 'passive OPEN / create TCB'],
      ['SYN_SENT', 'LISTEN', 'client', 'CLOSED>SYN_SENT', 'active OPEN / create TCB, snd SYN'],
      ['SYN_SENT', 'SYN_RECEIVED', 'server', 'LISTEN>SYN_RECEIVED', 'rcv SYN / snd SYN,ACK'],
      ['ESTABLISHED', 'SYN_RECEIVED', 'client', 'SYN_SENT>ESTABLISHED', 'rcv SYN,ACK / snd ACK'],
      ['ESTABLISHED', 'ESTABLISHED', 'server', 'SYN_RECEIVED>ESTABLISHED', 'rcv ACK of SYN / x'],
    ];
    let first = await panes(page);
    assert.deepEqual(first.map((p) => [p.host, p.state]), [['client', 'CLOSED'], ['server', 'CLOSED']]);
    for (const [client, srv, who, edge, label] of steps) {
      await pressKey(page, 'ArrowRight');
      const p = await waitPanes(page, (ps) => ps.length === 2 && ps[0].state === client && ps[1].state === srv);
      const where = JSON.stringify(p);
      assert.deepEqual(p.map((x) => [x.host, x.state, x.current]), [['client', client, client], ['server', srv, srv]], where);
      const mover = p.find((x) => x.host === who);
      assert.equal(mover.edge, edge, where);
      assert.equal(mover.label, label, where);
      if (client === 'SYN_SENT' && srv === 'SYN_RECEIVED') await screenshot(page, 'states-mid-handshake.png');
    }
    // Readable at 1280x720: every label at least 11 px, none covering another, a state or an edge.
    assert.deepEqual(await figureProblems(page), []);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('lesson 2: TIME_WAIT counts down in the connection table and expires to CLOSED at 243.005 s', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=teardown-time-wait`);
    await tab(page, 'connections');
    await seekAndWait(page, 100);
    const row = `${el} tp-connections tr.live[data-state="TIME_WAIT"]`;
    await page.locator(row).waitFor();
    assert.match(await page.locator(`${row} .timer[data-timer="time_wait"]`).textContent(), /^time_wait 143 s left$/);
    assert.equal(await page.locator(`${row} .timer[data-timer="time_wait"]`).getAttribute('data-deadline'), '243005000000');
    await seekAndWait(page, 200);
    await page.waitForFunction(() => {
      const t = document.querySelector('tcp-playground').shadowRoot.querySelector('tp-connections').shadowRoot.querySelector('.timer[data-timer="time_wait"]');
      return t && /^time_wait 43 s left$/.test(t.textContent);
    }, null, { timeout: 5000 });
    // Just before and just after the expiry.
    await seekAndWait(page, 243.004);
    assert.equal(await page.locator(`${el} tp-connections tr.live[data-state="TIME_WAIT"]`).count(), 1);
    await seekAndWait(page, 243.005);
    await page.waitForFunction(() => !document.querySelector('tcp-playground').shadowRoot.querySelector('tp-connections').shadowRoot.querySelector('tr.live[data-state="TIME_WAIT"]'), null, { timeout: 5000 });
    const closed = await page.locator(`${el} tp-connections tr.closed`).allTextContents();
    assert.equal(closed.length, 2, closed.join('|'));
    assert.ok(closed.some((t) => /c1[\s\S]*CLOSED: closed at 243\.005 s/.test(t)), closed.join("|"));
    // The state diagram agrees: the client took TIME_WAIT -> CLOSED (Timeout=2MSL).
    await tab(page, 'states');
    const p = await waitPanes(page, (ps) => ps.some((x) => x.host === 'client' && x.edge === 'TIME_WAIT>CLOSED2'));
    const client = p.find((x) => x.host === 'client');
    assert.equal(client.label, 'Timeout=2MSL / delete TCB', JSON.stringify(p));
    await seekAndWait(page, 100);
    await waitPanes(page, (ps) => ps.some((x) => x.host === 'client' && x.state === 'TIME_WAIT'));
    await screenshot(page, 'states-time-wait.png');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  // The points of the four load-balancer lessons: [point, time (s)], from the engine's triggers.
  const LB = {
    'alb-idle-504': [[1, 0.005], [2, 0.203], [3, 60.003], [4, 60.004], [6, 60.004], [5, 80.008]],
    'server-timeout-504': [[1, 30.006], [2, 30.007], [3, 30.008], [4, 80.006], [5, 90.007]],
    'nlb-idle-rst': [[1, 0.001], [2, 350.207], [3, 400.007], [4, 420.001], [5, 420.002]],
    'nlb-server-timeout': [[1, 300.006], [2, 300.008], [4, 300.012], [3, 400.006], [5, 650.011]],
  };

  for (const [lesson, points] of Object.entries(LB)) {
    test(`${lesson} with "stop at each point": each callout appears at its moment`, async () => {
      const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=${lesson}`);
      await page.locator(`${el} .stop-points`).check();
      await page.locator(`${el} tp-time-controls .speed input`).fill('4');
      const stops = [];
      for (let guard = 0; guard < 20; ++guard) {
        await page.locator(`${el} tp-time-controls .play`).click();
        await page.waitForFunction(() => {
          const c = document.querySelector('tcp-playground').controller;
          return !c.playing && !c.seeking;
        }, null, { timeout: 20000 });
        const s = await page.evaluate(() => {
          const c = document.querySelector('tcp-playground').controller;
          return { now: c.now, atEnd: c.atEnd, at: c.points.list.filter((p) => p.time === c.now).map((p) => p.n) };
        });
        if (s.atEnd && !s.at.length) break;
        stops.push(s);
        // The callout of each point reached now is on the ladder, the latest highlighted.
        for (const n of s.at) {
          const callout = page.locator(`${el} tp-ladder .callout[data-point="${n}"]`);
          await callout.waitFor({ timeout: 5000 });
          assert.equal(await callout.getAttribute('data-time'), String(s.now));
        }
        await page.locator(`${el} tp-ladder .callout.latest`).waitFor();
        if (lesson === 'nlb-idle-rst' && s.at.includes(2)) await screenshot(page, 'callout-nlb-silent-expiry.png');
        if (lesson === 'alb-idle-504' && s.at.includes(3)) await screenshot(page, 'callout-alb-504.png');
        if (s.atEnd) break;
      }
      const expected = new Map();
      for (const [n, t] of points) expected.set(Math.round(t * 1e9), [...(expected.get(Math.round(t * 1e9)) ?? []), n]);
      assert.deepEqual(
        stops.map((s) => [s.now, [...s.at].sort()]),
        [...expected.entries()].map(([t, ns]) => [t, ns.sort()]),
      );
      // The lesson list shows them all seen, and the picker the progress.
      assert.equal(await page.locator(`${el} tp-lessons .current .point.seen`).count(), points.length);
      assert.match(await page.locator(`${el} .lesson-select option:checked`).textContent(), new RegExp(`\\(${points.length}/${points.length}\\)$`));
      assert.deepEqual(await allProblems(page, problems), []);
      await page.close();
    });
  }

  test('lesson 18: the connection table mid-run, taken within the frame budget', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=congestion-control`);
    await tab(page, 'connections');
    await seekAndWait(page, 10);
    await page.locator(`${el} tp-connections tr.live`).first().waitFor();
    const rows = await page.locator(`${el} tp-connections tr.live`).count();
    assert.equal(rows, 4);
    const ms = await page.evaluate(() => document.querySelector('tcp-playground').shadowRoot.querySelector('tp-connections').snapshotMs);
    assert.ok(ms < 8, `snapshot took ${ms} ms`);
    await screenshot(page, 'connections-lesson18.png');
    // Every column readable without scrolling sideways at 1280x720.
    const fit = await page.evaluate(() => {
      const t = document.querySelector('tcp-playground').shadowRoot.querySelector('tp-connections');
      return { scroll: t.scrollWidth, client: t.clientWidth };
    });
    assert.ok(fit.scroll <= fit.client, `the table needs ${fit.scroll} px, the panel has ${fit.client}`);
    // A row selects its connection in the state diagram.
    await page.locator(`${el} tp-connections tr.live`).first().click();
    const p = await waitPanes(page, (ps) => ps.length === 2 && ps[0].state === 'ESTABLISHED');
    assert.deepEqual(p.map((x) => x.state), ['ESTABLISHED', 'ESTABLISHED']);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('lesson 24: the ladder and the log say "connection refused" from the errno of socket_error events', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}index.html#lesson=udp-closed-port`);
    await seekAndWait(page, 8);
    // The ladder's labels come from the events' errno, not from their narration.
    const twin = await waitTwin(page, (t) => t.filter((x) => /connection refused \(ECONNREFUSED\)/.test(x.text)).length === 2);
    const refused = twin.filter((x) => x.kind === 'app' && /connection refused \(ECONNREFUSED\)/.test(x.text));
    assert.deepEqual(refused.map((x) => [x.host, x.label]), [
      ['client', 'recv: connection refused (ECONNREFUSED)'],
      ['client', 'send: connection refused (ECONNREFUSED)'],
    ]);
    assert.ok(twin.some((x) => x.label === 'recv: timed out: resource temporarily unavailable (EAGAIN)'), JSON.stringify(twin));
    await screenshot(page, 'udp-closed-port-ladder.png');
    await page.locator(`${el} [role=tab]#tab-log`).click();
    const errors = page.locator(`${el} tp-log .line.error`);
    await errors.first().waitFor();
    const texts = await errors.allTextContents();
    assert.deepEqual(texts.map((t) => t.replace(/^\S+\s+# /, '').replace(/: conn: .*|: free: .*/, '')), [
      'client: recv: ECONNREFUSED (connection refused)',
      'client: recv: EAGAIN (timed out: resource temporarily unavailable)',
      'client: send: ECONNREFUSED (connection refused)',
    ]);
    await screenshot(page, 'udp-closed-port-log.png');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });
});
