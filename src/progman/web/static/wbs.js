// The project page's tree: a button on each summary row folds and unfolds what it holds.
// Without JavaScript the whole tree shows, indented; nothing else depends on this.
(() => {
  const rows = Array.from(document.querySelectorAll("table.wbs tbody tr"));
  const refresh = () => {
    let foldedAt = Infinity; // the depth of the folded summary whose rows are hidden now
    for (const row of rows) {
      const depth = Number(row.dataset.depth);
      if (depth > foldedAt) {
        row.hidden = true;
        continue;
      }
      row.hidden = false;
      foldedAt = Infinity;
      const fold = row.querySelector("button.fold");
      if (fold && fold.getAttribute("aria-expanded") === "false") foldedAt = depth;
    }
  };
  for (const row of rows) {
    const mark = row.querySelector("td.tree .open-mark");
    if (!row.classList.contains("summary") || !mark) continue;
    const fold = document.createElement("button");
    fold.type = "button";
    fold.className = "fold";
    fold.textContent = "▾";
    fold.setAttribute("aria-expanded", "true");
    fold.setAttribute("aria-label", `${row.dataset.id}: show or hide what it holds`);
    fold.addEventListener("click", () => {
      const open = fold.getAttribute("aria-expanded") === "true";
      fold.setAttribute("aria-expanded", String(!open));
      fold.textContent = open ? "▸" : "▾";
      refresh();
    });
    mark.replaceWith(fold);
  }
})();
