/* The agent console: live sessions, the selected transcript, suggested replies with feedback,
 * fraud alerts, the handoff queue, the customer's loans, the acceptance report.
 *
 * Every call carries X-Agent-Key (kept in sessionStorage for this tab only). The lists are polled
 * every 3 seconds. Every text from customers, the bot or the API is inserted with textContent.
 */
"use strict";

(() => {
  const { el, requestJson, shortTime, scenarioName, intentName, loadNames, LEVEL_ZH, yuan, percent } = Finbot;

  const KEY_STORAGE = "finbot.console.agentKey";
  const POLL_MS = 3000;
  const RISKY = new Set(["warning", "critical"]);

  const ROLE_ZH = { customer: "客户", bot: "智能客服", agent: "坐席" };
  const REASON_ZH = { requested: "客户要求", low_confidence: "连续未识别", fraud: "反诈高风险" };
  const STATUS_ZH = { active: "进行中", with_agent: "人工处理中", closed: "已结束" };
  const VERDICT_ZH = { used: "直接采用", edited: "修改后采用", rejected: "不采用" };
  const SLOT_ZH = {
    amount: "借款金额", months: "期数", annual_rate: "年利率", daily_rate: "日利率",
    monthly_fee_rate: "月费率", method: "还款方式",
  };
  const METHOD_ZH = {
    equal_installment: "等额本息", equal_principal: "等额本金", interest_first: "先息后本",
    bullet: "一次性还本付息", fee_installment: "分期手续费",
  };
  // The fields of a loan in the account overview (bot/ledger/quotes.py::AccountOverview.to_dict), as shown.
  const LOAN_FIELDS = [
    ["loan_id", "借款编号", String], ["product_name", "产品", String], ["status_label", "状态", String],
    ["principal", "借款金额", (v) => yuan(v) + "元"], ["start_date", "借款日期", String],
    ["method", "还款方式", (v) => METHOD_ZH[v] || String(v)], ["annual_rate", "年利率", (v) => percent(v)],
    ["outstanding_principal", "剩余本金", (v) => yuan(v) + "元"],
    ["periods_paid", "已还期数", (v, loan) => `${v} / ${loan.periods_total}`],
  ];

  const $ = (id) => document.getElementById(id);
  const login = $("login");
  const loginForm = $("login-form");
  const keyInput = $("agent-key");
  const loginError = $("login-error");
  const workspace = $("workspace");
  const syncState = $("sync-state");
  const reply = $("reply");
  const replySend = $("reply-send");
  const replyError = $("reply-error");
  const replyOrigin = $("reply-origin");

  let agentKey = sessionStorage.getItem(KEY_STORAGE);
  let pollTimer = null;
  let selectedId = null;
  let detail = null; // the selected session's detail, as last fetched
  let transcriptSignature = "";
  let suggestionsSignature = "";
  let inserted = null; // {id, text}: the suggestion last inserted into the reply box
  const sessionRisk = new Map(); // session id → highest fraud level seen in alerts

  // --- API -----------------------------------------------------------------------------------
  class KeyRejected extends Error {}

  async function api(path, options = {}) {
    const headers = { "X-Agent-Key": agentKey || "", ...(options.headers || {}) };
    if (options.body) headers["Content-Type"] = "application/json";
    try {
      return await requestJson(path, { ...options, headers });
    } catch (error) {
      if (error.status === 401) {
        showLogin("坐席密钥无效或已失效，请重新输入。");
        throw new KeyRejected(error.message);
      }
      throw error;
    }
  }

  // --- login ---------------------------------------------------------------------------------
  function showLogin(message) {
    stopPolling();
    sessionStorage.removeItem(KEY_STORAGE);
    agentKey = null;
    workspace.hidden = true;
    login.hidden = false;
    $("open-report").hidden = true;
    $("logout").hidden = true;
    loginError.textContent = message || "";
    syncState.textContent = "";
  }

  async function enter(key) {
    agentKey = key;
    loginError.textContent = "";
    try {
      await api("/v1/agent/sessions?limit=1");
    } catch (error) {
      if (!(error instanceof KeyRejected)) loginError.textContent = error.message;
      return;
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    login.hidden = true;
    workspace.hidden = false;
    $("open-report").hidden = false;
    $("logout").hidden = false;
    startPolling();
  }

  loginForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (!key) {
      loginError.textContent = "请输入坐席密钥。";
      return;
    }
    enter(key);
  });
  $("logout").addEventListener("click", () => showLogin(""));

  // --- polling -------------------------------------------------------------------------------
  function startPolling() {
    stopPolling();
    const tick = async () => {
      await refresh();
      if (agentKey) pollTimer = setTimeout(tick, POLL_MS);
    };
    tick();
  }

  function stopPolling() {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
  }

  async function refresh() {
    try {
      const [sessions, alerts, handoffs] = await Promise.all([
        api("/v1/agent/sessions?limit=100"), api("/v1/agent/alerts"), api("/v1/agent/handoffs"),
      ]);
      renderAlerts(alerts.alerts || []);
      renderSessions(sessions.sessions || []);
      renderHandoffs(handoffs.handoffs || []);
      if (selectedId) {
        try {
          await loadDetail(selectedId);
        } catch (error) {
          if (error.status !== 404) throw error;
          deselect("该会话已不存在。");
        }
      }
      syncState.textContent = "已同步 " + new Date().toLocaleTimeString("zh-CN", { hour12: false });
      syncState.classList.remove("offline");
      document.body.dataset.synced = "true";
    } catch (error) {
      if (error instanceof KeyRejected) return;
      syncState.textContent = "连接中断，正在重试… " + (error.message || "");
      syncState.classList.add("offline");
    }
  }

  // --- left column: alerts, handoff queue, sessions -------------------------------------------
  /** node.replaceChildren without the absent parts (the DOM would write "null" for them). */
  function replaceWith(node, ...children) {
    node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  }

  function replaceChildren(list, items, empty) {
    replaceWith(list, items.length ? items : [el("li", { class: "empty" }, empty)]);
  }

  function sessionLabel(id) {
    return "#" + String(id).slice(0, 8);
  }

  function renderAlerts(alerts) {
    sessionRisk.clear();
    for (const alert of alerts) sessionRisk.set(alert.session_id, alert.level);
    $("alerts-count").textContent = alerts.length ? String(alerts.length) : "";
    const items = alerts.map((alert) => {
      const open = el("button", { type: "button", class: "link", onclick: () => select(alert.session_id) }, "查看会话");
      const ack = el("button", {
        type: "button", class: "link", onclick: async () => {
          ack.disabled = true;
          try {
            await api(`/v1/agent/alerts/${encodeURIComponent(alert.id)}/ack`, { method: "POST" });
            await refresh();
          } catch (_) {
            ack.disabled = false;
          }
        },
      }, "标记已处理");
      return el("li", { class: `alert-item level-${alert.level}`, dataset: { sessionId: alert.session_id } },
        el("div", { class: "row" }, el("span", { class: `badge level-${alert.level}` }, LEVEL_ZH[alert.level] || alert.level),
          el("strong", {}, scenarioName(alert.scenario) || "疑似诈骗"), el("span", { class: "time" }, shortTime(alert.created_at))),
        el("p", { class: "quote" }, alert.text),
        el("div", { class: "row actions" }, el("span", { class: "sid" }, sessionLabel(alert.session_id)), open, ack));
    });
    replaceChildren($("alerts"), items, "暂无未处理的风险提醒");
  }

  function renderHandoffs(handoffs) {
    $("handoffs-count").textContent = handoffs.length ? String(handoffs.length) : "";
    const items = handoffs.map((session) => {
      const summary = session.summary || {};
      const intents = (summary.intent_history || []).slice(-4).map(intentName).join(" → ");
      const flags = summary.fraud_flags || [];
      const button = el("button", {
        type: "button", class: "item-button" + (session.id === selectedId ? " selected" : ""),
        dataset: { sessionId: session.id }, onclick: () => select(session.id),
      },
      el("div", { class: "row" }, el("span", { class: "sid" }, sessionLabel(session.id)),
        el("span", { class: "badge handoff" }, REASON_ZH[session.handoff_reason] || session.handoff_reason || "转人工"),
        el("span", { class: "time" }, shortTime(session.last_message_at || session.started_at))),
      intents ? el("p", { class: "summary" }, "意图：" + intents) : null,
      Object.keys(summary.slots || {}).length ? el("p", { class: "summary" }, "要素：" + slotText(summary.slots)) : null,
      flags.length ? el("p", { class: "summary risk-text" }, "风险：" + flags.map((f) => scenarioName(f.scenario) || f.level).join("、")) : null);
      return el("li", { class: RISKY.has(session.fraud_level) ? "risk" : "" }, button);
    });
    replaceChildren($("handoffs"), items, "队列为空");
  }

  function renderSessions(sessions) {
    $("sessions-count").textContent = String(sessions.length);
    const items = sessions.map((session) => {
      const level = RISKY.has(session.fraud_level) ? session.fraud_level : sessionRisk.get(session.id);
      const risky = RISKY.has(level);
      const button = el("button", {
        type: "button",
        class: "item-button session-item" + (risky ? ` risk risk-${level}` : "") + (session.id === selectedId ? " selected" : ""),
        dataset: { sessionId: session.id, fraudLevel: session.fraud_level || "none" },
        "aria-pressed": session.id === selectedId ? "true" : "false",
        onclick: () => select(session.id),
      },
      el("div", { class: "row" }, el("span", { class: "sid" }, sessionLabel(session.id)),
        el("span", { class: "customer" }, session.customer ? "客户 " + session.customer : "匿名访客"),
        el("span", { class: "time" }, shortTime(session.last_message_at || session.started_at))),
      el("div", { class: "row meta" },
        el("span", {}, intentName(session.last_intent) || "—"),
        el("span", {}, `${session.turn_count || 0}条`),
        risky ? el("span", { class: `badge level-${level}` }, (LEVEL_ZH[level] || level) + (session.fraud_scenario ? "·" + scenarioName(session.fraud_scenario) : "")) : null,
        session.handoff ? el("span", { class: "badge handoff" }, "转人工") : null,
        session.status && session.status !== "active" ? el("span", { class: "badge" }, STATUS_ZH[session.status] || session.status) : null));
      return el("li", {}, button);
    });
    replaceChildren($("sessions"), items, "暂无会话");
  }

  function slotText(slots) {
    return Object.entries(slots || {}).map(([name, value]) => `${SLOT_ZH[name] || name} ${slotValue(name, value)}`).join("，");
  }

  function slotValue(name, value) {
    if (name === "method") return METHOD_ZH[value] || String(value);
    if (name.endsWith("_rate")) return percent(value, name === "daily_rate" ? 4 : 2);
    if (name === "amount") return yuan(value) + "元";
    if (name === "months") return value + "期";
    return String(value);
  }

  // --- the selected session --------------------------------------------------------------------
  function deselect(message) {
    selectedId = null;
    detail = null;
    inserted = null;
    transcriptSignature = "";
    suggestionsSignature = "";
    $("session-header").replaceChildren(el("p", { class: "placeholder" }, message || "从左侧选择一个会话"));
    for (const id of ["transcript", "suggestions"]) $(id).replaceChildren();
    reply.disabled = true;
    replySend.disabled = true;
  }

  async function select(sessionId) {
    if (sessionId !== selectedId) {
      selectedId = sessionId;
      transcriptSignature = "";
      suggestionsSignature = "";
      inserted = null;
      reply.value = "";
      replyOrigin.textContent = "";
      replyError.textContent = "";
      for (const node of document.querySelectorAll(".item-button")) {
        const on = node.dataset.sessionId === sessionId;
        node.classList.toggle("selected", on);
        if (node.classList.contains("session-item")) node.setAttribute("aria-pressed", on ? "true" : "false");
      }
    }
    reply.disabled = false;
    replySend.disabled = false;
    try {
      await loadDetail(sessionId);
    } catch (error) {
      if (!(error instanceof KeyRejected)) replyError.textContent = error.message;
    }
  }

  async function loadDetail(sessionId) {
    const fetched = await api(`/v1/agent/sessions/${encodeURIComponent(sessionId)}`);
    if (sessionId !== selectedId) return; // another session was picked meanwhile
    detail = fetched;
    renderSessionHeader(fetched);
    renderTranscript(fetched.turns || []);
    renderSuggestions(fetched.suggestions || []);
    renderLoans(fetched.loans);
    renderContext(fetched);
  }

  function renderSessionHeader(data) {
    const session = data.session || {};
    const level = session.fraud_level;
    const header = $("session-header");
    replaceWith(header,
      el("h2", {}, "会话 " + sessionLabel(session.id || selectedId)),
      el("span", { class: "customer" }, session.customer_id ? "已登录客户" : "匿名访客"),
      el("span", {}, STATUS_ZH[session.status] || session.status || ""),
      RISKY.has(level) ? el("span", { class: `badge level-${level}` }, "反诈" + (LEVEL_ZH[level] || level) + (session.fraud_scenario ? "：" + scenarioName(session.fraud_scenario) : "")) : null,
      session.handoff ? el("span", { class: "badge handoff" }, "已转人工" + (session.handoff_reason ? "（" + (REASON_ZH[session.handoff_reason] || session.handoff_reason) + "）" : "")) : null);
    header.classList.toggle("risk", RISKY.has(level));
  }

  function renderTranscript(turns) {
    const signature = turns.map((t) => t.id).join(",");
    if (signature === transcriptSignature) return;
    transcriptSignature = signature;
    const transcript = $("transcript");
    const items = turns.map((turn) => {
      const data = turn.data_json || {};
      const head = el("div", { class: "turn-head" }, el("span", { class: "role" }, ROLE_ZH[turn.role] || turn.role),
        el("span", { class: "time" }, shortTime(turn.created_at)));
      if (turn.role === "bot" && turn.intent) {
        const confidence = typeof turn.confidence === "number" ? ` ${Math.round(turn.confidence * 100)}%` : "";
        head.append(el("span", { class: "intent" }, intentName(turn.intent) + confidence));
      }
      if (turn.skill && turn.role === "bot") head.append(el("span", { class: "skill" }, turn.skill));
      if (RISKY.has(turn.fraud_level)) {
        head.append(el("span", { class: `badge level-${turn.fraud_level}` }, (LEVEL_ZH[turn.fraud_level] || turn.fraud_level) + (turn.fraud_scenario ? "·" + scenarioName(turn.fraud_scenario) : "")));
      }
      const body = el("div", { class: "turn-text" });
      let text = String(turn.text || "");
      if (data.warning && text.startsWith(data.warning)) {
        body.append(el("div", { class: "warning-block" }, el("strong", {}, "反诈提醒 "), Finbot.warningBody(data.warning)));
        text = text.slice(data.warning.length).trim();
      }
      body.append(el("div", {}, text));
      if (Array.isArray(data.sources) && data.sources.length) {
        body.append(el("div", { class: "turn-sources" }, "来源：" + data.sources.map((s) => s.title + (s.source ? `（${s.source}）` : "")).join("；")));
      }
      if (data.plan) {
        body.append(el("div", { class: "turn-sources" }, `附还款计划：${(data.plan.periods || []).length}期，年化利率（IRR）${percent(data.plan.apr)}`));
      }
      return el("li", { class: `turn role-${turn.role}` + (RISKY.has(turn.fraud_level) ? " risk" : ""), dataset: { turnId: turn.id } }, head, body);
    });
    transcript.replaceChildren(items.length ? el("ol", { class: "turns" }, items) : el("p", { class: "placeholder" }, "还没有消息"));
    transcript.scrollTop = transcript.scrollHeight;
  }

  function renderSuggestions(suggestions) {
    const signature = suggestions.map((s) => `${s.id}:${s.verdict || ""}`).join(",");
    if (signature === suggestionsSignature) return;
    suggestionsSignature = signature;
    const items = suggestions.map((suggestion, index) => suggestionCard(suggestion, index));
    $("suggestions").replaceChildren(...(items.length ? items : [el("li", { class: "empty" }, "该会话暂无建议回复")]));
  }

  function suggestionCard(suggestion, index) {
    const confidence = typeof suggestion.confidence === "number" ? Math.round(suggestion.confidence * 100) : null;
    const verdict = el("span", { class: "verdict" }, suggestion.verdict ? "已反馈：" + (VERDICT_ZH[suggestion.verdict] || suggestion.verdict) : "");
    const card = el("li", { class: "suggestion", dataset: { suggestionId: suggestion.id } });
    const feedbackButton = (name, label) => el("button", {
      type: "button", class: "feedback " + name, dataset: { verdict: name },
      "aria-pressed": suggestion.verdict === name ? "true" : "false",
      onclick: () => giveFeedback(suggestion, name, card),
    }, label);
    card.append(
      el("div", { class: "row" }, el("span", { class: "rank" }, String(index + 1)),
        confidence === null ? null : el("span", { class: "confidence" + (confidence >= 80 ? " high" : confidence < 50 ? " low" : "") }, `置信度 ${confidence}%`),
        verdict),
      el("p", { class: "suggestion-text" }, suggestion.text),
      el("p", { class: "suggestion-meta" }, el("span", { class: "label" }, "来源"), suggestion.source || "—"),
      el("p", { class: "suggestion-meta" }, el("span", { class: "label" }, "依据"), suggestion.why || "—"),
      el("div", { class: "row actions" },
        el("button", { type: "button", class: "insert primary-small", onclick: () => insert(suggestion) }, "插入"),
        feedbackButton("used", "采用"), feedbackButton("edited", "改后采用"), feedbackButton("rejected", "不采用")));
    return card;
  }

  function insert(suggestion) {
    reply.value = suggestion.text;
    inserted = { id: suggestion.id, text: suggestion.text };
    replyOrigin.textContent = "已插入建议回复，可修改后发送（发送时自动记录采用或修改后采用）";
    replyError.textContent = "";
    reply.focus();
  }

  async function giveFeedback(suggestion, verdict, card, finalText) {
    const body = { verdict };
    if (verdict === "edited") {
      const text = finalText ?? (inserted && inserted.id === suggestion.id ? reply.value : "");
      if (!text.trim() || text === suggestion.text) {
        replyError.textContent = "“改后采用”需要先插入这条建议并在回复框中修改。";
        return false;
      }
      body.final_text = text;
    }
    try {
      await api(`/v1/agent/suggestions/${encodeURIComponent(suggestion.id)}/feedback`, { method: "POST", body: JSON.stringify(body) });
    } catch (error) {
      if (!(error instanceof KeyRejected)) replyError.textContent = "反馈提交失败：" + error.message;
      return false;
    }
    suggestion.verdict = verdict;
    if (card && card.isConnected) {
      card.querySelector(".verdict").textContent = "已反馈：" + VERDICT_ZH[verdict];
      for (const button of card.querySelectorAll("button.feedback")) {
        button.setAttribute("aria-pressed", button.dataset.verdict === verdict ? "true" : "false");
      }
    }
    suggestionsSignature = ""; // redraw with the stored verdict at the next poll
    return true;
  }

  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = reply.value;
    if (!selectedId || !text.trim()) {
      replyError.textContent = "请输入回复内容。";
      return;
    }
    replySend.disabled = true;
    replyError.textContent = "";
    try {
      await api(`/v1/agent/sessions/${encodeURIComponent(selectedId)}/reply`, { method: "POST", body: JSON.stringify({ text }) });
    } catch (error) {
      if (!(error instanceof KeyRejected)) replyError.textContent = "发送失败：" + error.message;
      replySend.disabled = false;
      return; // the text stays in the box
    }
    // Sent: the feedback on the inserted suggestion follows from what was sent.
    if (inserted) {
      const suggestion = (detail && (detail.suggestions || []).find((s) => s.id === inserted.id)) || { id: inserted.id, text: inserted.text };
      const verdict = text === inserted.text ? "used" : "edited";
      const card = document.querySelector(`.suggestion[data-suggestion-id="${CSS.escape(String(inserted.id))}"]`);
      await giveFeedback(suggestion, verdict, card, text);
    }
    inserted = null;
    reply.value = "";
    replyOrigin.textContent = "";
    replySend.disabled = false;
    transcriptSignature = "";
    try {
      await loadDetail(selectedId);
    } catch (_) {
      // shown at the next poll
    }
  });

  reply.addEventListener("input", () => {
    if (inserted) {
      replyOrigin.textContent = reply.value === inserted.text
        ? "已插入建议回复，可修改后发送（发送时自动记录采用或修改后采用）"
        : "已修改插入的建议回复（发送时记录为“修改后采用”）";
    }
  });

  // --- right column: loans and the session's context ---------------------------------------------
  /** The customer's account beside the transcript, from the session detail's `loans`: the ledger's
   * overview ({customer_id, name, phone_masked, credit_limit, as_of, loans: [...], bill: {total_due, lines}}),
   * {error} when the ledger could not answer, or null for an anonymous session. */
  function renderLoans(account) {
    const box = $("loans");
    if (!account) {
      replaceWith(box, el("p", { class: "placeholder" }, "匿名会话，无客户借款信息"));
      return;
    }
    if (account.error) {
      replaceWith(box, el("p", { class: "error" }, account.error));
      return;
    }
    const parts = [el("dl", { class: "fields" },
      el("dt", {}, "客户"), el("dd", {}, `${account.name} · ${account.customer_id}`),
      el("dt", {}, "手机"), el("dd", {}, account.phone_masked),
      el("dt", {}, "授信额度"), el("dd", {}, yuan(account.credit_limit) + "元"),
      el("dt", {}, "数据截至"), el("dd", {}, account.as_of))];
    const bill = account.bill;
    if (bill.lines.length) {
      const overdue = bill.lines.some((line) => line.overdue);
      parts.push(el("div", { class: "bill" + (overdue ? " overdue" : "") },
        el("h3", {}, `当前应还 ${yuan(bill.total_due)}元`),
        bill.lines.map((line) => el("p", { class: "bill-line" },
          `${line.product_name || line.loan_id}：${line.due_date} 应还${yuan(line.amount_due)}元`
          + (line.overdue ? `（已逾期${line.days_overdue}天，罚息${yuan(line.penalty_interest)}元）` : "")))));
    }
    for (const loan of account.loans) {
      const list = el("dl", { class: "fields" });
      for (const [key, label, show] of LOAN_FIELDS) list.append(el("dt", {}, label), el("dd", {}, show(loan[key], loan)));
      parts.push(el("div", { class: "loan" + (loan.is_open ? "" : " closed") + (loan.status === "overdue" ? " overdue" : "") },
        el("h3", {}, loan.label, el("span", { class: "badge" }, loan.status_label)), list));
    }
    if (!account.loans.length) parts.push(el("p", { class: "placeholder" }, "该客户暂无借款"));
    replaceWith(box, parts);
  }

  function renderContext(data) {
    const box = $("context");
    const parts = [];
    const slots = data.slots || {};
    if (Object.keys(slots).length) {
      const list = el("dl", { class: "fields" });
      for (const [name, value] of Object.entries(slots)) list.append(el("dt", {}, SLOT_ZH[name] || name), el("dd", {}, slotValue(name, value)));
      parts.push(el("h3", {}, "试算要素"), list);
    }
    const flags = data.fraud_flags || [];
    if (flags.length) {
      parts.push(el("h3", { class: "risk-text" }, "反诈标记"), el("ul", { class: "flags" }, flags.map((flag) =>
        el("li", { class: `level-${flag.level}` }, `第${flag.turn}轮 · ${LEVEL_ZH[flag.level] || flag.level} · ${scenarioName(flag.scenario) || "未知场景"}`))));
    }
    const summary = data.handoff_summary;
    if (summary) {
      const list = el("dl", { class: "fields" },
        el("dt", {}, "原因"), el("dd", {}, REASON_ZH[summary.reason] || summary.reason || "—"),
        el("dt", {}, "轮数"), el("dd", {}, String(summary.turns ?? "—")),
        el("dt", {}, "意图"), el("dd", {}, (summary.intent_history || []).map(intentName).join(" → ") || "—"));
      parts.push(el("h3", {}, "转人工摘要"), list);
    }
    box.replaceChildren(...(parts.length ? parts : [el("p", { class: "placeholder" }, "暂无试算要素或风险标记")]));
  }

  // --- the acceptance report ---------------------------------------------------------------------
  const reportDialog = $("report");
  $("open-report").addEventListener("click", async () => {
    const body = $("report-body");
    body.replaceChildren(el("p", { class: "placeholder" }, "加载中…"));
    if (!reportDialog.open) reportDialog.showModal();
    try {
      body.replaceChildren(reportTable(await api("/v1/agent/feedback/report")));
    } catch (error) {
      if (!(error instanceof KeyRejected)) body.replaceChildren(el("p", { class: "error" }, error.message));
    }
  });
  $("close-report").addEventListener("click", () => reportDialog.close());

  function reportTable(report) {
    const rate = (counts) => (counts.acceptance_rate === null || counts.acceptance_rate === undefined ? "—" : `${(counts.acceptance_rate * 100).toFixed(1)}%`);
    const row = (cell, counts, tag = "td") => el("tr", {}, el(tag === "th" ? "th" : "td", { scope: tag === "th" ? "row" : null }, cell),
      ...["shown", "with_feedback", "used", "edited", "rejected"].map((k) => el("td", { class: "num" }, String(counts[k] ?? 0))),
      el("td", { class: "num" }, rate(counts)));
    const perIntent = Object.entries(report.per_intent || {});
    return el("table", { class: "report-table" },
      el("thead", {}, el("tr", {}, ...["意图", "建议数", "有反馈", "直接采用", "修改后采用", "不采用", "采纳率"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, perIntent.length ? perIntent.map(([intent, counts]) => row(`${intentName(intent)}（${intent}）`, counts))
        : el("tr", {}, el("td", { colspan: "7", class: "placeholder" }, "暂无建议记录"))),
      el("tfoot", {}, row("合计", report.overall || {}, "th")));
  }

  // --- start ---------------------------------------------------------------------------------------
  loadNames().finally(() => {
    if (agentKey) enter(agentKey);
    else keyInput.focus();
  });
})();
