// looksmith console: plain JavaScript, no build step. The API key lives in sessionStorage and
// travels only as the x-api-key header; images are signed links, so <img> needs no key.

const KEY_STORE = "looksmith.key";
const GEN_STORE = "looksmith.generations";
const DAY_MS = 24 * 3600 * 1000;
const POLL_MS = 1500;

// HeyGen's enums, exactly as the API accepts them (src/looksmith/domain/specs.py).
const CHOICES = {
  age: ["Young Adult", "Early Middle Age", "Late Middle Age", "Senior", "Unspecified"],
  gender: ["Woman", "Man", "Unspecified"],
  ethnicity: [
    "White", "Black", "Asian American", "East Asian", "South East Asian", "South Asian",
    "Middle Eastern", "Pacific", "Hispanic", "Unspecified",
  ],
  orientation: ["square", "horizontal", "vertical"],
  pose: ["half_body", "close_up", "full_body"],
  style: ["Realistic", "Pixar", "Cinematic", "Vintage", "Noir", "Cyberpunk", "Unspecified"],
};
const LABELS = {
  age: "Age", gender: "Gender", ethnicity: "Ethnicity", orientation: "Orientation",
  pose: "Pose", style: "Style",
};
const DEFAULTS = {
  age: "Young Adult", gender: "Woman", ethnicity: "East Asian", orientation: "square",
  pose: "half_body", style: "Realistic",
};
const OPTION_TEXT = {
  square: "Square", horizontal: "Horizontal", vertical: "Vertical",
  half_body: "Half body", close_up: "Close-up", full_body: "Full body",
};
const UPLOAD_TYPES = ["image/jpeg", "image/png", "image/webp"];
const UPLOAD_MAX = 10 * 1024 * 1024;

const $ = (id) => document.getElementById(id);

const state = {
  key: null,
  generations: new Map(), // id -> generation record
  groups: [],
  group: null, // the group open in the detail view
  groupLooks: [],
  training: null,
  stream: null, // AbortController of the event stream
  fallback: null, // interval that reads unfinished generations while the stream is down
  poll: null,
  groupLoad: "loading", // the open group's looks: "loading", "loaded" or "failed"
  upload: null, // {image_key, url}
  view: "photos",
};

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Worth asking again: the server was unreachable (0), busy (429) or failing (5xx). Anything
// else (400, 403, a malformed answer) will not change by asking again.
function transient(error) {
  const status = error && error.status;
  return status === 0 || status === 429 || (status >= 500 && status < 600);
}

// ---------------------------------------------------------------- helpers

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function showAlert(node, message) {
  node.textContent = message || "";
  node.hidden = !message;
}

let toastTimer = null;
function toast(message) {
  const node = $("toast");
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 3500);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function ago(ms) {
  if (!ms) return "";
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(ms).toLocaleDateString();
}

function slug(text) {
  return (text || "image").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "image";
}

// ---------------------------------------------------------------- API

function errorText(payload, response) {
  const error = payload && payload.error;
  if (typeof error === "string" && error) return error;
  if (error && typeof error.message === "string") return error.message;
  if (payload && typeof payload.message === "string" && payload.message) return payload.message;
  if (response.status === 429) return "Too many requests right now; try again in a moment.";
  if (response.status === 413) return "That file is too large.";
  return `The server answered ${response.status}.`;
}

async function api(path, { method = "GET", json, body, type } = {}) {
  const headers = { "x-api-key": state.key };
  if (json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(json);
  } else if (type) {
    headers["content-type"] = type;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body, cache: "no-store" });
  } catch {
    throw new ApiError(0, "The server could not be reached. Is looksmith running?");
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.status === 401) {
    if (state.key) signOut("The API key is no longer accepted. Enter a valid key.");
    throw new ApiError(401, "That API key was not accepted.");
  }
  if (!response.ok) throw new ApiError(response.status, errorText(payload, response));
  return payload;
}

// ---------------------------------------------------------------- session

function savedGenerations() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(GEN_STORE) || "[]");
    return Array.isArray(saved) ? saved : [];
  } catch {
    return [];
  }
}

