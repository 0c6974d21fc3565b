// carebridge operations pages: sync health, identities, case explorer.
// Everything shown from the server goes through textContent, never HTML.
"use strict";

const TOKEN_KEY = "carebridge-admin-token";
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function link(href, text) {
  const a = el("a", text);
  a.href = href;
  return a;
}

function badge(text, cls) { return el("span", text, "badge " + cls); }

async function call(method, path, body) {
  const headers = { "Authorization": "Bearer " + (sessionStorage.getItem(TOKEN_KEY) || "") };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let resp;
  try {
    resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { ok: false, status: 0, data: { error: "carebridge did not answer: " + e.message } };
  }
  let data = null;
  try { data = await resp.json(); } catch (e) { data = { error: "HTTP " + resp.status }; }
  return { ok: resp.ok, status: resp.status, data };
}

function say(id, text, cls) {
  const e = $(id);
  e.textContent = text;
  e.className = "say " + (cls || "");
}

// when formats a time as local time and how long ago it was.
function when(iso) {
  if (!iso) return "never";
  const t = new Date(iso);
  if (isNaN(t.getTime()) || t.getFullYear() < 2000) return "never";
  const s = Math.round((Date.now() - t.getTime()) / 1000);
  let ago;
  if (s < -1) ago = "in " + human(-s);
  else if (s < 2) ago = "just now";
  else ago = human(s) + " ago";
  return t.toLocaleString() + " (" + ago + ")";
}

function human(s) {
  if (s < 60) return s + " s";
  if (s < 3600) return Math.round(s / 60) + " min";
  if (s < 86400) return Math.round(s / 3600) + " h";
  return Math.round(s / 86400) + " days";
}

function row(tbody, cells, cls) {
  const tr = el("tr", null, cls);
  for (const c of cells) {
    const td = el("td");
    if (c instanceof Node) td.append(c); else td.textContent = c === undefined || c === null ? "" : String(c);
    tr.append(td);
  }
  tbody.append(tr);
  return tr;
}

function emptyRow(tbody, cols, text) {
  const tr = el("tr");
  const td = el("td", text, "muted");
  td.colSpan = cols;
  tr.append(td);
  tbody.append(tr);
}

function facts(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) {
    dl.append(el("dt", k));
    const dd = el("dd");
    if (v instanceof Node) dd.append(v); else dd.textContent = v === undefined || v === null ? "" : String(v);
    dl.append(dd);
  }
}

// who is a name with an id (or address) in small print under it.
function who(name, id, extra) {
  const s = el("span");
  s.append(el("span", name || id));
  if (name && id) s.append(el("span", id + (extra || ""), "sub"));
  return s;
}

function caseLink(id) { return link("/admin/cases?case=" + encodeURIComponent(id), id); }

// ---------- Sync health ----------

const QUEUE_LABELS = [
  ["ready", "Ready to run"],
  ["processing", "Being worked on"],
  ["dirty", "Changed again while being worked on"],
  ["delayed", "Waiting to retry after a failure"],
  ["scheduled", "Scheduled for later"],
  ["failing", "Failing (retrying or parked)"],
  ["dead", "Dead letters"],
];

const DEP_LABELS = { redis: "Redis", mapping: "Mapping", workers: "Queue workers", care: "Emplifi Care", salesforce: "Salesforce" };

