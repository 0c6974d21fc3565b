import { LightningElement, api, wire } from 'lwc';
import { getRecord, createRecord } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { refreshApex } from '@salesforce/apex';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import CASE_NUMBER from '@salesforce/schema/Case.CaseNumber';
import CASE_CARE_ID from '@salesforce/schema/Case.Care_Case_Id__c';
import CASE_PLATFORM from '@salesforce/schema/Case.Care_Platform__c';
import CASE_SYNC_STATUS from '@salesforce/schema/Case.Care_Sync_Status__c';
import CASE_SYNC_ERROR from '@salesforce/schema/Case.Care_Sync_Error__c';
import CASE_MODES from '@salesforce/schema/Case.Care_Allowed_Reply_Modes__c';
import CASE_LIMITS from '@salesforce/schema/Case.Care_Reply_Limits__c';
import CASE_PRIVATE_DEADLINE from '@salesforce/schema/Case.Care_Private_Reply_Deadline__c';
import CASE_DM_DEADLINE from '@salesforce/schema/Case.Care_DM_Deadline__c';
import MSG_NAME from '@salesforce/schema/Care_Message__c.Name';
import MSG_CARE_ID from '@salesforce/schema/Care_Message__c.Care_Message_Id__c';
import MSG_PLATFORM from '@salesforce/schema/Care_Message__c.Platform__c';
import MSG_KIND from '@salesforce/schema/Care_Message__c.Kind__c';
import MSG_DIRECTION from '@salesforce/schema/Care_Message__c.Direction__c';
import MSG_HANDLE from '@salesforce/schema/Care_Message__c.Author_Handle__c';
import MSG_AUTHOR from '@salesforce/schema/Care_Message__c.Author_Name__c';
import MSG_IS_PAGE from '@salesforce/schema/Care_Message__c.Author_Is_Page__c';
import MSG_FOLLOWS from '@salesforce/schema/Care_Message__c.Author_Follows_Brand__c';
import MSG_TEXT from '@salesforce/schema/Care_Message__c.Text__c';
import MSG_MEDIA from '@salesforce/schema/Care_Message__c.Media_URLs__c';
import MSG_PARENT from '@salesforce/schema/Care_Message__c.Parent_Message_Id__c';
import MSG_DEPTH from '@salesforce/schema/Care_Message__c.Thread_Depth__c';
import MSG_POSTED from '@salesforce/schema/Care_Message__c.Posted_At__c';
import MSG_HIDDEN from '@salesforce/schema/Care_Message__c.Hidden__c';
import MSG_HIDDEN_PARENT from '@salesforce/schema/Care_Message__c.Hidden_With_Parent__c';
import MSG_DELETED from '@salesforce/schema/Care_Message__c.Deleted__c';
import MSG_DELETED_BY from '@salesforce/schema/Care_Message__c.Deleted_By__c';
import MSG_DELETED_AT from '@salesforce/schema/Care_Message__c.Deleted_At__c';
import MSG_EDITED_AT from '@salesforce/schema/Care_Message__c.Edited_At__c';
import MSG_WITHHELD from '@salesforce/schema/Care_Message__c.Withheld__c';
import MSG_LIKED from '@salesforce/schema/Care_Message__c.Liked__c';
import MSG_PRIVATE_SENT from '@salesforce/schema/Care_Message__c.Private_Reply_Sent__c';
import MSG_PERMALINK from '@salesforce/schema/Care_Message__c.Permalink__c';
import MSG_ACTIONS from '@salesforce/schema/Care_Message__c.Allowed_Actions__c';
import MSG_MODES from '@salesforce/schema/Care_Message__c.Allowed_Reply_Modes__c';
import ACT_NAME from '@salesforce/schema/Care_Action__c.Name';
import ACT_CREATED from '@salesforce/schema/Care_Action__c.CreatedDate';
import ACT_TYPE from '@salesforce/schema/Care_Action__c.Type__c';
import ACT_MODE from '@salesforce/schema/Care_Action__c.Reply_Mode__c';
import ACT_TARGET_ID from '@salesforce/schema/Care_Action__c.Target_Message_Id__c';
import ACT_BODY from '@salesforce/schema/Care_Action__c.Body__c';
import ACT_STATUS from '@salesforce/schema/Care_Action__c.Status__c';
import ACT_CODE from '@salesforce/schema/Care_Action__c.Status_Code__c';
import ACT_REASON from '@salesforce/schema/Care_Action__c.Status_Reason__c';
import ACT_PROCESSED from '@salesforce/schema/Care_Action__c.Processed_At__c';
import ACT_RESULT from '@salesforce/schema/Care_Action__c.Care_Result_Id__c';
import ACT_CASE from '@salesforce/schema/Care_Action__c.Case__c';
import ACT_TARGET from '@salesforce/schema/Care_Action__c.Target_Message__c';
import ACT_MEDIA from '@salesforce/schema/Care_Action__c.Media_URLs__c';
import ACT_PENDING from '@salesforce/schema/Care_Action__c.Mark_Pending__c';
import CARE_ACTION from '@salesforce/schema/Care_Action__c';
import { LABELS, format } from './labels';
import {
    splitList,
    splitLines,
    parseLimits,
    countIn,
    unitLabel,
    formatRemaining,
    threadOrder,
    errorText,
    safeLink
} from './conversationModel';

