import Hummingbird

/// The dashboard: one HTML page, its script and its style sheet, served by the worker itself
/// (no build step, no CDN). The script reads `/api/overview` every two seconds with the admin
/// token, which the operator types in (or passes once as `/#token=...`); it is kept in the
/// browser's session storage only. Every value from Redis is inserted as text, never as HTML.
enum DashboardAssets {
    static func response(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType, .cacheControl: "no-cache",
                .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'",
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Blueprint Worker</title>
        <link rel="stylesheet" href="/dashboard.css">
        </head>
        <body>
        <header>
          <h1>Blueprint Worker</h1>
          <span id="status" class="status">connecting…</span>
        </header>
        <form id="login" hidden>
          <label>Admin token <input id="token" type="password" autocomplete="off" size="40"></label>
          <button type="submit">Open</button>
          <p class="hint">The bearer token of the admin API (BLUEPRINT_ADMIN_TOKEN). Kept in this tab only.</p>
        </form>
        <main id="main" hidden>
          <section>
            <h2>Queues</h2>
            <table id="queues">
              <thead><tr>
                <th>queue</th><th>state</th><th>waiting</th><th>pending</th><th>delayed</th><th>dead</th>
                <th>lag</th><th>oldest waiting</th><th>in/s</th><th>done/s</th><th>consumers</th><th></th>
              </tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section>
            <h2>Dead letters <select id="dead-queue"></select></h2>
            <p><button id="replay-all">Replay all</button> <span id="dead-note" class="hint"></span></p>
            <table id="dead">
              <thead><tr><th>id</th><th>type</th><th>attempts</th><th>failed</th><th>error</th><th></th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section>
            <h2>Workers</h2>
            <table id="workers">
              <thead><tr><th>worker</th><th>host</th><th>queues</th><th>running</th><th>up since</th><th>last seen</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <!-- Scheduled (periodic jobs, delayed counts): DashboardAssets+Scheduled.swift -->
          <section id="scheduled">
            <h2>Scheduled</h2>
            <p id="scheduled-delayed" class="hint"></p>
            <table id="periodic">
              <thead><tr><th>periodic job</th><th>cron</th><th>time zone</th><th>queue</th><th>type</th><th>missed</th><th>next run</th><th>last tick</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <!-- end Scheduled -->
          <section>
            <h2>Circuit breakers</h2>
            <table id="breakers">
              <thead><tr><th>dependency</th><th>state</th><th>failures</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
        </main>
        <script src="/dashboard.js"></script>
        <script src="/dashboard-scheduled.js"></script>
        </body>
        </html>
        """

    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
        header { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #1d2330; color: #fff; }
        h1 { font-size: 1.2rem; margin: 0; }
        h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
        main, form { padding: 0 1.5rem 2rem; }
        form { padding-top: 1.5rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e6e8ec; white-space: nowrap; }
        td.error { white-space: normal; max-width: 36rem; overflow-wrap: anywhere; }
        th { background: #eef0f4; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .status { font-size: .85rem; padding: .15rem .5rem; border-radius: 1rem; background: #56607a; }
        .status.ok { background: #1f8a4c; }
        .status.bad { background: #c0392b; }
        .pill { padding: .1rem .5rem; border-radius: 1rem; font-size: .8rem; background: #dff3e6; color: #1f6b3c; }
        .pill.paused, .pill.open { background: #fde2e1; color: #a12b22; }
        .pill.half_open { background: #fff1cc; color: #8a6100; }
        .pill.nogroup { background: #e6e8ec; color: #56607a; }
        .hint { color: #68707f; font-size: .85rem; }
        .empty { color: #68707f; font-style: italic; }
        button { font: inherit; padding: .15rem .6rem; cursor: pointer; }
        """

    static let script = """
        "use strict";
        const state = { token: null, last: null, deadQueue: null };
        const $ = (id) => document.getElementById(id);

        function readToken() {
          const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
          if (match) {
            sessionStorage.setItem("blueprint-token", decodeURIComponent(match[1]));
            history.replaceState(null, "", location.pathname);
          }
          return sessionStorage.getItem("blueprint-token");
        }

        async function api(path, options = {}) {
          const response = await fetch(path, {
            ...options,
            headers: { "Authorization": "Bearer " + state.token, "Content-Type": "application/json" },
          });
          if (response.status === 401 || response.status === 403) {
            const body = await response.json().catch(() => ({}));
            showLogin(body.error || "token refused");
            throw new Error("unauthorized");
          }
          const body = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error(body.error || ("HTTP " + response.status));
          return body;
        }

        function showLogin(message) {
          $("main").hidden = true;
          $("login").hidden = false;
          setStatus(message || "token needed", "bad");
        }

        function setStatus(text, kind) {
          const el = $("status");
          el.textContent = text;
          el.className = "status " + (kind || "");
        }

        function cell(row, text, cls) {
          const td = document.createElement("td");
          td.textContent = text === undefined || text === null ? "" : String(text);
          if (cls) td.className = cls;
          row.appendChild(td);
          return td;
        }

        function fill(tableId, items, render, emptyText) {
          const body = $(tableId).querySelector("tbody");
          body.replaceChildren();
          if (items.length === 0) {
            const row = body.insertRow();
            const td = cell(row, emptyText, "empty");
            td.colSpan = $(tableId).querySelectorAll("th").length;
            return;
          }
          for (const item of items) render(body.insertRow(), item);
        }

        function age(ms) {
          if (ms === null || ms === undefined) return "–";
          const s = ms / 1000;
          if (s < 1) return "<1 s";
          if (s < 120) return Math.round(s) + " s";
          if (s < 7200) return Math.round(s / 60) + " min";
          return Math.round(s / 3600) + " h";
        }

        function rate(now, before, key, dt) {
          if (!before || now[key] == null || before[key] == null || dt <= 0) return "–";
          return (Math.max(0, now[key] - before[key]) / dt).toFixed(1);
        }

        function renderQueues(overview) {
          const previous = state.last;
          const dt = previous ? (overview.time - previous.time) / 1000 : 0;
          fill("queues", overview.queues, (row, q) => {
            const before = previous && previous.queues.find((p) => p.queue === q.queue);
            cell(row, q.queue);
            const st = cell(row, "");
            const pill = document.createElement("span");
            pill.className = "pill " + (!q.group_exists ? "nogroup" : q.paused ? "paused" : "");
            pill.textContent = !q.group_exists ? "no group" : q.paused ? "paused" : "running";
            st.appendChild(pill);
            cell(row, q.waiting, "num");
            cell(row, q.pending, "num");
            cell(row, q.delayed, "num");
            cell(row, q.dead, "num");
            cell(row, q.lag, "num");
            cell(row, q.oldest_waiting_age_seconds == null ? "–" : age(q.oldest_waiting_age_seconds * 1000), "num");
            cell(row, rate(q, before, "enqueued_total", dt), "num");
            cell(row, rate(q, before, "finished_total", dt), "num");
            cell(row, q.consumers.length, "num");
            const actions = cell(row, "");
            const button = document.createElement("button");
            button.textContent = q.paused ? "Resume" : "Pause";
            button.addEventListener("click", async () => {
              await api("/api/queues/" + encodeURIComponent(q.queue) + (q.paused ? "/resume" : "/pause"), { method: "POST" });
              refresh();
            });
            actions.appendChild(button);
          }, "no queues");
          const select = $("dead-queue");
          if (select.options.length !== overview.queues.length) {
            select.replaceChildren(...overview.queues.map((q) => new Option(q.queue, q.queue)));
            state.deadQueue = state.deadQueue || (overview.queues[0] && overview.queues[0].queue);
            select.value = state.deadQueue;
          }
          for (const option of select.options) {
            const q = overview.queues.find((x) => x.queue === option.value);
            option.textContent = q.queue + " (" + q.dead + ")";
          }
        }

        function jobType(fields) {
          try { return JSON.parse(fields.job_data).type || "?"; } catch (e) { return fields.job_data && fields.job_data.startsWith("enc:") ? "(encrypted)" : "?"; }
        }

        async function renderDead() {
          if (!state.deadQueue) return;
          const queue = state.deadQueue;
          const page = await api("/api/queues/" + encodeURIComponent(queue) + "/dead?count=50");
          fill("dead", page.dead, (row, letter) => {
            cell(row, letter.id);
            cell(row, jobType(letter.fields));
            cell(row, letter.fields.attempts, "num");
            cell(row, letter.fields.failed_at ? new Date(Number(letter.fields.failed_at)).toLocaleString() : "");
            cell(row, letter.fields.error, "error");
            const actions = cell(row, "");
            const button = document.createElement("button");
            button.textContent = "Replay";
            button.addEventListener("click", async () => {
              await api("/api/queues/" + encodeURIComponent(queue) + "/dead/replay", { method: "POST", body: JSON.stringify({ ids: [letter.id] }) });
              refresh();
            });
            actions.appendChild(button);
          }, "no dead letters in " + queue);
          $("dead-note").textContent = page.next_after ? "showing the oldest 50" : "";
        }

        function renderWorkers(overview) {
          fill("workers", overview.workers, (row, w) => {
            cell(row, w.id);
            cell(row, w.host + " (pid " + w.pid + ")");
            cell(row, w.queues.join(", "));
            cell(row, Object.values(w.running || {}).reduce((a, b) => a + b, 0), "num");
            cell(row, new Date(w.started_at).toLocaleString());
            cell(row, age(overview.time - w.last_seen) + " ago");
          }, "no live workers");
          fill("breakers", overview.breakers, (row, b) => {
            cell(row, b.name);
            const st = cell(row, "");
            const pill = document.createElement("span");
            pill.className = "pill " + b.state;
            pill.textContent = b.state.replace("_", "-");
            st.appendChild(pill);
            cell(row, b.failures == null ? "" : b.failures, "num");
          }, "no circuit breakers configured");
        }

        async function refresh() {
          if (!state.token) return showLogin();
          try {
            const overview = await api("/api/overview");
            $("login").hidden = true;
            $("main").hidden = false;
            renderQueues(overview);
            renderWorkers(overview);
            state.last = overview;
            await renderDead();
            setStatus("live · " + new Date(overview.time).toLocaleTimeString(), "ok");
          } catch (error) {
            if (error.message !== "unauthorized") setStatus(error.message, "bad");
          }
        }

        $("login").addEventListener("submit", (event) => {
          event.preventDefault();
          state.token = $("token").value.trim();
          sessionStorage.setItem("blueprint-token", state.token);
          refresh();
        });
        $("dead-queue").addEventListener("change", (event) => { state.deadQueue = event.target.value; renderDead(); });
        $("replay-all").addEventListener("click", async () => {
          if (!state.deadQueue || !confirm("Replay every dead letter of " + state.deadQueue + "?")) return;
          await api("/api/queues/" + encodeURIComponent(state.deadQueue) + "/dead/replay", { method: "POST", body: JSON.stringify({ all: true }) });
          refresh();
        });

        state.token = readToken();
        refresh();
        setInterval(refresh, 2000);
        """
}
