// carebridge operations pages: sync health, identities, case explorer
// (admin.js holds what every page shares).
"use strict";

function caseLink(id) { return link("/admin/cases?case=" + encodeURIComponent(id), id); }

// SYSTEMS names the upstream systems in error texts.
const SYSTEMS = { care: "Emplifi Care", salesforce: "Salesforce" };

// plainFailure says in plain words what a sync error means; the raw text
// goes behind a disclosure.
function plainFailure(raw) {
  const t = String(raw || "");
  const sys = (t.match(/\b(care|salesforce)\b/i) || [])[1];
  const name = sys ? SYSTEMS[sys.toLowerCase()] : "An upstream system";
  if (/timed out|network error|connection refused|EOF/i.test(t)) return name + " did not answer in time; carebridge tries again on its own.";
  if (/HTTP 401|HTTP 403|INVALID_SESSION_ID|credentials/i.test(t)) return name + " refused carebridge's credentials; check them (carebridge check).";
  if (/REQUEST_LIMIT_EXCEEDED|HTTP 429|rate limit/i.test(t)) return name + " is over its API limit; carebridge waits and tries again.";
  if (/FIELD_CUSTOM_VALIDATION_EXCEPTION|validation/i.test(t)) return "Salesforce refused the update: a validation rule of the org does not allow it.";
  if (/not found|HTTP 404|does not exist/i.test(t)) return name + " does not know this record.";
  if (/HTTP 5\d\d/.test(t)) return name + " failed with a server error; carebridge tries again on its own.";
  if (/refused|rejected|not allowed|forbidden/i.test(t)) return name + " refused the change.";
  return "The sync failed.";
}

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
  say("conn", "Refreshes every 5 seconds.", "muted");
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
  if (s.api_cost) {
    const c = s.api_cost;
    const share = c.share_of_salesforce_daily_limit > 0 ? ", " + (100 * c.share_of_salesforce_daily_limit).toFixed(1) + "% of the org's daily request limit" : "";
    const per = (n) => c.cases_synced_24h > 0 ? " (" + n.toFixed(1) + " per case)" : "";
    pause.push(["API cost, last 24 hours", c.cases_synced_24h + " cases synced; " + c.salesforce_calls_24h + " Salesforce calls" + per(c.salesforce_calls_per_case) + share +
      "; " + c.care_calls_24h + " Care calls" + per(c.care_calls_per_case)]);
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
    row(f, [key, problemBox(plainFailure(k.error), k.error), k.attempts, when(k.at), k.parked ? "parked until its next change or the sweep" : "retrying with backoff"], "problem");
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
    row(body, [d.key, problemBox(plainFailure(d.error), d.error), d.attempts, when(d.at), b]);
  }
}

// ---------- Identities ----------

let identities = null;