async function loadHealth() {
  const [st, rep] = await Promise.all([call("GET", "/admin/api/status"), call("GET", "/admin/api/replicas")]);
  if (!st.ok) { say("conn", st.data.error, "bad"); return false; }
  const s = st.data;
  say("conn", "Connected. Refreshes every 5 seconds.", "muted");
  facts($("replica"), [
    ["Replica", s.replica],
    ["Role", s.leader ? badge("leader: polls and runs the cron jobs", "ok") : "follower: works the queue and takes webhooks"],
    ["Mapping", s.mapping.source === "published" ? "published version " + s.mapping.number : "the " + s.mapping.source + " mapping"],
  ]);
  const q = $("queue").tBodies[0];
  q.replaceChildren();
  for (const [k, label] of QUEUE_LABELS) {
    const n = s.queue[k] || 0;
    const tr = row(q, [label, n]);
    tr.dataset.state = k;
    if (n > 0 && (k === "failing" || k === "dead")) tr.className = "problem";
  }
  const pause = s.salesforce_quota_paused_until ? [["Paused", badge("paused until " + new Date(s.salesforce_quota_paused_until).toLocaleString(), "bad")], ["Why", s.pause_reason]]
    : [["Paused", badge("not paused", "ok")]];
  if (s.salesforce_api) {
    const m = el("meter");
    m.min = 0; m.max = s.salesforce_api.limit; m.value = s.salesforce_api.used;
    m.low = s.salesforce_api.limit * 0.7; m.high = s.salesforce_api.limit * 0.9; m.optimum = 0;
    const wrap = el("span");
    wrap.append(m, " " + s.salesforce_api.used + " of " + s.salesforce_api.limit + " daily requests used (" + Math.round(100 * s.salesforce_api.used / s.salesforce_api.limit) + "%)");
    pause.push(["Salesforce API budget", wrap]);
  } else {
    pause.push(["Salesforce API budget", "not known yet (no Salesforce answer so far)"]);
  }
  if (s.salesforce_change_events) {
    pause.push(["Salesforce change events", s.salesforce_change_events.delivered_24h + " delivered in the last 24 hours (of the org's daily event delivery allocation)"]);
  }
  facts($("pause"), pause);

  const deps = $("deps").tBodies[0];
  deps.replaceChildren();
  for (const d of s.dependencies) {
    row(deps, [DEP_LABELS[d.name] || d.name, d.up ? badge("OK", "ok") : badge("down: " + (d.error || "failing"), "bad"),
      d.last_error || "none", d.last_error ? when(d.last_failure) : ""], d.up ? "" : "problem");
  }
  const src = $("sources").tBodies[0];
  src.replaceChildren();
  for (const x of s.sources) row(src, [x.label, x.last ? when(x.last) : (x.note || "never"), x.replica || ""]);

  const f = $("failing").tBodies[0];
  f.replaceChildren();
  if (s.failing_keys.length === 0) emptyRow(f, 5, "None: every key's last run succeeded.");
  for (const k of s.failing_keys) {
    const key = k.key.startsWith("case:") ? caseLink(k.key.slice(5)) : k.key;
    row(f, [key, k.error, k.attempts, when(k.at), k.parked ? "parked until its next change or the sweep" : "retrying with backoff"], "problem");
  }
  const p = $("problems").tBodies[0];
  p.replaceChildren();
  if (s.recent_problems.length === 0) emptyRow(p, 3, "No conflicts or blocked syncs lately.");
  for (const e of s.recent_problems) row(p, [when(e.time), caseLink(e.case), e.text], e.kind === "conflict" ? "" : "problem");

  const r = $("replicas").tBodies[0];
  r.replaceChildren();
  if (rep.ok) {
    for (const x of rep.data.replicas) {
      const tr = row(r, [x.id + (x.id === s.replica ? " (this one)" : ""), x.leader ? badge("leader", "ok") : "follower", x.version, when(x.started), when(x.last_seen)]);
      tr.dataset.replica = x.id;
    }
  }
  await loadDead();
  return true;
}

async function loadDead() {
  const r = await call("GET", "/admin/api/deadletters");
  const body = $("dead").tBodies[0];
  body.replaceChildren();
  if (!r.ok) return;
  if (r.data.dead_letters.length === 0) { emptyRow(body, 5, "None."); return; }
  for (const d of r.data.dead_letters) {
    const b = el("button", "Replay");
    b.type = "button";
    b.setAttribute("aria-label", "Replay " + d.key);
    b.addEventListener("click", async () => {
      const res = await call("POST", "/admin/api/deadletters/replay", { keys: [d.key] });
      say("deadSay", res.ok ? "Replayed " + d.key + "." : res.data.error, res.ok ? "ok" : "bad");
      loadDead();
    });
    row(body, [d.key, d.error, d.attempts, when(d.at), b]);
  }
}

// ---------- Identities ----------

let identities = null;