function remember(record) {
  const saved = savedGenerations().filter((item) => item.id !== record.id);
  saved.push({
    id: record.id, name: record.name, kind: record.kind, groupId: record.groupId,
    createdAt: record.createdAt, orientation: record.orientation,
  });
  sessionStorage.setItem(GEN_STORE, JSON.stringify(saved.slice(-200)));
}

function forget(id) {
  sessionStorage.setItem(GEN_STORE, JSON.stringify(savedGenerations().filter((g) => g.id !== id)));
}

async function connect(event) {
  event.preventDefault();
  const key = $("key-input").value.trim();
  if (!key) {
    showAlert($("key-error"), "Enter an API key.");
    return;
  }
  $("key-submit").disabled = true;
  showAlert($("key-error"), "");
  try {
    await checkKey(key);
  } catch (error) {
    showAlert($("key-error"), error.status === 401
      ? "That API key was not accepted. Check it and try again."
      : error.message);
    return;
  } finally {
    $("key-submit").disabled = false;
  }
  sessionStorage.setItem(KEY_STORE, key);
  $("key-input").value = "";
  start(key);
}

async function checkKey(key) {
  let response;
  try {
    response = await fetch("/v2/avatar_group.list?limit=1", {
      headers: { "x-api-key": key }, cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "The server could not be reached. Is looksmith running?");
  }
  if (!response.ok) {
    let payload = null;
    try { payload = await response.json(); } catch { payload = null; }
    throw new ApiError(response.status, errorText(payload, response));
  }
}

function stopStream() {
  if (state.stream) state.stream.abort();
  state.stream = null;
  stopFallbackPolling();
}

function start(key) {
  stopStream(); // a second start (a reload racing a sign-in) must not leave two streams
  state.key = key;
  $("key-screen").hidden = true;
  $("tabs").hidden = false;
  $("session").hidden = false;
  for (const record of savedGenerations()) {
    addGeneration({ ...record, status: "in_progress", progress: 0, msg: "loading" });
  }
  showView(location.hash === "#groups" ? "groups" : "photos");
  followEvents();
  loadGroups();
}

function signOut(message) {
  state.key = null;
  sessionStorage.removeItem(KEY_STORE);
  sessionStorage.removeItem(GEN_STORE);
  stopStream();
  stopPolling();
  state.generations.clear();
  state.groups = [];
  state.group = null;
  $("generations").replaceChildren();
  $("groups").replaceChildren();
  if ($("viewer").open) $("viewer").close();
  for (const id of ["photos-view", "groups-view", "tabs", "session"]) $(id).hidden = true;
  $("key-screen").hidden = false;
  showAlert($("key-error"), message || "");
  $("key-input").focus();
}

function showView(view) {
  state.view = view;
  $("photos-view").hidden = view !== "photos";
  $("groups-view").hidden = view !== "groups";
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  history.replaceState(null, "", view === "groups" ? "#groups" : "#photos");
  if (view === "groups") loadGroups();
}

// ---------------------------------------------------------------- live status (server-sent events)

function setLive(mode) {
  const node = $("live");
  node.dataset.state = mode;
  node.textContent = { live: "Live", reconnecting: "Reconnecting…", connecting: "Connecting" }[mode];
  if (mode === "reconnecting") startFallbackPolling();
  else stopFallbackPolling();
}

// While the event stream is down, cards still move: unfinished generations are read every few
// seconds until the stream is back (it then reads them once more itself).
function startFallbackPolling() {
  if (state.fallback) return;
  refreshUnfinished();
  state.fallback = setInterval(refreshUnfinished, 2 * POLL_MS);
}

function stopFallbackPolling() {
  clearInterval(state.fallback);
  state.fallback = null;
}

// EventSource cannot send headers, so the stream is read with fetch() and a ReadableStream.
async function followEvents() {
  const controller = new AbortController();
  state.stream = controller;
  // The tenant stream replays generations that finished after the id's time: the last day's.
  let lastId = `${Date.now() - DAY_MS}-replay-7`;
  let delay = 1000;
  while (!controller.signal.aborted) {
    try {
      const response = await fetch("/v2/photo_avatar/events", {
        headers: { "x-api-key": state.key, "Last-Event-ID": lastId, accept: "text/event-stream" },
        cache: "no-store",
        signal: controller.signal,
      });
      if (response.status === 401) {
        signOut("The API key is no longer accepted. Enter a valid key.");
        return;
      }
      if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
      setLive("live");
      delay = 1000;
      refreshUnfinished();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = parseFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (frame.id) lastId = frame.id;
          if (frame.data) onEvent(frame);
        }
      }
    } catch {
      if (controller.signal.aborted) return;
    }
    if (controller.signal.aborted || state.stream !== controller) return;
    setLive("reconnecting");
    await sleep(delay);
    delay = Math.min(delay * 2, 15000);
  }
}

