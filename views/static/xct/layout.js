/* 巡察通: the side menu's toggle (collapsed to icons on a desktop, slid in on a phone), remembered per browser. */
(function ($) {
    "use strict";
    var KEY = "xct.menu.collapsed";
    var phone = function () { return window.matchMedia("(max-width: 767px)").matches; };
    try { if (localStorage.getItem(KEY) === "1") { $("body").addClass("xct-collapsed"); } } catch (e) { /* private mode */ }
    $("#xct-menu-toggle").on("click", function () {
        if (phone()) { $("body").toggleClass("xct-menu-open"); return; }
        var collapsed = $("body").toggleClass("xct-collapsed").hasClass("xct-collapsed");
        try { localStorage.setItem(KEY, collapsed ? "1" : "0"); } catch (e) { /* private mode */ }
    });
    // the current page's entry in view when the menu is long
    var active = $("#xct-sidebar li.active").last();
    if (active.length && active[0].scrollIntoView) { active[0].scrollIntoView({block: "nearest"}); }
})(jQuery);

/* A show page's related tabs (views/lazy_tabs.py): each loads when opened; its paging and ordering links load
   into the tab too. Scripts in the fragment are dropped (they would carry another page's CSP nonce); the one FAB's
   list needs, AdminActions for the row actions, is set up here. */
(function ($) {
    "use strict";
    function load(box, url) {
        box.attr("data-loading", "1");
        $.ajax({url: url, dataType: "html"}).done(function (html) {
            box.empty().append($.parseHTML(html, document, false)).attr("data-loaded", "1");
            if (window.AdminActions) { window.modelActions = new window.AdminActions(); }
        }).fail(function (xhr) {
            var text = xhr.status === 401 || xhr.status === 403 ? "登录已过期或没有权限，请刷新页面后重试。" : "加载失败，请刷新页面后重试。";
            box.html($("<p class='text-danger'></p>").text(text));
        }).always(function () { box.removeAttr("data-loading"); });
    }
    function open(pane) {
        pane.find(".xct-lazy").each(function () {
            var box = $(this);
            if (!box.attr("data-loaded") && !box.attr("data-loading")) { load(box, box.data("url")); }
        });
    }
    $(document).on("shown.bs.tab", "a[data-toggle='tab']", function (e) { open($($(e.target).attr("href"))); });
    $(document).on("click", ".xct-lazy a[href*='/related/']", function (e) {
        e.preventDefault();
        load($(this).closest(".xct-lazy"), $(this).attr("href"));
    });
    $(document).on("click", ".xct-lazy .confirm", function () { $(".modal-text").text($(this).data("text")); });
    $(function () { open($(".tab-pane.active")); });
})(jQuery);