// The conversation and the agent's actions on a social Case. Everything the
// component offers comes from fields carebridge writes: Allowed_Actions__c and
// Allowed_Reply_Modes__c on each message, Care_Allowed_Reply_Modes__c,
// Care_Reply_Limits__c and the deadlines on the Case. No platform rule lives
// here; carebridge checks every action again when it sends it.
//
// Fields are imported from @salesforce/schema, so the org knows the component
// depends on them (a field in use cannot be deleted). The Care fields are read
// as optionalFields: a user without access to one of them still sees the rest.

/** "Object.Field" for the wire adapters that take field names. */
const qualified = (f) => `${f.objectApiName}.${f.fieldApiName}`;

const CASE_REQUIRED = [CASE_NUMBER];
const CASE_OPTIONAL = [CASE_CARE_ID, CASE_PLATFORM, CASE_SYNC_STATUS, CASE_SYNC_ERROR, CASE_MODES, CASE_LIMITS, CASE_PRIVATE_DEADLINE, CASE_DM_DEADLINE];
const MESSAGE_REQUIRED = [MSG_NAME].map(qualified);
const MESSAGE_OPTIONAL = [MSG_CARE_ID, MSG_PLATFORM, MSG_KIND, MSG_DIRECTION, MSG_HANDLE, MSG_AUTHOR, MSG_IS_PAGE, MSG_FOLLOWS, MSG_TEXT, MSG_MEDIA,
    MSG_PARENT, MSG_DEPTH, MSG_POSTED, MSG_HIDDEN, MSG_HIDDEN_PARENT, MSG_DELETED, MSG_LIKED, MSG_PRIVATE_SENT, MSG_PERMALINK, MSG_ACTIONS,
    MSG_MODES, MSG_DELETED_BY, MSG_DELETED_AT, MSG_EDITED_AT, MSG_WITHHELD].map(qualified);
const ACTION_REQUIRED = [ACT_NAME, ACT_CREATED].map(qualified);
const ACTION_OPTIONAL = [ACT_TYPE, ACT_MODE, ACT_TARGET_ID, ACT_BODY, ACT_STATUS, ACT_CODE, ACT_REASON, ACT_PROCESSED, ACT_RESULT].map(qualified);

export const MESSAGE_PAGE_SIZE = 200;
export const ACTION_PAGE_SIZE = 50;
/** First wait before the actions are read again while one is Queued or Sending. */
export const POLL_MS = 3000;
/** Each wait doubles up to this. */
export const POLL_MAX_MS = 30000;
/** Polling stops after this long without a status change, and says so. */
export const POLL_GIVE_UP_MS = 10 * 60 * 1000;
/**
 * A sent action shows in the conversation with the sync that follows it: the
 * panel keeps reading while it does not, for at most this long after it was sent.
 */
export const MIRROR_WAIT_MS = 60 * 1000;

