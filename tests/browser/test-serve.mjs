// Browser and HTTP tests of `loganalyze serve` and `--open` (run by run.sh).
//
//   node test-serve.mjs SERVE-DRIVER ARTIFACT-DIR
//
// Starts the server on a free loopback port with a small upload cap, then:
// raw HTTP checks with node:http (Host check, token, Origin, caps, 503 when
// busy, headers), the page in chromium (drop with a real DataTransfer, the
// file picker, progress, errors, the explain field, no CSP violations, no
// script from log text), temp-file cleanup on SIGINT/SIGTERM, and the
// desktop opener with a stand-in xdg-open.  Prints TAP; exits 1 on failure.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const driver = process.argv[2];
const artifacts = process.argv[3];
const cli = process.argv[4] || '';   // the loganalyze executable, for the CLI smoke test
const sourceRoot = process.env.LA_SOURCE_ROOT ||
    path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const sample = path.join(sourceRoot, 'samples', 'two-attempts-cables.zip');
const MAX_UPLOAD = 65536;

let failures = 0, count = 0;
function ok(cond, name, detail) {
    count++;
    if (cond) {
        console.log(`ok ${count} - ${name}`);
    } else {
        failures++;
        console.log(`not ok ${count} - ${name}`);
        if (detail !== undefined)
            console.log('  # ' + String(detail).split('\n').join('\n  # '));
    }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn, ms, what) {
    const end = Date.now() + ms;
    for (;;) {
        const v = await fn();
        if (v)
            return v;
        if (Date.now() > end)
            throw new Error('timed out waiting for ' + what);
        await sleep(50);
    }
}

// A private TMPDIR, so the test can see every temp file the server makes.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'la-browser-'));
const tmp = path.join(work, 'tmp');
fs.mkdirSync(tmp);

function fakeOpener() {
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'xdg-open'),
                     `#!/bin/sh\nprintf '%s\\n' "$@" > '${path.join(work, 'opened')}'\n`,
                     { mode: 0o755 });
    return bin;
}

function startServer(extra, env = {}) {
    const portFile = path.join(work, 'port-' + Math.random().toString(16).slice(2));
    const child = spawn(driver, ['serve', '--listen', '127.0.0.1:0', '--port-file', portFile,
                                 ...extra], {
        env: { ...process.env, TMPDIR: tmp, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    const srv = { child, out: '', err: '', exited: null };
    child.stdout.on('data', (d) => { srv.out += d; });
    child.stderr.on('data', (d) => { srv.err += d; });
    srv.exit = new Promise((resolve) => child.on('exit', (code, sig) => {
        srv.exited = { code, sig };
        resolve(srv.exited);
    }));
    srv.ready = waitFor(() => {
        if (srv.exited)
            throw new Error('server exited early: ' + srv.err);
        try {
            return fs.readFileSync(portFile, 'utf8').trim() || null;
        } catch {
            return null;
        }
    }, 20000, 'the port file').then((hp) => {
        srv.hostport = hp;
        srv.port = Number(hp.split(':').pop());
        srv.url = `http://${hp}/`;
        return srv;
    });
    return srv;
}

async function stopServer(srv, signal) {
    if (!srv.exited)
        srv.child.kill(signal);
    const t = setTimeout(() => srv.child.kill('SIGKILL'), 15000);
    const r = await srv.exit;
    clearTimeout(t);
    return r;
}

// One HTTP request with full control over the headers; resolves with
// {status, headers, body} or {error} when the connection fails.
function request(srv, { method = 'GET', pathName = '/', headers = {}, body = null,
                        hold = false } = {}) {
    return new Promise((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: srv.port, method, path: pathName,
                                   headers, setHost: false, agent: false });
        req.on('response', (res) => {
            let data = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { data += d; });
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                          body: data, req }));
        });
        req.on('error', (e) => resolve({ error: e.code || String(e), req }));
        if (body)
            req.write(body);
        if (hold) {
            // Leave the body unfinished: the upload stays open.
            resolve({ held: true, req });
            return;
        }
        req.end();
    });
}