async function loadIdentities() {
  const r = await call("GET", "/admin/api/identities");
  if (!r.ok) { say("conn", r.data.error, "bad"); return false; }
  say("conn", "Connected.", "muted");
  identities = r.data;
  const ids = r.data;
  const byEmail = ids.agents.filter((a) => a.matched_by === "email").length;
  const byOverride = ids.agents.filter((a) => a.matched_by === "override").length;
  let text = ids.matched + " of " + ids.agents.length + " Care agents match a Salesforce user (by e-mail: " + byEmail + ", by override: " + byOverride + ").";
  if (!ids.match_by_email) text += " The mapping does not match by e-mail: only overrides count.";
  if (ids.ambiguous.length) text += " Shared e-mail addresses that match nobody: " + ids.ambiguous.join(", ") + ".";
  if (ids.agents.length && ids.matched === 0) text += " No agent matches: every Case stays with the integration user.";
  say("summary", text, ids.matched === 0 ? "bad" : (ids.matched < ids.agents.length ? "warn" : "ok"));

  const a = $("agents").tBodies[0];
  a.replaceChildren();
  for (const x of ids.agents) {
    const tr = row(a, [who(x.name, x.id), el("span", x.email, "id"), x.salesforce_user ? who(x.salesforce_user_name, x.salesforce_user) : badge("no Salesforce user", "bad"),
      x.matched_by || "unmatched"], x.salesforce_user ? "" : "unmatched");
    tr.dataset.agent = x.id;
  }
  const u = $("users").tBodies[0];
  u.replaceChildren();
  for (const x of ids.users) {
    const tr = row(u, [who(x.name, x.id, x.active ? "" : " (inactive)"), el("span", x.email, "id"), x.care_agent ? who(x.care_agent_name, x.care_agent) : badge("no Care agent", "bad"),
      x.matched_by || "unmatched"], x.care_agent ? "" : "unmatched");
    tr.dataset.user = x.id;
  }
  const ag = $("ovAgent"), us = $("ovUser");
  const keepAgent = ag.value, keepUser = us.value;
  ag.replaceChildren();
  for (const x of ids.agents) { const o = el("option", x.name + " <" + x.email + ">"); o.value = x.id; ag.append(o); }
  us.replaceChildren();
  const none = el("option", "(none: remove the override)"); none.value = ""; us.append(none);
  for (const x of ids.users.filter((x) => x.active)) { const o = el("option", x.name + " <" + x.email + ">"); o.value = x.id; us.append(o); }
  if (keepAgent) ag.value = keepAgent;
  if (keepUser) us.value = keepUser;
  return true;
}

async function saveOverride() {
  const author = $("author").value.trim();
  if (!author) { say("ovSay", "Fill in your name first: it goes into the mapping history.", "bad"); return; }
  const r = await call("POST", "/admin/api/identities/overrides", {
    care_agent: $("ovAgent").value, salesforce_user: $("ovUser").value, author, note: $("note").value, based_on: identities ? identities.active : 0,
  });
  if (!r.ok) {
    const problems = (r.data.problems || []).map((p) => p.message).join("; ");
    say("ovSay", r.data.error + (problems ? ": " + problems : ""), "bad");
    return;
  }
  say("ovSay", "Published as mapping version " + r.data.number + ". Every replica switches to it within seconds.", "ok");
  await loadIdentities();
}

// ---------- Case explorer ----------

const KIND_LABELS = { write: "written", conflict: "conflict", blocked: "blocked", error: "error", retired: "retired" };

function queueText(q) {
  if (q.dead) return badge("dead letter: " + q.dead.error, "bad");
  if (q.failure) return badge((q.failure.parked ? "parked after a failure: " : "retrying after a failure: ") + q.failure.error + " (" + q.failure.attempts + " failed runs)", "bad");
  if (q.processing) return "being synced now";
  if (q.due) return "queued to sync " + when(q.due);
  return "not queued (in step as of the last sync)";
}

