// Tests of scripts/check-metadata.js: the shipped project passes, and every
// rule, broken once in a copy of the project, is reported under its id. Run
// with `node --test scripts/check-metadata.test.js` (part of npm run
// check:metadata).
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { check, RULES } = require('./check-metadata');

const PROJECT = path.join(__dirname, '..');
const D = 'force-app/main/default';
const LWC = `${D}/lwc/careConversation`;
const MSG = `${D}/objects/Care_Message__c`;
const ACT = `${D}/objects/Care_Action__c`;
const PAGE = `${D}/flexipages/Care_Case_Record_Page.flexipage-meta.xml`;
const CASE_LAYOUT = `${D}/layouts/Case-Care Case Layout.layout-meta.xml`;
const LABELS = `${D}/labels/CustomLabels.labels-meta.xml`;
const GROUP = `${D}/groups/Carebridge_Integration.group-meta.xml`;
const SHARING = `${D}/sharingRules/Case.sharingRules-meta.xml`;
const LONG = 'x'.repeat(1001);
const CHANNEL = `${D}/platformEventChannels/Carebridge__chn.platformEventChannel-meta.xml`;
const CASE_MEMBER = `${D}/platformEventChannelMembers/Carebridge_chn_CaseChangeEvent.platformEventChannelMember-meta.xml`;

/** A copy of the project (source, project file, manifest; no node_modules). */
function copy() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carebridge-project-'));
    for (const p of ['sfdx-project.json', '.forceignore', 'force-app', 'case-status', 'manifest']) {
        fs.cpSync(path.join(PROJECT, p), path.join(dir, p), { recursive: true, filter: (src) => !src.includes('__tests__') });
    }
    return dir;
}

