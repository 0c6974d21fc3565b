#!/usr/bin/env node
// Structural check of the Salesforce DX source, run in CI instead of
// `sf project convert source` (the Salesforce CLI is a large download).
//
// It checks that every *-meta.xml file is well-formed XML with the root
// element its folder calls for, and that every field, object, quick action,
// custom permission, component and picklist value that one file names
// exists in the source (or is a standard field listed below). It does not
// know every rule of a deploy: a deploy to a scratch org remains the final word.
//
// Usage: node scripts/check-metadata.js [force-app]   (exit 1 on problems)

'use strict';

const fs = require('fs');
const path = require('path');
const { XMLParser, XMLValidator } = require('fast-xml-parser');

// Suffix -> [root element, folder the file must sit in].
const KINDS = {
    '.field-meta.xml': ['CustomField', 'fields'],
    '.object-meta.xml': ['CustomObject', null],
    '.listView-meta.xml': ['ListView', 'listViews'],
    '.validationRule-meta.xml': ['ValidationRule', 'validationRules'],
    '.permissionset-meta.xml': ['PermissionSet', 'permissionsets'],
    '.customPermission-meta.xml': ['CustomPermission', 'customPermissions'],
    '.quickAction-meta.xml': ['QuickAction', 'quickActions'],
    '.layout-meta.xml': ['Layout', 'layouts'],
    '.flexipage-meta.xml': ['FlexiPage', 'flexipages'],
    '.js-meta.xml': ['LightningComponentBundle', null],
    '.standardValueSet-meta.xml': ['StandardValueSet', 'standardValueSets'],
    '.platformEventChannel-meta.xml': ['PlatformEventChannel', 'platformEventChannels'],
    '.platformEventChannelMember-meta.xml': ['PlatformEventChannelMember', 'platformEventChannelMembers']
};

// Standard fields the metadata may name. Custom objects get the system fields.
const SYSTEM_FIELDS = ['Id', 'Name', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'];
const STANDARD_FIELDS = {
    Case: [
        'Id', 'CaseNumber', 'Subject', 'Status', 'Priority', 'Description', 'Origin', 'OwnerId', 'ContactId', 'AccountId',
        'IsClosed', 'ClosedDate', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'
    ]
};
// List view column and filter names of standard fields (they use their own names).
const LIST_VIEW_STANDARD = {
    Case: ['CASES.CASE_NUMBER', 'CASES.SUBJECT', 'CASES.STATUS', 'CASES.PRIORITY', 'CASES.CLOSED', 'CASES.ORIGIN',
        'CASES.CREATED_DATE_DATE_ONLY', 'CASES.LAST_UPDATE_DATE_ONLY', 'CORE.USERS.ALIAS', 'OWNER_NAME', 'NAME'],
    custom: ['NAME', 'OWNER.ALIAS', 'CREATEDBY_USER.ALIAS', 'UPDATEDBY_USER.ALIAS', 'CREATED_DATE', 'LAST_UPDATE']
};
// Lightning components shipped by Salesforce that a FlexiPage may hold.
const STANDARD_COMPONENTS = ['force:highlightsPanel', 'force:detailPanel', 'force:relatedListContainer', 'force:relatedListSingleContainer',
    'flexipage:fieldSection', 'flexipage:column', 'flexipage:tabset', 'flexipage:tab', 'runtime_service_omnichannel:workspace'];

const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    trimValues: true,
    isArray: (name, jpath, isLeaf, isAttribute) => !isAttribute
});

/** Every value under the path of element names, flattened. */
function all(node, ...names) {
    let cur = [node];
    for (const n of names) {
        cur = cur.flatMap((c) => (c && typeof c === 'object' && c[n] !== undefined ? c[n] : []));
    }
    return cur;
}
function text(node, name) {
    const v = all(node, name)[0];
    if (v === undefined || v === null) {
        return '';
    }
    return typeof v === 'object' ? String(v['#text'] || '') : String(v);
}

function walk(dir) {
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.name === 'node_modules') {
            continue;
        }
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            out.push(...walk(p));
        } else {
            out.push(p);
        }
    }
    return out;
}