async function loadIdentities() {
  const r = await call("GET", "/admin/api/identities");
  if (!r.ok) { say("conn", r.data.error, "bad"); return false; }
  say("conn", "", "muted");
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
const DIRECTIONS = { both: "both ways", care_to_salesforce: "Care → Salesforce", salesforce_to_care: "Salesforce → Care" };

let caseFields = null; // the org's Case fields by API name (labels), once read

async function loadCaseFields() {
  if (caseFields) return;
  const r = await call("GET", "/admin/api/salesforce/fields?object=Case");
  caseFields = {};
  if (r.ok) for (const f of r.data.fields) caseFields[f.name] = f;
}

// sfShown is a Salesforce value as the org shows it: a picklist value by its
// label, a reference by the record's name.
function sfShown(f) {
  const d = caseFields && caseFields[f.salesforce];
  const labels = (d && d.picklist_labels) || {};
  const v = f.salesforce_shown || labels[f.salesforce_value] || f.salesforce_value;
  const s = el("span");
  s.append(el("span", v || "(empty)", v ? "" : "muted"));
  const name = d && d.label ? d.label + " (" + f.salesforce + ")" : f.salesforce;
  s.append(el("span", name + (f.salesforce_shown && f.salesforce_value ? " · " + f.salesforce_value : ""), "sub"));
  return s;
}

function careShown(f) {
  const s = el("span");
  s.append(el("span", f.care_value || "(empty)", f.care_value ? "" : "muted"));
  s.append(el("span", "Care " + f.care.replace("_", " "), "sub"));
  return s;
}

function mappingShown(f) {
  const s = el("span");
  s.append(el("span", DIRECTIONS[f.direction] || f.direction, "badge"));
  for (const m of f.mapping || []) s.append(el("span", m, "sub"));
  return s;
}

function queueText(q) {
  if (q.dead) return problemBox("Dead letter: carebridge gave up on it.", q.dead.error);
  if (q.failure) {
    const runs = q.failure.attempts + " failed run" + (q.failure.attempts === 1 ? "" : "s");
    const plain = q.failure.parked ? "Not syncing: parked after a failure (" + runs + "); it runs again at its next change or the sweep. " + plainFailure(q.failure.error)
      : "Retrying after a failure (" + runs + "). " + plainFailure(q.failure.error);
    return problemBox(plain, q.failure.error);
  }
  if (q.processing) return "being synced now";
  if (q.due) return "queued to sync " + when(q.due);
  return "not queued (in step as of the last sync)";
}

function nowShown(c) {
  if (c.cannot_sync) return problemBox("carebridge cannot sync this case: " + c.cannot_sync);
  const n = c.now;
  if (!n) return problemBox(c.now_error || "Unknown.", c.now_error_detail);
  const items = [];
  if (n.create_case) items.push("Create the Salesforce Case.");
  for (const f of c.fields || []) if (f.write) items.push("Write " + f.write + ".");
  for (const x of n.conflicts || []) items.push("Resolve a conflict on " + x.Field + ": " + x.Winner + " wins (" + x.Policy + ").");
  if (n.blocked) items.push("Hold back: " + n.blocked);
  if (items.length === 0) items.push("Nothing: both sides are in step.");
  const ul = el("ul");
  for (const i of items) ul.append(el("li", i));
  return ul;
}

async function lookup(id) {
  if (!id) return;
  if (id === "." || id === "..") {
    // A browser resolves these in the address before carebridge sees them.
    say("caseSay", "“" + id + "” is not a case id: give a Care case id or a Salesforce Case id.", "bad");
    $("caseOut").hidden = true;
    $("syncNow").disabled = true;
    return;
  }
  await loadCaseFields();
  const r = await call("GET", "/admin/api/cases/" + encodeURIComponent(id));
  if (!r.ok) { say("caseSay", r.data.error, "bad"); $("caseOut").hidden = true; $("syncNow").disabled = true; return; }
  const c = r.data;
  $("syncNow").disabled = Boolean(c.cannot_sync);
  $("syncNow").dataset.case = c.care_case_id;
  say("caseSay", "Care case " + c.care_case_id + (c.salesforce_case_id ? " and Salesforce Case " + c.salesforce_case_id : "") + ".", c.cannot_sync ? "bad" : "ok");
  $("caseOut").hidden = false;
  let syncState = "";
  if (c.sync_status === "Error") syncState = problemBox("Error: " + c.sync_error);
  else if (c.sync_status) syncState = badge(c.sync_status, "ok");
  facts($("facts"), [
    ["Care case", c.care_case_id],
    ["Salesforce Case", c.salesforce_case_id || "none yet"],
    ["Linked", c.linked ? "yes" : "no"],
    ["Salesforce Case created", c.salesforce_case_created ? when(c.salesforce_case_created) : ""],
    ["Last sync", c.last_sync ? when(c.last_sync) : "never"],
    ["Shown on the Case", syncState],
    ["Queue", queueText(c.queue)],
  ]);
  $("now").replaceChildren(nowShown(c));
  const fb = $("fields").tBodies[0];
  fb.replaceChildren();
  for (const f of c.fields || []) {
    const tr = row(fb, [f.name, careShown(f), mappingShown(f), sfShown(f), f.last_synced, f.write || ""], f.write ? "problem" : "");
    tr.dataset.field = f.name;
  }
  if (!(c.fields || []).length) emptyRow(fb, 6, c.cannot_sync ? "carebridge reads no values for a case it cannot sync." : "No values: " + (c.now_error || "nothing read."));
  const tl = $("timeline").tBodies[0];
  tl.replaceChildren();
  if (c.timeline.length === 0) emptyRow(tl, 3, "Nothing recorded yet: carebridge records writes, conflicts, blocked and refused syncs.");
  for (const e of c.timeline) {
    const tr = row(tl, [when(e.time), KIND_LABELS[e.kind] || e.kind, e.text], e.kind === "write" ? "" : "problem");
    tr.dataset.kind = e.kind;
  }
  const ab = $("actions").tBodies[0];
  ab.replaceChildren();
  if (c.actions_error) {
    const tr = el("tr"); const td = el("td"); td.colSpan = 4;
    td.append(problemBox(c.actions_error, c.actions_error_detail)); tr.append(td); ab.append(tr);
  } else if (c.actions.length === 0) emptyRow(ab, 4, "No agent actions on this Case.");
  for (const x of c.actions) row(ab, [when(x.created), x.type + (x.reply_mode ? " (" + x.reply_mode + ")" : ""), x.status, [x.code, x.reason].filter(Boolean).join(": ")], x.status === "Sent" ? "" : "problem");
}

async function syncNow() {
  const id = $("syncNow").dataset.case;
  const r = await call("POST", "/admin/api/cases/" + encodeURIComponent(id) + "/sync");
  say("caseSay", r.ok ? "Queued " + r.data.key + ": it syncs within seconds. Look it up again to see the result." : r.data.error, r.ok ? "ok" : "bad");
}

// ---------- Start ----------

function startCases() {
  const q = new URLSearchParams(location.search).get("case");
  if (q) $("caseId").value = q;
  $("lookupForm").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = $("caseId").value.trim();
    history.replaceState(null, "", "/admin/cases?case=" + encodeURIComponent(id));
    lookup(id);
  });
  $("syncNow").addEventListener("click", syncNow);
  boot(async () => { const id = $("caseId").value.trim(); if (id) await lookup(id); });
}

switch (document.body.dataset.page) {
case "health":
  boot(loadHealth, 5000);
  break;
case "identities":
  $("saveOverride").addEventListener("click", saveOverride);
  boot(loadIdentities);
  break;
case "cases":
  startCases();
  break;
}
