// Compiles this project's Lightning web components (force-app/main/default/lwc)
// into one browser bundle with rollup and @lwc/rollup-plugin, outside
// Salesforce: the modules Salesforce provides are replaced by an
// implementation file of the caller's (the screenshot's fixtures, the Salesforce
// sandbox's Lightning Data Service), @salesforce/schema references become the
// { objectApiName, fieldApiName } objects Salesforce hands a component, and
// @salesforce/label/c.<Name> the label's value (scripts/labels.js). Used by
// scripts/screenshot.js and scripts/console.js.
'use strict';

const fs = require('fs');
const path = require('path');
const { rollup } = require('rollup');
const lwc = require('@lwc/rollup-plugin');
const { readLabels } = require('./labels');

const ROOT = path.join(__dirname, '..');
const LWC_DIR = path.join(ROOT, 'force-app', 'main', 'default', 'lwc');

// Modules whose default export is a value: the implementation exports it
// under this name (e.g. `export const locale = 'en-US'`).
const DEFAULT_EXPORTS = {
    '@salesforce/i18n/locale': 'locale',
    '@salesforce/i18n/lang': 'lang',
    '@salesforce/i18n/timeZone': 'timeZone',
    '@salesforce/i18n/currency': 'currency',
    '@salesforce/i18n/dir': 'dir',
    '@salesforce/i18n/firstDayOfWeek': 'firstDayOfWeek',
    '@salesforce/user/Id': 'userId',
    '@salesforce/user/isGuest': 'isGuest'
};

/** Every component of force-app as c/<name>, the way Salesforce DX names them. */
function componentModules() {
    return fs
        .readdirSync(LWC_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory() && fs.existsSync(path.join(LWC_DIR, d.name, d.name + '.js')))
        .map((d) => d.name)
        .sort()
        .map((name) => ({ name: 'c/' + name, path: path.join(LWC_DIR, name, name + '.js') }));
}

/**
 * The rollup plugin for Salesforce's modules. provides(id) says whether the
 * implementation file stands in for a module (lightning/*, @salesforce/apex,
 * @salesforce/i18n/*, ...); a module it does not provide fails the build, and
 * so does an export the implementation lacks.
 */
function salesforceModules(implementation, provides) {
    const labels = readLabels();
    const from = JSON.stringify(implementation);
    const salesforce = (id) => id.startsWith('lightning/') || id.startsWith('@salesforce/');
    return {
        name: 'carebridge-salesforce-modules',
        resolveId(id) {
            if (!salesforce(id)) {
                return null;
            }
            if (id.startsWith('@salesforce/schema/') || id.startsWith('@salesforce/label/') || provides(id)) {
                return '\0salesforce:' + id;
            }
            throw new Error(`${id}: a Salesforce module this build does not provide (${path.relative(ROOT, implementation)})`);
        },
        load(id) {
            if (!id.startsWith('\0salesforce:')) {
                return null;
            }
            const name = id.slice('\0salesforce:'.length);
            // @salesforce/schema/Object.Field: the reference Salesforce provides.
            if (name.startsWith('@salesforce/schema/')) {
                const [objectApiName, fieldApiName] = name.slice('@salesforce/schema/'.length).split('.');
                return `export default ${JSON.stringify(fieldApiName ? { objectApiName, fieldApiName } : { objectApiName })};`;
            }
            // @salesforce/label/c.Name: the label's value (labels/CustomLabels.labels-meta.xml).
            if (name.startsWith('@salesforce/label/')) {
                const label = name.slice('@salesforce/label/c.'.length);
                if (!name.startsWith('@salesforce/label/c.') || !labels.has(label)) {
                    throw new Error(`no custom label ${name.slice('@salesforce/label/'.length)}`);
                }
                return `export default ${JSON.stringify(labels.get(label))};`;
            }
            if (DEFAULT_EXPORTS[name]) {
                return `import { ${DEFAULT_EXPORTS[name]} as value } from ${from}; export default value;`;
            }
            return `export * from ${from};`;
        }
    };
}

// The LWC engine reads process.env.NODE_ENV, which a browser lacks.
function nodeEnv() {
    return {
        name: 'carebridge-node-env',
        transform(code) {
            return code.includes('process.env.NODE_ENV') ? { code: code.split('process.env.NODE_ENV').join('"production"'), map: null } : null;
        }
    };
}

/**
 * Bundles entry (which imports c/<component> and mounts it) into file as one
 * IIFE script. Options: implementation, provides (see salesforceModules), banner.
 */
async function bundle({ entry, file, implementation, provides, banner }) {
    const build = await rollup({
        input: entry,
        plugins: [
            salesforceModules(implementation, provides),
            nodeEnv(),
            lwc({ modules: componentModules(), rootDir: path.dirname(entry) })
        ],
        onwarn(w, warn) {
            if (w.code !== 'CIRCULAR_DEPENDENCY') {
                warn(w);
            }
        }
    });
    try {
        await build.write({ file, format: 'iife', banner });
    } finally {
        await build.close();
    }
}

module.exports = { bundle, componentModules, ROOT };
