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
