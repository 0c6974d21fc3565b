import { createElement } from 'lwc';
import CareConversation, { POLL_MS, POLL_MAX_MS, POLL_GIVE_UP_MS, MIRROR_WAIT_MS } from 'c/careConversation';
import { getRecord, createRecord } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { refreshApex } from '@salesforce/apex';
import { message, caseRecord, action, relatedList, record } from './fixtures';

jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });

const CASE_ID = '500000000000001AAA';
const isMessages = (config) => config.relatedListId === 'Care_Messages__r';
const isActions = (config) => config.relatedListId === 'Care_Actions__r';

// Mounts the component and lets its wires receive their configuration, so
// that an emit can tell the two related lists apart.
async function mount() {
    const el = createElement('c-care-conversation', { is: CareConversation });
    el.recordId = CASE_ID;
    document.body.appendChild(el);
    await settle();
    return el;
}

// Lets the component re-render after a wire emit or a resolved promise.
async function settle() {
    for (let i = 0; i < 10; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function emitCase(values) {
    getRecord.emit(caseRecord(values));
}
function emitMessages(records, next) {
    getRelatedListRecords.emit(relatedList(records, next), isMessages);
}
function emitActions(records) {
    getRelatedListRecords.emit(relatedList(records), isActions);
}

const q = (el, sel) => el.shadowRoot.querySelector(sel);
const qa = (el, sel) => Array.from(el.shadowRoot.querySelectorAll(sel));
const text = (node) => (node ? node.textContent.replace(/\s+/g, ' ').trim() : null);
const item = (el, id) => q(el, `li[data-message-id="${id}"]`);
const buttons = (li) => Array.from(li.querySelectorAll('button[data-action]')).map((b) => b.textContent.trim());

function type(el, selector, value) {
    const box = q(el, selector);
    box.value = value;
    box.dispatchEvent(new CustomEvent('input'));
}

beforeEach(() => {
    // A test that makes createRecord fail must not leave it failing for the next.
    createRecord.mockResolvedValue({ id: 'a01000000000009AAA' });
    jest.useFakeTimers();
    jest.setSystemTime(new Date('2026-11-30T12:00:00.000Z'));
});

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
    jest.useRealTimers();
});

describe('wires', () => {
    it('reads the Care fields as optional fields imported from the schema, so a field the user cannot see does not blank the panel', async () => {
        await mount();
        await settle();
        const config = getRecord.getLastConfig();
        expect(config.recordId).toBe(CASE_ID);
        expect(config.fields).toEqual([{ objectApiName: 'Case', fieldApiName: 'CaseNumber' }]);
        expect(config.optionalFields).toEqual(
            expect.arrayContaining([
                { objectApiName: 'Case', fieldApiName: 'Care_Allowed_Reply_Modes__c' },
                { objectApiName: 'Case', fieldApiName: 'Care_Reply_Limits__c' },
                { objectApiName: 'Case', fieldApiName: 'Care_Private_Reply_Deadline__c' },
                { objectApiName: 'Case', fieldApiName: 'Care_DM_Deadline__c' }
            ])
        );
        const lists = getRelatedListRecords.getLastConfig();
        expect(lists.parentRecordId).toBe(CASE_ID);
        expect(['Care_Messages__r', 'Care_Actions__r']).toContain(lists.relatedListId);
        expect(lists.fields.length).toBeLessThanOrEqual(2);
        expect(lists.optionalFields.length).toBeGreaterThan(5);
    });

    it('shows what the user may read when fields are missing from the records', async () => {
        const el = await mount();
        getRecord.emit(record('Case', CASE_ID, { CaseNumber: '00001001', Care_Case_Id__c: 'care-1' }));
        getRelatedListRecords.emit(relatedList([record('Care_Message__c', 'm1', { Name: 'CM-1', Text__c: 'Where is my order?' })]), isMessages);
        getRelatedListRecords.emit(relatedList([record('Care_Action__c', 'x1', { Name: 'CA-1', CreatedDate: '2026-11-30T11:00:00.000Z' })]), isActions);
        await settle();
        expect(text(q(el, '[data-id="text"]'))).toBe('Where is my order?');
        expect(text(q(el, '[data-id="author"]'))).toBe('Unknown author');
        expect(q(el, '[data-id="case-error"]')).toBeNull();
        expect(text(q(el, '[data-id="no-modes"]'))).toBe('No reply is possible on this case right now (carebridge shows none as allowed).');
        expect(q(el, 'li[data-action-id="x1"]')).not.toBeNull();
    });
});

