// training: keyboard entry on the attendance grid, and confirmation of destructive buttons. The grid is a plain form of <select>s and
// works without this script; with it, arrow keys move between cells and 1/2/3/0 set a value.
(() => {
  const KEYS = { 1: "present", 2: "absent", 3: "leave", 0: "" };
  const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  function cellAt(grid, row, col) {
    return grid.querySelector(`select[data-row="${row}"][data-col="${col}"]`);
  }

  function init() {
    const grid = document.querySelector(".attendance-grid");
    if (!grid) return;
    grid.querySelectorAll(".js-only").forEach((el) => el.classList.remove("d-none"));
    grid.addEventListener("keydown", (event) => {
      const cell = event.target.closest("select.attendance-cell");
      if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
      const row = Number(cell.dataset.row);
      const col = Number(cell.dataset.col);
      if (event.key in MOVES) {
        const [dr, dc] = MOVES[event.key];
        const next = cellAt(grid, row + dr, col + dc);
        event.preventDefault();
        if (next) next.focus();
      } else if (event.key in KEYS) {
        event.preventDefault();
        cell.value = KEYS[event.key];
        cell.classList.add("changed");
        const below = cellAt(grid, row + 1, col);
        if (below) below.focus();
      }
    });
    grid.addEventListener("change", (event) => {
      if (event.target.matches("select.attendance-cell")) event.target.classList.add("changed");
    });
    grid.querySelectorAll("button[data-fill-col]").forEach((button) => {
      button.addEventListener("click", () => {
        grid.querySelectorAll(`select[data-col="${button.dataset.fillCol}"]`).forEach((cell) => {
          if (!cell.value) {
            cell.value = button.dataset.value;
            cell.classList.add("changed");
          }
        });
      });
    });
  }

  // Buttons that delete or end something ask first (data-confirm="..."); without script the
  // form simply submits.
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    const message = button?.dataset.confirm || event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", init);
})();
