// talentpool: behaviour that needs script. Pages work without it; no inline script anywhere
// (the Content-Security-Policy forbids it).
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) {
    // 429 (too many look-ups by ID or phone): the server sends its own Chinese alert.
    const xhr = event.detail.xhr;
    const alert =
      xhr && xhr.status === 429
        ? xhr.responseText
        : '<div class="alert alert-danger" role="alert">请求失败，请刷新页面后重试。</div>';
    target.insertAdjacentHTML("afterbegin", alert);
  }
});

// 打印 buttons ([data-print]): one handler for every page, bound once however many times the
// script is included, and deaf while the print dialog is open, so one click is one dialog.
if (!window.talentpoolPrintBound) {
  window.talentpoolPrintBound = true;
  let printing = false;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-print]");
    if (!button) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (printing) return;
    printing = true;
    try {
      window.print();
    } finally {
      printing = false;
    }
  });
}
