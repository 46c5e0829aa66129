/* The customer chat window: one conversation with the bot (and later a human agent).
 *
 * Talks to the API:
 *   POST /v1/sessions                      open a session (with the app's customer token, if any)
 *   POST /v1/chat/stream                   one turn, streamed as server-sent events meta/delta/done
 *   POST /v1/sessions/{id}/handoff         the customer asks for a human
 *   GET  /v1/sessions/{id}/history         restore the transcript; pick up agents' replies
 * Every call carries `Authorization: Bearer <token>` when the page was opened with `?token=`.
 * Every text from the customer, the bot or an agent is inserted with textContent.
 */
"use strict";

(() => {
  const { el, fromTemplate, request, requestJson, readEventStream, percent, yuan, wording } = Finbot;

  // The page's sentences (welcome, notices) come from the service (GET /v1/meta, templates page.*).
  const WELCOME_CHIPS = ["提前还款要手续费吗", "借2万分12期每月还多少", "逾期了会怎样", "怎么识别贷款诈骗"];
  const AGENT_POLL_MS = 3000;
  const PLAN_ROWS_BEFORE_FOLD = 12; // longer plans show their first and last periods until expanded
  const PLAN_ROWS_FOLDED_HEAD = 6;

  const messages = document.getElementById("messages");
  const composer = document.getElementById("composer");
  const input = document.getElementById("input");
  const sendButton = document.getElementById("send");
  const handoffButton = document.getElementById("handoff");

  const token = new URLSearchParams(location.search).get("token") || null;
  // One stored session per customer token (a short hash of it, never the token itself), so that
  // opening the page with another customer's token never reuses this customer's session.
  const storageKey = "finbot.chat.session." + (token ? "t" + fnv1a(token) : "anonymous");

  let sessionId = sessionStorage.getItem(storageKey);
  let busy = false;
  let composing = false;
  let agentTurnsShown = 0;
  let agentPoll = null;

  function fnv1a(text) {
    let hash = 0x811c9dc5;
    for (const ch of text) {
      hash ^= ch.codePointAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16);
  }

  function headers() {
    const h = { "Content-Type": "application/json" };
    if (token) h.Authorization = "Bearer " + token;
    return h;
  }

  function rememberSession(id) {
    if (!id || id === sessionId) return;
    sessionId = id;
    sessionStorage.setItem(storageKey, id);
  }

  function forgetSession() {
    sessionId = null;
    sessionStorage.removeItem(storageKey);
  }

  async function ensureSession() {
    if (sessionId) return sessionId;
    const body = { channel: "app" };
    if (token) body.token = token;
    const opened = await requestJson("/v1/sessions", { method: "POST", headers: headers(), body: JSON.stringify(body) });
    rememberSession(opened.session_id);
    return sessionId;
  }

  // --- the message list -------------------------------------------------------------------
  function scrollToEnd() {
    messages.scrollTop = messages.scrollHeight;
  }

  function addNode(node) {
    messages.append(node);
    scrollToEnd();
    return node;
  }

  function addCustomerBubble(text) {
    const bubble = el("div", { class: "bubble" }, text);
    const row = el("div", { class: "turn customer" }, el("div", { class: "turn-body" }, bubble));
    return addNode(row);
  }

  function botRow(kind) {
    const avatar = el("div", { class: "avatar", "aria-hidden": "true" }, kind === "agent" ? "人" : "智");
    const body = el("div", { class: "turn-body" });
    if (kind === "agent") body.append(el("div", { class: "speaker" }, "人工客服"));
    const row = el("div", { class: `turn ${kind}` }, avatar, body);
    return { row, body };
  }

  function addNotice(text, kind = "info") {
    const notice = el("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
    return addNode(notice);
  }

  function addTyping() {
    const { row, body } = botRow("bot");
    row.classList.add("typing");
    body.append(el("div", { class: "bubble typing-bubble", "aria-label": "客服正在输入" },
      el("span", { class: "dot" }), el("span", { class: "dot" }), el("span", { class: "dot" })));
    return addNode(row);
  }

  function removeQuickReplies() {
    for (const chips of messages.querySelectorAll(".quick-replies")) chips.remove();
  }

  function quickReplies(options) {
    const chips = el("div", { class: "quick-replies", role: "group", "aria-label": "快捷回复" });
    for (const option of options) {
      chips.append(el("button", { type: "button", class: "chip", onclick: () => send(String(option)) }, option));
    }
    return chips;
  }

  // --- the parts of a bot answer -------------------------------------------------------------
  function fraudBanner(warning, fraud) {
    const level = fraud && fraud.level;
    const banner = el("section", { class: `fraud-banner level-${level || "warning"}`, role: "alert", "aria-label": "反诈提醒" });
    const heading = el("div", { class: "fraud-heading" }, fromTemplate("icon-alert"), el("strong", {}, "反诈提醒"));
    heading.append(el("span", { class: "fraud-level" }, level === "critical" ? "高风险" : "风险警示"));
    banner.append(heading);
    const scenario = fraud && fraud.scenario ? Finbot.scenarioName(fraud.scenario) : "";
    if (scenario) banner.append(el("p", { class: "fraud-scenario" }, "疑似诈骗类型：" + scenario));
    banner.append(el("p", { class: "fraud-text" },
      Finbot.warningBody(warning) || wording("page.fraud_fallback")));
    return banner;
  }

  function sourcesList(sources) {
    const list = el("div", { class: "sources" }, el("span", { class: "sources-label" }, fromTemplate("icon-doc"), "参考来源"));
    for (const source of sources) {
      const title = source.title || source.entry_id || "知识库";
      const item = el("div", { class: "source" }, el("span", { class: "source-title" }, title));
      if (source.source && source.source !== title) item.append(el("span", { class: "source-origin" }, source.source));
      list.append(item);
    }
    return list;
  }

  /** Sum of decimal money strings, exactly (in cents). */
  function sumMoney(values) {
    let cents = 0n;
    for (const value of values) {
      const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(value));
      if (!match) return null;
      const amount = BigInt(match[2]) * 100n + BigInt((match[3] || "").padEnd(2, "0"));
      cents += match[1] ? -amount : amount;
    }
    const negative = cents < 0n;
    const abs = negative ? -cents : cents;
    return (negative ? "-" : "") + (abs / 100n).toString() + "." + (abs % 100n).toString().padStart(2, "0");
  }

  /** "2026-02-15": the year is in its own span, dropped on the narrowest screens (the caption gives the span of dates). */
  function dateCell(isoDate) {
    const text = String(isoDate ?? "");
    const match = /^(\d{4}-)(\d{2}-\d{2})$/.exec(text);
    if (!match) return el("td", { class: "date" }, text);
    return el("td", { class: "date", title: text }, el("span", { class: "year" }, match[1]), match[2]);
  }

  /** The plan as the API sends it (ChatResponse.plan, bot/api/schemas.py::PlanOut): money as exact decimal strings. */
  function planCard(plan) {
    const periods = plan.periods;
    const flags = plan.flags;
    const hasFees = periods.some((p) => Number(p.fee) !== 0) || Number(plan.total_fees) !== 0;
    const card = el("section", { class: "plan-card", "aria-label": "还款计划" });

    card.append(el("div", { class: "plan-rate" + (flags.includes("apr_above_cap") ? " above-cap" : "") },
      el("span", { class: "plan-rate-label" }, "年化利率（IRR）"),
      el("strong", { class: "plan-rate-value" }, percent(plan.apr)),
      el("span", { class: "plan-rate-sub" }, `复利实际年化 ${percent(plan.effective_apr)} · 按内部收益率法计算`)));

    // What the customer must be warned of and told beside the figures: the service's own words.
    for (const warning of plan.warnings_zh) {
      card.append(el("p", { class: "plan-cap-warning", role: "note" }, fromTemplate("icon-alert"), el("span", {}, warning)));
    }
    for (const note of plan.notes_zh) {
      card.append(el("p", { class: "plan-note" }, note));
    }

    const totals = el("dl", { class: "plan-totals" },
      el("div", {}, el("dt", {}, "总还款"), el("dd", {}, "¥" + yuan(plan.total_payment))),
      el("div", {}, el("dt", {}, "总利息"), el("dd", {}, "¥" + yuan(plan.total_interest))),
      el("div", {}, el("dt", {}, "总费用"), el("dd", {}, "¥" + yuan(plan.total_fees))));
    card.append(totals);

    const head = el("tr", {}, el("th", { scope: "col" }, "期数"), el("th", { scope: "col" }, "还款日"),
      el("th", { scope: "col" }, "应还"), el("th", { scope: "col" }, "本金"), el("th", { scope: "col" }, "利息"),
      hasFees ? el("th", { scope: "col" }, "费用") : null, el("th", { scope: "col" }, "剩余本金"));
    const body = el("tbody");
    const fold = periods.length > PLAN_ROWS_BEFORE_FOLD;
    periods.forEach((p, i) => {
      const hidden = fold && i >= PLAN_ROWS_FOLDED_HEAD && i < periods.length - 1;
      body.append(el("tr", { class: hidden ? "period folded" : "period" },
        el("td", {}, String(p.index)), dateCell(p.due_date),
        el("td", { class: "money strong" }, yuan(p.payment)), el("td", { class: "money" }, yuan(p.principal)),
        el("td", { class: "money" }, yuan(p.interest)), hasFees ? el("td", { class: "money" }, yuan(p.fee)) : null,
        el("td", { class: "money" }, yuan(p.balance))));
    });
    const totalPrincipal = sumMoney(periods.map((p) => p.principal));
    const span = periods.length ? `，${periods[0].due_date} 至 ${periods[periods.length - 1].due_date}` : "";
    const foot = el("tfoot", {}, el("tr", {}, el("th", { scope: "row", colspan: "2" }, "合计"),
      el("td", { class: "money strong" }, yuan(plan.total_payment)), el("td", { class: "money" }, yuan(totalPrincipal ?? "")),
      el("td", { class: "money" }, yuan(plan.total_interest)), hasFees ? el("td", { class: "money" }, yuan(plan.total_fees)) : null,
      el("td", {}, "")));
    const table = el("table", { class: "plan-table" },
      el("caption", {}, `还款计划（共${periods.length}期${span}，单位：元）`), el("thead", {}, head), body, foot);
    card.append(el("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "还款计划表" }, table));

    if (fold) {
      const hiddenCount = periods.length - PLAN_ROWS_FOLDED_HEAD - 1;
      const toggle = el("button", { type: "button", class: "plan-toggle" }, `展开中间${hiddenCount}期`);
      const foldRow = el("tr", { class: "fold-row" }, el("td", { colspan: hasFees ? "7" : "6" }, `…… 中间${hiddenCount}期已折叠`));
      body.insertBefore(foldRow, body.children[PLAN_ROWS_FOLDED_HEAD]);
      toggle.addEventListener("click", () => {
        const expanded = card.classList.toggle("expanded");
        toggle.textContent = expanded ? "收起" : `展开中间${hiddenCount}期`;
      });
      card.append(toggle);
    }
    card.append(el("p", { class: "plan-footnote" }, wording("page.plan_footnote")));
    return card;
  }

  // --- one streamed bot answer ---------------------------------------------------------------
  class BotAnswer {
    constructor(typingRow) {
      this.typingRow = typingRow;
      this.row = null;
      this.body = null;
      this.banner = null;
      this.bubble = null;
      this.text = "";
    }

    ensureRow() {
      if (this.row) return;
      const { row, body } = botRow("bot");
      this.row = row;
      this.body = body;
      this.typingRow.replaceWith(row);
    }

    ensureBubble() {
      this.ensureRow();
      if (!this.bubble) {
        this.bubble = el("div", { class: "bubble" });
        this.body.append(this.bubble);
      }
    }

    showWarning(warning, fraud) {
      const level = fraud && fraud.level;
      if (this.banner || !(warning || level === "warning" || level === "critical")) return;
      this.ensureRow();
      this.banner = fraudBanner(warning, fraud);
      // The warning always comes first, above the answer.
      this.body.prepend(this.banner);
      scrollToEnd();
    }

    meta(data) {
      rememberSession(data.session_id);
      this.showWarning(data.warning, data.fraud);
    }

    delta(piece) {
      this.ensureBubble();
      this.text += piece;
      this.bubble.textContent = this.text;
      scrollToEnd();
    }

    done(reply) {
      rememberSession(reply.session_id);
      this.showWarning(reply.warning, reply.fraud);
      const answer = typeof reply.answer === "string" ? reply.answer : this.text;
      if (answer || !this.banner) {
        this.ensureBubble();
        // With a plan, the bubble holds the answer's lead and the card the plan: both as the service sent them.
        this.bubble.textContent = reply.plan && typeof reply.lead === "string" ? reply.lead : answer;
      }
      this.ensureRow();
      // Marks of a finished answer (also what the browser tests wait for).
      this.row.dataset.turnId = String(reply.turn_id ?? "");
      this.row.dataset.skill = String(reply.skill ?? "");
      this.row.dataset.fraudLevel = String((reply.fraud && reply.fraud.level) || "none");
      if (reply.plan) this.body.append(planCard(reply.plan));
      if (Array.isArray(reply.sources) && reply.sources.length) this.body.append(sourcesList(reply.sources));
      if (Array.isArray(reply.quick_replies) && reply.quick_replies.length) this.body.append(quickReplies(reply.quick_replies));
      if (reply.handoff) handedOff();
      scrollToEnd();
    }

    /** The stream broke after the turn was accepted: the turn is stored, only its display is lost. */
    interrupted() {
      if (!this.row) this.typingRow.remove();
      addNotice("回复加载中断，您的消息已收到。请刷新页面查看完整回复。", "error");
    }
  }

  // --- sending ---------------------------------------------------------------------------------
  async function streamTurn(text, typingRow, retried = false) {
    await ensureSession();
    let response;
    try {
      response = await request("/v1/chat/stream", {
        method: "POST",
        headers: { ...headers(), Accept: "text/event-stream" },
        body: JSON.stringify({ session_id: sessionId, message: text }),
      });
    } catch (error) {
      if (error.status === 404 && !retried) {
        // The stored session expired or was removed: start a new one and send the same message.
        forgetSession();
        addNotice("之前的会话已结束，已为您开始新的会话。");
        return streamTurn(text, typingRow, true);
      }
      throw error;
    }
    const answer = new BotAnswer(typingRow);
    let finished = false;
    try {
      await readEventStream(response, (name, data) => {
        if (name === "meta") answer.meta(data);
        else if (name === "delta") answer.delta(String((data && data.text) || ""));
        else if (name === "done") {
          answer.done(data);
          finished = true;
        }
      });
    } catch (_) {
      // A broken stream after the turn was accepted: reported just below.
    }
    if (!finished) answer.interrupted();
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    composer.classList.toggle("busy", value);
  }

  async function send(raw) {
    const text = String(raw);
    if (busy || !text.trim()) return;
    setBusy(true);
    removeQuickReplies();
    const bubbleRow = addCustomerBubble(text);
    if (input.value === text) input.value = "";
    autoGrow();
    const typingRow = addTyping();
    try {
      await streamTurn(text, typingRow);
    } catch (error) {
      // Not accepted: say why in Chinese, mark the bubble, and give the text back to the input.
      typingRow.remove();
      bubbleRow.classList.add("failed");
      bubbleRow.querySelector(".turn-body").append(el("div", { class: "failed-mark" }, "未发送"));
      addNotice(error.message || Finbot.NETWORK_MESSAGE, "error");
      if (!input.value.trim()) {
        input.value = text;
        autoGrow();
      }
    } finally {
      setBusy(false);
    }
  }

  // --- handoff and agents' replies -------------------------------------------------------------
  function handedOff() {
    if (handoffButton.classList.contains("done")) return;
    addNotice(wording("page.handoff_notice"));
    handoffButton.classList.add("done");
    handoffButton.textContent = "人工服务中";
    startAgentPolling();
  }

  async function requestHandoff() {
    if (handoffButton.classList.contains("done") || handoffButton.disabled) return;
    handoffButton.disabled = true;
    try {
      await ensureSession();
      await requestJson(`/v1/sessions/${encodeURIComponent(sessionId)}/handoff`, { method: "POST", headers: headers() });
      handedOff();
    } catch (error) {
      addNotice("转人工失败：" + (error.message || Finbot.NETWORK_MESSAGE), "error");
    } finally {
      handoffButton.disabled = false;
    }
  }

  function addAgentBubble(text) {
    const { row, body } = botRow("agent");
    body.append(el("div", { class: "bubble" }, text));
    addNode(row);
  }

  async function fetchHistory() {
    return requestJson(`/v1/sessions/${encodeURIComponent(sessionId)}/history`, { headers: headers() });
  }

  function startAgentPolling() {
    if (agentPoll) return;
    agentPoll = setInterval(async () => {
      if (!sessionId) return;
      try {
        const history = await fetchHistory();
        const agentTurns = history.turns.filter((t) => t.role === "agent");
        for (const turn of agentTurns.slice(agentTurnsShown)) addAgentBubble(turn.text);
        agentTurnsShown = agentTurns.length;
      } catch (_) {
        // A missed poll is retried at the next tick.
      }
    }, AGENT_POLL_MS);
  }

  /** After a reload: the conversation so far, from the server. */
  async function restoreHistory() {
    if (!sessionId) return;
    let history;
    try {
      history = await fetchHistory();
    } catch (error) {
      if (error.status === 404 || error.status === 401) forgetSession();
      return;
    }
    const turns = history.turns || [];
    if (turns.length) removeQuickReplies(); // the welcome chips belong to a fresh conversation
    for (const turn of turns) {
      if (turn.role === "customer") addCustomerBubble(turn.text);
      else if (turn.role === "agent") {
        addAgentBubble(turn.text);
        agentTurnsShown += 1;
      } else {
        const { row, body } = botRow("bot");
        // The history gives the whole reply text and, apart, its warning, sources, plan and lead.
        let text = turn.text;
        if (turn.warning) {
          body.append(fraudBanner(turn.warning, turn.fraud));
          if (text.startsWith(turn.warning)) text = text.slice(turn.warning.length).trim();
        }
        body.append(el("div", { class: "bubble" }, turn.plan && typeof turn.lead === "string" ? turn.lead : text));
        if (turn.plan) body.append(planCard(turn.plan));
        if (Array.isArray(turn.sources) && turn.sources.length) body.append(sourcesList(turn.sources));
        addNode(row);
      }
    }
    if (agentTurnsShown) startAgentPolling();
  }

  // --- the input box ---------------------------------------------------------------------------
  function autoGrow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  }

  input.addEventListener("compositionstart", () => {
    composing = true;
  });
  input.addEventListener("compositionend", () => {
    composing = false;
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey) return;
    // Enter while an input method is composing picks a candidate; it must not send.
    // (keyCode 229: Safari reports the IME's Enter after compositionend.)
    if (event.isComposing || composing || event.keyCode === 229) return;
    event.preventDefault();
    send(input.value);
  });
  // A composition that never reported its end (focus moved away mid-word) must not block Enter for good.
  input.addEventListener("blur", () => {
    composing = false;
  });
  input.addEventListener("input", autoGrow);
  // The send button sends what the box shows, composing or not: only the IME's own Enter is held back.
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    send(input.value);
  });
  handoffButton.addEventListener("click", requestHandoff);

  // --- start -------------------------------------------------------------------------------------
  function addWelcome() {
    const { row, body } = botRow("bot");
    const text = wording("page.welcome");
    if (text) body.append(el("div", { class: "bubble" }, text));
    body.append(quickReplies(WELCOME_CHIPS));
    addNode(row);
  }

  // The welcome needs its words from /v1/meta, and comes before a restored conversation.
  Finbot.loadNames()
    .then(() => {
      addWelcome();
      return restoreHistory();
    })
    .finally(() => {
      document.body.dataset.ready = "true";
    });
})();
