"""Chinese names of record kinds, their fields and choices, for the office's forms and
import templates. A kind, field or choice missing here is shown by its API name, so a new
kind of the registry works before anyone names it in Chinese."""

from __future__ import annotations

KIND_LABELS = {
    "penalty": "行政处罚", "inspection": "监督检查", "sampling": "抽检", "self_check": "自查报告",
    "complaint": "投诉举报", "incident": "食品安全事故", "conviction": "刑事判决",
    "commendation": "表彰奖励", "certification": "体系认证", "insurance": "责任保险",
    "practice": "良好实践", "training": "培训考核",
}
FIELD_LABELS = {
    "external_id": "业务编号", "subject.type": "主体类型", "subject.id": "主体代码（统一社会信用代码或人员编号）",
    "occurred_on": "发生日期", "decision_no": "决定书文号", "measures": "处罚种类",
    "fine_amount": "罚款金额（元）", "aggravated": "从重处罚", "serious": "情节严重",
    "violation_id": "违法行为编号", "result": "结果", "key_items_failed": "关键项不合格数",
    "general_items_failed": "一般项不合格数", "refused": "拒绝检查", "items_checked": "检查项数",
    "points_total": "量化总分", "level": "级别", "hazard": "危害类别", "product": "产品名称",
    "period": "季度（YYYY-Qn）", "status": "状态", "substantiated": "查证属实",
    "imprisonment": "判处监禁", "case_no": "案号", "title": "名称", "scheme": "认证类型",
    "valid_until": "有效期至", "policy_no": "保单号", "practice": "实践类型",
}
CHOICE_LABELS = {
    "enterprise": "企业", "person": "人员",
    "warning": "警告", "circulated_criticism": "通报批评", "fine": "罚款", "confiscation": "没收",
    "suspension": "责令停产停业", "permit_withdrawal": "暂扣许可证",
    "licence_revocation": "吊销许可证", "employment_restriction": "限制从业",
    "compliant": "符合", "basically_compliant": "基本符合", "non_compliant": "不符合",
    "pass": "合格", "fail": "不合格", "national": "国家级", "provincial": "省级", "city": "市级",
    "county": "县级", "on_time": "按时", "late": "迟报", "missing": "未报",
    "especially_major": "特别重大", "major": "重大", "relatively_large": "较大", "general": "一般",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def field_label(column: str) -> str:
    """The label of a column (`details.` dropped); its API name when not named here."""
    name = column.removeprefix("details.")
    return FIELD_LABELS.get(column, FIELD_LABELS.get(name, name))


def choice_label(value: str) -> str:
    return CHOICE_LABELS.get(value, value)
