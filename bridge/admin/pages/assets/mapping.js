
// carebridge admin: the mapping editor (admin.js holds what every page
// shares). Everything shown from the server goes through textContent,
// never HTML.
"use strict";
let basedOn = 0;          // the active version an edit starts from
let form = null;          // the form rows (server's model of the fields section)
let formInfo = null;      // care attributes, directions, policies
let sfFields = null;      // the org's Case fields by name (null: not read)
let formStale = true;     // the YAML changed since the form was read
let formBase = "";        // the YAML the form was read from: rows are written into it
let formQueue = Promise.resolve();

function tell(text, good) {
  const r = $("result");
  r.textContent = text;
  r.className = good ? "ok" : "bad";
}

function showProblems(problems, count) {
  const ul = $("problems");
  ul.replaceChildren();
  for (const p of problems || []) {
    const li = el("li", (p.line ? "line " + p.line + ": " : "") + p.message, "bad");
    if (p.line) { li.tabIndex = 0; li.addEventListener("click", () => goToLine(p.line)); }
    ul.append(li);
  }
  if (count && problems && count > problems.length) ul.append(el("li", "… and " + (count - problems.length) + " more.", "bad"));
}

function goToLine(line) {
  showTab("yaml");
  const ta = $("yaml");
  const lines = ta.value.split("\n");
  let pos = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
  ta.focus();
  ta.setSelectionRange(pos, pos + (lines[line - 1] || "").length);
}


// ---- the mapping an edit starts from ---------------------------------

async function loadMapping() {
  const r = await call("GET", "/admin/api/mapping");
  if (!r.ok) { $("running").textContent = r.data.error; $("running").className = "bad"; return false; }
  const run = r.data.running, ed = r.data.editing;
  basedOn = r.data.active;
  showRunning(run, ed);
  $("yaml").value = ed.yaml;
  formStale = true;
  if (!$("formView").hidden) await loadForm();
  $("restoreFile").title = r.data.file ? "Publish " + r.data.file + " as a new version" : "";
  return true;
}

function showRunning(run, ed) {
  const runs = run.source === "published" ? "version " + run.number : "the " + run.source + " mapping";
  let text;
  if (ed.number) {
    text = "Active: version " + ed.number + (ed.author ? ", published by " + ed.author : "") + (ed.created_at ? " on " + when(ed.created_at) : "") + ". ";
    text += (run.source === "published" && run.number === ed.number) ? "This replica runs it." : "This replica still runs " + runs + " and switches to version " + ed.number + " within seconds.";
    text += " Your edits start from version " + ed.number + ".";
  } else {
    text = "No version published yet: this replica runs " + runs + " (" + run.digest + "). Your edits start from it.";
  }
  $("running").textContent = text;
  $("running").className = (ed.number && !(run.source === "published" && run.number === ed.number)) ? "switching" : "muted";
}

// The header follows the replica until it runs the active version.
async function refreshRunning() {
  const r = await call("GET", "/admin/api/mapping");
  if (r.ok && r.data.active === basedOn) showRunning(r.data.running, r.data.editing);
}

// ---- form <-> YAML ---------------------------------------------------

function showTab(which) {
  const formOn = which === "form";
  $("tab-form").setAttribute("aria-selected", String(formOn));
  $("tab-yaml").setAttribute("aria-selected", String(!formOn));
  $("formView").hidden = !formOn;
  $("yamlView").hidden = formOn;
  if (formOn && formStale) loadForm();
}

async function loadSalesforceFields() {
  const r = await call("GET", "/admin/api/salesforce/fields?object=Case");
  if (!r.ok) { sfFields = null; $("formMsg").textContent = "Salesforce fields could not be read (" + r.data.error + "): type API names."; return; }
  sfFields = {};
  for (const f of r.data.fields) sfFields[f.name] = f;
}

async function loadForm() {
  await formQueue;
  const r = await call("POST", "/admin/api/mapping/form", { yaml: $("yaml").value });
  if (!r.ok) { form = null; $("fields").replaceChildren(); $("formMsg").textContent = r.data.error; return; }
  $("formMsg").textContent = sfFields ? "" : $("formMsg").textContent;
  form = r.data.fields;
  formInfo = r.data;
  formBase = $("yaml").value;
  formStale = false;
  renderForm();
}

