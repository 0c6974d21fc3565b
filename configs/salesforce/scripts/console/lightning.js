// The Salesforce modules the components import, as the Salesforce sandbox's
// console provides them (connectors/salesforce/sfsim serves the bundle on its
// Case pages): Lightning Data Service's wire adapters and functions answered
// by the sandbox's User Interface API, /services/data/vNN.N/ui-api/, with the
// signed-in user's session (its cookie, and the page's CSRF token), so a
// component reads and writes what that user may, as in Lightning Experience.
//
// Errors reach the component as LDS hands them over (a FetchResponse):
// { body, ok: false, status, statusText }, body being the UI API's answer
// (an array for reads, an object with output.errors and output.fieldErrors
// for writes).

function pageConfig() {
    const el = typeof document !== 'undefined' ? document.getElementById('sfsim-config') : null;
    try {
        return el ? JSON.parse(el.textContent) : {};
    } catch {
        return {};
    }
}

const config = pageConfig();
const API = `/services/data/v${config.apiVersion || '62.0'}/ui-api/`;

// ----- @salesforce/i18n and @salesforce/user --------------------------------
// The sandbox's users have no locale settings: the browser's are theirs.

const intl = new Intl.DateTimeFormat().resolvedOptions();
export const locale = (typeof navigator !== 'undefined' && navigator.language) || intl.locale || 'en-US';
export const lang = locale;
export const timeZone = intl.timeZone || 'UTC';
export const currency = 'USD';
export const dir = 'ltr';
export const firstDayOfWeek = 1;
export const userId = config.userId;
export const isGuest = false;

// ----- the UI API ------------------------------------------------------------

function signInAgain() {
    window.location.assign('/?startURL=' + encodeURIComponent(window.location.pathname + window.location.search));
}

async function call(method, path, body) {
    const headers = { Accept: 'application/json', 'X-CSRF-Token': config.csrfToken || '' };
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
    }
    let resp;
    try {
        resp = await fetch(API + path, {
            method,
            headers,
            credentials: 'same-origin',
            body: body === undefined ? undefined : JSON.stringify(body)
        });
    } catch (e) {
        throw { body: { message: e.message }, ok: false, status: 0, statusText: 'Network error' };
    }
    const text = resp.status === 204 ? '' : await resp.text();
    let data;
    try {
        data = text ? JSON.parse(text) : undefined;
    } catch {
        data = { message: text };
    }
    if (resp.status === 401) {
        signInAgain();
    }
    if (!resp.ok) {
        throw { body: data, ok: false, status: resp.status, statusText: resp.statusText };
    }
    return data;
}

/** "Object.Field" for a field reference ({ objectApiName, fieldApiName }) or name. */
function fieldName(f) {
    return typeof f === 'string' ? f : `${f.objectApiName}.${f.fieldApiName}`;
}

function query(params) {
    const q = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
        if (value === undefined || value === null) {
            continue;
        }
        const list = Array.isArray(value) ? value.map(fieldName) : [String(value)];
        if (list.length) {
            q.set(key, list.join(','));
        }
    }
    const s = q.toString();
    return s ? '?' + s : '';
}

// ----- wire adapters ---------------------------------------------------------

const adapters = new Set(); // connected adapters, for refreshes
const delivered = new WeakMap(); // a value handed to a component -> its adapter

function wireAdapter(ready, load) {
    return class {
        constructor(dataCallback) {
            this.dataCallback = dataCallback;
            this.config = undefined;
            this.connected = false;
            this.seq = 0;
        }

        update(cfg) {
            this.config = cfg;
            if (this.connected) {
                this.load();
            }
        }

        connect() {
            this.connected = true;
            adapters.add(this);
            if (this.config) {
                this.load();
            }
        }

        disconnect() {
            this.connected = false;
            adapters.delete(this);
        }

        /** Reads again; resolves once the component has the answer. */
        load() {
            const cfg = this.config;
            if (!cfg || !ready(cfg)) {
                return Promise.resolve();
            }
            const seq = ++this.seq;
            return load(cfg)
                .then(
                    (data) => ({ data, error: undefined }),
                    (error) => ({ data: undefined, error })
                )
                .then((value) => {
                    if (seq === this.seq && this.connected) {
                        delivered.set(value, this);
                        this.dataCallback(value);
                    }
                });
        }
    };
}

function reloadAll(match = () => true) {
    return Promise.all([...adapters].filter((a) => match(a.config || {})).map((a) => a.load())).then(() => undefined);
}

// lightning/uiRecordApi

export const getRecord = wireAdapter(
    (cfg) => Boolean(cfg.recordId) && Boolean(cfg.fields || cfg.optionalFields),
    (cfg) => call('GET', 'records/' + encodeURIComponent(cfg.recordId) + query({ fields: cfg.fields, optionalFields: cfg.optionalFields }))
);

export function createRecord(recordInput) {
    return call('POST', 'records', { apiName: recordInput.apiName, fields: recordInput.fields || {} });
}

export async function updateRecord(recordInput) {
    const fields = { ...(recordInput.fields || {}) };
    const id = fields.Id;
    delete fields.Id;
    const record = await call('PATCH', 'records/' + encodeURIComponent(id), { fields });
    await reloadAll((cfg) => cfg.recordId === id);
    return record;
}

export async function deleteRecord(recordId) {
    await call('DELETE', 'records/' + encodeURIComponent(recordId));
}

function fieldOf(record, field) {
    const path = fieldName(field).split('.').slice(1);
    let cur = record;
    for (let i = 0; i < path.length - 1; i++) {
        cur = cur && cur.fields && cur.fields[path[i]] ? cur.fields[path[i]].value : undefined;
    }
    return cur && cur.fields ? cur.fields[path[path.length - 1]] : undefined;
}

export function getFieldValue(record, field) {
    const f = fieldOf(record, field);
    return f ? f.value : undefined;
}

export function getFieldDisplayValue(record, field) {
    const f = fieldOf(record, field);
    return f ? f.displayValue : undefined;
}

export function notifyRecordUpdateAvailable(items) {
    const ids = new Set((items || []).map((i) => i.recordId));
    return reloadAll((cfg) => ids.has(cfg.recordId) || ids.has(cfg.parentRecordId));
}

// lightning/uiRelatedListApi

export const getRelatedListRecords = wireAdapter(
    (cfg) => Boolean(cfg.parentRecordId) && Boolean(cfg.relatedListId),
    (cfg) =>
        call(
            'GET',
            'related-list-records/' +
                encodeURIComponent(cfg.parentRecordId) +
                '/' +
                encodeURIComponent(cfg.relatedListId) +
                query({ fields: cfg.fields, optionalFields: cfg.optionalFields, sortBy: cfg.sortBy, pageSize: cfg.pageSize })
        )
);

// @salesforce/apex: refreshApex reads a wire again, as it does LDS wires.

export function refreshApex(value) {
    const adapter = delivered.get(value);
    return adapter ? adapter.load() : reloadAll();
}
