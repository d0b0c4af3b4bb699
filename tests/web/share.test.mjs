// Share links and exports in Debian's Chromium: a link made after a live edit opens in a new page
// at the same time with the same trace; broken links say what is wrong and keep the work on
// screen; scenario text with markup creates no element; the exported pcap passes tshark and the
// exported SVG parses and holds the packet labels. Files go to a temporary folder of this process;
// the ladder exports and screenshots to build/test-artifacts/.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { allProblems, artifacts, fileUrl, launch, openPlayground, root, screenshot, skip, startServer } from './helpers.mjs';

if (skip) console.log(`# share tests skipped: ${skip}`);

const el = 'tcp-playground';
const sha = (s) => createHash('sha256').update(s).digest('hex');
const hasTshark = spawnSync('tshark', ['--version']).status === 0;

/** A share link's hash for scenario text, as the page makes it (deflate-raw, base64url, format 1). */
function shareHash(json, t = '') {
  return `#s=1.${deflateRawSync(Buffer.from(json)).toString('base64url')}${t ? `&t=${t}` : ''}`;
}

/** What the page's engine holds now: time, state and hashes of the trace. */
function runState(page) {
  return page.evaluate(() => {
    const c = document.querySelector('tcp-playground').controller;
    return { now: c.now, playing: c.playing, seeking: c.seeking, lesson: c.lesson.id, title: c.lesson.title, jsonl: c.jsonlText(), text: c.tcpdumpText(), scenario: c.scenarioText() };
  });
}

async function settle(page, timeout = 30000) {
  await page.waitForFunction(() => {
    const c = document.querySelector('tcp-playground').controller;
    return c && !c.seeking && !c.busy;
  }, null, { timeout });
}

/** The error bar's text ('' when none). */
async function errorText(page) {
  const bar = page.locator(`${el} .error`);
  return (await bar.count()) ? bar.textContent() : '';
}

/** Opens the Share dialog and reads the link from it. */
async function shareLink(page) {
  await page.locator(`${el} tp-share button.share`).click();
  const input = page.locator(`${el} tp-share input.link`);
  await page.waitForFunction(() => document.querySelector('tcp-playground').shadowRoot.querySelector('tp-share').shadowRoot.querySelector('input.link').value.includes('#s=1.'));
  return input.inputValue();
}

/** Saves the download a click starts; returns its path. */
async function downloadOf(page, selector, dir) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const path = join(dir, d.suggestedFilename());
  await d.saveAs(path);
  return path;
}

