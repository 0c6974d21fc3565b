import { LightningElement, api, wire } from 'lwc';
import { getRecord, createRecord } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { refreshApex } from '@salesforce/apex';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import {
    splitList,
    splitLines,
    parseLimits,
    countIn,
    unitLabel,
    formatRemaining,
    threadOrder,
    errorText
} from './conversationModel';

// The conversation and the agent's actions on a social Case. Everything the
// component offers comes from fields carebridge writes: Allowed_Actions__c and
// Allowed_Reply_Modes__c on each message, Care_Allowed_Reply_Modes__c,
// Care_Reply_Limits__c and the deadlines on the Case. No platform rule lives
// here; carebridge checks every action again when it sends it.

const CASE_FIELDS = [
    'Case.Care_Case_Id__c',
    'Case.Care_Platform__c',
    'Case.Care_Sync_Status__c',
    'Case.Care_Sync_Error__c',
    'Case.Care_Allowed_Reply_Modes__c',
    'Case.Care_Reply_Limits__c',
    'Case.Care_Private_Reply_Deadline__c',
    'Case.Care_DM_Deadline__c'
];

const MESSAGE_FIELDS = [
    'Care_Message__c.Id',
    'Care_Message__c.Name',
    'Care_Message__c.Care_Message_Id__c',
    'Care_Message__c.Platform__c',
    'Care_Message__c.Kind__c',
    'Care_Message__c.Direction__c',
    'Care_Message__c.Author_Handle__c',
    'Care_Message__c.Author_Name__c',
    'Care_Message__c.Author_Is_Page__c',
    'Care_Message__c.Author_Follows_Brand__c',
    'Care_Message__c.Text__c',
    'Care_Message__c.Media_URLs__c',
    'Care_Message__c.Parent_Message_Id__c',
    'Care_Message__c.Thread_Depth__c',
    'Care_Message__c.Posted_At__c',
    'Care_Message__c.Hidden__c',
    'Care_Message__c.Hidden_With_Parent__c',
    'Care_Message__c.Deleted__c',
    'Care_Message__c.Liked__c',
    'Care_Message__c.Private_Reply_Sent__c',
    'Care_Message__c.Permalink__c',
    'Care_Message__c.Allowed_Actions__c',
    'Care_Message__c.Allowed_Reply_Modes__c'
];

const ACTION_FIELDS = [
    'Care_Action__c.Id',
    'Care_Action__c.Name',
    'Care_Action__c.CreatedDate',
    'Care_Action__c.Type__c',
    'Care_Action__c.Reply_Mode__c',
    'Care_Action__c.Target_Message_Id__c',
    'Care_Action__c.Body__c',
    'Care_Action__c.Status__c',
    'Care_Action__c.Status_Code__c',
    'Care_Action__c.Status_Reason__c',
    'Care_Action__c.Processed_At__c'
];

export const MESSAGE_PAGE_SIZE = 200;
export const ACTION_PAGE_SIZE = 50;
/** How often the component re-reads the actions while one is Queued or Sending. */
export const POLL_MS = 3000;

// The words for the API values the bridge writes into the semicolon lists.
// A token not listed here is ignored: it cannot be sent as a Type__c anyway.
const ACTION_LABELS = {
    reply: 'Reply',
    like: 'Like',
    unlike: 'Unlike',
    hide: 'Hide',
    unhide: 'Unhide',
    delete: 'Delete',
    ban: 'Ban author',
    unban: 'Unban author',
    follow: 'Follow author',
    unfollow: 'Unfollow author'
};
const CONFIRM_FIRST = ['delete', 'ban'];
const MODE_LABELS = {
    public_reply: 'Public reply',
    comment_on_post: 'Comment on post',
    direct_message: 'Direct message',
    private_reply: 'Private reply (direct message)'
};
const PENDING_STATUSES = ['Queued', 'Sending'];

function fieldValue(record, name) {
    const f = record && record.fields ? record.fields[name] : undefined;
    return f ? f.value : undefined;
}

function fieldDisplay(record, name) {
    const f = record && record.fields ? record.fields[name] : undefined;
    if (!f) {
        return undefined;
    }
    return f.displayValue !== null && f.displayValue !== undefined ? f.displayValue : f.value;
}

