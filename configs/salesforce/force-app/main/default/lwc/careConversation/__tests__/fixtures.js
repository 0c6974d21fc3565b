// Records in the shape Lightning Data Service delivers them
// ({ id, fields: { Name: { value, displayValue } } }).

export function record(apiName, id, values, displays = {}) {
    const fields = {};
    for (const [k, v] of Object.entries(values)) {
        fields[k] = { value: v, displayValue: k in displays ? displays[k] : null };
    }
    return { apiName, id, fields };
}

const KIND_LABELS = {
    post: 'Post',
    comment: 'Comment',
    reply: 'Reply',
    ad_comment: 'Ad comment',
    wall_post: 'Wall post',
    mention_in_post: 'Mention in post',
    mention_in_comment: 'Mention in comment',
    mention_in_quoted_tweet: 'Mention in quoted tweet',
    listening_mention: 'Listening mention',
    direct_message: 'Direct message'
};

export function message(id, values) {
    const v = {
        Name: 'CM-' + id,
        Care_Message_Id__c: 'care-' + id,
        Platform__c: 'facebook',
        Kind__c: 'comment',
        Direction__c: 'inbound',
        Author_Handle__c: null,
        Author_Name__c: 'Jane Doe',
        Author_Is_Page__c: false,
        Author_Follows_Brand__c: false,
        Text__c: null,
        Media_URLs__c: null,
        Parent_Message_Id__c: null,
        Thread_Depth__c: 1,
        Posted_At__c: '2026-11-30T10:00:00.000Z',
        Hidden__c: false,
        Hidden_With_Parent__c: false,
        Deleted__c: false,
        Liked__c: false,
        Private_Reply_Sent__c: false,
        Permalink__c: null,
        Allowed_Actions__c: null,
        Allowed_Reply_Modes__c: null,
        ...values
    };
    return record('Care_Message__c', id, v, {
        Kind__c: KIND_LABELS[v.Kind__c] || null,
        Platform__c: v.Platform__c === 'twitter' ? 'X (Twitter)' : v.Platform__c ? v.Platform__c[0].toUpperCase() + v.Platform__c.slice(1) : null
    });
}

export function caseRecord(values) {
    return record('Case', '500000000000001AAA', {
        Care_Case_Id__c: 'care-case-1',
        Care_Platform__c: 'facebook',
        Care_Sync_Status__c: 'Synced',
        Care_Sync_Error__c: null,
        Care_Allowed_Reply_Modes__c: 'public_reply;comment_on_post',
        Care_Reply_Limits__c: 'public_reply:8000:characters;comment_on_post:8000:characters;private_reply:2000:characters;direct_message:2000:characters',
        Care_Private_Reply_Deadline__c: null,
        Care_DM_Deadline__c: null,
        ...values
    }, { Care_Platform__c: 'Facebook' });
}

const TYPE_LABELS = { reply: 'Reply', like: 'Like', hide: 'Hide', delete: 'Delete' };
const MODE_LABELS = { public_reply: 'Public reply', private_reply: 'Private reply (direct message)' };

export function action(id, values) {
    const v = {
        Name: 'CA-' + id,
        CreatedDate: '2026-11-30T11:00:00.000Z',
        Type__c: 'reply',
        Reply_Mode__c: null,
        Target_Message_Id__c: null,
        Body__c: null,
        Status__c: 'Queued',
        Status_Code__c: null,
        Status_Reason__c: null,
        Processed_At__c: null,
        Care_Result_Id__c: null,
        ...values
    };
    return record('Care_Action__c', id, v, {
        Type__c: TYPE_LABELS[v.Type__c] || null,
        Reply_Mode__c: MODE_LABELS[v.Reply_Mode__c] || null
    });
}

export function relatedList(records, nextPageToken = null) {
    return { records, count: records.length, nextPageToken, currentPageToken: null };
}
