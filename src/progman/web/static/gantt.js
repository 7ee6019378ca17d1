/* The Gantt chart of a program (templates/gantt.html): dhtmlx-gantt fed by
 * /programs/{key}/gantt/data. Every edit goes through the REST API (session cookie, the
 * page's CSRF token, the item's version as If-Match); the API re-schedules and answers
 * what moved, which is painted at once and highlighted, then the whole feed is read again
 * for the floats and flags of everything else. No scheduling happens here. */
(function () {
  "use strict";
  const box = document.getElementById("gantt");
  const key = box.dataset.program;
  const editable = box.dataset.editable === "true";
  const csrf = box.dataset.csrf;
  const api = "/api/v1/programs/" + encodeURIComponent(key);
  const LINK_NAMES = ["FS", "SS", "FF", "SF"];
  const LARGE = 3000; // rows
  const notice = document.getElementById("gantt-notice");
  const problem = document.getElementById("gantt-error");
  let feed = null; // the last feed: program, columns, resources…
  let allLinks = []; // every link of the feed; the chart holds those between shown rows
  let moved = new Set(); // ids the last edit moved: highlighted
  let baseline = "";
  let quiet = false; // adding a link the server accepted: not an edit of its own
  let shown = null; // the task in the side panel

  // -- dates: wall-clock text of the program's time zone, shown as it is ------------------
  function parse(text) {
    if (!text) return null;
    const [day, time] = text.split("T");
    const [y, m, d] = day.split("-").map(Number);
    const [h, mi] = (time || "00:00").split(":").map(Number);
    return new Date(y, m - 1, d, h, mi);
  }
  function iso(when) {
    const pad = (n) => String(n).padStart(2, "0");
    return when.getFullYear() + "-" + pad(when.getMonth() + 1) + "-" + pad(when.getDate());
  }
  function shown_date(when) {
    return when ? iso(when) : "—";
  }
  function days(value) {
    if (value === null || value === undefined) return "—";
    return String(value).replace("-", "−") + " d";
  }
  function workingDays(first, last) {
    // working days from the day of `first` to the day of `last`, both counted
    const workdays = feed.program.workdays; // monday first
    const holidays = new Set(feed.program.holidays);
    let count = 0;
    const day = new Date(first.getFullYear(), first.getMonth(), first.getDate());
    while (day <= last) {
      if (workdays[(day.getDay() + 6) % 7] && !holidays.has(iso(day))) count += 1;
      day.setDate(day.getDate() + 1);
    }
    return count;
  }

  // -- the chart --------------------------------------------------------------------------
  gantt.plugins({ keyboard_navigation: true, tooltip: true });
  gantt.config.smart_rendering = true;
  gantt.config.static_background = true;
  gantt.config.show_errors = false;
  gantt.config.readonly = !editable;
  gantt.config.drag_progress = false;
  gantt.config.drag_links = editable;
  gantt.config.details_on_dblclick = false;
  gantt.config.round_dnd_dates = true;
  gantt.config.time_step = 24 * 60;
  gantt.config.row_height = 30;
  gantt.config.bar_height = 16;
  gantt.config.grid_width = 506;
  gantt.config.keyboard_navigation_cells = false; // rows: ↑ ↓, Shift+↓ opens, Enter the panel
  gantt.config.columns = [
    { name: "text", label: "Task", tree: true, width: 200, resize: true,
      template: (t) => escapeHtml(t.text) }, // dhtmlx writes a cell as HTML,
    { name: "start_date", label: "Start", align: "center", width: 108,
      template: (t) => shown_date(t.start_date),
      editor: editable ? { type: "date", map_to: "start_date" } : undefined },
    { name: "duration_text", label: "Duration", align: "right", width: 64,
      template: (t) => t.duration_text || "",
      editor: editable ? { type: "text", map_to: "duration_text" } : undefined },
    { name: "float", label: "Float", align: "right", width: 66,
      template: (t) => (t.kind === "project" ? "" : days(t.total_float) + mark(t)) },
  ];
  function mark(task) {
    if (task.critical) return " !";
    if (task.near_critical) return " ≈";
    return "";
  }
  gantt.templates.task_class = function (start, end, task) {
    const css = [];
    if (task.critical) css.push("critical");
    else if (task.near_critical) css.push("near-critical");
    if (task.summary) css.push("summary");
    if (moved.has(task.id)) css.push("moved");
    return css.join(" ");
  };
  gantt.templates.grid_row_class = (start, end, task) => (moved.has(task.id) ? "moved" : "");
  gantt.templates.task_text = function (start, end, task) {
    const sign = task.critical ? "! " : task.near_critical ? "≈ " : "";
    return task.milestone ? "" : sign + escapeHtml(task.text);
  };
  gantt.templates.rightside_text = (start, end, task) =>
    task.milestone ? (task.critical ? "! " : "") + escapeHtml(task.id) : "";
  gantt.templates.tooltip_text = function (start, end, task) {
    return "<b>" + escapeHtml(task.id) + "</b> " + escapeHtml(task.text) + "<br>" +
      shown_date(task.start_date) + " → " + shown_date(task.end_date) +
      (task.kind === "project" ? "" : "<br>float " + days(task.total_float) +
        (task.critical ? " (critical)" : task.near_critical ? " (near-critical)" : ""));
  };
  gantt.templates.link_class = (link) => (link.lag && link.lag !== "0d" ? "lagged" : "");
  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // baseline bars, under the current ones: drawn in the bar's left-side text (the layer
  // API is not in the standard edition), placed by the baseline's own dates
  gantt.templates.leftside_text = function (start, end, task) {
    if (!task.baseline_start || !task.baseline_finish) return "";
    const left = gantt.posFromDate(task.baseline_start) - gantt.posFromDate(task.start_date);
    const width = gantt.posFromDate(task.baseline_finish) - gantt.posFromDate(task.baseline_start);
    return '<span class="baseline-bar" style="left:' + left + "px;width:" + Math.max(width, 3) +
      'px" title="baseline ' + shown_date(task.baseline_start) + " → " +
      shown_date(task.baseline_finish) + '"></span>';
  };

  gantt.ext.zoom.init({
    levels: [
      { name: "day", scale_height: 46, min_column_width: 34,
        scales: [{ unit: "week", step: 1, format: "week of %j %M %Y" }, { unit: "day", step: 1, format: "%j" }] },
      { name: "week", scale_height: 46, min_column_width: 60,
        scales: [{ unit: "month", step: 1, format: "%F %Y" }, { unit: "week", step: 1, format: "%j %M" }] },
      { name: "month", scale_height: 46, min_column_width: 70,
        scales: [{ unit: "year", step: 1, format: "%Y" }, { unit: "month", step: 1, format: "%M" }] },
      { name: "quarter", scale_height: 46, min_column_width: 80,
        scales: [{ unit: "year", step: 1, format: "%Y" },
          { unit: "quarter", step: 1, format: (d) => "Q" + (Math.floor(d.getMonth() / 3) + 1) }] },
    ],
  });
  gantt.ext.zoom.setLevel("week");
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      gantt.ext.zoom.setLevel(button.dataset.zoom);
      document.querySelectorAll("[data-zoom]").forEach((b) =>
        b.setAttribute("aria-pressed", String(b === button)));
    });
  });

  // -- reading the feed -------------------------------------------------------------------
  function toTask(row) {
    const t = {};
    feed.columns.forEach((name, k) => (t[name] = row[k]));
    const start = parse(t.start), finish = parse(t.finish);
    return {
      id: t.id, text: t.name, parent: t.parent || 0, open: !large(), kind: t.kind,
      project: t.project, start_date: t.milestone ? finish : start, end_date: finish,
      type: t.milestone ? "milestone" : "task", milestone: t.milestone, summary: t.summary,
      duration_text: t.duration, total_float: t.total_float, critical: t.critical,
      near_critical: t.near_critical, progress: (t.percent_complete || 0) / 100,
      percent_complete: t.percent_complete, version: t.version,
      baseline_start: parse(t.baseline_start), baseline_finish: parse(t.baseline_finish),
      readonly: t.summary || !feed.viewer.editable.includes(t.project),
    };
  }
  function syncLinks() {
    // the chart holds only the links between rows that are shown: it checks every link it
    // holds on each redraw, and 40,000 of them take a third of a second
    const shownRow = function (id) {
      if (!gantt.isTaskExists(id)) return false;
      for (let p = gantt.getParent(id); p && p !== gantt.config.root_id; p = gantt.getParent(p)) {
        if (!gantt.getTask(p).$open) return false;
      }
      return true;
    };
    const wanted = new Map();
    allLinks.forEach((l) => shownRow(l.source) && shownRow(l.target) && wanted.set(l.id, l));
    const gone = [];
    gantt.getLinks().forEach((l) => (wanted.has(l.id) ? wanted.delete(l.id) : gone.push(l.id)));
    if (!gone.length && !wanted.size) return;
    quiet = true;
    gantt.batchUpdate(function () {
      gone.forEach((id) => gantt.deleteLink(id));
      wanted.forEach((l) => gantt.addLink(Object.assign({}, l)));
    });
    quiet = false;
  }
  function large() {
    // a big program opens with its projects closed: the chart draws (and links) what is open
    return feed.tasks.length > LARGE;
  }
  function toLinks(links) {
    return links.map((l) => ({ id: l[0] + ">" + l[1], source: l[0], target: l[1],
      type: String(l[2]), lag: l[3] }));
  }
  async function load() {
    const url = "/programs/" + encodeURIComponent(key) + "/gantt/data" +
      (baseline ? "?baseline=" + encodeURIComponent(baseline) : "");
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.detail || "the plan could not be read (" + response.status + ")");
    return answer;
  }
  function markers() {
    // today and the status date as vertical lines (the marker plugin is not in the
    // standard edition): placed again whenever the chart is drawn (zoom, scroll, edits)
    const lines = [["today", feed.program.today]];
    if (feed.program.status_date) lines.push(["status-date", feed.program.status_date]);
    const height = gantt.getVisibleTaskCount() * gantt.config.row_height;
    lines.forEach(function ([name, day]) {
      const line = placed(gantt.$task_data, "gantt-line " + name);
      const label = placed(line, "gantt-line-label " + name);
      const text = (name === "today" ? "today " : "status date ") + day;
      const left = gantt.posFromDate(parse(day)) + "px";
      Object.assign(line.style, { left, height: height + "px" });
      line.title = text;
      label.textContent = name === "today" ? "today" : "status date";
      label.title = text;
    });
  }
  function placed(parent, className) {
    // the chart draws its scale again now and then: find the element, or make it again
    const found = parent.querySelector("." + className.split(" ").join("."));
    if (found) return found;
    const made = Object.assign(document.createElement("div"), { className });
    parent.append(made);
    return made;
  }
  function fillChoices() {
    const chooser = document.getElementById("gantt-baseline");
    chooser.replaceChildren(new Option(feed.baselines.length ? "latest" : "none taken", ""));
    feed.baselines.forEach((b) => chooser.add(new Option(b.id + (b.name ? " · " + b.name : ""), b.id)));
    chooser.value = baseline;
    const who = document.getElementById("assign-who");
    if (who) who.replaceChildren(...feed.resources.map((r) => new Option(r[1] + " (" + r[0] + ")", r[0])));
    const ids = document.getElementById("gantt-ids");
    if (ids && feed.tasks.length <= 5000) {
      ids.replaceChildren(...feed.tasks.filter((r) => r[4] !== "project").map((r) => new Option(r[1], r[0])));
    }
  }
  async function start() {
    feed = await load();
    document.getElementById("gantt-tz").textContent = feed.program.timezone;
    if (large()) {
      document.getElementById("gantt-about").append(" " + feed.tasks.length.toLocaleString("en") +
        " rows: the projects open closed; open one with its arrow (or → on the keyboard).");
    }
    gantt.init(box);
    allLinks = toLinks(feed.links);
    gantt.parse({ data: feed.tasks.map(toTask), links: [] });
    syncLinks();
    gantt.attachEvent("onTaskOpened", syncLinks);
    gantt.attachEvent("onTaskClosed", syncLinks);
    gantt.attachEvent("onGanttRender", markers);
    markers();
    fillChoices();
    if (feed.program.status_date) gantt.showDate(parse(feed.program.status_date));
    box.dataset.ready = "true";
    requestAnimationFrame(() => (box.dataset.paintedMs = String(performance.now()))); // benchmarks
    window.dispatchEvent(new Event("gantt-ready"));
  }
  async function refresh() {
    // the floats and flags of everything, after an edit: in place, no re-parse
    feed = await load();
    gantt.batchUpdate(function () {
      feed.tasks.forEach(function (row) {
        if (!gantt.isTaskExists(row[0])) return;
        Object.assign(gantt.getTask(row[0]), fresh(toTask(row)));
      });
    });
    allLinks = toLinks(feed.links);
    syncLinks();
    box.dataset.refreshedMs = String(performance.now());
    if (shown) openPanel(shown);
  }
  function fresh(task) {
    const { id, parent, open, ...rest } = task;
    return rest;
  }

  // -- editing through the API ------------------------------------------------------------
  async function send(method, path, body, version) {
    const headers = { "Content-Type": "application/json", "X-CSRF-Token": csrf };
    if (version !== undefined) headers["If-Match"] = '"' + version + '"';
    const response = await fetch(api + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const said = (answer.errors || []).map((e) => e.message).join("; ");
      const error = new Error(said || answer.detail || answer.title || "the edit failed (" + response.status + ")");
      error.status = response.status;
      throw error;
    }
    return answer;
  }
  function say(text) {
    problem.textContent = "";
    notice.textContent = text;
  }
  function complain(error, what) {
    const stale = error.status === 412;
    problem.textContent = (what ? what + ": " : "") + error.message +
      (stale ? " Someone else changed it: its row has been reloaded." : "");
  }
  function summary(answer) {
    const changed = (answer.moved && answer.moved.changed) || [];
    if (!changed.length) return "Saved " + answer.item.id + ": nothing else moved.";
    const milestones = changed.filter((c) => c.milestone).map((c) => c.id);
    const tasks = changed.length - milestones.length;
    const delays = changed.map((c) => c.delay_days);
    const most = delays.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
    const parts = [];
    if (tasks) parts.push(tasks + (tasks === 1 ? " task" : " tasks"));
    if (milestones.length) parts.push((milestones.length === 1 ? "milestone " : "milestones ") + milestones.join(", "));
    const same = delays.every((d) => d === most);
    return parts.join(" and ") + " moved " + (same ? "" : "up to ") +
      (most > 0 ? "+" : most < 0 ? "−" : "") + Math.abs(most) + " d";
  }
  function paint(answer) {
    // what the API says moved, at once; then everything else from the feed
    moved = new Set();
    const changed = (answer.moved && answer.moved.changed) || [];
    changed.forEach(function (c) {
      if (!gantt.isTaskExists(c.id)) return;
      const task = gantt.getTask(c.id);
      task.end_date = parse(c.after);
      task.start_date = task.milestone ? task.end_date : parse(c.start_after);
      task.total_float = c.total_float_after;
      task.critical = c.critical;
      moved.add(c.id);
    });
    const item = answer.item;
    if (gantt.isTaskExists(item.id)) {
      const task = gantt.getTask(item.id);
      task.version = item.version;
      task.duration_text = item.duration || task.duration_text;
    }
    // one redraw of what is shown (refreshTask, one by one, costs more from a few rows on)
    gantt.refreshData();
    say(summary(answer));
    box.dataset.edits = String(Number(box.dataset.edits || 0) + 1);
    requestAnimationFrame(() => (box.dataset.editPaintedMs = String(performance.now())));
    return refresh();
  }
  async function edit(id, body, undo, what) {
    const task = gantt.getTask(id);
    try {
      await paint(await send("PATCH", "/work-items/" + encodeURIComponent(id), body, task.version));
    } catch (error) {
      undo();
      complain(error, what || id);
      if (error.status === 412) await refresh();
    }
  }

  let before = null; // the task's dates when a drag began
  gantt.attachEvent("onBeforeTaskDrag", function (id, mode) {
    const task = gantt.getTask(id);
    if (task.readonly || mode === "progress") return false;
    if (mode === "resize" && task.milestone) return false;
    before = { start: task.start_date, end: task.end_date };
    return true;
  });
  gantt.attachEvent("onAfterTaskDrag", function (id, mode) {
    box.dataset.editStartMs = String(performance.now()); // what benchmarks/web_gantt.py times
    const task = gantt.getTask(id);
    const was = before;
    const undo = function () {
      task.start_date = was.start;
      task.end_date = was.end;
      gantt.refreshTask(id);
    };
    if (mode === "move") {
      edit(id, { constraint: "SNET " + iso(task.start_date) }, undo, "moving " + id);
    } else if (mode === "resize") {
      const last = new Date(task.end_date.getTime() - 60000);
      const count = Math.max(workingDays(task.start_date, last), 1);
      edit(id, { duration: count + "d" }, undo, "changing the duration of " + id);
    }
  });
  if (gantt.ext.inlineEditors) {
    gantt.ext.inlineEditors.attachEvent("onEditStart", function () {
      // the row keeps the keyboard's focus otherwise: give it to the editor's field
      setTimeout(function () {
        const input = box.querySelector(".gantt_grid_editor_placeholder input");
        if (input) {
          input.focus();
          input.select();
        }
      }, 60);
    });
    gantt.ext.inlineEditors.attachEvent("onBeforeSave", function (state) {
      const task = gantt.getTask(state.id);
      if (task.readonly) return false;
      if (state.columnName === "duration_text") {
        const text = String(state.newValue).trim();
        edit(state.id, { duration: /^\d+(\.\d+)?$/.test(text) ? text + "d" : text }, function () {
          gantt.refreshTask(state.id);
        }, "the duration of " + state.id);
      } else if (state.columnName === "start_date") {
        edit(state.id, { constraint: "SNET " + iso(state.newValue) }, function () {
          gantt.refreshTask(state.id);
        }, "the start of " + state.id);
      }
      return false; // the answer paints it, not the editor
    });
  }
  async function addLink(predecessor, successor, type, lag) {
    const task = gantt.getTask(successor);
    const body = { predecessor, successor, type, lag: lag || "0d" };
    const answer = await send("POST", "/links", body, task.version);
    await paint(answer);
  }
  gantt.attachEvent("onBeforeLinkAdd", function (id, link) {
    if (quiet) return true;
    const type = LINK_NAMES[Number(link.type)];
    addLink(link.source, link.target, type, "0d").catch(function (error) {
      complain(error, "linking " + link.source + " → " + link.target);
    });
    return false; // drawn when the feed has it
  });

  // -- the side panel ---------------------------------------------------------------------
  const panel = document.getElementById("task-panel");
  function fact(list, term, value) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }
  async function openPanel(id) {
    if (!gantt.isTaskExists(id)) return;
    const task = gantt.getTask(id);
    shown = id;
    panel.hidden = false;
    document.getElementById("task-panel-title").textContent = task.id + " · " + task.text;
    const facts = document.getElementById("task-facts");
    facts.replaceChildren();
    fact(facts, "Project", task.project);
    fact(facts, task.milestone ? "Date" : "Start", shown_date(task.start_date));
    if (!task.milestone) fact(facts, "Finish", shown_date(task.end_date));
    if (task.kind !== "project") {
      fact(facts, "Duration", task.duration_text || "from its work or subtasks");
      fact(facts, "Total float", days(task.total_float) +
        (task.critical ? " — critical" : task.near_critical ? " — near-critical" : ""));
      fact(facts, "Done", (task.percent_complete || 0) + " %");
      fact(facts, "Baseline", task.baseline_start ? shown_date(task.baseline_start) + " → " + shown_date(task.baseline_finish) : "—");
    }
    if (document.getElementById("dates-duration")) {
      document.getElementById("dates-duration").value = task.duration_text || "";
      document.getElementById("dates-start").value = "";
    }
    const slip = document.getElementById("task-slip");
    slip.href = "/programs/" + encodeURIComponent(key) + "/items/" + encodeURIComponent(task.id);
    slip.parentElement.hidden = task.kind === "project";
    const list = document.getElementById("task-links");
    list.replaceChildren();
    allLinks.filter((l) => l.target === id).forEach(function (link) {
      const li = document.createElement("li");
      li.textContent = link.source + " " + LINK_NAMES[Number(link.type)] +
        (link.lag && link.lag !== "0d" ? " " + (link.lag.startsWith("-") ? "" : "+") + link.lag : "");
      if (editable && !task.readonly) {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove the link from " + link.source);
        remove.addEventListener("click", function () {
          send("DELETE", "/links/" + encodeURIComponent(link.source) + "/" + encodeURIComponent(id),
            undefined, task.version).then(paint).catch((error) => complain(error, "removing the link"));
        });
        li.append(" ", remove);
      }
      list.append(li);
    });
    if (!list.children.length) list.append(Object.assign(document.createElement("li"), { textContent: "none" }));
    const people = document.getElementById("task-people");
    people.replaceChildren(Object.assign(document.createElement("li"), { textContent: "…" }));
    document.querySelectorAll(".panel-form").forEach((f) => (f.hidden = task.readonly || task.kind === "project"));
    if (task.kind === "project") return people.replaceChildren();
    try {
      const item = await send("GET", "/work-items/" + encodeURIComponent(id));
      people.replaceChildren(...(item.resources.length ? item.resources.map((a) =>
        Object.assign(document.createElement("li"), {
          textContent: (a.resource || a.role || a.skill) + " × " + a.units })) :
        [Object.assign(document.createElement("li"), { textContent: "nobody yet" })]));
      task.assigned = item.resources;
    } catch (error) {
      people.replaceChildren(Object.assign(document.createElement("li"), { textContent: error.message }));
    }
  }
  // the plan's structure changes on the project page, through the API: not here
  gantt.attachEvent("onBeforeTaskMove", () => false);
  gantt.attachEvent("onBeforeRowDragEnd", () => false);
  gantt.attachEvent("onBeforeTaskAdd", () => false);
  gantt.attachEvent("onBeforeTaskDelete", () => false);
  gantt.attachEvent("onBeforeLinkDelete", () => quiet);
  gantt.addShortcut("enter", function () {
    const id = this.taskId;
    openPanel(id).then(() => document.getElementById("task-panel-title").focus());
  }, "taskRow");
  gantt.attachEvent("onTaskClick", function (id) {
    openPanel(id);
    return true;
  });
  gantt.attachEvent("onBeforeLightbox", function (id) {
    openPanel(id).then(() => document.getElementById("task-panel-title").focus());
    return false;
  });
  document.getElementById("task-panel-title").tabIndex = -1;
  document.getElementById("task-panel-close").addEventListener("click", function () {
    panel.hidden = true;
    shown = null;
  });
  const datesForm = document.getElementById("dates-form");
  if (datesForm) {
    datesForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const error = document.getElementById("dates-error");
      error.textContent = "";
      const task = gantt.getTask(shown);
      const body = {};
      const duration = document.getElementById("dates-duration").value.trim();
      const from = document.getElementById("dates-start").value;
      if (duration && duration !== task.duration_text) {
        body.duration = /^\d+(\.\d+)?$/.test(duration) ? duration + "d" : duration;
      }
      if (from) body.constraint = "SNET " + from;
      if (!Object.keys(body).length) {
        error.textContent = "change the duration or give a start date first";
        return;
      }
      send("PATCH", "/work-items/" + encodeURIComponent(shown), body, task.version)
        .then(paint)
        .catch(function (failure) {
          error.textContent = failure.message;
          complain(failure, shown);
          if (failure.status === 412) refresh();
        });
    });
  }
  const linkForm = document.getElementById("link-form");
  if (linkForm) {
    linkForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const error = document.getElementById("link-error");
      error.textContent = "";
      const pred = document.getElementById("link-pred").value.trim();
      addLink(pred, shown, document.getElementById("link-type").value,
        document.getElementById("link-lag").value.trim())
        .then(() => (document.getElementById("link-pred").value = ""))
        .catch(function (failure) {
          error.textContent = failure.message;
          complain(failure, "linking " + pred + " → " + shown);
        });
    });
  }
  const assignForm = document.getElementById("assign-form");
  if (assignForm) {
    assignForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const error = document.getElementById("assign-error");
      error.textContent = "";
      const task = gantt.getTask(shown);
      const units = Number(document.getElementById("assign-units").value.replace(",", "."));
      const keep = (task.assigned || []).map((a) => ({ resource: a.resource, role: a.role, skill: a.skill, units: a.units }));
      keep.push({ resource: document.getElementById("assign-who").value, units });
      send("PUT", "/work-items/" + encodeURIComponent(shown) + "/assignments", keep, task.version)
        .then(paint)
        .catch((failure) => (error.textContent = failure.message));
    });
  }
  document.getElementById("gantt-baseline").addEventListener("change", function (event) {
    baseline = event.target.value;
    refresh().catch((error) => complain(error));
  });

  start().catch(function (error) {
    problem.textContent = error.message;
  });
})();
