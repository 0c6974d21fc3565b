// Pure helpers of the careConversation component: no DOM, no Salesforce
// modules, so the tests can call them directly.
//
// Nothing here decides what an agent may do: the allowed actions, reply
// modes, limits and deadlines all come from fields carebridge writes. The
// counters below only show the agent a number while typing; carebridge
// counts again when it sends and is the one that accepts or rejects.

import { LABELS, format } from './labels';

/** Splits a semicolon list ("like;hide") into trimmed, non-empty tokens. */
export function splitList(value) {
    if (!value) {
        return [];
    }
    return String(value)
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

/** Splits newline-separated URLs, dropping blank lines. */
export function splitLines(value) {
    if (!value) {
        return [];
    }
    return String(value)
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

export const UNITS = ['characters', 'bytes', 'x_weighted'];

/**
 * Parses Care_Reply_Limits__c ("public_reply:8000:characters;private_reply:640:bytes")
 * into { public_reply: { max: 8000, unit: 'characters' }, ... }. Entries that
 * do not parse are skipped: the counter then shows the length without a limit.
 */
export function parseLimits(value) {
    const limits = {};
    for (const entry of splitList(value)) {
        const [mode, max, unit] = entry.split(':').map((s) => (s || '').trim());
        const n = Number(max);
        if (mode && Number.isInteger(n) && n > 0 && UNITS.includes(unit)) {
            limits[mode] = { max: n, unit };
        }
    }
    return limits;
}

/** Unicode code points, the way most platforms count "characters". */
export function countCodePoints(text) {
    let n = 0;
    // eslint-disable-next-line no-unused-vars
    for (const ch of text || '') {
        n++;
    }
    return n;
}

/** Length of the text encoded as UTF-8. */
export function countUtf8Bytes(text) {
    let n = 0;
    for (const ch of text || '') {
        const cp = ch.codePointAt(0);
        if (cp < 0x80) {
            n += 1;
        } else if (cp < 0x800) {
            n += 2;
        } else if (cp < 0x10000) {
            n += 3;
        } else {
            n += 4;
        }
    }
    return n;
}

// X (Twitter) weighting as published in twitter-text's v3 configuration:
// code points in these ranges weigh 1, every other code point 2, and a link
// 23 whatever its length. Text is NFC-normalised first.
const X_LIGHT_RANGES = [
    [0x0000, 0x10ff],
    [0x2000, 0x200d],
    [0x2010, 0x201f],
    [0x2032, 0x2037]
];
export const X_URL_WEIGHT = 23;
const URL_PATTERN = /\bhttps?:\/\/[^\s]+|\bwww\.[^\s]+/gi;

function xWeight(text) {
    let n = 0;
    for (const ch of text) {
        const cp = ch.codePointAt(0);
        n += X_LIGHT_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
    }
    return n;
}

/**
 * X's weighted length, close to what X counts. It does not implement X's
 * whole URL grammar (a bare "example.com" counts as text here) nor emoji
 * sequences as one unit, so it can differ from X for such text.
 */
export function countXWeighted(text) {
    const t = (text || '').normalize('NFC');
    let n = 0;
    let last = 0;
    for (const m of t.matchAll(URL_PATTERN)) {
        n += xWeight(t.slice(last, m.index)) + X_URL_WEIGHT;
        last = m.index + m[0].length;
    }
    return n + xWeight(t.slice(last));
}

/** Counts text in one of the units of Care_Reply_Limits__c. */
export function countIn(unit, text) {
    switch (unit) {
        case 'bytes':
            return countUtf8Bytes(text);
        case 'x_weighted':
            return countXWeighted(text);
        default:
            return countCodePoints(text);
    }
}

export function unitLabel(unit) {
    switch (unit) {
        case 'bytes':
            return LABELS.UnitBytes;
        case 'x_weighted':
            return LABELS.UnitXWeighted;
        default:
            return LABELS.UnitCharacters;
    }
}

/** "2 d 3 h", "3 h 12 min", "4 min 5 s", "9 s"; null once the time is up. */
export function formatRemaining(ms) {
    if (!(ms > 0)) {
        return null;
    }
    const total = Math.floor(ms / 1000);
    const d = Math.floor(total / 86400);
    const h = Math.floor((total % 86400) / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    if (d > 0) {
        return format(LABELS.RemainingDays, d, h);
    }
    if (h > 0) {
        return format(LABELS.RemainingHours, h, m);
    }
    if (m > 0) {
        return format(LABELS.RemainingMinutes, m, s);
    }
    return format(LABELS.RemainingSeconds, s);
}

/**
 * Orders messages as a thread: each message under the one it answers
 * (Parent_Message_Id__c -> Care_Message_Id__c), siblings oldest first. A
 * message whose parent is not in the list starts a thread of its own.
 * Takes and returns plain objects { careId, parentId, postedAt, ... } and
 * adds `treeDepth`.
 */
export function threadOrder(messages) {
    const byId = new Map();
    for (const m of messages) {
        if (m.careId) {
            byId.set(m.careId, m);
        }
    }
    const children = new Map();
    const roots = [];
    for (const m of messages) {
        const parent = m.parentId && m.parentId !== m.careId ? byId.get(m.parentId) : undefined;
        if (parent) {
            if (!children.has(parent.careId)) {
                children.set(parent.careId, []);
            }
            children.get(parent.careId).push(m);
        } else {
            roots.push(m);
        }
    }
    const byTime = (a, b) => {
        const ta = a.postedAt ? Date.parse(a.postedAt) : 0;
        const tb = b.postedAt ? Date.parse(b.postedAt) : 0;
        if (ta !== tb) {
            return ta - tb;
        }
        return String(a.name || '').localeCompare(String(b.name || ''));
    };
    const out = [];
    const seen = new Set();
    const visit = (m, depth) => {
        if (seen.has(m)) {
            return; // a cycle in the data: show each message once
        }
        seen.add(m);
        out.push({ ...m, treeDepth: depth });
        for (const c of (children.get(m.careId) || []).slice().sort(byTime)) {
            visit(c, depth + 1);
        }
    };
    for (const r of roots.slice().sort(byTime)) {
        visit(r, 0);
    }
    return out;
}

/** Turns an error from Lightning Data Service or createRecord into sentences. */
export function errorText(error) {
    if (!error) {
        return '';
    }
    const body = error.body;
    const out = [];
    if (Array.isArray(body)) {
        body.forEach((b) => b && b.message && out.push(b.message));
    } else if (body) {
        const output = body.output || {};
        (output.errors || []).forEach((e) => e && e.message && out.push(e.message));
        Object.values(output.fieldErrors || {}).forEach((list) =>
            (list || []).forEach((e) => e && e.message && out.push(e.message))
        );
        if (out.length === 0 && body.message) {
            out.push(body.message);
        }
    }
    if (out.length === 0 && error.message) {
        out.push(error.message);
    }
    if (out.length === 0 && error.statusText) {
        out.push(error.statusText);
    }
    return out.length ? out.join(' ') : LABELS.UnknownError;
}

/**
 * The link if it is an absolute http(s) URL, else null: social content may
 * carry javascript:, data: or relative links, which must never become an href.
 */
export function safeLink(value) {
    if (!value) {
        return null;
    }
    const text = String(value).trim();
    try {
        const url = new URL(text);
        return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch {
        return null;
    }
}