// syncForm writes the whole form into the YAML it was read from, so every
// write is complete on its own; writes run one at a time, the last wins.
function syncForm(rerender) {
  if (rerender) renderForm();
  formQueue = formQueue.then(async () => {
    const r = await call("POST", "/admin/api/mapping/form", { yaml: formBase, fields: form });
    if (!r.ok) { $("formMsg").textContent = r.data.error; return; }
    $("formMsg").textContent = "";
    $("yaml").value = r.data.yaml;
  });
  return formQueue;
}

function careAttr(name) { return (formInfo.care_attributes || []).find((a) => a.name === name); }

function select(label, options, value, onChange, extra, key) {
  const l = el("label", label);
  const s = el("select");
  if (key) s.dataset.key = key;
  const seen = new Set();
  for (const o of options) {
    const opt = el("option", o.text); opt.value = o.value; s.append(opt); seen.add(o.value);
  }
  if (value && !seen.has(value)) { const opt = el("option", value + " (unknown)"); opt.value = value; s.append(opt); }
  s.value = value || "";
  s.addEventListener("change", () => onChange(s.value));
  l.append(s);
  if (extra) l.append(extra);
  return l;
}

function sfFieldHint(name) {
  if (!sfFields) return "";
  const f = sfFields[name];
  if (!f) return name ? "Not a Case field in the org." : "";
  let t = f.type + (f.length ? "(" + f.length + ")" : "");
  if (f.picklist) t += " · " + f.picklist.length + " values";
  if (!f.updateable) t += " · read-only";
  return t;
}

// renderForm draws the rows, keeping the focus on the same control.
function renderForm() {
  const box = $("fields");
  const focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  box.replaceChildren();
  if (!form) return;
  form.forEach((f, i) => box.append(fieldCard(f, i)));
  box.querySelectorAll("select, input, button").forEach((c, n) => { if (!c.dataset.key) c.dataset.key = "n" + n; });
  if (focused) { const c = box.querySelector('[data-key="' + CSS.escape(focused) + '"]'); if (c) c.focus(); }
}

function fieldCard(f, i) {
  const fs = el("fieldset", null, "field");
  fs.dataset.field = f.name;
  fs.append(el("legend", f.name || "new field"));
  const grid = el("div", null, "grid");
  const nameL = el("label", "Name");
  const nameI = el("input"); nameI.type = "text"; nameI.value = f.name;
  nameI.dataset.key = i + "name";
  nameI.addEventListener("change", () => { f.name = nameI.value.trim(); fs.dataset.field = f.name; fs.querySelector("legend").textContent = f.name; syncForm(false); });
  nameL.append(nameI);
  grid.append(nameL);
  const attrs = (formInfo.care_attributes || []).map((a) => ({ value: a.name, text: a.name.replace("_", " ") }));
  grid.append(select("Care attribute", [{ value: "", text: "—" }, ...attrs], f.care, (v) => { f.care = v; syncForm(true); }, null, i + "care"));
  if (sfFields) {
    const opts = Object.values(sfFields).sort((a, b) => a.label.localeCompare(b.label)).map((s) => ({ value: s.name, text: s.label + " (" + s.name + ")" }));
    grid.append(select("Salesforce field", [{ value: "", text: "—" }, ...opts], f.salesforce, (v) => { f.salesforce = v; syncForm(true); }, el("span", sfFieldHint(f.salesforce), "hint"), i + "sf"));
  } else {
    const l = el("label", "Salesforce field (API name)");
    const inp = el("input"); inp.type = "text"; inp.value = f.salesforce;
    inp.dataset.key = i + "sf";
    inp.addEventListener("change", () => { f.salesforce = inp.value.trim(); syncForm(false); });
    l.append(inp); grid.append(l);
  }
  const dirText = { both: "both ways", care_to_salesforce: "Care → Salesforce", salesforce_to_care: "Salesforce → Care" };
  grid.append(select("Direction", (formInfo.directions || []).map((d) => ({ value: d, text: dirText[d] || d })), f.direction, (v) => {
    f.direction = v;
    if (v !== "both") f.conflict = "";
    else if (!f.conflict) f.conflict = "newest_wins";
    syncForm(true);
  }, null, i + "dir"));
  const polText = { care_wins: "Care wins", salesforce_wins: "Salesforce wins", newest_wins: "newest change wins" };
  const conflict = select("On conflict", [{ value: "", text: "— (one-way field)" }, ...(formInfo.policies || []).map((p) => ({ value: p, text: polText[p] || p }))], f.conflict, (v) => { f.conflict = v; syncForm(false); }, null, i + "conflict");
  // A one-way field has no conflicts: no picker (the YAML may still say
  // one, which the picker then shows).
  if (f.direction === "both" || f.conflict) grid.append(conflict);
  fs.append(grid);
  // Value maps: where values are a fixed list on either side.
  const attr = careAttr(f.care);
  const sf = sfFields && sfFields[f.salesforce];
  const hasLists = (attr && attr.values) || (sf && sf.picklist);
  if (f.care !== "assignee_id" && (hasLists || f.care_to_salesforce || f.salesforce_to_care)) {
    if (f.direction !== "salesforce_to_care" || f.care_to_salesforce) fs.append(valueMap(f, "care_to_salesforce", attr, sf, i));
    if (f.direction !== "care_to_salesforce" || f.salesforce_to_care) fs.append(valueMap(f, "salesforce_to_care", attr, sf, i));
  }
  const row = el("div", null, "row");
  const rm = el("button", "Remove this field", "small");
  rm.addEventListener("click", () => { form.splice(i, 1); syncForm(true); });
  row.append(rm);
  fs.append(row);
  return fs;
}

