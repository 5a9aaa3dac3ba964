/*
 * 巡察通: nothing typed is lost when the login times out (issue 14 item 1).
 *
 * Drafts: every form of the page (not the login form, never a password or file field) is saved to this browser's
 * localStorage while typing, keyed by the signed-in user and the page's path. Coming back to the same form after
 * logging in again (the login returns to the page it interrupted) fills the fields back in with a visible note.
 * A submit marks the draft as sent; the next page of the same user that is neither the login page nor the form
 * itself (a successful save moves on to the record) deletes it. Logging out deletes every draft of this browser;
 * a draft older than DRAFT_HOURS is dropped unread (the login itself lasts at most SESSION_MAX_HOURS).
 *
 * Idle warning: the page carries the seconds its login has left (meta xct-idle-seconds, written by the server from
 * SESSION_IDLE_MINUTES); WARN_SECONDS before that a banner offers 继续工作, which asks the server (/session/alive)
 * and so restarts the idle clock.
 */
(function ($) {
    "use strict";
    var PREFIX = "xct.draft:", DRAFT_HOURS = 24, WARN_SECONDS = 300;
    var meta = function (name) { return $("meta[name='" + name + "']").attr("content") || ""; };
    var user = meta("xct-user"), loginPath = meta("xct-login-path") || "/login/";
    var store = (function () {
        try { localStorage.setItem(PREFIX + "probe", "1"); localStorage.removeItem(PREFIX + "probe"); return localStorage; }
        catch (e) { return null; }  // private mode: no drafts, nothing breaks
    })();
    var onLogin = location.pathname.indexOf(loginPath) === 0;

    function keyOf(form, index) {
        return PREFIX + user + ":" + location.pathname + location.search + "#" + (form.attr("id") || index);
    }
    function read(key) {
        try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
    }
    function kept(input) {
        var type = (input.type || "").toLowerCase();
        return input.name && input.name !== "csrf_token" && !input.disabled &&
            ["password", "file", "hidden", "submit", "button", "reset", "image"].indexOf(type) < 0;
    }
    function values(form) {
        var out = {};
        form.find("input, textarea, select").each(function () {
            if (!kept(this)) { return; }
            var type = (this.type || "").toLowerCase();
            if ((type === "checkbox" || type === "radio")) {
                if (this.checked) { (out[this.name] = out[this.name] || []).push(this.value); }
                else { out[this.name] = out[this.name] || []; }
            } else {
                var v = $(this).val();
                out[this.name] = $.isArray(v) ? v : [v == null ? "" : String(v)];
            }
        });
        return out;
    }
    function texts(form) {
        var out = {};
        form.find("select").each(function () {
            if (kept(this)) { out[this.name] = $(this).find("option:selected").map(function () { return $(this).text(); }).get(); }
        });
        return out;
    }
    function fill(form, data, labels) {
        window.xctRestoring = true;
        try { fillFields(form, data, labels || {}); } finally { window.xctRestoring = false; }
    }
    function fillFields(form, data, labels) {
        $.each(data, function (name, vals) {
            var fields = form.find("[name='" + name.replace(/'/g, "\\'") + "']").filter(function () { return kept(this); });
            fields.each(function () {
                var type = (this.type || "").toLowerCase(), field = $(this);
                if (type === "checkbox" || type === "radio") {
                    this.checked = vals.indexOf(this.value) >= 0;
                } else if (this.tagName === "SELECT") {
                    var wanted = this.multiple ? vals : vals.slice(0, 1);
                    // an AJAX select (views/choices) holds only its chosen option: add back the one typed before
                    $.each(wanted, function (i, v) {
                        if (v !== "" && !field.find("option").filter(function () { return this.value === v; }).length) {
                            field.append($("<option></option>").val(v).text((labels[name] || [])[i] || v));
                        }
                    });
                    field.val(this.multiple ? wanted : wanted[0]).trigger("change");
                } else {
                    field.val(vals[0]);
                    field.trigger("input");
                }
            });
        });
    }
    function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

    function clearAll() {
        if (!store) { return; }
        for (var i = store.length - 1; i >= 0; i--) {
            var k = store.key(i);
            if (k && k.indexOf(PREFIX) === 0) { store.removeItem(k); }
        }
    }

    // drafts sent by a submit and followed by another page: saved, so gone
    function settle() {
        if (!store || !user || onLogin || document.referrer.indexOf(loginPath) >= 0) { return; }
        var here = PREFIX + user + ":" + location.pathname + location.search + "#";
        var now = Date.now();
        for (var i = store.length - 1; i >= 0; i--) {
            var k = store.key(i);
            if (!k || k.indexOf(PREFIX) !== 0) { continue; }
            var d = read(k);
            var old = !d || now - (d.at || 0) > DRAFT_HOURS * 3600 * 1000;
            if (old || (d.sent && k.indexOf(here) !== 0 && k.indexOf(PREFIX + user + ":") === 0)) { store.removeItem(k); }
        }
    }

    function track(form, index) {
        var key = keyOf(form, index), original = values(form), draft = read(key);
        if (draft && draft.values && !same(draft.values, original)) {
            fill(form, draft.values, draft.texts);
            var note = $('<div class="alert alert-info xct-draft-note" role="status"></div>')
                .text("已恢复您上次未提交的内容（保存在本机浏览器中）。请核对后提交。 ");
            $('<a href="#" class="alert-link">放弃恢复</a>').on("click", function (e) {
                e.preventDefault();
                store.removeItem(key);
                fill(form, original);
                note.remove();
            }).appendTo(note);
            form.before(note);
        }
        if (draft) {  // not sent any more: the form is back (its errors shown, or after logging in again)
            store.setItem(key, JSON.stringify({at: Date.now(), values: draft.values, texts: draft.texts}));
        }
        var timer = null;
        form.on("input change", function () {
            clearTimeout(timer);
            timer = setTimeout(function () {
                var now = values(form);
                if (same(now, original)) { store.removeItem(key); return; }
                store.setItem(key, JSON.stringify({at: Date.now(), values: now, texts: texts(form)}));
            }, 300);
        });
        form.on("submit", function () {
            clearTimeout(timer);
            var now = values(form);
            if (!same(now, original)) {
                store.setItem(key, JSON.stringify({at: Date.now(), values: now, texts: texts(form), sent: true}));
            }
        });
    }

    $(function () {
        if (store) {
            $(document).on("click", "a[href*='/logout']", clearAll);
            settle();
            if (user && !onLogin) {
                $("form").filter(function () {
                    // forms one types into (not a list's row selection), never one asking for a password
                    return (this.method || "").toLowerCase() === "post" && !$(this).is("[data-xct-no-draft]") &&
                        !$(this).find("input[type=password]").length &&
                        $(this).find("textarea, input[type=text], input[type=number], input:not([type])").length > 0;
                }).each(function (i) { track($(this), i); });
            }
        }
        warnBeforeTimeout();
    });

    // ---- the idle warning ----
    function warnBeforeTimeout() {
        var left = parseInt(meta("xct-idle-seconds"), 10);
        if (!user || !(left > 0)) { return; }
        var deadline = Date.now() + left * 1000, banner = null, ticker = null;
        function minutes() { return Math.max(0, Math.ceil((deadline - Date.now()) / 60000)); }
        function show() {
            if (!banner) {
                banner = $('<div class="alert alert-warning xct-idle-warning" role="alert"></div>');
                banner.append($("<span class='xct-idle-text'></span>"));
                $('<button type="button" class="btn btn-sm btn-warning">继续工作</button>').on("click", renew).appendTo(banner);
                $(".xct-content").prepend(banner);
            }
            var m = minutes();
            banner.find(".xct-idle-text").text(m > 0
                ? "长时间未操作，登录将在约 " + m + " 分钟后失效。已填写的内容暂存在本机浏览器中，重新登录后可恢复。 "
                : "登录已失效。已填写的内容暂存在本机浏览器中：重新登录后回到本页即可恢复。 ");
        }
        function renew() {
            $.ajax({url: meta("xct-alive-url") || "/session/alive", dataType: "json", cache: false}).done(function (r) {
                if (r && r.signed_in) {
                    deadline = Date.now() + r.idle_seconds * 1000;
                    if (banner) { banner.remove(); banner = null; }
                    schedule(r.idle_seconds);
                } else { show(); }
            }).fail(show);
        }
        function schedule(seconds) {
            clearTimeout(ticker);
            ticker = setTimeout(function tick() {
                show();
                ticker = setTimeout(tick, 30000);
            }, Math.max(0, seconds - Math.min(WARN_SECONDS, seconds / 2)) * 1000);
        }
        schedule(left);
    }
    window.xctDrafts = {clearAll: clearAll};
})(jQuery);