// The words for the API values the bridge writes into the semicolon lists.
// A token not listed here is ignored: it cannot be sent as a Type__c anyway.
const ACTION_LABELS = {
    reply: LABELS.ActionReply,
    like: LABELS.ActionLike,
    unlike: LABELS.ActionUnlike,
    hide: LABELS.ActionHide,
    unhide: LABELS.ActionUnhide,
    delete: LABELS.ActionDelete,
    ban: LABELS.ActionBan,
    unban: LABELS.ActionUnban,
    follow: LABELS.ActionFollow,
    unfollow: LABELS.ActionUnfollow
};
const CONFIRM_FIRST = ['delete', 'ban'];
// Who deleted a message (Deleted_By__c), and why the content of one that is
// not deleted is not kept (Withheld__c): carebridge removes such content
// from Salesforce as the platforms' terms require, and keeps a tombstone.
const DELETED_BY_LABELS = {
    author: LABELS.StateDeletedByAuthor,
    brand: LABELS.StateDeletedByBrand
};
const WITHHELD_LABELS = {
    account_protected: LABELS.WithheldProtected,
    account_deleted: LABELS.WithheldDeleted,
    account_suspended: LABELS.WithheldSuspended,
    erased: LABELS.WithheldErased
};
const MODE_LABELS = {
    public_reply: LABELS.ModePublicReply,
    comment_on_post: LABELS.ModeCommentOnPost,
    direct_message: LABELS.ModeDirectMessage,
    private_reply: LABELS.ModePrivateReply
};
// The deadline that applies to a reply mode, and its sentences.
const MODE_DEADLINES = {
    private_reply: { field: CASE_PRIVATE_DEADLINE.fieldApiName, open: LABELS.DeadlinePrivateReply, ended: LABELS.DeadlinePrivateReplyEnded },
    direct_message: { field: CASE_DM_DEADLINE.fieldApiName, open: LABELS.DeadlineDirectMessage, ended: LABELS.DeadlineDirectMessageEnded }
};
const PENDING_STATUSES = ['Queued', 'Sending'];
// What a sent moderation leaves on its target message once the conversation
// follows it.
const SHOWN_ON_TARGET = {
    like: (m) => fieldValue(m, 'Liked__c') === true,
    unlike: (m) => fieldValue(m, 'Liked__c') !== true,
    hide: (m) => fieldValue(m, 'Hidden__c') === true,
    unhide: (m) => fieldValue(m, 'Hidden__c') !== true,
    delete: (m) => fieldValue(m, 'Deleted__c') === true
};

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

/**
 * The sentence shown in place of a message whose content carebridge does not
 * keep (a tombstone), '' for a message shown as it is: why it is withheld,
 * or who deleted it when its content is gone. A message the brand deleted
 * whose content the org keeps shows its text, marked deleted by the brand.
 */
function tombstoneOf(record) {
    const withheld = fieldValue(record, 'Withheld__c');
    if (withheld) {
        return WITHHELD_LABELS[withheld] || LABELS.StateDeleted;
    }
    if (fieldValue(record, 'Deleted__c') && !fieldValue(record, 'Text__c') && !fieldValue(record, 'Media_URLs__c')) {
        return DELETED_BY_LABELS[fieldValue(record, 'Deleted_By__c')] || LABELS.StateDeleted;
    }
    return '';
}

function words(token) {
    return token ? String(token).replace(/_/g, ' ') : '';
}