// valueMap is a two-column table: Care value | Salesforce value, in the
// direction dir. Values the org's picklist lacks are flagged.
function valueMap(f, dir, attr, sf, i) {
  const wrap = el("div", null, "vm");
  wrap.dataset.dir = dir;
  const toSF = dir === "care_to_salesforce";
  wrap.append(el("h3", toSF ? "Care value → Salesforce value" : "Salesforce value → Care value"));
  const m = f[dir];
  if (!m) {
    const b = el("button", "Translate values " + (toSF ? "Care → Salesforce" : "Salesforce → Care"), "small");
    b.addEventListener("click", () => { f[dir] = { pairs: [] }; syncForm(true); });
    wrap.append(b);
    return wrap;
  }
  const careVals = attr && attr.values ? [...attr.values, ...(attr.optional || [])] : null;
  const sfVals = sf && sf.picklist ? sf.picklist : null;
  const cell = (vals, value, side, key, onChange) => {
    const td = el("td");
    let input;
    if (vals) {
      input = el("select");
      for (const v of vals) { const o = el("option", v); o.value = v; input.append(o); }
      if (!vals.includes(value)) { const o = el("option", value); o.value = value; input.append(o); }
      input.value = value;
      input.addEventListener("change", () => onChange(input.value));
    } else {
      input = el("input"); input.type = "text"; input.value = value;
      input.addEventListener("change", () => onChange(input.value.trim()));
    }
    input.className = side;
    input.dataset.key = key;
    input.setAttribute("aria-label", side === "care" ? "Care value" : "Salesforce value");
    td.append(input);
    if (side === "sf" && sfVals && value !== "" && !sfVals.includes(value)) td.append(el("div", "“" + value + "” is not a value of " + f.salesforce + " in the org", "missing"));
    if (side === "care" && careVals && value !== "" && !careVals.includes(value)) td.append(el("div", "“" + value + "” is not a Care " + f.care, "missing"));
    return td;
  };
  const t = el("table");
  const head = el("tr");
  for (const h of (toSF ? ["Care value", "Salesforce value", ""] : ["Salesforce value", "Care value", ""])) head.append(el("th", h));
  t.append(head);
  m.pairs.forEach((p, j) => {
    const tr = el("tr");
    const fromVals = toSF ? careVals : sfVals, toVals = toSF ? sfVals : careVals;
    tr.append(cell(fromVals, p.from, toSF ? "care" : "sf", i + dir + j + "from", (v) => { p.from = v; syncForm(true); }));
    tr.append(cell(toVals, p.to, toSF ? "sf" : "care", i + dir + j + "to", (v) => { p.to = v; syncForm(true); }));
    const td = el("td");
    const rm = el("button", "Remove", "small");
    rm.setAttribute("aria-label", "Remove " + p.from);
    rm.addEventListener("click", () => { m.pairs.splice(j, 1); syncForm(true); });
    td.append(rm); tr.append(td);
    t.append(tr);
  });
  const elseRow = el("tr");
  elseRow.append(el("td", "anything else", "muted"));
  const elseVals = toSF ? sfVals : careVals;
  if (m.else !== undefined && m.else !== null) {
    elseRow.append(cell(elseVals, m.else, toSF ? "sf" : "care", i + dir + "else", (v) => { m.else = v; syncForm(true); }));
    const td = el("td"); const rm = el("button", "Remove", "small");
    rm.setAttribute("aria-label", "Remove the else value");
    rm.addEventListener("click", () => { delete m.else; syncForm(true); });
    td.append(rm); elseRow.append(td);
  } else {
    const td = el("td"); const b = el("button", "Set a value for anything else", "small");
    b.addEventListener("click", () => { m.else = elseVals ? elseVals[0] : ""; syncForm(true); });
    td.append(b); elseRow.append(td, el("td"));
  }
  t.append(elseRow);
  wrap.append(t);
  const add = el("button", "Add a value", "small");
  add.addEventListener("click", () => {
    const fromVals = toSF ? careVals : sfVals, toVals = toSF ? sfVals : careVals;
    const used = new Set(m.pairs.map((p) => p.from));
    const from = (fromVals || []).find((v) => !used.has(v)) || "";
    m.pairs.push({ from, to: toVals ? toVals[0] : "", orig: -1 });
    syncForm(true);
  });
  wrap.append(add);
  return wrap;
}