function multipart(files) {
    const boundary = '----la' + Math.random().toString(16).slice(2);
    const parts = [];
    for (const f of files) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
                               `filename="${f.name}"\r\nContent-Type: application/octet-stream` +
                               `\r\n\r\n`));
        parts.push(f.data);
        parts.push(Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

function uploadDirs() {
    const roots = fs.readdirSync(tmp).filter((n) => n.startsWith('loganalyze-serve-'));
    const dirs = [];
    for (const r of roots)
        for (const n of fs.readdirSync(path.join(tmp, r)))
            if (n !== '.lock')         // the run's lock file (a killed run's root is stale)
                dirs.push(path.join(r, n));
    return { roots, dirs };
}

// ------------------------------------------------------------------ HTTP

async function httpTests(srv) {
    const host = srv.hostport;
    const good = { Host: host };

    let r = await request(srv, { headers: good });
    ok(r.status === 200, 'GET / answers 200', r.status ?? r.error);
    const csp = r.headers?.['content-security-policy'] || '';
    ok(/default-src 'none'/.test(csp) && /script-src 'self'/.test(csp) &&
       !/unsafe-inline|unsafe-eval|\*/.test(csp) && /frame-ancestors 'none'/.test(csp),
       'the page has a strict Content-Security-Policy', csp);
    ok(r.headers?.['x-content-type-options'] === 'nosniff', 'X-Content-Type-Options: nosniff');
    const m = /name="la-token" content="([0-9a-f]{64})"/.exec(r.body || '');
    ok(m, 'the page embeds a 256-bit token');
    const token = m ? m[1] : 'none';

    r = await request(srv, { headers: { Host: `evil.example:${srv.port}` } });
    ok(r.status === 421 || r.status === 403, 'a wrong Host header is refused (DNS rebinding)',
       r.status ?? r.error);
    r = await request(srv, { headers: { Host: `127.0.0.1:${srv.port + 1}` } });
    ok(r.status === 421 || r.status === 403, 'a Host header with another port is refused',
       r.status ?? r.error);
    r = await request(srv, { headers: {} });
    ok(r.status === 421 || r.status === 403 || r.status === 400,
       'a request without Host is refused', r.status ?? r.error);
    r = await request(srv, { headers: { Host: `localhost:${srv.port}` } });
    ok(r.status === 200, 'localhost:PORT is accepted on loopback', r.status ?? r.error);

    const mp = multipart([{ name: 'two-attempts-cables.zip', data: fs.readFileSync(sample) }]);
    const upHeaders = (extra) => ({ ...good, 'Content-Type': mp.type,
                                    'Content-Length': mp.body.length, ...extra });
    r = await request(srv, { method: 'POST', pathName: '/analyze', headers: upHeaders({}),
                             body: mp.body });
    ok(r.status === 403, 'an upload without the token is refused', r.status ?? r.error);
    r = await request(srv, { method: 'POST', pathName: '/analyze',
                             headers: upHeaders({ 'X-LA-Token': 'f'.repeat(64) }), body: mp.body });
    ok(r.status === 403, 'an upload with a wrong token is refused', r.status ?? r.error);
    r = await request(srv, { method: 'POST', pathName: '/analyze',
                             headers: upHeaders({ 'X-LA-Token': token,
                                                  Host: `evil.example:${srv.port}` }),
                             body: mp.body });
    ok(r.status === 421 || r.status === 403, 'an upload with the token but a wrong Host is refused',
       r.status ?? r.error);
    r = await request(srv, { method: 'POST', pathName: '/analyze',
                             headers: upHeaders({ 'X-LA-Token': token,
                                                  Origin: 'http://evil.example' }),
                             body: mp.body });
    ok(r.status === 403, 'an upload from a foreign Origin is refused', r.status ?? r.error);
    r = await request(srv, { method: 'GET', pathName: '/analyze', headers: good });
    ok(r.status === 405, 'GET /analyze is 405', r.status ?? r.error);

    r = await request(srv, { method: 'POST', pathName: '/analyze',
                             headers: upHeaders({ 'X-LA-Token': token }), body: mp.body });
    let j = {};
    try { j = JSON.parse(r.body); } catch { /* checked below */ }
    ok(r.status === 200 && j.ok && /^\/report\/[0-9a-f]{32}$/.test(j.report),
       'an upload with the token is analysed', r.body);
    ok(typeof j.html === 'string' && j.html.startsWith('<div class="la-report">') &&
       j.html.includes('Failed while updating the modem (baseband)') &&
       !/<script|<iframe|<link|\sstyle=|\son[a-z]+=|https?:/i.test(j.html),
       'the answer carries the report as a fragment: no script, style attribute or URL',
       (j.html || '').slice(0, 300));
    ok((j.headlines || []).some((h) => h.startsWith('FAILED 4013')),
       'the verdict is FAILED 4013', JSON.stringify(j.headlines));
    if (j.report) {
        const rep = await request(srv, { pathName: j.report, headers: good });
        ok(rep.status === 200 && rep.body.includes('Fail to ping baseband') &&
           rep.body.includes('two-attempts-cables.zip'), 'the stored report is served', rep.status);
        ok(!rep.body.includes(tmp) && !rep.body.includes('loganalyze-serve-'),
           'the report shows the uploaded name, not the temp path');
        const rcsp = rep.headers['content-security-policy'] || '';
        ok(/sandbox/.test(rcsp) && !/script-src/.test(rcsp) && /frame-ancestors 'self'/.test(rcsp),
           'the report has its own sandboxing CSP', rcsp);
    }
    // An empty part first, then the archive: two inputs, the second one still diagnosed.
    const two = multipart([{ name: 'empty.log', data: Buffer.alloc(0) },
                           { name: 'two-attempts-cables.zip', data: fs.readFileSync(sample) }]);
    r = await request(srv, { method: 'POST', pathName: '/analyze', body: two.body,
                             headers: { ...good, 'X-LA-Token': token, 'Content-Type': two.type,
                                        'Content-Length': two.body.length } });
    try { j = JSON.parse(r.body); } catch { j = {}; }
    ok(r.status === 200 && (j.headlines || []).length === 2 &&
       j.headlines[1].startsWith('two-attempts-cables.zip: FAILED 4013'),
       'an empty file and an archive in one upload are two inputs', r.body);
    r = await request(srv, { pathName: '/report/' + '0'.repeat(32), headers: good });
    ok(r.status === 404, 'an unknown report id is 404', r.status);

    // Oversized: declared too large → refused before the body is read.
    r = await request(srv, { method: 'POST', pathName: '/analyze',
                             headers: { ...good, 'X-LA-Token': token, 'Content-Type': mp.type,
                                        'Content-Length': String(64 << 20) },
                             body: Buffer.alloc(1024) });
    ok(r.status === 413 || r.error === 'ECONNRESET' || r.error === 'EPIPE',
       'a declared oversized upload is refused (413)', r.status ?? r.error);
    // Oversized in fact: within the multipart slack, so the body is read and dropped.
    const big = multipart([{ name: 'big.log', data: Buffer.alloc(MAX_UPLOAD + 1, 'a') }]);
    r = await request(srv, { method: 'POST', pathName: '/analyze',
                             headers: { ...good, 'X-LA-Token': token, 'Content-Type': big.type,
                                        'Content-Length': big.body.length },
                             body: big.body });
    ok(r.status === 413 && /too large/.test(r.body), 'an oversized upload is 413 with a message',
       r.status ?? r.error);

    // Busy: uploads being received reserve their declared size from the temp budget (4 ×
    // (max upload + 1 MiB of multipart slack)); four held at the most they may declare fill
    // it, so a fifth is 503; freed when they go away.
    // The uploads above must have let go of their reservations first (slow on a loaded machine).
    await waitFor(() => uploadDirs().dirs.length === 0, 5000, 'earlier uploads done')
        .catch(() => 0);
    const held = [];
    for (let i = 0; i < 4; i++) {
        held.push(await request(srv, { method: 'POST', pathName: '/analyze', hold: true,
                                       headers: upHeaders({ 'X-LA-Token': token,
                                                            'Content-Length':
                                                                String(MAX_UPLOAD + (1 << 20)) }),
                                       body: mp.body.subarray(0, 200) }));
    }
    await waitFor(() => uploadDirs().dirs.length >= 4, 5000, 'four upload dirs').catch(() => 0);
    const during = uploadDirs().dirs.length;
    r = await request(srv, { method: 'POST', pathName: '/analyze',
                             headers: upHeaders({ 'X-LA-Token': token }), body: mp.body });
    ok(r.status === 503 && /busy/.test(r.body),
       'an upload past the temp budget is 503 (busy)', r.status ?? r.error);
    ok(during === 4, 'each open upload has its own private dir', during);
    const modes = uploadDirs().dirs.map((d) => fs.statSync(path.join(tmp, d)).mode & 0o777);
    ok(modes.every((mo) => mo === 0o700), 'upload dirs are mode 0700',
       modes.map((x) => x.toString(8)));
    const files = [];
    for (const d of uploadDirs().dirs)
        for (const f of fs.readdirSync(path.join(tmp, d), { recursive: true }))
            if (fs.statSync(path.join(tmp, d, f)).isFile())
                files.push(fs.statSync(path.join(tmp, d, f)).mode & 0o777);
    ok(files.length >= 1 && files.every((mo) => mo === 0o600), 'uploaded files are mode 0600',
       files.map((x) => x.toString(8)));
    for (const h of held)
        h.req.destroy();
    await waitFor(() => uploadDirs().dirs.length === 0, 5000, 'upload dirs removed')
        .catch(() => 0);
    ok(uploadDirs().dirs.length === 0, 'aborted uploads leave no temp files',
       uploadDirs().dirs.join(' '));
    r = await request(srv, { method: 'POST', pathName: '/analyze',
                             headers: upHeaders({ 'X-LA-Token': token }), body: mp.body });
    ok(r.status === 200, 'after the aborted uploads the next one works', r.status ?? r.error);

    r = await request(srv, { pathName: '/report.css', headers: good });
    ok(r.status === 200 && /^text\/css/.test(r.headers['content-type'] || '') &&
       r.body.includes('.la-report') && !/^(body|h2|table)\{/m.test(r.body),
       'GET /report.css: the report rules, all scoped under .la-report', r.status);
    r = await request(srv, { pathName: '/explain?code=4013', headers: good });
    ok(r.status === 200 && r.body.includes('Error 4013'), 'GET /explain?code=4013', r.status);
    ok(/^<h2>Error 4013<\/h2><p class="plain">Error 4013: [^<]+most often: USB connection/
           .test(r.body) && /<ol class="try"><li>Update the computer\.<\/li>/.test(r.body) &&
       /<details class="more"><summary>What it means/.test(r.body),
       'explain opens with a plain sentence and the cheapest steps, the sources folded',
       r.body.slice(0, 400));
    r = await request(srv, { pathName: '/explain?code=%3Cscript%3Ealert(document.cookie)%3C/script%3E',
                             headers: good });
    ok(r.status === 200 && !r.body.includes('<script') && r.body.includes('&lt;script'),
       'the explain fragment escapes the query', r.body);
    r = await request(srv, { pathName: '/nope', headers: good });
    ok(r.status === 404, 'unknown paths are 404', r.status);
    return token;
}

// ------------------------------------------------------------------ browser

async function dropFiles(page, files) {
    const payload = files.map((f) => ({ name: f.name, b64: f.data.toString('base64') }));
    await page.evaluate((list) => {
        const dt = new DataTransfer();
        for (const f of list) {
            const bin = atob(f.b64);
            const bytes = new Uint8Array(bin.length);
            for (let i = 0; i < bin.length; i++)
                bytes[i] = bin.charCodeAt(i);
            dt.items.add(new File([bytes], f.name));
        }
        const zone = document.getElementById('drop');
        for (const type of ['dragenter', 'dragover', 'drop'])
            zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true,
                                                     cancelable: true }));
    }, payload);
}