describe('conversation', () => {
    it('shows every message kind with platform, author, badges, time, text, media and permalink', async () => {
        const el = await mount();
        emitCase();
        const kinds = ['post', 'comment', 'reply', 'ad_comment', 'wall_post', 'mention_in_post', 'mention_in_comment', 'mention_in_quoted_tweet', 'listening_mention', 'direct_message'];
        emitMessages(
            kinds.map((k, i) =>
                message('m' + i, { Kind__c: k, Posted_At__c: `2026-11-30T10:0${i}:00.000Z`, Text__c: 'text of ' + k, Thread_Depth__c: 0 })
            )
        );
        await settle();
        expect(qa(el, 'li[data-message-id] [data-id="kind"]').map(text)).toEqual([
            'Post',
            'Comment',
            'Reply',
            'Ad comment',
            'Wall post',
            'Mention in post',
            'Mention in comment',
            'Mention in quoted tweet',
            'Listening mention',
            'Direct message'
        ]);
        expect(qa(el, '[data-id="text"]').map(text)).toEqual(kinds.map((k) => 'text of ' + k));
    });

    it('shows the author, page and follower badges, time, media links and permalink', async () => {
        const el = await mount();
        emitCase();
        emitMessages([
            message('a', {
                Platform__c: 'twitter',
                Author_Name__c: 'Acme Store',
                Author_Handle__c: 'acmestore',
                Author_Is_Page__c: true,
                Author_Follows_Brand__c: true,
                Text__c: 'Hello',
                Media_URLs__c: 'https://cdn.example/1.jpg\n\nhttps://cdn.example/2.mp4\n',
                Permalink__c: 'https://x.com/acmestore/status/1'
            }),
            message('b', { Author_Name__c: 'Bob', Author_Follows_Brand__c: false, Author_Is_Page__c: false, Posted_At__c: '2026-11-30T11:00:00.000Z' })
        ]);
        await settle();
        const a = item(el, 'a');
        expect(text(a.querySelector('[data-id="platform"]'))).toBe('X (Twitter)');
        expect(text(a.querySelector('[data-id="author"]'))).toBe('Acme Store');
        expect(text(a.querySelector('[data-id="handle"]'))).toBe('@acmestore');
        expect(Array.from(a.querySelectorAll('[data-badge]')).map(text)).toEqual(['Page', 'Follows brand']);
        expect(a.querySelector('time').getAttribute('datetime')).toBe('2026-11-30T10:00:00.000Z');
        // the user's time zone from @salesforce/i18n (America/Los_Angeles in tests)
        expect(text(a.querySelector('time'))).toBe('Nov 30, 2026, 2:00 AM');
        const media = Array.from(a.querySelectorAll('a[data-id="media"]'));
        expect(media.map((m) => [text(m), m.getAttribute('href')])).toEqual([
            ['Media 1', 'https://cdn.example/1.jpg'],
            ['Media 2', 'https://cdn.example/2.mp4']
        ]);
        const link = a.querySelector('a[data-id="permalink"]');
        expect(link.getAttribute('href')).toBe('https://x.com/acmestore/status/1');
        expect(text(link)).toBe('Open on X (Twitter)');
        expect(link.getAttribute('rel')).toContain('noopener');

        const b = item(el, 'b');
        expect(b.querySelectorAll('[data-badge]')).toHaveLength(0);
        expect(b.querySelector('a[data-id="media"]')).toBeNull();
        expect(b.querySelector('a[data-id="permalink"]')).toBeNull();
    });

    it('shows hidden, hidden-with-comment, deleted, liked and private-reply-sent states', async () => {
        const el = await mount();
        emitCase();
        emitMessages([
            message('hidden', { Hidden__c: true }),
            message('withparent', { Hidden__c: true, Hidden_With_Parent__c: true }),
            message('deleted', { Deleted__c: true, Text__c: 'gone' }),
            message('liked', { Liked__c: true, Private_Reply_Sent__c: true }),
            message('plain', {})
        ]);
        await settle();
        const states = (id) => Array.from(item(el, id).querySelectorAll('[data-state]')).map(text);
        expect(states('hidden')).toEqual(['Hidden']);
        expect(states('withparent')).toEqual(['Hidden with its comment']);
        expect(states('deleted')).toEqual(['Deleted']);
        expect(item(el, 'deleted').className).toContain('care-message_deleted');
        expect(states('liked')).toEqual(['Liked', 'Private reply sent']);
        expect(states('plain')).toEqual([]);
    });

    it('shows a tombstone in place of deleted, withheld and erased content: who deleted it and when, no text, media, link or author', async () => {
        const el = await mount();
        emitCase();
        const gone = {
            Text__c: null,
            Media_URLs__c: null,
            Permalink__c: null,
            Author_Name__c: null,
            Author_Handle__c: null,
            Deleted_At__c: '2026-11-30T11:15:00.000Z'
        };
        emitMessages([
            message('p', { Kind__c: 'post', Care_Message_Id__c: 'P', Thread_Depth__c: 0, Text__c: 'Our new tent', Posted_At__c: '2026-11-30T09:00:00.000Z' }),
            message('byauthor', { ...gone, Care_Message_Id__c: 'C1', Parent_Message_Id__c: 'P', Deleted__c: true, Deleted_By__c: 'author' }),
            message('reply', { Kind__c: 'reply', Care_Message_Id__c: 'R1', Parent_Message_Id__c: 'C1', Thread_Depth__c: 2, Text__c: 'Same here', Author_Name__c: 'Tom', Posted_At__c: '2026-11-30T10:30:00.000Z' }),
            message('bybrand', { ...gone, Care_Message_Id__c: 'C2', Parent_Message_Id__c: 'P', Deleted__c: true, Deleted_By__c: 'brand', Posted_At__c: '2026-11-30T10:40:00.000Z' }),
            message('kept', { Care_Message_Id__c: 'C3', Parent_Message_Id__c: 'P', Deleted__c: true, Deleted_By__c: 'brand', Text__c: 'Buy cheap tents', Posted_At__c: '2026-11-30T10:45:00.000Z' }),
            message('protected', { ...gone, Deleted_At__c: null, Care_Message_Id__c: 'C4', Parent_Message_Id__c: 'P', Withheld__c: 'account_protected', Posted_At__c: '2026-11-30T10:50:00.000Z' }),
            message('erased', { ...gone, Deleted_At__c: null, Care_Message_Id__c: 'C5', Parent_Message_Id__c: 'P', Withheld__c: 'erased', Posted_At__c: '2026-11-30T10:55:00.000Z' }),
            message('edited', { Care_Message_Id__c: 'C6', Parent_Message_Id__c: 'P', Text__c: 'Fixed now, thanks', Edited_At__c: '2026-11-30T11:00:00.000Z', Posted_At__c: '2026-11-30T10:58:00.000Z' })
        ]);
        await settle();
        const tombstone = (id) => text(item(el, id).querySelector('[data-id="tombstone-reason"]'));
        const states = (id) => Array.from(item(el, id).querySelectorAll('[data-state]')).map(text);

        const byAuthor = item(el, 'byauthor');
        expect(tombstone('byauthor')).toBe('Deleted by its author');
        expect(byAuthor.querySelector('time[data-id="tombstone-time"]').getAttribute('datetime')).toBe('2026-11-30T11:15:00.000Z');
        expect(byAuthor.querySelector('[data-id="text"]')).toBeNull();
        expect(byAuthor.querySelector('a[data-id="media"]')).toBeNull();
        expect(byAuthor.querySelector('a[data-id="permalink"]')).toBeNull();
        expect(byAuthor.querySelector('[data-id="handle"]')).toBeNull();
        expect(text(byAuthor.querySelector('[data-id="author"]'))).toBe('Author removed');
        expect(byAuthor.className).toContain('care-message_tombstone');
        expect(states('byauthor')).toEqual([]);
        // The thread keeps its place: the reply still answers the deleted comment.
        expect(item(el, 'reply').className).toContain('care-depth-2');
        expect(text(item(el, 'reply').querySelector('[data-id="parent"]'))).toContain('Author removed');
        const order = qa(el, 'li[data-message-id]').map((li) => li.dataset.messageId);
        expect(order.indexOf('reply')).toBe(order.indexOf('byauthor') + 1);

        expect(tombstone('bybrand')).toBe('Deleted by the brand');
        expect(item(el, 'bybrand').querySelector('[data-id="text"]')).toBeNull();

        expect(item(el, 'kept').querySelector('[data-id="tombstone"]')).toBeNull();
        expect(text(item(el, 'kept').querySelector('[data-id="text"]'))).toBe('Buy cheap tents');
        expect(states('kept')).toEqual(['Deleted by the brand']);

        expect(tombstone('protected')).toBe("Hidden: the author's account is protected");
        expect(item(el, 'protected').querySelector('time[data-id="tombstone-time"]')).toBeNull();
        expect(tombstone('erased')).toBe("Erased at the customer's request");
        expect(item(el, 'erased').querySelector('[data-id="text"]')).toBeNull();

        expect(text(item(el, 'edited').querySelector('[data-id="text"]'))).toBe('Fixed now, thanks');
        expect(states('edited')).toEqual(['Edited']);
        expect(item(el, 'edited').querySelector('[data-id="tombstone"]')).toBeNull();
    });

    it('reads who deleted a message, when, whether it was edited and why its content is withheld, as optional fields from the schema', () => {
        const fs = require('fs');
        const path = require('path');
        const js = fs.readFileSync(path.join(__dirname, '..', 'careConversation.js'), 'utf8');
        const optional = js.match(/const MESSAGE_OPTIONAL = \[([^\]]*)\]/)[1];
        for (const [name, field] of [['MSG_DELETED_BY', 'Deleted_By__c'], ['MSG_DELETED_AT', 'Deleted_At__c'], ['MSG_EDITED_AT', 'Edited_At__c'], ['MSG_WITHHELD', 'Withheld__c']]) {
            expect(js).toContain(`import ${name} from '@salesforce/schema/Care_Message__c.${field}';`);
            expect(optional).toContain(name);
        }
    });

    it('threads replies under their comment, oldest first, whatever order the records come in', async () => {
        const el = await mount();
        emitCase();
        emitMessages([
            message('r2', { Kind__c: 'reply', Care_Message_Id__c: 'R2', Parent_Message_Id__c: 'C1', Thread_Depth__c: 2, Posted_At__c: '2026-11-30T10:30:00.000Z' }),
            message('c2', { Kind__c: 'comment', Care_Message_Id__c: 'C2', Parent_Message_Id__c: 'P', Thread_Depth__c: 1, Posted_At__c: '2026-11-30T10:20:00.000Z' }),
            message('r1', { Kind__c: 'reply', Care_Message_Id__c: 'R1', Parent_Message_Id__c: 'C1', Thread_Depth__c: 2, Posted_At__c: '2026-11-30T10:25:00.000Z' }),
            message('p', { Kind__c: 'post', Care_Message_Id__c: 'P', Thread_Depth__c: 0, Posted_At__c: '2026-11-30T09:00:00.000Z' }),
            message('c1', { Kind__c: 'comment', Care_Message_Id__c: 'C1', Parent_Message_Id__c: 'P', Thread_Depth__c: 1, Posted_At__c: '2026-11-30T10:00:00.000Z' })
        ]);
        await settle();
        const order = qa(el, 'li[data-message-id]').map((li) => [li.dataset.messageId, li.className.match(/care-depth-\d/)[0]]);
        expect(order).toEqual([
            ['p', 'care-depth-0'],
            ['c1', 'care-depth-1'],
            ['r1', 'care-depth-2'],
            ['r2', 'care-depth-2'],
            ['c2', 'care-depth-1']
        ]);
    });

    it('says so when the conversation is empty, when the Case is not linked, and when loading fails', async () => {
        const el = await mount();
        await settle();
        expect(q(el, '[data-id="messages-loading"]')).not.toBeNull();

        emitCase();
        emitMessages([]);
        emitActions([]);
        await settle();
        expect(text(q(el, '[data-id="messages-empty"]'))).toBe('No messages yet. carebridge adds the conversation here within a few seconds of Care.');
        expect(q(el, '[data-id="actions-empty"]')).not.toBeNull();

        emitCase({ Care_Case_Id__c: null });
        await settle();
        expect(text(q(el, '[data-id="messages-empty"]'))).toBe('This Case is not linked to a Care case, so it has no social conversation.');

        getRelatedListRecords.emitError({ body: { message: 'Insufficient access to Care Messages.' }, status: 403 }, isMessages);
        await settle();
        expect(text(q(el, '[data-id="messages-error"]'))).toBe('The conversation could not be loaded: Insufficient access to Care Messages.');
        expect(q(el, '[data-id="messages-error"]').getAttribute('role')).toBe('alert');
    });

    it('shows the sync error of the Case and an error when the Case cannot be read', async () => {
        const el = await mount();
        emitCase({ Care_Sync_Status__c: 'Error', Care_Sync_Error__c: 'Care refused the status change: done needs an assignee.' });
        await settle();
        expect(text(q(el, '[data-id="sync-error"]'))).toBe('Sync problem: Care refused the status change: done needs an assignee.');

        getRecord.error({ message: 'No access to field Care_Reply_Limits__c.' });
        await settle();
        expect(text(q(el, '[data-id="case-error"]'))).toBe('The Care fields of this Case could not be read: No access to field Care_Reply_Limits__c.');
    });

    it('says when older messages are left out', async () => {
        const el = await mount();
        emitCase();
        emitMessages([message('a', {})], 'token-2');
        await settle();
        expect(q(el, '[data-id="messages-more"]')).not.toBeNull();
    });
});