function parseFrame(text) {
  const frame = { id: null, event: "message", data: "" };
  for (const line of text.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") frame.id = value;
    else if (field === "event") frame.event = value;
    else if (field === "data") frame.data += (frame.data ? "\n" : "") + value;
  }
  return frame;
}

function onEvent(frame) {
  let data;
  try {
    data = JSON.parse(frame.data);
  } catch {
    return;
  }
  if (!data || typeof data.id !== "string") return;
  let record = state.generations.get(data.id);
  if (!record) {
    const millis = Number((frame.id || "").split("-")[0]);
    record = addGeneration({ id: data.id, name: null, kind: "other", createdAt: millis || Date.now() });
  }
  record.status = data.status;
  record.progress = data.progress ?? record.progress;
  record.msg = data.msg;
  if (loads.busy.has(record.id)) loads.again.add(record.id); // that read may predate this event
  if (data.status === "success" && !record.urls.length) loadGeneration(record);
  else renderGeneration(record);
  if (data.status !== "in_progress" && record.kind === "look") lookGenerationFinished(record);
}

function refreshUnfinished() {
  for (const record of state.generations.values()) {
    if (record.status === "in_progress" || (record.status === "success" && !record.urls.length)) {
      loadGeneration(record);
    }
  }
}

// ---------------------------------------------------------------- generations

function addGeneration(fields) {
  const existing = state.generations.get(fields.id);
  if (existing) return existing;
  const record = {
    name: null, kind: "other", groupId: null, orientation: null, status: "in_progress",
    progress: 0, msg: "queued", urls: [], keys: [], createdAt: Date.now(), ...fields,
  };
  state.generations.set(record.id, record);
  renderGeneration(record);
  return record;
}

// Status reads: at most four at a time (a replay can name a hundred generations), one per
// generation in flight; an event that arrives meanwhile makes that generation read again.
const loads = { running: 0, queue: [], busy: new Set(), again: new Set() };

function loadGeneration(record) {
  if (loads.busy.has(record.id)) {
    loads.again.add(record.id);
    return;
  }
  loads.busy.add(record.id);
  loads.queue.push(record);
  pumpLoads();
}

function pumpLoads() {
  while (loads.running < 4 && loads.queue.length) {
    const record = loads.queue.shift();
    loads.running += 1;
    readGeneration(record).finally(() => {
      loads.running -= 1;
      loads.busy.delete(record.id);
      if (loads.again.delete(record.id) && state.generations.get(record.id) === record) {
        loadGeneration(record);
      }
      pumpLoads();
    });
  }
}

async function readGeneration(record) {
  try {
    const payload = await api(`/v2/photo_avatar/generation/${encodeURIComponent(record.id)}?include=progress`);
    const data = payload.data;
    record.status = data.status;
    record.msg = data.msg ?? (data.status === "in_progress" ? record.msg : null);
    if (typeof data.progress === "number") record.progress = data.progress;
    record.urls = data.image_url_list || [];
    record.keys = data.image_key_list || [];
    if (record.status !== "in_progress" && record.kind === "look") lookGenerationFinished(record);
  } catch (error) {
    if (error.status === 404) {
      state.generations.delete(record.id);
      forget(record.id);
      $(`gen-${record.id}`)?.remove();
      updateGenerationCount();
      return;
    }
    if (error.status === 401) return;
    if (transient(error)) {
      // Unreachable, busy or failing: read again in a moment; the card keeps what it showed.
      setTimeout(() => {
        if (state.generations.get(record.id) === record) loadGeneration(record);
      }, 3000);
    } else {
      // Asking again would get the same answer: say so on the card and stop.
      record.status = "failed";
      record.msg = error.message || "This generation could not be read.";
    }
  }
  if (state.generations.get(record.id) === record) renderGeneration(record); // not signed out since
}

