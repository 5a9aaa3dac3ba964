"""后台任务: the jobs a user asked for (large exports), their progress and their result; each user sees their own
(Admin and 巡察办 every one, app.scope)."""

from __future__ import annotations

from flask import abort
from flask_appbuilder import expose, has_access
from flask_appbuilder.api import protect

from app.permissions import READ
from schema import Job

from .archive import send_document
from .base import XctModelRestApi, XctModelView, XctSQLAInterface

LABELS = {"kind": "任务类型", "title": "任务", "owner": "提交人", "state": "状态", "progress": "进度（%）",
          "result": "结果文件", "error": "错误信息", "created_at": "提交时间", "started_at": "开始时间",
          "finished_at": "完成时间", "rq_job_id": "队列任务号", "params": "参数"}
COLUMNS = ["id", "title", "owner", "state", "progress", "created_at", "started_at", "finished_at", "error"]


def send_result(job: Job | None):
    """The job's file, for whoever may see the job (the scoped get found it)."""
    if job is None or job.state != "完成" or job.result is None:
        abort(404)
    return send_document(job.result)


class JobView(XctModelView):
    datamodel = XctSQLAInterface(Job)
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show", "result"}
    method_permission_name = {**XctModelView.method_permission_name, "result": READ}
    list_columns = ["title", "owner", "state", "progress", "created_at", "finished_at"]
    show_columns = ["title", "owner", "state", "progress", "created_at", "started_at", "finished_at", "error"]
    search_columns = ["title", "state", "owner"]
    order_columns = ["title", "state", "created_at", "finished_at"]
    label_columns = LABELS
    show_template = "xct/job_show.html"

    @expose("/result/<int:pk>")
    @has_access
    def result(self, pk):
        return send_result(self.datamodel.get(pk))

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            kwargs["job"] = self.datamodel.get(kwargs["pk"])
        return super().render_template(template, **kwargs)


class JobApi(XctModelRestApi):
    resource_name = "job"
    datamodel = XctSQLAInterface(Job)
    base_permissions = ["can_read"]
    include_route_methods = {"get", "get_list", "info", "result"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "result": READ}
    list_columns = show_columns = COLUMNS + ["result.id"]
    label_columns = LABELS

    @expose("/<int:pk>/result", methods=["GET"])
    @protect()
    def result(self, pk):
        return send_result(self.datamodel.get(pk))


SCREENS = [(JobView, "后台任务", "", "fa-tasks")]
APIS = [JobApi]
