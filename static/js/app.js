// talentpool: behaviour that needs script. Pages work without it; no inline script anywhere
// (the Content-Security-Policy forbids it).
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) {
    target.insertAdjacentHTML(
      "afterbegin",
      '<div class="alert alert-danger" role="alert">请求失败，请刷新页面后重试。</div>',
    );
  }
});