function statusBadge(record) {
  if (record.status === "success") return h("span", { class: "badge", dataset: { tone: "ok" } }, "Ready");
  if (record.status === "failed") return h("span", { class: "badge", dataset: { tone: "bad" } }, "Failed");
  const done = Math.round((record.progress || 0) * 4);
  if (record.msg === "queued" || record.msg === "loading") {
    return h("span", { class: "badge", dataset: { tone: "wait" } }, record.msg === "loading" ? "Checking" : "Queued");
  }
  return h("span", { class: "badge", dataset: { tone: "busy" } }, done ? `Rendering ${done}/4` : "Rendering");
}

function generationTitle(record) {
  if (record.name) return record.name;
  return `Generation ${record.id.slice(0, 8)}`;
}

function renderGeneration(record) {
  const title = generationTitle(record);
  let body;
  if (record.status === "success" && record.urls.length) {
    const items = record.urls.map((url, i) => ({
      url, key: record.keys[i], title: `${title} · ${i + 1} of ${record.urls.length}`,
      filename: `${slug(title)}-${i + 1}`, generation: record,
    }));
    body = h("div", { class: "thumbs" }, items.map((item, i) => h("button", {
      type: "button", class: "thumb", "aria-label": `Open ${item.title}`,
      onclick: () => openViewer(items, i),
    }, h("img", { src: item.url, alt: item.title, loading: "lazy", decoding: "async" }))));
  } else if (record.status === "failed") {
    body = h("div", { class: "failed-body" }, record.msg || "The generation failed.");
  } else {
    const done = Math.round((record.progress || 0) * 4);
    body = h("div", { class: "thumbs" }, [0, 1, 2, 3].map((i) => h("div", {
      class: i < done ? "placeholder done" : "placeholder",
    })));
  }
  const bar = h("div", { class: "progress-bar" });
  const fraction = record.status === "in_progress" ? record.progress || 0 : 1;
  bar.style.setProperty("--p", `${Math.round(fraction * 100)}%`);
  const card = h("article", {
    class: "card gen-card", id: `gen-${record.id}`, dataset: { status: record.status },
  },
  h("div", { class: "card-head" }, h("span", { class: "card-title", title }, title), statusBadge(record)),
  body,
  record.status === "in_progress" ? h("div", { class: "progress" }, bar) : null,
  h("div", { class: "card-foot" },
    h("span", {}, record.kind === "look" ? "Looks" : record.kind === "photo" ? "Photos" : "Generation",
      record.createdAt ? ` · ${ago(record.createdAt)}` : ""),
    h("span", { class: "mono", title: record.id }, record.id.slice(0, 8))));
  const existing = $(`gen-${record.id}`);
  if (existing) existing.replaceWith(card);
  else insertSorted(card, record);
  updateGenerationCount();
}

function insertSorted(card, record) {
  const list = $("generations");
  for (const other of list.children) {
    const otherRecord = state.generations.get(other.id.slice(4));
    if (otherRecord && otherRecord.createdAt < record.createdAt) {
      list.insertBefore(card, other);
      return;
    }
  }
  list.append(card);
}

function updateGenerationCount() {
  const count = state.generations.size;
  $("generations-empty").hidden = count > 0;
  $("generations-count").textContent = count ? `${count} generation${count === 1 ? "" : "s"}` : "";
}

async function generate(event) {
  event.preventDefault();
  const form = event.target;
  const body = { name: $("gen-name").value.trim(), appearance: $("gen-appearance").value.trim() };
  for (const field of Object.keys(CHOICES)) body[field] = form.elements[field].value;
  if (!body.name) return showAlert($("generate-error"), "Give the person a name.");
  if (!body.appearance) return showAlert($("generate-error"), "Describe the appearance, e.g. “red hoodie, glasses”.");
  showAlert($("generate-error"), "");
  $("generate-submit").disabled = true;
  try {
    const payload = await api("/v2/photo_avatar/photo/generate", { method: "POST", json: body });
    const record = addGeneration({
      id: payload.data.generation_id, name: body.name, kind: "photo",
      orientation: body.orientation, createdAt: Date.now(),
    });
    record.name = body.name;
    record.kind = "photo";
    remember(record);
    renderGeneration(record);
    toast(`Generating 4 photos of ${body.name}`);
  } catch (error) {
    showAlert($("generate-error"), error.message);
  } finally {
    $("generate-submit").disabled = false;
  }
}