// Wait for the next answer: the report shown anew in the page (its link changes), or an error.
async function waitResult(page, previous) {
    await page.waitForFunction((prev) => {
        const res = document.getElementById('result');
        const err = document.getElementById('error');
        const link = document.getElementById('download').getAttribute('href');
        const fresh = link && link !== '#' && link !== prev;
        return document.getElementById('status').hidden &&
               ((!res.hidden && fresh) || !err.hidden);
    }, previous, { timeout: 60000 });
    return page.$eval('#download', (a) => a.getAttribute('href'));
}

const HEADLINE = 'Failed while updating the modem (baseband)';

async function checkReport(page, what) {
    const h = await page.textContent('#report .verdict .headline').catch((e) => String(e));
    ok(h === HEADLINE, `${what}: the page shows the verdict in plain words`, h);
    const frames = await page.$$('iframe');
    ok(frames.length === 0, `${what}: the report is in the page itself, not in a frame`);
    const cause = await page.textContent('#report ol.causes > li').catch((e) => String(e));
    ok(/baseband/i.test(cause), `${what}: the top cause is baseband`, cause.slice(0, 300));
    const ev = await page.getByText('Fail to ping baseband').count().catch(() => 0);
    ok(ev > 0, `${what}: an evidence line appears`);
}

/*
 * The result view at one width: nothing scrolls sideways, the verdict is said once, the
 * timeline is there and labelled, evidence is folded; a screenshot of the page.
 */