async function lookup(id) {
  if (!id) return;
  const r = await call("GET", "/admin/api/cases/" + encodeURIComponent(id));
  if (!r.ok) { say("caseSay", r.data.error, "bad"); $("caseOut").hidden = true; $("syncNow").disabled = true; return; }
  const c = r.data;
  $("syncNow").disabled = false;
  $("syncNow").dataset.case = c.care_case_id;
  say("caseSay", "Care case " + c.care_case_id + (c.salesforce_case_id ? " and Salesforce Case " + c.salesforce_case_id : "") + ".", "ok");
  $("caseOut").hidden = false;
  const syncState = c.sync_status ? (c.sync_status === "Error" ? badge("Error: " + c.sync_error, "bad") : badge(c.sync_status, "ok")) : "";
  facts($("facts"), [
    ["Care case", c.care_case_id],
    ["Salesforce Case", c.salesforce_case_id || "none yet"],
    ["Linked", c.linked ? "yes" : "no"],
    ["Salesforce Case created", c.salesforce_case_created ? when(c.salesforce_case_created) : ""],
    ["Last sync", c.last_sync ? when(c.last_sync) : "never"],
    ["Shown on the Case", syncState],
    ["Queue", queueText(c.queue)],
  ]);
  const now = $("now");
  now.replaceChildren();
  const n = c.now;
  if (!n) {
    now.append(el("p", c.now_error || "Unknown.", "bad"));
  } else {
    const items = [];
    if (n.create_case) items.push("Create the Salesforce Case.");
    for (const [f, v] of Object.entries(n.update_care || {})) items.push("Write " + f + " = " + JSON.stringify(v) + " to Care.");
    for (const [f, v] of Object.entries(n.salesforce_writes || {})) items.push("Write " + f + " to Salesforce: " + v + ".");
    for (const x of n.conflicts || []) items.push("Resolve a conflict on " + x.Field + ": " + x.Winner + " wins (" + x.Policy + ").");
    if (n.blocked) items.push("Hold back: " + n.blocked);
    if (items.length === 0) items.push("Nothing: both sides are in step.");
    const ul = el("ul");
    for (const i of items) ul.append(el("li", i));
    now.append(ul);
  }
  const fb = $("fields").tBodies[0];
  fb.replaceChildren();
  const care = (n && n.care) || {}, sf = (n && n.salesforce) || {}, base = c.base || {};
  const names = [...new Set([...Object.keys(care), ...Object.keys(sf), ...Object.keys(base)])].sort();
  for (const f of names) {
    const writes = [];
    if (n && n.update_care && f in n.update_care) writes.push("Care ← " + JSON.stringify(n.update_care[f]));
    if (n && n.salesforce_writes && f in n.salesforce_writes) writes.push("Salesforce: " + n.salesforce_writes[f]);
    row(fb, [f, care[f], sf[f], base[f], writes.join("; ")], writes.length ? "problem" : "");
  }
  if (names.length === 0) emptyRow(fb, 5, "No values.");
  const tl = $("timeline").tBodies[0];
  tl.replaceChildren();
  if (c.timeline.length === 0) emptyRow(tl, 3, "Nothing recorded yet: carebridge records writes, conflicts, blocked and refused syncs.");
  for (const e of c.timeline) {
    const tr = row(tl, [when(e.time), KIND_LABELS[e.kind] || e.kind, e.text], e.kind === "write" ? "" : "problem");
    tr.dataset.kind = e.kind;
  }
  const ab = $("actions").tBodies[0];
  ab.replaceChildren();
  if (c.actions_error) emptyRow(ab, 4, c.actions_error);
  else if (c.actions.length === 0) emptyRow(ab, 4, "No agent actions on this Case.");
  for (const x of c.actions) row(ab, [when(x.created), x.type + (x.reply_mode ? " (" + x.reply_mode + ")" : ""), x.status, [x.code, x.reason].filter(Boolean).join(": ")], x.status === "Sent" ? "" : "problem");
  return true;
}

async function syncNow() {
  const id = $("syncNow").dataset.case;
  const r = await call("POST", "/admin/api/cases/" + encodeURIComponent(id) + "/sync");
  say("caseSay", r.ok ? "Queued " + r.data.key + ": it syncs within seconds. Look it up again to see the result." : r.data.error, r.ok ? "ok" : "bad");
}

// ---------- Shared ----------

const pages = {
  health: { load: loadHealth, refresh: 5000 },
  identities: { load: loadIdentities },
  cases: {
    load: async () => {
      const r = await call("GET", "/admin/api/replicas");
      if (!r.ok) { say("conn", r.data.error, "bad"); return false; }
      say("conn", "Connected.", "muted");
      const id = $("caseId").value.trim();
      if (id) await lookup(id);
      return true;
    },
  },
};

async function connect() {
  sessionStorage.setItem(TOKEN_KEY, $("token").value);
  return pages[document.body.dataset.page].load();
}

function init() {
  const page = pages[document.body.dataset.page];
  $("connect").addEventListener("click", connect);
  $("token").addEventListener("keydown", (e) => { if (e.key === "Enter") connect(); });
  if (document.body.dataset.page === "identities") $("saveOverride").addEventListener("click", saveOverride);
  if (document.body.dataset.page === "cases") {
    const q = new URLSearchParams(location.search).get("case");
    if (q) $("caseId").value = q;
    $("lookupForm").addEventListener("submit", (e) => {
      e.preventDefault();
      const id = $("caseId").value.trim();
      history.replaceState(null, "", "/admin/cases?case=" + encodeURIComponent(id));
      lookup(id);
    });
    $("syncNow").addEventListener("click", syncNow);
  }
  if (page.refresh) setInterval(() => { if (sessionStorage.getItem(TOKEN_KEY)) page.load(); }, page.refresh);
  if (sessionStorage.getItem(TOKEN_KEY)) { $("token").value = sessionStorage.getItem(TOKEN_KEY); connect(); }
}

init();