// ---------------------------------------------------------------- viewer

const viewer = { items: [], index: 0 };

function openViewer(items, index) {
  viewer.items = items;
  showImage(index);
  if (!$("viewer").open) $("viewer").showModal();
}

function showImage(index) {
  const count = viewer.items.length;
  viewer.index = (index + count) % count;
  const item = viewer.items[viewer.index];
  $("viewer-image").src = item.url;
  $("viewer-image").alt = item.title;
  $("viewer-title").textContent = item.title;
  const link = $("viewer-download");
  link.href = item.url;
  link.setAttribute("download", item.filename);
  // Browsers ignore `download` for other origins (S3, another public base URL): open a new tab
  // there rather than leave the console.
  if (new URL(item.url, location.href).origin !== location.origin) {
    link.target = "_blank";
    link.rel = "noopener";
  } else {
    link.removeAttribute("target");
    link.removeAttribute("rel");
  }
  $("viewer-prev").hidden = count < 2;
  $("viewer-next").hidden = count < 2;
  $("viewer-group").hidden = !(item.generation && item.generation.kind !== "look" && item.key);
}

async function groupFromViewer() {
  const item = viewer.items[viewer.index];
  const name = item.generation.name || "Avatar";
  $("viewer-group").disabled = true;
  try {
    const payload = await api("/v2/photo_avatar/avatar_group/create", {
      method: "POST", json: { name, image_key: item.key, generation_id: item.generation.id },
    });
    $("viewer").close();
    toast(`Avatar group “${name}” created`);
    showView("groups");
    await loadGroups();
    openGroup(payload.data.group_id);
  } catch (error) {
    toast(error.message);
  } finally {
    $("viewer-group").disabled = false;
  }
}

// ---------------------------------------------------------------- uploads and groups

async function chooseFile() {
  const file = $("upload-input").files[0];
  showAlert($("upload-error"), "");
  state.upload = null;
  $("create-group").disabled = true;
  if (!file) return;
  if (!UPLOAD_TYPES.includes(file.type)) {
    showAlert($("upload-error"), "Choose a JPEG, PNG or WebP image.");
    return;
  }
  if (file.size > UPLOAD_MAX) {
    showAlert($("upload-error"), "That file is larger than 10 MB.");
    return;
  }
  $("drop").classList.add("busy");
  $("drop-text").querySelector("strong").textContent = "Uploading…";
  try {
    const payload = await api("/v1/asset", { method: "POST", body: file, type: file.type });
    state.upload = { image_key: payload.data.image_key, url: payload.data.url };
    $("upload-preview").src = payload.data.url;
    $("upload-preview").hidden = false;
    $("drop-text").hidden = true;
    if (!$("group-name").value.trim()) {
      $("group-name").value = file.name.replace(/\.[^.]+$/, "").slice(0, 200);
    }
    $("create-group").disabled = false;
  } catch (error) {
    showAlert($("upload-error"), error.message);
  } finally {
    $("drop").classList.remove("busy");
    $("drop-text").querySelector("strong").textContent = "Choose a photo";
  }
}

async function addPhoto() {
  const group = state.group;
  const input = $("add-photo-input");
  const file = input.files[0];
  input.value = "";
  if (!file || !group) return;
  showAlert($("group-error"), "");
  if (!UPLOAD_TYPES.includes(file.type)) return showAlert($("group-error"), "Choose a JPEG, PNG or WebP image.");
  if (file.size > UPLOAD_MAX) return showAlert($("group-error"), "That file is larger than 10 MB.");
  $("add-photo").classList.add("busy");
  $("add-photo-text").textContent = "Uploading…";
  try {
    const asset = await api("/v1/asset", { method: "POST", body: file, type: file.type });
    await api("/v2/photo_avatar/avatar_group/add", {
      method: "POST", json: { group_id: group.id, image_keys: [asset.data.image_key], name: group.name },
    });
    toast("Photo added; checking it for a face");
    await refreshGroup();
  } catch (error) {
    showAlert($("group-error"), error.message);
  } finally {
    $("add-photo").classList.remove("busy");
    $("add-photo-text").textContent = "Add photo";
  }
}