function words(token) {
    return token ? String(token).replace(/_/g, ' ') : '';
}

function excerpt(text, max) {
    const t = (text || '').replace(/\s+/g, ' ').trim();
    return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

export default class CareConversation extends LightningElement {
    @api recordId;

    caseRecord;
    caseError;
    messageRecords;
    messagesError;
    messagesHaveMore = false;
    actionRecords;
    actionsError;

    targetId = null; // Salesforce Id of the Care_Message__c being answered
    selectedMode = null;
    body = '';
    mediaUrls = '';
    markPending = false;
    sending = false;
    sendError = '';
    announcement = '';
    confirm = null; // { messageId, type } while a delete or ban waits for "Yes"
    now = Date.now();

    wiredMessagesResult;
    wiredActionsResult;
    pollTimer = null;
    clockTimer = null;
    knownStatuses = new Map();

    @wire(getRecord, { recordId: '$recordId', fields: CASE_FIELDS })
    wiredCase({ data, error }) {
        if (data) {
            this.caseRecord = data;
            this.caseError = undefined;
        } else if (error) {
            this.caseError = error;
        }
    }

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId',
        relatedListId: 'Care_Messages__r',
        fields: MESSAGE_FIELDS,
        sortBy: ['-Care_Message__c.Posted_At__c'],
        pageSize: MESSAGE_PAGE_SIZE
    })
    wiredMessages(result) {
        this.wiredMessagesResult = result;
        const { data, error } = result;
        if (data) {
            this.messageRecords = data.records || [];
            this.messagesHaveMore = Boolean(data.nextPageToken);
            this.messagesError = undefined;
        } else if (error) {
            this.messagesError = error;
        }
    }

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId',
        relatedListId: 'Care_Actions__r',
        fields: ACTION_FIELDS,
        sortBy: ['-Care_Action__c.CreatedDate'],
        pageSize: ACTION_PAGE_SIZE
    })
    wiredActions(result) {
        this.wiredActionsResult = result;
        const { data, error } = result;
        if (data) {
            this.actionRecords = data.records || [];
            this.actionsError = undefined;
            this.announceStatusChanges(this.actionRecords);
        } else if (error) {
            this.actionsError = error;
        }
        this.updatePolling();
    }

    connectedCallback() {
        this.clockTimer = setInterval(() => {
            this.now = Date.now();
        }, 1000);
    }

    disconnectedCallback() {
        clearInterval(this.clockTimer);
        this.clockTimer = null;
        this.stopPolling();
    }

    // ----- the Case ---------------------------------------------------------

    get caseErrorText() {
        return this.caseError ? 'The Care fields of this Case could not be read: ' + errorText(this.caseError) : '';
    }

    get syncErrorText() {
        if (fieldValue(this.caseRecord, 'Care_Sync_Status__c') !== 'Error') {
            return '';
        }
        return fieldValue(this.caseRecord, 'Care_Sync_Error__c') || 'carebridge could not sync this Case.';
    }

    get isLinked() {
        return Boolean(fieldValue(this.caseRecord, 'Care_Case_Id__c'));
    }

    get caseSummary() {
        if (!this.caseRecord) {
            return '';
        }
        const platform = fieldDisplay(this.caseRecord, 'Care_Platform__c');
        const id = fieldValue(this.caseRecord, 'Care_Case_Id__c');
        if (!id) {
            return 'Not linked to a Care case';
        }
        return (platform ? platform + ' · ' : '') + 'Care case ' + id;
    }

    // ----- the conversation -------------------------------------------------

    get messagesLoading() {
        return !this.messageRecords && !this.messagesError;
    }

    get messagesErrorText() {
        return this.messagesError ? 'The conversation could not be loaded: ' + errorText(this.messagesError) : '';
    }

    get hasMessages() {
        return Boolean(this.messageRecords && this.messageRecords.length);
    }

    get emptyConversationText() {
        if (this.caseRecord && !this.isLinked) {
            return 'This Case is not linked to a Care case, so it has no social conversation.';
        }
        return 'No messages yet. carebridge adds the conversation here within a few seconds of Care.';
    }

    formatTime(value) {
        if (!value) {
            return '';
        }
        const d = new Date(value);
        if (Number.isNaN(d.getTime())) {
            return String(value);
        }
        try {
            return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(d);
        } catch (e) {
            return d.toISOString();
        }
    }

    get threadedMessages() {
        const plain = (this.messageRecords || []).map((r) => ({
            record: r,
            id: r.id,
            name: fieldValue(r, 'Name'),
            careId: fieldValue(r, 'Care_Message_Id__c'),
            parentId: fieldValue(r, 'Parent_Message_Id__c'),
            postedAt: fieldValue(r, 'Posted_At__c')
        }));
        return threadOrder(plain);
    }

    messageById(id) {
        return (this.messageRecords || []).find((r) => r.id === id);
    }

    authorOf(record) {
        return fieldValue(record, 'Author_Name__c') || fieldValue(record, 'Author_Handle__c') || 'Unknown author';
    }

    describeMessage(record) {
        const kind = (fieldDisplay(record, 'Kind__c') || words(fieldValue(record, 'Kind__c')) || 'message').toLowerCase();
        return `${this.authorOf(record)}'s ${kind}`;
    }

    get messages() {
        return this.threadedMessages.map((t) => {
            const r = t.record;
            const depthValue = fieldValue(r, 'Thread_Depth__c');
            const depth = Number.isFinite(depthValue) ? depthValue : t.treeDepth;
            const author = this.authorOf(r);
            const handle = fieldValue(r, 'Author_Handle__c');
            const kindLabel = fieldDisplay(r, 'Kind__c') || words(fieldValue(r, 'Kind__c')) || 'Message';
            const postedAt = fieldValue(r, 'Posted_At__c');
            const outbound = fieldValue(r, 'Direction__c') === 'outbound';
            const states = [];
            if (fieldValue(r, 'Hidden__c')) {
                states.push({ key: 'hidden', label: fieldValue(r, 'Hidden_With_Parent__c') ? 'Hidden with its comment' : 'Hidden' });
            }
            if (fieldValue(r, 'Deleted__c')) {
                states.push({ key: 'deleted', label: 'Deleted' });
            }
            if (fieldValue(r, 'Liked__c')) {
                states.push({ key: 'liked', label: 'Liked' });
            }
            if (fieldValue(r, 'Private_Reply_Sent__c')) {
                states.push({ key: 'private', label: 'Private reply sent' });
            }
            states.forEach((s) => {
                s.className = 'slds-badge care-state care-state_' + s.key;
            });
            const badges = [];
            if (outbound) {
                badges.push({ key: 'brand', label: 'Brand' });
            }
            if (fieldValue(r, 'Author_Is_Page__c')) {
                badges.push({ key: 'page', label: 'Page' });
            }
            if (fieldValue(r, 'Author_Follows_Brand__c')) {
                badges.push({ key: 'follows', label: 'Follows brand' });
            }
            const describe = this.describeMessage(r);
            const actions = splitList(fieldValue(r, 'Allowed_Actions__c'))
                .filter((a) => ACTION_LABELS[a])
                .map((a) => ({
                    key: a,
                    type: a,
                    label: ACTION_LABELS[a],
                    ariaLabel: `${ACTION_LABELS[a]}: ${describe}`,
                    className: a === 'delete' || a === 'ban' ? 'slds-button slds-button_text-destructive' : 'slds-button slds-button_neutral'
                }));
            const confirming = this.confirm && this.confirm.messageId === r.id ? this.confirm.type : null;
            const media = splitLines(fieldValue(r, 'Media_URLs__c')).map((url, i) => ({
                key: i + ':' + url,
                url,
                label: `Media ${i + 1}`
            }));
            const platformLabel = fieldDisplay(r, 'Platform__c') || words(fieldValue(r, 'Platform__c'));
            const isTarget = this.targetId === r.id;
            const deleted = Boolean(fieldValue(r, 'Deleted__c'));
            return {
                id: r.id,
                careId: fieldValue(r, 'Care_Message_Id__c'),
                itemClass: `care-message care-depth-${Math.min(Math.max(depth, 0), 4)}` + (outbound ? ' care-message_outbound' : '') + (isTarget ? ' care-message_target' : '') + (deleted ? ' care-message_deleted' : ''),
                platformLabel,
                kindLabel,
                author,
                handle: handle && handle !== author ? '@' + String(handle).replace(/^@/, '') : '',
                badges,
                postedAt,
                postedAtLabel: this.formatTime(postedAt),
                text: fieldValue(r, 'Text__c') || '',
                hasText: Boolean(fieldValue(r, 'Text__c')),
                media,
                hasMedia: media.length > 0,
                permalink: fieldValue(r, 'Permalink__c'),
                permalinkLabel: `Open on ${platformLabel || 'the platform'}`,
                states,
                hasStates: states.length > 0,
                actions,
                hasActions: actions.length > 0 && !confirming,
                actionsLabel: `Actions on ${describe}`,
                confirming: Boolean(confirming),
                confirmText: confirming ? `${ACTION_LABELS[confirming]}: ${describe}? This cannot be undone from Salesforce.` : '',
                confirmLabel: confirming ? `Yes, ${ACTION_LABELS[confirming].toLowerCase()}` : '',
                confirmType: confirming,
                ariaLabel: `${kindLabel} by ${author}` + (postedAt ? `, ${this.formatTime(postedAt)}` : '') + (isTarget ? ', selected for your reply' : ''),
                isTarget
            };
        });
    }

    handleMessageAction(event) {
        const type = event.currentTarget.dataset.action;
        const messageId = event.currentTarget.dataset.messageId;
        if (type === 'reply') {
            this.selectTarget(messageId);
            return;
        }
        if (CONFIRM_FIRST.includes(type)) {
            this.confirm = { messageId, type };
            return;
        }
        this.sendModeration(type, messageId);
    }

    handleConfirm(event) {
        const { messageId, type } = this.confirm || {};
        this.confirm = null;
        if (messageId && type && event.currentTarget.dataset.messageId === messageId) {
            this.sendModeration(type, messageId);
        }
    }

    handleCancelConfirm() {
        this.confirm = null;
    }

    selectTarget(messageId) {
        this.targetId = messageId;
        this.sendError = '';
        this.keepModeAllowed();
        // Move focus to the reply text so keyboard users land where they type.
        Promise.resolve().then(() => {
            const box = this.template.querySelector('[data-id="body"]');
            if (box) {
                box.focus();
            }
        });
    }

    handleClearTarget() {
        this.targetId = null;
        this.keepModeAllowed();
    }

    // ----- the reply box ----------------------------------------------------

    get target() {
        return this.targetId ? this.messageById(this.targetId) : undefined;
    }

    get targetText() {
        const t = this.target;
        if (!t) {
            return '';
        }
        const text = excerpt(fieldValue(t, 'Text__c'), 80);
        return `Replying to ${this.describeMessage(t)}` + (text ? `: “${text}”` : '');
    }

    get allowedModes() {
        const source = this.target ? fieldValue(this.target, 'Allowed_Reply_Modes__c') : fieldValue(this.caseRecord, 'Care_Allowed_Reply_Modes__c');
        return splitList(source).filter((m) => MODE_LABELS[m]);
    }

    get hasModes() {
        return this.allowedModes.length > 0;
    }

    get noModesText() {
        if (this.target) {
            return 'This message cannot be answered right now. Pick another message, or reply to the case.';
        }
        return 'No reply is possible on this case right now (carebridge shows none as allowed).';
    }

    get currentMode() {
        const modes = this.allowedModes;
        return modes.includes(this.selectedMode) ? this.selectedMode : modes[0];
    }

    keepModeAllowed() {
        if (!this.allowedModes.includes(this.selectedMode)) {
            this.selectedMode = this.allowedModes[0] || null;
        }
    }

    get modeOptions() {
        const current = this.currentMode;
        return this.allowedModes.map((m) => ({ value: m, label: MODE_LABELS[m], selected: m === current }));
    }

    handleModeChange(event) {
        this.selectedMode = event.target.value;
    }

    handleBodyInput(event) {
        this.body = event.target.value;
    }

    handleMediaInput(event) {
        this.mediaUrls = event.target.value;
    }

    handlePendingChange(event) {
        this.markPending = event.target.checked;
    }

    get limit() {
        const limits = parseLimits(fieldValue(this.caseRecord, 'Care_Reply_Limits__c'));
        return limits[this.currentMode];
    }

    get count() {
        return countIn(this.limit ? this.limit.unit : 'characters', this.body);
    }

    get overLimit() {
        return Boolean(this.limit) && this.count > this.limit.max;
    }

    get counterText() {
        const limit = this.limit;
        if (!limit) {
            return `${this.count} characters`;
        }
        return `${this.count} / ${limit.max} ${unitLabel(limit.unit)}`;
    }

    get counterClass() {
        return 'slds-form-element__help care-counter' + (this.overLimit ? ' slds-text-color_error' : '');
    }

    get overLimitText() {
        if (!this.overLimit) {
            return '';
        }
        return `${this.count - this.limit.max} ${unitLabel(this.limit.unit)} over the limit for this reply mode: carebridge will reject it.`;
    }

    get xHint() {
        return Boolean(this.limit) && this.limit.unit === 'x_weighted';
    }

    deadline(field, label) {
        const value = fieldValue(this.caseRecord, field);
        if (!value) {
            return null;
        }
        const at = Date.parse(value);
        if (Number.isNaN(at)) {
            return null;
        }
        const remaining = formatRemaining(at - this.now);
        return {
            key: field,
            text: remaining ? `${label} for ${remaining} more (until ${this.formatTime(value)}).` : `${label} ended at ${this.formatTime(value)}.`,
            className: remaining ? 'care-deadline' : 'care-deadline slds-text-color_error'
        };
    }

    get deadlines() {
        const out = [];
        const modes = this.allowedModes;
        const mode = this.currentMode;
        if (mode === 'private_reply' || (modes.includes('private_reply') && mode !== 'direct_message')) {
            const d = this.deadline('Care_Private_Reply_Deadline__c', 'Private reply possible');
            if (d) {
                out.push(d);
            }
        }
        if (mode === 'direct_message' || modes.includes('direct_message')) {
            const d = this.deadline('Care_DM_Deadline__c', 'Direct messages possible');
            if (d) {
                out.push(d);
            }
        }
        return out;
    }

    get hasDeadlines() {
        return this.deadlines.length > 0;
    }

    get sendDisabled() {
        return this.sending || !this.hasModes || (!this.body.trim() && splitLines(this.mediaUrls).length === 0);
    }

    get formDisabled() {
        return this.sending || !this.hasModes;
    }

    async handleSend() {
        if (this.sendDisabled) {
            return;
        }
        const fields = {
            Case__c: this.recordId,
            Type__c: 'reply',
            Reply_Mode__c: this.currentMode,
            Body__c: this.body,
            Media_URLs__c: splitLines(this.mediaUrls).join('\n'),
            Mark_Pending__c: this.markPending
        };
        const target = this.target;
        if (target) {
            fields.Target_Message__c = target.id;
            fields.Target_Message_Id__c = fieldValue(target, 'Care_Message_Id__c');
        }
        const ok = await this.create(fields, 'Reply');
        if (ok) {
            this.body = '';
            this.mediaUrls = '';
            this.markPending = false;
            this.targetId = null;
            this.keepModeAllowed();
            // A textarea's text is its DOM property, which the template's
            // value binding does not reset once the agent has typed.
            for (const id of ['body', 'media']) {
                const box = this.template.querySelector(`[data-id="${id}"]`);
                if (box) {
                    box.value = '';
                }
            }
            const pending = this.template.querySelector('[data-id="pending"]');
            if (pending) {
                pending.checked = false;
            }
        }
    }

    sendModeration(type, messageId) {
        const target = this.messageById(messageId);
        if (!target) {
            return;
        }
        this.create(
            {
                Case__c: this.recordId,
                Type__c: type,
                Target_Message__c: target.id,
                Target_Message_Id__c: fieldValue(target, 'Care_Message_Id__c')
            },
            ACTION_LABELS[type]
        );
    }

    async create(fields, what) {
        this.sending = true;
        this.sendError = '';
        try {
            await createRecord({ apiName: 'Care_Action__c', fields });
            this.announcement = `${what} queued. Its status is shown under Your actions.`;
            this.refresh();
            return true;
        } catch (e) {
            this.sendError = `${what} was not queued: ${errorText(e)}`;
            this.announcement = this.sendError;
            return false;
        } finally {
            this.sending = false;
        }
    }

    // ----- the agent's actions ----------------------------------------------

    get actionsLoading() {
        return !this.actionRecords && !this.actionsError;
    }

    get actionsErrorText() {
        return this.actionsError ? 'Your actions could not be loaded: ' + errorText(this.actionsError) : '';
    }

    get hasActionRecords() {
        return Boolean(this.actionRecords && this.actionRecords.length);
    }

    get actions() {
        const records = (this.actionRecords || []).slice().sort((a, b) => {
            const ta = Date.parse(fieldValue(a, 'CreatedDate') || '') || 0;
            const tb = Date.parse(fieldValue(b, 'CreatedDate') || '') || 0;
            return tb - ta;
        });
        return records.map((r) => {
            const status = fieldValue(r, 'Status__c') || 'Queued';
            const type = fieldDisplay(r, 'Type__c') || words(fieldValue(r, 'Type__c'));
            const mode = fieldDisplay(r, 'Reply_Mode__c');
            const targetCareId = fieldValue(r, 'Target_Message_Id__c');
            const target = targetCareId ? (this.messageRecords || []).find((m) => fieldValue(m, 'Care_Message_Id__c') === targetCareId) : undefined;
            const reason = fieldValue(r, 'Status_Reason__c');
            const code = fieldValue(r, 'Status_Code__c');
            let explanation = '';
            if (status === 'Rejected') {
                explanation = 'Not sent: ' + (reason || code || 'a platform rule forbids it.');
            } else if (status === 'Failed') {
                explanation = 'Failed: ' + (reason || code || 'Care could not carry it out.');
            } else if (status === 'Sent' && reason) {
                explanation = reason;
            }
            return {
                id: r.id,
                name: fieldValue(r, 'Name'),
                title: [type, mode].filter(Boolean).join(' · '),
                targetText: target ? 'on ' + this.describeMessage(target) : '',
                body: excerpt(fieldValue(r, 'Body__c'), 120),
                status,
                statusClass: 'slds-badge care-status care-status_' + status.toLowerCase(),
                explanation,
                code: status === 'Rejected' || status === 'Failed' ? code : '',
                createdLabel: this.formatTime(fieldValue(r, 'CreatedDate')),
                pending: PENDING_STATUSES.includes(status)
            };
        });
    }

    announceStatusChanges(records) {
        const changes = [];
        for (const r of records) {
            const status = fieldValue(r, 'Status__c') || 'Queued';
            const before = this.knownStatuses.get(r.id);
            if (before && before !== status) {
                const type = fieldDisplay(r, 'Type__c') || words(fieldValue(r, 'Type__c'));
                let text = `${type} ${fieldValue(r, 'Name') || ''}`.trim() + `: ${status}.`;
                if ((status === 'Rejected' || status === 'Failed') && fieldValue(r, 'Status_Reason__c')) {
                    text += ' ' + fieldValue(r, 'Status_Reason__c');
                }
                changes.push(text);
            }
            this.knownStatuses.set(r.id, status);
        }
        if (changes.length) {
            this.announcement = changes.join(' ');
        }
    }

    get anyPending() {
        return (this.actionRecords || []).some((r) => PENDING_STATUSES.includes(fieldValue(r, 'Status__c') || 'Queued'));
    }

    updatePolling() {
        if (this.anyPending && !this.pollTimer) {
            this.pollTimer = setInterval(() => this.refresh(), POLL_MS);
        } else if (!this.anyPending) {
            this.stopPolling();
        }
    }

    stopPolling() {
        if (this.pollTimer) {
            clearInterval(this.pollTimer);
            this.pollTimer = null;
        }
    }

    refresh() {
        // Re-read the actions (their status) and the messages (liked, hidden,
        // the new reply) through the same wires; no page reload.
        const done = [];
        if (this.wiredActionsResult) {
            done.push(refreshApex(this.wiredActionsResult));
        }
        if (this.wiredMessagesResult) {
            done.push(refreshApex(this.wiredMessagesResult));
        }
        return Promise.all(done).catch(() => {
            // A failed refresh shows up as an error on the wire itself.
        });
    }
}
