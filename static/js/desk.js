// The import page: preview what the files would give, import them as a job and follow its
// progress, through the JSON API (POST /api/imports/preview/, POST /api/imports/,
// GET /api/imports/{id}/) without reloading. Plain JavaScript, no build step. Text from the
// files is only ever inserted with textContent, never as HTML.
"use strict";

(function () {
  const root = document.getElementById("import-desk");
  if (!root) return;

  const $ = (id) => document.getElementById(id);
  const form = $("import-form");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const META = ["title", "source", "url", "published_at", "language", "tags"];
  const FIELDS = ["files", "text", ...META];
  const POLL_MS = 500;
  const TITLES_SHOWN = 20; // created articles whose titles are fetched; the rest show their id
  let busy = false;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  // ---- talking to the API -------------------------------------------------------------------
  function upload() {
    // Only what was given: an empty date or URL would be refused, and an empty file input
    // still sends one nameless file.
    const data = new FormData();
    for (const file of $("import-files").files) data.append("files", file);
    const text = $("import-text").value;
    if (text.trim()) data.append("text", text);
    for (const name of META) {
      const value = $("import-" + name).value.trim();
      if (value) data.append(name, value);
    }
    return data;
  }

  const request = window.factcheckApi(csrf); // static/js/api.js

  async function call(method, url, body) {
    try {
      return await request(method, url, body);
    } catch (e) {
      return { status: 0, ok: false, payload: { detail: "The server could not be reached; try again." } };
    }
  }

  function tooLarge(status) {
    return status === 413 ? "The upload is too large; import fewer or smaller files at a time." : "";
  }

  // ---- errors ---------------------------------------------------------------------------------
  function clearErrors() {
    $("import-error").hidden = true;
    $("import-error").textContent = "";
    for (const name of FIELDS) {
      const field = $("import-" + name);
      const error = $("import-" + name + "-error");
      field.removeAttribute("aria-invalid");
      error.hidden = true;
      error.textContent = "";
    }
  }

  function showErrors(status, payload) {
    // Field messages go beside their field; the rest (and a summary) at the top.
    const general = [];
    let first = null;
    for (const [key, messages] of Object.entries(payload || {})) {
      const text = [].concat(messages).join(" ");
      const field = FIELDS.includes(key) ? $("import-" + key) : null;
      if (field && typeof messages !== "string") {
        const error = $("import-" + key + "-error");
        error.textContent = text;
        error.hidden = false;
        field.setAttribute("aria-invalid", "true");
        first = first || field;
      } else if (key === "detail" || key === "non_field_errors") {
        general.push(text);
      }
    }
    let summary = general.join(" ");
    if (!summary && first) summary = "Some fields need a change; see the messages beside them.";
    if (!summary) summary = "The server answered " + status + ".";
    if (status === 413 && !summary.startsWith(tooLarge(413))) summary = tooLarge(413) + " " + summary;
    const box = $("import-error");
    box.textContent = summary.trim();
    box.hidden = false;
    (first || box).focus();
  }

  function setBusy(text) {
    busy = Boolean(text);
    $("import-busy").textContent = text || "";
    $("preview-button").disabled = busy;
    $("import-button").disabled = busy;
  }

  // ---- preview --------------------------------------------------------------------------------
  function articleLink(id) {
    return el("a", { href: "/articles/" + id + "/", text: "#" + id });
  }

  function outcomeCell(item) {
    if (item.outcome === "created") return el("td", { class: "outcome-created", text: "created" });
    if (item.outcome === "skipped" && item.duplicate_of) {
      return el("td", { class: "outcome-skipped" }, "skipped: duplicate of ", articleLink(item.duplicate_of));
    }
    return el("td", { class: "outcome-" + item.outcome, text: item.outcome + ": " + item.message });
  }

  function renderPreview(preview) {
    const counts = { created: 0, skipped: 0, failed: 0 };
    const rows = preview.items.map((item) => {
      counts[item.outcome] += 1;
      return el(
        "tr",
        {},
        el("td", { text: item.file }),
        el("td", { class: "num", text: item.line === null ? "–" : String(item.line) }),
        el("td", { text: item.title || "–" }),
        outcomeCell(item)
      );
    });
    $("preview-items").tBodies[0].replaceChildren(...rows);
    $("preview-summary").textContent =
      `${counts.created} would be created, ${counts.skipped} skipped, ${counts.failed} failed` +
      (preview.more ? " (the first " + preview.items.length + " records; there are more)." : ".");
    const sentences = preview.sentences.map((s) =>
      el(
        "li",
        { class: "kind-" + s.kind },
        el("span", { text: s.text }),
        s.kind === "boilerplate" ? el("span", { class: "kind-tag", text: "boilerplate" }) : null
      )
    );
    $("preview-sentences").replaceChildren(...sentences);
    $("preview-split-none").hidden = sentences.length > 0;
    $("preview").hidden = false;
    $("preview-title").focus();
  }

  async function preview() {
    if (busy) return;
    clearErrors();
    setBusy("Reading the files…");
    const answer = await call("POST", "/api/imports/preview/", upload());
    setBusy("");
    if (answer.ok) renderPreview(answer.payload);
    else showErrors(answer.status, answer.payload);
  }

  // ---- the import job -------------------------------------------------------------------------
  const STATE_TEXT = {
    queued: "waiting for a worker",
    running: "importing",
    done: "done",
    failed: "stopped",
  };

  function finished(job) {
    return job.state === "done" || job.state === "failed";
  }

  function renderJob(job) {
    const progress = $("job-progress");
    const total = job.total || (finished(job) ? 1 : 0);
    if (total) {
      progress.max = total;
      progress.value = finished(job) && !job.total ? total : job.processed;
    } else {
      progress.removeAttribute("value"); // indeterminate until the files are read
    }
    $("job-title").textContent = "Import #" + job.id;
    let state = `Import #${job.id} ${STATE_TEXT[job.state] || job.state}`;
    if (job.total) state += `: ${job.processed} of ${job.total} records`;
    if (job.message) state += ". " + job.message;
    $("job-state").textContent = state;
    $("job-counts").textContent =
      `${job.created} created, ${job.skipped} skipped as duplicates, ${job.failed} failed` +
      ` · ${job.files.length} file${job.files.length === 1 ? "" : "s"}`;
    $("job").hidden = false;
    if (finished(job)) renderOutcome(job);
  }

  function renderOutcome(job) {
    const items = job.articles.map((id) =>
      el("li", { "data-article": String(id) }, el("a", { href: "/articles/" + id + "/", text: "Article #" + id }))
    );
    $("job-articles").replaceChildren(...items);
    $("job-created").hidden = items.length === 0;
    const rows = job.errors.map((error) =>
      el(
        "tr",
        {},
        el("td", { text: error.file }),
        el("td", { class: "num", text: error.line === null ? "–" : String(error.line) }),
        el("td", { text: error.message })
      )
    );
    $("job-errors").tBodies[0].replaceChildren(...rows);
    $("job-failures").hidden = rows.length === 0;
    titles(job.articles.slice(0, TITLES_SHOWN));
  }

  async function titles(ids) {
    // Best effort: a link keeps its id when its article cannot be read.
    for (const id of ids) {
      const answer = await call("GET", "/api/articles/" + id + "/");
      const link = root.querySelector(`#job-articles li[data-article="${id}"] a`);
      if (answer.ok && link && answer.payload.title) link.textContent = answer.payload.title;
    }
  }

  async function follow(job) {
    renderJob(job);
    let misses = 0;
    while (!finished(job)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const answer = await call("GET", "/api/imports/" + job.id + "/");
      if (answer.ok) {
        job = answer.payload;
        misses = 0;
        renderJob(job);
      } else if (++misses >= 5) {
        showErrors(answer.status, answer.payload);
        return;
      }
    }
  }

  async function start(event) {
    event.preventDefault();
    if (busy) return;
    clearErrors();
    setBusy("Uploading…");
    const answer = await call("POST", "/api/imports/", upload());
    if (answer.status === 202) {
      setBusy("Importing…");
      $("job-title").focus();
      await follow(answer.payload);
      setBusy("");
      $("job-title").focus();
      return;
    }
    setBusy("");
    if (answer.status === 503 && answer.payload && answer.payload.id) {
      renderJob(answer.payload);
      showErrors(503, {
        detail: answer.payload.message || "The task queue did not answer; try again later.",
      });
      return;
    }
    showErrors(answer.status, answer.payload);
  }

  $("preview-button").addEventListener("click", preview);
  form.addEventListener("submit", start);
})();
