/// The dashboard's "Scheduled" section: periodic jobs with their next run, and the delayed count
/// of each queue. Its own script (`/dashboard-scheduled.js`) reads `/api/periodic` every five
/// seconds with the token the main script stored; every value is inserted as text.
extension DashboardAssets {
    static let scheduledScript = """
        "use strict";
        (() => {
          const when = (ms, local) => ms == null ? "–" : (local || new Date(ms).toLocaleString());
          function td(row, text, cls) {
            const cell = document.createElement("td");
            cell.textContent = text === undefined || text === null ? "" : String(text);
            if (cls) cell.className = cls;
            row.appendChild(cell);
          }
          async function refreshScheduled() {
            const token = sessionStorage.getItem("blueprint-token");
            if (!token) return;
            let body;
            try {
              const response = await fetch("/api/periodic", { headers: { "Authorization": "Bearer " + token } });
              if (!response.ok) return;
              body = await response.json();
            } catch (e) { return; }
            const rows = document.getElementById("periodic").querySelector("tbody");
            rows.replaceChildren();
            if (body.periodic.length === 0) {
              const row = rows.insertRow();
              td(row, "no periodic jobs (BLUEPRINT_PERIODIC)", "empty");
              row.firstChild.colSpan = 8;
            }
            for (const job of body.periodic) {
              const row = rows.insertRow();
              td(row, job.name);
              td(row, job.cron);
              td(row, job.time_zone);
              td(row, job.queue);
              td(row, job.type);
              td(row, job.missed === "catch_up" ? "catch up (max " + job.catch_up_max + ")" : "skip");
              td(row, when(job.next_run, job.next_run_local));
              td(row, when(job.last_tick, job.last_tick_local));
            }
            const delayed = Object.entries(body.delayed || {}).map(([queue, n]) => queue + ": " + n);
            document.getElementById("scheduled-delayed").textContent =
              "Waiting in delayed sets (scheduled jobs and retries): " + (delayed.length ? delayed.join(", ") : "none");
          }
          refreshScheduled();
          setInterval(refreshScheduled, 5000);
        })();
        """
}
