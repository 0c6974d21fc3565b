#!/usr/bin/env node
// npm run screenshot: renders the careConversation component with fixture
// data in headless Chromium and writes the pictures used by docs/agents.md.
//
// 1. scripts/lwc-bundle.js compiles the component as it ships (force-app), with
//    the Salesforce modules it imports replaced by scripts/screenshot/stubs.js
//    (wire adapters returning scripts/screenshot/fixtures.js), @salesforce/schema
//    references and the Custom Labels' values (scripts/labels.js);
// 2. the page loads the SLDS stylesheet from @salesforce-ux/design-system;
// 3. playwright-core drives /usr/bin/chromium (CHROMIUM to override) with a
//    fixed clock, clicks and types like an agent, and saves PNGs to docs/img/.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { bundle } = require('./lwc-bundle');

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'screenshot');
const IMG = path.join(ROOT, '..', '..', 'docs', 'img');
const HERE = path.join(__dirname, 'screenshot');
const NOW = '2026-11-30T15:00:00.000Z'; // as in fixtures.js

const STUBBED = new Set([
    'lightning/uiRecordApi',
    'lightning/uiRelatedListApi',
    '@salesforce/apex',
    '@salesforce/i18n/locale',
    '@salesforce/i18n/timeZone'
]);

async function build() {
    fs.mkdirSync(OUT, { recursive: true });
    await bundle({
        entry: path.join(HERE, 'entry.js'),
        file: path.join(OUT, 'bundle.js'),
        implementation: path.join(HERE, 'stubs.js'),
        provides: (id) => STUBBED.has(id)
    });
    fs.copyFileSync(path.join(HERE, 'index.html'), path.join(OUT, 'index.html'));
    fs.copyFileSync(
        require.resolve('@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.min.css'),
        path.join(OUT, 'slds.css')
    );
}

async function shoot() {
    fs.mkdirSync(IMG, { recursive: true });
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carebridge-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync'],
        viewport: { width: 800, height: 1000 },
        deviceScaleFactor: 1,
        locale: 'en-US',
        timezoneId: 'America/New_York'
    });
    try {
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        await page.clock.setFixedTime(new Date(NOW));
        const url = 'file://' + path.join(OUT, 'index.html');

        // 1. A Facebook case: the agent picks Maria's latest reply, switches to a
        //    private reply and types; the countdown and counter follow.
        await page.goto(url);
        const root = page.locator('c-care-conversation');
        await root.locator('li[data-care-id="R2"] button[data-action="reply"]').click();
        await root.locator('select[data-id="mode"]').selectOption('private_reply');
        await root.locator('textarea[data-id="body"]').fill('Hi Maria, we have just sent you a new lid and a voucher. Could you send us your address by private message?');
        await root.locator('.slds-checkbox label').click(); // the SLDS faux checkbox, as an agent clicks it
        await page.locator('#root').screenshot({ path: path.join(IMG, 'care-console-facebook.png') });

        // 2. An X case: the counter in X's weighted unit and the messaging window.
        await page.goto(url + '#x');
        await page.reload();
        await root.locator('li[data-care-id="T1"] button[data-action="reply"]').click();
        await root.locator('textarea[data-id="body"]').fill('@samchen Sorry about that! A fix ships today: https://status.example.com/incidents/2026-11-30-app-logout');
        await page.locator('#root').screenshot({ path: path.join(IMG, 'care-console-x.png') });

        if (errors.length) {
            throw new Error('the page reported errors:\n' + errors.join('\n'));
        }
    } finally {
        await context.close();
        fs.rmSync(userDataDir, { recursive: true, force: true });
    }
}

build()
    .then(shoot)
    .then(() => console.log('wrote docs/img/care-console-facebook.png and docs/img/care-console-x.png'))
    .catch((e) => {
        console.error(e);
        process.exit(1);
    });
