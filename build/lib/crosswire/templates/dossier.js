(function () {
  "use strict";
  function highlight(id) {
    if (!id) { return; }
    var target = document.getElementById(id);
    if (!target) { return; }
    document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
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
  if (location.hash) { highlight(decodeURIComponent(location.hash.slice(1))); }
  document.querySelectorAll("button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      var body = document.querySelector("#matrix tbody");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
        if (key === "corroboration") { return (Number(y) - Number(x)) || (Number(a.dataset.order) - Number(b.dataset.order)); }
        if (key === "first") { return (x || "9999").localeCompare(y || "9999") || (Number(a.dataset.order) - Number(b.dataset.order)); }
        return Number(x) - Number(y);
      });
      rows.forEach(function (row) { body.appendChild(row); });
      document.querySelectorAll("button[data-sort]").forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
    });
  });
}());