async function checkLayout(page, what, shot) {
    const m = await page.evaluate((headline) => {
        const body = document.body.innerText;
        const svg = document.querySelector('.la-report svg.timeline');
        const texts = svg ? [...svg.querySelectorAll('text')].map((t) => t.textContent) : [];
        const wide = [...document.querySelectorAll('body *')].filter((e) => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && r.right > innerWidth + 1 && !e.closest('pre');
        }).map((e) => e.tagName + '.' + e.className).slice(0, 5);
        return {
            scroll: document.scrollingElement.scrollWidth, inner: innerWidth, wide,
            once: body.split(headline).length - 1,
            svg: !!svg, label: svg && svg.getAttribute('aria-label'),
            title: svg && svg.querySelector('title') && svg.querySelector('title').textContent,
            segments: svg ? svg.querySelectorAll('g > title').length : 0,
            modem: texts.includes('\u2717 Modem'), starting: texts.includes('Starting'),
            dashed: svg ? svg.querySelectorAll('rect[stroke-dasharray]').length : 0,
            evidence: [...document.querySelectorAll('.la-report details')]
                .filter((d) => /^Evidence/.test(d.querySelector('summary').textContent)),
            evidenceOpen: [...document.querySelectorAll('.la-report details')]
                .filter((d) => /^Evidence/.test(d.querySelector('summary').textContent) &&
                               d.open).length,
            preScroll: [...document.querySelectorAll('.la-report pre')]
                .every((p) => getComputedStyle(p).overflowX === 'auto'),
            evidenceCount: [...document.querySelectorAll('.la-report details > summary')]
                .filter((s) => /^Evidence/.test(s.textContent)).length,
        };
    }, HEADLINE);
    ok(m.scroll <= m.inner, `${what}: nothing scrolls sideways (${m.scroll} <= ${m.inner})`,
       JSON.stringify(m.wide));
    ok(m.once === 1, `${what}: the verdict is said exactly once`, m.once);
    ok(m.svg && /^Timeline of 2 restore attempts$/.test(m.label) && /Timeline/.test(m.title),
       `${what}: the timeline SVG is there, with a title and an aria-label`, m.label);
    ok(m.segments >= 4 && m.modem && m.starting && m.dashed === 2,
       `${what}: its stages are labelled segments, the failing ones marked ✗ and dashed`,
       JSON.stringify({ segments: m.segments, modem: m.modem, dashed: m.dashed }));
    ok(m.evidenceCount >= 2 && m.evidenceOpen === 0, `${what}: evidence is folded`,
       JSON.stringify({ n: m.evidenceCount, open: m.evidenceOpen }));
    ok(m.preScroll, `${what}: log lines scroll inside their own box`);
    await page.screenshot({ path: path.join(artifacts, shot + '.png'), fullPage: true });
    await page.evaluate(() => document.querySelector('.la-report').scrollIntoView());
    await page.screenshot({ path: path.join(artifacts, shot + '-top.png') });
}