describe('share links and exports', { skip }, () => {
  let browser;
  let server;
  let tmp;

  before(async () => {
    server = await startServer();
    browser = await launch();
    tmp = mkdtempSync(join(tmpdir(), `tcpplay-share-${process.pid}-`));
  });

  after(async () => {
    await browser?.close();
    server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('Share: a link made after a live edit opens in a new page at the same time with the same trace', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}/#lesson=handshake`);
    await page.evaluate(() => document.querySelector('tcp-playground').seek(1.5e9));
    await settle(page);
    // A live edit: the link's delay goes from 10 ms to 60 ms at 1.5 s (the handshake runs at 1 s,
    // the data at 2 s, so the edit shows in the trace).
    await page.evaluate(() => document.querySelector('tcp-playground').controller.act((pg) => pg.setLink('lan', { delay: '60ms' })));
    await page.evaluate(() => document.querySelector('tcp-playground').seek(2.25e9));
    await settle(page);
    const a = await runState(page);
    assert.equal(a.now, 2.25e9);
    assert.match(a.scenario, /60ms/, 'the live edit is in the scenario');
    assert.match(a.text, /length 5/, 'the data was sent by 2.25 s');
    const link = await shareLink(page);
    assert.ok(link.startsWith(`${server.url}/#s=1.`), link);
    assert.match(link, /&t=2\.25s$/);
    assert.ok(link.length < 8000);
    assert.equal(await page.locator(`${el} tp-share .warning`).count(), 0, 'no long-link warning');
    assert.equal(await page.locator(`${el} tp-share .file-only`).count(), 0, 'served: no file:// note');
    await page.locator(`${el} tp-share button.copy`).click();
    await page.locator(`${el} tp-share .status`).filter({ hasText: /./ }).waitFor();
    await screenshot(page, 'share-dialog.png');
    await page.locator(`${el} tp-share button.close`).click();

    const { page: b, problems: bProblems } = await openPlayground(browser.context, link);
    await settle(b);
    const s = await runState(b);
    assert.equal(s.lesson, 'custom');
    assert.equal(s.now, a.now, 'the same time');
    assert.equal(s.playing, false, 'opened paused');
    assert.equal(sha(s.jsonl), sha(a.jsonl), 'the same JSON Lines trace');
    assert.equal(sha(s.text), sha(a.text), 'the same tcpdump text');
    assert.equal(await errorText(b), '');
    assert.equal(await b.locator(`${el} tp-time-controls .clock`).textContent(), '2.250000 s');
    // The address keeps the link's scenario (a reload or back/forward comes back to it).
    assert.match(await b.evaluate(() => location.hash), /^#s=1\./);

    // Back and forward: a lesson, then back to the shared scenario.
    await b.evaluate(() => (location.hash = 'lesson=handshake'));
    await b.waitForFunction(() => document.querySelector('tcp-playground').controller.lesson.id === 'handshake');
    await b.goBack();
    await b.waitForFunction(() => document.querySelector('tcp-playground').controller.lesson.id === 'custom');
    await settle(b);
    assert.equal(sha((await runState(b)).jsonl), sha(a.jsonl), 'back: the shared scenario again');
    assert.deepEqual(await allProblems(page, problems), []);
    assert.deepEqual(await allProblems(b, bProblems), []);
    await b.close();
    await page.close();
  });

  test('Share: broken, truncated and refused links say what is wrong and keep the work on screen', async () => {
    const custom = JSON.parse(readFileSync(join(root, 'examples/01-handshake.json'), 'utf8'));
    custom.title = 'My own handshake';
    const good = shareHash(JSON.stringify(custom), '3s');
    const { page, problems } = await openPlayground(browser.context, `${server.url}/${good}`);
    await settle(page);
    const before = await runState(page);
    // The example has no "version" (format 1 then): it loads, and the scenario carries one now.
    assert.ok(!('version' in custom));
    assert.equal(before.title, 'My own handshake');
    assert.equal(before.now, 3e9);

    const cases = [
      // cut in the middle (as a chat program may do)
      { hash: good.slice(0, Math.floor(good.length / 2)), error: /compressed data is incomplete or damaged/ },
      { hash: '#s=1.%%%not*base64!!!&t=1s', error: /not base64url/ },
      { hash: `#s=1.${Buffer.from('garbage that is no deflate stream at all').toString('base64url')}`, error: /compressed data is incomplete or damaged/ },
      { hash: '#s=9.abcd', error: /unknown link format "9"/ },
      { hash: shareHash('{"title": "x", "hosts": [', '1s'), error: /not valid JSON/ },
      // valid JSON the loader refuses: the error names the path
      { hash: shareHash(JSON.stringify({ ...custom, links: [{ name: 'lan', a: 'client', b: 'nobody', delay: '10ms' }] })), error: /refused.*\/links\/0/ },
      // a scenario format this engine does not know (the link itself is fine)
      { hash: shareHash(JSON.stringify({ ...custom, version: 99 })), error: /refused.*\/version/ },
    ];
    for (const { hash, error } of cases) {
      // The error bar stays until something else loads: clear it so that each case shows its own.
      await page.evaluate(() => {
        const p = document.querySelector('tcp-playground');
        p.error = '';
        p.requestUpdate();
      });
      await page.waitForFunction(() => !document.querySelector('tcp-playground').shadowRoot.querySelector('.error'));
      await page.evaluate((h) => (location.hash = h), hash);
      await page.locator(`${el} .error`).waitFor();
      const text = await errorText(page);
      assert.match(text, error, `${hash.slice(0, 40)}: ${text}`);
      assert.match(text, /nothing was loaded/);
      const now = await runState(page);
      assert.equal(now.scenario, before.scenario, 'the scenario on screen is kept');
      assert.equal(now.now, before.now, 'and its time');
      assert.equal(sha(now.jsonl), sha(before.jsonl), 'and its trace');
      // The lesson panel still shows it.
      assert.match(await page.locator(`${el} tp-lessons li.current`).textContent(), /My own handshake/);
    }
    await screenshot(page, 'share-broken-link.png');
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();

    // A broken link as the first page: the page opens as without it, and says why.
    const { page: first } = await openPlayground(browser.context, `${server.url}/${good.slice(0, good.length - 30)}`);
    assert.match(await errorText(first), /compressed data is incomplete/);
    assert.equal((await runState(first)).lesson, 'handshake');
    await first.close();
  });

  test('Share: markup in a scenario\'s title, description and notes creates no element', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const doc = JSON.parse(readFileSync(join(root, 'examples/01-handshake.json'), 'utf8'));
    doc.title = evil;
    doc.description = `${evil} <script>alert(2)</script>`;
    doc.watch = [evil];
    doc.timeline.push({ at: '2.5s', do: 'note', text: evil });
    doc.timeline.push({ at: '2.6s', do: 'send', socket: 'c1', text: evil });
    const { page, problems } = await openPlayground(browser.context, `${server.url}/${shareHash(JSON.stringify(doc), '5s')}`);
    const dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await settle(page);
    assert.equal(await errorText(page), '');
    const st = await runState(page);
    assert.equal(st.title, evil);
    // Every panel that shows scenario text, opened once.
    for (const tab of ['lesson', 'log', 'states', 'connections', 'composer', 'packet', 'sockets', 'timeouts']) {
      await page.locator(`${el} #tab-${tab}`).click();
      await page.waitForTimeout(150);
    }
    await page.locator(`${el} #tab-lesson`).click();
    // The ladder's tooltip over the middle of the canvas, and its text twin.
    const box = await page.locator(`${el} tp-ladder canvas`).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(400);
    const imgs = await page.evaluate(() => {
      let n = 0;
      const walk = (root) => {
        for (const e of root.querySelectorAll('*')) {
          if (e.tagName === 'IMG' || e.tagName === 'SCRIPT' && e.textContent.includes('alert')) ++n;
          if (e.shadowRoot) walk(e.shadowRoot);
        }
      };
      walk(document);
      return n;
    });
    assert.equal(imgs, 0, 'no <img> (or script) element made from scenario text');
    assert.deepEqual(dialogs, [], 'no alert fired');
    // It is shown as text.
    assert.ok((await page.locator(`${el} tp-lessons li.current`).textContent()).includes(evil), 'the title is shown as text');
    // The SVG export writes it escaped: the ladder's application notes come from the scenario.
    await page.locator(`${el} tp-export button.export`).click();
    const svgPath = await downloadOf(page, `${el} tp-export button.dl-svg`, tmp);
    const svg = readFileSync(svgPath, 'utf8');
    assert.ok(!svg.includes('<img'), 'no <img in the SVG');
    const parsed = await page.evaluate((s) => {
      const d = new DOMParser().parseFromString(s, 'image/svg+xml');
      return { error: d.querySelector('parsererror')?.textContent ?? '', imgs: d.getElementsByTagName('img').length };
    }, svg);
    assert.deepEqual(parsed, { error: '', imgs: 0 });
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('Download the pcap (tshark: well formed, valid checksums), the traces, the scenario, and the ladder as SVG and PNG', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}/#lesson=handshake&t=10s`);
    await settle(page);
    const st = await runState(page);
    assert.equal(st.now, 10e9);
    await page.locator(`${el} tp-export button.export`).click();
    await page.locator(`${el} tp-export dialog[open]`).waitFor();
    await screenshot(page, 'export-dialog.png');

    const pcap = await downloadOf(page, `${el} tp-export button.dl-pcap`, tmp);
    assert.match(pcap, /handshake\.pcap$/);
    assert.equal(readFileSync(pcap).readUInt32LE(0).toString(16), 'a1b23c4d', 'a nanosecond pcap');
    if (hasTshark) {
      const all = execFileSync('tshark', ['-r', pcap, '-V'], { encoding: 'utf8' });
      assert.ok(!/Malformed|\[Expert Info \(Error/.test(all), 'no malformed packet');
      const n = execFileSync('tshark', ['-r', pcap], { encoding: 'utf8' }).trim().split('\n').length;
      const bad = execFileSync('tshark', ['-r', pcap, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
        '-Y', '_ws.malformed || _ws.expert.severity == error || ip.checksum.status==0 || tcp.checksum.status==0 || udp.checksum.status==0 || icmp.checksum.status==0'], { encoding: 'utf8' });
      assert.ok(n >= 8, `${n} packets`);
      assert.equal(bad.trim(), '', 'no malformed packets or bad checksums');
    } else {
      console.log('# tshark is not installed: the pcap is not checked with it');
    }
    const jsonl = readFileSync(await downloadOf(page, `${el} tp-export button.dl-jsonl`, tmp), 'utf8');
    assert.equal(sha(jsonl), sha(st.jsonl));
    const text = readFileSync(await downloadOf(page, `${el} tp-export button.dl-text`, tmp), 'utf8');
    assert.equal(text, st.text);
    assert.match(text, /Flags \[S\.\]/);
    const scenario = readFileSync(await downloadOf(page, `${el} tp-export button.dl-scenario`, tmp), 'utf8');
    assert.equal(JSON.parse(scenario).title, 'The 3-way handshake and the 4-way teardown');

    mkdirSync(artifacts, { recursive: true });
    for (const range of ['visible', 'whole']) {
      await page.locator(`${el} tp-export input[value=${range}]`).check();
      const svgPath = await downloadOf(page, `${el} tp-export button.dl-svg`, tmp);
      assert.match(svgPath, new RegExp(`handshake-ladder-${range}\\.svg$`));
      const svg = readFileSync(svgPath, 'utf8');
      const parsed = await page.evaluate((s) => {
        const d = new DOMParser().parseFromString(s, 'image/svg+xml');
        return {
          error: d.querySelector('parsererror')?.textContent ?? '',
          root: d.documentElement.localName,
          texts: [...d.querySelectorAll('text')].map((t) => t.textContent),
          width: Number(d.documentElement.getAttribute('width')),
          height: Number(d.documentElement.getAttribute('height')),
        };
      }, svg);
      assert.equal(parsed.error, '', 'the SVG parses');
      assert.equal(parsed.root, 'svg');
      const labels = parsed.texts.join('\n');
      const want = range === 'whole' ? ['[S]', '[S.]', '[P.]', '[F.]', 'client', 'server', 'ESTABLISHED', 'TIME_WAIT'] : ['client', 'server', '[F.]'];
      for (const label of want) assert.ok(labels.includes(label), `${range}: the SVG holds ${label}`);
      copyFileSync(svgPath, join(artifacts, `export-ladder-${range}.svg`));
      // Rendered by Chromium, to look at.
      const view = await browser.context.newPage();
      await view.setViewportSize({ width: Math.min(1600, parsed.width), height: Math.min(4000, parsed.height) });
      await view.goto(pathToFileURL(svgPath).href);
      await view.screenshot({ path: join(artifacts, `export-ladder-${range}-svg.png`) });
      await view.close();

      const pngPath = await downloadOf(page, `${el} tp-export button.dl-png`, tmp);
      const png = readFileSync(pngPath);
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      const w = png.readUInt32BE(16);
      const h = png.readUInt32BE(20);
      assert.ok(w >= 640 && h >= 200, `${range}: ${w}x${h}`);
      copyFileSync(pngPath, join(artifacts, `export-ladder-${range}.png`));
    }
    assert.match(await page.locator(`${el} tp-export .status`).textContent(), /Downloaded handshake-ladder-whole\.png/);
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('Export: the whole run of a long lesson (lesson 18, 63,000 packets) stays a bounded SVG and PNG', async () => {
    const { page, problems } = await openPlayground(browser.context, `${server.url}/#lesson=congestion-control&t=30s`);
    await settle(page, 120000);
    assert.equal((await runState(page)).now, 30e9);
    await page.locator(`${el} tp-export button.export`).click();
    await page.locator(`${el} tp-export input[value=whole]`).check();
    const started = Date.now();
    const svgPath = await downloadOf(page, `${el} tp-export button.dl-svg`, tmp);
    const ms = Date.now() - started;
    const svg = readFileSync(svgPath, 'utf8');
    const info = await page.evaluate((s) => {
      const d = new DOMParser().parseFromString(s, 'image/svg+xml');
      return {
        error: d.querySelector('parsererror')?.textContent ?? '',
        height: Number(d.documentElement.getAttribute('height')),
        elements: d.documentElement.childElementCount,
        segments: [...d.querySelectorAll('path')].reduce((n, p) => n + (p.getAttribute('d').match(/M/g)?.length ?? 0), 0),
      };
    }, svg);
    console.log(`# lesson 18 whole-run SVG: ${(svg.length / 1e6).toFixed(2)} MB, ${info.elements} elements, ${info.segments} path segments, ${info.height} px high, ${ms} ms`);
    assert.equal(info.error, '');
    assert.ok(info.height <= 12000, `${info.height} px`);
    assert.ok(svg.length < 8e6, `${svg.length} bytes`);
    assert.ok(info.segments < 100000, `${info.segments} path segments`);
    const pngPath = await downloadOf(page, `${el} tp-export button.dl-png`, tmp);
    const png = readFileSync(pngPath);
    assert.ok(png.readUInt32BE(20) <= 12000 * 2);
    copyFileSync(pngPath, join(artifacts, 'export-ladder-lesson18-whole.png'));
    assert.deepEqual(await allProblems(page, problems), []);
    await page.close();
  });

  test('Share from disk: the dialog says the link works only on this machine; a long link gets a warning and a file', async () => {
    const { page } = await openPlayground(browser.context, fileUrl);
    // Many notes with varied text make a link longer than 8,000 characters.
    await page.evaluate(() => {
      const c = document.querySelector('tcp-playground').controller;
      c.act((pg) => {
        for (let i = 0; i < 700; ++i) pg.note(`note ${i} ${(i * 2654435761 % 4294967296).toString(36)} ${(i * 40503 % 65536).toString(16)}`);
      });
    });
    const link = await shareLink(page);
    assert.ok(link.startsWith('file://'), link);
    await page.locator(`${el} tp-share .file-only`).waitFor();
    assert.match(await page.locator(`${el} tp-share .file-only`).textContent(), /works only here/);
    assert.ok(link.length > 8000, `${link.length}`);
    assert.match(await page.locator(`${el} tp-share .warning`).textContent(), /characters long/);
    await screenshot(page, 'share-long-link-file.png');
    const saved = await downloadOf(page, `${el} tp-share button.save`, tmp);
    assert.match(readFileSync(saved, 'utf8'), /note 699/);
    await page.close();
  });
});
