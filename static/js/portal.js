// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../build/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// "Listen": read the question and its answers aloud with the browser's own speech synthesis.
// Shown only where the browser supports it; the page works the same without it.
if ("speechSynthesis" in window) {
  for (const button of document.querySelectorAll("[data-listen]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const form = button.closest("form");
      const parts = [...form.querySelectorAll("[data-listen-text]")].map((el) => el.textContent.trim());
      window.speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(parts.join(". "));
      utterance.lang = document.documentElement.lang || "en-GB";
      window.speechSynthesis.speak(utterance);
    });
  }
}
