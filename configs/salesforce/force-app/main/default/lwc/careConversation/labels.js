// Every string the component shows, as Custom Labels (labels/CustomLabels.labels-meta.xml)
// so that an org can translate them with the Translation Workbench. {0}, {1}, ... are
// filled in by format().

import Care_Title from '@salesforce/label/c.Care_Title';
import Care_CaseSummary from '@salesforce/label/c.Care_CaseSummary';
import Care_CaseSummaryNoPlatform from '@salesforce/label/c.Care_CaseSummaryNoPlatform';
import Care_NotLinked from '@salesforce/label/c.Care_NotLinked';
import Care_CaseError from '@salesforce/label/c.Care_CaseError';
import Care_SyncProblem from '@salesforce/label/c.Care_SyncProblem';
import Care_SyncErrorDefault from '@salesforce/label/c.Care_SyncErrorDefault';
import Care_ConversationHeading from '@salesforce/label/c.Care_ConversationHeading';
import Care_ConversationError from '@salesforce/label/c.Care_ConversationError';
import Care_ConversationLoading from '@salesforce/label/c.Care_ConversationLoading';
import Care_MoreMessages from '@salesforce/label/c.Care_MoreMessages';
import Care_EmptyNotLinked from '@salesforce/label/c.Care_EmptyNotLinked';
import Care_EmptyConversation from '@salesforce/label/c.Care_EmptyConversation';
import Care_UnknownAuthor from '@salesforce/label/c.Care_UnknownAuthor';
import Care_MessageKindDefault from '@salesforce/label/c.Care_MessageKindDefault';
import Care_Possessive from '@salesforce/label/c.Care_Possessive';
import Care_MessageBy from '@salesforce/label/c.Care_MessageBy';
import Care_ThreadLevel from '@salesforce/label/c.Care_ThreadLevel';
import Care_InReplyTo from '@salesforce/label/c.Care_InReplyTo';
import Care_InReplyToVisible from '@salesforce/label/c.Care_InReplyToVisible';
import Care_SelectedForReply from '@salesforce/label/c.Care_SelectedForReply';
import Care_StateHidden from '@salesforce/label/c.Care_StateHidden';
import Care_StateHiddenWithParent from '@salesforce/label/c.Care_StateHiddenWithParent';
import Care_StateDeleted from '@salesforce/label/c.Care_StateDeleted';
import Care_StateDeletedByAuthor from '@salesforce/label/c.Care_StateDeletedByAuthor';
import Care_StateDeletedByBrand from '@salesforce/label/c.Care_StateDeletedByBrand';
import Care_StateEdited from '@salesforce/label/c.Care_StateEdited';
import Care_WithheldProtected from '@salesforce/label/c.Care_WithheldProtected';
import Care_WithheldDeleted from '@salesforce/label/c.Care_WithheldDeleted';
import Care_WithheldSuspended from '@salesforce/label/c.Care_WithheldSuspended';
import Care_WithheldErased from '@salesforce/label/c.Care_WithheldErased';
import Care_AuthorRemoved from '@salesforce/label/c.Care_AuthorRemoved';
import Care_StateLiked from '@salesforce/label/c.Care_StateLiked';
import Care_StatePrivateReplySent from '@salesforce/label/c.Care_StatePrivateReplySent';
import Care_BadgeBrand from '@salesforce/label/c.Care_BadgeBrand';
import Care_BadgePage from '@salesforce/label/c.Care_BadgePage';
import Care_BadgeFollows from '@salesforce/label/c.Care_BadgeFollows';
import Care_ActionReply from '@salesforce/label/c.Care_ActionReply';
import Care_ActionLike from '@salesforce/label/c.Care_ActionLike';
import Care_ActionUnlike from '@salesforce/label/c.Care_ActionUnlike';
import Care_ActionHide from '@salesforce/label/c.Care_ActionHide';
import Care_ActionUnhide from '@salesforce/label/c.Care_ActionUnhide';
import Care_ActionDelete from '@salesforce/label/c.Care_ActionDelete';
import Care_ActionBan from '@salesforce/label/c.Care_ActionBan';
import Care_ActionUnban from '@salesforce/label/c.Care_ActionUnban';
import Care_ActionFollow from '@salesforce/label/c.Care_ActionFollow';
import Care_ActionUnfollow from '@salesforce/label/c.Care_ActionUnfollow';
import Care_ActionOn from '@salesforce/label/c.Care_ActionOn';
import Care_ActionAlreadyQueued from '@salesforce/label/c.Care_ActionAlreadyQueued';
import Care_ActionsOn from '@salesforce/label/c.Care_ActionsOn';
import Care_Confirm from '@salesforce/label/c.Care_Confirm';
import Care_ConfirmYes from '@salesforce/label/c.Care_ConfirmYes';
import Care_ConfirmGroup from '@salesforce/label/c.Care_ConfirmGroup';
import Care_Cancel from '@salesforce/label/c.Care_Cancel';
import Care_Media from '@salesforce/label/c.Care_Media';
import Care_MediaItem from '@salesforce/label/c.Care_MediaItem';
import Care_OpenOn from '@salesforce/label/c.Care_OpenOn';
import Care_ThePlatform from '@salesforce/label/c.Care_ThePlatform';
import Care_ReplyHeading from '@salesforce/label/c.Care_ReplyHeading';
import Care_ReplyingTo from '@salesforce/label/c.Care_ReplyingTo';
import Care_ReplyingToQuote from '@salesforce/label/c.Care_ReplyingToQuote';
import Care_ReplyToCaseInstead from '@salesforce/label/c.Care_ReplyToCaseInstead';
import Care_ReplyingToCase from '@salesforce/label/c.Care_ReplyingToCase';
import Care_ReplyMode from '@salesforce/label/c.Care_ReplyMode';
import Care_ModePublicReply from '@salesforce/label/c.Care_ModePublicReply';
import Care_ModeCommentOnPost from '@salesforce/label/c.Care_ModeCommentOnPost';
import Care_ModeDirectMessage from '@salesforce/label/c.Care_ModeDirectMessage';
import Care_ModePrivateReply from '@salesforce/label/c.Care_ModePrivateReply';
import Care_YourReply from '@salesforce/label/c.Care_YourReply';
import Care_CountNoLimit from '@salesforce/label/c.Care_CountNoLimit';
import Care_CountOfLimit from '@salesforce/label/c.Care_CountOfLimit';
import Care_UnitCharacters from '@salesforce/label/c.Care_UnitCharacters';
import Care_UnitBytes from '@salesforce/label/c.Care_UnitBytes';
import Care_UnitXWeighted from '@salesforce/label/c.Care_UnitXWeighted';
import Care_OverLimit from '@salesforce/label/c.Care_OverLimit';
import Care_XHint from '@salesforce/label/c.Care_XHint';
import Care_MediaLinks from '@salesforce/label/c.Care_MediaLinks';
import Care_MarkPending from '@salesforce/label/c.Care_MarkPending';
import Care_Send from '@salesforce/label/c.Care_Send';
import Care_NoModesMessage from '@salesforce/label/c.Care_NoModesMessage';
import Care_NoModesCase from '@salesforce/label/c.Care_NoModesCase';
import Care_DeadlinePrivateReply from '@salesforce/label/c.Care_DeadlinePrivateReply';
import Care_DeadlinePrivateReplyEnded from '@salesforce/label/c.Care_DeadlinePrivateReplyEnded';
import Care_DeadlineDirectMessage from '@salesforce/label/c.Care_DeadlineDirectMessage';
import Care_DeadlineDirectMessageEnded from '@salesforce/label/c.Care_DeadlineDirectMessageEnded';
import Care_Queued from '@salesforce/label/c.Care_Queued';
import Care_NotQueued from '@salesforce/label/c.Care_NotQueued';
import Care_ActionsHeading from '@salesforce/label/c.Care_ActionsHeading';
import Care_ActionsError from '@salesforce/label/c.Care_ActionsError';
import Care_ActionsLoading from '@salesforce/label/c.Care_ActionsLoading';
import Care_ActionsEmpty from '@salesforce/label/c.Care_ActionsEmpty';
import Care_OnMessage from '@salesforce/label/c.Care_OnMessage';
import Care_NotSent from '@salesforce/label/c.Care_NotSent';
import Care_NotSentDefault from '@salesforce/label/c.Care_NotSentDefault';
import Care_Failed from '@salesforce/label/c.Care_Failed';
import Care_FailedDefault from '@salesforce/label/c.Care_FailedDefault';
import Care_Code from '@salesforce/label/c.Care_Code';
import Care_StatusChanged from '@salesforce/label/c.Care_StatusChanged';
import Care_PollPaused from '@salesforce/label/c.Care_PollPaused';
import Care_CheckAgain from '@salesforce/label/c.Care_CheckAgain';
import Care_UnknownError from '@salesforce/label/c.Care_UnknownError';
import Care_RemainingDays from '@salesforce/label/c.Care_RemainingDays';
import Care_RemainingHours from '@salesforce/label/c.Care_RemainingHours';
import Care_RemainingMinutes from '@salesforce/label/c.Care_RemainingMinutes';
import Care_RemainingSeconds from '@salesforce/label/c.Care_RemainingSeconds';

