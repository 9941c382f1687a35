// The indicator form of the admin: 許容幅 (tolerance) matters only when the direction is 維持する, so it is
// shown only then. Without JavaScript the field simply stays visible.
document.addEventListener("DOMContentLoaded", () => {
  const direction = document.getElementById("id_direction");
  const row = document.querySelector(".form-row.field-tolerance, .fieldBox.field-tolerance");
  if (!direction || !row) return;
  const show = () => { row.hidden = direction.value !== "maintain"; };
  direction.addEventListener("change", show);
  show();
});
