// Fixture records for the screenshots, in Lightning Data Service's shape.
// The page clock is fixed at NOW, so deadlines count down from there.
export const NOW = '2026-11-30T15:00:00.000Z';

function rec(id, values, displays = {}) {
    const fields = {};
    for (const [k, v] of Object.entries(values)) {
        fields[k] = { value: v, displayValue: k in displays ? displays[k] : null };
    }
    return { id, fields };
}
const KIND = { post: 'Post', comment: 'Comment', reply: 'Reply', direct_message: 'Direct message', mention_in_post: 'Mention in post' };
function msg(id, v) {
    const values = {
        Name: 'CM-' + id,
        Care_Message_Id__c: id,
        Platform__c: 'facebook',
        Direction__c: 'inbound',
        Author_Is_Page__c: false,
        Author_Follows_Brand__c: false,
        Hidden__c: false,
        Hidden_With_Parent__c: false,
        Deleted__c: false,
        Liked__c: false,
        Private_Reply_Sent__c: false,
        Media_URLs__c: null,
        Permalink__c: null,
        Author_Handle__c: null,
        ...v
    };
    const platform = { facebook: 'Facebook', twitter: 'X (Twitter)', instagram: 'Instagram' }[values.Platform__c];
    return rec('a00' + id, values, { Kind__c: KIND[values.Kind__c], Platform__c: platform });
}
function act(id, v) {
    return rec('a01' + id, { Name: 'CA-000' + id, ...v }, {
        Type__c: { reply: 'Reply', like: 'Like', hide: 'Hide' }[v.Type__c],
        Reply_Mode__c: { public_reply: 'Public reply', private_reply: 'Private reply (direct message)' }[v.Reply_Mode__c] || null
    });
}

