/* Contact form: add and remove channel and hours rows in place.
 *
 * Without this script the same buttons submit the form and the server adds or removes the row
 * (nothing is saved). With it, "Add" clones the row in the <template id="NAME-template">, and
 * "Remove" drops its row; rows are then renumbered so that field names stay NAME-0-..., NAME-1-...
 */
(function () {
  "use strict";

  var ATTRIBUTES = ["name", "id", "for", "aria-describedby"];

  function renumber(container) {
    var list = container.getAttribute("data-rows");
    var pattern = new RegExp("(^|\\s)" + list + "-(\\d+|__index__)-", "g");
    var rows = container.querySelectorAll(":scope > [data-row]");
    rows.forEach(function (row, index) {
      row.querySelectorAll("*").forEach(function (element) {
        ATTRIBUTES.forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value) {
            element.setAttribute(attribute, value.replace(pattern, "$1" + list + "-" + index + "-"));
          }
        });
      });
      var remove = row.querySelector("[data-remove-row]");
      if (remove) {
        remove.value = String(index);
      }
      var number = row.querySelector("[data-row-number]");
      if (number) {
        number.textContent = String(index + 1);
      }
    });
    var add = document.querySelector('[data-add-row="' + list + '"]');
    var max = parseInt(container.getAttribute("data-max"), 10);
    if (add && max) {
      add.disabled = rows.length >= max;
    }
  }

  function addRow(button) {
    var list = button.getAttribute("data-add-row");
    var container = document.querySelector('[data-rows="' + list + '"]');
    var template = document.getElementById(list + "-template");
    if (!container || !template) {
      return false;
    }
    var row = template.content.firstElementChild.cloneNode(true);
    container.appendChild(row);
    renumber(container);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
    return true;
  }

  function removeRow(button) {
    var row = button.closest("[data-row]");
    var container = row && row.parentElement;
    if (!container || !container.hasAttribute("data-rows")) {
      return false;
    }
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(container);
    var focus = next && next.querySelector("input:not([type=hidden]), select, textarea");
    (focus || document.querySelector('[data-add-row="' + container.getAttribute("data-rows") + '"]')).focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    var add = target.closest("[data-add-row]");
    if (add && addRow(add)) {
      event.preventDefault();
      return;
    }
    var remove = target.closest("[data-remove-row]");
    if (remove && removeRow(remove)) {
      event.preventDefault();
    }
  });

  document.querySelectorAll("[data-rows]").forEach(renumber);

  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
