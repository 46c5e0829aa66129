/* Shared by the chat window and the agent console: building DOM nodes safely, calling the API,
 * turning API errors into Chinese messages, reading server-sent events from a fetch response.
 *
 * Safety rule for both pages: every text that comes from a customer, an agent or the API is put
 * into the page with textContent (through el()), never with innerHTML. Static markup lives in the
 * HTML files themselves (<template> elements) and is cloned.
 */
"use strict";

const Finbot = (() => {
  /** el("div", {class: "x", dataset: {id: "1"}, onclick: fn}, "text", childNode, ...) */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
      else if (name === "text") node.textContent = String(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** A copy of the contents of a static <template id="...">: icons and other fixed markup. */
  function fromTemplate(id) {
    const template = document.getElementById(id);
    return template ? template.content.cloneNode(true) : document.createDocumentFragment();
  }

  /** An error the page can show: `message` is Chinese, for people; `status` is the HTTP status (0: network). */
  class ApiError extends Error {
    constructor(status, message, detail) {
      super(message);
      this.status = status;
      this.detail = detail;
    }
  }

  const MESSAGE_BY_STATUS = {
    400: "请求有误，请检查后重试。",
    401: "身份验证失败或已过期，请重新登录后再试。",
    403: "没有权限进行此操作。",
    404: "会话不存在或已过期，请重新开始对话。",
    408: "请求超时，请稍后重试。",
    413: "内容太长了，请精简后再发送。",
    422: "内容格式不正确，请检查后重试。",
    429: "操作太频繁了，请稍等片刻再试。",
  };

  function chineseMessageFor(status, body) {
    // The API says it in Chinese in one of two places: {"detail": {"message_zh": …}} (chat errors)
    // or {"message_zh": …} beside an English detail (invalid requests).
    const detail = body && body.detail;
    const zh = (detail && typeof detail === "object" && detail.message_zh) || (body && body.message_zh);
    if (zh) return String(zh);
    if (MESSAGE_BY_STATUS[status]) return MESSAGE_BY_STATUS[status];
    if (status === 503) return "服务正在启动或维护中，请稍后再试。";
    if (status >= 500) return "服务暂时出了点问题，请稍后再试。";
    return `请求失败（${status}），请稍后再试。`;
  }

  function englishDetail(body) {
    const detail = body && body.detail;
    if (typeof detail === "string") return detail;
    if (detail && typeof detail === "object" && typeof detail.detail === "string") return detail.detail;
    return "";
  }

  /** A thrown ApiError for a response that is not 2xx. */
  async function errorFrom(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    return new ApiError(response.status, chineseMessageFor(response.status, body), englishDetail(body));
  }

  const NETWORK_MESSAGE = "网络连接失败，请检查网络后重试。";

  /** fetch() that throws ApiError with a Chinese message on network failure or a non-2xx status. */
  async function request(url, options) {
    let response;
    try {
      response = await fetch(url, options);
    } catch (_) {
      throw new ApiError(0, NETWORK_MESSAGE, "network error");
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  async function requestJson(url, options) {
    const response = await request(url, options);
    return response.json();
  }

  /**
   * Read a text/event-stream body and call onEvent(name, data) for each event; data is parsed
   * JSON. (EventSource cannot POST, so the chat reads the stream of a fetch response itself.)
   */
  async function readEventStream(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder("utf-8");
    let buffer = "";
    const dispatch = (block) => {
      let name = "message";
      const data = [];
      for (const line of block.split(/\r\n|\r|\n/)) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") name = value;
        else if (field === "data") data.push(value);
      }
      if (!data.length) return;
      let parsed;
      try {
        parsed = JSON.parse(data.join("\n"));
      } catch (_) {
        parsed = data.join("\n");
      }
      onEvent(name, parsed);
    };
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      // Events are separated by a blank line.
      let boundary;
      while ((boundary = buffer.search(/\r\n\r\n|\n\n|\r\r/)) !== -1) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary).replace(/^(\r\n\r\n|\n\n|\r\r)/, "");
        dispatch(block);
      }
      if (done) break;
    }
    if (buffer.trim()) dispatch(buffer);
  }

  /** Chinese names of intents and scam scenarios, and the pages' own sentences (welcome, notices),
   * from the API (GET /v1/meta): the taxonomy, the scam catalogue and knowledge/templates.yaml are
   * the one place for them. Until they arrive (or if they cannot), ids show as is and sentences are empty. */
  const NAMES = { intents: {}, scenarios: {}, wording: {} };

  async function loadNames() {
    try {
      const meta = await requestJson("/v1/meta");
      NAMES.intents = meta.intents || {};
      NAMES.scenarios = meta.scenarios || {};
      NAMES.wording = meta.wording || {};
    } catch (error) {
      console.warn("names not loaded", error);
    }
  }

  const LEVEL_ZH = { none: "无风险", notice: "提示", warning: "警示", critical: "高风险" };

  function scenarioName(id) {
    if (!id) return "";
    return NAMES.scenarios[id] || String(id);
  }

  /** A page sentence by its template name ("page.welcome"); "" when the names could not be loaded. */
  function wording(name) {
    return NAMES.wording[name] || "";
  }

  function intentName(id) {
    if (!id) return "";
    return NAMES.intents[id] || String(id);
  }

  /** "2026-05-01T08:03:09Z" → "16:03" (local time) today, otherwise "5月1日 16:03". */
  function shortTime(iso) {
    if (!iso) return "";
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return String(iso);
    const hh = String(when.getHours()).padStart(2, "0");
    const mm = String(when.getMinutes()).padStart(2, "0");
    const today = new Date();
    if (when.toDateString() === today.toDateString()) return `${hh}:${mm}`;
    return `${when.getMonth() + 1}月${when.getDate()}日 ${hh}:${mm}`;
  }

  /** "0.072000" → "7.20%" */
  function percent(fraction, digits = 2) {
    const value = Number(fraction);
    if (!Number.isFinite(value)) return String(fraction ?? "");
    return `${(value * 100).toFixed(digits)}%`;
  }

  /** "20000.00" → "20,000.00" (money arrives as decimal strings; only digits are grouped, no float maths). */
  function yuan(amount) {
    if (amount === null || amount === undefined) return "";
    const text = String(amount);
    const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
    if (!match) return text;
    return match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (match[3] || "");
  }

  /** The warning text without its own "【反诈提醒】" label, where the page already shows that heading. */
  function warningBody(text) {
    return String(text || "").replace(/^\s*【反诈提醒】\s*/, "");
  }

  return {
    warningBody, el, append, fromTemplate, ApiError, request, requestJson, readEventStream, chineseMessageFor,
    scenarioName, intentName, wording, loadNames, LEVEL_ZH, shortTime, percent, yuan, NETWORK_MESSAGE,
  };
})();
