/*
 * 巡察通: Chinese for the widgets Flask-AppBuilder's pages use in the browser.
 * Loaded by views/templates/appbuilder/init.html after bootstrap-datepicker and select2, before FAB's ab.js.
 * Served from our own static folder: no CDN.
 */
(function ($) {
    "use strict";

    // bootstrap-datepicker 1.10 (FAB's .appbuilder_date / .appbuilder_datetime inputs)
    if ($.fn.datepicker) {
        $.fn.datepicker.dates["zh-CN"] = {
            days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
            daysShort: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
            daysMin: ["日", "一", "二", "三", "四", "五", "六"],
            months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
            monthsShort: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
            today: "今天",
            clear: "清除",
            monthsTitle: "选择月份",
            format: "yyyy-mm-dd",
            titleFormat: "yyyy年mm月",
            weekStart: 1
        };
        $.fn.datepicker.defaults.language = "zh-CN";
        $.fn.datepicker.defaults.todayHighlight = true;
    }

    // select2 4.0 messages, and FAB's hard-coded English placeholders ("Select a State", "Select")
    if ($.fn.select2) {
        var zh = {
            errorLoading: function () { return "无法载入结果。"; },
            inputTooLong: function (a) { return "请删除" + (a.input.length - a.maximum) + "个字符"; },
            inputTooShort: function (a) { return "请再输入至少" + (a.minimum - a.input.length) + "个字符"; },
            loadingMore: function () { return "载入更多结果…"; },
            maximumSelected: function (a) { return "最多只能选择" + a.maximum + "项"; },
            noResults: function () { return "未找到结果"; },
            searching: function () { return "搜索中…"; },
            removeAllItems: function () { return "删除所有项目"; },
            removeItem: function () { return "删除项目"; }
        };
        $.fn.select2.defaults.set("language", zh);

        var englishPlaceholders = {"Select a State": 1, "Select": 1};
        var original = $.fn.select2;
        var patched = function (options) {
            if (options && typeof options === "object" && englishPlaceholders[options.placeholder]) {
                arguments[0] = $.extend({}, options, {placeholder: "请选择"});
            }
            return original.apply(this, arguments);
        };
        $.extend(patched, original);  // keeps $.fn.select2.defaults and .amd
        $.fn.select2 = patched;
    }

    // FAB's ab_alert() is called with English texts from ab_actions.js
    var alerts = {"No row selected": "未选择任何记录"};
    $(function () {
        if (typeof window.ab_alert === "function") {
            var abAlert = window.ab_alert;
            window.ab_alert = function (text) { return abAlert(alerts[text] || text); };
        }
    });
})(jQuery);