// ---- validate, preview, review and publish -----------------------------

async function validate() {
  await formQueue;
  const r = await call("POST", "/admin/api/mapping/validate", { yaml: $("yaml").value });
  showProblems(r.data.problems, r.data.problem_count);
  tell(r.ok ? "Valid (" + r.data.digest + ")." : r.data.error, r.ok);
}

// previewCells are a preview's cells by row: per field what each side
// holds (as the mapping reads it), the last synced value and what a sync
// would write; for a case without a Salesforce Case, the new Case's
// fields.
function previewCells(p) {
  const rows = {};
  if (p.create_case) {
    for (const [f, v] of Object.entries(p.create_case)) rows[f] = [v === null ? "" : String(v)];
    return rows;
  }
  const names = new Set([...Object.keys(p.care || {}), ...Object.keys(p.salesforce || {}), ...Object.keys(p.base || {})]);
  for (const n of names) {
    const writes = [];
    if (p.update_care && n in p.update_care) writes.push("Care ← " + JSON.stringify(p.update_care[n]));
    const sfw = (p.salesforce_writes || {})[n];
    if (sfw !== undefined) writes.push("Salesforce " + sfw);
    rows[n] = [(p.care || {})[n] || "", (p.salesforce || {})[n] || "", (p.base || {})[n] || "", writes.join("; ")];
  }
  return rows;
}

// previewTable shows one preview; cells that differ from the other
// preview's (given for the edit's) are marked.
function previewTable(title, p, other) {
  const wrap = el("div", null, "preview");
  wrap.append(el("h3", title));
  const cells = previewCells(p), was = other ? previewCells(other) : null;
  const heads = p.create_case ? ["Salesforce field", "New Case"] : ["Field", "Care", "Salesforce", "Last synced", "Would write"];
  if (p.create_case) wrap.append(el("p", "No Salesforce Case yet: a sync would create one with these fields.", "muted"));
  const t = el("table");
  const head = el("tr");
  for (const h of heads) head.append(el("th", h));
  t.append(head);
  for (const n of Object.keys(cells).sort()) {
    const tr = el("tr");
    tr.dataset.field = n;
    tr.append(el("td", n));
    cells[n].forEach((v, k) => {
      const td = el("td", v, k === cells[n].length - 1 && v && !p.create_case ? "write" : "");
      if (was && (!(n in was) || was[n][k] !== v)) {
        td.classList.add("change");
        td.append(el("span", "changed by your edit", "badge warn"));
      }
      tr.append(td);
    });
    t.append(tr);
  }
  wrap.append(t);
  for (const c of p.conflicts || []) wrap.append(el("p", "Conflict on " + c.Field + ": " + c.Winner + " wins (" + c.Policy + ")", "bad"));
  if (p.blocked) wrap.append(el("p", "Held back: " + p.blocked, "bad"));
  return wrap;
}

// previewSummary says which fields the edit changes for the case, or that
// it changes nothing.
function previewSummary(id, current, proposed) {
  const a = previewCells(current), b = previewCells(proposed);
  const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((n) => JSON.stringify(a[n]) !== JSON.stringify(b[n])).sort();
  if (Boolean(current.create_case) !== Boolean(proposed.create_case)) changed.unshift("whether a Case is created");
  if (JSON.stringify(current.conflicts || []) !== JSON.stringify(proposed.conflicts || []) || (current.blocked || "") !== (proposed.blocked || "")) changed.push("conflicts and holds");
  if (!changed.length) return el("p", "Your edit changes nothing for case " + id + ": a sync would do the same under both mappings.", "say");
  return el("p", "Your edit changes what a sync of case " + id + " would do: " + changed.join(", ") + " (marked below).", "say warn");
}

