// The openlines console: one page, hash routes, no framework.
//
// Every value from the server is put into the page with textContent or as an attribute
// value by the DOM API, never as HTML, so a chat titled <script> is shown as text.
"use strict";

const API = "/_openlines/console/api/";
let csrf = "";

// ---------- small helpers ----------

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function say(text, isError) {
  const status = document.getElementById("status");
  status.textContent = text || "";
  status.className = isError ? "error" : "muted";
}

async function getJson(path) {
  const response = await fetch(API + path, { credentials: "same-origin" });
  if (response.status === 401) { location.reload(); throw new Error("signed out"); }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error_description || body.error || response.status);
  return body;
}

async function postJson(path, body) {
  const response = await fetch(API + path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body || {}),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error_description || answer.error || response.status);
  return answer;
}

function when(unixSeconds) {
  if (unixSeconds === null || unixSeconds === undefined) return "—";
  const date = new Date(unixSeconds * 1000);
  return date.toLocaleString(undefined, { hour12: false });
}

function statusClass(status) {
  if (status < 300) return "status-ok";
  if (status < 500 && status !== 429) return "status-warn";
  return "status-bad";
}

function table(headings, rows, label) {
  return el("div", { class: "table-wrap" },
    el("table", { "aria-label": label },
      el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows)));
}