describe('allowed actions', () => {
    it('shows exactly the actions in Allowed_Actions__c, in that order, and none for an empty list', async () => {
        const el = await mount();
        emitCase();
        emitMessages([
            message('a', { Allowed_Actions__c: 'like;hide' }),
            message('b', { Allowed_Actions__c: ' reply ; unlike;unhide;delete;ban;unban;follow;unfollow ' }),
            message('c', { Allowed_Actions__c: null }),
            message('d', { Allowed_Actions__c: 'like;teleport' })
        ]);
        await settle();
        expect(buttons(item(el, 'a'))).toEqual(['Like', 'Hide']);
        expect(buttons(item(el, 'b'))).toEqual(['Reply', 'Unlike', 'Unhide', 'Delete', 'Ban author', 'Unban author', 'Follow author', 'Unfollow author']);
        expect(buttons(item(el, 'c'))).toEqual([]);
        expect(buttons(item(el, 'd'))).toEqual(['Like']);
        const like = item(el, 'a').querySelector('button[data-action="like"]');
        expect(like.getAttribute('aria-label')).toBe("Like: Jane Doe's comment");
    });

    it('creates a like with the target filled in', async () => {
        const el = await mount();
        emitCase();
        emitMessages([message('a0000000000001AAA', { Care_Message_Id__c: 'fb_123_456', Allowed_Actions__c: 'like;hide' })]);
        await settle();
        item(el, 'a0000000000001AAA').querySelector('button[data-action="like"]').click();
        await settle();
        expect(createRecord).toHaveBeenCalledTimes(1);
        expect(createRecord.mock.calls[0][0]).toEqual({
            apiName: 'Care_Action__c',
            fields: {
                Case__c: CASE_ID,
                Type__c: 'like',
                Target_Message__c: 'a0000000000001AAA',
                Target_Message_Id__c: 'fb_123_456'
            }
        });
        expect(text(q(el, '[data-id="announcer"]'))).toBe('Like queued. Its status is shown under Your actions.');
    });

    it('asks before deleting, and creates nothing on Cancel', async () => {
        const el = await mount();
        emitCase();
        emitMessages([message('a', { Care_Message_Id__c: 'X1', Allowed_Actions__c: 'delete' })]);
        await settle();
        item(el, 'a').querySelector('button[data-action="delete"]').click();
        await settle();
        expect(createRecord).not.toHaveBeenCalled();
        expect(text(q(el, '[data-id="confirm-text"]'))).toBe("Delete: Jane Doe's comment? This cannot be undone from Salesforce.");
        q(el, '[data-id="confirm-cancel"]').click();
        await settle();
        expect(q(el, '[data-id="confirm-text"]')).toBeNull();
        expect(createRecord).not.toHaveBeenCalled();

        item(el, 'a').querySelector('button[data-action="delete"]').click();
        await settle();
        q(el, '[data-id="confirm-yes"]').click();
        await settle();
        expect(createRecord.mock.calls[0][0].fields).toEqual({ Case__c: CASE_ID, Type__c: 'delete', Target_Message__c: 'a', Target_Message_Id__c: 'X1' });
    });
});