/** Applies edits [file, from, to] (from: string or RegExp; to: null deletes the file; a missing file is created with to). */
async function problemsAfter(edits) {
    const dir = copy();
    try {
        for (const [rel, from, to] of edits) {
            const p = path.join(dir, rel);
            if (to === null) {
                fs.rmSync(p, { recursive: true });
                continue;
            }
            if (from === undefined) {
                fs.mkdirSync(path.dirname(p), { recursive: true });
                fs.writeFileSync(p, to);
                continue;
            }
            const s = fs.readFileSync(p, 'utf8');
            const changed = s.replace(from, to);
            assert.notStrictEqual(changed, s, `${rel} does not contain ${from}`);
            fs.writeFileSync(p, changed);
        }
        return await check(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const field = (object, name) => `${D}/objects/${object}/fields/${name}.field-meta.xml`;

// [rule, what breaks it, edits, message pattern]
const cases = [
    ['convert', 'a source file SDR cannot place', [[`${D}/objects/Care_Message__c/fields/Nope.field-meta.xml`, undefined, '<?xml version="1.0"?><CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Nope</fullName></CustomField>'],
        [`${D}/flexipages/Stray.txt-meta.xml`, undefined, 'x']], /./],
    ['xml', 'malformed XML', [[`${D}/customPermissions/Carebridge_Integration_Access.customPermission-meta.xml`, '</label>', '</labl>']], /not well-formed XML/],
    ['xml', 'a wrong root element', [[`${D}/customPermissions/Carebridge_Integration_Access.customPermission-meta.xml`, /<(\/?)CustomPermission/g, '<$1PermissionSet']], /root element is not <CustomPermission>/],
    ['known-type', 'a metadata type the check does not validate', [[`${D}/tabs/Care_Message__c.tab-meta.xml`, undefined,
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomTab xmlns="http://soap.sforce.com/2006/04/metadata">\n    <customObject>true</customObject>\n    <motif>Custom53: Bell</motif>\n</CustomTab>\n']], /type CustomTab/],
    ['api-name', 'a validation rule name with a double underscore', [[`${ACT}/validationRules/Locked__After_Queued.validationRule-meta.xml`, undefined,
        fs.readFileSync(path.join(PROJECT, ACT, 'validationRules/Locked_After_Queued.validationRule-meta.xml'), 'utf8').replace('<fullName>Locked_After_Queued</fullName>', '<fullName>Locked__After_Queued</fullName>')],
        [`${ACT}/validationRules/Locked_After_Queued.validationRule-meta.xml`, undefined, null]], /Locked__After_Queued must start with a letter/],
    ['api-name', 'a list view name over 40 characters', [[`${D}/objects/Case/listViews/My_Social_Cases.listView-meta.xml`, '<fullName>My_Social_Cases</fullName>', '<fullName>My_Social_Cases_That_Have_A_Very_Long_Name_Here</fullName>']], /at most 40/],
    ['label-length', 'a field label over 40 characters', [[field('Case', 'Care_Platform__c'), '<label>Care Platform</label>', '<label>Care Platform of the social network this case came from</label>']], /label has \d+ characters, at most 40/],
    ['label-length', 'a permission set without a label', [[`${D}/permissionsets/Carebridge_Task_Notes.permissionset-meta.xml`, '<label>Carebridge Task Notes</label>', '']], /label is required/],
    ['description-length', 'a permission set description over 255 characters', [[`${D}/permissionsets/Carebridge_Agent.permissionset-meta.xml`, /<description>[^<]*<\/description>/, `<description>${'y'.repeat(256)}</description>`]], /PermissionSet Carebridge_Agent: description has 256 characters, at most 255/],
    ['description-length', 'a custom permission description over 255 characters', [[`${D}/customPermissions/Carebridge_Integration_Access.customPermission-meta.xml`, /<description>[^<]*<\/description>/, `<description>${'y'.repeat(256)}</description>`]], /at most 255/],
    ['description-length', 'a validation rule description over 255 characters', [[`${ACT}/validationRules/Locked_After_Queued.validationRule-meta.xml`, /<description>[^<]*<\/description>/, `<description>${'y'.repeat(300)}</description>`]], /ValidationRule Care_Action__c.Locked_After_Queued: description has 300/],
    ['description-length', 'a field description over 1,000 characters', [[field('Case', 'Care_Platform__c'), /<description>[^<]*<\/description>/, `<description>${LONG}</description>`]], /at most 1000/],
    ['field-type', 'an unknown field type', [[field('Care_Message__c', 'Liked__c'), '<type>Checkbox</type>', '<type>Boolean</type>']], /type Boolean is not a FieldType/],
    ['field-help-length', 'help text over 510 characters', [[field('Case', 'Care_Platform__c'), /<inlineHelpText>[^<]*<\/inlineHelpText>/, `<inlineHelpText>${'h'.repeat(511)}</inlineHelpText>`]], /inlineHelpText has 511 characters, at most 510/],
    ['field-length', 'a Text field of 300 characters', [[field('Case', 'Care_Assignee__c'), '<length>255</length>', '<length>300</length>']], /a Text field holds 1 to 255/],
    ['field-length', 'a URL field with a length', [[field('Care_Message__c', 'Permalink__c'), /<type>LongTextArea<\/type>\s*<visibleLines>2<\/visibleLines>/, '<type>Url</type>']], /a Url field has no length/],
    ['field-length', 'a long text area under 256 characters', [[field('Care_Message__c', 'Permalink__c'), '<length>4096</length>', '<length>255</length>']], /256 to 131,072/],
    ['field-visible-lines', 'a long text area without visibleLines', [[field('Care_Message__c', 'Text__c'), '<visibleLines>5</visibleLines>', '']], /needs visibleLines/],
    ['field-number', 'a number with scale above precision', [[field('Care_Message__c', 'Thread_Depth__c'), '<scale>0</scale>', '<scale>4</scale>']], /precision 1 to 18/],
    ['field-checkbox-default', 'a checkbox without a default', [[field('Care_Message__c', 'Liked__c'), '<defaultValue>false</defaultValue>', '']], /defaultValue true or false/],
    ['field-unique', 'an external id on a picklist', [[field('Case', 'Care_Platform__c'), '<label>Care Platform</label>', '<externalId>true</externalId><label>Care Platform</label>']], /externalId on a Picklist/],
    ['field-unique', 'caseSensitive without unique', [[field('Case', 'Care_Case_Id__c'), '<unique>true</unique>', '<unique>false</unique>']], /caseSensitive needs unique/],
    ['picklist', 'a picklist value listed twice', [[`${ACT}/fields/Reply_Mode__c.field-meta.xml`, '<fullName>comment_on_post</fullName>', '<fullName>public_reply</fullName>']], /public_reply listed twice/],
    ['picklist', 'a picklist value without a label', [[`${ACT}/fields/Reply_Mode__c.field-meta.xml`, '<label>Public reply</label>', '<label></label>']], /public_reply has no label/],
    ['picklist', 'two default values', [[`${ACT}/fields/Status__c.field-meta.xml`, /<default>false<\/default>/, '<default>true</default>']], /more than one default/],
    ['relationship', 'a lookup to an object nobody has', [[`${ACT}/fields/Target_Message__c.field-meta.xml`, '<referenceTo>Care_Message__c</referenceTo>', '<referenceTo>Care_Messages__c</referenceTo>']], /referenceTo Care_Messages__c/],
    ['relationship', 'a required lookup that clears itself', [[`${ACT}/fields/Target_Message__c.field-meta.xml`, '<required>false</required>', '<required>true</required>']], /deleteConstraint Restrict or Cascade/],
    ['relationship', 'a master-detail without relationshipOrder', [[`${MSG}/fields/Case__c.field-meta.xml`, '<relationshipOrder>0</relationshipOrder>', '']], /relationshipOrder 0 or 1/],
    ['lookup-filter', 'a lookup filter on a field of the wrong object', [[`${ACT}/fields/Target_Message__c.field-meta.xml`, '<field>Care_Message__c.Case__c</field>', '<field>Case.Id</field>']], /compares fields of Care_Message__c/],
    ['lookup-filter', 'a lookup filter against a missing $Source field', [[`${ACT}/fields/Target_Message__c.field-meta.xml`, '$Source.Case__c', '$Source.Case2__c']], /no field Care_Action__c.Case2__c/],
    ['lookup-filter', 'a lookup filter with an unknown operation', [[`${ACT}/fields/Target_Message__c.field-meta.xml`, '<operation>equals</operation>', '<operation>is</operation>']], /operation is is not a FilterOperation/],
    ['object', 'an auto-number name without {0}', [[`${MSG}/Care_Message__c.object-meta.xml`, 'CM-{0000000}', 'CM-number']], /displayFormat holding \{0\}/],
    ['object-sharing', 'a master-detail child with its own sharing', [[`${MSG}/Care_Message__c.object-meta.xml`, '<sharingModel>ControlledByParent</sharingModel>', '<sharingModel>Private</sharingModel>']], /must be ControlledByParent/],
    ['validation-rule', 'an error message over 255 characters', [[`${ACT}/validationRules/Locked_After_Queued.validationRule-meta.xml`, /<errorMessage>[^<]*<\/errorMessage>/, `<errorMessage>${'e'.repeat(256)}</errorMessage>`]], /errorMessage has 256 characters, at most 255/],
    ['formula-refs', 'a validation rule naming a missing field', [[`${ACT}/validationRules/Locked_After_Queued.validationRule-meta.xml`, 'ISCHANGED(Body__c)', 'ISCHANGED(Text__c)']], /no field Care_Action__c\.Text__c/],
    ['formula-refs', 'a validation rule naming a missing custom permission', [[`${ACT}/validationRules/Locked_After_Queued.validationRule-meta.xml`, '$Permission.Carebridge_Integration_Access', '$Permission.Integration']], /\$Permission\.Integration: no such custom permission/],
    ['formula-refs', 'ISPICKVAL on a value the picklist lacks', [[`${ACT}/validationRules/Locked_After_Queued.validationRule-meta.xml`, '&apos;Queued&apos;', '&apos;Waiting&apos;']], /Waiting is not a value/],
    ['permset-refs', 'a permission set naming a missing field', [[`${D}/permissionsets/Carebridge_Agent.permissionset-meta.xml`, 'Care_Message__c.Text__c', 'Care_Message__c.Txt__c']], /no field Care_Message__c\.Txt__c/],
    ['permset-refs', 'a permission set granting a missing custom permission', [[`${D}/permissionsets/Carebridge_Integration.permissionset-meta.xml`, '<name>Carebridge_Integration_Access</name>', '<name>Carebridge_Access</name>']], /no custom permission Carebridge_Access/],
    ['permset-object-dependencies', 'view all without read', [[`${D}/permissionsets/Carebridge_Integration.permissionset-meta.xml`, /<allowRead>true<\/allowRead>/, '<allowRead>false</allowRead>']], /Care_Action__c: viewAllRecords needs allowRead/],
    ['permset-object-dependencies', 'modify all without delete', [[`${D}/permissionsets/Carebridge_Integration.permissionset-meta.xml`, '<modifyAllRecords>false</modifyAllRecords>', '<modifyAllRecords>true</modifyAllRecords>']], /modifyAllRecords needs allowDelete/],
    ['permset-required-field', 'a field permission on the master-detail field', [[`${D}/permissionsets/Carebridge_Agent.permissionset-meta.xml`, '<fieldPermissions>', '<fieldPermissions><editable>false</editable><field>Care_Action__c.Case__c</field><readable>true</readable></fieldPermissions><fieldPermissions>']], /Care_Action__c\.Case__c: a master-detail field takes no field permission/],
    ['flexipage-mode', 'a region with mode on a page without a parent', [[PAGE, '<name>header</name>', '<mode>Replace</mode>\n        <name>header</name>']], /mode Replace is only for a page with a parentFlexiPage/],
    ['flexipage-structure', 'a tab naming a facet the page lacks', [[PAGE, '<value>detailTabContent</value>', '<value>detailsTabContent</value>']], /names facet detailsTabContent, which the page lacks/],
    ['flexipage-structure', 'an unknown page type', [[PAGE, '<type>RecordPage</type>', '<type>CasePage</type>']], /CasePage is not a FlexiPageType/],
    ['flexipage-components', 'an unknown standard component', [[PAGE, 'force:detailPanel', 'force:detailsPanel']], /unknown component force:detailsPanel/],
    ['flexipage-components', 'the component not exposed for Case', [[`${LWC}/careConversation.js-meta.xml`, '<object>Case</object>', '<object>Care_Message__c</object>']], /not exposed on Case record pages/],
    ['quick-action', 'a quick action presetting a value the picklist lacks', [[`${D}/quickActions/Care_Message__c.Like.quickAction-meta.xml`, '<literalValue>like</literalValue>', '<literalValue>Like</literalValue>']], /Like is not a value of Care_Action__c\.Type__c/],
    ['quick-action', 'a quick action whose parent field points elsewhere', [[`${D}/quickActions/Case.Care_Reply.quickAction-meta.xml`, '<targetParentField>Case__c</targetParentField>', '<targetParentField>Target_Message__c</targetParentField>']], /does not point to Case/],
    ['quick-action', 'a quick action of an unknown type', [[`${D}/quickActions/Case.Care_Reply.quickAction-meta.xml`, '<type>Create</type>', '<type>New</type>']], /type New is not a QuickActionType/],
    ['list-view', 'a list view filtering on a value the picklist lacks', [[`${ACT}/listViews/Rejected_Today.listView-meta.xml`, '<value>Rejected</value>', '<value>rejected</value>']], /rejected is not a value of Care_Action__c\.Status__c/],
    ['list-view', 'a list view column that does not exist', [[`${D}/objects/Case/listViews/My_Social_Cases.listView-meta.xml`, '<columns>Care_Priority__c</columns>', '<columns>Care_Prio__c</columns>']], /column Care_Prio__c/],
    ['list-view', 'an unknown filter scope', [[`${D}/objects/Case/listViews/My_Social_Cases.listView-meta.xml`, '<filterScope>Mine</filterScope>', '<filterScope>Own</filterScope>']], /filterScope Own/],
    ['layout', 'a layout naming a missing field', [[`${D}/layouts/Care_Message__c-Care Message Layout.layout-meta.xml`, '<field>Liked__c</field>', '<field>Likes__c</field>']], /no field Care_Message__c\.Likes__c/],
    ['layout', 'the Case layout without the Care related list', [[CASE_LAYOUT, '<relatedList>Care_Action__c.Case__c</relatedList>', '<relatedList>Care_Action__c.Target_Message__c</relatedList>']], /does not point to Case/],
    ['layout', 'the Case layout naming a quick action that does not exist', [[CASE_LAYOUT, '<actionName>Case.Care_Reply</actionName>', '<actionName>Case.Social_Reply</actionName>']], /no such quick action/],
    ['layout', 'an unknown item behavior', [[CASE_LAYOUT, '<behavior>Edit</behavior>', '<behavior>Writable</behavior>']], /behavior Writable/],
    ['layout-required-fields', 'a required field read-only on its layout', [[`${D}/layouts/Care_Action__c-Care Action Layout.layout-meta.xml`, '<behavior>Required</behavior>\n                <field>Type__c</field>', '<behavior>Readonly</behavior>\n                <field>Type__c</field>']], /Type__c is required/],
    ['custom-label', 'a label value over 1,000 characters', [[LABELS, /<value>[^<]*<\/value>/, `<value>${LONG}</value>`]], /value has 1001 characters, at most 1000/],
    ['custom-label', 'a label short description over 80 characters', [[LABELS, /<shortDescription>[^<]*<\/shortDescription>/, `<shortDescription>${'d'.repeat(81)}</shortDescription>`]], /shortDescription has 81/],
    ['custom-label', 'a label in an unknown language', [[LABELS, '<language>en_US</language>', '<language>english</language>']], /language english/],
    ['lwc-name', 'a bundle name with a double underscore', [[`${LWC}/careConversation.js-meta.xml`, undefined, null], [`${D}/lwc/care__conversation/care__conversation.js`, undefined, 'export default 1;\n'],
        [`${D}/lwc/care__conversation/care__conversation.js-meta.xml`, undefined, '<?xml version="1.0" encoding="UTF-8"?>\n<LightningComponentBundle xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <isExposed>false</isExposed>\n</LightningComponentBundle>\n']], /bundle name care__conversation|lacks careConversation/],
    ['lwc-meta', 'a target the bundle type does not have', [[`${LWC}/careConversation.js-meta.xml`, '<target>lightning__RecordPage</target>', '<target>lightning__RecordPage</target>\n        <target>lightning__CasePage</target>']], /target lightning__CasePage/],
    ['lwc-meta', 'an API version above the project\'s', [[`${LWC}/careConversation.js-meta.xml`, '<apiVersion>62.0</apiVersion>', '<apiVersion>99.0</apiVersion>']], /apiVersion 99\.0/],
    ['lwc-refs', 'the component importing a missing field', [[`${LWC}/careConversation.js`, "'@salesforce/schema/Care_Message__c.Liked__c'", "'@salesforce/schema/Care_Message__c.Like__c'"]], /@salesforce\/schema\/Care_Message__c\.Like__c: no field/],
    ['lwc-refs', 'the component reading an unknown related list', [[`${LWC}/careConversation.js`, "relatedListId: 'Care_Actions__r'", "relatedListId: 'Care_Action__r'"]], /relatedListId Care_Action__r/],
    ['lwc-refs', 'the component importing a missing label', [[`${LWC}/labels.js`, "'@salesforce/label/c.Care_Send'", "'@salesforce/label/c.Care_Sends'"]], /c\.Care_Sends: no such custom label/],
    ['labels-used', 'a label no component uses', [[LABELS, '</CustomLabels>', '    <labels>\n        <fullName>Care_Unused</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>Unused</shortDescription>\n        <value>Unused</value>\n    </labels>\n</CustomLabels>']], /CustomLabel Care_Unused: no component uses this label/],
    ['standard-value-set', 'CaseStatus without a closed value', [['case-status/main/default/standardValueSets/CaseStatus.standardValueSet-meta.xml', '<closed>true</closed>', '<closed>false</closed>']], /needs a closed value/],
    ['opt-in-overwrite', 'CaseStatus in the default package', [[`${D}/standardValueSets/CaseStatus.standardValueSet-meta.xml`, undefined, fs.readFileSync(path.join(PROJECT, 'case-status/main/default/standardValueSets/CaseStatus.standardValueSet-meta.xml'), 'utf8')],
        ['case-status/main/default/standardValueSets/CaseStatus.standardValueSet-meta.xml', undefined, null]], /replaces the org's values/],
    ['channel', 'a channel without its __chn suffix', [[CHANNEL, undefined, null], [`${D}/platformEventChannels/Carebridge.platformEventChannel-meta.xml`, undefined, fs.readFileSync(path.join(PROJECT, CHANNEL), 'utf8')],
        [CASE_MEMBER, '<eventChannel>Carebridge__chn</eventChannel>', '<eventChannel>Carebridge</eventChannel>']], /must be <DeveloperName>__chn/],
    ['channel', 'a channel of an unknown type', [[CHANNEL, '<channelType>data</channelType>', '<channelType>changes</channelType>']], /channelType changes must be data or event/],
    ['channel-member', 'change events of an object that does not exist', [[CASE_MEMBER, /<selectedEntity>[^<]*<\/selectedEntity>/, '<selectedEntity>CasesChangeEvent</selectedEntity>']], /no change events of a known object/],
    ['channel-member', 'a member of a channel the deploy lacks', [[CASE_MEMBER, '<eventChannel>Carebridge__chn</eventChannel>', '<eventChannel>Other__chn</eventChannel>']], /neither ChangeEvents nor a channel of this deploy/],
    ['channel-member', 'a member file named with the double underscore', [[CASE_MEMBER, undefined, null],
        [`${D}/platformEventChannelMembers/Carebridge__chn_CaseChangeEvent.platformEventChannelMember-meta.xml`, undefined, fs.readFileSync(path.join(PROJECT, CASE_MEMBER), 'utf8')]], /each double underscore written once/],
    ['channel-member', 'a filter on a field the object lacks', [[CASE_MEMBER, 'Care_Case_Id__c != null', 'Care_Case__c != null']], /filterExpression names Care_Case__c/],
    ['channel-member', 'an enriched field the object lacks', [[CASE_MEMBER, '<name>Care_Case_Id__c</name>', '<name>Care_Id__c</name>']], /enriched field Care_Id__c/],
    ['group', 'a group label over 40 characters', [[GROUP, '<name>Carebridge Integration</name>', '<name>Carebridge Integration User And Its Friends</name>']], /name has 43 characters, at most 40/],
    ['group', 'a group without doesIncludeBosses', [[GROUP, '<doesIncludeBosses>false</doesIncludeBosses>', '']], /doesIncludeBosses must be true or false/],
    ['sharing-rule', 'a sharing rule shared with a group the deploy lacks', [[SHARING, '<group>Carebridge_Integration</group>', '<group>Carebridge</group>']], /sharedTo group Carebridge: no such group/],
    ['sharing-rule', 'a sharing rule with two targets', [[SHARING, '<group>Carebridge_Integration</group>', '<group>Carebridge_Integration</group><role>CEO</role>']], /names exactly one SharedTo target/],
    ['sharing-rule', 'a sharing rule granting All on a Case', [[SHARING, '<accessLevel>Edit</accessLevel>', '<accessLevel>All</accessLevel>']], /accessLevel All: Read or Edit/],
    ['sharing-rule', 'a criterion on a missing field', [[SHARING, '<field>Care_Case_Id__c</field>', '<field>Care_Id__c</field>']], /no field Case\.Care_Id__c/],
    ['sharing-rule', 'a criterion on a long text area', [[SHARING, '<field>Care_Case_Id__c</field>', '<field>Care_Sync_Error__c</field>']], /cannot test a LongTextArea field/],
    ['sharing-rule', 'a criterion with an unknown operation', [[SHARING, '<operation>notEqual</operation>', '<operation>isNotBlank</operation>']], /operation isNotBlank/],
    ['sharing-rule', 'filter logic naming a missing criterion', [[SHARING, '<includeRecordsOwnedByAll>', '<booleanFilter>1 OR 2</booleanFilter><includeRecordsOwnedByAll>']], /criterion 2 does not exist/],
    ['sharing-rule', 'a rule without includeRecordsOwnedByAll', [[SHARING, '<includeRecordsOwnedByAll>true</includeRecordsOwnedByAll>', '']], /includeRecordsOwnedByAll must be true or false/],
    ['rollback-manifest', 'a component the rollback manifest misses', [['manifest/destructiveChanges.xml', '<members>Care_Case_Record_Page</members>\n', '']], /does not name exactly what the default deploy adds/]
];

test('the shipped project passes', async () => {
    assert.deepStrictEqual(await check(PROJECT), []);
});

test('every rule has a test that breaks it', () => {
    const tested = new Set(cases.map(([rule]) => rule));
    assert.deepStrictEqual(RULES.map((r) => r.id).filter((id) => !tested.has(id)), []);
});

test('every rule names where it is written down', () => {
    for (const r of RULES) {
        assert.match(r.doc, /^https:\/\//, r.id);
        assert.ok(r.what.length > 10, r.id);
    }
});

for (const [rule, name, edits, want] of cases) {
    test(`[${rule}] reports ${name}`, async () => {
        const problems = await problemsAfter(edits);
        const hits = problems.filter((p) => p.rule === rule && want.test(`${p.component}: ${p.message}`));
        assert.ok(hits.length > 0, `want a ${rule} problem matching ${want}, got:\n${problems.map((p) => `[${p.rule}] ${p.component}: ${p.message}`).join('\n')}`);
    });
}