async function preview() {
  await formQueue;
  const r = await call("POST", "/admin/api/mapping/preview", { yaml: $("yaml").value, case: $("case").value.trim() });
  showProblems(r.data.problems, r.data.problem_count);
  const out = $("previewOut");
  out.replaceChildren();
  if (!r.ok) { tell(r.data.error, false); return; }
  tell("Preview of case " + r.data.case + ": nothing was written.", true);
  const cols = el("div", null, "cols");
  cols.append(previewTable("Under the running mapping", r.data.current), previewTable("Under your edit", r.data.proposed, r.data.current));
  const box = el("section", null, "previews");
  box.setAttribute("aria-label", "Preview");
  box.append(el("h2", "Preview on case " + r.data.case), previewSummary(r.data.case, r.data.current, r.data.proposed), cols);
  out.append(box);
  box.scrollIntoView({ block: "nearest" });
}

function renderDiff(box, diff) {
  box.replaceChildren();
  if (!diff.lines.length) { box.append(el("div", "No changes.", "hunk")); return; }
  for (const l of diff.lines) {
    const cls = { "+": "add", "-": "del", "@": "hunk" }[l.op] || "";
    box.append(el("div", (l.op === "@" ? "" : l.op) + l.text, cls));
  }
  if (diff.omitted) box.append(el("div", "… and " + diff.omitted + " more lines, not shown.", "hunk"));
}

let reviewAction = null;

// review shows what an action would change and runs it when confirmed.
function review(title, text, diff, confirmText, action, warn) {
  $("reviewTitle").textContent = title;
  const lines = (n) => n + (n === 1 ? " line" : " lines");
  $("reviewText").textContent = text + " " + (diff.added + diff.removed ? lines(diff.added) + " added, " + lines(diff.removed) + " removed." : "");
  $("reviewWarn").textContent = warn || "";
  $("reviewWarn").hidden = !warn;
  renderDiff($("reviewDiff"), diff);
  $("reviewConfirm").textContent = confirmText;
  reviewAction = action;
  $("review").hidden = false;
  $("reviewConfirm").focus();
}

function closeReview() { $("review").hidden = true; reviewAction = null; }

function needAuthor() {
  const author = $("author").value.trim();
  if (!author) { tell("Fill in your name first: it goes into the mapping history.", false); $("author").focus(); }
  return author;
}

async function startPublish() {
  const author = needAuthor();
  if (!author) return;
  await formQueue;
  const yaml = $("yaml").value;
  const v = await call("POST", "/admin/api/mapping/validate", { yaml });
  showProblems(v.data.problems, v.data.problem_count);
  if (!v.ok) { tell(v.data.error + ": fix the problems before publishing.", false); return; }
  const d = await call("POST", "/admin/api/mapping/diff", { yaml, based_on: basedOn });
  if (!d.ok) { tell(d.data.error, false); return; }
  const against = d.data.against ? "version " + d.data.against : "the " + d.data.against_source + " mapping";
  const warn = d.data.active !== basedOn ? "Version " + d.data.active + " was published since your edit began: publishing will be refused. Copy your change, reload, and make it again." : "";
  review("Publish these changes?", "Your changes to " + against + ", where your edit began.", d.data.diff, "Publish", async () => {
    const r = await call("POST", "/admin/api/mapping/publish", { yaml, author, note: $("note").value, based_on: basedOn });
    showProblems(r.data.problems, r.data.problem_count);
    if (!r.ok) { tell(r.data.error, false); return; }
    tell("Published as version " + r.data.number + ". Every replica switches to it within seconds.", true);
    $("note").value = "";
    await loadMapping();
    await loadVersions();
  }, warn);
}

async function startRollback(n) {
  const author = needAuthor();
  if (!author) return;
  const v = await call("GET", "/admin/api/mapping/versions/" + n);
  if (!v.ok) { tell(v.data.error, false); return; }
  const d = await call("POST", "/admin/api/mapping/diff", { yaml: v.data.yaml });
  if (!d.ok) { tell(d.data.error, false); return; }
  review("Roll back to version " + n + "?", "Version " + n + " becomes the active mapping again; compared with version " + d.data.against + ":", d.data.diff, "Roll back to version " + n, async () => {
    const r = await call("POST", "/admin/api/mapping/rollback", { number: n, author });
    showProblems(r.data.problems, r.data.problem_count);
    tell(r.ok ? "Version " + n + " is active again. Every replica switches to it within seconds." : r.data.error, r.ok);
    await loadMapping();
    await loadVersions();
  });
}