describe('reply box', () => {
    it('offers the Case modes with no message picked, and the message modes once Reply is used on it', async () => {
        const el = await mount();
        emitCase({ Care_Allowed_Reply_Modes__c: 'public_reply;comment_on_post' });
        emitMessages([message('a', { Allowed_Actions__c: 'reply;like', Allowed_Reply_Modes__c: 'public_reply;private_reply' })]);
        await settle();
        const modes = () => qa(el, 'select[data-id="mode"] option').map((o) => [o.value, text(o)]);
        expect(modes()).toEqual([
            ['public_reply', 'Public reply'],
            ['comment_on_post', 'Comment on post']
        ]);
        item(el, 'a').querySelector('button[data-action="reply"]').click();
        await settle();
        expect(modes()).toEqual([
            ['public_reply', 'Public reply'],
            ['private_reply', 'Private reply (direct message)']
        ]);
        expect(text(q(el, '[data-id="target"]'))).toContain("Replying to Jane Doe's comment");
        expect(el.shadowRoot.activeElement).toBe(q(el, 'textarea[data-id="body"]'));
        expect(item(el, 'a').className).toContain('care-message_target');

        q(el, '[data-id="clear-target"]').click();
        await settle();
        expect(modes().map((m) => m[0])).toEqual(['public_reply', 'comment_on_post']);
    });

    it('offers no reply when no mode is allowed', async () => {
        const el = await mount();
        emitCase({ Care_Allowed_Reply_Modes__c: null });
        emitMessages([]);
        await settle();
        expect(q(el, 'select[data-id="mode"]')).toBeNull();
        expect(q(el, 'button[data-id="send"]')).toBeNull();
        expect(text(q(el, '[data-id="no-modes"]'))).toBe('No reply is possible on this case right now (carebridge shows none as allowed).');
    });

    it('counts characters as code points', async () => {
        const el = await mount();
        emitCase({ Care_Reply_Limits__c: 'public_reply:10:characters' });
        emitMessages([]);
        await settle();
        expect(text(q(el, '[data-id="counter"]'))).toBe('0 / 10 characters');
        type(el, 'textarea[data-id="body"]', 'héllo 👋'); // 7 code points, 8 UTF-16 units
        await settle();
        expect(text(q(el, '[data-id="counter"]'))).toBe('7 / 10 characters');
        expect(q(el, '[data-id="over-limit"]')).toBeNull();
        type(el, 'textarea[data-id="body"]', 'twelve chars');
        await settle();
        expect(text(q(el, '[data-id="over-limit"]'))).toBe('2 characters over the limit for this reply mode: carebridge will reject it.');
        expect(q(el, '[data-id="counter"]').className).toContain('slds-text-color_error');
        // the bridge judges: Send stays available
        expect(q(el, 'button[data-id="send"]').disabled).toBe(false);
    });

    it('counts UTF-8 bytes', async () => {
        const el = await mount();
        emitCase({ Care_Allowed_Reply_Modes__c: 'direct_message', Care_Reply_Limits__c: 'direct_message:1000:bytes' });
        emitMessages([]);
        await settle();
        type(el, 'textarea[data-id="body"]', 'aé€👋'); // 1 + 2 + 3 + 4
        await settle();
        expect(text(q(el, '[data-id="counter"]'))).toBe('10 / 1000 bytes');
    });

    it('counts X-weighted characters: links 23, CJK and emoji 2', async () => {
        const el = await mount();
        emitCase({ Care_Platform__c: 'twitter', Care_Reply_Limits__c: 'public_reply:280:x_weighted' });
        emitMessages([]);
        await settle();
        type(el, 'textarea[data-id="body"]', 'Hi 日本 https://example.com/a/very/long/path/that/is/long 👋');
        await settle();
        // "Hi " 3 + 日本 4 + " " 1 + link 23 + " " 1 + 👋 2
        expect(text(q(el, '[data-id="counter"]'))).toBe('34 / 280 characters as X counts them');
        expect(q(el, '[data-id="x-hint"]')).not.toBeNull();
    });

    it('uses the limit of the selected mode', async () => {
        const el = await mount();
        emitCase({ Care_Allowed_Reply_Modes__c: 'public_reply;direct_message', Care_Reply_Limits__c: 'public_reply:8000:characters;direct_message:640:bytes' });
        emitMessages([]);
        await settle();
        type(el, 'textarea[data-id="body"]', 'ñ');
        await settle();
        expect(text(q(el, '[data-id="counter"]'))).toBe('1 / 8000 characters');
        const select = q(el, 'select[data-id="mode"]');
        select.value = 'direct_message';
        select.dispatchEvent(new CustomEvent('change'));
        await settle();
        expect(text(q(el, '[data-id="counter"]'))).toBe('2 / 640 bytes');
    });

    it('counts down to the deadline of the selected mode only, with the time zone', async () => {
        const el = await mount();
        emitCase({
            Care_Allowed_Reply_Modes__c: 'public_reply;private_reply;direct_message',
            Care_Private_Reply_Deadline__c: '2026-11-30T12:01:05.000Z', // 1 min 5 s from now
            Care_DM_Deadline__c: '2026-12-02T15:00:00.000Z' // 2 d 3 h from now
        });
        emitMessages([]);
        await settle();
        const deadlines = () => qa(el, '[data-deadline]').map(text);
        const choose = async (mode) => {
            const select = q(el, 'select[data-id="mode"]');
            select.value = mode;
            select.dispatchEvent(new CustomEvent('change'));
            await settle();
        };
        expect(deadlines()).toEqual([]); // a public reply has no window

        await choose('direct_message');
        // the user's Salesforce time zone (America/Los_Angeles in tests), named
        expect(deadlines()).toEqual(['Direct messages possible for 2 d 3 h more (until Dec 2, 2026, 7:00 AM PST).']);

        await choose('private_reply');
        expect(deadlines()).toEqual(['Private reply possible for 1 min 5 s more (until Nov 30, 2026, 4:01 AM PST).']);
        jest.advanceTimersByTime(60 * 1000);
        await settle();
        expect(deadlines()).toEqual(['Private reply possible for 5 s more (until Nov 30, 2026, 4:01 AM PST).']);
        jest.advanceTimersByTime(5 * 1000);
        await settle();
        expect(deadlines()).toEqual(['The private-reply window ended at Nov 30, 2026, 4:01 AM PST.']);
        expect(q(el, '[data-deadline="Care_Private_Reply_Deadline__c"]').className).toContain('slds-text-color_error');
    });

    it('sends exactly the record the bridge expects, with the target, and clears the box', async () => {
        createRecord.mockResolvedValue({ id: 'a01000000000001AAA' });
        const el = await mount();
        emitCase();
        emitMessages([message('a02000000000001AAA', { Care_Message_Id__c: 'fb_1_2', Allowed_Actions__c: 'reply', Allowed_Reply_Modes__c: 'public_reply;private_reply' })]);
        emitActions([]);
        await settle();
        expect(q(el, 'button[data-id="send"]').disabled).toBe(true); // nothing to send yet
        item(el, 'a02000000000001AAA').querySelector('button[data-action="reply"]').click();
        await settle();
        const select = q(el, 'select[data-id="mode"]');
        select.value = 'private_reply';
        select.dispatchEvent(new CustomEvent('change'));
        type(el, 'textarea[data-id="body"]', 'Sorry about that! We sent you a message.');
        type(el, 'textarea[data-id="media"]', ' https://cdn.example/a.png \n\nhttps://cdn.example/b.png');
        const pending = q(el, 'input[data-id="pending"]');
        pending.checked = true;
        pending.dispatchEvent(new CustomEvent('change'));
        await settle();
        q(el, 'button[data-id="send"]').click();
        await settle();
        expect(createRecord).toHaveBeenCalledTimes(1);
        expect(createRecord.mock.calls[0][0]).toEqual({
            apiName: 'Care_Action__c',
            fields: {
                Case__c: CASE_ID,
                Type__c: 'reply',
                Reply_Mode__c: 'private_reply',
                Target_Message__c: 'a02000000000001AAA',
                Target_Message_Id__c: 'fb_1_2',
                Body__c: 'Sorry about that! We sent you a message.',
                Media_URLs__c: 'https://cdn.example/a.png\nhttps://cdn.example/b.png',
                Mark_Pending__c: true
            }
        });
        expect(q(el, 'textarea[data-id="body"]').value).toBe('');
        expect(q(el, 'textarea[data-id="media"]').value).toBe('');
        expect(q(el, 'input[data-id="pending"]').checked).toBe(false);
        expect(text(q(el, '[data-id="announcer"]'))).toBe('Reply queued. Its status is shown under Your actions.');
        expect(refreshApex).toHaveBeenCalled();
    });

    it('sends a reply to the case without a target', async () => {
        const el = await mount();
        emitCase({ Care_Allowed_Reply_Modes__c: 'comment_on_post' });
        emitMessages([]);
        await settle();
        type(el, 'textarea[data-id="body"]', 'Thanks!');
        await settle();
        q(el, 'button[data-id="send"]').click();
        await settle();
        expect(createRecord.mock.calls[0][0]).toEqual({
            apiName: 'Care_Action__c',
            fields: { Case__c: CASE_ID, Type__c: 'reply', Reply_Mode__c: 'comment_on_post', Body__c: 'Thanks!', Media_URLs__c: '', Mark_Pending__c: false }
        });
    });

    it('keeps the text and shows why when Salesforce refuses the record', async () => {
        createRecord.mockRejectedValue({ body: { message: 'An error occurred', output: { errors: [], fieldErrors: { Reply_Mode__c: [{ message: 'bad value for restricted picklist field: x' }] } } } });
        const el = await mount();
        emitCase();
        emitMessages([]);
        await settle();
        type(el, 'textarea[data-id="body"]', 'Hello');
        await settle();
        q(el, 'button[data-id="send"]').click();
        await settle();
        expect(text(q(el, '[data-id="send-error"]'))).toBe('Reply was not queued: bad value for restricted picklist field: x');
        expect(q(el, 'textarea[data-id="body"]').value).toBe('Hello');
    });
});

