// The annotation workspace: keyboard navigation, labels, notes and evidence saved through the
// JSON API without reloading; editors also set, publish and take down verdicts, fix an
// article's details and a sentence's kind. Plain JavaScript, no build step. Article text is only ever inserted with textContent, never as HTML.
// Nothing typed is lost: a note, evidence and a label waiting for evidence stay as a draft of
// their sentence (in this tab's sessionStorage too) until saved or discarded on purpose.
"use strict";

(function () {
  const root = document.getElementById("workspace");
  if (!root) return;

  const data = JSON.parse(document.getElementById("workspace-data").textContent);
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const labels = data.labels;
  const labelBySlug = Object.fromEntries(labels.map((l) => [l.slug, l]));
  const labelByKey = Object.fromEntries(labels.filter((l) => l.key).map((l) => [l.key, l]));
  const $ = (id) => document.getElementById(id);
  const spans = Array.from(root.querySelectorAll(".ws-text .s"));
  const state = {
    current: null, // sentence id
    showBoilerplate: false,
    saving: false,
  };
  const prefs = { autoAdvance: false }; // GET/PUT /api/preferences/, per user
  // Labels for which new evidence most likely refutes the sentence.
  const REFUTING = new Set(["false", "misleading"]);

  // ---- drafts: per sentence, {label, note, evidence: {url, title, quote, stance, index}} -------
  const DRAFTS_KEY = "factcheck-drafts:" + data.article + ":" + data.me;
  const drafts = loadDrafts();

  function loadDrafts() {
    try {
      const stored = JSON.parse(window.sessionStorage.getItem(DRAFTS_KEY) || "{}");
      for (const id of Object.keys(stored)) if (!data.sentences[id]) delete stored[id];
      return stored;
    } catch (e) {
      return {};
    }
  }

  function storeDrafts() {
    try {
      window.sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts));
    } catch (e) {
      // Storage full or refused: the drafts stay in this page, and leaving it still warns.
    }
  }

  function draftOf(id) {
    return drafts[id] || {};
  }

  function draftSet(id, part, value) {
    const draft = drafts[id] || {};
    if (value === null || value === undefined) delete draft[part];
    else draft[part] = value;
    if (Object.keys(draft).length) drafts[id] = draft;
    else delete drafts[id];
    storeDrafts();
    if (id === state.current) renderDraftNote();
    const span = document.getElementById("s" + id);
    if (span) {
      span.classList.toggle("has-draft", Boolean(drafts[id]));
      paintSentence(id);
    }
  }

  function pendingLabel() {
    // A label waiting for evidence, else one taken from an earlier verdict (m).
    if (state.current === null) return null;
    const draft = draftOf(state.current);
    return draft.label || (draft.taken && draft.taken.label) || null;
  }

  function reviewEvidence(s) {
    // My evidence as it would be saved: the stored items, then those taken from an earlier
    // verdict (m) that are not among them yet.
    const saved = s.mine ? s.mine.evidence : [];
    const taken = draftOf(s.id).taken;
    if (!taken) return saved;
    const known = new Set(saved.map((item) => item.url.trim()));
    return saved.concat(taken.evidence.filter((item) => !known.has(item.url.trim())));
  }

  function hasDrafts() {
    return Object.keys(drafts).length > 0;
  }

  // ---- helpers --------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function sentence(id) {
    return data.sentences[id];
  }

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    return target.closest("input, textarea, select, [contenteditable=true]") !== null;
  }

  const api = window.factcheckApi(csrf); // static/js/api.js

  function messageOf(payload) {
    if (!payload) return "Something went wrong.";
    if (payload.detail) return payload.detail;
    return Object.entries(payload)
      .map(([field, messages]) => field + ": " + [].concat(messages).join(" "))
      .join(" ");
  }

  // ---- navigation ---------------------------------------------------------------------------
  function navigable() {
    return spans.filter((s) => state.showBoilerplate || !s.classList.contains("kind-boilerplate"));
  }

  function select(id, focus) {
    const span = $("s" + id);
    if (!span) return;
    if (state.current !== null) {
      const old = $("s" + state.current);
      old.classList.remove("current");
      old.setAttribute("tabindex", "-1");
      old.removeAttribute("aria-current");
    }
    if (state.current !== id) hideEvidenceForm();
    state.current = id;
    root.classList.add("has-current");
    root.classList.remove("sheet-closed");
    span.classList.add("current");
    span.setAttribute("tabindex", "0");
    span.setAttribute("aria-current", "true");
    if (focus !== false) span.focus({ preventScroll: true });
    span.scrollIntoView({ block: "nearest", behavior: "smooth" });
    history.replaceState(null, "", "#s" + id);
    renderPanel();
  }

  function move(step) {
    // From the current sentence's place in the text, even when it is not navigable itself
    // (boilerplate just marked, or clicked while hidden from navigation).
    const list = navigable();
    if (!list.length) return;
    const here = state.current === null ? null : $("s" + state.current);
    let next;
    if (!here) next = step > 0 ? list[0] : list[list.length - 1];
    else {
      const at = Number(here.dataset.position);
      if (step > 0) next = list.find((s) => Number(s.dataset.position) > at);
      else next = list.filter((s) => Number(s.dataset.position) < at).pop();
    }
    if (next) select(Number(next.dataset.id));
  }

  function nextDisputed() {
    // d (editors): the next sentence the reviewers disagree on, from here, wrapping around.
    const list = spans.filter((s) => sentence(s.dataset.id).status === "disputed");
    const at = state.current === null ? 0 : Number($("s" + state.current).dataset.position);
    const next = list.find((s) => Number(s.dataset.position) > at) || list[0];
    if (!next) return setSaveState("No disputed sentence in this article.");
    if (Number(next.dataset.id) === state.current) return setSaveState("No other disputed sentence.");
    select(Number(next.dataset.id));
  }

  function nextUnrated(quiet) {
    const list = spans.filter((s) => s.classList.contains("kind-claim"));
    const at = list.findIndex((s) => Number(s.dataset.id) === state.current);
    for (let i = 1; i <= list.length; i++) {
      const span = list[(at + i) % list.length];
      if (!sentence(span.dataset.id).mine) return select(Number(span.dataset.id));
    }
    if (!quiet) setSaveState("Every claim has your rating.");
  }

  // ---- rendering ----------------------------------------------------------------------------
  const STATUS_TEXT = { pending: "pending", in_review: "in review", disputed: "disputed", final: "final" };

  function paintSentence(id) {
    const s = sentence(id);
    const span = $("s" + id);
    for (const name of Array.from(span.classList)) {
      if (name.startsWith("status-")) span.classList.remove(name);
    }
    span.classList.add("status-" + s.status);
    const shown = s.mine ? s.mine.label : s.verdict ? s.verdict.label : null;
    span.classList.toggle("labelled", Boolean(shown));
    if (shown && labelBySlug[shown]) span.style.setProperty("--c", labelBySlug[shown].colour);
    else span.style.removeProperty("--c");
    const parts = [s.kind === "boilerplate" ? "boilerplate" : STATUS_TEXT[s.status]];
    if (s.mine) parts.push("your label " + (labelBySlug[s.mine.label] || { name: s.mine.label }).name);
    if (drafts[id]) parts.push("draft not saved");
    $("s" + id + "-state").textContent = ", " + parts.join(", ");
  }

  function paintProgress() {
    // A reviewer's own ratings; an editor's work is the verdicts.
    const claims = Object.values(data.sentences).filter((s) => s.kind === "claim");
    const done = claims.filter((s) => (data.isEditor ? s.verdict : s.mine)).length;
    const bar = $("progress");
    bar.setAttribute("aria-valuenow", String(done));
    bar.setAttribute("aria-valuemax", String(claims.length));
    bar.querySelector("span").style.width = (claims.length ? (100 * done) / claims.length : 0) + "%";
    $("progress-text").textContent =
      done + " / " + claims.length + (data.isEditor ? " verdicts set" : " rated by you");
    $("claim-count").textContent = claims.length + " claims";
  }

  let saveStates = 0; // status lines written: a late refresh keeps a newer one

  function setSaveState(text, kind) {
    saveStates += 1;
    const node = $("panel-save");
    node.textContent = text || "";
    node.className = "save-state" + (kind ? " " + kind : "");
  }

  function showError(text) {
    const node = $("panel-error");
    node.textContent = text || "";
    node.hidden = !text;
  }

  function reviewNode(review, withReviewer) {
    const label = labelBySlug[review.label] || { name: review.label, colour: "#888888" };
    const item = el("li", {});
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.background = label.colour;
    item.append(swatch, el("strong", { text: label.name }));
    if (withReviewer) item.append(" · " + review.reviewer);
    if (review.note) item.append(el("p", { class: "note", text: review.note }));
    if (review.evidence && review.evidence.length) {
      const list = el("ul", { class: "evidence-mini" });
      for (const ev of review.evidence) {
        const link = el("a", { href: ev.url, rel: "noopener noreferrer nofollow", text: ev.title || ev.url });
        list.append(el("li", {}, link, " (" + ev.stance + ")"));
      }
      item.append(list);
    }
    return item;
  }

  function renderPanel() {
    const s = sentence(state.current);
    if (!s) return;
    $("panel-empty").hidden = true;
    $("panel-body").hidden = false;
    // Counted as the progress bar counts: claims (boilerplate is not rated).
    const claims = spans.filter((span) => sentence(span.dataset.id).kind === "claim");
    const at = claims.findIndex((span) => Number(span.dataset.id) === s.id);
    const position =
      s.kind === "claim"
        ? "Claim " + (at + 1) + " of " + claims.length
        : "Boilerplate, not among the " + claims.length + " claims";
    $("panel-position").textContent = position;
    $("sheet-position").textContent = position;
    $("panel-text").textContent = $("s" + s.id).firstChild.textContent;
    const status = $("panel-status");
    status.textContent = STATUS_TEXT[s.status];
    status.className = "status-chip status-" + s.status;
    showError("");
    $("conflict").hidden = true;
    setSaveState(s.mine ? "Saved (version " + s.mine.version + ")" : "Not rated yet");

    renderPanelLabels();
    // A draft note wins over the stored one: a save or refresh may land while it is typed.
    const note = $("note");
    const savedNote = s.mine ? s.mine.note : "";
    const draft = draftOf(s.id);
    note.value = "note" in draft ? draft.note : savedNote;
    note.dataset.saved = savedNote;
    note.dataset.for = String(s.id);
    renderEvidence();
    if (draft.evidence && $("evidence-form").hidden) fillEvidenceForm(draft.evidence);
    renderDraftNote();

    const reviews = $("reviews");
    reviews.replaceChildren();
    const others = s.reviews.filter((r) => r.reviewer !== data.me);
    if (!others.length) {
      const hidden = !data.isEditor && !s.mine;
      reviews.append(el("li", { class: "meta", text: hidden ? "Others' reviews show once yours is saved." : "No other reviews." }));
    }
    for (const review of others) reviews.append(reviewNode(review, true));

    renderMatches(s);
    renderVerdict(s);
    $("verdict-conflict").hidden = true;
    const form = $("verdict-form");
    form.hidden = !data.isEditor;
    if (data.isEditor) fillVerdictForm(s, false);
    $("segmentation").hidden = !data.isEditor;
    $("split-text").value = $("panel-text").textContent;
    const details = $("history");
    if (details.open) loadHistory();
  }

  const DATE = { day: "numeric", month: "long", year: "numeric" };

  function dateText(value) {
    return new Date(value).toLocaleDateString("en-GB", DATE);
  }

  function publicPath(id) {
    return "/claims/" + id + "/";
  }

  function renderVerdict(s) {
    const verdict = $("verdict");
    verdict.replaceChildren();
    if (s.verdict) {
      const v = s.verdict;
      const shown = reviewNode({ label: v.label, note: v.rationale, evidence: v.evidence }, false);
      verdict.append(el("ul", { class: "reviews verdict-shown" }, shown)); // a list item needs its list
      const who = v.is_consensus ? "consensus of reviewers" : "set by " + v.decided_by;
      verdict.append(el("p", { class: "meta", text: who }));
      // Draft or published, and whether a review changed since: what an editor acts on.
      const line = el("p", { class: "verdict-state", id: "verdict-state" });
      if (v.published) {
        line.append(el("span", { class: "state-chip state-published", text: "Published on " + dateText(v.published_at) }));
        if (v.corrected_at) line.append(" · corrected on " + dateText(v.corrected_at));
        line.append(" · ", el("a", { href: publicPath(s.id), text: "public page" }));
      } else {
        line.append(el("span", { class: "state-chip state-draft", text: "Draft" }), " · not public");
      }
      if (v.needs_attention) {
        line.append(" · ", el("strong", { class: "flagged", text: "flagged: a review changed since; please look again" }));
      }
      verdict.append(line);
    } else {
      verdict.append(el("p", { class: "meta", text: "No verdict yet." }));
    }
  }

  // ---- checked before: earlier fact-checks of the same claim (claim matching) ----------------
  // Each sentence carries `matches` (best first): the claims of other articles that make the
  // same claim ("same") or its opposite ("opposite"), each with its verdict as this viewer may
  // see it (null: none, or hidden by blind review). m takes the best "same" one's verdict.
  const PHONE = window.matchMedia("(max-width: 700px)"); // the sheet: the labels stay near

  function normalWord(word) {
    const bare = word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    return bare || word;
  }

  function differingWords(current, other) {
    // Which words of `other` (split on white space) are not in a longest common subsequence
    // with `current`'s words, compared without case and surrounding punctuation.
    const a = current.split(/\s+/).filter(Boolean).map(normalWord);
    const b = other.split(/\s+/).filter(Boolean).map(normalWord);
    const differs = new Array(b.length).fill(false);
    if (a.length > 400 || b.length > 400) return differs; // no highlight rather than a slow page
    const table = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (j < b.length) {
      if (i < a.length && a[i] === b[j]) {
        i += 1;
        j += 1;
      } else if (i < a.length && table[i + 1][j] >= table[i][j + 1]) {
        i += 1;
      } else {
        differs[j] = true;
        j += 1;
      }
    }
    return differs;
  }

  function highlightedText(current, other) {
    // `other` as text nodes, the words that differ from `current` in <mark>; and those words.
    const differs = differingWords(current, other);
    const node = el("span", {});
    const changed = [];
    let word = 0;
    for (const part of other.split(/(\s+)/)) {
      if (!part) continue;
      if (/^\s+$/.test(part)) node.append(part);
      else {
        if (differs[word]) {
          node.append(el("mark", { text: part }));
          changed.push(part);
        } else node.append(part);
        word += 1;
      }
    }
    return { node, changed };
  }

  function labelChip(slug, name) {
    // On the scale's colours; a retired label by the name the match gives (else its slug).
    const label = labelBySlug[slug] || { name: name || slug, colour: "#888888" };
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.background = label.colour;
    return el("span", { class: "label-chip" }, swatch, el("span", { text: label.name }));
  }

  function matchNode(s, match) {
    const item = el("li", { class: "match match-" + match.relation });
    const head = el("p", { class: "match-head" });
    if (match.relation === "opposite") head.append(el("span", { class: "opposite-chip", text: "Opposite claim" }), " ");
    head.append(el("a", { href: "/articles/" + match.article + "/#s" + match.sentence, text: match.article_title || "Article " + match.article }));
    if (match.article_published_at) head.append(el("span", { class: "meta", text: " · " + dateText(match.article_published_at) }));
    item.append(head);
    const quote = el("blockquote", { class: "match-text" });
    if (match.relation === "opposite") {
      const shown = highlightedText($("panel-text").textContent, match.text);
      quote.append(shown.node);
      item.append(quote);
      if (shown.changed.length) {
        item.append(el("p", { class: "meta small", text: "Highlighted: the words that differ from this sentence (" + shown.changed.join(", ") + ")." }));
      }
    } else {
      quote.textContent = match.text;
      item.append(quote);
    }
    const line = el("p", { class: "match-verdict" });
    const v = match.verdict;
    if (!v) {
      line.append(el("span", { class: "meta", text: "No verdict yet" }));
      item.append(line);
      return item;
    }
    line.append(labelChip(v.label, v.label_name), " ");
    if (v.published) line.append(el("span", { class: "state-chip state-published", text: "Published" + (v.published_at ? " on " + dateText(v.published_at) : "") }));
    else line.append(el("span", { class: "state-chip state-draft", text: "Draft verdict" }));
    item.append(line);
    if (v.evidence && v.evidence.length) {
      const list = el("ul", { class: "evidence-mini", "aria-label": "Sources of this verdict" });
      for (const ev of v.evidence) {
        const link = el("a", { href: ev.url, rel: "noopener noreferrer nofollow", text: ev.title || ev.url });
        list.append(el("li", {}, link, " (" + ev.stance + ")"));
      }
      item.append(list);
    }
    return item;
  }

  function renderMatches(s) {
    const box = $("checked-before");
    const matches = s.matches || [];
    box.hidden = !matches.length;
    const holder = $("checked-before-list");
    holder.replaceChildren();
    $("take-match").hidden = $("take-match-what").hidden = !bestMatch(s);
    if (!matches.length) return;
    const shown = PHONE.matches ? 1 : 3; // the rest behind "more"
    const first = el("ol", { class: "match-list" });
    matches.slice(0, shown).forEach((m) => first.append(matchNode(s, m)));
    holder.append(first);
    if (matches.length > shown) {
      const rest = el("ol", { class: "match-list", start: String(shown + 1) });
      matches.slice(shown).forEach((m) => rest.append(matchNode(s, m)));
      const more = matches.length - shown;
      holder.append(el("details", { class: "match-more" }, el("summary", { text: more + " more" }), rest));
    }
  }

  function bestMatch(s) {
    // The best "same" match whose verdict this viewer may see, on the current scale.
    return (s.matches || []).find((m) => m.relation === "same" && m.verdict && labelBySlug[m.verdict.label]) || null;
  }

  function noMatchReason(s) {
    const matches = s.matches || [];
    const same = matches.filter((m) => m.relation === "same");
    if (!matches.length) return "Nothing to take: this claim was not checked before.";
    if (!same.length) return "Nothing to take: only the opposite claim was checked before.";
    const retired = same.find((m) => m.verdict && !labelBySlug[m.verdict.label]);
    if (retired) return "Nothing to take: the earlier verdict's label " + retired.verdict.label + " is retired; choose a label yourself.";
    return "Nothing to take: the same claim has no verdict yet.";
  }

  function sourceCopy(item) {
    return { url: item.url, title: item.title || "", quote: item.quote || "", stance: item.stance || "context" };
  }

  function takeMatch() {
    // m: the best "same" match's verdict (label and sources) into my review (reviewers) or the
    // verdict form (editors); nothing is saved until I save it.
    const s = sentence(state.current);
    if (!s) return;
    const match = bestMatch(s);
    if (!match) return setSaveState(noMatchReason(s));
    const v = match.verdict;
    const sources = (v.evidence || []).map(sourceCopy);
    const what = labelName(v.label) + " and " + sources.length + " source" + (sources.length === 1 ? "" : "s");
    if (data.isEditor) {
      const form = $("verdict-form");
      form.elements.label.value = v.label;
      for (const item of sources) {
        const known = verdictForm.sources.find((c) => c.item.url.trim() === item.url.trim());
        if (known) {
          known.checked = true;
          if (!known.from.includes("the earlier verdict")) known.from.push("the earlier verdict");
        } else {
          verdictForm.sources.push({ item, checked: true, from: ["the earlier verdict"], stored: false });
        }
      }
      renderSources();
      fieldError("verdict-label", null);
      $("verdict-label-hint").textContent = "From the earlier verdict of the same claim in “" + match.article_title + "”.";
      setSaveState("The verdict form has the earlier verdict (" + what + "): check it, then Set verdict.");
      form.querySelector("button[type=submit]").focus();
      return;
    }
    draftSet(s.id, "label", null); // a label waiting for evidence gives way to the taken one
    draftSet(s.id, "taken", { sentence: match.sentence, title: match.article_title, label: v.label, evidence: sources });
    renderPanelLabels();
    renderEvidence();
    setSaveState("Took " + what + " from the earlier verdict: edit them, then Save review (or press a label key).");
    $("draft-save").focus();
  }

  // ---- the verdict form: label, rationale, sources, publishing ------------------------------
  // The form is filled from the stored verdict when the sentence or the verdict's version
  // changes, and otherwise left as the editor typed it (a refused publish keeps everything).
  const verdictForm = { id: null, version: null, sources: [] }; // sources: [{item, checked, from}]
  const VERDICT_FIELDS = ["label", "rationale", "evidence", "correction", "published"];

  function sourceCandidates(s) {
    // The verdict's own sources (kept), then the reviewers' evidence to choose from: all of it
    // ticked while the verdict has no sources, else offered unticked.
    const stored = s.verdict ? s.verdict.evidence || [] : [];
    const out = [];
    const byUrl = new Map();
    const add = (item, checked, from) => {
      const key = item.url.trim();
      if (!key) return;
      const known = byUrl.get(key);
      if (known) {
        if (from && !known.from.includes(from)) known.from.push(from);
        return;
      }
      const entry = {
        item: { url: item.url, title: item.title || "", quote: item.quote || "", stance: item.stance || "context" },
        checked,
        from: from ? [from] : [],
        stored: from === null,
      };
      byUrl.set(key, entry);
      out.push(entry);
    };
    for (const item of stored) add(item, true, null);
    for (const review of s.reviews) {
      for (const item of review.evidence || []) add(item, !stored.length, review.reviewer);
    }
    return out;
  }

  function majority(s) {
    // The label most reviewers gave, on the current scale (a tie: the first of them on the
    // scale), with its count and the number of reviews; null without reviews.
    const counts = new Map();
    let total = 0;
    for (const review of s.reviews) {
      if (!labelBySlug[review.label]) continue; // a retired label cannot be chosen
      counts.set(review.label, (counts.get(review.label) || 0) + 1);
      total += 1;
    }
    let best = null;
    for (const label of labels) {
      const count = counts.get(label.slug) || 0;
      if (count && (!best || count > best.count)) best = { slug: label.slug, count };
    }
    if (!best) return null;
    const tied = labels.filter((l) => l.slug !== best.slug && counts.get(l.slug) === best.count).length > 0;
    return Object.assign(best, { total, tied });
  }

  function majorityHint(s, most) {
    if (s.verdict) return "";
    if (!most) return "No reviews yet.";
    const counted = " (" + most.count + " of " + most.total + " review" + (most.total === 1 ? "" : "s") + ")";
    if (most.tied) return "Starts at " + labelName(most.slug) + ": the reviewers are split" + counted + ".";
    return "Starts at the reviewers' majority, " + labelName(most.slug) + counted + ".";
  }

  function fillVerdictForm(s, force) {
    const form = $("verdict-form");
    const version = s.verdict ? s.verdict.version : null;
    const same = verdictForm.id === s.id && verdictForm.version === version;
    if (force || !same) {
      // The stored verdict, else what most reviewers said: the editor's usual starting point.
      const most = majority(s);
      form.elements.label.value = s.verdict ? s.verdict.label : most ? most.slug : labels[0].slug;
      $("verdict-label-hint").textContent = majorityHint(s, most);
      form.elements.rationale.value = s.verdict ? s.verdict.rationale : "";
      form.elements.published.checked = Boolean(s.verdict && s.verdict.published);
      form.elements.correction.value = "";
      verdictForm.sources = sourceCandidates(s);
      closeSourceForm();
      clearVerdictErrors();
    } else {
      // Evidence a reviewer added meanwhile is offered too, unticked.
      const known = new Set(verdictForm.sources.map((c) => c.item.url.trim()));
      for (const c of sourceCandidates(s)) {
        if (!known.has(c.item.url.trim())) verdictForm.sources.push(Object.assign(c, { checked: c.stored }));
      }
    }
    verdictForm.id = s.id;
    verdictForm.version = version;
    $("verdict-public-path").textContent = publicPath(s.id);
    $("verdict-correction-box").hidden = !(s.verdict && s.verdict.published);
    renderSources();
  }

  function renderSources() {
    const list = $("verdict-source-list");
    list.replaceChildren();
    verdictForm.sources.forEach((source, index) => {
      const box = el("input", { type: "checkbox", class: "source-keep" });
      box.checked = source.checked;
      box.addEventListener("change", () => {
        source.checked = box.checked;
      });
      const item = source.item;
      const label = el("label", { class: "check" }, box, el("span", { text: item.title || item.url }));
      const link = el("a", { href: item.url, rel: "noopener noreferrer nofollow", text: item.url });
      const from = source.stored ? "in the verdict" : source.from.length ? "from " + source.from.join(", ") : "added here";
      const li = el("li", { "data-url": item.url }, label, el("span", { class: "meta source-meta" }, link, " · " + item.stance + " · " + from));
      if (item.quote) li.append(el("q", { text: item.quote }));
      list.append(li);
      box.setAttribute("aria-label", "Keep source " + (index + 1) + ": " + (item.title || item.url));
    });
    if (!verdictForm.sources.length) {
      list.append(el("li", { class: "meta", text: "No sources yet: add one (the reviewers gave none)." }));
    }
  }

  function openSourceForm() {
    const box = $("verdict-source-new");
    box.hidden = false;
    $("verdict-source-add").hidden = true;
    $("verdict-source-url").focus();
  }

  function closeSourceForm() {
    const box = $("verdict-source-new");
    box.hidden = true;
    $("verdict-source-add").hidden = false;
    for (const id of ["verdict-source-url", "verdict-source-title", "verdict-source-quote"]) $(id).value = "";
    $("verdict-source-stance").value = "context";
    fieldError("verdict-source", null);
  }

  function addSource() {
    const url = $("verdict-source-url");
    const value = url.value.trim();
    if (!value || !url.checkValidity() || !/^https?:\/\//i.test(value)) {
      fieldError("verdict-source", "Give the source's full link, starting with https:// or http://.");
      url.focus();
      return;
    }
    const item = {
      url: value,
      title: $("verdict-source-title").value.trim(),
      quote: $("verdict-source-quote").value.trim(),
      stance: $("verdict-source-stance").value,
    };
    const known = verdictForm.sources.find((c) => c.item.url.trim() === value);
    if (known) {
      Object.assign(known.item, item);
      known.checked = true;
    } else {
      verdictForm.sources.push({ item, checked: true, from: [], stored: false });
    }
    closeSourceForm();
    fieldError("verdict-evidence", null);
    renderSources();
    $("verdict-source-add").focus();
  }

  function fieldError(prefix, text) {
    const node = $(prefix + "-error");
    if (!node) return false;
    node.textContent = text || "";
    node.hidden = !text;
    // The field marked invalid (a fieldset of sources cannot be: its message is described).
    const field = {
      "verdict-label": "verdict-label",
      "verdict-rationale": "verdict-rationale",
      "verdict-correction": "verdict-correction",
      "verdict-published": "verdict-published",
      "verdict-source": "verdict-source-url",
    }[prefix];
    if (field) {
      if (text) $(field).setAttribute("aria-invalid", "true");
      else $(field).removeAttribute("aria-invalid");
    }
    return true;
  }

  function clearVerdictErrors() {
    for (const name of VERDICT_FIELDS) fieldError("verdict-" + name, null);
  }

  function messagesOf(value) {
    // DRF's messages for a field, however nested (a list's items come keyed by index).
    if (value === null || value === undefined) return [];
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(messagesOf);
    return Object.entries(value).flatMap(([key, inner]) =>
      messagesOf(inner).map((text) => (/^\d+$/.test(key) ? "Source " + (Number(key) + 1) + ": " + text : key + ": " + text))
    );
  }

  function showVerdictErrors(payload) {
    // Each message beside its field; anything else above the panel. Returns the first field.
    clearVerdictErrors();
    const rest = {};
    let first = null;
    for (const [field, messages] of Object.entries(payload || {})) {
      if (VERDICT_FIELDS.includes(field) && fieldError("verdict-" + field, messagesOf(messages).join(" "))) {
        if (!first) first = field;
      } else {
        rest[field] = messages;
      }
    }
    showError(Object.keys(rest).length ? messageOf(rest) : "");
    return first;
  }

  function verdictChoice(publish) {
    const form = $("verdict-form");
    const s = sentence(state.current);
    const choice = {
      label: form.elements.label.value,
      rationale: form.elements.rationale.value,
      evidence: verdictForm.sources.filter((c) => c.checked).map((c) => Object.assign({}, c.item)),
      published: publish === undefined ? form.elements.published.checked : publish,
    };
    if (s.verdict && s.verdict.published) choice.correction = form.elements.correction.value;
    return choice;
  }

  function takeDownConfirmed(id) {
    return window.confirm(
      "Take this fact-check down? Its public page " + publicPath(id) +
        " will answer 410 Gone and it leaves the index and the feed; the verdict stays as a draft."
    );
  }

  function submitVerdict(id, choice) {
    const s = sentence(id);
    if (s.verdict && s.verdict.published && choice.published === false && !takeDownConfirmed(id)) {
      setSaveState("Still published: nothing was changed.");
      return;
    }
    putVerdict(id, choice);
  }

  function verdictKey(label) {
    // Shift + a label's key (editors): the verdict takes that label, with the rationale, the
    // sources and the Publish box as the form has them (unticked: a draft).
    const form = $("verdict-form");
    form.elements.label.value = label.slug;
    submitVerdict(state.current, verdictChoice());
  }

  function publishKey() {
    // p: publish what the form shows (a draft, or a verdict not set yet); a published one is
    // taken down after asking.
    const id = state.current;
    const s = sentence(id);
    if (s.verdict && s.verdict.published) {
      if (!takeDownConfirmed(id)) {
        setSaveState("Still published: nothing was changed.");
        return;
      }
      putVerdict(id, { label: s.verdict.label, rationale: s.verdict.rationale, published: false });
      return;
    }
    $("verdict-form").elements.published.checked = true;
    putVerdict(id, verdictChoice(true));
  }

  function renderEvidence() {
    const s = sentence(state.current);
    const list = $("evidence-list");
    list.replaceChildren();
    const items = reviewEvidence(s);
    const stored = s.mine ? s.mine.evidence.length : 0;
    items.forEach((ev, index) => {
      const link = el("a", { href: ev.url, rel: "noopener noreferrer nofollow", text: ev.title || ev.url });
      const edit = el("button", { type: "button", class: "small", text: "Edit", "aria-label": "Edit evidence " + (index + 1) });
      const remove = el("button", { type: "button", class: "small", text: "Remove", "aria-label": "Remove evidence " + (index + 1) });
      edit.addEventListener("click", () => openEvidence(index));
      remove.addEventListener("click", () => {
        if (index >= stored) {
          // Taken from an earlier verdict and not saved yet: it only leaves the draft.
          const taken = draftOf(s.id).taken;
          const url = ev.url.trim();
          draftSet(s.id, "taken", Object.assign({}, taken, { evidence: taken.evidence.filter((t) => t.url.trim() !== url) }));
          renderEvidence();
          return;
        }
        const evidence = items.filter((_, i) => i !== index);
        save({ evidence });
      });
      const item = el("li", {}, link, " (" + ev.stance + ") ");
      if (index >= stored) item.append(el("span", { class: "taken-mark", text: "from the earlier verdict, not saved yet" }), " ");
      item.append(edit, " ", remove);
      if (ev.quote) item.append(el("q", { text: ev.quote }));
      list.append(item);
    });
    if (!items.length) list.append(el("li", { class: "meta", text: "None yet." }));
  }

  // ---- saving -------------------------------------------------------------------------------
  function currentReview() {
    const s = sentence(state.current);
    return {
      label: pendingLabel() || (s.mine && s.mine.label) || null,
      note: $("note").value,
      evidence: reviewEvidence(s),
    };
  }

  async function save(changes, options) {
    const id = state.current;
    const s = sentence(id);
    const review = Object.assign(currentReview(), changes);
    const taken = draftOf(id).taken; // saved with this review, if it is still there after
    if (!review.label) {
      setSaveState("Not saved: choose a label first (keys 1–9).", "unsaved");
      return;
    }
    const label = labelBySlug[review.label];
    if (label && label.requiresEvidence && !review.evidence.length) {
      draftSet(id, "label", review.label);
      renderPanelLabels();
      setSaveState("Not saved yet: " + label.name + " needs evidence. Add a link to save.", "unsaved");
      openEvidence(null);
      return;
    }
    const headers = {};
    const version = options && "version" in options ? options.version : s.mine && s.mine.version;
    // A change only of the version this page has seen; a first review only while there is none.
    if (version) headers["If-Match"] = '"' + version + '"';
    else headers["If-None-Match"] = "*";
    setSaveState("Saving…", "saving");
    writeStarted(id);
    let result;
    try {
      result = await api("PUT", "/api/sentences/" + id + "/review/", review, headers);
    } catch (e) {
      setSaveState("Not saved: the network failed. Your changes are still here.", "unsaved");
      showError("Could not reach the server. Press the label again or leave the note field to retry.");
      return;
    }
    if (result.ok) {
      const before = s.mine;
      // What was saved leaves the draft; anything typed since stays in it.
      draftSet(id, "label", null);
      if (taken && draftOf(id).taken === taken) draftSet(id, "taken", null);
      if (draftOf(id).note === review.note) draftSet(id, "note", null);
      if (options && options.evidenceDraft) draftSet(id, "evidence", null);
      s.mine = result.payload;
      const relabelled = !before || before.label !== s.mine.label;
      if (relabelled && !(options && options.undoing)) {
        offerUndo("Labelled " + labelName(s.mine.label) + ".", () => undoLabel(id, before));
      }
      const done = (keep) => {
        // An undo or a withdrawal may have taken the review away meanwhile: it says so itself.
        if (state.current !== id || !s.mine) return;
        const node = $("panel-save");
        const [text, kind] = [node.textContent, node.className];
        renderPanel();
        if (keep) [node.textContent, node.className] = [text, kind];
        else setSaveState("Saved (version " + s.mine.version + ")", "saved");
      };
      paintSentence(id); // at once; the refresh below brings others' reviews and the status
      paintProgress();
      done();
      const written = saveStates;
      if (relabelled && prefs.autoAdvance && state.current === id && !(options && options.undoing)) {
        nextUnrated(true);
      }
      await refreshSentence(id);
      // What was said since (a key's answer, "Nothing to undo.") stays on the status line.
      done(saveStates !== written);
    } else if (result.status === 412) {
      // The page's copy was stale: take the stored review as the page's copy (so the colour and
      // the next If-Match are right) and offer to apply this one again.
      const theirs = result.payload && result.payload.current;
      s.mine = theirs || null;
      paintSentence(id);
      paintProgress();
      if (state.current !== id) return;
      renderPanelLabels();
      showConflict(review, theirs);
    } else {
      setSaveState("Not saved.", "unsaved");
      showError(messageOf(result.payload));
    }
  }

  // Writes started per sentence: a refresh that a later write overtook is dropped, so a slow
  // answer never brings back an older version (and a stale If-Match) after a quick change.
  const writes = {};

  function writeStarted(id) {
    writes[id] = (writes[id] || 0) + 1;
  }

  async function refreshSentence(id) {
    // After a save, blind review may reveal others' reviews, and the status may have moved.
    const seen = writes[id] || 0;
    const result = await api("GET", "/api/sentences/" + id + "/");
    if (!result.ok || (writes[id] || 0) !== seen) return;
    const s = sentence(id);
    const fresh = result.payload;
    s.status = fresh.status;
    s.reviews = fresh.reviews;
    s.verdict = fresh.verdict;
    if (fresh.matches) s.matches = fresh.matches;
    s.mine = fresh.reviews.find((r) => r.reviewer === data.me) || null;
    paintSentence(id);
    paintProgress();
  }

  function renderPanelLabels() {
    const s = sentence(state.current);
    const chosen = pendingLabel() || (s.mine && s.mine.label);
    for (const button of root.querySelectorAll(".label-button")) {
      button.setAttribute("aria-pressed", String(button.dataset.slug === chosen));
    }
  }

  function describe(review) {
    if (!review) return el("p", { text: "(withdrawn)" });
    const label = labelBySlug[review.label] || { name: review.label };
    const box = el("div", {}, el("strong", { text: label.name }));
    if (review.note) box.append(el("p", { text: review.note }));
    box.append(el("p", { class: "meta", text: (review.evidence || []).length + " evidence link(s)" }));
    return box;
  }

  function showConflict(mine, theirs) {
    const box = $("conflict");
    $("conflict-mine").replaceChildren(describe(mine));
    $("conflict-theirs").replaceChildren(describe(theirs));
    box.hidden = false;
    setSaveState("Not saved: this review changed elsewhere.", "unsaved");
    $("conflict-keep-mine").onclick = () => {
      box.hidden = true;
      save(mine, { version: theirs ? theirs.version : null });
    };
    $("conflict-take-theirs").onclick = async () => {
      box.hidden = true;
      await refreshSentence(state.current);
      renderPanel();
    };
    $("conflict-keep-mine").focus();
  }

  // ---- evidence -----------------------------------------------------------------------------
  let editing = null; // index of the evidence item being edited, or null for a new one

  function openEvidence(index) {
    // A draft of this sentence's evidence comes back as it was left; else a new item (its
    // stance "refutes" under a False or Misleading label) or the one to edit.
    const s = sentence(state.current);
    const draft = draftOf(state.current).evidence;
    let item;
    if (draft && (index === null || draft.index === index)) item = draft;
    else if (index === null) {
      const label = pendingLabel() || (s.mine && s.mine.label);
      item = { url: "", title: "", quote: "", stance: REFUTING.has(label) ? "refutes" : "context", index: null };
    } else item = Object.assign({}, reviewEvidence(s)[index], { index });
    fillEvidenceForm(item);
    $("evidence-form").elements.url.focus();
  }

  function fillEvidenceForm(item) {
    const form = $("evidence-form");
    editing = item.index === undefined ? null : item.index;
    form.elements.url.value = item.url || "";
    form.elements.title.value = item.title || "";
    form.elements.quote.value = item.quote || "";
    form.elements.stance.value = item.stance || "context";
    form.hidden = false;
    $("evidence-add").hidden = true;
  }

  function evidenceFormItem() {
    const form = $("evidence-form");
    return {
      url: form.elements.url.value,
      title: form.elements.title.value,
      quote: form.elements.quote.value,
      stance: form.elements.stance.value,
      index: editing,
    };
  }

  function hideEvidenceForm() {
    $("evidence-form").hidden = true;
    $("evidence-add").hidden = false;
  }

  function closeEvidence() {
    // Closed, not thrown away: what was typed stays as the sentence's draft.
    hideEvidenceForm();
    if (state.current !== null) $("s" + state.current).focus({ preventScroll: true });
  }

  function discardEvidence() {
    // On purpose: the typed evidence goes, and so does a label that was waiting for it.
    if (state.current === null) return;
    draftSet(state.current, "evidence", null);
    draftSet(state.current, "label", null);
    hideEvidenceForm();
    renderPanelLabels();
    setSaveState("Evidence draft discarded.");
    $("s" + state.current).focus({ preventScroll: true });
  }

  function renderDraftNote() {
    // Says what of this sentence is not saved yet, with a way to let it go.
    const id = state.current;
    const box = $("draft-note");
    const draft = id === null ? {} : draftOf(id);
    const parts = [];
    if (draft.taken) {
      const count = draft.taken.evidence.length;
      parts.push(
        "the earlier verdict's label " + labelName(draft.taken.label) + " and " + count + " source" +
          (count === 1 ? "" : "s") + " (from “" + draft.taken.title + "”)"
      );
    }
    if (draft.label) parts.push("the label " + labelName(draft.label) + " (waiting for evidence)");
    if ("note" in draft) parts.push("a note");
    if (draft.evidence) parts.push("evidence" + (draft.evidence.url ? " (" + draft.evidence.url + ")" : ""));
    box.hidden = !parts.length;
    $("draft-save").hidden = !draft.taken;
    $("draft-text").textContent = parts.length ? "Draft, not saved yet: " + parts.join(", ") + "." : "";
  }

  function discardDraft() {
    const id = state.current;
    if (id === null) return;
    delete drafts[id];
    storeDrafts();
    $("s" + id).classList.remove("has-draft");
    hideEvidenceForm();
    renderPanel();
    setSaveState("Draft discarded.");
    $("s" + id).focus({ preventScroll: true });
  }

  // ---- withdrawing, undoing ------------------------------------------------------------------
  let undoable = null; // what z (or the toast's Undo) does: the last label or withdrawal undone
  let toastTimer = null;

  function offerUndo(text, run) {
    undoable = run;
    $("toast-text").textContent = text + " ";
    $("toast").hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      $("toast").hidden = true;
    }, 8000);
  }

  function undo() {
    $("toast").hidden = true;
    if (!undoable) return setSaveState("Nothing to undo.");
    const run = undoable;
    undoable = null;
    run();
  }

  async function deleteReview(id) {
    // DELETE .../review/ of the version this page has seen; answers true once it is gone.
    const s = sentence(id);
    setSaveState("Withdrawing…", "saving");
    writeStarted(id);
    let result;
    try {
      result = await api("DELETE", "/api/sentences/" + id + "/review/", undefined, {
        "If-Match": '"' + s.mine.version + '"',
      });
    } catch (e) {
      setSaveState("Not withdrawn: the network failed.", "unsaved");
      return false;
    }
    if (!result.ok) {
      await refreshSentence(id);
      if (state.current === id) renderPanel();
      setSaveState("Not withdrawn.", "unsaved");
      showError(result.status === 412 ? "The review changed elsewhere meanwhile; it is shown as saved now." : messageOf(result.payload));
      return false;
    }
    s.mine = null;
    paintSentence(id);
    paintProgress();
    await refreshSentence(id);
    if (state.current === id) renderPanel();
    return true;
  }

  async function withdraw() {
    // Backspace: my review of this sentence goes (kept in the history), with an undo offered.
    const id = state.current;
    const before = sentence(id).mine;
    if (!before) return setSaveState("Nothing to withdraw: you have not rated this sentence.");
    if (!(await deleteReview(id))) return;
    setSaveState("Review withdrawn.", "saved");
    offerUndo("Review withdrawn.", () => restoreReview(id, before));
  }

  function restoreReview(id, review) {
    // As a first review again: If-None-Match: * refuses if someone rated it meanwhile in
    // another tab.
    if (state.current !== id) select(id);
    save({ label: review.label, note: review.note, evidence: review.evidence }, { version: null, undoing: true });
  }

  async function undoLabel(id, before) {
    if (state.current !== id) select(id);
    if (!before) {
      if (await deleteReview(id)) setSaveState("Label undone: not rated.", "saved");
      return;
    }
    save({ label: before.label, note: before.note, evidence: before.evidence }, { undoing: true });
  }

  // ---- offsets ------------------------------------------------------------------------------
  // The server's offsets (sentence start/end, a split's "at") are Python string indices: code
  // points. The page's (selectionStart, String.length, slice) are UTF-16 code units, which differ
  // after every character outside the Basic Multilingual Plane (emoji). A cut must also never
  // fall inside a user-perceived character: between a letter and its combining accent, inside a
  // flag or a ZWJ emoji sequence.
  const segmenter =
    typeof Intl === "object" && typeof Intl.Segmenter === "function"
      ? new Intl.Segmenter(undefined, { granularity: "grapheme" })
      : null;
  // Without Intl.Segmenter: never cut before a mark, joiner, variation selector or skin tone,
  // after a joiner, or between two regional indicators (an approximation of grapheme rules).
  const EXTENDS = /^[\p{M}\u200C\u200D\uFE00-\uFE0F\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/u;
  const REGIONAL = /^[\u{1F1E6}-\u{1F1FF}]$/u;

  function graphemeStarts(text) {
    // The UTF-16 offsets at which a user-perceived character starts, then text.length.
    let starts;
    if (segmenter) {
      starts = Array.from(segmenter.segment(text), (part) => part.index);
    } else {
      starts = [];
      let at = 0;
      let previous = "";
      let regionalRun = 0;
      for (const char of text) {
        const regional = REGIONAL.test(char);
        regionalRun = regional ? regionalRun + 1 : 0;
        const joined = EXTENDS.test(char) || previous === "\u200D" || (regional && regionalRun % 2 === 0);
        if (!joined || !starts.length) starts.push(at);
        at += char.length;
        previous = char;
      }
    }
    starts.push(text.length);
    return starts;
  }

  function codePointLength(text) {
    let count = 0;
    for (const _ of text) count += 1; // iterates by code point
    return count;
  }

  function splitOffset(text, cursor, s) {
    // The cursor (UTF-16 units into the sentence's text) as a cut in code points, moved to the
    // nearer edge of the character it falls inside (the following edge on a tie).
    if (codePointLength(text) !== s.end - s.start) {
      return { error: "The text on this page no longer matches the stored sentence; reload the page and split again." };
    }
    const starts = graphemeStarts(text);
    let utf16 = starts.find((edge) => edge >= cursor);
    if (utf16 === undefined) utf16 = text.length;
    if (utf16 !== cursor) {
      const before = starts[starts.indexOf(utf16) - 1];
      if (before !== undefined && cursor - before < utf16 - cursor) utf16 = before;
    }
    const codePoints = codePointLength(text.slice(0, utf16));
    if (!text.slice(0, utf16).trim() || !text.slice(utf16).trim()) {
      return { error: "Put the cursor inside the sentence, where the first part ends: both parts need some text." };
    }
    return { utf16, codePoints };
  }

  // ---- history, verdicts, segmentation ------------------------------------------------------
  async function loadHistory() {
    const list = $("history-list");
    const id = state.current;
    const result = await api("GET", "/api/sentences/" + id + "/history/");
    if (id !== state.current) return;
    list.replaceChildren();
    if (!result.ok) return list.append(el("li", { text: messageOf(result.payload) }));
    if (!result.payload.length) list.append(el("li", { class: "meta", text: "No changes yet." }));
    for (const entry of result.payload) {
      const after = entry.after || entry.before || {};
      const when = new Date(entry.created_at).toLocaleString();
      const text = when + " · " + (entry.actor || "system") + " · " + entry.action + " " + entry.entity +
        (after.label ? ": " + ((labelBySlug[after.label] || {}).name || after.label) : "");
      list.append(el("li", { text }));
    }
  }

  function setVerdict(event) {
    event.preventDefault();
    submitVerdict(state.current, verdictChoice());
  }

  async function putVerdict(id, choice) {
    const s = sentence(id);
    // Never overwrite blindly: a first verdict only while there is none, a change only of the
    // version this page has seen.
    const headers = s.verdict ? { "If-Match": '"' + s.verdict.version + '"' } : { "If-None-Match": "*" };
    const before = s.verdict;
    $("verdict-conflict").hidden = true;
    showError("");
    clearVerdictErrors();
    setSaveState(choice.published && !(before && before.published) ? "Publishing…" : "Saving the verdict…", "saving");
    let result;
    try {
      result = await api("PUT", "/api/sentences/" + id + "/verdict/", choice, headers);
    } catch (e) {
      setSaveState("Verdict not saved: the network failed.", "unsaved");
      showError("Could not reach the server. Your verdict is still in the form; set it again to retry.");
      return;
    }
    if (result.status === 412) return verdictConflict(id, choice, result.payload && result.payload.current);
    if (!result.ok) {
      if (state.current !== id) return;
      const publishing = choice.published && !(before && before.published);
      setSaveState(publishing ? "Not published: see the messages in the form." : "Verdict not saved.", "unsaved");
      if (result.status !== 400) return showError(messageOf(result.payload));
      // The reasons beside their fields; what was typed stays in the form.
      const first = showVerdictErrors(result.payload);
      if (first === "evidence") openSourceForm();
      else if (first === "label") $("verdict-label").focus();
      else if (first === "rationale") $("verdict-rationale").focus();
      else if (first === "correction") $("verdict-correction").focus();
      return;
    }
    s.verdict = result.payload;
    paintProgress();
    await refreshSentence(id);
    if (state.current !== id) return;
    renderPanel();
    const after = s.verdict || result.payload;
    let done = "Verdict saved.";
    if (after.published && !(before && before.published)) done = "Published: the fact-check is public.";
    else if (!after.published && before && before.published) done = "Taken down: its public page now answers 410 Gone.";
    else if (after.published && before && after.corrected_at !== before.corrected_at) done = "Correction published.";
    setSaveState(done, "saved");
  }

  function labelName(slug) {
    return (labelBySlug[slug] || { name: slug }).name;
  }

  async function verdictConflict(id, mine, theirs) {
    // Someone set or changed the verdict since this page last saw it. Show theirs, keep the
    // editor's choice in the form, and let them set it again on purpose.
    const s = sentence(id);
    s.verdict = theirs || null;
    paintSentence(id);
    paintProgress();
    if (state.current !== id) return;
    renderVerdict(s);
    let text;
    if (!theirs) text = "The verdict was removed meanwhile.";
    else if (theirs.is_consensus) text = "The reviewers' consensus set the verdict to " + labelName(theirs.label) + " meanwhile.";
    else text = (theirs.decided_by || "Someone") + " set the verdict to " + labelName(theirs.label) + " meanwhile.";
    $("verdict-conflict-text").textContent =
      text + " Yours (" + labelName(mine.label) + ") was not saved; it is still in the form.";
    const box = $("verdict-conflict");
    box.hidden = false;
    setSaveState("Verdict not saved: it changed elsewhere.", "unsaved");
    $("verdict-conflict-mine").onclick = () => submitVerdict(id, verdictChoice());
    $("verdict-conflict-theirs").onclick = () => {
      box.hidden = true;
      renderPanel();
      fillVerdictForm(sentence(id), true);
    };
    box.focus();
    // The stored copy (status, who, when) replaces the snapshot; the form stays as typed.
    await refreshSentence(id);
    if (state.current === id && !box.hidden) {
      renderVerdict(s);
      $("verdict-correction-box").hidden = !(s.verdict && s.verdict.published);
      const status = $("panel-status");
      status.textContent = STATUS_TEXT[s.status];
      status.className = "status-chip status-" + s.status;
    }
  }

  async function segmentationFix(kind) {
    const id = state.current;
    const s = sentence(id);
    let result;
    showError("");
    if (kind === "split") {
      const field = $("split-text");
      const cut = splitOffset(field.value, field.selectionStart, s);
      if (cut.error) return showError(cut.error);
      field.setSelectionRange(cut.utf16, cut.utf16); // where the cut really falls
      result = await api("POST", "/api/sentences/" + id + "/split/", { at: s.start + cut.codePoints });
    } else {
      result = await api("POST", "/api/sentences/" + id + "/merge/");
    }
    if (!result.ok) return showError(messageOf(result.payload));
    // Offsets and indexes changed: reload the article at this sentence.
    window.location.hash = "s" + id;
    window.location.reload();
  }

  // ---- a sentence's kind, an article's details (editors) -------------------------------------
  async function toggleKind() {
    // b: a claim becomes boilerplate (not rated, skipped by j/k) or back; PATCH answers the
    // sentence with its status, reviews and verdict.
    const id = state.current;
    const s = sentence(id);
    const kind = s.kind === "claim" ? "boilerplate" : "claim";
    showError("");
    setSaveState(kind === "claim" ? "Marking as a claim…" : "Marking as boilerplate…", "saving");
    let result;
    try {
      result = await api("PATCH", "/api/sentences/" + id + "/", { kind });
    } catch (e) {
      setSaveState("Kind not changed: the network failed.", "unsaved");
      return;
    }
    if (!result.ok) {
      if (state.current !== id) return;
      setSaveState("Kind not changed.", "unsaved");
      return showError(messageOf(result.payload));
    }
    const fresh = result.payload;
    Object.assign(s, { kind: fresh.kind, status: fresh.status, reviews: fresh.reviews, verdict: fresh.verdict });
    if (fresh.matches) s.matches = fresh.matches;
    s.mine = fresh.reviews.find((r) => r.reviewer === data.me) || null;
    const span = $("s" + id);
    span.classList.remove("kind-claim", "kind-boilerplate");
    span.classList.add("kind-" + s.kind);
    paintSentence(id);
    paintProgress();
    if (state.current !== id) return;
    renderPanel();
    setSaveState(s.kind === "claim" ? "Marked as a claim." : "Marked as boilerplate.", "saved");
  }

  const ARTICLE_FIELDS = ["title", "source", "url", "published_at", "language", "tags"];
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const titleSuffix = document.title.slice(document.title.lastIndexOf(" · "));
  let articleSaved = null; // the details as stored: only what differs is sent

  function articleFormValues() {
    // The form as PATCH /api/articles/{id}/ takes it.
    const f = $("article-form").elements;
    return {
      title: f.title.value,
      source: f.source.value,
      url: f.url.value.trim(),
      published_at: f.published_at.value || null, // a day: the API reads it as its midnight
      language: f.language.value.trim(),
      tags: f.tags.value.split(",").map((t) => t.trim()).filter(Boolean),
    };
  }

  function articleDetailsOf(article) {
    // An API answer in the form's terms; published_at is in the server's time zone, as the
    // page shows it, so its day is its first ten characters.
    return {
      title: article.title,
      source: article.source,
      url: article.url,
      published_at: article.published_at ? article.published_at.slice(0, 10) : null,
      language: article.language,
      tags: article.tags,
    };
  }

  function fillArticleForm(details) {
    const f = $("article-form").elements;
    for (const name of ARTICLE_FIELDS) {
      const value = details[name];
      f[name].value = name === "tags" ? value.join(", ") : value || "";
    }
  }

  function articleFieldError(name, text) {
    const node = $("article-" + name + "-error");
    node.textContent = text || "";
    node.hidden = !text;
    const input = $("article-form").elements[name];
    if (text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function clearArticleErrors() {
    for (const name of ARTICLE_FIELDS) articleFieldError(name, null);
    $("article-form-error").hidden = true;
  }

  function openArticleForm() {
    $("article-form").hidden = false;
    $("article-edit").setAttribute("aria-expanded", "true");
    $("article-save").textContent = "";
    $("article-form").elements.title.focus();
  }

  function closeArticleForm() {
    // What was not saved goes: the form shows the stored details again next time.
    fillArticleForm(articleSaved);
    clearArticleErrors();
    $("article-form").hidden = true;
    $("article-edit").setAttribute("aria-expanded", "false");
    $("article-edit").focus();
  }

  function dayText(day) {
    // As the template's date:"j M Y" writes it.
    const [year, month, date] = day.split("-").map(Number);
    return date + " " + MONTHS[month - 1] + " " + year;
  }

  function paintArticleHead(details) {
    $("article-title").textContent = details.title;
    document.title = details.title + titleSuffix;
    $("article-source").textContent = details.source || "Unknown source";
    $("article-published").textContent = details.published_at ? " · " + dayText(details.published_at) : "";
    const link = $("article-link");
    link.replaceChildren();
    if (details.url) link.append(" · ", el("a", { href: details.url, rel: "noopener noreferrer nofollow", text: "original" }));
    const tags = $("article-tags");
    tags.replaceChildren();
    for (const tag of details.tags) tags.append(" ", el("span", { class: "tag", text: tag }));
  }

  async function saveArticle(event) {
    event.preventDefault();
    clearArticleErrors();
    const form = $("article-form");
    const status = $("article-save");
    if (form.elements.published_at.validity.badInput) {
      articleFieldError("published_at", "Give the whole date (day, month and year), or none.");
      form.elements.published_at.focus();
      return;
    }
    const values = articleFormValues();
    const changes = {};
    for (const name of ARTICLE_FIELDS) {
      if (JSON.stringify(values[name]) !== JSON.stringify(articleSaved[name])) changes[name] = values[name];
    }
    if (!Object.keys(changes).length) {
      status.textContent = "Nothing to save: the details are as stored.";
      status.className = "save-state";
      return;
    }
    status.textContent = "Saving…";
    status.className = "save-state saving";
    let result;
    try {
      result = await api("PATCH", "/api/articles/" + data.article + "/", changes);
    } catch (e) {
      status.textContent = "Not saved: the network failed. Your changes are still in the form.";
      status.className = "save-state unsaved";
      return;
    }
    if (!result.ok) {
      status.textContent = "Not saved: see the messages in the form.";
      status.className = "save-state unsaved";
      // Each message beside its field; anything else above the buttons. The input stays.
      const rest = {};
      let first = null;
      for (const [name, messages] of Object.entries(result.status === 400 ? result.payload || {} : {})) {
        if (ARTICLE_FIELDS.includes(name)) {
          articleFieldError(name, [].concat(messages).join(" "));
          first = first || name;
        } else rest[name] = messages;
      }
      if (result.status !== 400) rest.detail = messageOf(result.payload);
      if (Object.keys(rest).length) {
        $("article-form-error").textContent = rest.detail && Object.keys(rest).length === 1 ? rest.detail : messageOf(rest);
        $("article-form-error").hidden = false;
      }
      if (first) form.elements[first].focus();
      return;
    }
    articleSaved = articleDetailsOf(result.payload);
    paintArticleHead(articleSaved);
    closeArticleForm();
    status.textContent = "Details saved.";
    status.className = "save-state saved";
  }

  // ---- events -------------------------------------------------------------------------------
  function onKey(event) {
    const help = $("help");
    if (!help.hidden) {
      if (event.key === "Escape" || event.key === "?") {
        event.preventDefault();
        closeHelp();
      }
      return;
    }
    if (isTyping(event.target)) {
      if (event.key === "Escape") {
        event.preventDefault();
        if (event.target.closest("#evidence-form")) {
          closeEvidence(); // the draft stays
          return;
        }
        if (event.target.closest("#article-form")) {
          closeArticleForm();
          return;
        }
        if (event.target.closest("#verdict-source-new")) {
          closeSourceForm();
          $("verdict-source-add").focus();
          return;
        }
        event.target.blur();
        if (state.current !== null) $("s" + state.current).focus();
      } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "note") {
        event.preventDefault();
        saveNote();
      } else if (event.key === "Enter" && event.target.closest("#verdict-source-new") && event.target.tagName !== "TEXTAREA") {
        event.preventDefault(); // adds the source; never submits the verdict form
        addSource();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // Shift + a label's key, by its place on the keyboard: Shift+1 types "!" (or "1" where the
    // digits are shifted); a plain number stays the editor's own review.
    if (data.isEditor && event.shiftKey && /^Digit[1-9]$/.test(event.code)) {
      const label = labelByKey[event.code.slice(5)];
      if (!label) return;
      event.preventDefault();
      if (state.current === null) move(+1);
      else verdictKey(label);
      return;
    }
    const key = event.key;
    if (key === "j" || key === "ArrowDown" || key === "ArrowRight") move(+1);
    else if (key === "k" || key === "ArrowUp" || key === "ArrowLeft") move(-1);
    else if (key === "u") nextUnrated();
    else if (key === "?") openHelp();
    else if (key === "z") undo();
    else if (state.current === null && /^[1-9nem]$/.test(key)) move(+1);
    else if (/^[1-9]$/.test(key) && labelByKey[key]) save({ label: labelByKey[key].slug });
    else if (key === "n") $("note").focus();
    else if (key === "e") openEvidence(null);
    else if (key === "m") takeMatch();
    else if (key === "Backspace") withdraw();
    else if (key === "p" && data.isEditor && state.current !== null) publishKey();
    else if (key === "d" && data.isEditor) nextDisputed();
    else if (key === "b" && data.isEditor && state.current !== null) toggleKind();
    else return;
    event.preventDefault();
  }

  function saveNote() {
    const note = $("note");
    if (state.current === null || note.value === note.dataset.saved) return;
    save({ note: note.value });
  }

  let lastFocus = null;
  function openHelp() {
    lastFocus = document.activeElement;
    $("help").hidden = false;
    $("help-close").focus();
  }
  function closeHelp() {
    $("help").hidden = true;
    if (lastFocus) lastFocus.focus();
  }

  document.addEventListener("keydown", onKey);
  spans.forEach((span, index) => {
    span.dataset.position = String(index + 1);
    span.addEventListener("click", () => select(Number(span.dataset.id)));
    paintSentence(span.dataset.id);
  });
  root.querySelectorAll(".label-button").forEach((button) =>
    button.addEventListener("click", () => save({ label: button.dataset.slug }))
  );
  $("note").addEventListener("blur", saveNote);
  $("evidence-add").addEventListener("click", () => openEvidence(null));
  $("evidence-cancel").addEventListener("click", closeEvidence);
  $("evidence-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const item = {
      url: form.elements.url.value.trim(),
      title: form.elements.title.value.trim(),
      quote: form.elements.quote.value.trim(),
      stance: form.elements.stance.value,
    };
    const s = sentence(state.current);
    if (!pendingLabel() && !s.mine) {
      showError("Choose a label first (keys 1–9); the evidence you typed stays here.");
      return;
    }
    const evidence = reviewEvidence(s).slice();
    if (editing === null) evidence.push(item);
    else evidence[editing] = item;
    closeEvidence(); // focus back on the sentence; the draft goes once the server has it
    save({ evidence }, { evidenceDraft: true });
  });
  $("evidence-form").addEventListener("input", () => {
    if (state.current !== null) draftSet(state.current, "evidence", evidenceFormItem());
  });
  $("evidence-discard").addEventListener("click", discardEvidence);
  $("draft-discard").addEventListener("click", discardDraft);
  $("draft-save").addEventListener("click", () => save({}));
  $("take-match").addEventListener("click", takeMatch);
  $("note").addEventListener("input", () => {
    const note = $("note");
    if (state.current === null || note.dataset.for !== String(state.current)) return;
    draftSet(state.current, "note", note.value === note.dataset.saved ? null : note.value);
  });
  $("toast-undo").addEventListener("click", undo);
  $("sheet-size").addEventListener("click", () => {
    const tall = root.classList.toggle("sheet-tall");
    $("sheet-size").setAttribute("aria-expanded", String(tall));
    $("sheet-size").textContent = tall ? "Less room" : "More room";
  });
  $("sheet-close").addEventListener("click", () => {
    root.classList.add("sheet-closed");
    if (state.current !== null) $("s" + state.current).focus({ preventScroll: true });
  });
  $("auto-advance").addEventListener("change", async (event) => {
    const box = event.target;
    const status = $("auto-advance-state");
    status.textContent = "Saving…";
    status.className = "save-state saving";
    let result;
    try {
      result = await api("PUT", "/api/preferences/", { auto_advance: box.checked });
    } catch (e) {
      result = { ok: false, payload: { detail: "the network failed" } };
    }
    if (result.ok) {
      prefs.autoAdvance = result.payload.auto_advance;
      status.textContent = "Saved for your account.";
      status.className = "save-state saved";
    } else {
      box.checked = prefs.autoAdvance;
      status.textContent = "Not saved: " + messageOf(result.payload);
      status.className = "save-state unsaved";
    }
  });
  $("verdict-form").addEventListener("submit", setVerdict);
  $("verdict-source-add").addEventListener("click", openSourceForm);
  $("verdict-source-save").addEventListener("click", addSource);
  $("verdict-source-cancel").addEventListener("click", () => {
    closeSourceForm();
    $("verdict-source-add").focus();
  });
  $("split-button").addEventListener("click", () => segmentationFix("split"));
  $("merge-button").addEventListener("click", () => segmentationFix("merge"));
  $("history").addEventListener("toggle", () => {
    if ($("history").open) loadHistory();
  });
  $("show-boilerplate").addEventListener("change", (event) => {
    state.showBoilerplate = event.target.checked;
    root.classList.toggle("show-boilerplate", state.showBoilerplate);
  });
  $("help-button").addEventListener("click", openHelp);
  if (data.isEditor) {
    articleSaved = articleFormValues(); // as the server rendered them
    $("article-edit").addEventListener("click", () => {
      if ($("article-form").hidden) openArticleForm();
      else closeArticleForm();
    });
    $("article-cancel").addEventListener("click", closeArticleForm);
    $("article-form").addEventListener("submit", saveArticle);
  }
  $("help-close").addEventListener("click", closeHelp);
  window.addEventListener("beforeunload", (event) => {
    // Drafts survive a reload of this tab (sessionStorage), not a closed tab: ask first.
    if (hasDrafts()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Following a link to #s123 (or editing the address) moves the current sentence there, so
  // the next key never rates a sentence off screen.
  window.addEventListener("hashchange", () => {
    const match = /^#s(\d+)$/.exec(window.location.hash);
    if (match && data.sentences[match[1]] && Number(match[1]) !== state.current) select(Number(match[1]));
  });

  paintProgress();
  for (const id of Object.keys(drafts)) $("s" + id).classList.add("has-draft");
  api("GET", "/api/preferences/")
    .then((result) => {
      if (!result.ok) return;
      prefs.autoAdvance = result.payload.auto_advance;
      $("auto-advance").checked = prefs.autoAdvance;
    })
    .catch(() => {}); // the setting stays off; ticking it again saves it
  const fromHash = /^#s(\d+)$/.exec(window.location.hash);
  if (fromHash && data.sentences[fromHash[1]]) select(Number(fromHash[1]));
})();