async function browserTests(srv) {
    const browser = await chromium.launch({
        executablePath: process.env.LA_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems = [];
        let dialogs = 0;
        page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
        page.on('console', (msg) => {
            if (msg.type() === 'error')
                problems.push('console: ' + msg.text());
        });
        page.on('dialog', (d) => { dialogs++; d.dismiss(); });
        await page.addInitScript(() => {
            window.__csp = [];
            document.addEventListener('securitypolicyviolation',
                                      (e) => window.__csp.push(e.violatedDirective + ' ' +
                                                               e.blockedURI));
            window.__status = [];
            new MutationObserver(() => {
                const t = document.getElementById('status-text');
                if (t && t.textContent && window.__status.at(-1) !== t.textContent)
                    window.__status.push(t.textContent);
            }).observe(document, { subtree: true, childList: true, characterData: true });
        });
        await page.goto(srv.url);
        ok(/loganalyze/.test(await page.title()), 'the page loads in chromium');

        // The explain field.
        await page.fill('#code', '4013');
        await page.click('#explain-button');
        await page.waitForSelector('#explain:not([hidden])', { timeout: 10000 });
        const ex = await page.textContent('#explain');
        ok(/Error 4013/.test(ex) && /disconnect/i.test(ex),
           'the explain field shows what 4013 means', ex.slice(0, 200));
        // The alert pasted whole reads as the number it shows.
        await page.fill('#code', 'Could not connect to this iPhone. An unknown error occurred (0xe8000013).');
        await page.click('#explain-button');
        await page.waitForFunction(() => /0xe8000013/.test(document.getElementById('explain').textContent),
                                   null, { timeout: 10000 });
        const ex2 = await page.textContent('#explain');
        ok(/MobileDevice 0xe8000013/.test(ex2) && /kAMDInvalidResponseError/.test(ex2),
           'a pasted alert explains the code it shows', ex2.slice(0, 200));

        // Drop the sample on the drop zone.
        const zip = { name: 'two-attempts-cables.zip', data: fs.readFileSync(sample) };
        await dropFiles(page, [zip]);
        let src = await waitResult(page, null);
        await checkReport(page, 'drop');
        await checkLayout(page, 'serve page at 1280 px', 'serve-1280');
        const seen = await page.evaluate(() => window.__status);
        ok(seen.some((s) => s.startsWith('Uploading')) &&
           seen.some((s) => s.startsWith('Analysing')),
           'progress shows uploading then analysing', JSON.stringify(seen));
        await page.screenshot({ path: path.join(artifacts, 'serve-report.png'), fullPage: false });

        // Oversized: an error in the page, and the next upload still works.
        await dropFiles(page, [{ name: 'huge.log', data: Buffer.alloc(MAX_UPLOAD + 4096, 'x') }]);
        await page.waitForSelector('#error:not([hidden])', { timeout: 30000 });
        const err = await page.textContent('#error');
        ok(/too large/.test(err), 'an oversized upload shows an error in the page', err);
        await page.screenshot({ path: path.join(artifacts, 'serve-error.png') });
        // Far larger than the cap: refused before the body is read.
        await dropFiles(page, [{ name: 'huger.log', data: Buffer.alloc(3 << 20, 'y') }]);
        await page.waitForFunction(() => document.getElementById('status').hidden &&
                                   !document.getElementById('error').hidden, null,
                                   { timeout: 30000 });
        const err3 = await page.textContent('#error');
        console.log('# far oversized: ' + err3);
        ok(/too large|larger than the limit/.test(err3),
           'a far oversized upload shows an error in the page', err3);

        // Pick the sample with the file input.
        await page.setInputFiles('#pick', sample);
        src = await waitResult(page, src);
        const errHidden = await page.$eval('#error', (e) => e.hidden);
        ok(errHidden, 'the error goes away after a good upload');
        await checkReport(page, 'file picker');

        // Not a restore log, and a damaged archive: errors in the page, report still shown.
        await dropFiles(page, [{ name: 'notes.txt', data: Buffer.from('hello\nworld\n') }]);
        src = await waitResult(page, src);
        const e1 = await page.textContent('#error');
        ok(/No restore found in notes\.txt/.test(e1), 'no restore found shows in the page', e1);
        await dropFiles(page, [{ name: 'broken.zip', data: Buffer.from('PK\x03\x04garbage') }]);
        src = await waitResult(page, src);
        const e2 = await page.textContent('#error');
        ok(/broken\.zip/.test(e2) && /damaged|could not be read/.test(e2),
           'a damaged archive shows in the page', e2);

        // Log text and file names that look like markup stay text.
        const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>';
        await dropFiles(page, [{ name: '<img src=x onerror=alert(3)>.log',
                                 data: Buffer.from(`ERROR: ${evil}\nAMRestore failed ${evil}\n`) },
                               zip]);
        src = await waitResult(page, src);
        await sleep(500);
        ok(dialogs === 0, 'no script from log text or file names runs', dialogs);
        const v = await page.textContent('#report .summary');
        ok(v.includes('_img src=x onerror=alert(3)_.log') &&
           (await page.$$('#report img')).length === 0,
           'a markup file name is shown defused, as text', v.slice(0, 300));
        const heads = await page.$$eval('#report .verdict .headline', (hs) =>
            hs.map((h) => h.textContent));
        ok(heads.length === 2 && heads[1] === HEADLINE, 'two files: a verdict for each, in words',
           JSON.stringify(heads));

        const csp = await page.evaluate(() => window.__csp);
        ok(csp.length === 0, 'no Content-Security-Policy violations', csp.join('\n'));
        ok(problems.filter((p) => !/status of 413/.test(p)).length === 0,
           'no script errors in the page', problems.join('\n'));

        // The screenshot of the normal case: explain shown, a report below.
        await page.fill('#code', '4013');
        await page.click('#explain-button');
        await dropFiles(page, [zip]);
        src = await waitResult(page, src);
        await checkReport(page, 'after explain');
        await page.screenshot({ path: path.join(artifacts, 'serve-result.png') });
        await page.screenshot({ path: path.join(artifacts, 'serve-page.png'), fullPage: true });
        ok(fs.statSync(path.join(artifacts, 'serve-page.png')).size > 10000,
           'screenshot saved to tests/browser/artifacts/serve-page.png');

        // The same report as its own page (the "Save the report" link), at 1280 px.
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(new URL(src, srv.url).href);
        await checkLayout(page, 'HTML report at 1280 px', 'report-1280');
        await page.close();

        // A phone, 390 px wide: the page after an upload, then the report on its own.
        const phone = await browser.newContext({
            viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true,
            userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) ' +
                       'AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148',
        });
        const p2 = await phone.newPage();
        await p2.goto(srv.url);
        const first = await p2.$eval('#logs details.host', (d) => [d.dataset.host, d.open]);
        ok(first[0] === 'device' && first[1], 'Where are my logs? on a phone: the device first',
           JSON.stringify(first));
        await p2.setInputFiles('#pick', sample);
        const p2src = await waitResult(p2, null);
        await checkReport(p2, 'phone');
        await checkLayout(p2, 'serve page at 390 px', 'serve-390');
        await p2.goto(new URL(p2src, srv.url).href);
        await checkLayout(p2, 'HTML report at 390 px', 'report-390');
        await phone.close();
        await logsPanel(browser, srv);
    } finally {
        await browser.close();
    }
}

