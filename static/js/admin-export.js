// The export form's "Select all" box, wired here rather than by an onchange attribute, which the
// Content Security Policy refuses. onSelectToggleChange comes from django-import-export's
// export_selectable_fields.js, loaded before this file by the form's media.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("input.select-toggle");
  if (toggle && typeof onSelectToggleChange === "function") {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
