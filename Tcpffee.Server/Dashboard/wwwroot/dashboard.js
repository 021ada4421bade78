"use strict";
// The tcpffee dashboard: reads the public /api/v1 routes every few seconds and draws what they say; the buttons call
// the admin routes. Rates and the 5-minute charts are computed here, between refreshes, and live only in this page.
(() => {
  const api = "/api/v1/";
  const params = new URLSearchParams(location.search);
  // ?refresh=MS shortens the interval (tests); anything unreadable or below 100 ms falls back to the default.
  const refreshMs = Number(params.get("refresh")) >= 100 ? Number(params.get("refresh")) : 2000;
  const historyMs = 5 * 60 * 1000;
  const pageSize = 20;
  const tokenKey = "tcpffee.apiToken";
  const reasons = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 503: "Service Unavailable" };

  const history = new Map();
  // When each group's state was first drawn: the time (for the tooltip) and the refresh's number.
  const since = new Map();
  let previous = null;
  let timer = null;
  let running = false;
  let again = false;
  let refreshes = 0;
  let offlineSince = null;
  let stickOffset = 0;
  let stickGroup = "";
  let stickSearch = "";

  const $ = (id) => document.getElementById(id);

  /** Builds an element; attributes starting with "data-" go to the dataset, children are nodes or text. */
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") element.className = value;
      else element.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : String(child));
    }
    return element;
  }

  /**
   * Redraws a table body keyed row by row: a row whose key was drawn before stays the same element, and so does its
   * actions cell while its buttons are the same, so a button pressed while a refresh redraws the table still receives
   * the click. Rows without a key (the "none" rows) are dropped.
   */
  function keyedRows(body, rows) {
    const drawn = new Map([...body.rows].filter((r) => r.dataset.row !== undefined).map((r) => [r.dataset.row, r]));
    body.replaceChildren(...rows.map((fresh) => {
      const old = drawn.get(fresh.dataset.row);
      if (!old) return fresh;
      for (const name of old.getAttributeNames()) if (!fresh.hasAttribute(name)) old.removeAttribute(name);
      for (const name of fresh.getAttributeNames()) old.setAttribute(name, fresh.getAttribute(name));
      const actions = old.querySelector(":scope > td.actions");
      old.replaceChildren(...[...fresh.cells].map((cell) =>
        actions && cell.classList.contains("actions") && cell.innerHTML === actions.innerHTML ? actions : cell));
      return old;
    }));
  }

  function show(element, text, kind) {
    element.hidden = !text;
    element.textContent = text || "";
    if (kind) element.className = "banner " + kind;
  }

  const number = (n) => n === null || n === undefined ? "–" : Math.round(n).toLocaleString("en-US");

  function bytes(n) {
    if (n === null || n === undefined) return "–";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return (i === 0 ? Math.round(n) : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
  }

  function duration(seconds) {
    seconds = Math.floor(seconds);
    const d = Math.floor(seconds / 86400), hours = Math.floor(seconds / 3600) % 24, m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return d > 0 ? `${d}d ${hours}h ${m}m` : hours > 0 ? `${hours}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
  }

  /** "12 s ago" or "in 40 s", with the exact time as the tooltip. */
  function when(iso) {
    if (!iso) return null;
    const at = new Date(iso);
    const delta = (at.getTime() - Date.now()) / 1000;
    const text = Math.abs(delta) < 1 ? "now" : delta < 0 ? duration(-delta) + " ago" : "in " + duration(delta);
    return h("span", { title: at.toISOString() }, text);
  }

  async function get(path) {
    let response;
    try {
      response = await fetch(api + path, { cache: "no-store" });
    } catch {
      throw new Error("no answer");
    }
    if (!response.ok) throw new Error(`${path || "summary"}: ${await refusal(response)}`);
    return response.json();
  }

  /** The status in words and the problem-details detail of a refused request. */
  async function refusal(response) {
    let detail = "";
    try {
      const body = await response.json();
      detail = body.detail || body.title || "";
    } catch {
      detail = "";
    }
    const status = `${response.status} ${reasons[response.status] || response.statusText || ""}`.trim();
    return detail ? `${status}: ${detail}` : status;
  }

  async function stickTable() {
    if (stickSearch) {
      const response = await fetch(api + "stick-table/" + encodeURIComponent(stickSearch), { cache: "no-store" });
      if (response.status === 404 || response.status === 400) return { searched: stickSearch, missing: await refusal(response), entries: [] };
      if (!response.ok) throw new Error(`stick table: ${await refusal(response)}`);
      return { searched: stickSearch, entries: [await response.json()] };
    }
    const group = stickGroup === "" ? "" : `&group=${stickGroup}`;
    return get(`stick-table?limit=${pageSize}&offset=${stickOffset}${group}`);
  }

  async function refresh() {
    if (running) { again = true; return; }
    running = true;
    clearTimeout(timer);
    timer = null;
    try {
      const [summary, groups, cluster, stick] = await Promise.all([get(""), get("groups"), get("cluster"), stickTable()]);
      offlineSince = null;
      show($("offline-banner"), null);
      renderSummary(summary);
      renderGroups(groups, Date.now());
      renderCluster(cluster);
      renderStick(stick);
    } catch (error) {
      offlineSince = offlineSince || new Date();
      show($("offline-banner"),
        `The proxy is not answering (since ${offlineSince.toLocaleTimeString()}: ${error.message}). ` +
        `What you see is what it said last; trying again every ${refreshMs / 1000} s.`);
    } finally {
      running = false;
    }
    refreshes++;
    document.body.dataset.refreshes = String(refreshes);
    if (again) { again = false; refresh(); return; }
    schedule();
  }

  function schedule() {
    if (document.visibilityState === "hidden") {
      $("status").textContent = "Paused while this tab is hidden.";
      return;
    }
    $("status").textContent = `Refreshed at ${new Date().toLocaleTimeString()}, every ${refreshMs / 1000} s.`;
    timer = setTimeout(refresh, refreshMs);
  }

  function renderSummary(s) {
    const items = [
      ["version", s.version], ["node", s.node], ["uptime", duration(s.uptimeSeconds)], ["role", s.clusterRole],
      ["ports", s.ports.join(", ")], ["open", number(s.totals.openConnections)], ["accepted", number(s.totals.accepted)],
      ["rejected", number(s.totals.rejected)], ["stick entries", number(s.stickTableEntries)], ["config", s.configPath],
    ];
    $("summary").replaceChildren(...items.map(([name, value]) => h("div", { "data-field": name }, h("dt", null, name), h("dd", null, value))));
    const reload = s.lastReload;
    $("reload").replaceChildren(reload
      ? h("span", { class: reload.applied ? "yes" : "no" },
        "Last reload, ", when(reload.at), `: ${reload.applied ? "applied" : "refused"}: ${reload.summary}`,
        reload.errors.length ? h("ul", null, reload.errors.map((e) => h("li", null, e))) : null)
      : h("span", { class: "muted" }, "No reload since start."));
  }

  /** Why a group is in its state: its config, its health checks, an operator's override. */
  function why(g) {
    const out = [];
    if (g.configuredState !== "Up") out.push(`config: ${g.configuredState === "Draining" ? "drain" : "disabled"}`);
    if (g.runtimeOverride) out.push(`override: ${g.runtimeOverride.toLowerCase()} (API)`);
    if (g.healthState !== "Up") {
      const down = g.healthChecks.filter((c) => c.fallAction !== "Up" && (c.clusterVerdict === null ? !c.up : !c.clusterVerdict));
      out.push(...(down.length
        ? down.map((c) => `health check #${c.index} down${c.lastMessage ? ": " + c.lastMessage : ""}`)
        : [`health: ${g.healthState.toLowerCase()}`]));
    }
    return out.length ? out.map((r) => h("span", { class: "reason" }, r)) : h("span", { class: "muted" }, "–");
  }

  function checks(g) {
    if (!g.healthChecks.length) return h("span", { class: "muted" }, "none");
    return g.healthChecks.map((c) => {
      const up = c.clusterVerdict === null ? c.up : c.clusterVerdict;
      const votes = c.votes ? ` votes ${c.votes.map((v) => v === null ? "·" : v ? "▲" : "▼").join("")}` : "";
      const last = c.lastPassed === null ? "not run yet" : `${c.lastPassed ? "passed" : "failed"}${c.lastMessage ? " (" + c.lastMessage + ")" : ""}`;
      return h("span", { class: `check ${up ? "check-up" : "check-down"}`, title: `${c.kind} → ${c.targets.join(", ")}; falls to ${c.fallAction}` },
        `#${c.index} ${c.kind} ${up ? "up" : "down"}${votes}: ${last} `, when(c.lastResultAt));
    });
  }

  function state(g) {
    const effective = g.effectiveState.toLowerCase();
    const seen = since.get(g.id);
    if (!seen || seen.state !== effective) since.set(g.id, { state: effective, at: new Date(), refresh: refreshes + 1 });
    const { at, refresh } = since.get(g.id);
    let progress = null;
    if (g.drained === true) progress = h("span", { class: "progress drained" }, "drained: safe to remove");
    else if (g.drained === false) progress = h("span", { class: "progress" }, `${number(g.stickEntries)} entries, ${number(g.openConnections)} open left`);
    return h("td", { class: `state state-${effective}`, "data-state": effective, "data-since-refresh": refresh, title: `${effective} since ${at.toLocaleTimeString()}` },
      effective, progress);
  }

  /** Rates since the last refresh, and the samples of the last 5 minutes for the charts. */
  function rates(groups, now) {
    const seconds = previous ? (now - previous.at) / 1000 : 0;
    const result = new Map();
    for (const g of groups) {
      const before = previous && previous.groups.get(g.id);
      const rate = (a, b) => before && seconds > 0 ? Math.max(0, (a - b) / seconds) : null;
      const r = { connections: rate(g.totalConnections, before && before.totalConnections), up: rate(g.bytesUp, before && before.bytesUp), down: rate(g.bytesDown, before && before.bytesDown) };
      result.set(g.id, r);
      const samples = history.get(g.id) || [];
      if (r.connections !== null) samples.push({ at: now, connections: r.connections, bytes: r.up + r.down });
      while (samples.length && samples[0].at < now - historyMs) samples.shift();
      history.set(g.id, samples);
    }
    previous = { at: now, groups: new Map(groups.map((g) => [g.id, g])) };
    return result;
  }

  /** A small line chart of one series over the last 5 minutes, with its latest value written in the corner. */
  function chart(samples, field, format, colour, now) {
    const width = 110, height = 30, scale = window.devicePixelRatio || 1;
    const canvas = h("canvas", { width: width * scale, height: height * scale, "aria-label": field });
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    const c = canvas.getContext("2d");
    c.scale(scale, scale);
    c.fillStyle = "#f3f3f3";
    c.fillRect(0, 0, width, height);
    const max = Math.max(1, ...samples.map((s) => s[field]));
    const x = (at) => width - ((now - at) / historyMs) * width;
    const y = (v) => height - 2 - (v / max) * (height - 12);
    if (samples.length > 1) {
      c.beginPath();
      samples.forEach((s, i) => i === 0 ? c.moveTo(x(s.at), y(s[field])) : c.lineTo(x(s.at), y(s[field])));
      c.strokeStyle = colour;
      c.lineWidth = 1.5;
      c.stroke();
    }
    c.fillStyle = "#333";
    c.font = "10px sans-serif";
    const latest = samples.length ? samples[samples.length - 1][field] : null;
    const peak = Math.max(0, ...samples.map((s) => s[field]));
    c.fillText(latest === null ? "–" : `${format(latest)}${peak > latest ? ", peak " + format(peak) : ""}`, 3, 10);
    return canvas;
  }

  function renderGroups(groups, now) {
    const r = rates(groups, now);
    const rows = groups.map((g) => {
      const rate = r.get(g.id);
      const samples = history.get(g.id);
      const action = (name, label) => h("button", { type: "button", "data-action": name, "data-group": g.id }, label);
      return h("tr", { id: `group-${g.id}`, "data-group": g.id, "data-row": g.id },
        h("td", { title: g.portmap.map((p) => `${p.port} → ${p.backend}`).join("\n") }, h("b", null, g.id),
          h("span", { class: "reason muted" }, g.portmap.map((p) => p.backend).join(", "))),
        state(g),
        h("td", { class: "why" }, why(g)),
        h("td", { class: "checks" }, checks(g)),
        h("td", { class: "num", "data-field": "entries" }, number(g.stickEntries)),
        h("td", { class: "num", "data-field": "open" }, number(g.openConnections)),
        h("td", { class: "num", "data-field": "total" }, number(g.totalConnections)),
        h("td", { class: "num" }, rate.up === null ? "–" : bytes(rate.up) + "/s"),
        h("td", { class: "num" }, rate.down === null ? "–" : bytes(rate.down) + "/s"),
        h("td", null, chart(samples, "connections", (v) => v.toFixed(v < 10 ? 1 : 0), "#1f5fbf", now)),
        h("td", null, chart(samples, "bytes", (v) => bytes(v), "#c2570c", now)),
        h("td", { class: "actions" }, action("drain", "Drain"), " ", action("disable", "Disable"), " ", action("enable", "Enable")));
    });
    keyedRows($("groups").tBodies[0], rows);
    if (!groups.length) $("groups").tBodies[0].append(h("tr", null, h("td", { colspan: 12, class: "muted" }, "No groups are configured.")));
    const select = $("stick-group");
    const wanted = ["", ...groups.map((g) => String(g.id))];
    if ([...select.options].map((o) => o.value).join() !== wanted.join()) {
      select.replaceChildren(...wanted.map((v) => h("option", { value: v }, v === "" ? "all" : v)));
      select.value = wanted.includes(stickGroup) ? stickGroup : "";
    }
  }

  function renderCluster(cluster) {
    show($("fallback-banner"), cluster.fallback
      ? "No majority: this proxy is cut off from most of its peers and decides alone (fallback). Known clients follow its replica, " +
        "new clients go by a hash of their key over the groups it sees up, health follows its own checks."
      : null);
    const single = cluster.mode === "single node";
    $("raft-groups").hidden = single;
    $("peers").hidden = single;
    const self = cluster.peers.find((p) => p.self);
    $("cluster-mode").textContent = single
      ? "Single node: no [[peers]] are configured."
      : `Cluster of ${cluster.peers.length} proxies; this is peer ${cluster.nodeIndex}${self ? " (" + self.host + ")" : ""}.`;
    const peerOf = (endpoint) => cluster.peers.find((p) => endpoint && endpoint.startsWith(p.address + ":"));
    $("raft-groups").tBodies[0].replaceChildren(...cluster.raftGroups.map((g) => {
      const peer = peerOf(g.leader);
      return h("tr", { "data-raft-group": g.name },
        h("td", null, g.name),
        h("td", { class: g.leader ? "leader" : "leader no" },
          g.leader ? `${g.leader}${peer ? ` = peer ${peer.index}` : ""}${g.isLeader ? " (this proxy)" : ""}` : "none (election, or no majority)"),
        h("td", { class: "num" }, number(g.term)), h("td", { class: "num" }, number(g.commitIndex)), h("td", { class: "num" }, number(g.appliedIndex)),
        h("td", { class: g.fallback ? "no" : "muted" }, g.fallback ? "yes" : "no"));
    }));
    $("peers").tBodies[0].replaceChildren(...cluster.peers.map((p) => h("tr", { "data-peer": p.index },
      h("td", null, p.index, p.self ? " (this proxy)" : ""), h("td", null, p.host), h("td", null, p.address),
      h("td", { class: p.reachable ? "yes" : "no" }, p.reachable ? "yes" : "no"),
      h("td", null, p.self ? "–" : when(p.lastContact) || "never"))));
  }

  function renderStick(stick) {
    const body = $("stick").tBodies[0];
    keyedRows(body, stick.entries.map((e) => h("tr", { "data-key": e.key, "data-row": e.key },
      h("td", null, e.key), h("td", null, e.clientIp), h("td", null, e.slice ?? (e.sliceHex ? "0x" + e.sliceHex : "")),
      h("td", { class: "num" }, e.group), h("td", { class: "num" }, e.openConnections),
      h("td", null, e.lastActivity ? when(e.lastActivity) : "open now"), h("td", null, e.expiresAt ? when(e.expiresAt) : "while open"),
      h("td", { class: "actions" }, h("button", { type: "button", "data-action": "forget", "data-key": e.key }, "Forget")))));
    if (!stick.entries.length) {
      body.append(h("tr", null, h("td", { colspan: 8, class: "muted" }, stick.missing ? `No entry: ${stick.missing}` : "No entries.")));
    }
    const searching = stick.searched !== undefined;
    $("stick-prev").disabled = searching || stickOffset === 0;
    $("stick-next").disabled = searching || stickOffset + pageSize >= stick.total;
    $("stick-position").textContent = searching
      ? `key ${stick.searched}`
      : stick.total ? `${stickOffset + 1}–${Math.min(stickOffset + pageSize, stick.total)} of ${number(stick.total)}` : "0 of 0";
  }

  async function admin(method, path, what) {
    const headers = {};
    const token = sessionStorage.getItem(tokenKey);
    if (token) headers.Authorization = "Bearer " + token;
    try {
      const response = await fetch(api + path, { method, headers });
      if (response.ok) {
        show($("message"), `${what}: done.`, "ok");
      } else {
        const hint = response.status === 401 ? " Type the admin token at the top right." : "";
        show($("message"), `${what} refused: ${await refusal(response)}${hint}`, "error");
      }
    } catch {
      show($("message"), `${what}: the proxy did not answer.`, "error");
    }
    refresh();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const { action, group, key } = button.dataset;
    if (action === "forget") admin("DELETE", "stick-table/" + encodeURIComponent(key), `Forget ${key}`);
    else admin("POST", `groups/${group}/${action}`, `${action[0].toUpperCase()}${action.slice(1)} group ${group}`);
  });

  function tokenState() {
    $("token-state").textContent = sessionStorage.getItem(tokenKey) ? "token kept for this tab" : "no token";
  }

  function keepToken() {
    const value = $("token").value.trim();
    if (value) sessionStorage.setItem(tokenKey, value);
    $("token").value = "";
    tokenState();
  }

  $("token-keep").addEventListener("click", keepToken);
  $("token").addEventListener("keydown", (e) => { if (e.key === "Enter") keepToken(); });
  $("token-forget").addEventListener("click", () => { sessionStorage.removeItem(tokenKey); tokenState(); });

  function findStick() {
    stickSearch = $("stick-search").value.trim();
    stickOffset = 0;
    refresh();
  }

  $("stick-find").addEventListener("click", findStick);
  $("stick-search").addEventListener("keydown", (e) => { if (e.key === "Enter") findStick(); });
  $("stick-search").addEventListener("search", findStick);
  $("stick-group").addEventListener("change", (e) => { stickGroup = e.target.value; stickOffset = 0; refresh(); });
  $("stick-prev").addEventListener("click", () => { stickOffset = Math.max(0, stickOffset - pageSize); refresh(); });
  $("stick-next").addEventListener("click", () => { stickOffset += pageSize; refresh(); });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      refresh();
    } else {
      clearTimeout(timer);
      timer = null;
      // A refresh under way says so itself when it ends, and does not schedule the next.
      if (!running) $("status").textContent = "Paused while this tab is hidden.";
    }
  });

  tokenState();
  refresh();
})();
