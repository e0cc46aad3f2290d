// Survey import pages. Everything works without this file; it only adds comfort.
(() => {
  // Uploading a large workbook takes a while: say so and stop a second click.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("[data-survey-upload]")) {
      const button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
        button.textContent = button.dataset.busyText || button.textContent;
      }
    }
    // Destructive actions (rolling a batch back) ask first.
    const question = form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