async function startRestoreFile() {
  const author = needAuthor();
  if (!author) return;
  const p = await call("POST", "/admin/api/mapping/restore-file", { preview: true });
  if (!p.ok) { tell(p.data.error, false); return; }
  review("Return to the mapping file?", "Publishes " + p.data.file + " as a new version" + (p.data.against ? "; compared with version " + p.data.against + ":" : ":"), p.data.diff, "Publish the mapping file", async () => {
    const r = await call("POST", "/admin/api/mapping/restore-file", { author, note: $("note").value, based_on: basedOn });
    showProblems(r.data.problems, r.data.problem_count);
    if (!r.ok) { tell(r.data.error, false); return; }
    tell("The mapping file is published as version " + r.data.number + ".", true);
    await loadMapping();
    await loadVersions();
  });
}

// ---- history -----------------------------------------------------------

async function loadVersions() {
  const r = await call("GET", "/admin/api/mapping/versions");
  const body = $("versions").tBodies[0];
  body.replaceChildren();
  if (!r.ok) return;
  if (!r.data.versions.length) { const tr = el("tr"); const td = el("td", "No version published yet.", "muted"); td.colSpan = 3; tr.append(td); body.append(tr); }
  for (const v of [...r.data.versions].reverse()) {
    const tr = el("tr", null, v.number === r.data.active ? "active" : "");
    tr.dataset.version = v.number;
    const what = el("td");
    what.append(el("span", v.author), el("span", when(v.created_at), "sub"));
    if (v.note) what.append(el("span", v.note, "note"));
    tr.append(el("td", v.number + (v.number === r.data.active ? " (active)" : "")), what);
    const td = el("td", null, "actions");
    const diffRow = el("tr"); diffRow.hidden = true;
    const diffCell = el("td"); diffCell.colSpan = 3; diffRow.append(diffCell);
    const changes = el("button", "Changes", "small");
    changes.setAttribute("aria-expanded", "false");
    changes.setAttribute("aria-label", "Changes in version " + v.number);
    changes.addEventListener("click", async () => {
      if (!diffRow.hidden) { diffRow.hidden = true; changes.setAttribute("aria-expanded", "false"); return; }
      const d = await call("GET", "/admin/api/mapping/versions/" + v.number + "/diff");
      diffCell.replaceChildren(el("div", d.ok ? "Compared with " + d.data.against + ":" : d.data.error, "hint"));
      if (d.ok) { const box = el("div", null, "diff"); renderDiff(box, d.data.diff); diffCell.append(box); }
      diffRow.hidden = false; changes.setAttribute("aria-expanded", "true");
    });
    td.append(changes);
    if (v.number !== r.data.active) {
      const b = el("button", "Roll back to this", "small");
      b.setAttribute("aria-label", "Roll back to version " + v.number);
      b.addEventListener("click", () => startRollback(v.number));
      td.append(b);
    }
    tr.append(td);
    body.append(tr, diffRow);
  }
  const act = $("activity");
  act.replaceChildren();
  for (const h of r.data.history || []) {
    act.append(el("li", when(h.at) + ": " + h.author + (h.action === "rollback" ? " rolled back to version " : " published version ") + h.number));
  }
}

async function start() {
  await loadSalesforceFields();
  if (await loadMapping()) await loadVersions();
  setInterval(() => { if (basedOn) refreshRunning(); }, 3000);
}

$("tab-form").addEventListener("click", () => showTab("form"));
$("tab-yaml").addEventListener("click", () => showTab("yaml"));
$("yaml").addEventListener("input", () => { formStale = true; });
$("addField").addEventListener("click", () => {
  if (!form) return;
  form.push({ orig: -1, name: "new_field_" + (form.length + 1), care: "", salesforce: "", direction: "care_to_salesforce" });
  syncForm(true);
});
$("validate").addEventListener("click", validate);
$("preview").addEventListener("click", preview);
$("publish").addEventListener("click", startPublish);
$("restoreFile").addEventListener("click", startRestoreFile);
$("reviewCancel").addEventListener("click", closeReview);
$("reviewConfirm").addEventListener("click", async () => { const a = reviewAction; closeReview(); if (a) await a(); });
document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("review").hidden) closeReview(); });
boot(start);