// The "Where are my logs?" panel: the same places as `loganalyze logs`, the visitor's
// system (from the User-Agent) open and first, the others folded below it.
async function logsPanel(browser, srv) {
    const agents = {
        windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like ' +
                 'Gecko) Chrome/126.0 Safari/537.36',
        macos: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like ' +
               'Gecko) Version/17.5 Safari/605.1.15',
        linux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
               'Chrome/126.0 Safari/537.36',
    };
    const logs = cli ? spawnSync(cli, ['logs', '--format', 'json'], { encoding: 'utf8' }) : null;
    let places = [];
    try { places = JSON.parse(logs.stdout).places; } catch { /* checked below */ }
    for (const [host, ua] of Object.entries(agents)) {
        const ctx = await browser.newContext({ userAgent: ua, viewport: { width: 1280,
                                                                          height: 900 } });
        const p = await ctx.newPage();
        await p.goto(srv.url);
        const s = await p.$$eval('#logs details.host', (ds) => ds.map((d) => ({
            host: d.dataset.host, open: d.open,
            where: [...d.querySelectorAll('code.where')].map((c) => c.textContent) })));
        ok(s.length === 4 && s[0].host === host && s[0].open && s.slice(1).every((d) => !d.open),
           `Where are my logs? for ${host}: it comes first and open, the others folded`,
           JSON.stringify(s.map((d) => [d.host, d.open])));
        const want = places.filter((pl) => pl.host === host).map((pl) => pl.where);
        ok(want.length > 0 && JSON.stringify(s[0].where) === JSON.stringify(want),
           `Where are my logs? for ${host}: the same places as \`loganalyze logs\``,
           JSON.stringify({ got: s[0].where, want }));
        if (host === 'windows')
            await p.screenshot({ path: path.join(artifacts, 'serve-logs-windows.png'),
                                 fullPage: true });
        await ctx.close();
    }
}

