// The resource heatmap's small enhancements; the pages work without them.
// * A leveling job's page follows the job through the API (GET /api/v1/jobs/{id}, with the
//   session cookie) and reloads itself once the job ends, to show the before and after.
// * A cell's tasks: the detail section takes the focus, so a keyboard user lands on it.
(function () {
  "use strict";
  var job = document.getElementById("job");
  if (job && ["queued", "running"].indexOf(job.dataset.state) >= 0) {
    var bar = document.getElementById("job-progress");
    var said = document.getElementById("job-state");
    var words = { queued: "waiting for its turn", running: "running", succeeded: "done",
                  failed: "failed", cancelled: "cancelled" };
    var poll = function () {
      fetch(job.dataset.jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
        .then(function (state) {
          bar.value = state.progress;
          said.textContent = "Leveling " + (words[state.state] || state.state) +
            " (" + Math.round(state.progress * 100) + " %).";
          if (["succeeded", "failed", "cancelled"].indexOf(state.state) >= 0) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 500);
          }
        })
        .catch(function () {
          said.textContent = "Could not ask how leveling goes: use Check again.";
        });
    };
    window.setTimeout(poll, 300);
  }
  var detail = document.getElementById("cell-detail");
  if (detail && window.location.hash === "#cell-detail") {
    detail.focus();
  }
})();
