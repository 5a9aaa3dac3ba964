"""六（二）（三） 分类处置 in the API: the step endpoints a clue, a petition, a submission and a transfer batch add to
their REST resources (mixed into ClueApi, PetitionApi, SubmissionApi and TransferApi: one resource, one permission).
The screens and the receiving department's side are in views/disposal.py; each step is one use case of
app.commands.clues, as there.
"""

from __future__ import annotations

from flask import g, request
from flask_appbuilder import expose
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import protect

from app.commands import clues as flow
from app.extensions import db
from app.rules.transfer import missing_items

from .base import document_answer, uploaded
from .disposal import scoped_clues


class PetitionFlowApi:
    """/api/v1/petition/<id>/attachment and /clue (mixed into PetitionApi)."""

    @expose("/<int:pk>/attachment", methods=["POST"])
    @protect()
    @safe
    def attachment(self, pk):
        petition = self.datamodel.get(pk)
        if petition is None:
            return self.response_404()

        def run():
            data, filename = uploaded()
            return document_answer(flow.attach_to_petition(petition, g.user, data=data, filename=filename))
        return self.run_command(run, 201)

    @expose("/<int:pk>/clue", methods=["POST"])
    @protect()
    @safe
    def clue(self, pk):
        petition = self.datamodel.get(pk)
        if petition is None:
            return self.response_404()

        def run():
            clue = flow.clue_from_petition(petition, g.user)
            return {"id": clue.id, "result": {"source": clue.source, "petition": petition.id, "status": clue.status}}
        return self.run_command(run, 201)


class SubmissionFlowApi:
    """/api/v1/submission/<id>/start and /report (mixed into SubmissionApi)."""

    @expose("/<int:pk>/start", methods=["POST"])
    @protect()
    @safe
    def start(self, pk):
        sub = self.datamodel.get(pk)
        if sub is None:
            return self.response_404()
        return self.run_command(lambda: flow.start_submission(sub, g.user, self.json_body().get("note"))
                                or {"result": {"status": sub.status}})

    @expose("/<int:pk>/report", methods=["POST"])
    @protect()
    @safe
    def report(self, pk):
        sub = self.datamodel.get(pk)
        if sub is None:
            return self.response_404()

        def run():
            body = self.json_body()
            flow.report_submission(sub, g.user, on=body.get("reported_on"), result=body.get("result"))
            return {"result": {"status": sub.status, "reported_on": sub.reported_on.isoformat()}}
        return self.run_command(run)



class ClueFlowApi:
    """The clue's steps on /api/v1/clue/ (mixed into ClueApi: one resource, one permission)."""

    @expose("/<int:pk>/propose", methods=["POST"])
    @protect()
    @safe
    def propose(self, pk):
        clue = self.datamodel.get(pk)
        if clue is None:
            return self.response_404()

        def run():
            body = self.json_body()
            flow.propose(clue, g.user, disposal=body.get("disposal"), department_id=body.get("department"),
                         reason=body.get("reason"))
            return {"result": {"status": clue.status, "disposal": clue.disposal, "department": clue.department_id,
                               "rule": clue.routing_rule_id}}
        return self.run_command(run)

    @expose("/<int:pk>/review", methods=["POST"])
    @protect()
    @safe
    def review(self, pk):
        clue = self.datamodel.get(pk)
        if clue is None:
            return self.response_404()

        def run():
            body = self.json_body()
            flow.review(clue, g.user, approve=body.get("approve") is True, note=body.get("note"))
            return {"result": {"status": clue.status}}
        return self.run_command(run)

    @expose("/decide", methods=["POST"])
    @protect()
    @safe
    def decide(self):
        def run():
            body = self.json_body()
            clues = scoped_clues(body.get("clues"))
            made = flow.decide(clues, g.user, on=body.get("decision_on"), meeting=body.get("decision_meeting"),
                               decision=body.get("decision"))
            db.session.flush()
            return {"result": {"clues": [c.id for c in clues],
                               "follow_up": [{"type": type(m).__tablename__, "id": m.id} for m in made]}}
        return self.run_command(run)

    @expose("/<int:pk>/close", methods=["POST"])
    @protect()
    @safe
    def close(self, pk):
        clue = self.datamodel.get(pk)
        if clue is None:
            return self.response_404()
        return self.run_command(lambda: flow.close(clue, g.user, self.json_body().get("note")) or
                                {"result": {"status": clue.status}})

    @expose("/<int:pk>/exhibit", methods=["POST"])
    @protect()
    @safe
    def exhibit(self, pk):
        """multipart (kind, file, note) or JSON (kind, absent_reason, note)."""
        clue = self.datamodel.get(pk)
        if clue is None:
            return self.response_404()

        def run():
            data, filename = uploaded()
            body = request.form if "file" in request.files or not request.is_json else self.json_body()
            exhibit = flow.add_exhibit(
                clue, g.user, kind=body.get("kind"), data=data, filename=filename,
                absent_reason=body.get("absent_reason"), note=body.get("note"))
            db.session.flush()
            return {"id": exhibit.id, "result": {"kind": exhibit.kind, "document": exhibit.document_id,
                                                 "sha256": exhibit.document.sha256 if exhibit.document else None,
                                                 "missing": missing_items(flow.package_of(clue))}}
        return self.run_command(run, 201)


class TransferFlowApi:
    """Building, checking and sending batches on /api/v1/transfer/ (mixed into TransferApi)."""

    @expose("/build", methods=["POST"])
    @protect()
    @safe
    def build(self):
        def run():
            batches = flow.build_transfers(scoped_clues(self.json_body().get("clues")), g.user)
            db.session.flush()
            return {"result": [{"id": t.id, "department": t.department_id, "clues": [c.id for c in t.clues]}
                               for t in batches]}
        return self.run_command(run, 201)

    @expose("/<int:pk>/check", methods=["GET"])
    @protect()
    @safe
    def check(self, pk):
        transfer = self.datamodel.get(pk)
        if transfer is None:
            return self.response_404()
        problems = flow.transfer_problems(transfer)
        return self.response(200, result={"complete": not problems, "problems": problems})

    @expose("/<int:pk>/send", methods=["POST"])
    @protect()
    @safe
    def send(self, pk):
        transfer = self.datamodel.get(pk)
        if transfer is None:
            return self.response_404()

        def run():
            body = self.json_body()
            flow.send(transfer, g.user, on=body.get("transferred_on"), doc_no=body.get("doc_no"),
                      handed_by=body.get("handed_by"))
            return {"result": {"transferred_on": transfer.transferred_on.isoformat(), "stage": transfer.stage}}
        return self.run_command(run)