async function createGroup(event) {
  event.preventDefault();
  const name = $("group-name").value.trim();
  if (!state.upload) return showAlert($("upload-error"), "Choose a photo first.");
  if (!name) return showAlert($("upload-error"), "Give the group a name.");
  $("create-group").disabled = true;
  try {
    const payload = await api("/v2/photo_avatar/avatar_group/create", {
      method: "POST", json: { name, image_key: state.upload.image_key },
    });
    resetUpload();
    toast(`Avatar group “${name}” created`);
    await loadGroups();
    openGroup(payload.data.group_id);
  } catch (error) {
    showAlert($("upload-error"), error.message);
    $("create-group").disabled = false;
  }
}

function resetUpload() {
  state.upload = null;
  $("upload-input").value = "";
  $("upload-preview").hidden = true;
  $("upload-preview").removeAttribute("src");
  $("drop-text").hidden = false;
  $("group-name").value = "";
  $("create-group").disabled = true;
}

const TRAIN_TONES = { ready: "ok", pending: "busy", failed: "bad" };
const TRAIN_TEXT = { ready: "Trained", pending: "Training", failed: "Training failed" };
const LOOK_TONES = { completed: "ok", pending: "wait", failed: "bad" };
const LOOK_TEXT = { completed: "Ready", pending: "Checking face", failed: "Failed" };

function trainBadge(status, node) {
  const badge = node || h("span", { class: "badge" });
  badge.dataset.tone = TRAIN_TONES[status] || "none";
  badge.textContent = TRAIN_TEXT[status] || "Not trained";
  return badge;
}

async function loadGroups() {
  if (!state.key) return;
  try {
    const payload = await api("/v2/avatar_group.list?limit=100");
    state.groups = payload.data.avatar_group_list;
    showAlert($("groups-error"), "");
    renderGroups(payload.data.total_count);
  } catch (error) {
    if (error.status !== 401) showAlert($("groups-error"), error.message);
  }
}

function renderGroups(total) {
  const cards = state.groups.map((group) => h("button", {
    type: "button", class: "card group-card", id: `group-${group.id}`,
    onclick: () => openGroup(group.id),
  },
  h("div", { class: "group-cover" }, group.preview_image
    ? h("img", { src: group.preview_image, alt: group.name, loading: "lazy" })
    : "No photo"),
  h("div", { class: "card-head" }, h("span", { class: "card-title" }, group.name), trainBadge(group.train_status)),
  h("div", { class: "card-foot" },
    h("span", {}, `${group.num_looks} look${group.num_looks === 1 ? "" : "s"}`),
    h("span", {}, ago(group.created_at * 1000)))));
  $("groups").replaceChildren(...cards);
  $("groups-empty").hidden = state.groups.length > 0;
  $("groups-count").textContent = total ? `${total} group${total === 1 ? "" : "s"}` : "";
}

async function openGroup(groupId) {
  const group = state.groups.find((g) => g.id === groupId) || { id: groupId, name: "Avatar group", train_status: null };
  state.group = group;
  state.groupLooks = [];
  state.groupLoad = "loading";
  state.training = group.train_status ? { status: group.train_status, error_msg: null } : null;
  showAlert($("group-error"), "");
  $("group-list").hidden = true;
  $("group-detail").hidden = false;
  $("group-title").textContent = group.name;
  $("looks").replaceChildren();
  window.scrollTo({ top: 0 });
  await refreshGroup();
}

function closeGroup() {
  state.group = null;
  stopPolling();
  $("group-detail").hidden = true;
  $("group-list").hidden = false;
  loadGroups();
}

