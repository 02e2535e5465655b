// Names for the parts of the admin's third-party widgets that have none, so that screen readers
// announce them and axe-core's WCAG checks pass (tests/browser/test_admin_screens.py):
// - select2 (the admin's autocomplete boxes): the combobox is named by its field's label, the
//   inline search box of a multiple choice too; the "clear all" cross, a mouse-only shortcut, is
//   hidden from assistive technology (Backspace does the same from the keyboard).
// - the "filter" boxes of a two-list chooser (filter_horizontal) carry an icon with aria-label on
//   a plain span, which ARIA does not allow: the icon becomes an image with that name.
// Widgets are built after the page loads and again when an inline row is added, so changes to
// the page are watched rather than read once.
(function () {
  "use strict";

  function labelFor(select) {
    if (!select.id) {
      return null;
    }
    let label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = `${select.id}-label`;
    }
    return label;
  }

  function nameSelect2(container) {
    const select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") {
      return;
    }
    const label = labelFor(select);
    const combobox = container.querySelector(".select2-selection[role=combobox]");
    if (combobox && label) {
      const rendered = container.querySelector(".select2-selection__rendered[id]");
      const ids = [label.id, rendered ? rendered.id : null].filter(Boolean).join(" ");
      if (combobox.getAttribute("aria-labelledby") !== ids) {
        combobox.setAttribute("aria-labelledby", ids);
      }
    }
    if (combobox) {
      // ARIA 1.2 names a combobox's list with aria-controls; select2 sets only the older
      // aria-owns, while the list is open.
      const owns = combobox.getAttribute("aria-owns");
      if (owns && combobox.getAttribute("aria-controls") !== owns) {
        combobox.setAttribute("aria-controls", owns);
      } else if (!owns && combobox.hasAttribute("aria-controls")) {
        combobox.removeAttribute("aria-controls");
      }
    }
    container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((node) => {
      // The chosen value is read as part of the combobox's name; a read-only "textbox" inside a
      // combobox is a second, nameless control.
      node.removeAttribute("role");
      node.removeAttribute("aria-readonly");
    });
    container.querySelectorAll(".select2-search__field").forEach((field) => {
      if (label && !field.hasAttribute("aria-label")) {
        field.setAttribute("aria-label", `${label.textContent.replace(/:\s*$/, "").trim()}: search`);
      }
    });
    container.querySelectorAll(".select2-selection__clear").forEach((cross) => {
      cross.setAttribute("aria-hidden", "true");
    });
  }

  function nameDropdownSearch(field) {
    // The search box of an open single-choice select2 lives in a dropdown at the end of the page;
    // its aria-controls names the results list "select2-<select id>-results".
    if (field.hasAttribute("aria-label")) {
      return;
    }
    const controls = field.getAttribute("aria-controls") || "";
    const match = controls.match(/^select2-(.+)-results$/);
    const select = match ? document.getElementById(match[1]) : null;
    const label = select ? labelFor(select) : null;
    const name = label ? label.textContent.replace(/:\s*$/, "").trim() : "Choice";
    field.setAttribute("aria-label", `${name}: search`);
  }

  function repair(root) {
    root.querySelectorAll(".select2-container.select2").forEach(nameSelect2);
    root.querySelectorAll(".select2-dropdown .select2-search__field").forEach(nameDropdownSearch);
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  function start() {
    repair(document);
    // Observer callbacks run before the page next paints, so no one sees a nameless widget.
    new MutationObserver(() => repair(document)).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["aria-labelledby", "aria-owns", "role"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
