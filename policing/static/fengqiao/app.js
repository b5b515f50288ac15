// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  // Ask before a destructive action: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Add another party card on the registration form: focus its first field
  // and say so to screen readers.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-form]");
    if (!button) { return; }
    var prefix = button.getAttribute("data-add-form");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-form");
    if (!total || !template) { return; }
    var index = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    document.getElementById(prefix + "-rows").appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    var announce = document.getElementById(prefix + "-announce");
    if (announce) { announce.textContent = announce.getAttribute("data-added"); }
  });
  // Print button.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
  // The unit picker (units/templates/units/unit_picker.html): a text field the
  // server matches; here it lists the matching units of the user's scope as
  // they type (ARIA combobox: arrows, Enter, Escape; a click picks too).
  function unitPicker(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var url = input.getAttribute("data-unit-picker");
    var timer = null;
    var active = -1;
    var asked = 0;
    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function pick(option) {
      input.value = option.getAttribute("data-value");
      close();
    }
    function show(units) {
      list.textContent = "";
      units.slice(0, 10).forEach(function (unit, i) {
        var option = document.createElement("li");
        option.id = list.id + "_" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "list-group-item list-group-item-action py-1 small";
        option.setAttribute("data-value", unit.name + " (" + unit.code + ")");
        option.textContent = unit.name + " (" + unit.code + ")";
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(option);
        });
        list.appendChild(option);
      });
      list.hidden = units.length === 0;
      input.setAttribute("aria-expanded", units.length ? "true" : "false");
      active = -1;
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var needle = input.value.trim();
      if (!needle) { close(); return; }
      timer = window.setTimeout(function () {
        var ask = ++asked;
        fetch(url + encodeURIComponent(needle), {
          credentials: "same-origin", headers: { Accept: "application/json" }
        }).then(function (answer) {
          return answer.ok ? answer.json() : { results: [] };
        }).then(function (body) {
          if (ask === asked) { show(body.results || []); }
        }).catch(close);
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(options()[active]); }
    });
    input.addEventListener("blur", close);
  }
  document.addEventListener("DOMContentLoaded", function () {
    // A refused form: move focus to its error summary; name the count in the
    // title when the server could not (a second form on the page).
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      var prefix = summary.getAttribute("data-error-summary");
      if (document.title.indexOf(prefix) !== 0) { document.title = prefix + " · " + document.title; }
    }
    // Phone cards: each cell of a .table-cards table is labelled with its column.
    document.querySelectorAll("table.table-cards").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.replace(/[\u2191\u2193\u25b2\u25bc]/g, "").trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
            cell.setAttribute("data-label", heads[i]);
          }
        });
      });
    });
    // A table that scrolls sideways can be reached and scrolled by keyboard.
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        var heading = box.closest("section, .card");
        heading = heading && heading.querySelector("h2, h3, .card-header");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", heading ? heading.textContent.trim() : document.title);
      }
    });
    document.querySelectorAll("[data-unit-picker]").forEach(unitPicker);
    // A choice that decides another field's list (an alliance and its members):
    // the form is shown again for it, keeping the other query parameters.
    document.querySelectorAll("select[data-reload-with]").forEach(function (select) {
      select.addEventListener("change", function () {
        var query = new URLSearchParams(window.location.search);
        query.set(select.getAttribute("data-reload-with"), select.value);
        window.location.search = query.toString();
      });
    });
    // A long checkbox list gets a filter box.
    document.querySelectorAll("[data-choice-filter]").forEach(function (list) {
      var input = document.createElement("input");
      input.type = "search";
      input.className = "form-control form-control-sm choice-list-filter";
      input.setAttribute("aria-label", list.getAttribute("data-choice-filter"));
      input.placeholder = list.getAttribute("data-choice-filter");
      list.querySelector("legend").after(input);
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        list.querySelectorAll(".form-check").forEach(function (item) {
          item.hidden = needle !== "" && item.textContent.toLowerCase().indexOf(needle) === -1;
        });
      });
    });
  });
}());