/** A JSON value as the tree a portal builds from PHP brackets (nested lists). */
function tree(value) {
  if (value === null || typeof value !== "object") {
    return el("span", { class: "mono" }, JSON.stringify(value));
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  if (entries.length === 0) return el("span", { class: "mono muted" }, Array.isArray(value) ? "[]" : "{}");
  return el("ul", { class: "tree" }, entries.map(([key, child]) =>
    el("li", {}, el("span", { class: "key mono" }, key), ": ", tree(child))));
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (_) { return text; }
}

/** A string quoted for a POSIX shell. */
function shellQuote(text) {
  return "'" + text.replace(/'/g, "'\\''") + "'";
}

/** The curl command that repeats a call, the secret left to an environment variable. */
function curlOf(entry) {
  let path = entry.path;
  const lines = ["curl -sS -X POST"];
  if (entry.credential === "webhook") {
    path = path.replace("{code}", "${OPENLINES_WEBHOOK_CODE}");
  } else if (entry.credential === "token") {
    lines.push('-H "Authorization: Bearer ${OPENLINES_ACCESS_TOKEN}"');
  }
  lines.push("-H 'Content-Type: application/json'");
  if (entry.params && typeof entry.params === "object") {
    lines.push("--data-raw " + shellQuote(JSON.stringify(entry.params)));
  }
  lines.push('"' + location.origin + path + '"');
  return lines.join(" \\\n  ");
}

function setPage(title, ...content) {
  document.title = title + " · openlines console";
  const page = document.getElementById("page");
  page.replaceChildren(el("h1", {}, title), ...content);
}

// ---------- Calls (the live journal) ----------

const calls = { entries: [], selected: null, source: null, filters: { method: "", status: "", credential: "", text: "" } };

function matches(entry) {
  const f = calls.filters;
  if (f.method && !entry.method.toLowerCase().includes(f.method.toLowerCase())) return false;
  if (f.status === "ok" && entry.status >= 300) return false;
  if (f.status === "4xx" && (entry.status < 400 || entry.status >= 500)) return false;
  if (f.status === "5xx" && entry.status < 500) return false;
  if (f.credential && entry.credential !== f.credential) return false;
  if (f.text) {
    const haystack = JSON.stringify(entry).toLowerCase();
    if (!haystack.includes(f.text.toLowerCase())) return false;
  }
  return true;
}

function callRow(entry, fresh) {
  const open = () => showCall(entry.id);
  return el("tr", { class: (fresh ? "fresh " : "") + (calls.selected === entry.id ? "selected" : ""), "data-id": entry.id },
    el("td", {}, el("button", { class: "link", onclick: open, "aria-label": "Open call " + entry.id + " " + entry.method }, "#" + entry.id)),
    el("td", { class: "mono" }, when(entry.at)),
    el("td", { class: "mono method" }, entry.method || "(none)"),
    el("td", {}, entry.caller),
    el("td", { class: statusClass(entry.status) }, String(entry.status), entry.error ? " " + entry.error : ""),
    el("td", { class: "mono" }, String(entry.duration_ms)));
}

function renderCallRows(freshId) {
  const body = document.getElementById("calls-body");
  if (!body) return;
  const shown = calls.entries.filter(matches);
  body.replaceChildren(...shown.map((entry) => callRow(entry, entry.id === freshId)));
  document.getElementById("calls-count").textContent =
    shown.length + " of " + calls.entries.length + " calls kept";
}

function showCall(id) {
  calls.selected = id;
  const entry = calls.entries.find((e) => e.id === id);
  const panel = document.getElementById("call-detail");
  if (!entry || !panel) return;
  let answer = null;
  try { answer = entry.answer ? JSON.parse(entry.answer) : null; } catch (_) { answer = null; }
  const curl = curlOf(entry);
  const copyButton = el("button", {
    id: "copy-curl",
    onclick: async () => {
      try { await navigator.clipboard.writeText(curl); say("Copied the curl command."); }
      catch (_) {
        const range = document.createRange();
        range.selectNodeContents(document.getElementById("curl"));
        getSelection().removeAllRanges(); getSelection().addRange(range);
        say("Selected the curl command: copy it with Ctrl+C.");
      }
    },
  }, "Copy as curl");
  panel.replaceChildren(
    el("h2", {}, "Call #" + entry.id + " · " + (entry.method || "(none)")),
    el("dl", {},
      el("dt", {}, "Status"), el("dd", { class: statusClass(entry.status), id: "call-status" }, String(entry.status), entry.error ? " " + entry.error : ""),
      el("dt", {}, "Caller"), el("dd", {}, entry.caller),
      el("dt", {}, "Path"), el("dd", { class: "mono" }, entry.path),
      el("dt", {}, "Arrived"), el("dd", {}, when(entry.at)),
      el("dt", {}, "Took"), el("dd", {}, entry.duration_ms + " ms")),
    el("h2", {}, "Parameters, as decoded"),
    el("div", { id: "call-params" }, tree(entry.params)),
    el("h2", {}, "Time block"),
    answer && answer.time ? tree(answer.time) : el("p", { class: "muted" }, "No time block (errors have none)."),
    el("h2", {}, "Answer"),
    el("pre", { id: "call-answer" }, entry.answer === null ? "(the client hung up before the answer)" : pretty(entry.answer)),
    el("h2", {}, "Repeat it"),
    el("p", { class: "muted" }, "The secret is left to ",
      el("code", {}, entry.credential === "token" ? "$OPENLINES_ACCESS_TOKEN" : "$OPENLINES_WEBHOOK_CODE"),
      "; set it before running the command."),
    el("pre", { id: "curl" }, curl),
    copyButton);
  renderCallRows();
}

function openStream() {
  if (calls.source) calls.source.close();
  const since = calls.entries.length ? calls.entries[0].id : 0;
  const source = new EventSource(API + "journal/stream?since=" + since);
  calls.source = source;
  const dot = document.getElementById("live-dot");
  source.onopen = () => { if (dot) { dot.classList.add("on"); dot.title = "live"; } };
  source.onerror = () => { if (dot) { dot.classList.remove("on"); dot.title = "reconnecting"; } };
  source.addEventListener("call", (event) => {
    const entry = JSON.parse(event.data);
    if (calls.entries.some((e) => e.id === entry.id)) return;
    calls.entries.unshift(entry);
    if (calls.entries.length > 1000) calls.entries.pop();
    renderCallRows(entry.id);
  });
  source.addEventListener("lagged", () => { source.close(); loadCalls(); });
}

async function loadCalls() {
  const body = await getJson("journal?limit=500");
  calls.entries = body.entries;
  renderCallRows();
  openStream();
}

function filterInput(label, key, input) {
  input.value = calls.filters[key];
  input.addEventListener("input", () => { calls.filters[key] = input.value; renderCallRows(); });
  return el("label", {}, label, input);
}

function pageCalls() {
  setPage("Calls",
    el("p", { class: "muted" }, el("span", { id: "live-dot", class: "live", title: "connecting" }),
      "Newest first; new calls appear as they arrive. ", el("span", { id: "calls-count" })),
    el("div", { class: "bar", role: "search" },
      filterInput("Method", "method", el("input", { id: "filter-method", type: "search" })),
      filterInput("Status", "status", el("select", { id: "filter-status" },
        el("option", { value: "" }, "any"), el("option", { value: "ok" }, "success"),
        el("option", { value: "4xx" }, "4xx"), el("option", { value: "5xx" }, "5xx"))),
      filterInput("Credential", "credential", el("select", { id: "filter-credential" },
        el("option", { value: "" }, "any"), el("option", { value: "webhook" }, "webhook"),
        el("option", { value: "token" }, "OAuth token"), el("option", { value: "none" }, "none"))),
      filterInput("Text", "text", el("input", { id: "filter-text", type: "search" }))),
    el("div", { class: "split" },
      el("div", { class: "table-wrap" }, el("table", { "aria-label": "Calls" },
        el("thead", {}, el("tr", {}, ["#", "Arrived", "Method", "Caller", "Status", "ms"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", { id: "calls-body" }))),
      el("section", { class: "panel", id: "call-detail", "aria-label": "Call details" },
        el("p", { class: "muted" }, "Open a call to see its parameters, answer and a curl command."))));
  loadCalls().catch((error) => say(error.message, true));
}

// ---------- CRM records ----------

function chatLinks(answer) {
  if (!answer.length) return el("p", { class: "muted" }, "No chats.");
  return table(["CHAT_ID", "CONNECTOR_ID", "CONNECTOR_TITLE"], answer.map((chat) =>
    el("tr", {},
      el("td", {}, el("a", { href: "#chats/" + chat.CHAT_ID }, chat.CHAT_ID)),
      el("td", { class: "mono" }, chat.CONNECTOR_ID),
      el("td", {}, chat.CONNECTOR_TITLE))), "Chats");
}

async function pageCrm(args) {
  const [kind, id] = [args[0] || "deal", args[1] || ""];
  const typeSelect = el("select", { id: "crm-type" }, ["lead", "deal", "contact", "company"].map((t) =>
    el("option", { value: t, selected: t === kind }, t)));
  const idInput = el("input", { id: "crm-id", type: "number", min: "1", value: id, required: true });
  const result = el("div", { id: "crm-result" });
  setPage("CRM records",
    el("p", { class: "muted" }, "A record and its chats, exactly as imopenlines.crm.chat.get answers for it."),
    el("form", { class: "bar", role: "search", onsubmit: (event) => {
      event.preventDefault();
      location.hash = "#crm/" + typeSelect.value + "/" + idInput.value;
    } },
      el("label", {}, "Type", typeSelect), el("label", {}, "Id", idInput),
      el("button", { type: "submit" }, "Show")),
    result);
  if (!id) return;
  try {
    const body = await getJson("crm/" + encodeURIComponent(kind) + "/" + encodeURIComponent(id));
    const record = body.record;
    result.replaceChildren(
      el("h2", {}, kind + " " + id + (record ? " · " + record.title : " (no such record)")),
      record ? el("dl", {},
        el("dt", {}, "Title"), el("dd", { id: "crm-title" }, record.title),
        el("dt", {}, "Responsible"), el("dd", {}, record.assigned_by_id === null ? "—" : "user " + record.assigned_by_id),
        el("dt", {}, "Opened to all"), el("dd", {}, record.opened ? "yes" : "no")) : "",
      el("h2", {}, "Chats, ACTIVE_ONLY=Y"), el("div", { id: "chats-active" }, chatLinks(body.chats.Y)),
      el("pre", { "aria-label": "Answer with ACTIVE_ONLY=Y" }, JSON.stringify(body.chats.Y, null, 2)),
      el("h2", {}, "Chats, ACTIVE_ONLY=N"), el("div", { id: "chats-all" }, chatLinks(body.chats.N)),
      el("pre", { "aria-label": "Answer with ACTIVE_ONLY=N" }, JSON.stringify(body.chats.N, null, 2)));
  } catch (error) { result.replaceChildren(el("p", { class: "error" }, error.message)); }
}

// ---------- Chats ----------

async function pageChats(args) {
  if (args[0]) return pageChat(args[0]);
  const after = Number(args[1] || 0);
  const search = el("input", { id: "chat-search", type: "number", min: "1" });
  const list = el("div", { id: "chat-list" });
  setPage("Chats",
    el("form", { class: "bar", role: "search", onsubmit: (event) => {
      event.preventDefault(); location.hash = "#chats/" + search.value;
    } }, el("label", {}, "Chat id", search), el("button", { type: "submit" }, "Open")),
    list);
  try {
    const body = await getJson("chats?after=" + after);
    list.replaceChildren(
      table(["Id", "Title", "Connector", "Line", "User code"], body.chats.map((chat) => el("tr", {},
        el("td", {}, el("a", { href: "#chats/" + chat.id }, String(chat.id))),
        el("td", {}, chat.title), el("td", { class: "mono" }, chat.connector_id),
        el("td", {}, String(chat.line_id)), el("td", { class: "mono" }, chat.user_code))), "Chats"),
      pager("#chats//", after, body.next));
  } catch (error) { list.replaceChildren(el("p", { class: "error" }, error.message)); }
}

function pager(base, after, next) {
  return el("p", { class: "bar" },
    after ? el("a", { href: base }, "First page") : "",
    next !== null && next !== undefined ? el("a", { href: base + encodeURIComponent(next), id: "next-page" }, "Next page") : el("span", { class: "muted" }, "End of the list."));
}

async function pageChat(id) {
  setPage("Chat " + id, el("p", { class: "muted" }, "Loading…"));
  try {
    const body = await getJson("chats/" + encodeURIComponent(id));
    const chat = body.chat;
    setPage("Chat " + chat.id,
      el("dl", {},
        el("dt", {}, "Title"), el("dd", { id: "chat-title" }, chat.title),
        el("dt", {}, "Connector"), el("dd", { class: "mono" }, chat.connector_id),
        el("dt", {}, "Line"), el("dd", {}, String(chat.line_id)),
        el("dt", {}, "User code"), el("dd", { class: "mono" }, chat.user_code)),
      el("h2", {}, "Sessions, newest first"),
      table(["Session", "Status", "Operator", "Started", "Changed", "CRM"], body.sessions.map((s) => el("tr", {},
        el("td", {}, String(s.id)),
        el("td", {}, el("span", { class: "mono" }, String(s.status)), " ", s.status_name),
        el("td", {}, s.operator_id === null ? "—" : "user " + s.operator_id),
        el("td", {}, when(s.created_at)), el("td", {}, when(s.modified_at)),
        el("td", {}, s.crm.map((r) => el("a", { href: "#crm/" + r.type + "/" + r.id }, r.type + " " + r.id + " "))))), "Sessions"));
  } catch (error) { setPage("Chat " + id, el("p", { class: "error" }, error.message)); }
}

// ---------- Users ----------

async function pageUsers(args) {
  const after = Number(args[0] || 0);
  setPage("Users", el("p", { class: "muted" }, "Loading…"));
  try {
    const body = await getJson("users?after=" + after);
    const jump = el("input", { id: "user-search", type: "number", min: "1" });
    setPage("Users",
      el("form", { class: "bar", role: "search", onsubmit: (event) => {
        event.preventDefault(); location.hash = "#users/" + Math.max(0, Number(jump.value) - 1);
      } }, el("label", {}, "From user id", jump), el("button", { type: "submit" }, "Show")),
      table(["Id", "Name", "Admin", "Active", "Department", "CRM read rights"], body.users.map((u) => el("tr", {},
        el("td", {}, String(u.id)), el("td", {}, u.name), el("td", {}, u.is_admin ? "yes" : "no"),
        el("td", {}, u.active ? "yes" : "no"),
        el("td", {}, u.department === null ? "—" : u.department + " (" + u.department_id + ")"),
        el("td", { class: "mono" }, Object.entries(u.crm_read).map(([k, v]) => k + ": " + v).join(", ") || "—"))), "Users"),
      pager("#users/", after, body.next));
  } catch (error) { say(error.message, true); }
}

// ---------- Credentials, connectors, lines ----------

async function pageCredentials() {
  const userInput = el("input", { id: "hook-user", type: "number", min: "1", value: "1", required: true });
  const scopesInput = el("input", { id: "hook-scopes", value: "imopenlines,crm", required: true });
  const shown = el("div", { id: "hook-created", "aria-live": "polite" });
  const sections = el("div", {});
  setPage("Credentials",
    el("h2", {}, "Add a webhook"),
    el("form", { class: "bar", onsubmit: async (event) => {
      event.preventDefault();
      try {
        const made = await postJson("webhooks/new", { user_id: Number(userInput.value), scopes: scopesInput.value });
        shown.replaceChildren(el("div", { class: "once" },
          el("p", {}, "Webhook " + made.id + " created. Its URL is shown only this once:"),
          el("pre", { id: "hook-url" }, made.url)));
        loadCredentialTables(sections);
      } catch (error) { shown.replaceChildren(el("p", { class: "error" }, error.message)); }
    } },
      el("label", {}, "User id", userInput), el("label", {}, "Scopes", scopesInput),
      el("button", { type: "submit", id: "hook-add" }, "Add webhook")),
    shown, sections);
  loadCredentialTables(sections);
}

async function loadCredentialTables(target) {
  try {
    const [hooks, tokens, connectors, lines] = await Promise.all([
      getJson("webhooks?limit=200"), getJson("tokens?limit=200"), getJson("connectors?limit=200"), getJson("lines?limit=200")]);
    target.replaceChildren(
      el("h2", {}, "Webhooks"),
      el("p", { class: "muted" }, "Codes are kept only as hashes; the fingerprint is the start of the hash."),
      table(["Id", "User", "Scopes", "Created", "State", "Fingerprint", ""], hooks.webhooks.map((h) => el("tr", {},
        el("td", {}, String(h.id)), el("td", {}, String(h.user_id)), el("td", { class: "mono" }, h.scopes),
        el("td", {}, when(h.created_at)),
        el("td", {}, h.revoked ? "revoked" : (h.expires_at && h.expires_at * 1000 < Date.now() ? "expired" : "live")),
        el("td", { class: "mono" }, h.fingerprint),
        el("td", {}, h.revoked ? "" : el("button", { class: "danger", "aria-label": "Revoke webhook " + h.id, onclick: async () => {
          try { await postJson("webhooks/" + h.id + "/revoke"); loadCredentialTables(target); } catch (error) { say(error.message, true); }
        } }, "Revoke")))), "Webhooks"),
      el("h2", {}, "OAuth tokens"),
      el("p", { class: "muted" }, "\u201cExpire now\u201d makes the token's next call answer 401 expired_token, so a client's refresh can be tested."),
      table(["Fingerprint", "User", "Application", "Scopes", "Expires", "State", ""], tokens.tokens.map((t) => el("tr", {},
        el("td", { class: "mono" }, t.fingerprint), el("td", {}, String(t.user_id)), el("td", { class: "mono" }, t.client_id || "—"),
        el("td", { class: "mono" }, t.scopes), el("td", {}, when(t.expires_at)), el("td", {}, t.expired ? "expired" : "live"),
        el("td", {}, t.expired ? "" : el("button", { class: "quiet", "aria-label": "Expire token " + t.fingerprint + " now", "data-token": t.fingerprint, onclick: async () => {
          try { await postJson("tokens/expire", { token: t.scope.token }); say("Token " + t.fingerprint + " expired."); loadCredentialTables(target); }
          catch (error) { say(error.message, true); }
        } }, "Expire now")))), "OAuth tokens"),
      el("h2", {}, "Connectors"),
      table(["Id", "Title", "Active"], connectors.connectors.map((c) => el("tr", {},
        el("td", { class: "mono" }, c.id), el("td", {}, c.title), el("td", {}, c.active ? "yes" : "no"))), "Connectors"),
      el("h2", {}, "Open lines"),
      table(["Id", "Name", "Active"], lines.lines.map((l) => el("tr", {},
        el("td", {}, String(l.id)), el("td", {}, l.name), el("td", {}, l.active ? "yes" : "no"))), "Open lines"));
  } catch (error) { target.replaceChildren(el("p", { class: "error" }, error.message)); }
}

// ---------- Faults and reset ----------

/** The fields each fault kind takes: [name, label, type, default]. */
const FAULT_KINDS = {
  query_limit: ["Rate limit after N calls (503 QUERY_LIMIT_EXCEEDED)", [["after_calls", "After calls", "number", 0]]],
  operation_time_limit: ["Operating-time limit (429 OPERATION_TIME_LIMIT)", [["method", "Method", "text", "imopenlines.crm.chat.get"]]],
  latency: ["Latency", [["min_ms", "Min ms", "number", 200], ["max_ms", "Max ms", "number", 500]]],
  internal_error: ["500 for the next N calls", [["method", "Method", "text", "imopenlines.crm.chat.get"], ["count", "Count", "number", 1]]],
  redirect: ["302 to another portal", [["new_base", "New base URL", "url", "https://moved.example"]]],
};

function describeFault(fault) {
  const { id, kind, scope, seen, ...fields } = fault;
  const label = (FAULT_KINDS[kind] || [kind])[0];
  return label + " " + JSON.stringify(fields);
}

function describeScope(scope, credentials) {
  if (scope === "global") return "everyone";
  const match = credentials.find((c) => JSON.stringify(c.scope) === JSON.stringify(scope));
  return match ? match.label : JSON.stringify(scope).slice(0, 40);
}

async function pageSteering() {
  const kindSelect = el("select", { id: "fault-kind" }, Object.entries(FAULT_KINDS).map(([kind, [label]]) =>
    el("option", { value: kind }, label)));
  const fields = el("span", { class: "bar" });
  const scopeSelect = el("select", { id: "fault-scope" }, el("option", { value: "global" }, "everyone"));
  const list = el("div", { id: "fault-list" });
  const renderFields = () => {
    fields.replaceChildren(...FAULT_KINDS[kindSelect.value][1].map(([name, label, type, value]) =>
      el("label", {}, label, el("input", { name, type, value, "data-type": type, id: "fault-" + name.replace("_", "-") }))));
  };
  kindSelect.addEventListener("change", renderFields);
  renderFields();
  let credentials = [];
  const refresh = async () => {
    try {
      const body = await getJson("faults");
      list.replaceChildren(body.faults.length === 0 ? el("p", { class: "muted", id: "no-faults" }, "No fault is switched on.") :
        table(["Id", "Fault", "Applies to", "Calls seen", ""], body.faults.map((f) => el("tr", {},
          el("td", {}, String(f.id)), el("td", { class: "mono" }, describeFault(f)),
          el("td", {}, describeScope(f.scope, credentials)), el("td", {}, String(f.seen)),
          el("td", {}, el("button", { class: "quiet", "aria-label": "Switch fault " + f.id + " off", onclick: async () => {
            try { await postJson("faults/" + f.id + "/delete"); refresh(); } catch (error) { say(error.message, true); }
          } }, "Switch off")))), "Faults switched on"));
    } catch (error) { say(error.message, true); }
  };
  setPage("Faults & reset",
    el("h2", {}, "Switch a fault on"),
    el("form", { class: "bar", onsubmit: async (event) => {
      event.preventDefault();
      const fault = { kind: kindSelect.value, scope: JSON.parse(scopeSelect.value === "global" ? '"global"' : scopeSelect.value) };
      for (const input of fields.querySelectorAll("input")) {
        fault[input.name] = input.dataset.type === "number" ? Number(input.value) : input.value;
      }
      try { const made = await postJson("faults", fault); say("Fault " + made.id + " is on."); refresh(); }
      catch (error) { say(error.message, true); }
    } },
      el("label", {}, "Fault", kindSelect), fields, el("label", {}, "Applies to", scopeSelect),
      el("button", { type: "submit", id: "fault-add" }, "Switch on")),
    el("h2", {}, "Switched on"), list,
    el("p", { class: "bar" },
      el("button", { class: "quiet", id: "faults-clear", onclick: async () => {
        try { await postJson("faults/clear"); refresh(); } catch (error) { say(error.message, true); }
      } }, "Switch every fault off")),
    el("h2", {}, "Data"),
    el("p", {}, "Put the data back as it was loaded at start (the demo or fixtures). Faults and the journal stay."),
    el("button", { class: "danger", id: "reset", onclick: async () => {
      try { const done = await postJson("reset"); say("Data reset to the start state (" + done.tables + " tables)."); }
      catch (error) { say(error.message, true); }
    } }, "Reset data"));
  try {
    const [hooks, tokens] = await Promise.all([getJson("webhooks?limit=200"), getJson("tokens?limit=200")]);
    credentials = hooks.webhooks.filter((h) => !h.revoked).map((h) => ({ scope: h.scope, label: "webhook " + h.id + " (user " + h.user_id + ")" }))
      .concat(tokens.tokens.map((t) => ({ scope: t.scope, label: "token " + t.fingerprint + " (user " + t.user_id + ")" })));
    for (const c of credentials) scopeSelect.append(el("option", { value: JSON.stringify(c.scope) }, c.label));
  } catch (error) { say(error.message, true); }
  refresh();
}

// ---------- routing ----------

const PAGES = { calls: pageCalls, crm: pageCrm, chats: pageChats, users: pageUsers, credentials: pageCredentials, steering: pageSteering };

function route() {
  const [name, ...args] = (location.hash.slice(1) || "calls").split("/");
  const page = PAGES[name] ? name : "calls";
  if (page !== "calls" && calls.source) { calls.source.close(); calls.source = null; }
  for (const link of document.querySelectorAll("nav a")) {
    if (link.dataset.page === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  say("");
  PAGES[page](args.map(decodeURIComponent));
}

async function start() {
  try {
    csrf = (await getJson("session")).csrf;
    document.getElementById("signout-csrf").value = csrf;
  } catch (error) { say(error.message, true); return; }
  window.addEventListener("hashchange", route);
  route();
}

start();
