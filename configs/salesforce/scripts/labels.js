// The component's Custom Labels outside Salesforce: read from
// force-app/main/default/labels/CustomLabels.labels-meta.xml for the Jest tests
// (npm run test:unit writes one module per label into .jest/labels, which
// jest.config.js maps @salesforce/label/c.<Name> to) and for the screenshot.
'use strict';

const fs = require('fs');
const path = require('path');
const { XMLParser } = require('fast-xml-parser');

const FILE = path.join(__dirname, '..', 'force-app', 'main', 'default', 'labels', 'CustomLabels.labels-meta.xml');
const JEST_DIR = path.join(__dirname, '..', '.jest', 'labels');

/** Map of label name -> value (the org's default language). */
function readLabels(file = FILE) {
    const xml = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'labels' }).parse(fs.readFileSync(file, 'utf8'));
    return new Map((xml.CustomLabels.labels || []).map((l) => [String(l.fullName), String(l.value)]));
}

function writeJestModules() {
    fs.rmSync(JEST_DIR, { recursive: true, force: true });
    fs.mkdirSync(JEST_DIR, { recursive: true });
    for (const [name, value] of readLabels()) {
        fs.writeFileSync(path.join(JEST_DIR, name + '.js'), `module.exports = { default: ${JSON.stringify(value)} };\n`);
    }
}

module.exports = { readLabels, writeJestModules };

if (require.main === module) {
    writeJestModules();
}