describe('your actions', () => {
    it('shows status moving from Queued to Rejected with the reason, polling only while one is pending', async () => {
        const el = await mount();
        emitCase();
        emitMessages([message('m1', { Care_Message_Id__c: 'C1' })]);
        emitActions([action('a1', { Type__c: 'reply', Reply_Mode__c: 'private_reply', Target_Message_Id__c: 'C1', Body__c: 'We are on it' })]);
        await settle();
        const row = () => q(el, 'li[data-action-id="a1"]');
        expect(text(row().querySelector('[data-id="status"]'))).toBe('Queued');
        expect(text(row().querySelector('[data-id="title"]'))).toBe('Reply · Private reply (direct message)');
        expect(text(row())).toContain("on Jane Doe's comment");

        jest.advanceTimersByTime(POLL_MS);
        await settle();
        expect(refreshApex).toHaveBeenCalled();
        refreshApex.mockClear();

        emitActions([action('a1', { Type__c: 'reply', Reply_Mode__c: 'private_reply', Target_Message_Id__c: 'C1', Status__c: 'Sending' })]);
        await settle();
        expect(text(row().querySelector('[data-id="status"]'))).toBe('Sending');
        expect(text(q(el, '[data-id="announcer"]'))).toBe('Reply CA-a1: Sending.');

        emitActions([
            action('a1', {
                Type__c: 'reply',
                Reply_Mode__c: 'private_reply',
                Status__c: 'Rejected',
                Status_Code__c: 'private_reply_window_expired',
                Status_Reason__c: 'Facebook allows a private reply only within 7 days of the comment; reply publicly instead.'
            })
        ]);
        await settle();
        expect(text(row().querySelector('[data-id="status"]'))).toBe('Rejected');
        expect(text(row().querySelector('[data-id="reason"]'))).toBe('Not sent: Facebook allows a private reply only within 7 days of the comment; reply publicly instead.');
        expect(text(q(el, '[data-id="announcer"]'))).toBe('Reply CA-a1: Rejected. Facebook allows a private reply only within 7 days of the comment; reply publicly instead.');

        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_MS * 3);
        await settle();
        expect(refreshApex).not.toHaveBeenCalled();
    });

    it('shows Sent and Failed, newest first', async () => {
        const el = await mount();
        emitCase();
        emitMessages([]);
        emitActions([
            action('old', { Type__c: 'like', Status__c: 'Sent', CreatedDate: '2026-11-30T09:00:00.000Z' }),
            action('new', { Type__c: 'hide', Status__c: 'Failed', Status_Code__c: 'retries_exhausted', Status_Reason__c: 'Care could not be reached for 10 minutes.', CreatedDate: '2026-11-30T11:30:00.000Z' })
        ]);
        await settle();
        expect(qa(el, 'li[data-action-id]').map((li) => li.dataset.actionId)).toEqual(['new', 'old']);
        expect(text(q(el, 'li[data-action-id="new"] [data-id="reason"]'))).toBe('Failed: Care could not be reached for 10 minutes.');
        expect(text(q(el, 'li[data-action-id="old"] [data-id="status"]'))).toBe('Sent');
        expect(q(el, 'li[data-action-id="old"] [data-id="reason"]')).toBeNull();
        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_MS * 2);
        expect(refreshApex).not.toHaveBeenCalled();
    });

    it('keeps reading after a like and a reply are Sent until the conversation shows them, and no longer', async () => {
        const el = await mount();
        emitCase();
        const justSent = { Status__c: 'Sent', Processed_At__c: '2026-11-30T11:59:59.000Z' };
        const like = action('l1', { Type__c: 'like', Target_Message_Id__c: 'C1', ...justSent });
        const reply = action('r1', { Type__c: 'reply', Body__c: 'On it', Care_Result_Id__c: 'R1', ...justSent });
        emitMessages([message('m1', { Care_Message_Id__c: 'C1' })]);
        emitActions([like, reply]);
        await settle();
        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_MS);
        await settle();
        expect(refreshApex).toHaveBeenCalled();

        // The like shows; the reply does not yet: still reading.
        emitMessages([message('m1', { Care_Message_Id__c: 'C1', Liked__c: true })]);
        await settle();
        refreshApex.mockClear();
        jest.advanceTimersByTime(2 * POLL_MS);
        await settle();
        expect(refreshApex).toHaveBeenCalled();

        // Both show: the reading stops.
        emitMessages([message('m1', { Care_Message_Id__c: 'C1', Liked__c: true }), message('m2', { Care_Message_Id__c: 'R1', Direction__c: 'outbound' })]);
        await settle();
        expect(q(el, 'li[data-care-id="C1"] .care-state_liked')).not.toBeNull();
        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_MAX_MS);
        await settle();
        expect(refreshApex).not.toHaveBeenCalled();
    });

    it('stops waiting for a sent action to show once it was sent a minute ago', async () => {
        await mount();
        emitCase();
        emitMessages([message('m1', { Care_Message_Id__c: 'C1' })]);
        emitActions([action('h1', { Type__c: 'hide', Target_Message_Id__c: 'C1', Status__c: 'Sent', Processed_At__c: '2026-11-30T11:59:59.000Z' })]);
        await settle();
        jest.advanceTimersByTime(MIRROR_WAIT_MS);
        await settle();
        emitMessages([message('m1', { Care_Message_Id__c: 'C1' })]);
        await settle();
        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_MAX_MS);
        await settle();
        expect(refreshApex).not.toHaveBeenCalled();
    });

    it('shows an error when the actions cannot be loaded', async () => {
        const el = await mount();
        emitCase();
        emitMessages([]);
        getRelatedListRecords.emitError({ body: { message: 'No access to Care Actions.' } }, isActions);
        await settle();
        expect(text(q(el, '[data-id="actions-error"]'))).toBe('Your actions could not be loaded: No access to Care Actions.');
    });

    it('stops its timers when removed from the page', async () => {
        const el = await mount();
        emitCase();
        emitMessages([]);
        emitActions([action('a1', {})]);
        await settle();
        document.body.removeChild(el);
        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_MS * 2);
        expect(refreshApex).not.toHaveBeenCalled();
        expect(jest.getTimerCount()).toBe(0);
    });
});