const facebook = {
    caseRecord: rec('500SCREENSHOT', {
        Care_Case_Id__c: '8412207',
        Care_Platform__c: 'facebook',
        Care_Sync_Status__c: 'Synced',
        Care_Sync_Error__c: null,
        Care_Allowed_Reply_Modes__c: 'public_reply;comment_on_post;private_reply',
        Care_Reply_Limits__c: 'public_reply:8000:characters;comment_on_post:8000:characters;private_reply:2000:characters',
        Care_Private_Reply_Deadline__c: '2026-12-05T09:12:00.000Z',
        Care_DM_Deadline__c: null
    }, { Care_Platform__c: 'Facebook' }),
    messages: {
        records: [
            msg('P1', { Kind__c: 'post', Thread_Depth__c: 0, Direction__c: 'outbound', Author_Name__c: 'Northwind Coffee', Author_Is_Page__c: true,
                Posted_At__c: '2026-11-28T14:00:00.000Z', Text__c: 'Our winter blend is back in all stores this week!',
                Media_URLs__c: 'https://cdn.example.com/winter-blend.jpg', Permalink__c: 'https://facebook.com/northwind/posts/1',
                Allowed_Actions__c: null, Allowed_Reply_Modes__c: 'comment_on_post' }),
            msg('C1', { Kind__c: 'comment', Thread_Depth__c: 1, Parent_Message_Id__c: 'P1', Author_Name__c: 'Maria Lopez', Author_Follows_Brand__c: true,
                Posted_At__c: '2026-11-29T09:12:00.000Z', Text__c: 'My order #4471 arrived with a broken lid and coffee all over the box. Nobody answers my emails.',
                Permalink__c: 'https://facebook.com/northwind/posts/1?comment_id=C1', Liked__c: true,
                Allowed_Actions__c: 'reply;unlike;hide;delete', Allowed_Reply_Modes__c: 'public_reply;private_reply' }),
            msg('R1', { Kind__c: 'reply', Thread_Depth__c: 2, Parent_Message_Id__c: 'C1', Direction__c: 'outbound', Author_Name__c: 'Northwind Coffee', Author_Is_Page__c: true,
                Posted_At__c: '2026-11-29T10:02:00.000Z', Text__c: 'We are so sorry, Maria! We sent you a private message to sort this out.',
                Allowed_Actions__c: 'delete', Allowed_Reply_Modes__c: 'public_reply' }),
            msg('C2', { Kind__c: 'comment', Thread_Depth__c: 1, Parent_Message_Id__c: 'P1', Author_Name__c: 'Deals4U', Author_Is_Page__c: true,
                Posted_At__c: '2026-11-29T11:40:00.000Z', Text__c: 'Cheap coffee here >>> bit.ly/xyz', Hidden__c: true,
                Allowed_Actions__c: 'unhide;delete;ban', Allowed_Reply_Modes__c: '' }),
            msg('R2', { Kind__c: 'reply', Thread_Depth__c: 2, Parent_Message_Id__c: 'C1', Author_Name__c: 'Maria Lopez', Author_Follows_Brand__c: true,
                Posted_At__c: '2026-11-30T13:55:00.000Z', Text__c: 'Still waiting for that message…', Private_Reply_Sent__c: false,
                Allowed_Actions__c: 'reply;like;hide;delete', Allowed_Reply_Modes__c: 'public_reply;private_reply' })
        ],
        nextPageToken: null
    },
    actions: {
        records: [
            act('41', { Type__c: 'reply', Reply_Mode__c: 'public_reply', Target_Message_Id__c: 'C1', Body__c: 'We are so sorry, Maria! We sent you a private message to sort this out.',
                Status__c: 'Sent', CreatedDate: '2026-11-29T10:01:30.000Z' }),
            act('42', { Type__c: 'reply', Reply_Mode__c: 'private_reply', Target_Message_Id__c: 'C2', Body__c: 'Please stop posting spam.',
                Status__c: 'Rejected', Status_Code__c: 'private_reply_to_page',
                Status_Reason__c: 'Facebook does not let a Page receive a private reply: the comment was written by a Facebook Page. Hide or delete the comment instead.',
                CreatedDate: '2026-11-29T11:45:00.000Z' }),
            act('43', { Type__c: 'hide', Target_Message_Id__c: 'C2', Status__c: 'Sent', CreatedDate: '2026-11-29T11:46:00.000Z' }),
            act('44', { Type__c: 'like', Target_Message_Id__c: 'R2', Status__c: 'Sending', CreatedDate: '2026-11-30T14:59:40.000Z' })
        ],
        nextPageToken: null
    }
};

const x = {
    caseRecord: rec('500SCREENSHOT2', {
        Care_Case_Id__c: '8412388',
        Care_Platform__c: 'twitter',
        Care_Sync_Status__c: 'Synced',
        Care_Sync_Error__c: null,
        Care_Allowed_Reply_Modes__c: 'public_reply;direct_message',
        Care_Reply_Limits__c: 'public_reply:280:x_weighted;direct_message:10000:characters',
        Care_Private_Reply_Deadline__c: null,
        Care_DM_Deadline__c: '2026-12-01T08:30:00.000Z'
    }, { Care_Platform__c: 'X (Twitter)' }),
    messages: {
        records: [
            msg('T1', { Platform__c: 'twitter', Kind__c: 'mention_in_post', Thread_Depth__c: 0, Author_Name__c: 'Sam Chen', Author_Handle__c: 'samchen',
                Author_Follows_Brand__c: true, Posted_At__c: '2026-11-30T08:30:00.000Z',
                Text__c: '@northwind the app keeps logging me out again, anyone else?', Permalink__c: 'https://x.com/samchen/status/1',
                Allowed_Actions__c: 'reply;like;follow', Allowed_Reply_Modes__c: 'public_reply;direct_message' })
        ],
        nextPageToken: null
    },
    actions: { records: [], nextPageToken: null }
};

export function fixture() {
    return window.location.hash === '#x' ? x : facebook;
}
