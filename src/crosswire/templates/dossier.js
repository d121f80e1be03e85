(function () {
  "use strict";
  function highlight(id) {
    if (!id) { return; }
    var target = document.getElementById(id);
    if (!target) { return; }
    document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
    if (target.closest("[hidden]")) { choose("all", ""); }  // a citation to a claim the filters hide shows every claim again
    var node = target.parentElement;
    while (node) {
      if (node.tagName === "DETAILS") { node.open = true; }
      node = node.parentElement;
    }
    target.classList.add("hl");
    target.scrollIntoView({block: "center"});
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    if (document.getElementById(id)) {
      event.preventDefault();
      history.replaceState(null, "", "#" + id);
      highlight(id);
    }
  });

  // Filters: which claims the matrix and the claims section show. Without the script they stay hidden
  // and every claim is shown.
  var state = {flag: "all", outlet: ""};
  // Counted in the claims section, which lists every claim (the matrix holds the strongest only).
  var total = document.querySelectorAll("#claims [data-flags]").length;
  function has(element, name, value) {
    return (" " + (element.getAttribute(name) || "") + " ").indexOf(" " + value + " ") >= 0;
  }
  function shows(element) {
    return (state.flag === "all" || has(element, "data-flags", state.flag)) &&
      (!state.outlet || has(element, "data-outlets", state.outlet));
  }
  function choose(flag, outlet) {
    state.flag = flag;
    state.outlet = outlet;
    document.querySelectorAll("[data-flags]").forEach(function (el) { el.hidden = !shows(el); });
    var filtered = flag !== "all" || outlet !== "";
    document.querySelectorAll(".claim-group, .outlet-group").forEach(function (group) {
      var any = group.querySelector("[data-flags]:not([hidden])");
      group.hidden = filtered && !any;
      // Asked for single-source claims, or one outlet's: unfold them.
      if (group.tagName === "DETAILS" && filtered && any && (flag === "single" || outlet)) { group.open = true; }
    });
    var shown = document.querySelectorAll("#claims [data-flags]:not([hidden])").length;
    var text = !filtered ? "" : shown === 0 ? "No claim matches these filters." :
      "Showing " + shown + " of " + total + " claims.";
    document.querySelectorAll(".filters").forEach(function (bar) {
      bar.querySelectorAll("button[data-filter]").forEach(function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-filter") === flag ? "true" : "false");
      });
      bar.querySelector("select[data-outlet]").value = outlet;
      bar.querySelector(".shown").textContent = text;
    });
  }
  document.querySelectorAll(".filters, .sortbar").forEach(function (bar) { bar.hidden = false; });
  document.querySelectorAll("button[data-filter]").forEach(function (button) {
    button.addEventListener("click", function () { choose(button.getAttribute("data-filter"), state.outlet); });
  });
  document.querySelectorAll("select[data-outlet]").forEach(function (select) {
    select.addEventListener("change", function () { choose(state.flag, select.value); });
  });

  document.querySelectorAll("button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      var body = document.querySelector("#matrix tbody");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
        var order = Number(a.dataset.order) - Number(b.dataset.order);
        if (key === "first") { return (x || "9999").localeCompare(y || "9999") || order; }
        return (Number(x) - Number(y)) || order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      document.querySelectorAll("button[data-sort]").forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
    });
  });
  if (location.hash) { highlight(decodeURIComponent(location.hash.slice(1))); }
}());