describe('links from social content', () => {
    /* eslint-disable no-script-url -- the test feeds javascript: links to see them refused */
    it('links only http and https addresses, never javascript:, data: or relative ones', async () => {
        const el = await mount();
        emitCase();
        emitMessages([
            message('a', {
                Media_URLs__c: 'javascript:alert(1)\nhttps://cdn.example/ok.jpg\ndata:text/html,<b>x</b>\n/relative/path\nhttp://cdn.example/plain.png',
                Permalink__c: 'javascript:alert(document.cookie)'
            }),
            message('b', { Permalink__c: ' https://facebook.com/p/1 ' })
        ]);
        await settle();
        const hrefs = qa(el, 'li[data-message-id="a"] a').map((a) => a.getAttribute('href'));
        expect(hrefs).toEqual(['https://cdn.example/ok.jpg', 'http://cdn.example/plain.png']);
        expect(q(el, 'li[data-message-id="a"] a[data-id="permalink"]')).toBeNull();
        expect(q(el, 'li[data-message-id="b"] a[data-id="permalink"]').getAttribute('href')).toBe('https://facebook.com/p/1');
    });
    /* eslint-enable no-script-url */
});

describe('an action already on its way', () => {
    it('disables Like once clicked, so a second click sends nothing, until the action is no longer pending', async () => {
        const el = await mount();
        emitCase();
        emitMessages([message('m1', { Care_Message_Id__c: 'C1', Allowed_Actions__c: 'like;hide' })]);
        emitActions([]);
        await settle();
        const like = () => item(el, 'm1').querySelector('button[data-action="like"]');
        like().click();
        await settle();
        expect(createRecord).toHaveBeenCalledTimes(1);
        expect(like().disabled).toBe(true);
        expect(like().getAttribute('title')).toBe('Like is already on its way for this message.');
        expect(item(el, 'm1').querySelector('button[data-action="hide"]').disabled).toBe(false);
        like().click();
        await settle();
        expect(createRecord).toHaveBeenCalledTimes(1);

        emitActions([action('a1', { Type__c: 'like', Target_Message_Id__c: 'C1', Status__c: 'Sending' })]);
        await settle();
        expect(like().disabled).toBe(true);

        emitActions([action('a1', { Type__c: 'like', Target_Message_Id__c: 'C1', Status__c: 'Failed' })]);
        await settle();
        expect(like().disabled).toBe(false);
    });

    it('disables the button of a pending action found in the list after a reload', async () => {
        const el = await mount();
        emitCase();
        emitMessages([message('m1', { Care_Message_Id__c: 'C1', Allowed_Actions__c: 'like;hide' })]);
        emitActions([action('a1', { Type__c: 'hide', Target_Message_Id__c: 'C1', Status__c: 'Queued' })]);
        await settle();
        expect(item(el, 'm1').querySelector('button[data-action="hide"]').disabled).toBe(true);
        expect(item(el, 'm1').querySelector('button[data-action="like"]').disabled).toBe(false);
    });

    it('enables the button again when Salesforce refuses the action', async () => {
        createRecord.mockRejectedValue({ body: { message: 'Insufficient access' } });
        const el = await mount();
        emitCase();
        emitMessages([message('m1', { Care_Message_Id__c: 'C1', Allowed_Actions__c: 'like' })]);
        emitActions([]);
        await settle();
        item(el, 'm1').querySelector('button[data-action="like"]').click();
        await settle();
        expect(text(q(el, '[data-id="send-error"]'))).toBe('Like was not queued: Insufficient access');
        expect(item(el, 'm1').querySelector('button[data-action="like"]').disabled).toBe(false);
    });
});

