// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../build/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// "Listen": read the question and its answers aloud with the browser's own speech synthesis.
// Shown only where the browser supports it; the page works the same without it.
// I18N-7: in the language of the question itself (items shown in English on a Portuguese page
// are read in English), or the service's own recording of the item when the definition has one.
for (const button of document.querySelectorAll("[data-listen]")) {
  const recording = button.dataset.listenAudio;
  if (!recording && !("speechSynthesis" in window)) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    if (recording) {
      new Audio(recording).play();
      return;
    }
    const form = button.closest("form");
    const texts = [...form.querySelectorAll("[data-listen-text]")];
    const parts = texts.map((el) => el.textContent.trim());
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(parts.join(". "));
    const first = texts[0];
    const spoken = first ? first.querySelector("[lang]") || first.closest("[lang]") : null;
    utterance.lang = (spoken && spoken.lang) || document.documentElement.lang || "en-GB";
    window.speechSynthesis.speak(utterance);
  });
}

// "Exit this page": the link already ends the session on the server and goes to a neutral site.
// With JavaScript it also hides the page at once, replaces this page in the history (so Back
// does not show it again), and pressing Shift three times in a row does the same from anywhere.
const exitLink = document.querySelector("[data-exit-this-page-link]");
if (exitLink) {
  const exit = (event) => {
    if (event) event.preventDefault();
    document.body.classList.add("app-exiting");
    window.location.replace(exitLink.href);
  };
  exitLink.addEventListener("click", exit);
  let shiftPresses = 0;
  let shiftTimer;
  document.addEventListener("keyup", (event) => {
    if (event.key !== "Shift") {
      shiftPresses = 0;
      return;
    }
    shiftPresses += 1;
    clearTimeout(shiftTimer);
    shiftTimer = setTimeout(() => {
      shiftPresses = 0;
    }, 5000);
    if (shiftPresses >= 3) exit();
  });
}

// A page restored from the browser's back-forward cache was not asked of the server again, so it
// could show what a session that has since ended (exit, a shared tablet handed on) still held.
// Reload it: the server then answers for the session as it is now.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.reload();
});
