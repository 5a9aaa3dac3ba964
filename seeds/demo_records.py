"""The demo's records per inspection, in procedure order: 机械 (archived through the archive steps) and 计通
archived, 材料 rectifying, 图书馆 overdue, 学工部 in the field (its volume begun), 后勤 being prepared. What spans
the round (transfers, submissions, the archives, bulletins and status events) is in seeds/demo_outcomes.py."""

from __future__ import annotations

from schema import (
    DeepDive,
    DestructionRecord,
    ImmediateFix,
    NewsRelease,
    Petition,
    Speech,
    Supervision,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    UrgentReport,
    Visit,
)
from seeds.demo import d


class InspectionRecords:
    """Mixin of DemoBuilder: one method per inspection, using the builder's helpers."""

    # ------------------------------------------------------------------------------------------ 机械工程学院: full cycle, archived
    def i1_mechanical(self):
        i, p = self.i1, self.p
        self.preparation(i, briefings=[
            ("党委组织部", "周海涛", "2026-03-09", "面谈", "学院领导班子成员5人，近三年干部调整情况；班子考核结果“好”。", "领导班子及成员近三年考核情况"),
            ("纪委监察室", "钱志强", "2026-03-09", "面谈", "近三年收到反映学院问题的信访3件，均已办结。", None),
            ("审计室", "郑国华", "2026-03-10", "书面", "2025年经济责任审计发现科研经费报销不规范问题，已整改。", "审计报告（2025）"),
            ("财务处", "蔡永红", "2026-03-10", "面谈", "学院近三年科研经费到款情况，劳务费发放情况。", None),
        ], plan_filed="2026-03-12", expected=150, present=138, host="吕建华")
        self.meeting(i, "听取汇报", "机械工程学院党委工作汇报", "2026-03-17", host="王建国", recorder="陈静",
                     attendees="巡察组全体；学院党委书记孙志刚汇报", minutes="汇报学院党委落实全面从严治党主体责任、班子建设、“三重一大”制度执行情况。")
        self.meeting(i, "听取汇报", "纪检委员专题汇报", "2026-03-18", host="李红梅", recorder="陈静",
                     minutes="学院纪检委员汇报监督执纪情况及近年信访办理。")
        self.meeting(i, "列席会议", "列席学院党政联席会", "2026-03-24", host="吕建华", recorder="陈静",
                     attendees="学院党政班子成员；巡察组王建国、陈静列席", minutes="议题：实验室设备采购计划、年度预算调整；巡察组列席不发言。")
        self.meeting(i, "座谈会", "青年教师座谈会", "2026-03-19", host="李红梅", recorder="刘洋",
                     attendees="青年教师12人", minutes="反映职称评审、教学工作量分配、实验室安全培训不足等问题。")
        self.meeting(i, "座谈会", "学生代表座谈会", "2026-03-20", host="刘洋", recorder="陈静",
                     attendees="本科生、研究生代表15人", minutes="反映个别教师课堂纪律松散、实验耗材管理等问题。")
        self.meeting(i, "组务会", "第一巡察组组务会（第3次）", "2026-03-27", host="王建国", recorder="陈静",
                     minutes="研判谈话中多人反映的设备采购问题，决定调阅2024-2025年采购合同。")
        self.meeting(i, "组务会", "第一巡察组组务会（第6次）", "2026-04-10", host="王建国", recorder="陈静",
                     minutes="梳理问题线索5条，讨论巡察情况报告框架。")

        # 问卷
        sv = self.add(Survey(inspection=i, title="机械工程学院巡察工作调查问卷", distributed_count=150, collected_count=138,
                             distributed_on=d("2026-03-16"),
                             instructions="本问卷不记名，请根据实际情况填写，投入巡察工作意见箱或交巡察组工作人员。"))
        qs = [
            self.add(SurveyQuestion(survey=sv, seq=1, kind="单选", text="您对学院领导班子落实全面从严治党主体责任的评价",
                                    options="满意\n基本满意\n不满意\n不了解")),
            self.add(SurveyQuestion(survey=sv, seq=2, kind="单选", text="您对学院“三重一大”事项集体决策情况的评价",
                                    options="满意\n基本满意\n不满意\n不了解")),
            self.add(SurveyQuestion(survey=sv, seq=3, kind="多选", text="您认为学院目前存在的主要问题（可多选）",
                                    options="科研经费管理\n设备采购\n干部选拔任用\n师德师风\n实验室安全\n其他")),
            self.add(SurveyQuestion(survey=sv, seq=4, kind="文本", text="您对学院改进工作的意见建议")),
        ]
        texts = ["希望公开设备采购流程", "实验室安全培训要常态化", "职称评审标准应提前公布", "", "加强青年教师培养"]
        responses = []
        for n in range(20):
            r = self.add(SurveyResponse(survey=sv, respondent_group=self.rng.choice(["教师", "教师", "学生", "干部"]),
                                        submitted_on=d("2026-03-16") if n < 15 else d("2026-03-18")))
            r.answers = [
                SurveyAnswer(question=qs[0], value=self.rng.choice(["满意", "满意", "基本满意", "不满意"])),
                SurveyAnswer(question=qs[1], value=self.rng.choice(["满意", "基本满意", "基本满意", "不了解"])),
                SurveyAnswer(question=qs[2], value="\n".join(self.rng.sample(["科研经费管理", "设备采购", "师德师风", "实验室安全"], 2))),
                SurveyAnswer(question=qs[3], value=self.rng.choice(texts) or None),
            ]
            responses.append(r)
        responses[3].answers[3].value = "实验室危化品台账不清，废液存放在走廊，存在安全隐患。"

        # 信访
        pe1 = self.add(Petition(inspection=i, code="XC2026-01-001", channel="来信", received_on=d("2026-03-18"),
                                petitioner_name="林某某", petitioner_contact="（来信地址已登记）", subject_name="何晓东（副院长）",
                                summary="反映何晓东在实验室设备采购中指定供应商，并收受供应商赠送的购物卡。",
                                registered_by=p("张伟"), triage="受理"))
        pe2 = self.add(Petition(inspection=i, code="XC2026-01-002", channel="意见箱", received_on=d("2026-03-20"),
                                is_anonymous=True, subject_name="宋雨桐（讲师）",
                                summary="反映某讲师多次无故迟到、课堂随意调课，学生意见很大。",
                                registered_by=p("张伟"), triage="受理"))
        self.add(Petition(inspection=i, code="XC2026-01-003", channel="来电", received_on=d("2026-03-23"),
                                petitioner_name="退休教师王某", subject_name="学院",
                                summary="反映退休人员活动经费长期未落实。", registered_by=p("张伟"),
                                triage="转办", triage_reason="属离退休工作处职责，转相关部门办理。"))
        self.add(Petition(inspection=i, code="XC2026-01-004", channel="邮箱", received_on=d("2026-03-25"),
                                is_anonymous=True, subject_name="何晓东（副院长）",
                                summary="反映副院长指定供应商问题（与XC2026-01-001内容相同）。", registered_by=p("张伟"),
                                triage="重复", duplicate_of=pe1))
        self.add(Petition(inspection=i, code="XC2026-01-005", channel="来访", received_on=d("2026-03-26"),
                          petitioner_name="某学生家长", summary="反映学生转专业申请未获批准。", registered_by=p("刘洋"),
                          triage="不属受理范围", triage_reason="属教学管理事项，已告知向教务处反映。"))

        # 个别谈话
        t1 = self.talk(i, "孙志刚", "2026-03-18", ["王建国", "陈静"], "（谈话记录，原汁原味）学院党委会议事规则修订后执行还不够严格，"
                       "部分事项先由党政联席会讨论后再补党委会程序……", reviewed="2026-03-19")
        t2 = self.talk(i, "吕建华", "2026-03-18", ["王建国", "陈静"], "（谈话记录）对学院年度预算调整未经党委会集体研究的情况作了说明……",
                       reviewed="2026-03-19")
        t3 = self.talk(i, "何晓东", "2026-03-19", ["李红梅", "张伟"], "（谈话记录）本人分管实验室建设，设备采购由课题组提出需求……",
                       reviewed="2026-03-20")
        t4 = self.talk(i, "林国栋", "2026-03-23", ["李红梅", "张伟"], "（谈话记录）近两年学院大额设备采购集中在少数几家供应商，"
                       "老师们有议论；大额资金使用没有提交党委会研究……", category="中层干部", reviewed="2026-03-24")
        t5 = self.talk(i, "钟明", "2026-03-24", ["张伟"], "（单独谈话，经组长同意）实验中心主任反映设备验收签字流于形式，"
                       "部分设备到货后长期未安装使用……", category="知情人", single_approved="2026-03-24", reviewed="2026-03-25")
        self.talk(i, "宋雨桐", "2026-03-25", ["刘洋", "陈静"], "（谈话记录）反映青年教师教学工作量分配不均……",
                  category="青年教师", reviewed="2026-03-26")

        # 调阅资料
        m1 = self.material(i, "学院党委会会议记录（2023-2025年）", "朱丽娜", "2026-03-17", by="陈静", copies=3, pages=412,
                           classification="内部", original=True, important=True, approved="2026-03-17",
                           returned="2026-04-14", events=[("借阅", "2026-03-20", "王建国", "组长查阅"),
                                                           ("复制", "2026-03-27", "陈静", "复制2024年第7、9次会议记录")])
        m2 = self.material(i, "2024-2025年实验室设备采购合同及验收单", "朱丽娜", "2026-03-27", by="张伟", copies=1, pages=236,
                           original=True, important=True, approved="2026-03-27", returned="2026-04-14",
                           events=[("复制", "2026-03-30", "张伟", "复制3份合同作为线索附件")])
        m3 = self.material(i, "科研经费劳务费发放明细", "学院财务秘书", "2026-03-30", by="张伟", copies=1, pages=58,
                           classification="内部", returned="2026-04-14")
        self.material(i, "2025年处级干部选拔任用工作档案", "朱丽娜", "2026-03-31", by="陈静", copies=1, pages=44,
                      classification="秘密", original=True, important=True, approved="2026-03-31", returned="2026-04-08",
                      note="涉密材料，在巡察组保密室查阅，不复制、不带出。")
        self.material(i, "“三重一大”决策制度实施办法汇编", "朱丽娜", "2026-03-17", by="陈静", copies=1, pages=32)

        self.add(Visit(inspection=i, target="机械设计系、机电工程实验中心", held_on=d("2026-03-26"), place="机电楼",
                            participants="李红梅、张伟", topic="设备采购与使用情况",
                            findings="抽查12台大型设备，3台到货超过6个月未安装调试；设备使用记录不完整。",
                            approved_by=p("王建国"), approved_on=d("2026-03-25"), recorder=p("张伟")))
        self.add(DeepDive(inspection=i, topic="实验室大型设备采购与使用情况", owner=p("李红梅"),
                          plan="调阅2024-2025年采购合同，走访实验中心，约谈相关课题组负责人，征求资产处意见。",
                          plan_approved_by=p("王建国"), plan_approved_on=d("2026-03-27"),
                          report="（深入了解情况报告）具体问题、了解对象基本情况、师生反映的主要问题、了解的具体情况和有关建议……",
                          finished_on=d("2026-04-09")))
        self.add(UrgentReport(inspection=i, reported_on=d("2026-03-30"), recipient="领导小组", reporter=p("王建国"),
                              summary="发现副院长何晓东涉嫌在设备采购中收受供应商购物卡，金额较大，情况较为敏感。",
                              instructions="领导小组组长批示：巡察组继续了解核实，形成线索材料后按程序移送。"))

        c1 = self.clue(i, "XS2026-01-001", "信访", "违纪违法", True,
                       "副院长何晓东涉嫌在实验室设备采购中指定供应商并收受购物卡。", status="已移送", disposal="移送类",
                       rule=10, department="纪委监察室", persons=["何晓东"], decision_on="2026-05-07", petition=pe1)
        c2 = self.clue(i, "XS2026-01-002", "调阅资料", "财务管理", True,
                       "院长吕建华主持的横向课题经费存在以虚假劳务名义套取经费嫌疑。", status="已移送", disposal="移送类",
                       rule=60, department="审计室", persons=["吕建华"], decision_on="2026-05-07", material=m3)
        c3 = self.clue(i, "XS2026-01-003", "谈话", "三重一大", True,
                       "学院2025年预算调整及大额设备采购（金额386万元）未经党委会集体研究。", status="已移送",
                       disposal="移送类", rule=40, department="党委组织部", persons=["孙志刚", "吕建华"],
                       decision_on="2026-05-07", talk=t4)
        c4 = self.clue(i, "XS2026-01-004", "信访", "作风", False,
                       "讲师宋雨桐多次无故迟到、随意调课，学生反映强烈。", status="已办结", disposal="处理意见",
                       rule=1000, department="机械工程学院", persons=["宋雨桐"], petition=pe2,
                       reason="师生反映强烈、明显违反规定且能够及时解决，按规程六（二）5向被巡察党组织提出处理意见。")
        c5 = self.clue(i, "XS2026-01-005", "问卷", "其他", False,
                       "实验室危化品台账不清，废液存放在走廊，存在安全隐患。", status="已办结", disposal="整改类",
                       survey_response=responses[3])
        self.add(ImmediateFix(inspection=i, clue=c4, issue="个别教师上课迟到、随意调课", raised_on=d("2026-03-27"),
                              requirement="学院约谈当事教师，完善教学秩序检查制度。", status="已完成",
                              closed_on=d("2026-04-08"), result="已约谈当事教师并通报批评；建立督导随堂听课制度。"))
        self.add(ImmediateFix(inspection=i, clue=c5, issue="危化品废液存放在走廊", raised_on=d("2026-03-26"),
                              requirement="立即清理，规范危化品台账。", is_major=False, status="已完成",
                              closed_on=d("2026-03-31"), result="废液已由资质单位清运，危化品台账重新建立。"))
        self.add(ImmediateFix(inspection=i, issue="3台大型设备到货半年以上未安装使用", raised_on=d("2026-04-02"),
                              requirement="限期安装调试并纳入开放共享平台。", is_major=True,
                              leading_group_approved_on=d("2026-04-01"), status="已完成", closed_on=d("2026-05-20"),
                              result="设备已全部安装验收并入网共享。"))
        self.i1_clues = (c1, c2, c3)

        f1 = self.finding(i, 1, "党的领导", "学院党委把方向、管大局、保落实作用发挥不够充分",
                          "党委会议事规则执行不严，2024年有7项重要事项先由党政联席会决定后补党委会程序。",
                          talks=[t1], materials=[m1])
        f2 = self.finding(i, 2, "党的建设", "基层党组织建设存在薄弱环节",
                          "3个教工党支部2025年组织生活会未按期召开；“双带头人”比例为62%，低于学校要求。", talks=[t1])
        f3 = self.finding(i, 3, "全面从严治党", "主体责任落实压力传导不够",
                          "对师德师风问题处理偏软，学生多次反映的教学纪律问题长期未处理。", petitions=[pe2], clues=[c4])
        f4 = self.finding(i, 4, "党风廉政建设和反腐败斗争", "设备采购领域廉政风险突出",
                          "2024-2025年采购合同236份，同一供应商中标占41%；有干部涉嫌收受供应商购物卡。",
                          talks=[t3, t5], clues=[c1], petitions=[pe1], materials=[m2])
        f5 = self.finding(i, 5, "重点领域风险防控", "科研经费和大额资金管理不规范",
                          "大额资金使用（386万元）未经集体研究；劳务费发放明细与实际参与人员不符。",
                          talks=[t2, t4], clues=[c2, c3], materials=[m3])
        f6 = self.finding(i, 6, "整改落实", "上一轮巡视整改中实验室安全问题有反弹",
                          "2023年巡视整改销号的危化品管理问题再次出现。", clues=[c5], general=True)
        self.recommend(i, 1, "增强“四个意识”，严格执行党委会议事规则，充分发挥学院党委政治核心作用。", [f1, f2])
        self.recommend(i, 2, "压紧压实全面从严治党主体责任，健全师德师风问题处理机制。", [f3])
        self.recommend(i, 3, "完善设备采购内控制度，推行采购全过程公开，强化廉政风险防控。", [f4, f5])
        self.recommend(i, 4, "建立整改长效机制，防止实验室安全问题反弹。", [f6])

        self.reporting(i, drafted="2026-04-17", office="2026-04-20", leader="2026-04-21",
                       basic="巡察组于3月16日至4月15日对机械工程学院党委进行了巡察，个别谈话52人次，受理信访5件，"
                             "调阅资料5类780余页，召开座谈会2场，走访调研1次，发放问卷150份、回收138份。",
                       body="一、发现的主要问题（按六个方面）……\n二、意见建议……\n三、问题线索及移送建议：问题线索5条，拟移送3条。",
                       org_eval="多数干部教师认为学院党委履行全面从严治党主体责任总体较好，但在“三重一大”决策上存在短板。",
                       leader_eval="对孙志刚：政治意识较强，“原汁原味”：“书记抓党建还行，抓大事决策还不够硬。”\n"
                                   "对何晓东：有多人反映其在设备采购中存在问题。",
                       special="关于二级学院“三重一大”决策制度执行中普遍性问题的专题报告（见提交类）。")
        self.feedback(i, doc_no="校巡反〔2026〕1号", approved="2026-04-27", secretary="孙志刚", head="吕建华",
                      overall="机械工程学院党委能够贯彻落实学校党委部署，学科建设和人才培养取得较好成效，但也存在一些问题。")
        _, items = self.rectification(i, secretary="孙志刚", life_meeting="2026-05-06", plan="2026-05-08",
                                      report="2026-06-26", approved="2026-07-10", notice="2026-07-17", items=[
            (f1, "修订党委会议事规则，明确前置研究事项清单", "重新修订议事规则并经党委会审议通过", "孙志刚", "孙志刚",
             "限期整改", "2026-06-15", "已销号", "议事规则已修订，2026年第5次党委会审议通过", "2026-06-10"),
            (f2, "规范教工党支部组织生活，提高“双带头人”比例", "调整2个支部书记，补开组织生活会", "高峰", "孙志刚",
             "限期整改", "2026-06-30", "已销号", "“双带头人”比例提高到85%", "2026-06-25"),
            (f3, "健全师德师风问题处理机制", "出台学院师德失范行为处理细则", "高峰", "孙志刚", "立行立改",
             "2026-05-31", "已销号", "细则已印发", "2026-05-28"),
            (f4, "完善设备采购内控制度", "推行采购需求论证和集体决策，采购结果公示", "何晓东", "吕建华", "限期整改",
             "2026-06-30", "已销号", "已建立采购全过程公示制度", "2026-06-20"),
            (f6, "实验室安全长效管理", "每学期开展危化品专项检查，纳入年度考核", "钟明", "吕建华", "长期坚持",
             "2027-06-30", "整改中", "已完成2026年春季学期专项检查", None),
        ])
        self.i1_items = items
        self.add(NewsRelease(inspection=i, stage="整改", title="机械工程学院党委关于巡察整改进展情况的通报",
                             body="按照学校党委巡察反馈意见，学院党委制定整改方案，明确整改任务17项……",
                             leader_approved_on=d("2026-07-14"), office_approved_on=d("2026-07-15"),
                             published_on=d("2026-07-17")))
        self.add(Supervision(inspection=i, kind="听取汇报", held_on=d("2026-06-18"), supervisor="领导小组",
                             content="听取孙志刚关于整改落实推进情况的专题汇报。", result="要求对采购问题举一反三，建立长效机制。"))
        self.add(Supervision(inspection=i, kind="督办", held_on=d("2026-07-20"), supervisor="巡察办",
                             content="督办整改台账5项及移送线索3条办理进度。", result="4项已销号，1项长期坚持；线索办理按期推进。"))
        self.add(Supervision(inspection=i, kind="成效评价", held_on=d("2026-10-20"), supervisor="巡察办",
                             content="组织开展整改成效评价，问卷满意度92%。", result="整改成效评价为“好”。"))
        # its volume is filled by the archive steps once every record exists (archives, below)
        self.add(DestructionRecord(inspection=i, material_title="个别谈话记录草稿及复印件", destroyed_on=d("2026-05-28"),
                                   method="粉碎", destroyed_by="陈静", witness="孙雅琴"))
        self.add(DestructionRecord(inspection=i, material_title="谈话录音电子文档（已归档转写稿）", destroyed_on=d("2026-05-28"),
                                   method="删除电子版", destroyed_by="陈静", witness="孙雅琴"))

    # ------------------------------------------------------------------------------------------ 计算机与通信工程学院: archived
    def i2_computer(self):
        i, p = self.i2, self.p
        self.preparation(i, briefings=[
            ("党委组织部", "吴佳", "2026-03-09", "面谈", "班子成员4人，2025年新任副院长1人。", None),
            ("纪委监察室", "许晓燕", "2026-03-10", "面谈", "近三年无反映学院班子成员的信访。", None),
        ], plan_filed="2026-03-13", expected=95, present=88, leader="杨光明", host="曹宇")
        self.meeting(i, "听取汇报", "计算机与通信工程学院党委工作汇报", "2026-03-17", host="杨光明", recorder="周敏")
        self.meeting(i, "座谈会", "系主任、支部书记座谈会", "2026-03-20", host="黄丽", recorder="周敏",
                     attendees="系主任、党支部书记10人", minutes="反映学院副处级干部选拔程序透明度不够。")
        self.meeting(i, "组务会", "第二巡察组组务会（第4次）", "2026-04-02", host="杨光明", recorder="周敏")
        self.add(Survey(inspection=i, title="计算机与通信工程学院巡察工作调查问卷", distributed_count=95, collected_count=90,
                        distributed_on=d("2026-03-16")))
        pe = self.add(Petition(inspection=i, code="XC2026-02-001", channel="网络", received_on=d("2026-03-19"),
                               is_anonymous=True, subject_name="彭立（副院长）",
                               summary="反映2025年副院长选拔中民主推荐范围缩小。", registered_by=p("黄丽"), triage="受理"))
        t = self.talk(i, "萧然", "2026-03-24", ["黄丽", "赵磊"], "（谈话记录）反映个别教师在校外公司违规兼职取酬……",
                      category="教师代表", reviewed="2026-03-25")
        self.talk(i, "邓卫东", "2026-03-18", ["杨光明", "周敏"], "（谈话记录）介绍党委工作……", reviewed="2026-03-19")
        self.talk(i, "曹宇", "2026-03-18", ["杨光明", "周敏"], "（谈话记录）介绍学科建设和经费管理……", reviewed="2026-03-19")
        m = self.material(i, "2025年干部选拔任用纪实材料", "曾琳", "2026-03-23", by="赵磊", classification="秘密",
                          original=True, important=True, approved="2026-03-23", returned="2026-03-30", pages=38)
        c6 = self.clue(i, "XS2026-02-001", "信访", "干部选拔任用", True,
                       "2025年副院长选拔民主推荐范围不符合规定。", status="已移送", disposal="移送类", rule=50,
                       department="党委组织部", persons=["彭立"], decision_on="2026-05-07", petition=pe, material=m)
        c7 = self.clue(i, "XS2026-02-002", "谈话", "违纪违法", False,
                       "个别教师在校外公司违规兼职取酬。", status="已移送", disposal="移送类", rule=70,
                       department="纪委监察室", decision_on="2026-05-07", talk=t)
        self.i2_clues = (c6, c7)
        f1 = self.finding(i, 1, "党的建设", "选人用人工作不够规范", "副院长选拔民主推荐范围缩小，程序透明度不够。",
                          clues=[c6], petitions=[pe], materials=[m])
        f2 = self.finding(i, 2, "全面从严治党", "对教师兼职兼薪监督不到位", "学院未建立兼职报备台账。", clues=[c7], talks=[t])
        f3 = self.finding(i, 3, "党的领导", "意识形态工作责任制落实不够", "学院网站、公众号审核机制不健全。")
        f4 = self.finding(i, 4, "重点领域风险防控", "实验室网络安全管理存在隐患", "部分服务器未备案。")
        self.recommend(i, 1, "严格执行干部选拔任用工作条例，规范民主推荐程序。", [f1])
        self.recommend(i, 2, "建立教师校外兼职报备和审查制度。", [f2])
        self.recommend(i, 3, "落实意识形态工作责任制，健全网络阵地审核机制。", [f3, f4])
        self.reporting(i, drafted="2026-04-17", office="2026-04-20", leader="2026-04-21",
                       basic="巡察组于3月16日至4月15日对计算机与通信工程学院党委进行了巡察，个别谈话38人次，受理信访2件。",
                       body="一、发现的主要问题……\n二、意见建议……",
                       org_eval="干部教师对学院党委工作总体认可。", leader_eval="对邓卫东、曹宇评价较好。")
        self.feedback(i, doc_no="校巡反〔2026〕2号", approved="2026-04-26", secretary="邓卫东", head="曹宇",
                      overall="学院党委能够贯彻落实学校党委决策部署，但在选人用人和监督管理方面存在不足。")
        self.rectification(i, secretary="邓卫东", life_meeting="2026-05-06", plan="2026-05-08", report="2026-06-24",
                           approved="2026-07-10", notice="2026-07-20", items=[
            (f1, "规范干部选拔任用程序", "严格民主推荐范围和程序，全程纪实", "邓卫东", "邓卫东", "限期整改", "2026-06-30",
             "已销号", "已修订学院干部选拔工作细则", "2026-06-20"),
            (f2, "建立教师兼职报备台账", "全面排查教师校外兼职情况", "彭立", "曹宇", "限期整改", "2026-06-30", "已销号",
             "排查完成，建立台账", "2026-06-22"),
            (f3, "健全网络阵地三审三校制度", "出台网站、公众号审核办法", "彭立", "邓卫东", "限期整改", "2026-07-31",
             "待审核", "制度已印发，待巡察办审核", "2026-07-28"),
        ])
        self.add(Supervision(inspection=i, kind="督办", held_on=d("2026-07-22"), supervisor="巡察办",
                             content="督办整改台账3项。", result="2项已销号，1项待审核。"))
        self.archive(i, no="XC-2026-01-02", handed="2026-05-27", by="周敏", items=[
            ("巡察通知（校巡通〔2026〕2号）", "2026-03-10", 1, 3, "非密", "永久", "文书"),
            ("个别谈话记录（38人次）", "2026-04-10", 1, 120, "秘密", "永久", "业务"),
            ("巡察情况报告", "2026-04-17", 1, 10, "秘密", "永久", "文书"),
            ("巡察反馈意见及签收单", "2026-04-29", 1, 8, "内部", "永久", "文书"),
        ])
        self.add(DestructionRecord(inspection=i, material_title="座谈会记录草稿", destroyed_on=d("2026-05-27"),
                                   method="粉碎", destroyed_by="周敏", witness="孙雅琴"))

    # ------------------------------------------------------------------------------------------ 材料科学与工程学院: rectifying
    def i3_materials(self):
        i, p = self.i3, self.p
        self.preparation(i, briefings=[
            ("党委组织部", "周海涛", "2026-04-28", "面谈", "班子成员5人，党委副书记2025年新任。", None),
            ("纪委监察室", "钱志强", "2026-04-29", "面谈", "近三年收到反映学院问题的信访2件。", None),
            ("财务处", "蔡永红", "2026-04-29", "书面", "横向课题经费到款及报销情况。", "横向经费统计表"),
        ], plan_filed="2026-05-07", expected=114, present=105, host="罗海燕")
        self.meeting(i, "听取汇报", "材料科学与工程学院党委工作汇报", "2026-05-12", host="王建国", recorder="陈静")
        self.meeting(i, "列席会议", "列席学院党委会", "2026-05-19", host="郭庆华", recorder="陈静",
                     attendees="学院党委委员；巡察组王建国、陈静列席")
        self.meeting(i, "座谈会", "中青年教师座谈会", "2026-05-15", host="李红梅", recorder="刘洋", attendees="中青年教师14人")
        self.meeting(i, "组务会", "第一巡察组组务会（材料学院第2次）", "2026-05-22", host="王建国", recorder="陈静")
        self.add(Survey(inspection=i, title="材料科学与工程学院巡察工作调查问卷", distributed_count=120, collected_count=109,
                        distributed_on=d("2026-05-11")))
        pe = self.add(Petition(inspection=i, code="XC2026-03-001", channel="来信", received_on=d("2026-05-14"),
                               petitioner_name="教师李某", subject_name="课题组", summary="反映横向课题经费报销中存在虚开发票问题。",
                               registered_by=p("张伟"), triage="受理"))
        t = self.talk(i, "唐敏", "2026-05-20", ["李红梅", "张伟"], "（谈话记录）财务秘书反映部分报销票据审核把关不严……",
                      category="知情人", reviewed="2026-05-21")
        self.talk(i, "郭庆华", "2026-05-12", ["王建国", "陈静"], "（谈话记录）……", reviewed="2026-05-13")
        self.talk(i, "罗海燕", "2026-05-12", ["王建国", "陈静"], "（谈话记录）……", reviewed="2026-05-13")
        self.talk(i, "梁文斌", "2026-05-13", ["李红梅", "刘洋"], "（谈话记录）……", reviewed="2026-05-14")
        m = self.material(i, "2025年横向课题经费报销凭证（抽查）", "唐敏", "2026-05-21", by="张伟", pages=164,
                          original=True, important=True, approved="2026-05-21", returned="2026-06-08")
        c8 = self.clue(i, "XS2026-03-001", "信访", "财务管理", False, "个别横向课题组以虚开发票方式报销经费。",
                       status="已移送", disposal="移送类", rule=80, department="审计室", decision_on="2026-06-25",
                       petition=pe, material=m)
        c9 = self.clue(i, "XS2026-03-002", "谈话", "其他", False, "学院报销票据审核把关不严。", status="已办结",
                       disposal="整改类", talk=t)
        self.i3_clues = (c8,)
        f1 = self.finding(i, 1, "党的领导", "学院党委议大事、抓重点不够", "党委会研究党建和思想政治工作议题占比偏低。")
        f2 = self.finding(i, 2, "党的建设", "学生党支部建设较弱", "研究生党支部活动形式单一。")
        f3 = self.finding(i, 3, "党风廉政建设和反腐败斗争", "横向课题经费管理存在廉政风险", "抽查凭证发现虚开发票疑点。",
                          clues=[c8, c9], petitions=[pe], talks=[t], materials=[m])
        f4 = self.finding(i, 4, "重点领域风险防控", "大型仪器共享率偏低", "大型仪器年均机时不足400小时。")
        f5 = self.finding(i, 5, "整改落实", "上一轮审计整改不彻底", "2024年经济责任审计指出的问题仍有2项未完成。")
        self.recommend(i, 1, "完善党委会议题设置，突出政治引领。", [f1, f2])
        self.recommend(i, 2, "加强横向课题经费全过程监管。", [f3])
        self.recommend(i, 3, "提高大型仪器开放共享水平。", [f4])
        self.recommend(i, 4, "对账销号，彻底完成上一轮审计整改。", [f5])
        self.reporting(i, drafted="2026-06-12", office="2026-06-15", leader="2026-06-16",
                       basic="巡察组于5月11日至6月10日对材料科学与工程学院党委进行了巡察，个别谈话44人次，受理信访3件。",
                       body="一、发现的主要问题……\n二、意见建议……",
                       org_eval="多数干部教师认可学院党委工作。", leader_eval="对郭庆华、罗海燕评价总体较好。")
        self.feedback(i, doc_no="校巡反〔2026〕3号", approved="2026-06-22", secretary="郭庆华", head="罗海燕",
                      overall="学院党委能够贯彻学校党委部署，学科建设成效明显，但在经费监管和党建工作上存在短板。")
        _, items = self.rectification(i, secretary="郭庆华", life_meeting="2026-06-30", plan="2026-07-03",
                                      report="2026-08-21", items=[
            (f1, "完善党委会议题设置", "每月至少1次专题研究党建和思政工作", "郭庆华", "郭庆华", "限期整改", "2026-08-31",
             "已销号", "已执行，党委会记录可查", "2026-08-15"),
            (f2, "加强研究生党支部建设", "开展支部书记轮训，创建样板支部", "宋佳", "郭庆华", "限期整改", "2026-09-30",
             "已销号", "完成轮训，创建样板支部1个", "2026-09-25"),
            (f3, "加强横向课题经费监管", "建立经费报销二级审核制度", "梁文斌", "罗海燕", "限期整改", "2026-09-30",
             "待审核", "制度已印发，佐证材料已上传，待巡察办审核", "2026-09-28"),
            (f3, "开展经费报销专项自查", "对2024-2025年横向课题报销进行全面自查", "唐敏", "梁文斌", "限期整改",
             "2026-12-31", "整改中", "已完成60%课题组自查", None),
            (f4, "提高大型仪器共享率", "纳入学校开放共享平台，实行有偿使用", "梁文斌", "罗海燕", "长期坚持", "2027-06-30",
             "整改中", "已有8台仪器接入共享平台", None),
            (f5, "完成上一轮审计整改遗留事项", "对2项遗留问题制定专项方案", "罗海燕", "罗海燕", "限期整改", "2027-03-31",
             "未启动", "拟于2027年春季学期启动", None),
        ])
        self.i3_items = items
        self.add(Supervision(inspection=i, kind="督办", held_on=d("2026-09-10"), supervisor="党委办公室",
                             content="督办整改台账6项。", result="2项已销号，1项待审核，2项整改中，1项未启动，要求加快进度。"))
        self.archive(i, no="XC-2026-01-03", handed="2026-07-22", by="陈静", items=[
            ("巡察通知（校巡通〔2026〕3号）", "2026-05-06", 1, 3, "非密", "永久", "文书"),
            ("个别谈话记录（44人次）", "2026-06-05", 1, 150, "秘密", "永久", "业务"),
            ("巡察情况报告", "2026-06-12", 1, 11, "秘密", "永久", "文书"),
            ("巡察反馈意见及签收单", "2026-06-24", 1, 8, "内部", "永久", "文书"),
        ])

    # ------------------------------------------------------------------------------------------ 图书馆: report overdue
    def i4_library(self):
        i, p = self.i4, self.p
        self.preparation(i, briefings=[
            ("党委组织部", "吴佳", "2026-05-06", "面谈", "班子成员3人。", None),
            ("资产处", "赵磊", "2026-05-06", "书面", "图书及数据库采购情况。", "近三年采购清单"),
        ], plan_filed="2026-05-08", expected=60, present=55, leader="杨光明", host="石磊")
        self.meeting(i, "听取汇报", "图书馆党总支工作汇报", "2026-05-12", host="杨光明", recorder="周敏")
        self.meeting(i, "座谈会", "馆员座谈会", "2026-05-14", host="黄丽", recorder="周敏", attendees="馆员12人")
        pe = self.add(Petition(inspection=i, code="XC2026-04-001", channel="来电", received_on=d("2026-05-13"),
                               petitioner_name="馆员某某", summary="反映数据库采购续订未经论证，价格逐年上涨。",
                               registered_by=p("黄丽"), triage="受理"))
        self.talk(i, "方明", "2026-05-12", ["杨光明", "周敏"], "（谈话记录）……", reviewed="2026-05-13")
        self.talk(i, "石磊", "2026-05-12", ["杨光明", "周敏"], "（谈话记录）……", reviewed="2026-05-13")
        c10 = self.clue(i, "XS2026-04-001", "信访", "其他", False, "数据库采购续订未经论证，存在资产管理漏洞。",
                        status="已移送", disposal="移送类", rule=1000, department="资产处", decision_on="2026-06-25",
                        petition=pe, reason="按规则“其他问题移送相关单位（部门）”，巡察组建议移送资产处。")
        self.i4_clues = (c10,)
        f1 = self.finding(i, 1, "重点领域风险防控", "数据库采购论证不充分", "近三年续订数据库23个，均未组织论证。",
                          clues=[c10], petitions=[pe])
        f2 = self.finding(i, 2, "党的建设", "党总支会议记录不规范", "部分会议记录缺少表决情况。")
        f3 = self.finding(i, 3, "其他", "读者服务满意度不高", "问卷显示学生对开放时间满意度偏低。")
        self.recommend(i, 1, "建立数据库采购论证和绩效评估制度。", [f1])
        self.recommend(i, 2, "规范党总支会议记录，完善议事规则。", [f2, f3])
        self.reporting(i, drafted="2026-06-11", office="2026-06-15", leader="2026-06-16",
                       basic="巡察组于5月11日至6月9日对图书馆党总支进行了巡察。", body="一、发现的主要问题……\n二、意见建议……",
                       org_eval="总体评价较好。", leader_eval="对方明、石磊评价较好。")
        self.feedback(i, doc_no="校巡反〔2026〕4号", approved="2026-06-21", secretary="方明", head="石磊",
                      overall="图书馆党总支能够落实学校党委部署，服务保障作用发挥较好，但在采购论证和基础党建上存在不足。")
        self.rectification(i, secretary="方明", life_meeting="2026-06-29", plan="2026-07-02", items=[
            (f1, "建立数据库采购论证制度", "成立采购论证专家组", "石磊", "石磊", "限期整改", "2026-09-30", "整改中",
             "论证办法已起草", None),
            (f1, "开展数据库使用绩效评估", "对23个数据库开展使用率评估", "董雪", "石磊", "限期整改", "2026-10-31", "退回",
             "评估报告数据不完整，巡察办退回补充", None),
            (f2, "规范党总支会议记录", "统一会议记录模板", "方明", "方明", "立行立改", "2026-07-31", "整改中",
             "模板已启用", None),
            (f3, "延长自习区开放时间", "考试周延长至23:00", "董雪", "石磊", "长期坚持", "2026-12-31", "未启动", None, None),
        ])
        self.archive(i, no="XC-2026-01-04", handed="2026-07-21", by="周敏", items=[
            ("巡察通知（校巡通〔2026〕4号）", "2026-05-07", 1, 3, "非密", "永久", "文书"),
            ("巡察情况报告", "2026-06-11", 1, 9, "秘密", "永久", "文书"),
        ])

    # ------------------------------------------------------------------------------------------ 党委学生工作部: in the field
    def i0_student_affairs_2025(self):
        """The 2025 inspection of 学工部, its ledger back-filled: what the 2026 回头看 checks first (七（二）)."""
        i = self.i0
        f1 = self.finding(i, 1, "重点领域风险防控", "学生资助认定公示不规范", "资助对象认定结果公示期不足5个工作日。")
        f2 = self.finding(i, 2, "党的建设", "学生党支部组织生活不规范", "部分学生党支部“三会一课”记录不全。")
        _, items = self.rectification(i, secretary="袁伟", life_meeting="2025-12-10", plan="2025-12-12",
                                      report="2026-02-03", approved="2026-02-20", items=[
            (f1, "规范资助认定公示", "修订资助认定办法，公示期不少于5个工作日", "沈涛", "袁伟", "限期整改",
             "2026-01-31", "已销号", "已修订办法并执行", "2026-01-20"),
            (f2, "规范学生党支部组织生活", "建立组织生活纪实台账，每季度检查", "丁一凡", "袁伟", "长期坚持",
             "2026-06-30", "已销号", "已建立纪实台账", "2026-03-15"),
        ])
        self.i0_items = items

    def i5_student_affairs(self):
        i, p = self.i5, self.p
        self.preparation(i, briefings=[
            ("党委组织部", "周海涛", "2026-11-02", "面谈", "部门班子3人，2025年巡察后调整1人。", None),
            ("纪委监察室", "钱志强", "2026-11-02", "面谈", "2025年巡察移送线索1条已办结。", None),
            ("财务处", "蔡永红", "2026-11-03", "书面", "学生资助资金发放情况。", "2025-2026学年资助资金明细"),
        ], plan_filed="2026-11-05", expected=38, present=36, host="袁伟")
        self.meeting(i, "听取汇报", "学生工作部党支部关于上一轮巡察整改情况的汇报", "2026-11-10", host="王建国", recorder="马晓",
                     minutes="汇报2025年巡察反馈问题12项整改情况：已完成10项，2项长期坚持。")
        self.meeting(i, "座谈会", "辅导员座谈会", "2026-11-12", host="林芳", recorder="马晓", attendees="辅导员15人",
                     minutes="反映评奖评优程序、资助认定标准等问题。")
        self.meeting(i, "列席会议", "列席学生工作部部务会", "2026-11-17", host="袁伟", recorder="马晓",
                     attendees="部务会成员；巡察组林芳、马晓列席", minutes="议题：2026年国家奖学金评审安排。")
        self.meeting(i, "组务会", "第三巡察组组务会（第2次）", "2026-11-20", host="王建国", recorder="马晓",
                     minutes="研判评奖评优“打招呼”问题，决定调阅2025-2026学年评审材料。")
        sv = self.add(Survey(inspection=i, title="党委学生工作部巡察“回头看”调查问卷", distributed_count=38,
                             collected_count=35, distributed_on=d("2026-11-09")))
        q1 = self.add(SurveyQuestion(survey=sv, seq=1, kind="单选", text="您对上一轮巡察整改成效的评价",
                                     options="满意\n基本满意\n不满意\n不了解"))
        q2 = self.add(SurveyQuestion(survey=sv, seq=2, kind="文本", text="您认为仍需整改的问题"))
        last = None
        for n in range(10):
            last = self.add(SurveyResponse(survey=sv, respondent_group=self.rng.choice(["辅导员", "机关干部"]),
                                           submitted_on=d("2026-11-09")))
            last.answers = [SurveyAnswer(question=q1, value=self.rng.choice(["满意", "基本满意", "基本满意", "不满意"])),
                            SurveyAnswer(question=q2, value="资助对象认定公示不充分" if n % 3 == 0 else None)]
        pe1 = self.add(Petition(inspection=i, code="XC2026-05-001", channel="邮箱", received_on=d("2026-11-11"),
                                is_anonymous=True, subject_name="蒋红（副部长）",
                                summary="反映副部长在国家奖学金评审中为个别学生“打招呼”。", registered_by=p("张伟"), triage="受理"))
        self.add(Petition(inspection=i, code="XC2026-05-002", channel="来访", received_on=d("2026-11-16"),
                          petitioner_name="学生张某", summary="反映助学金发放延迟。", registered_by=p("张伟")))
        t1 = self.talk(i, "袁伟", "2026-11-10", ["王建国", "马晓"], "（谈话记录）介绍整改情况……", reviewed="2026-11-11")
        t2 = self.talk(i, "沈涛", "2026-11-13", ["林芳", "张伟"], "（谈话记录）资助资金发放由各学院汇总后统一发放，"
                       "2025年有部分资金发放给已毕业学生……", reviewed="2026-11-14")
        self.talk(i, "丁一凡", "2026-11-18", ["张伟"], "（单独谈话，经组长同意）辅导员反映……", category="知情人",
                  single_approved="2026-11-18")
        self.talk(i, "蒋红", "2026-11-24", ["林芳", "马晓"], "（谈话记录，待组长审阅）")
        m = self.material(i, "2025-2026学年学生资助资金发放明细", "潘悦", "2026-11-12", by="张伟", pages=96,
                          classification="内部", important=True, approved="2026-11-12",
                          events=[("借阅", "2026-11-16", "徐涛", "核对发放名单")])
        self.material(i, "2025年巡察整改台账及佐证材料", "潘悦", "2026-11-10", by="马晓", pages=210)
        self.add(Visit(inspection=i, target="学生资助管理中心", held_on=d("2026-11-19"), place="学生活动中心三层",
                       participants="林芳、张伟", topic="资助认定与发放流程", approved_by=p("王建国"),
                       approved_on=d("2026-11-18"), recorder=p("张伟"),
                       findings="认定材料齐全，但公示期不足5个工作日。"))
        self.add(DeepDive(inspection=i, topic="学生资助资金发放管理", owner=p("张伟"),
                          plan="核对2025-2026学年发放明细与学籍信息，走访3个学院资助专干。",
                          plan_approved_by=p("王建国"), plan_approved_on=d("2026-11-20")))
        self.add(UrgentReport(inspection=i, reported_on=d("2026-11-23"), recipient="党委书记", reporter=p("王建国"),
                              summary="发现2025年部分资助资金发放给已毕业学生，涉及金额约12万元，需及时追回。",
                              instructions="刘振华书记批示：请学工部立即核查追回，巡察组跟踪。"))
        c11 = self.clue(i, "XS2026-05-001", "信访", "作风", True, "副部长蒋红在国家奖学金评审中为个别学生“打招呼”。",
                        persons=["蒋红"], petition=pe1)
        c12 = self.clue(i, "XS2026-05-002", "调阅资料", "财务管理", False, "部分资助资金发放给已毕业学生，约12万元。",
                        status="拟处置", disposal="移送类", rule=80, department="审计室", material=m, talk=t2)
        self.clue(i, "XS2026-05-003", "问卷", "其他", False, "资助对象认定公示不充分。", survey_response=last)
        self.add(ImmediateFix(inspection=i, clue=c12, issue="资助资金误发已毕业学生", raised_on=d("2026-11-23"),
                              requirement="立即核查并追回误发资金，完善学籍比对机制。", is_major=True,
                              leading_group_approved_on=d("2026-11-23"), status="整改中",
                              result="已追回4.6万元，其余正在联系。"))
        c13 = self.clue(i, "XS2026-05-004", "谈话", "违纪违法", True,
                        "副部长蒋红涉嫌利用职务便利为亲属子女申请资助提供便利。", status="巡察办审核",
                        disposal="移送类", rule=10, department="纪委监察室", persons=["蒋红"], talk=t2)
        c14 = self.clue(i, "XS2026-05-005", "调阅资料", "财务管理", False,
                        "勤工助学岗位酬金存在虚报工时、重复发放问题。", status="党委决定", disposal="移送类", rule=80,
                        department="审计室", decision_on="2026-11-27", material=m)
        self.finding(i, 1, "整改落实", "上一轮巡察反馈的资助公示问题整改不到位（初稿）",
                     "公示期仍不足5个工作日。", talks=[t1, t2], clues=[c12], materials=[m])
        # the same aspect as in 2025 (重点领域风险防控): a problem recurring at the unit across rounds (issue 7 item 5)
        self.finding(i, 2, "重点领域风险防控", "学生资助资金发放管理仍不规范（初稿）",
                     "抽查发现资助资金发放给已毕业学生，2025年巡察指出的资助管理问题仍未根治。", clues=[c12], materials=[m])
        self.i5_clues = (c11, c12, c13, c14)
        self.rebound(i, self.i0_items, [
            ("反弹", "走访学生资助管理中心：2026年资助认定公示期仍不足5个工作日，问题反弹。", "2026-11-19"),
            ("已巩固", "抽查3个学生党支部组织生活纪实台账，记录完整，按季度检查。", "2026-11-18"),
        ])

    # ------------------------------------------------------------------------------------------ 后勤集团: being prepared
    def i6_logistics(self):
        i, p = self.i6, self.p
        self.preparation(i, briefings=[
            ("党委组织部", "吴佳", "2026-11-20", "面谈", "后勤集团领导班子4人，2025年巡察后调整1人。", None),
            ("审计室", "郑国华", "2026-11-24", "书面", "2025年维修工程审计发现结算不规范问题。", "维修工程审计报告"),
        ], plan_filed=None, entry_meetings=False)
        self.meeting(i, "组务会", "第三巡察组组务会（后勤集团准备）", "2026-11-23", host="王建国", recorder="马晓",
                     minutes="研究组内工作方案初稿，明确进驻前需调阅的2025年巡察整改台账。")
        self.add(Speech(inspection=i, speaker=p("王建国"), occasion="动员会",
                        body="（讲话稿初稿，待报巡察办备案）根据学校党委统一部署，第三巡察组将对后勤党委开展巡察整改“回头看”……"))
