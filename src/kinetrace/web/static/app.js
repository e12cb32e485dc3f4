// Light progressive enhancement: every page works without it.
"use strict";
document.documentElement.classList.add("js");

function initBodyMap(root) {
  const boxes = new Map();
  root.querySelectorAll("[data-area-box]").forEach((b) => boxes.set(b.dataset.areaBox, b));
  const form = root.closest("form");
  const sync = () => {
    const ticked = new Set();
    boxes.forEach((box, key) => {
      root.querySelectorAll(`ellipse[data-key="${key}"]`).forEach((e) => {
        e.classList.toggle("on", box.checked);
        e.setAttribute("aria-checked", box.checked ? "true" : "false");
      });
      if (box.checked) ticked.add(key.split("__")[1]);
    });
    if (form) {
      form.querySelectorAll("[data-region-detail]").forEach((f) => f.classList.toggle("hidden", !ticked.has(f.dataset.regionDetail)));
    }
  };
  const toggle = (area) => {
    const box = boxes.get(area.dataset.key);
    if (box) { box.checked = !box.checked; sync(); }
  };
  root.querySelectorAll("ellipse.area").forEach((area) => {
    area.addEventListener("click", () => toggle(area));
    area.addEventListener("keydown", (e) => {
      if (e.key === " " || e.key === "Enter") { e.preventDefault(); toggle(area); }
    });
  });
  boxes.forEach((box) => box.addEventListener("change", sync));
  sync();
}

function initLiveSearch(form) {
  const target = document.querySelector(form.dataset.liveSearch);
  const input = form.querySelector("input[type=search]");
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const url = `/patients?${new URLSearchParams(new FormData(form))}`;
      const res = await fetch(url, { headers: { "X-Partial": "1" } });
      if (res.ok) { target.innerHTML = await res.text(); history.replaceState(null, "", url); }
    }, 200);
  });
}

function initMediaPolling(list) {
  const pending = () => list.querySelectorAll('[data-status="queued"], [data-status="running"]');
  const tick = async () => {
    const items = pending();
    if (!items.length) return;
    for (const item of items) {
      const res = await fetch(`/api/v1/media/${item.dataset.mediaId}`);
      if (!res.ok) continue;
      const m = await res.json();
      const bar = item.querySelector(".progress span");
      bar.style.width = `${m.progress}%`;
      item.querySelector(".progress").setAttribute("aria-valuenow", m.progress);
      if (m.status === "done" || m.status === "failed") { window.location.reload(); return; }
      item.querySelector(".status").textContent = `Analysing… (${m.status}, ${m.progress} %)`;
    }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 800);
}

function initLandmarks(root) {
  const svg = root.querySelector("svg");
  const [, , vw, vh] = svg.getAttribute("viewBox").split(" ").map(Number);
  const status = root.querySelector("[data-landmark-status]");
  const place = (c) => { c.setAttribute("cx", c.dataset.x * vw); c.setAttribute("cy", c.dataset.y * vh); };
  const toSvg = (evt) => {
    const pt = svg.createSVGPoint(); pt.x = evt.clientX; pt.y = evt.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  };
  const clamp = (v) => Math.min(1, Math.max(0, v));
  let dragging = null;
  svg.querySelectorAll(".lm").forEach((c) => {
    place(c);
    c.addEventListener("pointerdown", (e) => { dragging = c; c.setPointerCapture(e.pointerId); });
    c.addEventListener("keydown", (e) => {
      const step = e.shiftKey ? 0.01 : 0.002;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (!moves[e.key]) return;
      e.preventDefault();
      c.dataset.x = clamp(+c.dataset.x + moves[e.key][0]); c.dataset.y = clamp(+c.dataset.y + moves[e.key][1]);
      c.classList.add("moved"); place(c);
    });
  });
  svg.addEventListener("pointermove", (e) => {
    if (!dragging) return;
    const p = toSvg(e);
    dragging.dataset.x = clamp(p.x / vw); dragging.dataset.y = clamp(p.y / vh);
    dragging.classList.add("moved"); place(dragging);
  });
  svg.addEventListener("pointerup", () => { dragging = null; });
  root.querySelector("[data-save-landmarks]").addEventListener("click", async () => {
    const points = [...svg.querySelectorAll(".lm")].map((c) => ({ name: c.dataset.name, x: +c.dataset.x, y: +c.dataset.y }));
    const res = await fetch(`/api/v1/media/${root.dataset.mediaId}/landmarks`, {
      method: "PUT", headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ points }),
    });
    status.textContent = res.ok ? "Landmarks saved." : "Could not save: " + (await res.text());
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-bodymap]").forEach(initBodyMap);
  document.querySelectorAll("[data-live-search]").forEach(initLiveSearch);
  document.querySelectorAll("[data-poll-media]").forEach(initMediaPolling);
  document.querySelectorAll("[data-landmarks]").forEach(initLandmarks);
});

// Destructive forms ask first: <form data-confirm="question">.
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (e) => { if (!window.confirm(form.dataset.confirm)) e.preventDefault(); });
});

