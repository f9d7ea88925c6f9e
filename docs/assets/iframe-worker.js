// Search that works from file://: browsers refuse `new Worker(url)` on a page opened from
// the file system, so there a worker's script runs in a hidden frame instead. The frame is
// made from srcdoc, so it shares the page's origin; what the worker posts is handed to the
// page, and what the page posts is dispatched in the frame as a "message" event. Material's
// search worker looks for `IFrameWorker` on its parent and then finds its own files from the
// src of its script tag, as it does with the CDN shim Material's offline plugin would add
// (this file replaces it: nothing is fetched from the network).
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function IFrameWorker(url) {
    var worker = this;
    worker.onmessage = null;
    worker.onerror = null;
    worker._listeners = {message: [], error: []};

    var frame = document.createElement("iframe");
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.style.display = "none";
    var source = new URL(url, document.baseURI).href;
    frame.srcdoc =
      "<!doctype html><html><head><script>" +
      "window.postMessage = function (data) { parent.IFrameWorker._deliver(frameElement, data); };" +
      "window.onerror = function (message) { parent.IFrameWorker._fail(frameElement, message); };" +
      "window.importScripts = function () {" +
      "  throw new Error('importScripts is not available to a worker opened from file://'); };" +
      "<\/script><script src=\"" + source.replace(/"/g, "&quot;") + "\"><\/script></head></html>";
    frame._worker = worker;
    worker._frame = frame;
    (document.body || document.documentElement).appendChild(frame);
  }

  IFrameWorker.prototype.postMessage = function (data) {
    var frame = this._frame;
    if (!frame.contentWindow || frame.contentDocument.readyState !== "complete") {
      var worker = this;
      frame.addEventListener("load", function () { worker.postMessage(data); }, {once: true});
      return;
    }
    frame.contentWindow.dispatchEvent(new frame.contentWindow.MessageEvent("message", {data: data}));
  };
  IFrameWorker.prototype.addEventListener = function (type, listener) {
    (this._listeners[type] = this._listeners[type] || []).push(listener);
  };
  IFrameWorker.prototype.removeEventListener = function (type, listener) {
    var list = this._listeners[type] || [];
    var at = list.indexOf(listener);
    if (at >= 0) list.splice(at, 1);
  };
  IFrameWorker.prototype.terminate = function () {
    this._frame.remove();
  };
  IFrameWorker.prototype._emit = function (type, event) {
    var handler = this["on" + type];
    if (typeof handler === "function") handler.call(this, event);
    (this._listeners[type] || []).slice().forEach(function (listener) { listener.call(this, event); }, this);
  };
  IFrameWorker._deliver = function (frame, data) {
    // Asynchronous, as a worker's messages are.
    setTimeout(function () { frame._worker._emit("message", new MessageEvent("message", {data: data})); }, 0);
  };
  IFrameWorker._fail = function (frame, message) {
    frame._worker._emit("error", new ErrorEvent("error", {message: String(message)}));
  };

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
