// The group page's roster refreshes itself, so a facilitator sees parents join and finish
// without reloading. Progressive enhancement: without JavaScript, "Refresh the list" reloads.
const REFRESH_MS = 5000;

const container = document.getElementById("roster");
const updated = document.getElementById("roster-updated");

if (container && container.dataset.rosterUrl) {
  let timer;
  let stopped = false;

  const schedule = () => {
    clearTimeout(timer);
    // A hidden tab asks for nothing; it catches up as soon as it is shown again.
    if (!stopped && document.visibilityState === "visible") {
      timer = setTimeout(refresh, REFRESH_MS);
    }
  };

  const refresh = async () => {
    try {
      const response = await fetch(container.dataset.rosterUrl, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
        cache: "no-store",
      });
      // Signed out (the session ended while the page sat open, SES-1): reload, so the names
      // leave the screen and the sign-in page shows.
      if (response.redirected) {
        stopped = true;
        window.location.reload();
        return;
      }
      // No longer allowed: stop rather than show another page inside this one.
      if (!response.ok) {
        stopped = true;
        if (updated) updated.textContent = "The list stopped updating. Reload the page to see the latest.";
        return;
      }
      // Parsed by the browser first, so both sides compare in the same serialisation. Replace
      // only when something changed: a screen reader is not told about every poll.
      const fresh = document.createElement("template");
      fresh.innerHTML = await response.text();
      if (fresh.innerHTML.trim() !== container.innerHTML.trim()) {
        container.replaceChildren(fresh.content);
        if (updated) {
          const time = new Date().toLocaleTimeString(document.documentElement.lang || "en-GB", {
            hour: "2-digit",
            minute: "2-digit",
          });
          updated.textContent = `List updated at ${time}.`;
        }
      }
    } catch {
      // A dropped connection: try again next time.
    }
    schedule();
  };

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !stopped) refresh();
    else clearTimeout(timer);
  });
  schedule();
}
