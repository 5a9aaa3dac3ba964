"""Enumerated values, stored and exchanged as the Chinese words of API.md and DOMAIN.md."""

UNIT_KINDS = ("教学科研单位", "党政管理部门", "其他直属机构", "职能部门")
ROUND_KINDS = ("常规", "专项", "机动", "回头看", "提级", "交叉")
APPROVAL_BODIES = ("领导小组", "党委常委会")
TEAM_ROLES = ("组长", "副组长", "成员")
MEETING_KINDS = (
    "动员部署会", "培训", "见面会", "动员会", "听取汇报", "列席会议", "座谈会", "组务会",
    "常委会汇报", "个别反馈", "班子反馈", "大会反馈", "专题民主生活会",
)
PETITION_CHANNELS = ("来信", "来电", "来访", "意见箱", "邮箱", "网络")
PETITION_TRIAGE = ("待处理", "受理", "转办", "不属受理范围", "重复")
CLUE_SOURCES = ("信访", "谈话", "调阅资料", "走访调研", "问卷", "其他")
CLUE_CATEGORIES = ("违纪违法", "作风", "民主集中制", "三重一大", "干部选拔任用", "财务管理", "其他")
CLUE_STATUSES = ("登记", "拟处置", "巡察办审核", "党委决定", "已移送", "已办结")
# 六（二）2 "主要包括：信访材料、谈话情况摘录、调阅或复制的重要文件资料等证明材料、专题调研报告及材料以及巡察组认为必要的其他情况"
EXHIBIT_KINDS = ("信访材料", "谈话摘录", "证明材料", "专题报告", "其他")
REQUIRED_EXHIBIT_KINDS = EXHIBIT_KINDS[:4]  # every transferred clue carries each of these, or says why not
DISPOSALS = ("移送类", "整改类", "提交类", "处理意见")
ASPECTS = ("党的领导", "党的建设", "全面从严治党", "党风廉政建设和反腐败斗争", "重点领域风险防控", "整改落实", "其他")
CLASSIFICATIONS = ("非密", "内部", "秘密", "机密")
CUSTODY_EVENTS = ("接收", "借阅", "复制", "归还", "销毁")
URGENT_RECIPIENTS = ("领导小组", "党委书记")
FIX_STATUSES = ("已提出", "整改中", "已完成")
FEEDBACK_LAYERS = ("个别", "班子", "大会")
SIGNER_ROLES = ("巡察组组长", "被巡察党组织主要负责人", "巡察办负责人")
NEWS_STAGES = ("动员", "反馈", "整改")
RECTIFICATION_STATUSES = ("未启动", "整改中", "待审核", "已销号", "退回", "反弹")
RECTIFICATION_PHASES = ("立行立改", "限期整改", "长期坚持")
TRANSFER_HANDLING = ("谈话函询", "初步核实", "暂存待查", "予以了结")
SUBMISSION_STATUSES = ("已提交", "办理中", "已报告")
SUPERVISION_KINDS = ("督办", "听取汇报", "成效评价", "回头看")
# 五（三） the capacities in which people attend the three feedback sessions
ATTENDEE_ROLES = ("巡察组组长", "巡察组成员", "巡察办负责同志", "党组织主要负责人", "行政主要负责人", "领导班子成员",
                  "列席", "其他")
REBOUND_RESULTS = ("已巩固", "反弹")
ARCHIVE_KINDS = ("文书", "业务")
# 八（一）: the stages whose materials an inspection's archive holds, in the procedure's order.
ARCHIVE_STAGES = ("一、启动巡察", "二、了解准备", "三、实施巡察", "四、巡察报告", "五、结果反馈", "六、成果运用", "八、立卷归档")
# Records (not files) an archive requirement is recognised by, or that make it apply (app.commands.archive).
ARCHIVE_RECORD_TYPES = ("组内工作方案", "情况准备", "动员会", "调查问卷", "听取汇报", "列席会议", "座谈会", "信访",
                        "个别谈话", "调阅资料", "走访调研", "深入了解", "移送", "整改方案", "整改情况报告")
RETENTION_PERIODS = ("永久", "30年", "10年")
DEADLINE_ANCHORS = (
    "entry_date", "work_start", "work_end", "committee_report_date", "feedback_date",
    "feedback_done_date", "transfer_received", "submission_received",
)
DIRECTIONS = ("before", "after")
TIME_UNITS = ("calendar_day", "working_day", "month")
RESPONSIBLE_PARTIES = ("巡察组", "被巡察单位", "巡察办", "接收部门", "党委办公室")
DEADLINE_STATUSES = ("pending", "due_soon", "overdue", "done", "unknown_calendar")
TEMPLATE_FORMATS = ("docx", "xlsx")
DOCUMENT_STATES = ("草稿", "定稿")  # a generated 附件's version: a draft, or the final one a step confirmed
STATUS_ENTITIES = ("clue", "submission", "rectification_item")
QUESTION_KINDS = ("单选", "多选", "文本")
JOB_STATES = ("排队", "运行中", "完成", "失败")
# 六（三）/ issue 7 item 5: where a problem recurs (重复出现的问题) and which field says what the problem is.
REPEAT_SCOPES = ("同一单位跨轮次", "同一轮次多个单位")
REPEAT_FIELDS = ("问题方面", "线索类别")

# records whose 编号 a code rule generates (schema.rules.CodeRule, app.rules.codes)
CODED_MODELS = ("Petition", "Clue")
CODED_MODELS_LABELS = {"Petition": "信访编号", "Clue": "线索编号"}