function check(root) {
    const problems = [];
    const problem = (file, msg) => problems.push(`${path.relative(root, file) || file}: ${msg}`);
    const files = walk(root).filter((f) => f.endsWith('-meta.xml'));
    const docs = []; // { file, kind, root, xml }
    for (const file of files) {
        const base = path.basename(file);
        const suffix = Object.keys(KINDS).find((s) => base.endsWith(s));
        if (!suffix) {
            problem(file, 'unknown metadata file type (add it to KINDS in scripts/check-metadata.js)');
            continue;
        }
        const raw = fs.readFileSync(file, 'utf8');
        const valid = XMLValidator.validate(raw);
        if (valid !== true) {
            problem(file, `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
            continue;
        }
        const xml = parser.parse(raw);
        const [rootName, folder] = KINDS[suffix];
        const rootEl = all(xml, rootName)[0];
        if (!rootEl) {
            const found = Object.keys(xml).filter((k) => k !== '?xml');
            problem(file, `root element is <${found.join(', ')}>, want <${rootName}>`);
            continue;
        }
        if (rootEl['@xmlns'] !== 'http://soap.sforce.com/2006/04/metadata') {
            problem(file, `<${rootName}> needs xmlns="http://soap.sforce.com/2006/04/metadata"`);
        }
        if (folder && path.basename(path.dirname(file)) !== folder) {
            problem(file, `a ${rootName} belongs in a ${folder}/ folder`);
        }
        docs.push({ file, suffix, name: base.slice(0, -suffix.length), el: rootEl });
    }

    // ---- the schema: objects, fields, picklists ------------------------------
    const objects = new Map(); // name -> Map(field -> { type, referenceTo, relationshipName, values: [] })
    const addObject = (name) => {
        if (!objects.has(name)) {
            objects.set(name, new Map());
            const std = STANDARD_FIELDS[name] || (name.endsWith('__c') ? SYSTEM_FIELDS : []);
            for (const f of std) {
                objects.get(name).set(f, { type: 'standard', values: [] });
            }
        }
        return objects.get(name);
    };
    for (const d of docs.filter((d) => d.suffix === '.object-meta.xml')) {
        addObject(d.name);
    }
    addObject('Case');
    for (const d of docs.filter((d) => d.suffix === '.field-meta.xml')) {
        const objectName = path.basename(path.dirname(path.dirname(d.file)));
        const fullName = text(d.el, 'fullName');
        if (fullName !== d.name) {
            problem(d.file, `fullName ${fullName || '(none)'} does not match the file name ${d.name}`);
        }
        if (objectName.endsWith('__c') && !docs.some((o) => o.suffix === '.object-meta.xml' && o.name === objectName)) {
            problem(d.file, `object ${objectName} has no ${objectName}.object-meta.xml`);
        }
        const values = all(d.el, 'valueSet', 'valueSetDefinition', 'value');
        const names = values.map((v) => text(v, 'fullName'));
        const type = text(d.el, 'type');
        if (type === 'Picklist' || type === 'MultiselectPicklist') {
            const dup = names.filter((n, i) => names.indexOf(n) !== i);
            if (dup.length) {
                problem(d.file, `picklist value ${dup[0]} listed twice`);
            }
            if (values.filter((v) => text(v, 'default') === 'true').length > 1) {
                problem(d.file, 'more than one default picklist value');
            }
            values.forEach((v) => {
                if (!text(v, 'label')) {
                    problem(d.file, `picklist value ${text(v, 'fullName')} has no label`);
                }
            });
        }
        if (!text(d.el, 'label')) {
            problem(d.file, 'field has no <label>');
        }
        addObject(objectName).set(d.name, {
            type,
            referenceTo: text(d.el, 'referenceTo'),
            relationshipName: text(d.el, 'relationshipName'),
            values: names
        });
    }
    const field = (objectName, fieldName) => (objects.get(objectName) ? objects.get(objectName).get(fieldName) : undefined);
    const needField = (file, objectName, fieldName, where) => {
        if (!objects.has(objectName)) {
            problem(file, `${where}: no object ${objectName}`);
            return undefined;
        }
        const f = field(objectName, fieldName);
        if (!f) {
            problem(file, `${where}: no field ${objectName}.${fieldName}`);
        }
        return f;
    };
    const needValue = (file, objectName, fieldName, value, where) => {
        const f = needField(file, objectName, fieldName, where);
        if (f && f.values.length && !f.values.includes(value)) {
            problem(file, `${where}: ${value} is not a value of ${objectName}.${fieldName} (values: ${f.values.join(', ')})`);
        }
    };

    const customPermissions = new Set(docs.filter((d) => d.suffix === '.customPermission-meta.xml').map((d) => d.name));
    const quickActions = new Set(docs.filter((d) => d.suffix === '.quickAction-meta.xml').map((d) => d.name));
    const channels = new Set(docs.filter((d) => d.suffix === '.platformEventChannel-meta.xml').map((d) => d.name));
    const bundles = new Map(docs.filter((d) => d.suffix === '.js-meta.xml').map((d) => [d.name, d]));

    for (const d of docs) {
        switch (d.suffix) {
            case '.permissionset-meta.xml': {
                for (const fp of all(d.el, 'fieldPermissions')) {
                    const [o, f] = text(fp, 'field').split('.');
                    needField(d.file, o, f, 'fieldPermissions');
                    if (text(fp, 'editable') === 'true' && text(fp, 'readable') !== 'true') {
                        problem(d.file, `fieldPermissions ${o}.${f}: editable needs readable`);
                    }
                }
                for (const op of all(d.el, 'objectPermissions')) {
                    if (!objects.has(text(op, 'object'))) {
                        problem(d.file, `objectPermissions: no object ${text(op, 'object')}`);
                    }
                }
                for (const cp of all(d.el, 'customPermissions')) {
                    if (!customPermissions.has(text(cp, 'name'))) {
                        problem(d.file, `customPermissions: no custom permission ${text(cp, 'name')}`);
                    }
                }
                break;
            }
            case '.layout-meta.xml': {
                const objectName = d.name.split('-')[0];
                for (const item of all(d.el, 'layoutSections', 'layoutColumns', 'layoutItems')) {
                    if (text(item, 'field')) {
                        needField(d.file, objectName, text(item, 'field'), 'layout item');
                    }
                }
                for (const a of all(d.el, 'platformActionList', 'platformActionListItems')) {
                    if (text(a, 'actionType') === 'QuickAction' && !quickActions.has(text(a, 'actionName'))) {
                        problem(d.file, `action ${text(a, 'actionName')}: no such quick action`);
                    }
                }
                for (const rl of all(d.el, 'relatedLists')) {
                    const [child, lookup] = text(rl, 'relatedList').split('.');
                    const f = needField(d.file, child, lookup, 'related list');
                    if (f && f.referenceTo !== objectName) {
                        problem(d.file, `related list ${child}.${lookup} does not point to ${objectName}`);
                    }
                    for (const c of all(rl, 'fields')) {
                        const name = typeof c === 'object' ? c['#text'] : c;
                        if (name !== 'NAME') {
                            needField(d.file, child, name, 'related list column');
                        }
                    }
                }
                break;
            }
            case '.quickAction-meta.xml': {
                const [source] = d.name.split('.');
                const target = text(d.el, 'targetObject');
                if (!objects.has(source)) {
                    problem(d.file, `no object ${source} to put the action on`);
                }
                const parentField = needField(d.file, target, text(d.el, 'targetParentField'), 'targetParentField');
                if (parentField && parentField.referenceTo !== source) {
                    problem(d.file, `targetParentField ${text(d.el, 'targetParentField')} does not point to ${source}`);
                }
                for (const o of all(d.el, 'fieldOverrides')) {
                    const f = text(o, 'field');
                    if (text(o, 'literalValue')) {
                        needValue(d.file, target, f, text(o, 'literalValue'), 'predefined value');
                    } else {
                        needField(d.file, target, f, 'predefined value');
                    }
                    const formula = text(o, 'formula');
                    for (const [, obj, fld] of formula.matchAll(/\b(\w+)\.(\w+)\b/g)) {
                        needField(d.file, obj, fld, `formula of ${f}`);
                    }
                }
                for (const item of all(d.el, 'quickActionLayout', 'quickActionLayoutColumns', 'quickActionLayoutItems')) {
                    if (text(item, 'field')) {
                        needField(d.file, target, text(item, 'field'), 'action layout');
                    }
                }
                break;
            }
            case '.flexipage-meta.xml': {
                const objectName = text(d.el, 'sobjectType');
                if (!objects.has(objectName)) {
                    problem(d.file, `no object ${objectName}`);
                }
                const regions = all(d.el, 'flexiPageRegions');
                const facets = new Set(regions.filter((r) => text(r, 'type') === 'Facet').map((r) => text(r, 'name')));
                for (const r of regions) {
                    for (const fi of all(r, 'itemInstances', 'fieldInstance')) {
                        const item = text(fi, 'fieldItem');
                        if (!item.startsWith('Record.')) {
                            problem(d.file, `fieldItem ${item} should read Record.<field>`);
                        } else {
                            needField(d.file, objectName, item.slice('Record.'.length), 'field on the page');
                        }
                    }
                    for (const ci of all(r, 'itemInstances', 'componentInstance')) {
                        const name = text(ci, 'componentName');
                        for (const p of all(ci, 'componentInstanceProperties')) {
                            const v = text(p, 'value');
                            if (v.startsWith('Facet-') && !facets.has(v)) {
                                problem(d.file, `${name} names facet ${v}, which the page lacks`);
                            }
                        }
                        if (name.startsWith('c:')) {
                            const bundle = bundles.get(name.slice(2));
                            if (!bundle) {
                                problem(d.file, `component ${name}: no lwc/${name.slice(2)}`);
                                continue;
                            }
                            const targets = all(bundle.el, 'targets', 'target');
                            const forObjects = all(bundle.el, 'targetConfigs', 'targetConfig', 'objects', 'object');
                            if (text(bundle.el, 'isExposed') !== 'true' || !targets.includes('lightning__RecordPage') || (forObjects.length && !forObjects.includes(objectName))) {
                                problem(d.file, `component ${name} is not exposed on ${objectName} record pages`);
                            }
                        } else if (!STANDARD_COMPONENTS.includes(name)) {
                            problem(d.file, `unknown component ${name}`);
                        }
                    }
                }
                break;
            }
            case '.listView-meta.xml': {
                const objectName = path.basename(path.dirname(path.dirname(d.file)));
                if (text(d.el, 'fullName') !== d.name) {
                    problem(d.file, `fullName ${text(d.el, 'fullName')} does not match the file name`);
                }
                const standard = LIST_VIEW_STANDARD[objectName] || LIST_VIEW_STANDARD.custom;
                const known = (n) => standard.includes(n) || field(objectName, n);
                for (const c of all(d.el, 'columns')) {
                    const n = typeof c === 'object' ? c['#text'] : c;
                    if (!known(n)) {
                        problem(d.file, `column ${n}: no such field on ${objectName}`);
                    }
                }
                for (const f of all(d.el, 'filters')) {
                    const n = text(f, 'field');
                    if (!known(n)) {
                        problem(d.file, `filter ${n}: no such field on ${objectName}`);
                    } else if (field(objectName, n) && field(objectName, n).values.length && text(f, 'value')) {
                        needValue(d.file, objectName, n, text(f, 'value'), 'filter');
                    }
                }
                break;
            }
            case '.platformEventChannel-meta.xml': {
                // A custom Change Data Capture channel: <Name>__chn, channelType data.
                if (!/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__chn$/.test(d.name)) {
                    problem(d.file, 'a custom channel is named <Name>__chn');
                }
                if (text(d.el, 'channelType') !== 'data') {
                    problem(d.file, 'channelType must be data (a channel of change events)');
                }
                if (!text(d.el, 'label')) {
                    problem(d.file, 'a channel needs a <label>');
                }
                break;
            }
            case '.platformEventChannelMember-meta.xml': {
                // Change events of an object: <Object>ChangeEvent, or
                // <Name>__ChangeEvent for the custom object <Name>__c, on the
                // standard ChangeEvents channel or a custom channel of the source.
                const entity = text(d.el, 'selectedEntity') || '';
                const m = entity.match(/^(\w+?)(__)?ChangeEvent$/);
                const objectName = m ? (m[2] ? `${m[1]}__c` : m[1]) : '';
                const channel = text(d.el, 'eventChannel');
                if (channel !== 'ChangeEvents' && !channels.has(channel)) {
                    problem(d.file, `eventChannel ${channel || '(none)'}: neither ChangeEvents nor a channel of platformEventChannels/`);
                }
                // The Metadata API reads a double underscore as a namespace separator.
                const want = `${channel}_${entity}`.replace(/__/g, '_');
                if (d.name.includes('__')) {
                    problem(d.file, `a member's name may not hold a double underscore (a namespace separator to the Metadata API): name it ${want}`);
                } else if (d.name !== want) {
                    problem(d.file, `name the member ${want} (<channel>_<entity>, each __ written _)`);
                }
                if (!objectName || !objects.has(objectName)) {
                    problem(d.file, `selectedEntity ${entity}: no change events of a known object`);
                    break;
                }
                for (const e of all(d.el, 'enrichedFields')) {
                    needField(d.file, objectName, text(e, 'name'), 'enriched field');
                }
                const filter = text(d.el, 'filterExpression');
                if (/^\s*WHERE\b/i.test(filter)) {
                    problem(d.file, 'filterExpression is a WHERE clause without the WHERE keyword');
                }
                for (const [, f] of filter.replace(/'[^']*'/g, "''").matchAll(/\b([A-Za-z]\w*)\s*(?:=|!=|<|>|\bIN\b|\bLIKE\b)/gi)) {
                    needField(d.file, objectName, f, 'filterExpression');
                }
                break;
            }
            case '.validationRule-meta.xml': {
                const objectName = path.basename(path.dirname(path.dirname(d.file)));
                const formula = text(d.el, 'errorConditionFormula');
                if (!formula || !text(d.el, 'errorMessage')) {
                    problem(d.file, 'needs errorConditionFormula and errorMessage');
                }
                for (const [, perm] of formula.matchAll(/\$Permission\.(\w+)/g)) {
                    if (!customPermissions.has(perm)) {
                        problem(d.file, `$Permission.${perm}: no such custom permission`);
                    }
                }
                const stripped = formula.replace(/\$Permission\.\w+/g, '').replace(/'[^']*'/g, "''");
                for (const [, f] of stripped.matchAll(/\b(\w+__c)\b/g)) {
                    needField(d.file, objectName, f, 'formula');
                }
                for (const [, f, v] of formula.matchAll(/ISPICKVAL\(\s*(?:PRIORVALUE\()?\s*(\w+)\s*\)?\s*,\s*'([^']*)'/g)) {
                    needValue(d.file, objectName, f, v, 'ISPICKVAL');
                }
                break;
            }
            case '.js-meta.xml': {
                const dir = path.dirname(d.file);
                for (const ext of ['.js', '.html']) {
                    if (!fs.existsSync(path.join(dir, d.name + ext))) {
                        problem(d.file, `bundle ${d.name} lacks ${d.name}${ext}`);
                    }
                }
                // Field and related-list names the component's JavaScript uses.
                for (const js of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
                    const src = fs.readFileSync(path.join(dir, js), 'utf8');
                    const jsFile = path.join(dir, js);
                    for (const [, o, f] of src.matchAll(/'(Case|\w+__c)\.(\w+)'/g)) {
                        needField(jsFile, o, f, 'field used by the component');
                    }
                    for (const [, rel] of src.matchAll(/relatedListId:\s*'(\w+)__r'/g)) {
                        const found = [...objects.values()].some((fields) => [...fields.values()].some((f) => f.relationshipName === rel));
                        if (!found) {
                            problem(jsFile, `relatedListId ${rel}__r: no lookup has relationshipName ${rel}`);
                        }
                    }
                }
                break;
            }
            default:
        }
    }
    return problems;
}

module.exports = { check };

if (require.main === module) {
    const root = path.resolve(process.argv[2] || 'force-app');
    const problems = check(root);
    if (problems.length) {
        console.error(`Salesforce metadata check: ${problems.length} problem(s) in ${root}`);
        problems.forEach((p) => console.error('  ' + p));
        process.exit(1);
    }
    console.log(`Salesforce metadata check: ${root} is consistent.`);
}
