#!/usr/bin/env node
// The Salesforce sandbox's console: the components of force-app, built for
// connectors/salesforce/sfsim, which embeds the files and serves them on its
// Case pages (/lightning/r/Case/<id>/view).
//
//   npm run build:console   writes connectors/salesforce/sfsim/console/
//   npm run check:console   builds into a temporary directory and fails when
//                           the committed files differ (make salesforce runs it)
//
// console.js: scripts/lwc-bundle.js compiles scripts/console/entry.js and the
// components it mounts, with Salesforce's modules provided by
// scripts/console/lightning.js (Lightning Data Service on the sandbox's UI API).
// slds.css: the rules of the SLDS stylesheet (@salesforce-ux/design-system)
// that the components and the sandbox's pages can use: every rule whose
// classes all appear in their sources. The @font-face rules go (the sandbox
// serves no fonts; the system's sans-serif stands in).
//
// Both come from the lockfile's packages and the sources alone, so the same
// checkout builds the same bytes.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const postcss = require('postcss');
const { bundle, ROOT } = require('./lwc-bundle');

const HERE = path.join(__dirname, 'console');
const REPO = path.join(ROOT, '..', '..');
const OUT = path.join(REPO, 'connectors', 'salesforce', 'sfsim', 'console');
// The sandbox's pages around the components: their SLDS classes count too.
const PAGES = [path.join(REPO, 'connectors', 'salesforce', 'sfsim', 'lightning.html')];
const LWC = path.join(ROOT, 'force-app', 'main', 'default', 'lwc');
const SLDS = require.resolve('@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.min.css');
const SLDS_VERSION = require('@salesforce-ux/design-system/package.json').version;
const FILES = ['console.js', 'slds.css'];

const GENERATED = 'Generated from configs/salesforce by `npm run build:console`; do not edit.';

// Modules scripts/console/lightning.js implements.
const PROVIDED = ['lightning/uiRecordApi', 'lightning/uiRelatedListApi', '@salesforce/apex'];
const provides = (id) => PROVIDED.includes(id) || id.startsWith('@salesforce/i18n/') || id.startsWith('@salesforce/user/');

function sourceFiles(dir) {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((d) => d.isFile() && /\.(js|html)$/.test(d.name) && !path.join(d.parentPath, d.name).includes(`${path.sep}__tests__${path.sep}`))
        .map((d) => path.join(d.parentPath, d.name))
        .sort();
}

/** The SLDS class names (slds-...) the components and pages mention anywhere. */
function usedClasses() {
    const used = new Set();
    for (const file of [...sourceFiles(LWC), ...PAGES]) {
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/slds-[A-Za-z0-9_-]+/g)) {
            used.add(m[0]);
        }
    }
    return used;
}

/** The SLDS stylesheet cut down to the rules the used classes can match. */
function sldsSubset() {
    const used = usedClasses();
    const root = postcss.parse(fs.readFileSync(SLDS, 'utf8'));
    root.walkAtRules('font-face', (rule) => rule.remove());
    root.walkRules((rule) => {
        if (rule.parent && rule.parent.type === 'atrule' && /keyframes$/.test(rule.parent.name)) {
            return;
        }
        const keep = rule.selectors.filter((sel) => [...sel.matchAll(/\.(slds-[A-Za-z0-9_-]+)/g)].every((m) => used.has(m[1])));
        if (keep.length === 0) {
            rule.remove();
        } else if (keep.length !== rule.selectors.length) {
            rule.selectors = keep;
        }
    });
    root.walkAtRules((rule) => {
        if (rule.nodes && rule.nodes.length === 0) {
            rule.remove();
        }
    });
    root.walkComments((c) => c.remove());
    const css = root.toString().replace(/^@charset "UTF-8";/, '');
    return `@charset "UTF-8";\n/*! Lightning Design System ${SLDS_VERSION} (BSD-3-Clause, github.com/salesforce-ux/design-system): the rules the console uses. ${GENERATED} */\n${css}\n`;
}

async function build(dir) {
    fs.mkdirSync(dir, { recursive: true });
    await bundle({
        entry: path.join(HERE, 'entry.js'),
        file: path.join(dir, 'console.js'),
        implementation: path.join(HERE, 'lightning.js'),
        provides,
        banner: `/* The Salesforce sandbox's console: force-app's Lightning web components and the LWC engine (MIT). ${GENERATED} */`
    });
    fs.writeFileSync(path.join(dir, 'slds.css'), sldsSubset());
}

async function check() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carebridge-console-'));
    try {
        await build(dir);
        const stale = FILES.filter((f) => {
            const committed = path.join(OUT, f);
            return !fs.existsSync(committed) || !fs.readFileSync(committed).equals(fs.readFileSync(path.join(dir, f)));
        });
        if (stale.length) {
            console.error(
                `connectors/salesforce/sfsim/console: ${stale.join(', ')} differ from what the sources build.\n` +
                    'Run `npm run build:console` in configs/salesforce and commit the result.'
            );
            process.exitCode = 1;
            return;
        }
        console.log(`connectors/salesforce/sfsim/console: ${FILES.join(', ')} are what the sources build`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const main = process.argv[2] === '--check' ? check() : build(OUT).then(() => console.log(`wrote ${path.relative(REPO, OUT)}/{${FILES.join(',')}}`));
main.catch((e) => {
    console.error(e);
    process.exit(1);
});
