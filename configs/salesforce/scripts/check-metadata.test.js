// Tests of scripts/check-metadata.js: the shipped source passes, and each
// kind of broken reference in a copy of it is reported. Run with
// `node --test scripts/check-metadata.test.js` (part of npm run check:metadata).
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { check } = require('./check-metadata');

const SOURCE = path.join(__dirname, '..', 'force-app');
const D = 'main/default';

function copy() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carebridge-metadata-'));
    fs.cpSync(SOURCE, dir, { recursive: true, filter: (src) => !src.includes('__tests__') });
    return dir;
}

function edit(dir, rel, from, to) {
    const p = path.join(dir, D, rel);
    const s = fs.readFileSync(p, 'utf8');
    assert.ok(s.includes(from), `${rel} does not contain ${from}`);
    fs.writeFileSync(p, s.replace(from, to));
}

function problemsAfter(rel, from, to) {
    const dir = copy();
    try {
        edit(dir, rel, from, to);
        return check(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

test('the shipped metadata passes', () => {
    assert.deepStrictEqual(check(SOURCE), []);
});

const cases = [
    ['change events selected for an object that does not exist', 'platformEventChannelMembers/Carebridge_chn_Care_Action_ChangeEvent.platformEventChannelMember-meta.xml',
        '<selectedEntity>Care_Action__ChangeEvent</selectedEntity>', '<selectedEntity>Care_Actions__ChangeEvent</selectedEntity>', /no change events of a known object/],
    ['a channel member on a channel the source lacks', 'platformEventChannelMembers/Carebridge_chn_CaseChangeEvent.platformEventChannelMember-meta.xml',
        '<eventChannel>Carebridge__chn</eventChannel>', '<eventChannel>Carebrdge__chn</eventChannel>', /eventChannel Carebrdge__chn: neither ChangeEvents nor a channel/],
    ['a channel member filtering on a field the object lacks', 'platformEventChannelMembers/Carebridge_chn_CaseChangeEvent.platformEventChannelMember-meta.xml',
        '<filterExpression>Care_Case_Id__c != null</filterExpression>', '<filterExpression>Care_Case__c != null</filterExpression>', /filterExpression: no field Case\.Care_Case__c/],
    ['a channel member enriching with a field the object lacks', 'platformEventChannelMembers/Carebridge_chn_CaseChangeEvent.platformEventChannelMember-meta.xml',
        '<name>Care_Case_Id__c</name>', '<name>Care_Case__c</name>', /enriched field: no field Case\.Care_Case__c/],
    ['a custom channel of platform events', 'platformEventChannels/Carebridge__chn.platformEventChannel-meta.xml',
        '<channelType>data</channelType>', '<channelType>event</channelType>', /channelType must be data/],
    ['a field on the record page that does not exist', 'flexipages/Care_Case_Record_Page.flexipage-meta.xml',
        'Record.Care_DM_Deadline__c', 'Record.Care_Dm_Deadline__c', /no field Case\.Care_Dm_Deadline__c/],
    ['a page layout naming a missing field', 'layouts/Care_Message__c-Care Message Layout.layout-meta.xml',
        '<field>Liked__c</field>', '<field>Likes__c</field>', /layout item: no field Care_Message__c\.Likes__c/],
    ['a quick action presetting a picklist value that does not exist', 'quickActions/Care_Message__c.Like.quickAction-meta.xml',
        '<literalValue>like</literalValue>', '<literalValue>Like</literalValue>', /Like is not a value of Care_Action__c\.Type__c/],
    ['a quick action whose parent field points elsewhere', 'quickActions/Case.Care_Reply.quickAction-meta.xml',
        '<targetParentField>Case__c</targetParentField>', '<targetParentField>Target_Message__c</targetParentField>', /does not point to Case/],
    ['a permission set naming a missing field', 'permissionsets/Carebridge_Agent.permissionset-meta.xml',
        'Care_Message__c.Text__c', 'Care_Message__c.Txt__c', /fieldPermissions: no field Care_Message__c\.Txt__c/],
    ['a permission set granting a missing custom permission', 'permissionsets/Carebridge_Integration.permissionset-meta.xml',
        '<name>Carebridge_Integration_Access</name>', '<name>Carebridge_Access</name>', /no custom permission Carebridge_Access/],
    ['a list view filtering on a value the picklist lacks', 'objects/Care_Action__c/listViews/Rejected_Today.listView-meta.xml',
        '<value>Rejected</value>', '<value>rejected</value>', /rejected is not a value of Care_Action__c\.Status__c/],
    ['a list view column that does not exist', 'objects/Case/listViews/My_Social_Cases.listView-meta.xml',
        '<columns>Care_Priority__c</columns>', '<columns>Care_Prio__c</columns>', /column Care_Prio__c/],
    ['a validation rule naming a missing field', 'objects/Care_Action__c/validationRules/Locked_After_Queued.validationRule-meta.xml',
        'ISCHANGED(Body__c)', 'ISCHANGED(Text__c)', /formula: no field Care_Action__c\.Text__c/],
    ['a validation rule naming a missing custom permission', 'objects/Care_Action__c/validationRules/Locked_After_Queued.validationRule-meta.xml',
        '$Permission.Carebridge_Integration_Access', '$Permission.Integration', /\$Permission\.Integration: no such custom permission/],
    ['the component reading a missing field', 'lwc/careConversation/careConversation.js',
        "'Care_Message__c.Liked__c'", "'Care_Message__c.Like__c'", /no field Care_Message__c\.Like__c/],
    ['the component reading an unknown related list', 'lwc/careConversation/careConversation.js',
        "relatedListId: 'Care_Actions__r'", "relatedListId: 'Care_Action__r'", /relatedListId Care_Action__r/],
    ['the component not exposed for Case', 'lwc/careConversation/careConversation.js-meta.xml',
        '<object>Case</object>', '<object>Account</object>', /not exposed on Case record pages/],
    ['malformed XML', 'objects/Case/fields/Care_Platform__c.field-meta.xml',
        '</label>', '</labl>', /not well-formed XML/],
    ['a wrong root element', 'customPermissions/Carebridge_Integration_Access.customPermission-meta.xml',
        /<(\/?)CustomPermission/g, '<$1PermissionSet', /want <CustomPermission>/],
    ['a picklist value without a label', 'objects/Care_Action__c/fields/Reply_Mode__c.field-meta.xml',
        '<label>Public reply</label>', '<label></label>', /picklist value public_reply has no label/]
];

for (const [name, rel, from, to, want] of cases) {
    test(`reports ${name}`, () => {
        const problems = typeof from === 'string' ? problemsAfter(rel, from, to) : problemsRegex(rel, from, to);
        assert.ok(problems.some((p) => want.test(p)), `want a problem matching ${want}, got:\n${problems.join('\n')}`);
    });
}

function problemsRegex(rel, re, to) {
    const dir = copy();
    try {
        const p = path.join(dir, D, rel);
        fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(re, to));
        return check(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

test('reports a channel member whose name holds a double underscore', () => {
    const dir = copy();
    try {
        const members = path.join(dir, D, 'platformEventChannelMembers');
        fs.renameSync(path.join(members, 'Carebridge_chn_Care_Action_ChangeEvent.platformEventChannelMember-meta.xml'),
            path.join(members, 'Carebridge__chn_Care_Action__ChangeEvent.platformEventChannelMember-meta.xml'));
        const problems = check(dir);
        assert.ok(problems.some((p) => /double underscore .*Carebridge_chn_Care_Action_ChangeEvent/.test(p)), problems.join('\n'));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
