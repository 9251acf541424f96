"""The front-matter fields of each kind of content, in one table.

Used by the loader (validation, "did you mean" hints) and by `new` (the
scaffold writes every field with its Chinese comment), so the two cannot
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # text date datetime bool int tags honors image images slug
    required: bool
    comment: str  # Chinese first: shown in scaffolds and messages
    example: str = ""  # YAML text written by `new`; "" leaves the field empty

    @property
    def zh(self) -> str:
        """The Chinese name staff may write instead (姓名: 张三)."""
        return CHINESE_NAMES[self.name]


# Every field may also be written with its Chinese name; one document may not
# use both names for one field.
CHINESE_NAMES = {
    "name": "姓名", "category": "类别", "date": "日期", "photo": "照片", "photo_alt": "照片说明",
    "unit": "单位", "position": "职务", "honors": "荣誉", "summary": "摘要", "tags": "标签",
    "featured": "推荐", "draft": "草稿", "slug": "网址名", "title": "标题", "theme": "主题",
    "start": "开始", "end": "结束", "location": "地点", "organizer": "主办", "cover": "封面",
    "gallery": "图集", "text": "内容", "source": "来源", "from": "生效", "until": "截止",
    "background": "背景", "weight": "权重", "menu": "菜单",
}  # fmt: skip
HONOR_NAMES = {"称号": "title", "年份": "year", "级别": "level"}


PROFILE = (
    FieldSpec("name", "text", True, "姓名（必填）", "{title}"),
    FieldSpec("category", "text", True, "类别（必填），只能是 site.toml 里 [profiles] categories 中的一个", "{category}"),
    FieldSpec("date", "date", True, "发布日期（必填），格式 2024-03-05；日期在将来的先进典型到那天才公开", "{today}"),
    FieldSpec("photo", "image", False, "照片文件名，照片放在本文件旁边，例如 portrait.jpg"),
    FieldSpec("photo_alt", "text", False, "照片说明（给视障读者），默认为姓名，例如 张三在养护现场"),
    FieldSpec("unit", "text", False, "单位，例如 茅箭公路分中心"),
    FieldSpec("position", "text", False, "职务或岗位，例如 养护工"),
    FieldSpec(
        "honors", "honors", False, "荣誉，每条一行：- {title: 十堰好人, year: 2023, level: 市级}；级别：国家级 省级 市级 县级 单位级", "[]"
    ),
    FieldSpec("summary", "text", False, "一句话简介；不填则自动取正文第一句"),
    FieldSpec("tags", "tags", False, "标签，例如 [爱岗敬业, 志愿服务]", "[]"),
    FieldSpec("featured", "bool", False, "是否推荐到首页和电子屏：true 或 false", "false"),
    FieldSpec("draft", "bool", False, "草稿：true 表示暂不发布", "false"),
    FieldSpec("slug", "slug", False, "网址名（英文小写和连字符），默认由文件名的拼音生成"),
)

ACTIVITY = (
    FieldSpec("title", "text", True, "活动名称（必填）", "{title}"),
    FieldSpec("theme", "text", True, "活动主题（必填），只能是 site.toml 里 [activities] themes 中的一个", "{theme}"),
    FieldSpec("start", "datetime", True, "开始时间（必填），例如 2024-03-05 或 2024-04-23 15:00", "{today}"),
    FieldSpec("end", "datetime", False, "结束时间，不填则为开始当天结束"),
    FieldSpec("location", "text", False, "地点"),
    FieldSpec("organizer", "text", False, "主办单位"),
    FieldSpec("cover", "image", False, "封面图片文件名，放在本文件旁边，例如 cover.jpg"),
    FieldSpec("gallery", "images", False, "活动照片列表；不填则使用本文件夹里除封面外的所有图片"),
    FieldSpec("summary", "text", False, "一句话简介；不填则自动取正文第一句"),
    FieldSpec("tags", "tags", False, "标签，例如 [志愿服务, 学雷锋]", "[]"),
    FieldSpec("draft", "bool", False, "草稿：true 表示暂不发布", "false"),
    FieldSpec("slug", "slug", False, "网址名（英文小写和连字符），默认由文件夹名的拼音生成"),
)

SLOGAN = (
    FieldSpec("text", "text", True, "标语内容（必填）", "{title}"),
    FieldSpec("theme", "text", False, "主题，用于分组和电子屏筛选，例如 文明交通"),
    FieldSpec("source", "text", False, "来源，例如 中国文明网"),
    FieldSpec("from", "date", False, "开始展示的日期，例如 2024-03-01；不填则一直展示"),
    FieldSpec("until", "date", False, "最后展示的日期（含当天），例如 2024-03-31"),
    FieldSpec("background", "image", False, "背景图片文件名"),
    FieldSpec("weight", "int", False, "排序权重，数字大的排在前面", "0"),
    FieldSpec("draft", "bool", False, "草稿：true 表示暂不发布", "false"),
    FieldSpec("slug", "slug", False, "网址名（英文小写和连字符），默认由文件名的拼音生成"),
)

PAGE = (
    FieldSpec("title", "text", True, "页面标题（必填）", "{title}"),
    FieldSpec("slug", "slug", False, "网址名，例如 about；默认由文件名的拼音生成"),
    FieldSpec("weight", "int", False, "菜单顺序，数字小的在前", "50"),
    FieldSpec("menu", "bool", False, "是否显示在顶部菜单：true 或 false", "true"),
    FieldSpec("draft", "bool", False, "草稿：true 表示暂不发布", "false"),
)

KINDS: dict[str, tuple[FieldSpec, ...]] = {
    "profile": PROFILE,
    "activity": ACTIVITY,
    "slogan": SLOGAN,
    "page": PAGE,
}

# content/<folder>/ → kind
FOLDERS = {"profiles": "profile", "activities": "activity", "slogans": "slogan", "pages": "page"}
KIND_NAMES = {"profile": "先进典型", "activity": "主题活动", "slogan": "宣传标语", "page": "页面"}

ALL_KEYS = frozenset(f.name for specs in KINDS.values() for f in specs) | frozenset(CHINESE_NAMES.values())