async function refreshGroup() {
  const group = state.group;
  if (!group) return;
  let failedTransiently = false;
  try {
    const looks = await api(`/v2/avatar_group/${encodeURIComponent(group.id)}/avatars?limit=100`);
    if (state.group !== group) return;
    state.groupLooks = looks.data.avatar_list;
    if (state.groupLoad === "failed") showAlert($("group-error"), "");
    state.groupLoad = "loaded";
    if (state.training) {
      const training = await api(`/v2/photo_avatar/train/status/${encodeURIComponent(group.id)}`);
      if (state.group !== group) return;
      state.training = training.data;
    }
  } catch (error) {
    if (error.status === 404) {
      toast("That group no longer exists.");
      closeGroup();
      return;
    }
    if (state.group !== group) return;
    if (error.status !== 401) showAlert($("group-error"), error.message);
    if (state.groupLoad === "loading") state.groupLoad = "failed";
    failedTransiently = transient(error);
  }
  renderGroup();
  const retry = state.groupLoad === "failed" && failedTransiently;
  const waiting = retry || state.groupLooks.some((look) => look.status === "pending")
    || (state.training && state.training.status === "pending")
    || pendingLookGenerations(group.id).length > 0;
  if (waiting) schedulePoll(retry ? 2 * POLL_MS : POLL_MS);
  else stopPolling();
}

function schedulePoll(delay = POLL_MS) {
  stopPolling();
  state.poll = setTimeout(refreshGroup, delay);
}

function stopPolling() {
  clearTimeout(state.poll);
  state.poll = null;
}

function pendingLookGenerations(groupId) {
  return [...state.generations.values()].filter(
    (g) => g.kind === "look" && g.groupId === groupId && g.status === "in_progress",
  );
}

function renderGroup() {
  const group = state.group;
  const looks = state.groupLooks;
  const training = state.training;
  const completed = looks.filter((look) => look.status === "completed").length;
  const trainStatus = training ? training.status : null;
  $("group-meta").textContent = `${looks.length} look${looks.length === 1 ? "" : "s"} · ${completed} ready`;
  trainBadge(trainStatus, $("train-badge"));
  $("train-button").disabled = completed === 0 || trainStatus === "pending";
  $("train-button").textContent = trainStatus === "ready" || trainStatus === "failed" ? "Train again" : "Train";
  let hint;
  if (!looks.length && state.groupLoad === "loading") hint = "Loading the group…";
  else if (!looks.length && state.groupLoad === "failed") hint = "The group could not be loaded.";
  else if (!looks.length) hint = "This group has no looks. Add a photo of the person.";
  else if (!completed && looks.some((look) => look.status === "pending")) hint = "Checking the photo for a face. Training opens once a look is ready.";
  else if (!completed) hint = "No look has a usable face. Upload another photo of the person.";
  else if (!trainStatus) hint = "Train the group to learn the person, then generate new looks.";
  else if (trainStatus === "pending") hint = "Training… this takes a moment.";
  else if (trainStatus === "failed") hint = training.error_msg || "Training failed.";
  else hint = "Trained. Describe a scene and outfit to generate four new looks.";
  $("train-hint").textContent = hint;
  $("looks-form").hidden = trainStatus !== "ready";

  const pending = pendingLookGenerations(group.id).map((record) => h("article", {
    class: "card look-card", dataset: { status: "generating" },
  }, h("div", { class: "placeholder" }),
  h("div", { class: "card-head" }, h("span", { class: "card-title" }, "New looks"), statusBadge(record))));
  const items = looks.map((look) => ({
    url: look.image_url, key: null, title: look.name, filename: slug(`${group.name}-${look.id.slice(0, 8)}`),
    generation: null,
  }));
  const cards = looks.map((look, i) => h("article", {
    class: "card look-card", id: `look-${look.id}`, dataset: { status: look.status },
  },
  h("button", {
    type: "button", class: "thumb", "aria-label": `Open ${look.name}`, onclick: () => openViewer(items, i),
  }, h("img", { src: look.image_url, alt: look.name, loading: "lazy" })),
  h("div", { class: "card-head" },
    h("span", { class: "card-title", title: look.name }, look.name),
    h("span", { class: "badge", dataset: { tone: LOOK_TONES[look.status] } }, LOOK_TEXT[look.status] || look.status))));
  $("looks").replaceChildren(...pending, ...cards);
  $("looks-count").textContent = looks.length ? `${looks.length}` : "";
}

