"""The validation messages of the office pages in Chinese: one table, keyed by the English
message the validation (marshmallow and the services) gives, with `{…}` for the parts
that vary. The pages validate exactly as the API does and only translate what it says.

A message that no entry matches is shown as "输入无效：<the English message>", never
dropped; tests/api/office/test_messages_zh.py makes every message the record validation
can give for any kind of the registry match an entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# English pattern ({name} is a varying part) -> Chinese with the same {name}s.
MESSAGES: dict[str, str] = {
    "Missing data for required field.": "必填。",
    "Unknown field.": "不认识的字段。",
    "Field may not be null.": "不能为空值。",
    "Must not be empty.": "不能为空。",
    "Must be at most {n} characters.": "最多 {n} 个字符。",
    "Must be one of: {choices}.": "必须是以下之一：{choices}。",
    "Must be greater than or equal to {min} and less than or equal to {max}.":
        "必须在 {min} 到 {max} 之间。",
    "Must be greater than 0 and at most {max}.": "必须大于 0 且不超过 {max}。",
    "Must have at most two decimals (whole fen).": "最多两位小数（精确到分）。",
    "Must be a finite number.": "必须是有限的数字。",
    "Must name between {min} and {max} {what}.": "须选择 {min} 到 {max} 项。",
    "Must not repeat items: {items}.": "不能重复：{items}。",
    "Must not be after today ({day}).": "不能晚于今天（{day}）。",
    "Must not be before {day}.": "不能早于 {day}。",
    "Must not be before occurred_on.": "不能早于发生日期（occurred_on）。",
    "Must not be before the record's date ({day}).": "不能早于该记录的日期（{day}）。",
    "Must not contain a control character ({where}).": "不能包含控制字符（{where}）。",
    "Must not contain a lone surrogate ({where}).": "不能包含无效字符（{where}）。",
    "Must be {type}: {kind} records apply to {types} only.":
        "必须是{type}：{kind} 记录只适用于{types}。",
    "Required when {condition}.": "当 {condition} 时必填。",
    "Only allowed when {condition}.": "只有当 {condition} 时才能填写。",
    "Not a valid boolean.": "请填写“是”或“否”。",
    "Not a valid integer.": "必须是整数。",
    "Not a valid number.": "必须是数字。",
    "Not a valid string.": "必须是文字。",
    "Not a valid list.": "必须是列表。",
    "Not a valid mapping type.": "格式不正确。",
    "Not a valid date: use YYYY-MM-DD.": "日期格式不正确，请按 YYYY-MM-DD 填写。",
    "Not a valid period: use YYYY-Qn with n from 1 to 4.":
        "季度格式不正确，请按 YYYY-Qn 填写（n 为 1 到 4）。",
    "Not a valid unified social credit code: {problem}.": "统一社会信用代码无效：{problem}。",
    "Not a valid person id.": "人员编号无效。",
    "No enterprise with this code is known.": "没有登记此统一社会信用代码的企业。",
    "No person with this id is known.": "没有登记此编号的人员。",
    "Appears earlier in this batch (records[{index}]) with different content.":
        "同一业务编号在本批中已出现且内容不同。",
    "Already received with different content.": "此业务编号已收到过，且内容不同（不会覆盖）。",
    "Not an enterprise of {district}.": "不是{district}的企业，您无权录入。",
    "Must be the subject of the corrected record.": "必须与被更正记录的主体相同。",
    "Must differ from the corrected record's (records are never edited).":
        "必须与被更正记录的业务编号不同（记录不会被修改）。",
    "Must be an .xlsx or .csv file.": "只能上传 .xlsx 或 .csv 文件。",
    "Must have at most {n} rows.": "一个文件最多 {n} 行。",
    "Choose the record kind of the .csv file.": "请选择 .csv 文件的记录类别。",
    "A .csv file must be UTF-8 text.": ".csv 文件必须是 UTF-8 编码。",
    "Not a readable .xlsx file ({why}).": "无法读取此 .xlsx 文件（{why}）。",
    "Sheets must be named after record kinds; unknown: {names}.":
        "工作表须以记录类别命名；无法识别：{names}。",
    "Unknown columns for {kind}: {names}.": "{kind} 表中有无法识别的列：{names}。",
    "The first row must name the columns.": "第一行必须是列名。",
    "The file has no records.": "文件中没有记录。",
}
# Parts of uscc_problem (credit_engine/domain/identifiers.py) shown inside a message.
PHRASES: dict[str, str] = {
    "must be 18 characters": "必须是 18 位",
    "characters 3 to 8 (the region code) must be digits": "第 3 至 8 位（行政区划码）必须是数字",
    "check character does not match (GB 32100)": "校验码不符（GB 32100）",
    "enterprise": "企业", "enterprises": "企业", "person": "人员", "persons": "人员",
}
UNTRANSLATED = "输入无效：{message}"


def _compile(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", pattern)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)"
                    for i, p in enumerate(parts))
    return re.compile(regex + r"\Z")


_COMPILED = [(_compile(english), chinese) for english, chinese in MESSAGES.items()]


def translate(message: str) -> str:
    """The Chinese of one validation message (the English kept when nothing matches)."""
    for pattern, chinese in _COMPILED:
        found = pattern.match(message)
        if found:
            parts = {k: PHRASES.get(v, v) for k, v in found.groupdict().items()}
            return chinese.format(**parts)
    return UNTRANSLATED.format(message=message)


def is_translated(message: str) -> bool:
    """True when a table entry matches `message`."""
    return any(pattern.match(message) for pattern, _ in _COMPILED)


def translate_errors(errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Field errors with every message in Chinese (the field paths kept)."""
    return {field: [translate(m) for m in messages] for field, messages in errors.items()}