export const LABELS = {
    Title: Care_Title,
    CaseSummary: Care_CaseSummary,
    CaseSummaryNoPlatform: Care_CaseSummaryNoPlatform,
    NotLinked: Care_NotLinked,
    CaseError: Care_CaseError,
    SyncProblem: Care_SyncProblem,
    SyncErrorDefault: Care_SyncErrorDefault,
    ConversationHeading: Care_ConversationHeading,
    ConversationError: Care_ConversationError,
    ConversationLoading: Care_ConversationLoading,
    MoreMessages: Care_MoreMessages,
    EmptyNotLinked: Care_EmptyNotLinked,
    EmptyConversation: Care_EmptyConversation,
    UnknownAuthor: Care_UnknownAuthor,
    MessageKindDefault: Care_MessageKindDefault,
    Possessive: Care_Possessive,
    MessageBy: Care_MessageBy,
    ThreadLevel: Care_ThreadLevel,
    InReplyTo: Care_InReplyTo,
    InReplyToVisible: Care_InReplyToVisible,
    SelectedForReply: Care_SelectedForReply,
    StateHidden: Care_StateHidden,
    StateHiddenWithParent: Care_StateHiddenWithParent,
    StateDeleted: Care_StateDeleted,
    StateDeletedByAuthor: Care_StateDeletedByAuthor,
    StateDeletedByBrand: Care_StateDeletedByBrand,
    StateEdited: Care_StateEdited,
    WithheldProtected: Care_WithheldProtected,
    WithheldDeleted: Care_WithheldDeleted,
    WithheldSuspended: Care_WithheldSuspended,
    WithheldErased: Care_WithheldErased,
    AuthorRemoved: Care_AuthorRemoved,
    StateLiked: Care_StateLiked,
    StatePrivateReplySent: Care_StatePrivateReplySent,
    BadgeBrand: Care_BadgeBrand,
    BadgePage: Care_BadgePage,
    BadgeFollows: Care_BadgeFollows,
    ActionReply: Care_ActionReply,
    ActionLike: Care_ActionLike,
    ActionUnlike: Care_ActionUnlike,
    ActionHide: Care_ActionHide,
    ActionUnhide: Care_ActionUnhide,
    ActionDelete: Care_ActionDelete,
    ActionBan: Care_ActionBan,
    ActionUnban: Care_ActionUnban,
    ActionFollow: Care_ActionFollow,
    ActionUnfollow: Care_ActionUnfollow,
    ActionOn: Care_ActionOn,
    ActionAlreadyQueued: Care_ActionAlreadyQueued,
    ActionsOn: Care_ActionsOn,
    Confirm: Care_Confirm,
    ConfirmYes: Care_ConfirmYes,
    ConfirmGroup: Care_ConfirmGroup,
    Cancel: Care_Cancel,
    Media: Care_Media,
    MediaItem: Care_MediaItem,
    OpenOn: Care_OpenOn,
    ThePlatform: Care_ThePlatform,
    ReplyHeading: Care_ReplyHeading,
    ReplyingTo: Care_ReplyingTo,
    ReplyingToQuote: Care_ReplyingToQuote,
    ReplyToCaseInstead: Care_ReplyToCaseInstead,
    ReplyingToCase: Care_ReplyingToCase,
    ReplyMode: Care_ReplyMode,
    ModePublicReply: Care_ModePublicReply,
    ModeCommentOnPost: Care_ModeCommentOnPost,
    ModeDirectMessage: Care_ModeDirectMessage,
    ModePrivateReply: Care_ModePrivateReply,
    YourReply: Care_YourReply,
    CountNoLimit: Care_CountNoLimit,
    CountOfLimit: Care_CountOfLimit,
    UnitCharacters: Care_UnitCharacters,
    UnitBytes: Care_UnitBytes,
    UnitXWeighted: Care_UnitXWeighted,
    OverLimit: Care_OverLimit,
    XHint: Care_XHint,
    MediaLinks: Care_MediaLinks,
    MarkPending: Care_MarkPending,
    Send: Care_Send,
    NoModesMessage: Care_NoModesMessage,
    NoModesCase: Care_NoModesCase,
    DeadlinePrivateReply: Care_DeadlinePrivateReply,
    DeadlinePrivateReplyEnded: Care_DeadlinePrivateReplyEnded,
    DeadlineDirectMessage: Care_DeadlineDirectMessage,
    DeadlineDirectMessageEnded: Care_DeadlineDirectMessageEnded,
    Queued: Care_Queued,
    NotQueued: Care_NotQueued,
    ActionsHeading: Care_ActionsHeading,
    ActionsError: Care_ActionsError,
    ActionsLoading: Care_ActionsLoading,
    ActionsEmpty: Care_ActionsEmpty,
    OnMessage: Care_OnMessage,
    NotSent: Care_NotSent,
    NotSentDefault: Care_NotSentDefault,
    Failed: Care_Failed,
    FailedDefault: Care_FailedDefault,
    Code: Care_Code,
    StatusChanged: Care_StatusChanged,
    PollPaused: Care_PollPaused,
    CheckAgain: Care_CheckAgain,
    UnknownError: Care_UnknownError,
    RemainingDays: Care_RemainingDays,
    RemainingHours: Care_RemainingHours,
    RemainingMinutes: Care_RemainingMinutes,
    RemainingSeconds: Care_RemainingSeconds
};

/** Fills {0}, {1}, ... of a label with the arguments. */
export function format(label, ...args) {
    return String(label).replace(/\{(\d+)\}/g, (m, i) => (args[Number(i)] === undefined ? m : String(args[Number(i)])));
}