// ------------------------------------------------------------------ opener

function openerTests() {
    const bin = fakeOpener();
    const record = path.join(work, 'opened');
    fs.rmSync(record, { force: true });
    const r = spawnSync(driver, ['open', sample], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, TMPDIR: work },
        encoding: 'utf8', timeout: 60000,
    });
    ok(r.status === 0, '--open: exit 0', `${r.status} ${r.stderr}`);
    const m = /report written to (\S+\.html)/.exec(r.stdout || '');
    ok(m, '--open: prints the report path', r.stdout);
    let opened = '';
    try { opened = fs.readFileSync(record, 'utf8').trim(); } catch { /* checked below */ }
    ok(m && opened === m[1], '--open: xdg-open gets the report file (no shell)', opened);
    if (m && fs.existsSync(m[1])) {
        const st = fs.statSync(m[1]);
        ok((st.mode & 0o777) === 0o600, '--open: the report file is mode 0600',
           (st.mode & 0o777).toString(8));
        ok(fs.readFileSync(m[1], 'utf8').includes(HEADLINE),
           '--open: the report is the diagnosis');
    } else {
        ok(false, '--open: the report file exists', m && m[1]);
    }
    const r2 = spawnSync(driver, ['open', sample], {
        env: { ...process.env, PATH: '/nonexistent', TMPDIR: work }, encoding: 'utf8',
        timeout: 60000,
    });
    ok(r2.status === 2 && /cannot start/.test(r2.stderr),
       '--open without an opener: exit 2 and says why', `${r2.status} ${r2.stderr}`);
}

// ------------------------------------------------------------------ main

