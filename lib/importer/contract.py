"""The import contract of DESIGN.md: per entity, its template headers, columns, value kinds and keys.

A header in the template is written exactly as DESIGN.md lists it (`类型(乡/镇/街道)`, `【经度】`);
files may drop the hint in parentheses and the 【】 of optional headers (`header_key` normalises both).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lib import schema


@dataclass(frozen=True)
class Field:
    """One column of an entity: its template header, table column and how its values are read."""

    header: str  # exactly as in DESIGN.md, hint and 【】 included
    column: str
    kind: str  # text, code, int, float, date, month_date, datetime, enum, bool, rating, id_number,
    #            credit_code, phone, period, month, ref_township, ref_village, ref_org
    required: bool = True
    values: tuple[str, ...] = ()  # allowed values of an enum
    synonyms: dict[str, str] = field(default_factory=dict)  # common spellings -> allowed value
    personal: bool = False  # masked in every message
    example: object = None  # the template's example row
    meaning: str = ""  # one line for the template's instructions sheet
    low: float | None = None
    high: float | None = None

    @property
    def name(self) -> str:
        """Return the header without hint and 【】, as messages show it (办结时限)."""
        return header_key(self.header)


@dataclass(frozen=True)
class Entity:
    """One entity of the data contract (a table) as staff see it in a workbook."""

    table: str
    label: str  # the sheet name of the template, also a hint when recognising files (党员)
    fields: tuple[Field, ...]
    keys: tuple[str, ...]  # natural key columns
    hints: tuple[str, ...] = ()  # further words in file or sheet names that point at this entity

    @property
    def schema_table(self):
        return schema.metadata.tables[self.table]

    def field_by_name(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def key_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.column in self.keys)


_HINT = re.compile(r"[\(（].*?[\)）]\s*$")


def normalize_text(value: str) -> str:
    """Return text with full-width characters made half-width (NFKC) and outer spaces removed."""
    return unicodedata.normalize("NFKC", value).strip()


def header_key(header: object) -> str:
    """Return the comparable form of a header: half-width, no spaces, no 【】, no trailing (hint)."""
    text = normalize_text(str(header))
    text = re.sub(r"\s+", "", text)
    text = text.replace("【", "").replace("】", "").replace("[", "").replace("]", "")
    text = text.lstrip("*")  # some templates mark required headers with *
    previous = None
    while previous != text:
        previous, text = text, _HINT.sub("", text)
    return text


GENDER_SYN = {"男性": "男", "M": "男", "女性": "女", "F": "女"}
EDUCATION_SYN = {
    "博士": "研究生", "硕士": "研究生", "博士研究生": "研究生", "硕士研究生": "研究生", "研究生学历": "研究生",
    "在职研究生": "研究生", "本科": "大学本科", "大学": "大学本科", "学士": "大学本科", "本科学历": "大学本科",
    "大学专科": "大专", "专科": "大专", "高职": "大专", "中等专科": "中专", "中等专业学校": "中专", "中技": "中专",
    "技校": "中专", "职高": "中专", "高中学历": "高中", "普通高中": "高中", "初中": "初中及以下", "小学": "初中及以下",
    "初中以下": "初中及以下", "小学及以下": "初中及以下", "文盲": "初中及以下",
}
TOWNSHIP_SYN = {"街道办事处": "街道", "街道办": "街道", "建制镇": "镇"}
VILLAGE_SYN = {"行政村": "村", "村委会": "村", "村民委员会": "村", "居委会": "社区", "社区居委会": "社区",
               "居民委员会": "社区"}
ORG_CATEGORY_SYN = {"党委员会": "党委", "党总支部": "党总支", "党总支部委员会": "党总支", "总支": "党总支",
                    "支部": "党支部", "党支部委员会": "党支部", "联合支部": "联合党支部", "联合党总支": "联合党支部"}
ORG_DOMAIN_SYN = {"非公有制企业": "非公企业", "民营企业": "非公企业", "国企": "国有企业", "事业": "事业单位",
                  "党政机关": "机关", "村": "农村", "城市社区": "社区", "流动党员党组织": "流动党员"}
ENTERPRISE_SYN = {"非公有制企业": "非公企业", "民营企业": "非公企业", "私营企业": "非公企业", "社团": "社会组织",
                  "民办非企业单位": "社会组织", "社会团体": "社会组织"}
MEMBER_TYPE_SYN = {"正式党员": "正式", "预备党员": "预备"}
CHANNEL_SYN = {"窗口受理": "窗口", "现场": "窗口", "网上办理": "网上", "网办": "网上", "在线": "网上", "网络": "网上",
               "电话受理": "电话", "热线": "电话", "上门服务": "上门", "上门办理": "上门"}
RANK_SYN = {"正处级": "正处", "副处级": "副处", "正科级": "正科", "副科级": "副科", "科员级": "科员"}

F = Field
ENTITIES: tuple[Entity, ...] = (
    Entity("township", "乡镇", (
        F("乡镇代码", "code", "code", example="411402001", meaning="乡镇（街道）的代码，唯一；其他表用它指代乡镇"),
        F("乡镇名称", "name", "text", example="平原街道", meaning="乡镇（街道）全称，全区唯一"),
        F("类型(乡/镇/街道)", "kind", "enum", values=schema.TOWNSHIP_KINDS, synonyms=TOWNSHIP_SYN, example="街道",
          meaning="乡、镇或街道"),
        F("【经度】", "lon", "float", required=False, low=73, high=136, example=115.634,
          meaning="乡镇驻地经度（WGS-84，十进制度），用于地图"),
        F("【纬度】", "lat", "float", required=False, low=3, high=54, example=34.457,
          meaning="乡镇驻地纬度（WGS-84，十进制度）"),
    ), keys=("code",), hints=("乡镇", "街道")),
    Entity("village", "村社区", (
        F("村社区代码", "code", "code", example="411402001001", meaning="村（社区）的代码，唯一"),
        F("村社区名称", "name", "text", example="和平社区", meaning="村（社区）名称"),
        F("所属乡镇", "township_code", "ref_township", example="411402001", meaning="乡镇代码，或唯一的乡镇名称"),
        F("类型(村/社区)", "kind", "enum", values=schema.VILLAGE_KINDS, synonyms=VILLAGE_SYN, example="社区",
          meaning="村或社区"),
    ), keys=("code",), hints=("村", "社区")),
    Entity("party_org", "党组织", (
        F("组织代码", "code", "code", example="411402001D01", meaning="党组织代码，唯一；党员、企业表用它指代党组织"),
        F("组织名称", "name", "text", example="中共平原街道和平社区支部委员会", meaning="党组织全称"),
        F("组织类别(党委/党总支/党支部/联合党支部)", "category", "enum", values=schema.ORG_CATEGORIES,
          synonyms=ORG_CATEGORY_SYN, example="党支部", meaning="党委、党总支、党支部或联合党支部"),
        F("所属领域(农村/社区/机关/事业单位/国有企业/非公企业/社会组织/流动党员)", "domain", "enum",
          values=schema.ORG_DOMAINS, synonyms=ORG_DOMAIN_SYN, example="社区", meaning="党组织所在领域"),
        F("所属乡镇", "township_code", "ref_township", example="411402001", meaning="乡镇代码，或唯一的乡镇名称"),
        F("【所属村社区】", "village_code", "ref_village", required=False, example="411402001001",
          meaning="村（社区）代码，或本乡镇内唯一的村（社区）名称"),
        F("【上级组织代码】", "parent_code", "ref_org", required=False, example="",
          meaning="上级党组织的组织代码（须已在库中或在本次导入中）"),
        F("成立日期", "founded_on", "date", example="2005-07-01", meaning="成立日期，精确到日"),
        F("【是否软弱涣散】", "is_weak", "bool", required=False, example="否", meaning="是或否，空白视为否"),
    ), keys=("code",), hints=("党组织", "组织")),
    Entity("enterprise", "两新组织", (
        F("统一社会信用代码", "credit_code", "credit_code", example="91411402MA0000001N",
          meaning="18位统一社会信用代码（含校验位），唯一"),
        F("名称", "name", "text", example="商丘市某某机械有限公司", meaning="企业或社会组织名称"),
        F("类型(非公企业/社会组织)", "kind", "enum", values=schema.ENTERPRISE_KINDS, synonyms=ENTERPRISE_SYN,
          example="非公企业", meaning="非公企业或社会组织"),
        F("行业", "industry", "text", example="制造业", meaning="所属行业"),
        F("所属乡镇", "township_code", "ref_township", example="411402001", meaning="乡镇代码，或唯一的乡镇名称"),
        F("从业人员数", "employees_n", "int", low=0, example=56, meaning="从业人员人数，整数"),
        F("党员数(正式党员)", "members_n", "int", low=0, example=4, meaning="正式党员人数，整数"),
        F("【党组织代码】", "org_code", "ref_org", required=False, example="",
          meaning="已建立（含联合建立）的党组织代码；空白表示未建"),
        F("【党建指导员】", "instructor", "text", required=False, personal=True, example="",
          meaning="选派的党建指导员姓名"),
        F("【未建原因】", "not_built_reason", "text", required=False, example="正在组建", meaning="未建立党组织的原因"),
    ), keys=("credit_code",), hints=("两新", "企业", "社会组织")),
    Entity("member", "党员", (
        F("身份证号", "id_number", "id_number", personal=True, example="411402198001010015",
          meaning="18位公民身份号码，末位可为X；请使用文本格式"),
        F("姓名", "name", "text", personal=True, example="张三", meaning="党员姓名"),
        F("性别", "gender", "enum", values=schema.GENDERS, synonyms=GENDER_SYN, example="男",
          meaning="男或女；须与身份证号一致，空白时按身份证号填"),
        F("出生日期", "birth_date", "date", example="1980-01-01", meaning="须与身份证号一致，空白时按身份证号填"),
        F("学历", "education", "enum", values=schema.EDUCATIONS, synonyms=EDUCATION_SYN, example="大学本科",
          meaning="最高学历"),
        F("入党日期", "joined_on", "month_date", example="2005-07-01", meaning="入党日期，可精确到月（2005.07）"),
        F("党员类型(正式/预备)", "member_type", "enum", values=schema.MEMBER_TYPES, synonyms=MEMBER_TYPE_SYN,
          example="正式", meaning="正式党员或预备党员"),
        F("所属党组织代码", "org_code", "ref_org", example="411402001D01", meaning="所在党组织的组织代码"),
        F("【民族】", "ethnicity", "text", required=False, example="汉族", meaning="民族"),
        F("【手机号】", "phone", "phone", required=False, personal=True, example="13800000000", meaning="11位手机号"),
    ), keys=("id_number",), hints=("党员",)),
    Entity("outflow", "流动党员", (
        F("身份证号", "id_number", "id_number", personal=True, example="411402198001010015",
          meaning="18位公民身份号码，末位可为X；请使用文本格式"),
        F("姓名", "name", "text", personal=True, example="张三", meaning="流动党员姓名"),
        F("流出乡镇", "township_code", "ref_township", example="411402001", meaning="乡镇代码，或唯一的乡镇名称"),
        F("流入省份", "dest_province", "text", example="北京市", meaning="流入地省份"),
        F("流入城市", "dest_city", "text", example="北京市", meaning="流入地城市"),
        F("流出日期", "out_on", "month_date", example="2017-03", meaning="外出日期，可精确到月"),
        F("【流动党员党支部代码】", "branch_code", "ref_org", required=False, example="",
          meaning="纳入管理的流动党员党支部的组织代码"),
        F("【最近联系日期】", "last_contact_on", "date", required=False, example="2018-05-01",
          meaning="最近一次联系的日期；空白视为无联系记录"),
    ), keys=("id_number",), hints=("流动党员", "流出党员", "流动")),
    Entity("ticket", "便民服务工单", (
        F("工单编号", "ticket_no", "code", example="GD2018000001", meaning="工单编号，唯一"),
        F("所属乡镇", "township_code", "ref_township", example="411402001", meaning="乡镇代码，或唯一的乡镇名称"),
        F("【所属村社区】", "village_code", "ref_village", required=False, example="",
          meaning="村（社区）代码，或本乡镇内唯一的村（社区）名称"),
        F("服务站点", "station", "text", example="平原街道便民服务中心", meaning="受理的服务站点"),
        F("事项类别", "category", "text", example="学生困难证明", meaning="服务事项类别"),
        F("受理渠道(窗口/网上/电话/上门)", "channel", "enum", values=schema.TICKET_CHANNELS, synonyms=CHANNEL_SYN,
          example="窗口", meaning="窗口、网上、电话或上门"),
        F("受理时间", "received_at", "datetime", example="2018-03-01 09:30", meaning="受理日期和时间"),
        F("办结时限(天)", "due_days", "int", low=0, high=3650, example=5, meaning="承诺办结天数，整数"),
        F("【办结时间】", "closed_at", "datetime", required=False, example="2018-03-03 16:00",
          meaning="办结日期和时间；空白表示未办结"),
        F("【满意度评价(1-5)】", "rating", "rating", required=False, example=5, meaning="1到5的整数，5为非常满意"),
    ), keys=("ticket_no",), hints=("工单", "便民服务", "便民")),
    Entity("survey", "满意度测评", (
        F("测评期次(如 2018Q3)", "period", "period", example="2018Q3", meaning="年份和季度，如 2018Q3"),
        F("所属乡镇", "township_code", "ref_township", example="411402001", meaning="乡镇代码，或唯一的乡镇名称"),
        F("受访人数", "respondents_n", "int", low=0, example=200, meaning="受访人数，整数"),
        F("满意人数", "satisfied_n", "int", low=0, example=190, meaning="整数"),
        F("基本满意人数", "basic_satisfied_n", "int", low=0, example=8, meaning="整数"),
        F("不满意人数", "dissatisfied_n", "int", low=0, example=2, meaning="整数；三项之和不超过受访人数"),
    ), keys=("period", "township_code"), hints=("满意度", "测评")),
    Entity("petition", "信访", (
        F("月份(如 2018-07)", "month", "month", example="2018-07", meaning="年月，如 2018-07"),
        F("所属乡镇", "township_code", "ref_township", example="411402001", meaning="乡镇代码，或唯一的乡镇名称"),
        F("信访件数", "petitions_n", "int", low=0, example=10, meaning="整数"),
        F("基层化解件数", "resolved_n", "int", low=0, example=8, meaning="整数，不超过信访件数"),
    ), keys=("month", "township_code"), hints=("信访",)),
    Entity("cadre", "干部", (
        F("身份证号", "id_number", "id_number", personal=True, example="411402198001010015",
          meaning="18位公民身份号码，末位可为X；请使用文本格式"),
        F("姓名", "name", "text", personal=True, example="张三", meaning="干部姓名"),
        F("性别", "gender", "enum", values=schema.GENDERS, synonyms=GENDER_SYN, example="男",
          meaning="男或女；须与身份证号一致，空白时按身份证号填"),
        F("出生日期", "birth_date", "date", example="1980-01-01", meaning="须与身份证号一致，空白时按身份证号填"),
        F("学历", "education", "enum", values=schema.EDUCATIONS, synonyms=EDUCATION_SYN, example="大学本科",
          meaning="最高学历"),
        F("职级(正处/副处/正科/副科/科员)", "rank", "enum", values=schema.CADRE_RANKS, synonyms=RANK_SYN, example="正科",
          meaning="正处、副处、正科、副科或科员"),
        F("现任职务", "position", "text", example="党委副书记", meaning="现任职务"),
        F("任职单位", "unit", "text", example="平原街道党工委", meaning="任职单位"),
        F("【所属乡镇】", "township_code", "ref_township", required=False, example="411402001",
          meaning="乡镇代码或唯一名称；区直单位留空"),
        F("【民族】", "ethnicity", "text", required=False, example="汉族", meaning="民族"),
        F("【任现职时间】", "appointed_on", "month_date", required=False, example="2016-09", meaning="可精确到月"),
    ), keys=("id_number",), hints=("干部",)),
)

BY_TABLE = {e.table: e for e in ENTITIES}
