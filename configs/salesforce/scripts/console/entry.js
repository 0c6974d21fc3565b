// The Salesforce sandbox's console: mounts the components a page asks for
// (<div data-component="c-care-conversation" data-record-id="500...">) in
// synthetic shadow DOM, as Lightning Experience renders them, so that the
// SLDS stylesheet reaches inside them.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import CareConversation from 'c/careConversation';

const COMPONENTS = { 'c-care-conversation': CareConversation };

for (const host of document.querySelectorAll('[data-component]')) {
    const name = host.dataset.component;
    if (!COMPONENTS[name]) {
        throw new Error(`the console has no component ${name}`);
    }
    const el = createElement(name, { is: COMPONENTS[name] });
    el.recordId = host.dataset.recordId;
    host.appendChild(el);
}