describe('accessibility', () => {
    it('announces where a message sits in the thread, not only by indentation', async () => {
        const el = await mount();
        emitCase();
        emitMessages([
            message('p', { Kind__c: 'post', Care_Message_Id__c: 'P', Thread_Depth__c: 0, Author_Name__c: 'Acme', Posted_At__c: '2026-11-30T09:00:00.000Z' }),
            message('c1', { Kind__c: 'comment', Care_Message_Id__c: 'C1', Parent_Message_Id__c: 'P', Thread_Depth__c: 1, Posted_At__c: '2026-11-30T10:00:00.000Z' }),
            message('r1', { Kind__c: 'reply', Care_Message_Id__c: 'R1', Parent_Message_Id__c: 'C1', Thread_Depth__c: 2, Author_Name__c: 'Bob', Posted_At__c: '2026-11-30T10:05:00.000Z' })
        ]);
        await settle();
        expect(item(el, 'p').getAttribute('aria-level')).toBe('1');
        expect(item(el, 'r1').getAttribute('aria-level')).toBe('3');
        expect(item(el, 'r1').querySelector('article').getAttribute('aria-label')).toBe("Reply by Bob, Nov 30, 2026, 2:05 AM, level 3, in reply to Jane Doe's comment");
        expect(text(item(el, 'r1').querySelector('[data-id="parent"]'))).toBe("Reply to Jane Doe's comment");
        expect(item(el, 'p').querySelector('[data-id="parent"]')).toBeNull();
    });

    it('keeps the keyboard focus through a confirmation: on Cancel in the question, back on the button, then on the message', async () => {
        const el = await mount();
        emitCase();
        emitMessages([message('a', { Care_Message_Id__c: 'X1', Allowed_Actions__c: 'delete;ban' })]);
        await settle();
        const focused = () => el.shadowRoot.activeElement;
        item(el, 'a').querySelector('button[data-action="ban"]').click();
        await settle();
        expect(focused()).toBe(q(el, 'button[data-id="confirm-cancel"]'));
        q(el, 'button[data-id="confirm-cancel"]').click();
        await settle();
        expect(focused()).toBe(item(el, 'a').querySelector('button[data-action="ban"]'));

        item(el, 'a').querySelector('button[data-action="delete"]').click();
        await settle();
        q(el, 'button[data-id="confirm-yes"]').click();
        await settle();
        expect(createRecord).toHaveBeenCalledTimes(1);
        expect(focused()).toBe(item(el, 'a').querySelector('article'));
    });

    it('writes no text of its own into the template: every string is a Custom Label', () => {
        const fs = require('fs');
        const path = require('path');
        const html = fs.readFileSync(path.join(__dirname, '..', 'careConversation.html'), 'utf8');
        const literal = html
            .replace(/<!--[\s\S]*?-->/g, '')
            .split(/<[^>]*>/)
            .map((t) => t.replace(/\{[^}]*\}/g, '').replace(/[\s·]/g, ''))
            .filter(Boolean);
        expect(literal).toEqual([]);
        expect(html).not.toMatch(/(aria-label|title|alt|placeholder)="[^{"]/);
    });

    it('keeps text contrast at 4.5:1 or more on every background of its stylesheet', () => {
        const fs = require('fs');
        const path = require('path');
        const css = fs.readFileSync(path.join(__dirname, '..', 'careConversation.css'), 'utf8');
        const lum = (hex) => {
            const h = hex.replace('#', '').replace(/^(.)(.)(.)$/, '$1$1$2$2$3$3');
            const c = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
            return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        };
        const ratio = (a, b) => {
            const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
            return (x + 0.05) / (y + 0.05);
        };
        const rules = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].map(([, sel, body]) => ({
            sel: sel.trim(),
            color: (body.match(/(?:^|;|\s)color:\s*(#[0-9a-fA-F]{3,6})/) || [])[1],
            background: (body.match(/background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})/) || [])[1]
        }));
        // Text is #181818 (SLDS body) where a rule sets no colour; a rule without a
        // background sits on any background of the stylesheet, or on white.
        const backgrounds = ['#ffffff', ...rules.map((r) => r.background).filter(Boolean)];
        const low = [];
        for (const r of rules) {
            const colors = r.color ? [r.color] : ['#181818'];
            for (const color of colors) {
                for (const bg of r.background ? [r.background] : r.color ? backgrounds : []) {
                    if (ratio(color, bg) < 4.5) {
                        low.push(`${r.sel}: ${color} on ${bg} is ${ratio(color, bg).toFixed(2)}:1`);
                    }
                }
            }
        }
        expect(low).toEqual([]);
        expect(rules.filter((r) => r.color).length).toBeGreaterThan(3);
    });
});

