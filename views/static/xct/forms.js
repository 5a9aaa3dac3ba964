/*
 * 巡察通: forms that never change what was typed (issue 14).
 * Loaded by views/templates/appbuilder/init.html after bootstrap-datepicker, before FAB's ab.js binds it.
 */
(function ($) {
    "use strict";

    // bootstrap-datepicker rewrites the input from its own parsed date when it closes: 2026-02-30 became 2026-03-02
    // and a pasted date (no key events) was erased. The text stays as typed; the server parses it strictly.
    if ($.fn.datepicker) {
        $.fn.datepicker.defaults.forceParse = false;
        $.fn.datepicker.defaults.autoclose = true;
    }

    // A complete date typed or pasted closes the calendar, which would otherwise cover what lies below (the submit
    // button); the text is left exactly as entered.
    $(document).on("keyup input paste", ".appbuilder_date input, .appbuilder_datetime input", function () {
        var input = $(this);
        setTimeout(function () {
            if (/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test($.trim(input.val()))) {
                input.closest(".appbuilder_date, .appbuilder_datetime").datepicker("hide");
            }
        }, 0);
    });

    // A maxlength attribute makes the browser cut a paste silently; the server refuses a too-long value with a
    // message instead, and a counter says so while typing.
    $(function () {
        $("form.xct-form [maxlength]").each(function () {
            var input = $(this), max = parseInt(input.attr("maxlength"), 10);
            input.removeAttr("maxlength").attr("data-maxlength", max);
            var hint = $('<span class="xct-length help-block"></span>').insertAfter(input);
            var show = function () {
                var n = (input.val() || "").length;
                hint.text("已输入 " + n + " / " + max + " 字" + (n > max ? "，超出 " + (n - max) + " 字，无法保存" : ""));
                hint.toggleClass("text-danger", n > max).toggle(n > max * 0.8);
            };
            input.on("input change", show);
            show();
        });
    });
})(jQuery);
