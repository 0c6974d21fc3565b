#!/usr/bin/env node
// npm run check:metadata: what a deploy would refuse, found offline.
//
// 1. Salesforce's own library (@salesforce/source-deploy-retrieve, which the
//    sf CLI uses) converts each deploy of the project to metadata format in a
//    temporary directory: the default package directory alone (what
//    docs/salesforce-setup.md deploys), and with each opt-in directory
//    (case-status/). A file the library cannot place fails here, as it would
//    fail `sf project deploy start`.
// 2. Every component of the converted output, the files the org receives, is
//    checked against the Metadata API's rules for its type: RULES below, each
//    with the page of the Metadata API Developer Guide (or the Tooling API
//    guide, or Salesforce Help for a limit Setup enforces) it comes from.
//    scripts/check-metadata.test.js breaks each rule once.
// 3. The rollback manifest (manifest/destructiveChanges.xml) must name what the
//    default deploy adds, so that an admin can take it back out.
//
// The check cannot know an org's own metadata (other fields, record types,
// page assignments): `sf project deploy start --dry-run` against the org
// remains the final word, and docs/salesforce-setup.md starts with it.
//
// Usage: node scripts/check-metadata.js [project dir]   (exit 1 on problems)

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { XMLParser, XMLValidator } = require('fast-xml-parser');

const NS = 'http://soap.sforce.com/2006/04/metadata';
const GUIDE = 'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/';
const TOOLING = 'https://developer.salesforce.com/docs/atlas.en-us.api_tooling.meta/api_tooling/';
const HELP = 'https://help.salesforce.com/s/articleView?id=';
const LWC_GUIDE = 'https://developer.salesforce.com/docs/platform/lwc/guide/';

// ---------------------------------------------------------------------------
// What the platform has without this project: standard fields the metadata
// names, standard components a page may hold, standard buttons and related
// lists a layout may show.

