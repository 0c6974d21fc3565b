// Stand-ins for the Salesforce modules the component imports, for the
// screenshot page only: wire adapters that deliver the fixture records, and
// the user's locale and time zone. Salesforce provides the real ones.
import { fixture } from './fixtures';

function adapter(pick) {
    return class {
        constructor(dataCallback) {
            this.dataCallback = dataCallback;
        }
        update(config) {
            const data = pick(config);
            this.dataCallback(data === undefined ? { data: undefined, error: undefined } : { data, error: undefined });
        }
        connect() {}
        disconnect() {}
    };
}

export const getRecord = adapter(() => fixture().caseRecord);
export const getRelatedListRecords = adapter((config) =>
    config.relatedListId === 'Care_Messages__r' ? fixture().messages : fixture().actions
);
export function createRecord(input) {
    window.__created = (window.__created || []).concat([input]);
    return Promise.resolve({ id: 'a01SCREENSHOT' });
}
export function refreshApex() {
    return Promise.resolve();
}
export const locale = 'en-US';
export const timeZone = 'America/New_York';
