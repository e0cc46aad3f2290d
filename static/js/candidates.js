// candidates: show only the nomination fields the chosen channel needs. Without script every field
// stays visible and the server says which ones are missing.
(() => {
  const toggle = () => {
    const channel = document.getElementById("id_channel");
    if (!channel) return;
    const show = {
      id_leader: channel.value === "leader",
      id_co_signers: channel.value === "joint",
    };
    for (const [id, visible] of Object.entries(show)) {
      const input = document.getElementById(id);
      const box = input && input.closest(".col-md-6, .col-xl-4, .col-12");
      if (box) box.hidden = !visible;
    }
    for (const id of ["id_recommender_name", "id_recommender_position"]) {
      const input = document.getElementById(id);
      const box = input && input.closest(".col-md-6, .col-xl-4, .col-12");
      if (box) box.hidden = channel.value === "leader";
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    toggle();
    document.addEventListener("change", (event) => {
      if (event.target && event.target.id === "id_channel") toggle();
    });
  });
})();
