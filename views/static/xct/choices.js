/*
 * 巡察通: relation dropdowns that search on the server (views/choices.py, issue 14 item 2 and issue 18).
 * A <select data-xct-choices="/choices/<View>/<field>"> holds only its chosen row; select2 asks the server while
 * the user types, 20 rows a page, sending the form's current parent values (data-xct-parents: round, team, unit,
 * inspection). When a strict parent changes (a team belongs to one round), a child that may no longer fit is
 * cleared rather than saved wrong. Loaded after FAB's ab.js, which set these up as plain select2 boxes.
 * A list's filters (FAB's AdminFilters, #filter_form) add such selects after the page loaded, named
 * _flt_<op>_<field>: each is set up when added, and an active filter gets its chosen row back from the URL.
 */
(function ($) {
    "use strict";
    function list(el, name) { return (el.attr(name) || "").split(",").filter(Boolean); }
    function restoreFilter(el) {
        var name = el.attr("name") || "", url = el.attr("data-xct-choices");
        var wanted = /^_flt_\d+_/.test(name) && !el.val() ? new URLSearchParams(window.location.search).get(name) : null;
        if (!wanted) { return; }
        $.getJSON(url, {id: wanted}, function (data) {
            $.each(data.results || [], function (_i, row) {
                el.append(new Option(row.text, row.id, true, true)).trigger("change");
            });
        });
    }
    function enhance(el) {
        if (el.data("xctDone")) { return; }
        el.data("xctDone", true);
        var form = el.closest("form"), parents = list(el, "data-xct-parents");
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
        restoreFilter(el);
    }
    function enhanceAll() { $("select[data-xct-choices]").each(function () { enhance($(this)); }); }
    $(function () {
        enhanceAll();
        // FAB's own click handler (bound earlier, on the link) has added the filter's field by the time this runs
        $("#filter_form").on("click", "a.filter", enhanceAll);
    });
})(jQuery);
