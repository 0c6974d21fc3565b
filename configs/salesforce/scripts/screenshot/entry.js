// The screenshot page: the real careConversation component, compiled by LWC,
// in synthetic shadow DOM as in Lightning Experience (so the SLDS stylesheet
// reaches inside it), fed by the fixture stubs.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import CareConversation from 'c/careConversation';

const el = createElement('c-care-conversation', { is: CareConversation });
el.recordId = '500SCREENSHOT';
document.getElementById('root').appendChild(el);