describe('polling', () => {
    const pendingAction = () => action('a1', { Type__c: 'reply', Status__c: 'Queued' });

    it('reads the actions again after 3 s, then waits twice as long each time up to 30 s', async () => {
        await mount();
        emitCase();
        emitMessages([]);
        emitActions([pendingAction()]);
        await settle();
        const calls = [];
        let t = 0;
        for (const wait of [POLL_MS, 2 * POLL_MS, 4 * POLL_MS, 8 * POLL_MS, POLL_MAX_MS, POLL_MAX_MS]) {
            refreshApex.mockClear();
            jest.advanceTimersByTime(wait - 1);
            expect(refreshApex).not.toHaveBeenCalled();
            jest.advanceTimersByTime(1);
            t += wait;
            calls.push(refreshApex.mock.calls.length > 0 ? t : -t);
        }
        expect(calls).toEqual([3000, 9000, 21000, 45000, 75000, 105000]);
    });

    it('stops after ten minutes without a change, says so, and starts over on Check again', async () => {
        const el = await mount();
        emitCase();
        emitMessages([]);
        emitActions([pendingAction()]);
        await settle();
        jest.advanceTimersByTime(POLL_GIVE_UP_MS + POLL_MAX_MS);
        await settle();
        expect(text(q(el, '[data-id="poll-paused"]'))).toContain('Status updates paused');
        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_GIVE_UP_MS);
        expect(refreshApex).not.toHaveBeenCalled();
        expect(jest.getTimerCount()).toBe(1); // the clock of the countdowns only

        q(el, '[data-id="check-again"]').click();
        await settle();
        expect(refreshApex).toHaveBeenCalled();
        expect(q(el, '[data-id="poll-paused"]')).toBeNull();
        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_MS);
        expect(refreshApex).toHaveBeenCalled();
    });

    it('starts over at 3 s when a status changes', async () => {
        await mount();
        emitCase();
        emitMessages([]);
        emitActions([pendingAction()]);
        await settle();
        jest.advanceTimersByTime(POLL_MS + 2 * POLL_MS + 4 * POLL_MS); // the next wait would be 24 s
        emitActions([action('a1', { Type__c: 'reply', Status__c: 'Sending' })]);
        await settle();
        refreshApex.mockClear();
        jest.advanceTimersByTime(POLL_MS - 1);
        expect(refreshApex).not.toHaveBeenCalled();
        jest.advanceTimersByTime(1);
        expect(refreshApex).toHaveBeenCalled();
    });
});