async function main() {
    console.log(`# driver ${driver}`);
    const srv = await startServer(['--max-upload', String(MAX_UPLOAD), '--max-concurrent', '2',
                                   '--timeout', '60']).ready;
    const said = await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+\//.test(srv.out),
                               5000, 'the listening line').catch(() => false);
    ok(said && srv.out.includes(srv.url), 'prints where it listens', srv.out);
    try {
        await httpTests(srv);
        await browserTests(srv);
    } finally {
        const ex = await stopServer(srv, 'SIGTERM');
        ok(ex.code === 0, 'SIGTERM stops the server with exit 0', JSON.stringify(ex) + srv.err);
        ok(!/runtime error|AddressSanitizer|LeakSanitizer/.test(srv.err),
           'no sanitizer reports from the server', srv.err);
    }
    ok(uploadDirs().roots.length === 0, 'no temp files are left after SIGTERM',
       uploadDirs().roots.join(' '));

    // Ctrl-C in the middle of an upload removes its temp files too.  This server
    // also runs with --open (a stand-in xdg-open records the URL) and a 3 s timeout.
    const bin = fakeOpener();
    const s2 = await startServer(['--max-upload', String(MAX_UPLOAD), '--open', '--timeout', '3'],
                                 { PATH: `${bin}:${process.env.PATH}` }).ready;
    const readOpened = () => {
        try {
            return fs.readFileSync(path.join(work, 'opened'), 'utf8').trim();
        } catch {
            return null;
        }
    };
    const opened = await waitFor(readOpened, 10000, 'the opener').catch(() => '');
    ok(opened === s2.url, 'serve --open opens the page with xdg-open', opened);
    const page = await request(s2, { headers: { Host: s2.hostport } });
    const token = /name="la-token" content="([0-9a-f]+)"/.exec(page.body)[1];
    const idle = await request(s2, { method: 'POST', pathName: '/analyze', hold: true,
                                     headers: { Host: s2.hostport, 'X-LA-Token': token,
                                                'Content-Type': 'multipart/form-data; boundary=b',
                                                'Content-Length': 100 } });
    const idleEnd = await new Promise((resolve) => {
        const t0 = Date.now();
        idle.req.on('response', (res) => resolve(`answered ${res.statusCode}`));
        idle.req.on('close', () => resolve(`closed after ${Date.now() - t0} ms`));
        setTimeout(() => resolve('still open after 10 s'), 10000);
    });
    ok(/^closed/.test(idleEnd), 'a stalled upload is cut off after the request timeout', idleEnd);
    await waitFor(() => uploadDirs().dirs.length === 0, 5000, 'cleanup').catch(() => 0);
    ok(uploadDirs().dirs.length === 0, 'the stalled upload left no temp files');
    const mp = multipart([{ name: 'x.zip', data: fs.readFileSync(sample) }]);
    const h = await request(s2, { method: 'POST', pathName: '/analyze', hold: true,
                                  headers: { Host: s2.hostport, 'X-LA-Token': token,
                                             'Content-Type': mp.type,
                                             'Content-Length': mp.body.length },
                                  body: mp.body.subarray(0, 4000) });
    await waitFor(() => uploadDirs().dirs.length === 1, 5000, 'the upload dir').catch(() => 0);
    ok(uploadDirs().dirs.length === 1, 'a half-done upload is being spooled');
    const ex2 = await stopServer(s2, 'SIGINT');
    h.req.destroy();
    ok(ex2.code === 0, 'SIGINT stops the server with exit 0', JSON.stringify(ex2) + s2.err);
    ok(fs.readdirSync(tmp).length === 0, 'no temp files are left after SIGINT mid-upload',
       fs.readdirSync(tmp).join(' '));

    // Bad --listen is a usage error.
    const bad = spawnSync(driver, ['serve', '--listen', '0.0.0.0:0'], { encoding: 'utf8' });
    ok(bad.status === 2 && /listen/.test(bad.stderr), 'a wildcard --listen is refused with exit 2',
       `${bad.status} ${bad.stderr}`);

    openerTests();
    await cliTests();
}

// ------------------------------------------------------------------ the CLI

// `loganalyze serve` and `loganalyze --open` as wired in the CLI: a smoke test
// (the driver above covers the details).  Skipped while the CLI lacks them.
async function cliTests() {
    const help = cli ? spawnSync(cli, ['--help'], { encoding: 'utf8' }) : null;
    if (!help || !/\bserve\b/.test(help.stdout + help.stderr)) {
        console.log('# SKIP CLI smoke test: ' +
                    (cli ? 'loganalyze --help does not mention serve yet' : 'no loganalyze'));
        return;
    }
    const portFile = path.join(work, 'cli-port');
    const child = spawn(cli, ['serve', '--listen', '127.0.0.1:0', '--port-file', portFile], {
        env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    try {
        const hp = await waitFor(() => {
            try { return fs.readFileSync(portFile, 'utf8').trim() || null; } catch { return null; }
        }, 20000, 'the CLI port file');
        const srv = { port: Number(hp.split(':').pop()), hostport: hp };
        const r = await request(srv, { headers: { Host: hp } });
        ok(r.status === 200 && /la-token/.test(r.body), 'loganalyze serve: the page is served',
           r.status ?? r.error);
        const bad = await request(srv, { headers: { Host: 'evil.example' } });
        ok(bad.status === 421, 'loganalyze serve: a wrong Host is refused', bad.status);
    } catch (e) {
        ok(false, 'loganalyze serve starts', `${e} ${err}`);
    }
    await waitFor(() => /listening on/.test(out), 5000, 'the listening line').catch(() => 0);
    child.kill('SIGTERM');
    ok(await exit === 0, 'loganalyze serve: SIGTERM exits 0', err);
    ok(/listening on http:\/\/127\.0\.0\.1:\d+\//.test(out), 'loganalyze serve: says where',
       out);

    const bin = fakeOpener();
    fs.rmSync(path.join(work, 'opened'), { force: true });
    const o = spawnSync(cli, ['--open', sample], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, TMPDIR: work },
        encoding: 'utf8', timeout: 60000,
    });
    const m = /report written to (\S+\.html)/.exec(o.stdout || '');
    let opened = '';
    try { opened = fs.readFileSync(path.join(work, 'opened'), 'utf8').trim(); } catch { }
    ok(o.status === 0 && m && opened === m[1], 'loganalyze --open FILE opens the report',
       `${o.status} ${o.stdout} ${o.stderr}`);
}

try {
    await main();
} catch (e) {
    ok(false, 'the test ran to the end', e.stack || e);
}
fs.rmSync(work, { recursive: true, force: true });
console.log(`1..${count}`);
console.log(`# ${count - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
