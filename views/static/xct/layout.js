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
