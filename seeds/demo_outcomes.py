"""The demo's records across the round, after the inspections' own (seeds/demo_records.py): 六、成果运用 (transfers,
submissions), 八、立卷归档 (the archives), 九 (the bulletins) and the records' status events."""

from __future__ import annotations

from app.commands import clues as clue_flow
from app.storage import store
from schema import Bulletin, ClueExhibit, Submission, Transfer
from seeds.demo import ACTOR, d


class RoundOutcomes:
    """Mixin of DemoBuilder: the round's outcomes, archives, bulletins and history, using the builder's helpers."""

    # ------------------------------------------------------------------------------------------ 六、成果运用 across the round
    def round_outcomes(self):
        c1, c2, c3 = self.i1_clues
        c6, c7 = self.i2_clues
        (c8,) = self.i3_clues
        (c10,) = self.i4_clues

        def transfer(insp, dept, no, on, clues, *, handling=None, result=None, reported=None, received_by):
            t = self.add(Transfer(inspection=insp, department=self.unit(dept), doc_no=no, transferred_on=d(on),
                                  received_on=d(on), handed_by="赵立新", received_by=received_by, handling=handling,
                                  result=result, reported_on=d(reported) if reported else None))
            t.clues = list(clues)
            return t

        for clue in (c1, c2, c3, c6, c7, c8, c10):
            self.package(clue)
        c14 = self.i5_clues[3]
        self.package(clue=c14, report=False)  # 专题报告 neither uploaded nor explained: the batch cannot go yet
        pending = self.add(Transfer(inspection=self.i5, department=self.unit("审计室")))
        pending.clues = [c14]
        self.transfers = [
            transfer(self.i1, "纪委监察室", "校巡移〔2026〕1号", "2026-05-13", [c1], handling="初步核实",
                     result="经初步核实，何晓东收受购物卡问题基本属实，已立案审查。", reported="2026-08-06",
                     received_by="钱志强"),
            transfer(self.i1, "审计室", "校巡移〔2026〕2号", "2026-05-13", [c2], handling="初步核实",
                     result="专项审计发现劳务费发放不规范，已责令退回12.6万元。", reported="2026-08-10", received_by="郑国华"),
            transfer(self.i1, "党委组织部", "校巡移〔2026〕3号", "2026-05-13", [c3], handling="谈话函询",
                     result="对孙志刚、吕建华进行谈话提醒。", reported="2026-07-30", received_by="周海涛"),
            transfer(self.i2, "党委组织部", "校巡移〔2026〕4号", "2026-05-13", [c6], handling="谈话函询",
                     result="对学院党委进行函询，责令规范选拔程序。", reported="2026-08-03", received_by="吴佳"),
            transfer(self.i2, "纪委监察室", "校巡移〔2026〕5号", "2026-05-13", [c7], handling="予以了结",
                     result="兼职已报备审批，予以了结。", reported="2026-07-28", received_by="许晓燕"),
            transfer(self.i3, "审计室", "校巡移〔2026〕6号", "2026-07-08", [c8], handling="初步核实",
                     received_by="郑国华"),  # 办理中, not yet reported: D10 overdue since 2026-10-08
            transfer(self.i4, "资产处", "校巡移〔2026〕7号", "2026-07-08", [c10], handling="暂存待查",
                     received_by="赵磊"),
        ]
        # 学工部's clue on 勤工助学 pay, decided with XS2026-05-005 and sent to 纪委监察室 through the steps (build the
        # batch, send it: the clue 已移送, the list filed), not yet signed for: the department's login (jiwei) has a
        # receipt to sign (六（二）3 “接收之日起3个月内”), as issue 13's walk of the 8 demo users needs.
        talk = self.i5_clues[2].talk
        c15 = self.clue(self.i5, "XS2026-05-006", "谈话", "违纪违法", False,
                        "学生资助管理中心工作人员涉嫌截留勤工助学酬金。", status="党委决定", disposal="移送类", rule=70,
                        department="纪委监察室", decision_on="2026-11-27", talk=talk)
        self.package(c15)
        self.s.flush()
        office = self.sm.find_user(username="office")
        (batch,) = clue_flow.build_transfers([c15], office)
        clue_flow.send(batch, office, on=d("2026-12-01"), doc_no="校巡移〔2026〕8号", handed_by="赵立新")
        self.sub1 = self.add(Submission(
            round=self.r1, inspection=self.i1, title="关于二级学院“三重一大”决策制度执行中普遍性问题的专题报告",
            summary="第一轮巡察4个单位中有3个存在大额资金使用未经党委会集体研究的问题，建议学校层面修订二级单位议事规则指引。",
            received_on=d("2026-05-12"), status="已报告", reported_on=d("2026-08-05"),
            result="党委办公室牵头修订《二级单位党组织会议和党政联席会议议事规则》，已印发。"))
        self.sub2 = self.add(Submission(
            round=self.r1, inspection=self.i2, title="计算机与通信工程学院“党建+科研团队”典型经验",
            summary="学院将党支部建在科研团队上，推动党建与科研深度融合，建议推广。", department=self.unit("党委组织部"),
            is_good_practice=True, received_on=d("2026-07-01"), status="办理中"))  # D11 overdue since 2026-10-01

    # ------------------------------------------------------------------------------------------ 八、立卷归档
    def archives(self):
        """机械工程学院 carried through to the archive: every required 附件 generated (and each batch's 移送清单),
        collected, handed over with every file verified (D12 done). 党委学生工作部 collected while in the field:
        its check lists what is still missing."""
        from app.commands import archive as flow
        from app.commands.documents import export_attachment, file_transfer_list, finalize_all

        i, office = self.i1, self.sm.find_user(username="office")
        present, drafts = flow.record_types(i.id), []
        for req in flow.requirements():
            if req.attachment_no is None or (req.applies_if and req.applies_if not in present):
                continue
            if req.attachment_no == 12:  # each batch's list, formed the day it was sent
                docs = [file_transfer_list(t, office) for t in self.transfers if t.inspection is i]
            else:
                docs = [export_attachment(i, req.attachment_no, office)]
                drafts += docs
            for doc in docs:
                doc.uploaded_by = ACTOR
        # 学工部: the team has begun the volume during the field work, its notice final
        notice = export_attachment(self.i5, 4, office)
        notice.uploaded_by = ACTOR
        self.s.flush()
        finalize_all([*drafts, notice], office)  # 定稿: the versions the archive files, formed on their records' dates
        volume, _ = flow.collect(i)
        volume.volume_no = "XC-2026-01-01"
        flow.handover(volume, office, handed_by="陈静", received_by="孙雅琴", handed_over_on=d("2026-05-28"))
        volume, _ = flow.collect(self.i5)
        volume.volume_no = "XC-2026-02-01"

    def package(self, clue, *, report=True):
        """The transfer package of a clue (六（二）2): files where the clue has a source, reasons where not."""
        def file(kind, text):
            doc = store(text.encode("utf-8"), f"{clue.code} {kind}.txt", title=f"{clue.code} {kind}",
                        inspection_id=clue.inspection.id, is_confidential=True, uploaded_by="office")
            self.add(ClueExhibit(clue=clue, kind=kind, document=doc))

        def absent(kind, reason):
            self.add(ClueExhibit(clue=clue, kind=kind, absent_reason=reason))

        if clue.petition is not None:
            file("信访材料", f"信访件 {clue.petition.code} 原件扫描（演示）：{clue.petition.summary}")
        else:
            absent("信访材料", "本线索不是信访来源")
        if clue.talk is not None:
            file("谈话摘录", f"谈话情况摘录（演示）：{clue.summary}")
        else:
            absent("谈话摘录", "未就本线索开展个别谈话")
        if clue.material is not None:
            file("证明材料", f"调阅资料复印件（演示）：{clue.material.name}")
        else:
            absent("证明材料", "线索来源材料已随信访材料移送")
        if report:
            absent("专题报告", "未开展专题调研")

    def bulletins(self):
        """九（一）: the bulletin of 2026年第一轮 issued to the leading group's member units and the departments."""
        from app.commands.statistics import issue_bulletin

        rnd, U = self.r1, self.units
        issued = self.add(Bulletin(year=2026, round=rnd, title="关于2026年第一轮巡察情况的通报",
                                   recipients=[U["纪委监察室"], U["党委组织部"], U["党委学生工作部"]]))
        self.s.flush()
        issue_bulletin(issued, None, on=d("2026-08-20"))
        self.add(Bulletin(year=2026, title="关于2026年巡察工作情况的通报（拟稿）", recipients=[U["党委办公室"]]))

    def status_events(self):
        c1 = self.i1_clues[0]
        moves = [("登记", None, "2026-03-18T10:20:00", "zuyuan", "信访登记"),
                 ("拟处置", "登记", "2026-04-12T15:00:00", "zuzhang", "组务会研究提出移送建议（规则10：纪委监察室）"),
                 ("巡察办审核", "拟处置", "2026-04-20T09:30:00", "office", None),
                 ("党委决定", "巡察办审核", "2026-05-07T17:00:00", "office", "党委常委会2026年第12次会议决定分类处置"),
                 ("已移送", "党委决定", "2026-05-13T10:00:00", "office", "校巡移〔2026〕1号")]
        for to, frm, at, actor, note in moves:
            self.event(c1, to, frm, at, actor, note)
        item = self.i3_items[2]
        self.event(item, "整改中", "未启动", "2026-07-05T09:00:00", "liaison")
        self.event(item, "待审核", "整改中", "2026-09-28T16:40:00", "liaison", "上传制度文件作为佐证")
        done = self.i1_items[0]
        self.event(done, "整改中", "未启动", "2026-05-10T09:00:00", "office")
        self.event(done, "待审核", "整改中", "2026-06-10T11:00:00", "office")
        self.event(done, "已销号", "待审核", "2026-06-15T14:00:00", "office", "巡察办审核通过")
        self.event(self.sub1, "办理中", "已提交", "2026-05-20T09:00:00", "dangban")
        self.event(self.sub1, "已报告", "办理中", "2026-08-05T10:00:00", "dangban", "向领导小组专题报告")
        self.event(self.sub2, "办理中", "已提交", "2026-07-06T09:00:00", "dangban")