// Copy buttons: <button data-copy="#input-id">.
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    field.select();
    try { await navigator.clipboard.writeText(field.value); } catch { document.execCommand("copy"); }
    button.textContent = "Copied";
  });
});

// A field with an error: open the section that holds it and put the cursor there.
(() => {
  const bad = document.querySelector("[aria-invalid=true]");
  if (!bad) return;
  for (let el = bad.parentElement; el; el = el.parentElement) { if (el.tagName === "DETAILS") el.open = true; }
  bad.focus();
  bad.scrollIntoView({ block: "center" });
})();

// A sign-in that expired (or was renewed in another tab) must not lose what was typed. Before a signed-in form
// is sent, check the session: a renewed session gets its fresh CSRF token; an ended one keeps the input in this
// tab's sessionStorage, goes to the sign-in page, and puts the input back when the page is shown again.
const KEEP = "kt-kept-form:";
if (document.body.dataset.signedIn) {
  document.querySelectorAll("form[method=post]:not([data-confirm])").forEach((form) => {
    if (/\/(login|logout)$/.test(form.getAttribute("action") || "")) return;
    form.addEventListener("submit", async (e) => {
      if (form.dataset.sessionChecked) return;
      e.preventDefault();
      if (form.dataset.sessionChecking) return;  // a second click while the check runs sends nothing twice
      form.dataset.sessionChecking = "1";
      let session = null;
      try {
        const res = await fetch("/api/v1/session", { credentials: "same-origin", headers: { Accept: "application/json" } });
        session = res.ok ? await res.json() : null;
      } catch { session = {}; }
      if (session) {
        const token = form.querySelector("input[name=csrf_token]");
        if (token && session.csrf_token) token.value = session.csrf_token;
        form.dataset.sessionChecked = "1";
        form.requestSubmit(e.submitter || undefined);
        return;
      }
      const data = {};
      new FormData(form).forEach((v, k) => { if (k !== "csrf_token" && typeof v === "string") (data[k] ||= []).push(v); });
      sessionStorage.setItem(KEEP + location.pathname, JSON.stringify({ action: form.getAttribute("action"), data }));
      location.href = `/login?expired=1&next=${encodeURIComponent(location.pathname)}`;
    });
  });
  const kept = sessionStorage.getItem(KEEP + location.pathname);
  if (kept) {
    sessionStorage.removeItem(KEEP + location.pathname);
    const { action, data } = JSON.parse(kept);
    const form = document.querySelector(`form[action="${CSS.escape(action)}"]`);
    if (form) {
      Object.entries(data).forEach(([name, values]) => {
        form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((field) => {
          if (field.type === "checkbox" || field.type === "radio") field.checked = values.includes(field.value);
          else field.value = values[0];
        });
      });
      form.querySelectorAll("[data-area-box]").forEach((b) => b.dispatchEvent(new Event("change")));
      const note = document.createElement("p");
      note.className = "banner ok"; note.id = "input-restored"; note.setAttribute("role", "status");
      note.textContent = "You were signed out; what you had typed is back. Check it and save again.";
      form.prepend(note);
    }
  }
}

// The self-screen: one step per screen, and only the questions the ticked places need (the knowledge base's
// `required_for`); the others wait, optional, under "More questions". Without JavaScript every step shows.
function initStepper(form) {
  const steps = [...form.querySelectorAll("[data-step]")];
  const next = form.querySelector("[data-step-next]");
  const back = form.querySelector("[data-step-back]");
  const submit = form.querySelector("#submit");
  const count = form.querySelector("[data-step-count]");
  const needed = form.querySelector("[data-questions-needed]");
  const more = form.querySelector("[data-questions-more]");
  let at = 0;
  const branch = () => {
    const regions = new Set();
    form.querySelectorAll("[data-area-box]").forEach((b) => { if (b.checked) regions.add(b.dataset.areaBox.split("__")[1]); });
    form.querySelectorAll("fieldset.question").forEach((q) => {
      const wanted = q.dataset.always === "yes" || q.dataset.requiredFor.split(" ").some((r) => regions.has(r));
      (wanted ? needed : more).appendChild(q);
    });
  };
  const show = () => {
    branch();
    steps.forEach((s, i) => { s.hidden = i !== at; });
    back.hidden = at === 0;
    next.hidden = at === steps.length - 1;
    submit.hidden = at !== steps.length - 1;
    count.textContent = `Step ${at + 1} of ${steps.length}`;
    window.scrollTo(0, 0);
    const heading = steps[at].querySelector("h2");
    if (heading) { heading.tabIndex = -1; heading.focus(); }
  };
  next.addEventListener("click", () => { at = Math.min(steps.length - 1, at + 1); show(); });
  back.addEventListener("click", () => { at = Math.max(0, at - 1); show(); });
  // After a server-side error, open the step holding the first bad field.
  const bad = form.querySelector("[aria-invalid=true]");
  if (bad) at = Math.max(0, steps.findIndex((s) => s.contains(bad)));
  show();
}
document.querySelectorAll("form[data-stepper]").forEach(initStepper);