async function train() {
  const group = state.group;
  $("train-button").disabled = true;
  showAlert($("group-error"), "");
  try {
    await api("/v2/photo_avatar/train", { method: "POST", json: { group_id: group.id } });
    state.training = { status: "pending", error_msg: null };
    renderGroup();
    schedulePoll();
  } catch (error) {
    showAlert($("group-error"), error.message);
    $("train-button").disabled = false;
  }
}

async function generateLooks(event) {
  event.preventDefault();
  const group = state.group;
  const form = event.target;
  const prompt = $("look-prompt").value.trim();
  if (!prompt) return showAlert($("group-error"), "Describe the new look in the prompt.");
  showAlert($("group-error"), "");
  const body = {
    group_id: group.id, prompt,
    orientation: form.elements.orientation.value, pose: form.elements.pose.value, style: form.elements.style.value,
  };
  $("looks-submit").disabled = true;
  try {
    const payload = await api("/v2/photo_avatar/look/generate", { method: "POST", json: body });
    const record = addGeneration({
      id: payload.data.generation_id, name: `${group.name}: ${prompt.slice(0, 60)}`, kind: "look",
      groupId: group.id, createdAt: Date.now(),
    });
    Object.assign(record, { kind: "look", groupId: group.id });
    remember(record);
    $("look-prompt").value = "";
    toast("Generating 4 looks");
    renderGroup();
  } catch (error) {
    showAlert($("group-error"), error.message);
  } finally {
    $("looks-submit").disabled = false;
  }
}

function lookGenerationFinished(record) {
  if (state.group && state.group.id === record.groupId) {
    if (record.status === "failed") showAlert($("group-error"), record.msg || "Generating looks failed.");
    refreshGroup();
  }
}

// ---------------------------------------------------------------- start

function choiceFields(container, fields) {
  for (const field of fields) {
    const select = h("select", { name: field, id: `${container.id}-${field}` },
      CHOICES[field].map((value) => h("option", { value, selected: value === DEFAULTS[field] }, OPTION_TEXT[value] || value)));
    container.append(h("label", { class: "field" }, h("span", { class: "label" }, LABELS[field]), select));
  }
}

function init() {
  choiceFields($("gen-choices"), Object.keys(CHOICES));
  choiceFields($("look-choices"), ["orientation", "pose", "style"]);
  $("key-form").addEventListener("submit", connect);
  $("key-form").hidden = false; // only now: see index.html
  $("sign-out").addEventListener("click", () => signOut(""));
  $("tab-photos").addEventListener("click", () => showView("photos"));
  $("tab-groups").addEventListener("click", () => showView("groups"));
  $("generate-form").addEventListener("submit", generate);
  $("gen-appearance").addEventListener("input", () => {
    $("appearance-count").textContent = `${$("gen-appearance").value.length} / 1000`;
  });
  $("upload-input").addEventListener("change", chooseFile);
  $("upload-form").addEventListener("submit", createGroup);
  $("group-back").addEventListener("click", closeGroup);
  $("train-button").addEventListener("click", train);
  $("add-photo-input").addEventListener("change", addPhoto);
  $("looks-form").addEventListener("submit", generateLooks);
  $("viewer-close").addEventListener("click", () => $("viewer").close());
  $("viewer-prev").addEventListener("click", () => showImage(viewer.index - 1));
  $("viewer-next").addEventListener("click", () => showImage(viewer.index + 1));
  $("viewer-group").addEventListener("click", groupFromViewer);
  $("viewer").addEventListener("click", (event) => {
    if (event.target === $("viewer")) $("viewer").close();
  });
  $("viewer").addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft") showImage(viewer.index - 1);
    if (event.key === "ArrowRight") showImage(viewer.index + 1);
  });
  setInterval(() => {
    for (const record of state.generations.values()) {
      const foot = $(`gen-${record.id}`)?.querySelector(".card-foot span");
      if (foot && record.createdAt) {
        const kind = record.kind === "look" ? "Looks" : record.kind === "photo" ? "Photos" : "Generation";
        foot.textContent = `${kind} · ${ago(record.createdAt)}`;
      }
    }
  }, 30000);
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) {
    checkKey(key).then(() => start(key), (error) => {
      if (error.status === 401) signOut("The saved API key is no longer accepted. Enter a valid key.");
      else showAlert($("key-error"), error.message);
    });
  } else {
    $("key-input").focus();
  }
}

init();
