"""码上巡察 (issue 17 §2): the public intake page of an inspection, its QR code, the status query, and the team's
reply step on the petition page and in REST.

Public routes (blueprint `intake`, no login): `/intake/<token>` (page; POST form or JSON), `/intake/<token>/qr.png`,
`/intake/captcha` (JSON: a new captcha), `/intake/captcha/<id>.png`, `/intake/status` (page; POST form or JSON).
CSRF: the blueprint is exempt from CSRFProtect. A CSRF token lives in the session cookie, and these pages set no
cookie at all (nothing may link a submission to a browser); the captcha id plays the token's part instead: signed,
single use, valid 10 minutes, and useless to another site that cannot read and solve its image. No login session is
involved, so there is no session a forged request could ride on.
"""

from __future__ import annotations

import io

from flask import Blueprint, current_app, g, jsonify, render_template, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import protect
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.commands import intake as flow
from app.errors import CommandError
from app.extensions import csrf
from app.permissions import WRITE
from app.rules.intake import FILE_BYTES_MAX, FILES_MAX, MATTER_MAX
from app.uow import transaction
from schema import Inspection

from .disposal import PETITIONS, _step, scoped

bp = Blueprint("intake", __name__, url_prefix="/intake")
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def intake_url(inspection: Inspection) -> str | None:
    """The public page's address while intake is open (API `intake_url`), else None."""
    return flow.page_url(inspection) if flow.is_open(inspection) else None


@bp.before_request
def _size_cap():
    # the whole request: the files allowed and the text around them; beyond it werkzeug answers 413 (上传的文件过大)
    request.max_content_length = FILES_MAX * FILE_BYTES_MAX + 1024 * 1024


def _json_error(exc: CommandError):
    extra = {"errors": {exc.field: [exc.message]}} if exc.field else {}
    return jsonify(message=exc.message, **extra), exc.status, NO_STORE


def _page(template: str, status: int = 200, **context):
    return render_template(template, **context), status, NO_STORE


