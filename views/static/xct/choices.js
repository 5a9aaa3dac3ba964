/*
 * 巡察通: relation dropdowns that search on the server (views/choices.py, issue 14 item 2 and issue 18).
 * A <select data-xct-choices="/choices/<View>/<field>"> holds only its chosen row; select2 asks the server while
 * the user types, 20 rows a page, sending the form's current parent values (data-xct-parents: round, team, unit,
 * inspection). When a strict parent changes (a team belongs to one round), a child that may no longer fit is
 * cleared rather than saved wrong. Loaded after FAB's ab.js, which set these up as plain select2 boxes.
 */
(function ($) {
    "use strict";
    function list(el, name) { return (el.attr(name) || "").split(",").filter(Boolean); }
    $(function () {
        $("select[data-xct-choices]").each(function () {
            var el = $(this), form = el.closest("form"), parents = list(el, "data-xct-parents");
            if (el.data("select2")) { el.select2("destroy"); }
            el.select2({
                theme: "bootstrap", width: "100%", allowClear: true, placeholder: "输入文字搜索",
                ajax: {
                    url: el.attr("data-xct-choices"), dataType: "json", delay: 250,
                    data: function (params) {
                        var query = {q: params.term || "", page: params.page || 1};
                        $.each(parents, function (_i, p) {
                            var v = form.find("[name='" + p + "']").val();
                            if (v) { query[p] = v; }
                        });
                        return query;
                    }
                }
            });
            $.each(list(el, "data-xct-strict"), function (_i, p) {
                form.find("select[name='" + p + "']").on("change.xct", function () {
                    if (!window.xctRestoring && el.val()) { el.val(null).trigger("change"); }  // drafts.js refills
                });
            });
        });
    });
})(jQuery);