const SYSTEM_FIELDS = ['Id', 'Name', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'];
const STANDARD_FIELDS = {
    Case: [
        'Id', 'CaseNumber', 'Subject', 'Status', 'Priority', 'Description', 'Origin', 'Type', 'Reason', 'OwnerId', 'ContactId', 'AccountId',
        'ParentId', 'IsClosed', 'ClosedDate', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'
    ]
};
// Case picklists the default deploy leaves alone: the values every org has
// (Salesforce's defaults). A value outside these must come from this project.
const STANDARD_VALUES = { 'Case.Status': ['New', 'Working', 'Escalated', 'Closed'] };
const LIST_VIEW_STANDARD = {
    Case: ['CASES.CASE_NUMBER', 'CASES.SUBJECT', 'CASES.STATUS', 'CASES.PRIORITY', 'CASES.CLOSED', 'CASES.ORIGIN',
        'CASES.CREATED_DATE_DATE_ONLY', 'CASES.LAST_UPDATE_DATE_ONLY', 'CORE.USERS.ALIAS', 'OWNER_NAME', 'NAME'],
    custom: ['NAME', 'OWNER.ALIAS', 'CREATEDBY_USER.ALIAS', 'UPDATEDBY_USER.ALIAS', 'CREATED_DATE', 'LAST_UPDATE']
};
const STANDARD_COMPONENTS = ['force:highlightsPanel', 'force:detailPanel', 'force:relatedListContainer', 'force:relatedListSingleContainer',
    'force:relatedListQuickLinksContainer', 'forceChatter:recordFeedContainer', 'runtime_sales_activities:activityPanel',
    'flexipage:fieldSection', 'flexipage:column', 'flexipage:tabset', 'flexipage:tab', 'flexipage:richText'];
const STANDARD_BUTTONS = ['Edit', 'Delete', 'Clone', 'ChangeOwnerOne', 'ChangeRecordType', 'Share', 'PrintableView', 'Submit'];
const STANDARD_RELATED_LISTS = ['RelatedActivityList', 'RelatedHistoryList', 'RelatedCommentsList', 'RelatedFileList', 'RelatedNoteList',
    'RelatedSolutionList', 'RelatedEmailMessageList', 'RelatedContentNoteList', 'RelatedEntityHistoryList'];

// Values the Metadata API allows (the enumerations of each type's page).
const FIELD_TYPES = ['AutoNumber', 'Lookup', 'MasterDetail', 'Checkbox', 'Currency', 'Date', 'DateTime', 'Email', 'EncryptedText', 'Number',
    'Percent', 'Phone', 'Picklist', 'MultiselectPicklist', 'Text', 'TextArea', 'LongTextArea', 'Html', 'Url', 'Time', 'Formula', 'Summary'];
const LOOKUP_OPERATIONS = ['equals', 'notEqual', 'lessThan', 'greaterThan', 'lessOrEqual', 'greaterOrEqual', 'contains', 'notContain',
    'startsWith', 'includes', 'excludes', 'within'];
// Operations of FilterItem that criteria-based sharing rules take, and the
// targets of SharedTo (Metadata API Developer Guide, SharingRules).
const SHARING_OPERATIONS = ['equals', 'notEqual', 'lessThan', 'greaterThan', 'lessOrEqual', 'greaterOrEqual', 'contains', 'notContain', 'startsWith'];
const SHARED_TO = ['allCustomerPortalUsers', 'allInternalUsers', 'allPartnerUsers', 'channelProgramGroup', 'channelProgramGroups', 'group', 'groups',
    'managerSubordinates', 'managers', 'portalRole', 'portalRoleAndSubordinates', 'queue', 'role', 'roleAndSubordinates',
    'roleAndSubordinatesInternal', 'roles', 'rolesAndSubordinates', 'territories', 'territoriesAndSubordinates', 'territory', 'territoryAndSubordinates'];
// Field types a criteria-based sharing rule cannot test (Salesforce Help,
// "Criteria-Based Sharing Rules"): long and rich text, encrypted text,
// formulas, roll-up summaries.
const SHARING_FIELD_TYPES_REFUSED = ['LongTextArea', 'Html', 'EncryptedText', 'Formula', 'Summary'];
const SHARING_MODELS = ['Private', 'Read', 'ReadWrite', 'ReadWriteTransfer', 'FullAccess', 'ControlledByParent', 'ControlledByCampaign',
    'ControlledByLeadOrContact'];
const FLEXIPAGE_TYPES = ['AppPage', 'CommAppPage', 'CommForgotPasswordPage', 'CommLoginPage', 'CommObjectPage', 'CommQuickActionCreatePage',
    'CommRecordPage', 'CommRelatedListPage', 'CommSearchResultPage', 'CommSelfRegisterPage', 'CommThemeLayoutPage', 'HomePage',
    'MailAppAppPage', 'RecordPage', 'UtilityBar'];
const REGION_TYPES = ['Region', 'Facet', 'Background'];
const REGION_MODES = ['Append', 'Prepend', 'Replace'];
const QUICK_ACTION_TYPES = ['Create', 'VisualforcePage', 'Post', 'SendEmail', 'LogACall', 'SocialPost', 'Canvas', 'Update',
    'LightningComponent', 'Flow', 'LightningWebComponent'];
const UI_BEHAVIORS = ['Edit', 'Required', 'Readonly'];
const SECTION_STYLES = ['TwoColumnsTopToBottom', 'TwoColumnsLeftToRight', 'OneColumn', 'CustomLinks'];
const FILTER_SCOPES = ['Everything', 'Mine', 'MineAndMyGroups', 'Queue', 'Delegated', 'MyTerritory', 'MyTeamTerritory', 'Team',
    'AssignedToMe', 'SalesTeam'];
const LWC_TARGETS = ['lightning__AppPage', 'lightning__HomePage', 'lightning__RecordPage', 'lightning__RecordAction', 'lightning__UtilityBar',
    'lightning__FlowScreen', 'lightning__Tab', 'lightning__Inbox', 'lightning__UrlAddressable', 'lightningCommunity__Page',
    'lightningCommunity__Default', 'lightningSnapin__ChatMessage', 'lightningSnapin__Minimized', 'lightningSnapin__PreChat',
    'lightningSnapin__ChatHeader', 'lightning__Dashboard', 'lightning__GlobalAction', 'lightning__RecordField', 'lightning__ServiceProcess'];
const LABEL_LANGUAGES = ['en_US', 'de', 'es', 'fr', 'it', 'ja', 'sv', 'ko', 'zh_TW', 'zh_CN', 'pt_BR', 'nl_NL', 'da', 'th', 'fi', 'ru', 'es_MX', 'no'];
// StandardValueSet names this project may ship (only as an opt-in package:
// deploying one replaces the org's values).
const STANDARD_VALUE_SETS = ['CaseStatus', 'CasePriority', 'CaseOrigin', 'CaseReason', 'CaseType'];

// Limits, each with the page that states it. "Setup" limits are those Setup
// enforces on the same property (Salesforce Help); a deploy enforces them too.
const LIMITS = {
    CustomObject: { name: 40, label: 40, pluralLabel: 40, description: 1000 },
    CustomField: { name: 40, label: 40, description: 1000, inlineHelpText: 510, relationshipLabel: 80, picklistValue: 255 },
    ValidationRule: { name: 40, description: 255, errorMessage: 255, formula: 3900 },
    PermissionSet: { name: 80, label: 80, description: 255 },
    CustomPermission: { name: 80, label: 80, description: 255 },
    FlexiPage: { name: 80, masterLabel: 80, description: 255 },
    QuickAction: { name: 40, label: 40, description: 255 },
    ListView: { name: 40, label: 40 },
    Layout: { name: 80 },
    CustomLabel: { name: 80, value: 1000, shortDescription: 80, categories: 255 },
    LookupFilter: { errorMessage: 255, infoMessage: 255 },
    Group: { name: 80, label: 40, description: 1332 },
    SharingCriteriaRule: { name: 80, label: 80, description: 1000, criteria: 10 }
};

// ---------------------------------------------------------------------------
// The rules. Each has an id (the report names it), the metadata types it
// applies to and where the rule is written down.

const RULES = [
    { id: 'convert', types: '*', doc: 'https://github.com/forcedotcom/source-deploy-retrieve', what: 'the source converts to metadata format with Salesforce\'s own library' },
    { id: 'xml', types: '*', doc: GUIDE + 'file_based.htm', what: 'every file is well-formed XML with the root element of its type in the metadata namespace' },
    { id: 'known-type', types: '*', doc: GUIDE + 'meta_types_list.htm', what: 'every type the package holds is one this check validates' },
    { id: 'api-name', types: '*', doc: TOOLING + 'tooling_api_objects_validationrule.htm', what: 'API names start with a letter, hold letters, digits and single underscores, do not end with one, and fit the type\'s length' },
    { id: 'label-length', types: '*', doc: TOOLING + 'tooling_api_objects_permissionset.htm', what: 'labels are present and fit the type\'s length' },
    { id: 'description-length', types: '*', doc: TOOLING + 'tooling_api_objects_custompermission.htm', what: 'descriptions fit the type\'s length' },
    { id: 'field-type', types: ['CustomField'], doc: GUIDE + 'customfield.htm', what: 'a field\'s type is one of FieldType' },
    { id: 'field-help-length', types: ['CustomField'], doc: HELP + 'sf.fields_useful_field_validation_formulas.htm', what: 'help text holds at most 510 characters' },
    { id: 'field-length', types: ['CustomField'], doc: GUIDE + 'customfield.htm', what: 'Text holds 1 to 255 characters, LongTextArea and Html 256 to 131,072; a URL field has no length' },
    { id: 'field-visible-lines', types: ['CustomField'], doc: GUIDE + 'customfield.htm', what: 'LongTextArea, Html and MultiselectPicklist fields set visibleLines' },
    { id: 'field-number', types: ['CustomField'], doc: GUIDE + 'customfield.htm', what: 'Number, Currency and Percent: precision 1 to 18, scale 0 to precision' },
    { id: 'field-checkbox-default', types: ['CustomField'], doc: GUIDE + 'customfield.htm', what: 'a Checkbox sets defaultValue true or false' },
    { id: 'field-unique', types: ['CustomField'], doc: GUIDE + 'customfield.htm', what: 'externalId only on Text, Number, Email and AutoNumber; unique only on Text, Number and Email; caseSensitive only with unique' },
    { id: 'picklist', types: ['CustomField', 'StandardValueSet'], doc: GUIDE + 'customvalue.htm', what: 'picklist values are unique, labelled, at most 255 characters, with at most one default' },
    { id: 'relationship', types: ['CustomField'], doc: GUIDE + 'customfield.htm', what: 'Lookup and MasterDetail name an object this deploy or the org has, a relationshipName and label; MasterDetail relationshipOrder 0 or 1; a Lookup\'s deleteConstraint is SetNull, Restrict or Cascade, never SetNull when required' },
    { id: 'lookup-filter', types: ['CustomField'], doc: GUIDE + 'meta_lookupfilter.htm', what: 'a lookup filter compares fields of the looked-up object with operations LookupFilter allows, against $Source fields that exist, with messages of at most 255 characters' },
    { id: 'object', types: ['CustomObject'], doc: GUIDE + 'customobject.htm', what: 'a custom object sets deploymentStatus, label, pluralLabel and a nameField (Text, or AutoNumber with a displayFormat holding {0})' },
    { id: 'object-sharing', types: ['CustomObject'], doc: GUIDE + 'customobject.htm', what: 'sharingModel is one of SharingModel; ControlledByParent exactly when the object has a MasterDetail field' },
    { id: 'validation-rule', types: ['ValidationRule'], doc: GUIDE + 'meta_validationformulas.htm', what: 'a validation rule is active or not, has a formula of at most 3,900 characters and an error message of at most 255' },
    { id: 'formula-refs', types: ['ValidationRule', 'QuickAction'], doc: HELP + 'sf.customize_functions.htm', what: 'a formula names fields, picklist values and custom permissions that exist' },
    { id: 'permset-refs', types: ['PermissionSet'], doc: GUIDE + 'meta_permissionset.htm', what: 'a permission set names objects, fields and custom permissions that exist; editable needs readable' },
    { id: 'permset-object-dependencies', types: ['PermissionSet'], doc: GUIDE + 'meta_permissionset.htm', what: 'object permissions hold what they depend on: edit and view all need read, delete needs edit, modify all needs read, edit, delete and view all' },
    { id: 'permset-required-field', types: ['PermissionSet'], doc: HELP + 'sf.users_profiles_fls.htm', what: 'no field permission on a required or master-detail field (a deploy refuses them: such fields are always visible and editable)' },
    { id: 'flexipage-mode', types: ['FlexiPage'], doc: GUIDE + 'meta_flexipage.htm', what: 'a region sets mode (Append, Prepend, Replace) only on a page with a parentFlexiPage' },
    { id: 'flexipage-structure', types: ['FlexiPage'], doc: GUIDE + 'meta_flexipage.htm', what: 'type is one of FlexiPageType, a RecordPage names its sobjectType and template, regions are Region, Facet or Background, every facet is used, identifiers are unique' },
    { id: 'flexipage-components', types: ['FlexiPage'], doc: GUIDE + 'meta_flexipage.htm', what: 'a page holds standard components or this project\'s components exposed for its object, and fields of its object' },
    { id: 'quick-action', types: ['QuickAction'], doc: GUIDE + 'meta_quickaction.htm', what: 'a Create action names its target object and a targetParentField pointing back to the action\'s object, sets optionsCreateFeedItem, and presets and shows fields that exist with values their picklists allow' },
    { id: 'list-view', types: ['ListView'], doc: GUIDE + 'meta_listview.htm', what: 'filterScope and filter operations are ones ListView allows; columns and filters name fields and picklist values that exist' },
    { id: 'layout', types: ['Layout'], doc: GUIDE + 'meta_layout.htm', what: 'items use behaviors Edit, Readonly or Required on fields that exist, sections a known style; actions and related lists exist and belong to the object' },
    { id: 'layout-required-fields', types: ['Layout'], doc: GUIDE + 'meta_layout.htm', what: 'a field required on its object is on the layout as Required' },
    { id: 'custom-label', types: ['CustomLabels'], doc: GUIDE + 'meta_customlabels.htm', what: 'a custom label has a value of at most 1,000 characters, a shortDescription of at most 80, a language Salesforce supports and protected set' },
    { id: 'lwc-name', types: ['LightningComponentBundle'], doc: LWC_GUIDE + 'create-components-folder.html', what: 'a bundle name starts with a lowercase letter, holds letters, digits and single underscores, no hyphen, and does not end with an underscore; its .js and .js-meta.xml files carry the name' },
    { id: 'lwc-meta', types: ['LightningComponentBundle'], doc: GUIDE + 'meta_lightningcomponentbundle.htm', what: 'apiVersion is a version, targets are ones LightningComponentBundle allows, an exposed bundle has a masterLabel, targetConfigs name declared targets and objects only for record pages' },
    { id: 'lwc-refs', types: ['LightningComponentBundle'], doc: LWC_GUIDE + 'reference-salesforce-modules.html', what: 'the component\'s @salesforce/schema and @salesforce/label imports, field names and related lists exist in this deploy' },
    { id: 'labels-used', types: ['CustomLabels'], doc: GUIDE + 'meta_customlabels.htm', what: 'every custom label shipped is used by a component (a translation nobody sees is wasted work)' },
    { id: 'standard-value-set', types: ['StandardValueSet'], doc: GUIDE + 'standardvalueset.htm', what: 'a standard value set has a StandardValueSet name, one default and, for CaseStatus, a closed value' },
    { id: 'opt-in-overwrite', types: ['StandardValueSet'], doc: GUIDE + 'standardvalueset.htm', what: 'the default package holds no StandardValueSet: deploying one replaces the org\'s values, so it lives in an opt-in package directory' },
    { id: 'channel', types: ['PlatformEventChannel'], doc: TOOLING + 'tooling_api_objects_platformeventchannel.htm', what: 'a custom channel is named <DeveloperName>__chn (letters, digits and single underscores before the suffix) with channelType data or event and a label' },
    { id: 'channel-member', types: ['PlatformEventChannelMember'], doc: GUIDE + 'meta_platformeventchannelmember.htm', what: 'a channel member names ChangeEvents or a custom channel of this deploy, an entity whose object exists, is named <channel>_<entity> with each double underscore written once, and filters and enriches with fields of that object' },
    { id: 'group', types: ['Group'], doc: GUIDE + 'meta_group.htm', what: 'a public group has a name (its label) of at most 40 characters, sets doesIncludeBosses, and a description of at most 1,332' },
    { id: 'sharing-rule', types: ['SharingRules', 'SharingCriteriaRule'], doc: GUIDE + 'meta_sharingrules.htm', what: 'a criteria-based sharing rule on an object of this deploy (Private or Public Read Only) grants Read or Edit to one SharedTo target (a group of this deploy), sets includeRecordsOwnedByAll, and has 1 to 10 criteria on fields that exist, of types sharing rules can test, with FilterItem operations and filter logic naming existing criteria' },
    { id: 'rollback-manifest', types: '*', doc: 'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deploy_deleting_files.htm', what: 'manifest/destructiveChanges.xml names exactly what the default deploy adds' }
];
const RULE_IDS = new Set(RULES.map((r) => r.id));

// Types the check knows, with the limits of LIMITS[type] and what the
// converted output names them (directory, suffix).
const KNOWN_TYPES = ['CustomObject', 'CustomField', 'ValidationRule', 'ListView', 'PermissionSet', 'CustomPermission', 'FlexiPage',
    'QuickAction', 'Layout', 'CustomLabels', 'CustomLabel', 'LightningComponentBundle', 'StandardValueSet', 'PlatformEventChannelMember',
    'PlatformEventChannel', 'Group', 'SharingRules', 'SharingCriteriaRule'];

// ---------------------------------------------------------------------------
// XML helpers

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
function str(v) {
    if (v === undefined || v === null) {
        return '';
    }
    return typeof v === 'object' ? String(v['#text'] === undefined ? '' : v['#text']) : String(v);
}
function text(node, name) {
    return str(all(node, name)[0]);
}
function has(node, name) {
    return all(node, name).length > 0;
}

// ---------------------------------------------------------------------------
// Conversion with @salesforce/source-deploy-retrieve

function projectPackages(projectDir) {
    const project = JSON.parse(fs.readFileSync(path.join(projectDir, 'sfdx-project.json'), 'utf8'));
    const dirs = (project.packageDirectories || []).map((d) => ({ path: d.path.replace(/^\.\//, ''), default: Boolean(d.default) }));
    return { dirs, apiVersion: project.sourceApiVersion };
}

/** The deploys to check: the default package alone, and with each opt-in one. */
function deploys(projectDir) {
    const { dirs } = projectPackages(projectDir);
    const main = dirs.find((d) => d.default) || dirs[0];
    const out = [{ name: main.path, dirs: [main.path], isDefault: true }];
    for (const d of dirs.filter((x) => x !== main)) {
        out.push({ name: `${main.path} + ${d.path}`, dirs: [main.path, d.path], isDefault: false });
    }
    return out;
}

async function convert(projectDir, dirs, outputDirectory) {
    const { ComponentSet, MetadataConverter } = require('@salesforce/source-deploy-retrieve');
    const set = ComponentSet.fromSource(dirs.map((d) => path.join(projectDir, d)));
    await new MetadataConverter().convert(set, 'metadata', { type: 'directory', outputDirectory, genUniqueDir: false });
    return set;
}

// ---------------------------------------------------------------------------
// Reading the converted output into components

function readXml(file, rootName, report) {
    const raw = fs.readFileSync(file, 'utf8');
    const valid = XMLValidator.validate(raw);
    if (valid !== true) {
        report('xml', path.basename(file), `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
        return null;
    }
    const root = all(parser.parse(raw), rootName)[0];
    if (!root) {
        report('xml', path.basename(file), `root element is not <${rootName}>`);
        return null;
    }
    if (root['@xmlns'] !== NS) {
        report('xml', path.basename(file), `<${rootName}> needs xmlns="${NS}"`);
    }
    return root;
}

// Directory of the metadata format -> [type, suffix, root element].
const FOLDERS = {
    objects: ['CustomObject', '.object', 'CustomObject'],
    permissionsets: ['PermissionSet', '.permissionset', 'PermissionSet'],
    customPermissions: ['CustomPermission', '.customPermission', 'CustomPermission'],
    flexipages: ['FlexiPage', '.flexipage', 'FlexiPage'],
    quickActions: ['QuickAction', '.quickAction', 'QuickAction'],
    layouts: ['Layout', '.layout', 'Layout'],
    labels: ['CustomLabels', '.labels', 'CustomLabels'],
    standardValueSets: ['StandardValueSet', '.standardValueSet', 'StandardValueSet'],
    platformEventChannelMembers: ['PlatformEventChannelMember', '.platformEventChannelMember', 'PlatformEventChannelMember'],
    platformEventChannels: ['PlatformEventChannel', '.platformEventChannel', 'PlatformEventChannel'],
    groups: ['Group', '.group', 'Group'],
    sharingRules: ['SharingRules', '.sharingRules', 'SharingRules']
};

function load(outDir, report) {
    const c = { components: [], objects: new Map(), bundles: new Map(), labels: new Map(), quickActions: new Set(), customPermissions: new Set(), groups: new Set(), packageTypes: [] };
    const pkg = readXml(path.join(outDir, 'package.xml'), 'Package', report);
    for (const t of all(pkg, 'types')) {
        c.packageTypes.push({ type: text(t, 'name'), members: all(t, 'members').map(str) });
    }
    for (const [folder, [type, suffix, rootName]] of Object.entries(FOLDERS)) {
        const dir = path.join(outDir, folder);
        if (!fs.existsSync(dir)) {
            continue;
        }
        for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(suffix)).sort()) {
            const el = readXml(path.join(dir, f), rootName, report);
            if (el) {
                c.components.push({ type, name: f.slice(0, -suffix.length), el });
            }
        }
    }
    const lwcDir = path.join(outDir, 'lwc');
    if (fs.existsSync(lwcDir)) {
        for (const name of fs.readdirSync(lwcDir).sort()) {
            const dir = path.join(lwcDir, name);
            const metaFile = path.join(dir, name + '.js-meta.xml');
            const el = fs.existsSync(metaFile) ? readXml(metaFile, 'LightningComponentBundle', report) : {};
            const js = fs.readdirSync(dir).filter((x) => x.endsWith('.js')).map((x) => ({ file: x, src: fs.readFileSync(path.join(dir, x), 'utf8') }));
            const b = { type: 'LightningComponentBundle', name, el: el || {}, dir, files: fs.readdirSync(dir), js };
            c.components.push(b);
            c.bundles.set(name, b);
        }
    }
    // Children of objects become components of their own, as the Metadata API sees them.
    for (const o of c.components.filter((x) => x.type === 'CustomObject')) {
        for (const [tag, type] of [['fields', 'CustomField'], ['validationRules', 'ValidationRule'], ['listViews', 'ListView']]) {
            for (const child of all(o.el, tag)) {
                c.components.push({ type, name: `${o.name}.${text(child, 'fullName')}`, object: o.name, el: child });
            }
        }
    }
    for (const r of c.components.filter((x) => x.type === 'SharingRules')) {
        for (const rule of all(r.el, 'sharingCriteriaRules')) {
            c.components.push({ type: 'SharingCriteriaRule', name: `${r.name}.${text(rule, 'fullName')}`, object: r.name, el: rule });
        }
    }
    for (const l of c.components.filter((x) => x.type === 'CustomLabels')) {
        for (const label of all(l.el, 'labels')) {
            const name = text(label, 'fullName');
            c.labels.set(name, label);
            c.components.push({ type: 'CustomLabel', name, el: label });
        }
    }
    c.components.filter((x) => x.type === 'QuickAction').forEach((x) => c.quickActions.add(x.name));
    c.components.filter((x) => x.type === 'CustomPermission').forEach((x) => c.customPermissions.add(x.name));
    c.components.filter((x) => x.type === 'Group').forEach((x) => c.groups.add(x.name));
    buildSchema(c);
    return c;
}

// The schema the deploy leaves: standard fields plus every custom field.
function buildSchema(c) {
    const addObject = (name, custom) => {
        if (!c.objects.has(name)) {
            const fields = new Map();
            const std = STANDARD_FIELDS[name] || (name.endsWith('__c') ? SYSTEM_FIELDS : []);
            for (const f of std) {
                const values = STANDARD_VALUES[`${name}.${f}`] || [];
                fields.set(f, { name: f, type: 'standard', values, required: false });
            }
            c.objects.set(name, { name, custom, fields });
        }
        return c.objects.get(name);
    };
    addObject('Case', false);
    for (const o of c.components.filter((x) => x.type === 'CustomObject')) {
        addObject(o.name, o.name.endsWith('__c'));
    }
    for (const f of c.components.filter((x) => x.type === 'CustomField')) {
        const name = text(f.el, 'fullName');
        const type = text(f.el, 'type');
        addObject(f.object).fields.set(name, {
            name,
            type,
            referenceTo: text(f.el, 'referenceTo'),
            relationshipName: text(f.el, 'relationshipName'),
            required: type === 'MasterDetail' || text(f.el, 'required') === 'true',
            values: all(f.el, 'valueSet', 'valueSetDefinition', 'value').map((v) => text(v, 'fullName'))
        });
    }
    for (const s of c.components.filter((x) => x.type === 'StandardValueSet' && x.name === 'CaseStatus')) {
        c.objects.get('Case').fields.get('Status').values = all(s.el, 'standardValue').map((v) => text(v, 'fullName'));
    }
}

// ---------------------------------------------------------------------------
// The checks

const API_NAME = /^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/;

function checkName(c, report, comp, kind) {
    const limits = LIMITS[comp.type] || {};
    let name = comp.name;
    if (comp.type === 'Layout') {
        const dash = name.indexOf('-');
        name = name.slice(dash + 1);
        if (dash < 1 || !name.trim()) {
            report('api-name', comp, 'a layout is named <Object>-<Layout Name>');
        }
        if (limits.name && name.length > limits.name) {
            report('api-name', comp, `layout name has ${name.length} characters, at most ${limits.name}`);
        }
        return;
    }
    if (comp.type === 'LightningComponentBundle' || comp.type === 'CustomLabels' || comp.type === 'PlatformEventChannel' ||
        comp.type === 'PlatformEventChannelMember' || kind === 'skip') {
        return; // their own rules name them (channel, channel-member)
    }
    if (comp.object || comp.type === 'QuickAction') {
        name = name.slice(name.indexOf('.') + 1);
    }
    const bare = name.replace(/__(c|r|e|mdt|ChangeEvent)$/, '').replace(/__ChangeEvent$/, '');
    if (!API_NAME.test(bare)) {
        report('api-name', comp, `API name ${name} must start with a letter and hold only letters, digits and single underscores, not ending with one`);
    }
    if (limits.name && bare.length > limits.name) {
        report('api-name', comp, `API name ${bare} has ${bare.length} characters, at most ${limits.name}`);
    }
}

function checkLength(report, rule, comp, what, value, max, required) {
    if (required && !value.trim()) {
        report(rule, comp, `${what} is required`);
    } else if (max && value.length > max) {
        report(rule, comp, `${what} has ${value.length} characters, at most ${max}`);
    }
}

function checkTexts(c, report, comp) {
    const limits = LIMITS[comp.type] || {};
    const labelRequired = ['CustomObject', 'CustomField', 'PermissionSet', 'CustomPermission', 'QuickAction', 'ListView', 'SharingCriteriaRule'].includes(comp.type) &&
        !(comp.type === 'CustomObject' && !comp.name.endsWith('__c'));
    for (const key of ['label', 'masterLabel', 'pluralLabel']) {
        if (limits[key] !== undefined || (key === 'label' && labelRequired)) {
            checkLength(report, 'label-length', comp, key, text(comp.el, key), limits[key], key === 'label' ? labelRequired : key === 'masterLabel' || (key === 'pluralLabel' && comp.type === 'CustomObject' && comp.name.endsWith('__c')));
        }
    }
    if (limits.description !== undefined) {
        checkLength(report, 'description-length', comp, 'description', text(comp.el, 'description'), limits.description);
    }
}

function field(c, objectName, fieldName) {
    const o = c.objects.get(objectName);
    return o ? o.fields.get(fieldName) : undefined;
}

function needField(c, report, rule, comp, objectName, fieldName, where) {
    if (!c.objects.has(objectName)) {
        report(rule, comp, `${where}: no object ${objectName}`);
        return undefined;
    }
    const f = field(c, objectName, fieldName);
    if (!f) {
        report(rule, comp, `${where}: no field ${objectName}.${fieldName}`);
    }
    return f;
}

function needValue(c, report, rule, comp, objectName, fieldName, value, where) {
    const f = needField(c, report, rule, comp, objectName, fieldName, where);
    if (f && f.values.length && !f.values.includes(value)) {
        report(rule, comp, `${where}: ${value} is not a value of ${objectName}.${fieldName} (values: ${f.values.join(', ')})`);
    }
}

function checkPicklist(report, comp, values, nameOf) {
    const names = values.map((v) => nameOf(v));
    const max = LIMITS.CustomField.picklistValue;
    names.forEach((n, i) => {
        if (names.indexOf(n) !== i) {
            report('picklist', comp, `picklist value ${n} listed twice`);
        }
        if (!n) {
            report('picklist', comp, 'a picklist value has no fullName');
        } else if (n.length > max) {
            report('picklist', comp, `picklist value ${n.slice(0, 20)}… has ${n.length} characters, at most ${max}`);
        }
    });
    values.forEach((v) => {
        const label = text(v, 'label');
        if (!label) {
            report('picklist', comp, `picklist value ${nameOf(v)} has no label`);
        } else if (label.length > max) {
            report('picklist', comp, `label of picklist value ${nameOf(v)} has ${label.length} characters, at most ${max}`);
        }
    });
    if (values.filter((v) => text(v, 'default') === 'true').length > 1) {
        report('picklist', comp, 'more than one default picklist value');
    }
}

function checkField(c, report, comp) {
    const el = comp.el;
    const type = text(el, 'type');
    const limits = LIMITS.CustomField;
    checkLength(report, 'field-help-length', comp, 'inlineHelpText', text(el, 'inlineHelpText'), limits.inlineHelpText);
    if (!FIELD_TYPES.includes(type)) {
        report('field-type', comp, `type ${type || '(none)'} is not a FieldType (${FIELD_TYPES.join(', ')})`);
        return;
    }
    const length = text(el, 'length');
    const n = Number(length);
    if (type === 'Text' && !(Number.isInteger(n) && n >= 1 && n <= 255)) {
        report('field-length', comp, `a Text field holds 1 to 255 characters, not ${length || '(none)'}`);
    }
    if ((type === 'LongTextArea' || type === 'Html') && !(Number.isInteger(n) && n >= 256 && n <= 131072)) {
        report('field-length', comp, `a ${type} field holds 256 to 131,072 characters, not ${length || '(none)'}`);
    }
    if (['Url', 'TextArea', 'Checkbox', 'Picklist', 'Lookup', 'MasterDetail', 'DateTime', 'Date'].includes(type) && length) {
        report('field-length', comp, `a ${type} field has no length (${type === 'Url' || type === 'TextArea' ? '255 characters' : 'fixed'}); use LongTextArea for longer text`);
    }
    if (['LongTextArea', 'Html', 'MultiselectPicklist'].includes(type) && !text(el, 'visibleLines')) {
        report('field-visible-lines', comp, `a ${type} field needs visibleLines`);
    }
    if (['Number', 'Currency', 'Percent'].includes(type)) {
        const p = Number(text(el, 'precision'));
        const s = Number(text(el, 'scale'));
        if (!(Number.isInteger(p) && p >= 1 && p <= 18 && Number.isInteger(s) && s >= 0 && s <= p)) {
            report('field-number', comp, `precision ${text(el, 'precision') || '(none)'} and scale ${text(el, 'scale') || '(none)'}: precision 1 to 18, scale 0 to precision`);
        }
    }
    if (type === 'Checkbox' && !['true', 'false'].includes(text(el, 'defaultValue'))) {
        report('field-checkbox-default', comp, 'a Checkbox needs defaultValue true or false');
    }
    if (text(el, 'externalId') === 'true' && !['Text', 'Number', 'Email', 'AutoNumber'].includes(type)) {
        report('field-unique', comp, `externalId on a ${type} field`);
    }
    if (text(el, 'unique') === 'true' && !['Text', 'Number', 'Email'].includes(type)) {
        report('field-unique', comp, `unique on a ${type} field`);
    }
    if (has(el, 'caseSensitive') && text(el, 'unique') !== 'true') {
        report('field-unique', comp, 'caseSensitive needs unique');
    }
    if (type === 'Picklist' || type === 'MultiselectPicklist') {
        const values = all(el, 'valueSet', 'valueSetDefinition', 'value');
        if (!values.length && !text(all(el, 'valueSet')[0], 'valueSetName')) {
            report('picklist', comp, 'a picklist needs values or a global value set');
        }
        checkPicklist(report, comp, values, (v) => text(v, 'fullName'));
    }
    if (type === 'Lookup' || type === 'MasterDetail') {
        checkRelationship(c, report, comp, type);
    }
    if (has(el, 'lookupFilter')) {
        checkLookupFilter(c, report, comp);
    }
}

function checkRelationship(c, report, comp, type) {
    const el = comp.el;
    const to = text(el, 'referenceTo');
    if (!to || (!c.objects.has(to) && !['User', 'Account', 'Contact'].includes(to))) {
        report('relationship', comp, `referenceTo ${to || '(none)'}: no such object in this deploy`);
    }
    if (!API_NAME.test(text(el, 'relationshipName'))) {
        report('relationship', comp, `relationshipName ${text(el, 'relationshipName') || '(none)'} is not an API name`);
    }
    checkLength(report, 'relationship', comp, 'relationshipLabel', text(el, 'relationshipLabel'), LIMITS.CustomField.relationshipLabel, true);
    if (type === 'MasterDetail' && !['0', '1'].includes(text(el, 'relationshipOrder'))) {
        report('relationship', comp, 'a MasterDetail field sets relationshipOrder 0 or 1');
    }
    if (type === 'Lookup') {
        const dc = text(el, 'deleteConstraint');
        if (dc && !['SetNull', 'Restrict', 'Cascade'].includes(dc)) {
            report('relationship', comp, `deleteConstraint ${dc}: SetNull, Restrict or Cascade`);
        }
        if (text(el, 'required') === 'true' && (dc || 'SetNull') === 'SetNull') {
            report('relationship', comp, 'a required lookup cannot clear itself when the record it points to is deleted: deleteConstraint Restrict or Cascade');
        }
    }
}

function checkLookupFilter(c, report, comp) {
    const lf = all(comp.el, 'lookupFilter')[0];
    const to = text(comp.el, 'referenceTo');
    if (!['true', 'false'].includes(text(lf, 'active')) || !['true', 'false'].includes(text(lf, 'isOptional'))) {
        report('lookup-filter', comp, 'a lookup filter sets active and isOptional');
    }
    for (const key of ['errorMessage', 'infoMessage']) {
        checkLength(report, 'lookup-filter', comp, `lookupFilter ${key}`, text(lf, key), LIMITS.LookupFilter[key]);
    }
    const items = all(lf, 'filterItems');
    if (!items.length) {
        report('lookup-filter', comp, 'a lookup filter needs filterItems');
    }
    for (const item of items) {
        const [obj, fld] = text(item, 'field').split('.');
        if (obj !== to) {
            report('lookup-filter', comp, `filter item ${text(item, 'field')}: a filter compares fields of ${to}, the object looked up`);
        } else {
            needField(c, report, 'lookup-filter', comp, obj, fld, 'lookup filter');
        }
        if (!LOOKUP_OPERATIONS.includes(text(item, 'operation'))) {
            report('lookup-filter', comp, `operation ${text(item, 'operation') || '(none)'} is not a FilterOperation`);
        }
        const vf = text(item, 'valueField');
        if (vf) {
            const m = vf.match(/^\$Source\.(\w+)$/);
            if (!m) {
                report('lookup-filter', comp, `valueField ${vf}: compare with $Source.<field> of ${comp.object}`);
            } else {
                needField(c, report, 'lookup-filter', comp, comp.object, m[1], 'lookup filter $Source');
            }
        } else if (!has(item, 'value')) {
            report('lookup-filter', comp, 'a filter item needs a value or a valueField');
        }
    }
}

function checkObject(c, report, comp) {
    if (!comp.name.endsWith('__c')) {
        return; // a standard object's file only carries its children
    }
    const el = comp.el;
    if (!text(el, 'deploymentStatus')) {
        report('object', comp, 'deploymentStatus is required');
    }
    const nf = all(el, 'nameField')[0];
    const nfType = text(nf, 'type');
    if (!nf || !text(nf, 'label') || !['Text', 'AutoNumber'].includes(nfType)) {
        report('object', comp, 'a custom object needs a nameField with a label and type Text or AutoNumber');
    } else if (nfType === 'AutoNumber' && !/\{0+\}/.test(text(nf, 'displayFormat'))) {
        report('object', comp, 'an AutoNumber name needs a displayFormat holding {0}');
    }
    const sharing = text(el, 'sharingModel');
    const hasMaster = [...c.objects.get(comp.name).fields.values()].some((f) => f.type === 'MasterDetail');
    for (const key of ['sharingModel', 'externalSharingModel']) {
        const v = text(el, key);
        if (v && !SHARING_MODELS.includes(v)) {
            report('object-sharing', comp, `${key} ${v} is not a SharingModel`);
        }
    }
    if ((sharing === 'ControlledByParent') !== hasMaster) {
        report('object-sharing', comp, hasMaster ? `a master-detail child must be ControlledByParent, not ${sharing || '(none)'}` : 'ControlledByParent needs a MasterDetail field');
    }
}

function checkValidationRule(c, report, comp) {
    const el = comp.el;
    const formula = text(el, 'errorConditionFormula');
    const limits = LIMITS.ValidationRule;
    if (!['true', 'false'].includes(text(el, 'active'))) {
        report('validation-rule', comp, 'active must be true or false');
    }
    checkLength(report, 'validation-rule', comp, 'errorConditionFormula', formula, limits.formula, true);
    checkLength(report, 'validation-rule', comp, 'errorMessage', text(el, 'errorMessage'), limits.errorMessage, true);
    checkFormula(c, report, comp, comp.object, formula, 'formula');
}

function checkFormula(c, report, comp, objectName, formula, where) {
    for (const [, perm] of formula.matchAll(/\$Permission\.(\w+)/g)) {
        if (!c.customPermissions.has(perm)) {
            report('formula-refs', comp, `${where}: $Permission.${perm}: no such custom permission`);
        }
    }
    const stripped = formula.replace(/\$\w+\.\w+/g, '').replace(/'[^']*'/g, "''");
    for (const [, obj, f] of stripped.matchAll(/\b(?:(\w+)\.)?(\w+__c)\b/g)) {
        needField(c, report, 'formula-refs', comp, obj || objectName, f, where);
    }
    for (const [, f, v] of formula.matchAll(/ISPICKVAL\(\s*(?:PRIORVALUE\()?\s*(\w+)\s*\)?\s*,\s*'([^']*)'/g)) {
        needValue(c, report, 'formula-refs', comp, objectName, f, v, `${where} ISPICKVAL`);
    }
}

function checkPermissionSet(c, report, comp) {
    for (const fp of all(comp.el, 'fieldPermissions')) {
        const [o, fname] = text(fp, 'field').split('.');
        const f = needField(c, report, 'permset-refs', comp, o, fname, 'fieldPermissions');
        if (text(fp, 'editable') === 'true' && text(fp, 'readable') !== 'true') {
            report('permset-refs', comp, `fieldPermissions ${o}.${fname}: editable needs readable`);
        }
        if (f && f.required) {
            report('permset-required-field', comp, `fieldPermissions ${o}.${fname}: a ${f.type === 'MasterDetail' ? 'master-detail' : 'required'} field takes no field permission`);
        }
    }
    for (const op of all(comp.el, 'objectPermissions')) {
        const o = text(op, 'object');
        if (!c.objects.has(o)) {
            report('permset-refs', comp, `objectPermissions: no object ${o}`);
        }
        const p = (k) => text(op, k) === 'true';
        const needs = [
            ['allowEdit', ['allowRead']],
            ['allowDelete', ['allowRead', 'allowEdit']],
            ['viewAllRecords', ['allowRead']],
            ['modifyAllRecords', ['allowRead', 'allowEdit', 'allowDelete', 'viewAllRecords']]
        ];
        for (const [perm, deps] of needs) {
            const missing = deps.filter((d) => !p(d));
            if (p(perm) && missing.length) {
                report('permset-object-dependencies', comp, `objectPermissions ${o}: ${perm} needs ${missing.join(', ')}`);
            }
        }
    }
    for (const cp of all(comp.el, 'customPermissions')) {
        if (!c.customPermissions.has(text(cp, 'name'))) {
            report('permset-refs', comp, `customPermissions: no custom permission ${text(cp, 'name')}`);
        }
    }
}

function checkFlexiPage(c, report, comp) {
    const el = comp.el;
    const type = text(el, 'type');
    const objectName = text(el, 'sobjectType');
    const hasParent = Boolean(text(el, 'parentFlexiPage'));
    if (!FLEXIPAGE_TYPES.includes(type)) {
        report('flexipage-structure', comp, `type ${type || '(none)'} is not a FlexiPageType`);
    }
    if (type === 'RecordPage' && !c.objects.has(objectName)) {
        report('flexipage-structure', comp, `a RecordPage names its sobjectType (${objectName || 'none'}: no such object)`);
    }
    if (!text(all(el, 'template')[0], 'name')) {
        report('flexipage-structure', comp, 'a page needs a template');
    }
    const regions = all(el, 'flexiPageRegions');
    const facets = new Set();
    const used = new Set();
    const ids = new Set();
    for (const r of regions) {
        const rtype = text(r, 'type');
        if (!REGION_TYPES.includes(rtype)) {
            report('flexipage-structure', comp, `region ${text(r, 'name')}: type ${rtype || '(none)'} is not Region, Facet or Background`);
        }
        if (rtype === 'Facet') {
            facets.add(text(r, 'name'));
        }
        const mode = text(r, 'mode');
        if (mode && !hasParent) {
            report('flexipage-mode', comp, `region ${text(r, 'name')}: mode ${mode} is only for a page with a parentFlexiPage`);
        } else if (mode && !REGION_MODES.includes(mode)) {
            report('flexipage-mode', comp, `region ${text(r, 'name')}: mode ${mode} is not Append, Prepend or Replace`);
        }
    }
    for (const r of regions) {
        for (const item of all(r, 'itemInstances')) {
            for (const inst of [...all(item, 'componentInstance'), ...all(item, 'fieldInstance')]) {
                const id = text(inst, 'identifier');
                if (id && ids.has(id)) {
                    report('flexipage-structure', comp, `identifier ${id} used twice`);
                }
                ids.add(id);
            }
            for (const fi of all(item, 'fieldInstance')) {
                const fieldItem = text(fi, 'fieldItem');
                if (!fieldItem.startsWith('Record.')) {
                    report('flexipage-components', comp, `fieldItem ${fieldItem} should read Record.<field>`);
                } else {
                    needField(c, report, 'flexipage-components', comp, objectName, fieldItem.slice('Record.'.length), 'field on the page');
                }
            }
            for (const ci of all(item, 'componentInstance')) {
                const name = text(ci, 'componentName');
                for (const p of all(ci, 'componentInstanceProperties')) {
                    const v = text(p, 'value');
                    if (facets.has(v)) {
                        used.add(v);
                    } else if (['body', 'columns', 'tabs'].includes(text(p, 'name'))) {
                        report('flexipage-structure', comp, `${name} names facet ${v}, which the page lacks`);
                    }
                }
                if (name.startsWith('c:')) {
                    const bundle = c.bundles.get(name.slice(2));
                    if (!bundle) {
                        report('flexipage-components', comp, `component ${name}: no lwc/${name.slice(2)} in this deploy`);
                        continue;
                    }
                    const targets = all(bundle.el, 'targets', 'target').map(str);
                    const configs = all(bundle.el, 'targetConfigs', 'targetConfig').filter((tc) => (tc['@targets'] || '').split(',').map((s) => s.trim()).includes('lightning__RecordPage'));
                    const forObjects = configs.flatMap((tc) => all(tc, 'objects', 'object').map(str));
                    if (text(bundle.el, 'isExposed') !== 'true' || !targets.includes('lightning__RecordPage') || (forObjects.length && !forObjects.includes(objectName))) {
                        report('flexipage-components', comp, `component ${name} is not exposed on ${objectName} record pages`);
                    }
                } else if (!STANDARD_COMPONENTS.includes(name)) {
                    report('flexipage-components', comp, `unknown component ${name}`);
                }
            }
        }
    }
    for (const f of facets) {
        if (!used.has(f)) {
            report('flexipage-structure', comp, `facet ${f} is not used by any component`);
        }
    }
}

function checkQuickAction(c, report, comp) {
    const el = comp.el;
    const [source] = comp.name.split('.');
    const type = text(el, 'type');
    if (!QUICK_ACTION_TYPES.includes(type)) {
        report('quick-action', comp, `type ${type || '(none)'} is not a QuickActionType`);
    }
    if (!['true', 'false'].includes(text(el, 'optionsCreateFeedItem'))) {
        report('quick-action', comp, 'optionsCreateFeedItem is required');
    }
    if (!c.objects.has(source)) {
        report('quick-action', comp, `no object ${source} to put the action on`);
    }
    if (type !== 'Create') {
        return;
    }
    const target = text(el, 'targetObject');
    if (!c.objects.has(target)) {
        report('quick-action', comp, `targetObject ${target || '(none)'}: no such object`);
        return;
    }
    const parentField = needField(c, report, 'quick-action', comp, target, text(el, 'targetParentField'), 'targetParentField');
    if (parentField && parentField.referenceTo !== source) {
        report('quick-action', comp, `targetParentField ${text(el, 'targetParentField')} does not point to ${source}`);
    }
    for (const o of all(el, 'fieldOverrides')) {
        const f = text(o, 'field');
        if (text(o, 'literalValue')) {
            needValue(c, report, 'quick-action', comp, target, f, text(o, 'literalValue'), 'predefined value');
        } else {
            needField(c, report, 'quick-action', comp, target, f, 'predefined value');
        }
        if (text(o, 'formula')) {
            checkFormula(c, report, comp, source, text(o, 'formula'), `formula of ${f}`);
        }
    }
    for (const item of all(el, 'quickActionLayout', 'quickActionLayoutColumns', 'quickActionLayoutItems')) {
        if (text(item, 'field')) {
            needField(c, report, 'quick-action', comp, target, text(item, 'field'), 'action layout');
        }
        if (text(item, 'uiBehavior') && !UI_BEHAVIORS.includes(text(item, 'uiBehavior'))) {
            report('quick-action', comp, `uiBehavior ${text(item, 'uiBehavior')} is not Edit, Required or Readonly`);
        }
    }
}

function checkListView(c, report, comp) {
    const el = comp.el;
    const objectName = comp.object;
    const standard = LIST_VIEW_STANDARD[objectName] || LIST_VIEW_STANDARD.custom;
    const known = (n) => standard.includes(n) || field(c, objectName, n);
    if (!FILTER_SCOPES.includes(text(el, 'filterScope'))) {
        report('list-view', comp, `filterScope ${text(el, 'filterScope') || '(none)'} is not a FilterScope`);
    }
    for (const col of all(el, 'columns').map(str)) {
        if (!known(col)) {
            report('list-view', comp, `column ${col}: no such field on ${objectName}`);
        }
    }
    for (const f of all(el, 'filters')) {
        const n = text(f, 'field');
        if (!LOOKUP_OPERATIONS.includes(text(f, 'operation'))) {
            report('list-view', comp, `filter ${n}: operation ${text(f, 'operation') || '(none)'} is not a FilterOperation`);
        }
        if (!known(n)) {
            report('list-view', comp, `filter ${n}: no such field on ${objectName}`);
        } else if (field(c, objectName, n) && field(c, objectName, n).values.length && text(f, 'value')) {
            needValue(c, report, 'list-view', comp, objectName, n, text(f, 'value'), 'filter');
        }
    }
}

function checkLayout(c, report, comp) {
    const el = comp.el;
    const objectName = comp.name.split('-')[0];
    if (!c.objects.has(objectName)) {
        report('layout', comp, `no object ${objectName}`);
        return;
    }
    const onLayout = new Map();
    for (const s of all(el, 'layoutSections')) {
        if (!SECTION_STYLES.includes(text(s, 'style'))) {
            report('layout', comp, `section ${text(s, 'label')}: style ${text(s, 'style') || '(none)'} is not a LayoutSectionStyle`);
        }
        for (const item of all(s, 'layoutColumns', 'layoutItems')) {
            const f = text(item, 'field');
            if (!f) {
                continue;
            }
            needField(c, report, 'layout', comp, objectName, f, 'layout item');
            if (!UI_BEHAVIORS.includes(text(item, 'behavior'))) {
                report('layout', comp, `field ${f}: behavior ${text(item, 'behavior') || '(none)'} is not Edit, Required or Readonly`);
            }
            onLayout.set(f, text(item, 'behavior'));
        }
    }
    for (const f of c.objects.get(objectName).fields.values()) {
        if (f.required && f.type !== 'standard' && onLayout.get(f.name) !== 'Required') {
            report('layout-required-fields', comp, `${objectName}.${f.name} is required: the layout must hold it as Required`);
        }
    }
    for (const a of all(el, 'platformActionList', 'platformActionListItems')) {
        const name = text(a, 'actionName');
        const t = text(a, 'actionType');
        if (t === 'QuickAction' && !c.quickActions.has(name)) {
            report('layout', comp, `action ${name}: no such quick action in this deploy`);
        } else if (t === 'QuickAction' && !name.startsWith(objectName + '.')) {
            report('layout', comp, `action ${name} belongs to another object than ${objectName}`);
        } else if (t === 'StandardButton' && !STANDARD_BUTTONS.includes(name)) {
            report('layout', comp, `standard button ${name}: unknown`);
        } else if (!['QuickAction', 'StandardButton'].includes(t)) {
            report('layout', comp, `action ${name}: actionType ${t} is not checked here`);
        }
    }
    for (const rl of all(el, 'relatedLists')) {
        const name = text(rl, 'relatedList');
        if (STANDARD_RELATED_LISTS.includes(name)) {
            continue;
        }
        const [child, lookup] = name.split('.');
        const f = needField(c, report, 'layout', comp, child, lookup, 'related list');
        if (f && f.referenceTo !== objectName) {
            report('layout', comp, `related list ${name} does not point to ${objectName}`);
        }
        for (const col of all(rl, 'fields').map(str)) {
            if (col !== 'NAME') {
                needField(c, report, 'layout', comp, child, col, 'related list column');
            }
        }
        if (text(rl, 'sortField')) {
            needField(c, report, 'layout', comp, child, text(rl, 'sortField'), 'related list sort');
        }
    }
}

function checkLabel(c, report, comp) {
    const el = comp.el;
    const limits = LIMITS.CustomLabel;
    const name = text(el, 'fullName');
    if (!API_NAME.test(name) || name.length > limits.name) {
        report('api-name', comp, `label name ${name} must be an API name of at most ${limits.name} characters`);
    }
    checkLength(report, 'custom-label', comp, 'value', text(el, 'value'), limits.value, true);
    checkLength(report, 'custom-label', comp, 'shortDescription', text(el, 'shortDescription'), limits.shortDescription, true);
    checkLength(report, 'custom-label', comp, 'categories', text(el, 'categories'), limits.categories);
    if (!LABEL_LANGUAGES.includes(text(el, 'language'))) {
        report('custom-label', comp, `language ${text(el, 'language') || '(none)'} is not a supported language`);
    }
    if (!['true', 'false'].includes(text(el, 'protected'))) {
        report('custom-label', comp, 'protected must be true or false');
    }
}

const SCHEMA_IMPORT = /from\s+'@salesforce\/schema\/(\w+)\.(\w+)'/g;
const LABEL_IMPORT = /from\s+'@salesforce\/label\/c\.(\w+)'/g;

function checkBundle(c, report, comp, apiVersion) {
    const el = comp.el;
    const name = comp.name;
    if (!/^[a-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/.test(name)) {
        report('lwc-name', comp, `bundle name ${name}: a lowercase letter first, then letters, digits and single underscores, no hyphen, not ending with an underscore`);
    }
    for (const f of [name + '.js', name + '.js-meta.xml']) {
        if (!comp.files.includes(f)) {
            report('lwc-name', comp, `bundle ${name} lacks ${f}`);
        }
    }
    const v = text(el, 'apiVersion');
    if (!/^\d{2}\.0$/.test(v) || Number(v) > Number(apiVersion)) {
        report('lwc-meta', comp, `apiVersion ${v || '(none)'}: a version like 62.0, at most the project's ${apiVersion}`);
    }
    const targets = all(el, 'targets', 'target').map(str);
    for (const t of targets) {
        if (!LWC_TARGETS.includes(t)) {
            report('lwc-meta', comp, `target ${t} is not a LightningComponentBundle target`);
        }
    }
    if (text(el, 'isExposed') === 'true' && !text(el, 'masterLabel')) {
        report('lwc-meta', comp, 'an exposed component needs a masterLabel');
    }
    if (targets.length && text(el, 'isExposed') !== 'true') {
        report('lwc-meta', comp, 'targets need isExposed true');
    }
    for (const tc of all(el, 'targetConfigs', 'targetConfig')) {
        const tcTargets = (tc['@targets'] || '').split(',').map((s) => s.trim()).filter(Boolean);
        for (const t of tcTargets) {
            if (!targets.includes(t)) {
                report('lwc-meta', comp, `targetConfig for ${t}, which is not among the targets`);
            }
        }
        const objects = all(tc, 'objects', 'object').map(str);
        if (objects.length && tcTargets.some((t) => !['lightning__RecordPage', 'lightning__RecordAction', 'lightningCommunity__Default', 'lightning__RecordField'].includes(t))) {
            report('lwc-meta', comp, 'objects apply only to record page targets');
        }
        for (const o of objects) {
            if (!c.objects.has(o)) {
                report('lwc-meta', comp, `targetConfig object ${o}: no such object`);
            }
        }
    }
    for (const { file, src } of comp.js) {
        const where = `${file}`;
        for (const [, o, f] of src.matchAll(SCHEMA_IMPORT)) {
            needField(c, report, 'lwc-refs', comp, o, f, `${where} imports @salesforce/schema/${o}.${f}`);
        }
        for (const [, o, f] of src.matchAll(/'-?(Case|\w+__c)\.(\w+)'/g)) {
            needField(c, report, 'lwc-refs', comp, o, f, `${where} names ${o}.${f}`);
        }
        for (const [, label] of src.matchAll(LABEL_IMPORT)) {
            if (!c.labels.has(label)) {
                report('lwc-refs', comp, `${where} imports @salesforce/label/c.${label}: no such custom label`);
            }
        }
        for (const [, rel] of src.matchAll(/relatedListId:\s*'(\w+)__r'/g)) {
            const found = [...c.objects.values()].some((o) => [...o.fields.values()].some((f) => f.relationshipName === rel));
            if (!found) {
                report('lwc-refs', comp, `${where}: relatedListId ${rel}__r: no lookup has relationshipName ${rel}`);
            }
        }
    }
}

function checkLabelsUsed(c, report) {
    const used = new Set();
    for (const b of c.bundles.values()) {
        for (const { src } of b.js) {
            for (const [, label] of src.matchAll(LABEL_IMPORT)) {
                used.add(label);
            }
        }
    }
    for (const comp of c.components.filter((x) => x.type === 'CustomLabel')) {
        if (!used.has(comp.name)) {
            report('labels-used', comp, 'no component uses this label');
        }
    }
}

function checkValueSet(c, report, comp, isDefaultDeploy) {
    const values = all(comp.el, 'standardValue');
    if (!STANDARD_VALUE_SETS.includes(comp.name)) {
        report('standard-value-set', comp, `${comp.name} is not a StandardValueSet this project ships`);
    }
    checkPicklist(report, comp, values, (v) => text(v, 'fullName'));
    if (values.filter((v) => text(v, 'default') === 'true').length !== 1) {
        report('standard-value-set', comp, 'exactly one value is the default');
    }
    if (comp.name === 'CaseStatus' && !values.some((v) => text(v, 'closed') === 'true')) {
        report('standard-value-set', comp, 'CaseStatus needs a closed value');
    }
    if (isDefaultDeploy) {
        report('opt-in-overwrite', comp, 'deploying a StandardValueSet replaces the org\'s values: move it to an opt-in package directory');
    }
}

function checkChannel(c, report, comp) {
    const m = comp.name.match(/^(.*)__chn$/);
    if (!m || !API_NAME.test(m[1]) || m[1].length > 40) {
        report('channel', comp, `channel name ${comp.name} must be <DeveloperName>__chn, the developer name starting with a letter, holding only letters, digits and single underscores, at most 40 characters`);
    }
    const type = text(comp.el, 'channelType');
    if (type !== 'data' && type !== 'event') {
        report('channel', comp, `channelType ${type || '(none)'} must be data or event`);
    }
    if (!text(comp.el, 'label').trim()) {
        report('channel', comp, 'label is required');
    }
}

function checkGroup(c, report, comp) {
    checkLength(report, 'group', comp, 'name', text(comp.el, 'name'), LIMITS.Group.label, true);
    if (!['true', 'false'].includes(text(comp.el, 'doesIncludeBosses'))) {
        report('group', comp, 'doesIncludeBosses must be true or false');
    }
}

function checkSharingRules(c, report, comp) {
    const o = c.objects.get(comp.name);
    if (!o) {
        report('sharing-rule', comp, `sharing rules of ${comp.name}: no such object in this deploy`);
        return;
    }
    const own = c.components.find((x) => x.type === 'CustomObject' && x.name === comp.name && comp.name.endsWith('__c'));
    const model = own ? text(own.el, 'sharingModel') : '';
    if (own && !['Private', 'Read'].includes(model)) {
        report('sharing-rule', comp, `${comp.name} is ${model || '(no sharingModel)'}: sharing rules open up Private and Public Read Only objects only`);
    }
}

function checkSharingCriteriaRule(c, report, comp) {
    const el = comp.el;
    const where = 'sharing rule';
    const level = text(el, 'accessLevel');
    if (comp.object === 'Account' ? !['Read', 'Edit', 'All'].includes(level) : !['Read', 'Edit'].includes(level)) {
        report('sharing-rule', comp, `accessLevel ${level || '(none)'}: Read or Edit`);
    }
    if (!['true', 'false'].includes(text(el, 'includeRecordsOwnedByAll'))) {
        report('sharing-rule', comp, 'includeRecordsOwnedByAll must be true or false');
    }
    const targets = Object.keys(all(el, 'sharedTo')[0] || {}).filter((k) => !k.startsWith('@') && k !== '#text');
    if (targets.length !== 1 || !SHARED_TO.includes(targets[0])) {
        report('sharing-rule', comp, `sharedTo names exactly one SharedTo target (${targets.join(', ') || 'none'})`);
    } else if (targets[0] === 'group' && !c.groups.has(text(all(el, 'sharedTo')[0], 'group'))) {
        report('sharing-rule', comp, `sharedTo group ${text(all(el, 'sharedTo')[0], 'group')}: no such group in this deploy (groups/)`);
    }
    const items = all(el, 'criteriaItems');
    if (!items.length || items.length > LIMITS.SharingCriteriaRule.criteria) {
        report('sharing-rule', comp, `${items.length} criteriaItems: 1 to ${LIMITS.SharingCriteriaRule.criteria}`);
    }
    for (const item of items) {
        const name = text(item, 'field');
        const f = needField(c, report, 'sharing-rule', comp, comp.object, name, where);
        if (f && SHARING_FIELD_TYPES_REFUSED.includes(f.type)) {
            report('sharing-rule', comp, `criterion on ${name}: a sharing rule cannot test a ${f.type} field`);
        }
        const op = text(item, 'operation');
        if (!SHARING_OPERATIONS.includes(op)) {
            report('sharing-rule', comp, `criterion on ${name}: operation ${op || '(none)'} is not one sharing rules take`);
        } else if (!text(item, 'value') && !['equals', 'notEqual'].includes(op)) {
            report('sharing-rule', comp, `criterion on ${name}: ${op} needs a value (only equals and notEqual compare with blank)`);
        }
        if (has(item, 'valueField')) {
            report('sharing-rule', comp, `criterion on ${name}: criteria compare with values, not fields`);
        }
    }
    const logic = text(el, 'booleanFilter');
    for (const [n] of logic.matchAll(/\d+/g)) {
        if (Number(n) < 1 || Number(n) > items.length) {
            report('sharing-rule', comp, `booleanFilter ${logic}: criterion ${n} does not exist`);
        }
    }
}

function checkChannelMember(c, report, comp) {
    const entity = text(comp.el, 'selectedEntity');
    const channel = text(comp.el, 'eventChannel');
    const m = entity.match(/^(\w+?)(__)?ChangeEvent$/);
    const objectName = m ? (m[2] ? `${m[1]}__c` : m[1]) : entity;
    if (!channel) {
        report('channel-member', comp, 'eventChannel is required');
    } else if (channel !== 'ChangeEvents' && !c.components.some((x) => x.type === 'PlatformEventChannel' && x.name === channel)) {
        report('channel-member', comp, `eventChannel ${channel} is neither ChangeEvents nor a channel of this deploy`);
    }
    const want = `${channel}_${entity}`.replace(/__/g, '_');
    if (channel && entity && comp.name !== want) {
        report('channel-member', comp, `a member of ${channel} for ${entity} is named ${want} (each double underscore written once; the Metadata API reads one as a namespace separator), not ${comp.name}`);
    }
    const object = objectName && c.objects.get(objectName);
    if (!object) {
        report('channel-member', comp, `selectedEntity ${entity}: no change events of a known object`);
        return;
    }
    for (const f of all(comp.el, 'enrichedFields').map((e) => text(e, 'name'))) {
        if (!object.fields.has(f)) {
            report('channel-member', comp, `enriched field ${f} is not a field of ${objectName}`);
        }
    }
    const filter = text(comp.el, 'filterExpression');
    for (const ref of filter.replace(/'[^']*'/g, '').match(/\b[A-Za-z][A-Za-z0-9_]*\b/g) || []) {
        if (!['AND', 'OR', 'NOT', 'null', 'true', 'false', 'LIKE', 'IN'].includes(ref) && !object.fields.has(ref)) {
            report('channel-member', comp, `filterExpression names ${ref}, not a field of ${objectName}`);
        }
    }
    if (filter && comp.name.startsWith('ChangeEvents_')) {
        report('channel-member', comp, 'a filterExpression needs a custom channel: the standard ChangeEvents channel takes none');
    }
}

// ---------------------------------------------------------------------------
// The rollback manifest

const DESTRUCTIVE = path.join('manifest', 'destructiveChanges.xml');

/** type -> sorted members the default deploy adds (children of a deleted object go with it). */
function addedComponents(set) {
    const byType = new Map();
    const comps = [...set.getSourceComponents()];
    const objects = new Set(comps.filter((x) => x.type.name === 'CustomObject').map((x) => x.fullName));
    for (const comp of comps) {
        const parent = comp.parent ? comp.parent.fullName : comp.fullName.split('.')[0];
        if (['CustomField', 'ListView', 'ValidationRule'].includes(comp.type.name) && objects.has(parent)) {
            continue;
        }
        if (comp.type.name === 'CustomLabels') {
            continue; // the labels are listed one by one as CustomLabel
        }
        if (comp.type.name === 'SharingRules') {
            // One by one: deleting SharingRules:Case would delete the org's
            // own Case sharing rules too.
            for (const child of comp.getChildren()) {
                if (!byType.has(child.type.name)) {
                    byType.set(child.type.name, new Set());
                }
                byType.get(child.type.name).add(child.fullName);
            }
            continue;
        }
        if (!byType.has(comp.type.name)) {
            byType.set(comp.type.name, new Set());
        }
        byType.get(comp.type.name).add(comp.fullName);
        if (comp.type.name === 'CustomLabels') {
            continue;
        }
    }
    for (const comp of comps.filter((x) => x.type.name === 'CustomLabels')) {
        for (const child of comp.getChildren()) {
            if (!byType.has('CustomLabel')) {
                byType.set('CustomLabel', new Set());
            }
            byType.get('CustomLabel').add(child.fullName);
        }
    }
    return new Map([...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, m]) => [t, [...m].sort()]));
}

function manifestXml(added, apiVersion) {
    const types = [...added.entries()].map(([t, members]) =>
        `    <types>\n${members.map((m) => `        <members>${m.replace(/&/g, '&amp;')}</members>\n`).join('')}        <name>${t}</name>\n    </types>\n`).join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${NS}">\n${types}    <version>${apiVersion}</version>\n</Package>\n`;
}

function checkRollback(projectDir, set, apiVersion, report) {
    const want = manifestXml(addedComponents(set), apiVersion);
    const file = path.join(projectDir, DESTRUCTIVE);
    const have = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (have !== want) {
        report('rollback-manifest', { type: 'Package', name: DESTRUCTIVE }, `does not name exactly what the default deploy adds; run: node scripts/check-metadata.js --write-manifest`);
    }
    return want;
}

// ---------------------------------------------------------------------------

/**
 * Converts and checks the project. Returns problems as
 * { rule, component, message, deploy } (component "Type Name").
 */
async function check(projectDir, options = {}) {
    const problems = [];
    const { apiVersion } = projectPackages(projectDir);
    let manifest = '';
    for (const d of deploys(projectDir)) {
        const report = (rule, comp, message) => {
            if (!RULE_IDS.has(rule)) {
                throw new Error(`check-metadata: unknown rule ${rule}`);
            }
            const component = typeof comp === 'string' ? comp : `${comp.type} ${comp.name}`;
            if (!problems.some((p) => p.rule === rule && p.component === component && p.message === message)) {
                problems.push({ rule, component, message, deploy: d.name });
            }
        };
        const out = fs.mkdtempSync(path.join(os.tmpdir(), 'carebridge-mdapi-'));
        try {
            let set;
            try {
                set = await convert(projectDir, d.dirs, out);
            } catch (e) {
                report('convert', 'Project ' + d.name, e.message.split('\n')[0]);
                continue;
            }
            const c = load(out, report);
            for (const t of c.packageTypes) {
                if (!KNOWN_TYPES.includes(t.type)) {
                    report('known-type', 'Package ' + d.name, `type ${t.type} (${t.members.join(', ')}) is not validated by scripts/check-metadata.js: add its rules`);
                }
            }
            for (const comp of c.components) {
                checkName(c, report, comp);
                checkTexts(c, report, comp);
                switch (comp.type) {
                    case 'CustomField': checkField(c, report, comp); break;
                    case 'CustomObject': checkObject(c, report, comp); break;
                    case 'ValidationRule': checkValidationRule(c, report, comp); break;
                    case 'PermissionSet': checkPermissionSet(c, report, comp); break;
                    case 'FlexiPage': checkFlexiPage(c, report, comp); break;
                    case 'QuickAction': checkQuickAction(c, report, comp); break;
                    case 'ListView': checkListView(c, report, comp); break;
                    case 'Layout': checkLayout(c, report, comp); break;
                    case 'CustomLabel': checkLabel(c, report, comp); break;
                    case 'LightningComponentBundle': checkBundle(c, report, comp, apiVersion); break;
                    case 'StandardValueSet': checkValueSet(c, report, comp, d.isDefault); break;
                    case 'PlatformEventChannelMember': checkChannelMember(c, report, comp); break;
                    case 'PlatformEventChannel': checkChannel(c, report, comp); break;
                    case 'Group': checkGroup(c, report, comp); break;
                    case 'SharingRules': checkSharingRules(c, report, comp); break;
                    case 'SharingCriteriaRule': checkSharingCriteriaRule(c, report, comp); break;
                    default:
                }
            }
            checkLabelsUsed(c, report);
            if (d.isDefault) {
                manifest = checkRollback(projectDir, set, apiVersion, report);
            }
        } finally {
            if (!options.keep) {
                fs.rmSync(out, { recursive: true, force: true });
            }
        }
    }
    if (options.writeManifest && manifest) {
        fs.mkdirSync(path.join(projectDir, 'manifest'), { recursive: true });
        fs.writeFileSync(path.join(projectDir, DESTRUCTIVE), manifest);
        return problems.filter((p) => p.rule !== 'rollback-manifest');
    }
    return problems;
}

module.exports = { check, RULES, LIMITS };

if (require.main === module) {
    const args = process.argv.slice(2);
    const writeManifest = args.includes('--write-manifest');
    const projectDir = path.resolve(args.find((a) => !a.startsWith('--')) || path.join(__dirname, '..'));
    check(projectDir, { writeManifest })
        .then((problems) => {
            if (problems.length) {
                console.error(`Salesforce metadata check: ${problems.length} problem(s) in ${projectDir}`);
                for (const p of problems) {
                    console.error(`  [${p.rule}] ${p.component}: ${p.message} (deploy of ${p.deploy})`);
                }
                process.exit(1);
            }
            console.log(`Salesforce metadata check: ${deploys(projectDir).map((d) => d.name).join('; ')} convert and pass ${RULES.length} rules.`);
        })
        .catch((e) => {
            console.error(e);
            process.exit(1);
        });
}