@bp.route("/<token>", methods=["GET", "POST"])
def page(token):
    try:
        inspection = flow.inspection_by_token(token)
    except CommandError as exc:
        if request.is_json:
            return _json_error(exc)
        return _page("xct/intake_closed.html", 404, message=exc.message)
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(message="请求体须为 JSON 对象：{\"matter\": …, \"contact\": …, \"captcha_id\": …, "
                                   "\"captcha\": …}"), 400, NO_STORE
        try:
            with transaction():
                _petition, receipt, passphrase = flow.submit(
                    inspection, matter=body.get("matter"), contact=body.get("contact"),
                    captcha_id=body.get("captcha_id"), captcha=body.get("captcha"))
        except CommandError as exc:
            return _json_error(exc)
        return jsonify(receipt=receipt, passphrase=passphrase), 201, NO_STORE
    closed = flow.refusal(inspection)
    if closed:
        return _page("xct/intake_closed.html", 403 if request.method == "POST" else 200, message=closed,
                     inspection=inspection)
    form, error, status = request.form, None, 200
    if request.method == "POST":
        files = [(f.read(), f.filename) for f in request.files.getlist("attachments") if f and f.filename]
        try:
            with transaction():
                _petition, receipt, passphrase = flow.submit(
                    inspection, matter=form.get("matter"), contact=form.get("contact"), files=files,
                    captcha_id=form.get("captcha_id"), captcha=form.get("captcha"))
        except CommandError as exc:
            error, status = exc, exc.status
        else:
            return _page("xct/intake_receipt.html", 201, inspection=inspection, receipt=receipt,
                         passphrase=passphrase)
    return _page("xct/intake.html", status, inspection=inspection, form=form, error=error,
                 captcha_id=flow.new_captcha(), matter_max=MATTER_MAX, files_max=FILES_MAX,
                 file_mb=FILE_BYTES_MAX // 1024 // 1024)


@bp.route("/<token>/qr.png")
def qr(token):
    """The poster of the page: its QR code (segno) captioned in Chinese (app.intake_poster), to print and post."""
    try:
        inspection = flow.inspection_by_token(token)
    except CommandError as exc:
        return _page("xct/intake_closed.html", 404, message=exc.message)
    return send_file(io.BytesIO(flow.poster(inspection)), mimetype="image/png", max_age=0,
                     download_name="码上巡察二维码.png")


@bp.route("/captcha")
def new_captcha():
    """A captcha for a JSON client: its id and the address of its image (a person must read it)."""
    captcha_id = flow.new_captcha()
    return jsonify(captcha_id=captcha_id, image=url_for("intake.captcha", captcha_id=captcha_id)), 200, NO_STORE


@bp.route("/captcha/<captcha_id>.png")
def captcha(captcha_id):
    try:
        data = flow.captcha_image(captcha_id)
    except CommandError as exc:
        return jsonify(message=exc.message), 404, NO_STORE
    response = send_file(io.BytesIO(data), mimetype="image/png", max_age=0)
    response.headers.update(NO_STORE)
    return response


@bp.route("/status", methods=["GET", "POST"])
def status():
    """The status and the team's reply for a receipt code and passphrase; 404 alike for any wrong pair."""
    if request.method == "GET":
        return _page("xct/intake_status.html")
    body = request.get_json(silent=True) if request.is_json else request.form
    if not hasattr(body, "get"):
        body = {}
    try:
        result = flow.status(body.get("receipt"), body.get("passphrase"))
    except CommandError as exc:
        if request.is_json:
            return _json_error(exc)
        return _page("xct/intake_status.html", exc.status, error=exc.message)
    if request.is_json:
        return jsonify(result), 200, NO_STORE
    return _page("xct/intake_status.html", result=result)


def register_public(limiter) -> None:
    """The blueprint, exempt from CSRF (see the module's note) and rate-limited per address on every POST:
    INTAKE_RATE_LIMIT, counted where the login limit counts (Redis when configured, only for the window)."""
    csrf.exempt(bp)
    limiter.limit(lambda: current_app.config["INTAKE_RATE_LIMIT"], methods=["POST"],
                  error_message="提交过于频繁，请稍后再试")(bp)
    current_app.register_blueprint(bp)


# ---------------------------------------------------------------- the team's reply (答复信访人)


class ReplyForm(FlaskForm):
    reply = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容"), Length(max=MATTER_MAX)],
                          description="信访人凭回执码和查询密码可以看到这段答复；不要写入不宜告知信访人的内容。")


class PetitionReplyView(BaseView):
    """答复信访人: the step on a 网络 petition's page (its team only, app.commands.intake.reply_problem)."""

    route_base = "/petitionreply"
    class_permission_name = "Petition"
    method_permission_name = {"reply": WRITE}

    @expose("/<pk>", methods=["GET", "POST"])
    @has_access
    def reply(self, pk):
        petition = scoped(PETITIONS, pk)
        back = url_for("PetitionView.show", pk=petition.id)
        problem = flow.reply_problem(petition, g.user)
        return _step(self, ReplyForm(reply=petition.reply), lambda f: flow.reply(petition, g.user, f.reply.data),
                     title=f"答复信访人：{petition.code or petition.id}", back=back, done="已答复，信访人可凭回执码查看",
                     problems=[problem] if problem else None,
                     clause="三（二）4 巡察组进驻后……设立意见箱……受理来信来电来访（网上反映：码上巡察）")


class PetitionReplyApi:
    """POST /api/v1/petition/<id>/reply {"reply": "…"} (mixed into PetitionApi)."""

    @expose("/<int:pk>/reply", methods=["POST"])
    @protect()
    @safe
    def reply(self, pk):
        petition = self.datamodel.get(pk)
        if petition is None:
            return self.response_404()

        def run():
            flow.reply(petition, g.user, self.json_body().get("reply"))
            return {"result": {"reply": petition.reply, "replied_on": petition.replied_on.isoformat()}}
        return self.run_command(run)


SCREENS: list = []
HIDDEN = [PetitionReplyView]
APIS: list = []