function excerpt(text, max) {
    const t = (text || '').replace(/\s+/g, ' ').trim();
    return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

const pendingKey = (type, careId) => `${type}|${careId}`;

export default class CareConversation extends LightningElement {
    @api recordId;

    labels = LABELS;

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
    justQueued = new Set(); // pendingKey(type, careId) created here, not yet in the wired actions
    focusAfterRender = null; // selector to focus once the template has rendered

    wiredMessagesResult;
    wiredActionsResult;
    pollTimer = null;
    pollDelay = POLL_MS;
    pollWaited = 0;
    pollPaused = false;
    clockTimer = null;
    knownStatuses = new Map();

    @wire(getRecord, { recordId: '$recordId', fields: CASE_REQUIRED, optionalFields: CASE_OPTIONAL })
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
        fields: MESSAGE_REQUIRED,
        optionalFields: MESSAGE_OPTIONAL,
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
        this.updatePolling();
    }

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId',
        relatedListId: 'Care_Actions__r',
        fields: ACTION_REQUIRED,
        optionalFields: ACTION_OPTIONAL,
        sortBy: ['-Care_Action__c.CreatedDate'],
        pageSize: ACTION_PAGE_SIZE
    })
    wiredActions(result) {
        this.wiredActionsResult = result;
        const { data, error } = result;
        if (data) {
            this.actionRecords = data.records || [];
            this.actionsError = undefined;
            const changed = this.announceStatusChanges(this.actionRecords);
            this.forgetListedActions(this.actionRecords);
            if (changed) {
                // Progress: the next read comes 3 s from now again.
                this.stopPolling();
                this.resetPolling();
            }
        } else if (error) {
            this.actionsError = error;
        }
        this.updatePolling();
    }

    connectedCallback() {
        // The countdowns tick every second; the only other timer is the poll below.
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.clockTimer = setInterval(() => {
            this.now = Date.now();
        }, 1000);
    }

    disconnectedCallback() {
        clearInterval(this.clockTimer);
        this.clockTimer = null;
        this.stopPolling();
    }

    renderedCallback() {
        if (this.focusAfterRender) {
            const el = this.template.querySelector(this.focusAfterRender);
            this.focusAfterRender = null;
            if (el) {
                el.focus();
            }
        }
    }

    // ----- the Case ---------------------------------------------------------

    get caseErrorText() {
        return this.caseError ? format(LABELS.CaseError, errorText(this.caseError)) : '';
    }

    get syncErrorText() {
        if (fieldValue(this.caseRecord, 'Care_Sync_Status__c') !== 'Error') {
            return '';
        }
        return format(LABELS.SyncProblem, fieldValue(this.caseRecord, 'Care_Sync_Error__c') || LABELS.SyncErrorDefault);
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
            return LABELS.NotLinked;
        }
        return platform ? format(LABELS.CaseSummary, platform, id) : format(LABELS.CaseSummaryNoPlatform, id);
    }

    // ----- the conversation -------------------------------------------------

    get messagesLoading() {
        return !this.messageRecords && !this.messagesError;
    }

    get messagesErrorText() {
        return this.messagesError ? format(LABELS.ConversationError, errorText(this.messagesError)) : '';
    }

    get hasMessages() {
        return Boolean(this.messageRecords && this.messageRecords.length);
    }

    get emptyConversationText() {
        if (this.caseRecord && !this.isLinked) {
            return LABELS.EmptyNotLinked;
        }
        return LABELS.EmptyConversation;
    }

    /** Date and time in the user's locale and Salesforce time zone; withZone adds the zone's name. */
    formatTime(value, withZone = false) {
        if (!value) {
            return '';
        }
        const d = new Date(value);
        if (Number.isNaN(d.getTime())) {
            return String(value);
        }
        const options = withZone
            ? { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: TIME_ZONE }
            : { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE };
        try {
            return new Intl.DateTimeFormat(LOCALE, options).format(d);
        } catch {
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

    messageByCareId(careId) {
        return careId ? (this.messageRecords || []).find((m) => fieldValue(m, 'Care_Message_Id__c') === careId) : undefined;
    }

    authorOf(record) {
        const name = fieldValue(record, 'Author_Name__c') || fieldValue(record, 'Author_Handle__c');
        if (name) {
            return name;
        }
        return tombstoneOf(record) ? LABELS.AuthorRemoved : LABELS.UnknownAuthor;
    }

    describeMessage(record) {
        const kind = (fieldDisplay(record, 'Kind__c') || words(fieldValue(record, 'Kind__c')) || LABELS.MessageKindDefault).toLowerCase();
        return format(LABELS.Possessive, this.authorOf(record), kind);
    }

    /** Actions of this type on this message that are Queued or Sending, or just created here. */
    isPending(type, careId) {
        if (this.justQueued.has(pendingKey(type, careId))) {
            return true;
        }
        return (this.actionRecords || []).some(
            (a) => fieldValue(a, 'Type__c') === type && fieldValue(a, 'Target_Message_Id__c') === careId && PENDING_STATUSES.includes(fieldValue(a, 'Status__c') || 'Queued')
        );
    }

    get messages() {
        return this.threadedMessages.map((t) => {
            const r = t.record;
            const depthValue = fieldValue(r, 'Thread_Depth__c');
            const depth = Number.isFinite(depthValue) ? depthValue : t.treeDepth;
            const author = this.authorOf(r);
            const handle = fieldValue(r, 'Author_Handle__c');
            const kindLabel = fieldDisplay(r, 'Kind__c') || words(fieldValue(r, 'Kind__c')) || LABELS.MessageKindDefault;
            const postedAt = fieldValue(r, 'Posted_At__c');
            const outbound = fieldValue(r, 'Direction__c') === 'outbound';
            const careId = fieldValue(r, 'Care_Message_Id__c');
            const states = [];
            if (fieldValue(r, 'Hidden__c')) {
                states.push({ key: 'hidden', label: fieldValue(r, 'Hidden_With_Parent__c') ? LABELS.StateHiddenWithParent : LABELS.StateHidden });
            }
            const tombstone = tombstoneOf(r);
            if (fieldValue(r, 'Deleted__c') && !tombstone) {
                states.push({ key: 'deleted', label: DELETED_BY_LABELS[fieldValue(r, 'Deleted_By__c')] || LABELS.StateDeleted });
            }
            if (fieldValue(r, 'Edited_At__c') && !tombstone) {
                states.push({ key: 'edited', label: LABELS.StateEdited });
            }
            if (fieldValue(r, 'Liked__c')) {
                states.push({ key: 'liked', label: LABELS.StateLiked });
            }
            if (fieldValue(r, 'Private_Reply_Sent__c')) {
                states.push({ key: 'private', label: LABELS.StatePrivateReplySent });
            }
            states.forEach((s) => {
                s.className = 'slds-badge care-state care-state_' + s.key;
            });
            const badges = [];
            if (outbound) {
                badges.push({ key: 'brand', label: LABELS.BadgeBrand });
            }
            if (fieldValue(r, 'Author_Is_Page__c')) {
                badges.push({ key: 'page', label: LABELS.BadgePage });
            }
            if (fieldValue(r, 'Author_Follows_Brand__c')) {
                badges.push({ key: 'follows', label: LABELS.BadgeFollows });
            }
            const describe = this.describeMessage(r);
            const actions = splitList(fieldValue(r, 'Allowed_Actions__c'))
                .filter((a) => ACTION_LABELS[a])
                .map((a) => {
                    const pending = a !== 'reply' && this.isPending(a, careId);
                    return {
                        key: a,
                        type: a,
                        label: ACTION_LABELS[a],
                        ariaLabel: format(LABELS.ActionOn, ACTION_LABELS[a], describe),
                        disabled: this.sending || pending,
                        title: pending ? format(LABELS.ActionAlreadyQueued, ACTION_LABELS[a]) : null,
                        className: a === 'delete' || a === 'ban' ? 'slds-button slds-button_text-destructive' : 'slds-button slds-button_neutral'
                    };
                });
            const confirming = this.confirm && this.confirm.messageId === r.id ? this.confirm.type : null;
            const media = splitLines(fieldValue(r, 'Media_URLs__c'))
                .map(safeLink)
                .filter(Boolean)
                .map((url, i) => ({ key: i + ':' + url, url, label: format(LABELS.MediaItem, i + 1) }));
            const platformLabel = fieldDisplay(r, 'Platform__c') || words(fieldValue(r, 'Platform__c'));
            const isTarget = this.targetId === r.id;
            const deleted = Boolean(fieldValue(r, 'Deleted__c'));
            const parent = depth > 0 ? this.messageByCareId(fieldValue(r, 'Parent_Message_Id__c')) : undefined;
            const level = Math.max(depth, 0) + 1;
            const nameParts = [format(LABELS.MessageBy, kindLabel, author)];
            if (postedAt) {
                nameParts.push(this.formatTime(postedAt));
            }
            nameParts.push(format(LABELS.ThreadLevel, level));
            if (parent) {
                nameParts.push(format(LABELS.InReplyTo, this.describeMessage(parent)));
            }
            if (isTarget) {
                nameParts.push(LABELS.SelectedForReply);
            }
            return {
                id: r.id,
                careId,
                level,
                itemClass: `care-message care-depth-${Math.min(Math.max(depth, 0), 4)}` + (outbound ? ' care-message_outbound' : '') + (isTarget ? ' care-message_target' : '') + (deleted ? ' care-message_deleted' : '') + (tombstone ? ' care-message_tombstone' : ''),
                platformLabel,
                kindLabel,
                author,
                handle: handle && handle !== author ? '@' + String(handle).replace(/^@/, '') : '',
                badges,
                postedAt,
                postedAtLabel: this.formatTime(postedAt),
                parentText: parent ? format(LABELS.InReplyToVisible, this.describeMessage(parent)) : '',
                text: fieldValue(r, 'Text__c') || '',
                hasText: Boolean(fieldValue(r, 'Text__c')) && !tombstone,
                tombstone,
                tombstoneAt: tombstone ? fieldValue(r, 'Deleted_At__c') : null,
                tombstoneAtLabel: tombstone ? this.formatTime(fieldValue(r, 'Deleted_At__c')) : '',
                media: tombstone ? [] : media,
                hasMedia: media.length > 0 && !tombstone,
                permalink: tombstone ? null : safeLink(fieldValue(r, 'Permalink__c')),
                permalinkLabel: format(LABELS.OpenOn, platformLabel || LABELS.ThePlatform),
                states,
                hasStates: states.length > 0,
                actions,
                hasActions: actions.length > 0 && !confirming,
                actionsLabel: format(LABELS.ActionsOn, describe),
                confirming: Boolean(confirming),
                confirmText: confirming ? format(LABELS.Confirm, ACTION_LABELS[confirming], describe) : '',
                confirmLabel: confirming ? format(LABELS.ConfirmYes, ACTION_LABELS[confirming].toLowerCase()) : '',
                confirmType: confirming,
                ariaLabel: nameParts.join(', '),
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
            // The button that was clicked goes away: keep the keyboard in the question.
            this.focusAfterRender = `button[data-id="confirm-cancel"][data-message-id="${messageId}"]`;
            return;
        }
        this.sendModeration(type, messageId);
    }

    async handleConfirm(event) {
        const { messageId, type } = this.confirm || {};
        this.confirm = null;
        if (messageId && type && event.currentTarget.dataset.messageId === messageId) {
            this.focusAfterRender = `article[data-message-id="${messageId}"]`;
            await this.sendModeration(type, messageId);
            this.focusAfterRender = `article[data-message-id="${messageId}"]`;
        }
    }

    handleCancelConfirm() {
        const { messageId, type } = this.confirm || {};
        this.confirm = null;
        if (messageId) {
            this.focusAfterRender = `button[data-action="${type}"][data-message-id="${messageId}"]`;
        }
    }

    selectTarget(messageId) {
        this.targetId = messageId;
        this.sendError = '';
        this.keepModeAllowed();
        // Keyboard users land where they type.
        this.focusAfterRender = '[data-id="body"]';
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
        return text ? format(LABELS.ReplyingToQuote, this.describeMessage(t), text) : format(LABELS.ReplyingTo, this.describeMessage(t));
    }

    get allowedModes() {
        const source = this.target ? fieldValue(this.target, 'Allowed_Reply_Modes__c') : fieldValue(this.caseRecord, 'Care_Allowed_Reply_Modes__c');
        return splitList(source).filter((m) => MODE_LABELS[m]);
    }

    get hasModes() {
        return this.allowedModes.length > 0;
    }

    get noModesText() {
        return this.target ? LABELS.NoModesMessage : LABELS.NoModesCase;
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
            return format(LABELS.CountNoLimit, this.count);
        }
        return format(LABELS.CountOfLimit, this.count, limit.max, unitLabel(limit.unit));
    }

    get counterClass() {
        return 'slds-form-element__help care-counter' + (this.overLimit ? ' slds-text-color_error' : '');
    }

    get overLimitText() {
        if (!this.overLimit) {
            return '';
        }
        return format(LABELS.OverLimit, this.count - this.limit.max, unitLabel(this.limit.unit));
    }

    get xHint() {
        return Boolean(this.limit) && this.limit.unit === 'x_weighted';
    }

    /** The window of the selected mode (a private reply's or a direct message's), in the user's time zone. */
    get deadlines() {
        const rule = MODE_DEADLINES[this.currentMode];
        const value = rule ? fieldValue(this.caseRecord, rule.field) : null;
        const at = value ? Date.parse(value) : NaN;
        if (Number.isNaN(at)) {
            return [];
        }
        const remaining = formatRemaining(at - this.now);
        const until = this.formatTime(value, true);
        return [
            {
                key: rule.field,
                text: remaining ? format(rule.open, remaining, until) : format(rule.ended, until),
                className: remaining ? 'care-deadline' : 'care-deadline slds-text-color_error'
            }
        ];
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
            [ACT_CASE.fieldApiName]: this.recordId,
            [ACT_TYPE.fieldApiName]: 'reply',
            [ACT_MODE.fieldApiName]: this.currentMode,
            [ACT_BODY.fieldApiName]: this.body,
            [ACT_MEDIA.fieldApiName]: splitLines(this.mediaUrls).join('\n'),
            [ACT_PENDING.fieldApiName]: this.markPending
        };
        const target = this.target;
        if (target) {
            fields[ACT_TARGET.fieldApiName] = target.id;
            fields[ACT_TARGET_ID.fieldApiName] = fieldValue(target, 'Care_Message_Id__c');
        }
        const ok = await this.create(fields, LABELS.ActionReply);
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
        const careId = fieldValue(target, 'Care_Message_Id__c');
        if (!target || this.isPending(type, careId)) {
            return Promise.resolve(false); // a Like already on its way is not sent twice
        }
        const key = pendingKey(type, careId);
        this.justQueued.add(key);
        return this.create(
            {
                [ACT_CASE.fieldApiName]: this.recordId,
                [ACT_TYPE.fieldApiName]: type,
                [ACT_TARGET.fieldApiName]: target.id,
                [ACT_TARGET_ID.fieldApiName]: careId
            },
            ACTION_LABELS[type]
        ).then((ok) => {
            if (!ok) {
                this.justQueued.delete(key);
                this.justQueued = new Set(this.justQueued);
            }
            return ok;
        });
    }

    async create(fields, what) {
        this.sending = true;
        this.sendError = '';
        try {
            await createRecord({ apiName: CARE_ACTION.objectApiName, fields });
            this.announcement = format(LABELS.Queued, what);
            this.resetPolling();
            this.refresh();
            return true;
        } catch (e) {
            this.sendError = format(LABELS.NotQueued, what, errorText(e));
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
        return this.actionsError ? format(LABELS.ActionsError, errorText(this.actionsError)) : '';
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
            const target = this.messageByCareId(fieldValue(r, 'Target_Message_Id__c'));
            const reason = fieldValue(r, 'Status_Reason__c');
            const code = fieldValue(r, 'Status_Code__c');
            let explanation = '';
            if (status === 'Rejected') {
                explanation = format(LABELS.NotSent, reason || code || LABELS.NotSentDefault);
            } else if (status === 'Failed') {
                explanation = format(LABELS.Failed, reason || code || LABELS.FailedDefault);
            } else if (status === 'Sent' && reason) {
                explanation = reason;
            }
            return {
                id: r.id,
                name: fieldValue(r, 'Name'),
                title: [type, mode].filter(Boolean).join(' · '),
                targetText: target ? format(LABELS.OnMessage, this.describeMessage(target)) : '',
                body: excerpt(fieldValue(r, 'Body__c'), 120),
                status: fieldDisplay(r, 'Status__c') || status,
                statusClass: 'slds-badge care-status care-status_' + status.toLowerCase(),
                explanation,
                code: (status === 'Rejected' || status === 'Failed') && code ? format(LABELS.Code, code) : '',
                createdLabel: this.formatTime(fieldValue(r, 'CreatedDate')),
                pending: PENDING_STATUSES.includes(status)
            };
        });
    }

    /** Announces status changes; true when one changed. */
    announceStatusChanges(records) {
        const changes = [];
        for (const r of records) {
            const status = fieldValue(r, 'Status__c') || 'Queued';
            const before = this.knownStatuses.get(r.id);
            if (before && before !== status) {
                const type = fieldDisplay(r, 'Type__c') || words(fieldValue(r, 'Type__c'));
                let text = format(LABELS.StatusChanged, `${type} ${fieldValue(r, 'Name') || ''}`.trim(), fieldDisplay(r, 'Status__c') || status);
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
        return changes.length > 0;
    }

    /** Forgets actions created here once the wired list shows them. */
    forgetListedActions(records) {
        if (!this.justQueued.size) {
            return;
        }
        const listed = new Set(records.map((a) => pendingKey(fieldValue(a, 'Type__c'), fieldValue(a, 'Target_Message_Id__c'))));
        const left = [...this.justQueued].filter((k) => !listed.has(k));
        if (left.length !== this.justQueued.size) {
            this.justQueued = new Set(left);
        }
    }

    get anyPending() {
        return (
            this.justQueued.size > 0 ||
            (this.actionRecords || []).some((r) => PENDING_STATUSES.includes(fieldValue(r, 'Status__c') || 'Queued') || this.awaitsConversation(r))
        );
    }

    // awaitsConversation: the action was sent within MIRROR_WAIT_MS and the
    // conversation does not show it yet (the reply itself, or the target's
    // new state).
    awaitsConversation(action) {
        const sentAt = Date.parse(fieldValue(action, 'Processed_At__c') || '');
        if (fieldValue(action, 'Status__c') !== 'Sent' || !(Date.now() - sentAt < MIRROR_WAIT_MS)) {
            return false;
        }
        const type = fieldValue(action, 'Type__c');
        if (type === 'reply') {
            const result = fieldValue(action, 'Care_Result_Id__c');
            return Boolean(result) && !this.messageByCareId(result);
        }
        const target = this.messageByCareId(fieldValue(action, 'Target_Message_Id__c'));
        const shown = SHOWN_ON_TARGET[type];
        return Boolean(target && shown) && !shown(target);
    }

    // Polling: while an action is Queued or Sending, or was just sent and the
    // conversation does not show it yet, the actions and messages are read
    // again after 3 s, then 6, 12, 24 and every 30 s. A status change starts
    // over at 3 s; ten minutes without one stop it, and the panel says so.

    updatePolling() {
        if (!this.anyPending) {
            this.stopPolling();
            this.resetPolling();
            return;
        }
        this.schedulePoll();
    }

    schedulePoll() {
        if (this.pollTimer || this.pollPaused) {
            return;
        }
        if (this.pollWaited >= POLL_GIVE_UP_MS) {
            this.pollPaused = true;
            this.announcement = LABELS.PollPaused;
            return;
        }
        const delay = this.pollDelay;
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.pollTimer = setTimeout(() => {
            this.pollTimer = null;
            this.pollWaited += delay;
            this.pollDelay = Math.min(delay * 2, POLL_MAX_MS);
            this.refresh();
            if (this.anyPending) {
                this.schedulePoll();
            }
        }, delay);
    }

    resetPolling() {
        this.pollDelay = POLL_MS;
        this.pollWaited = 0;
        if (this.pollPaused) {
            this.pollPaused = false;
        }
    }

    stopPolling() {
        if (this.pollTimer) {
            clearTimeout(this.pollTimer);
            this.pollTimer = null;
        }
    }

    handleCheckAgain() {
        this.stopPolling();
        this.resetPolling();
        this.refresh();
        this.updatePolling();
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
