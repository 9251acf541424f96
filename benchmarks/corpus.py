"""A generated corpus: N documents of realistic Chinese civic-publicity text.

`make_corpus(n)` returns plain `Doc` records (seeded: the same N and seed give
the same bytes); `write_bangyang(root, docs)` lays them out as a bangyang site
(bundles `content/<kind>/<slug>/index.md`, front matter as in DESIGN.md). The
peers' layouts (Hugo, Eleventy, Pelican) are written from the same records by
peers.py, so every tool gets the same text.

Bodies hold `{{ref:<kind>/<slug>}}` placeholders for links to other documents:
each writer turns them into its own link form (for bangyang a relative path
to the other Markdown file, which the generator checks and resolves).

`Mutator` makes the edits the benchmark times (one page edited, one page
added, the base template edited) and undoes them; the same class serves every
tool, given that tool's paths.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20240305  # 学雷锋日
# Builds run "now" at this instant (SOURCE_DATE_EPOCH): profiles are never in
# the future and activity statuses do not change from one run to the next.
SOURCE_DATE_EPOCH = 1767225600  # 2026-01-01T00:00:00Z

CATEGORIES = ("道德模范", "身边好人", "最美公路人", "劳动模范", "优秀志愿者", "最美家庭")
THEMES = ("志愿服务", "主题教育", "全民阅读", "文明创建", "岗位建功", "文体活动")
SLOGAN_THEMES = ("文明城市", "文明交通", "志愿服务", "全民阅读", "核心价值观", "家风家教", "勤俭节约", "安全生产")
HONOR_LEVELS = ("国家级", "省级", "市级", "县级", "单位级")
HONOR_TITLES = (
    "十堰好人", "湖北好人", "最美公路人", "优秀共产党员", "劳动模范", "先进工作者", "优秀志愿者",
    "文明职工", "岗位能手", "青年岗位能手", "三八红旗手", "五一劳动奖章", "最美家庭", "道德模范提名奖",
)  # fmt: skip
TAGS = (
    "爱岗敬业", "志愿服务", "学雷锋", "文明交通", "岗位建功", "绿色公路", "家风家教", "孝老爱亲",
    "见义勇为", "诚实守信", "助人为乐", "全民阅读", "乡村振兴", "四好农村路", "应急抢险", "科技创新",
    "安全生产", "党建引领", "青年突击队", "巾帼建功", "敬老爱幼", "文明实践", "垃圾分类", "光盘行动",
    "移风易俗", "平安公路", "美丽乡村", "扶贫济困", "生态环保", "传统文化", "劳动精神", "工匠精神",
    "道路救援", "爱心捐赠", "文明家庭", "书香公路", "健康公路", "精神文明", "红色教育", "职工之家",
)  # fmt: skip

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国秀兰德胜永红小龙晓明海涛文军芳磊平伟强敏静丽军勇杰涛明超霞刚华玉兰桂英志强春梅国庆红梅新民卫东金凤德全淑珍立新秋菊玉成长青家豪雨欣子涵浩然思远"
UNITS = (
    "茅箭公路分中心大川养护站", "张湾公路分中心", "房县公路管理局", "郧阳区公路事业发展中心", "竹山县公路养护中心",
    "丹江口市公路管理局", "郧西县公路分局", "竹溪县公路养护站", "十堰市公路事业发展中心", "武当山特区公路管理所",
    "茅箭公路分中心茅塔养护站", "张湾公路分中心黄龙养护站", "房县公路管理局门古养护站", "郧阳区公路应急保障中心",
)  # fmt: skip
POSITIONS = (
    "养护工", "养护班班长", "路政员", "桥梁检测员", "养护站站长", "机械操作手", "志愿服务队队长",
    "技术员", "驾驶员", "党支部书记", "工会干事", "退休职工", "应急抢险队队员", "道班工人",
)  # fmt: skip
ROADS = (
    "国道316线", "国道209线", "省道236线", "十房公路", "丹郧线", "竹房路", "郧十一级公路",
    "县道X311线", "武当山旅游公路", "汉十线", "国道346线", "省道305线",
)  # fmt: skip
PLACES = (
    "柳林社区", "车城路街道", "大川镇", "黄龙镇", "武当山特区", "茅箭区", "张湾区", "郧阳区",
    "竹山县城关镇", "房县城关镇", "五堰街道", "花果街道", "东风社区", "三堰社区",
)  # fmt: skip
ORGANIZERS = (
    "十堰市公路事业发展中心精神文明建设办公室", "中心团委", "中心工会", "中心机关党委", "市文明办",
    "中心志愿服务总队", "中心妇委会", "各分中心党支部",
)  # fmt: skip
ACTIVITY_NAMES = (
    "学雷锋志愿服务进社区", "文明交通劝导", "书香公路读书分享会", "最美公路人评选", "清明祭英烈",
    "道德讲堂", "文明家庭评选", "公路养护技能比武", "健康公路健步走", "向国旗敬礼", "光盘行动倡议",
    "关爱留守儿童", "爱心献血", "文明单位创建推进会", "垃圾分类宣传", "重阳敬老", "青年志愿者集结",
    "应急抢险演练", "职工运动会", "红色教育基地参观", "新时代文明实践", "四好农村路宣传周",
)  # fmt: skip

# Sentences with slots: {name} {unit} {road} {place} {n} {m} {year} {km} {pos}.
ROAD_SENTENCES = (
    "每天清晨六点，{name}总是第一个出门巡路，路面上的一块石头、一处坑槽都记在随身的小本子上。",
    "{name}负责的{km}公里路段弯多坡陡，一侧是山、一侧是沟，雨季落石、冬季结冰，是出了名的难养路。",
    "{year}年汛期，{road}多处边坡垮塌，{name}带着班组连续奋战{n}个昼夜，抢通了群众出行的生命线。",
    "他摸索出小修不过夜、中修不过周的路面病害快速处治办法，被推广到全市各养护站。",
    "近{n}年来，{unit}管养路段的优良路率从百分之七十提高到百分之九十以上。",
    "冬季除冰保畅期间，{name}和同事们在海拔最高的垭口一守就是{n}天，保障了春运车辆安全通行。",
    "在急弯处加设警示桩和凸面镜，与交警部门一起守住了连续{n}年零事故。",
    "清理边沟{m}米，补栽行道树{n}百余株，如今的路段路面平整、边坡常绿。",
    "过往司机说，{road}这一段开起来心里踏实，这是对养路人最好的褒奖。",
    "他把冬季除冰、汛期巡查的要点编成顺口溜，手把手教给新来的年轻人。",
    "桥梁检测时，{name}常常要系着安全绳下到桥底，一次检测下来浑身都是泥水。",
    "“路是给老百姓走的，我们多跑一趟，群众就少一分危险。”这是{name}常挂在嘴边的一句话。",
    "{unit}推行路长制以后，每一公里路都有了责任人，群众反映的问题当天就有回音。",
    "农村公路通到了家门口，山里的木耳、香菇和茶叶坐上汽车走出了大山。",
    "养护站的小院里种满了花草，职工们说这里既是工作的地方，也是温暖的家。",
    "面对荣誉，{name}只说：“我就是个养路的，把路养好是本分。”",
    "{year}年，{road}被列为畅安舒美示范路创建路段，{name}主动请缨承担了最难的一段。",
    "机械化养护让工作效率成倍提高，{name}却仍然坚持每周徒步巡查一遍全线。",
)  # fmt: skip
VOLUNTEER_SENTENCES = (
    "{name}是{unit}志愿服务队的骨干，累计志愿服务时长超过{m}小时。",
    "每逢学雷锋纪念日，志愿者们都会走进{place}，开展义务理发、测量血压、维修小家电等便民服务。",
    "在文明交通劝导岗上，志愿者们讲解一盔一带、礼让斑马线等安全常识，发放宣传资料{m}余份。",
    "{year}年疫情防控期间，{name}主动报名到卡点值守，连续{n}天吃住在一线。",
    "他们结对帮扶{place}的{n}名留守儿童，每月上门辅导功课，陪孩子们过生日。",
    "志愿服务队坚持每周到敬老院打扫卫生、陪老人聊天，一坚持就是{n}年。",
    "“帮助别人，快乐自己。”{name}说，志愿服务让她找到了工作之外的价值。",
    "春运期间，公路服务站设立爱心驿站，为返乡群众免费提供热水、药品和路况咨询。",
    "志愿者们把便民服务箱安放在各个养护站，方便过往群众应急取用。",
    "在无偿献血活动中，{unit}有{n}名职工参与，献血量达到{m}毫升。",
    "新时代文明实践站里，志愿者开展政策宣讲、法律咨询和技能培训，群众在家门口就能享受服务。",
    "{name}带头组建了青年志愿服务突击队，队员从最初的{n}人发展到现在的{m}人。",
    "暴雨过后，志愿者们第一时间赶到受灾村组，帮助群众清理淤泥、转移物资。",
    "每一次志愿服务结束后，服务时长都会统一录入志愿服务信息系统。",
)  # fmt: skip
CIVILITY_SENTENCES = (
    "{unit}把文明创建融入公路建设、管理、养护、运营的全过程，连续{n}年保持文明单位称号。",
    "通过道德讲堂、身边好人故事会等形式，社会主义核心价值观在职工中落地生根。",
    "单位食堂张贴光盘行动倡议，职工们自觉做到按需取餐、不剩饭菜。",
    "好家风涵养好作风，{name}一家三代都是公路人，干一行、爱一行是他们的家训。",
    "书香公路建设让每个养护站都有了职工书屋，全年开展读书分享活动{n}场。",
    "文明创建不是一阵风，而是一件件实事：路更畅了，站更美了，群众更满意了。",
    "{year}年以来，{unit}共推选出各级先进典型{m}人次，形成了比学赶超的浓厚氛围。",
    "移风易俗倡议书发到每个职工家庭，红白事简办、厚养薄葬成为新风尚。",
    "垃圾分类从机关大院做起，分类投放点旁设立了督导员，分类准确率明显提高。",
    "职工运动会、健步走和文艺汇演丰富了大家的业余生活，增强了队伍的凝聚力。",
    "“榜样就在身边，学习榜样就是从做好每一件小事开始。”一位青年职工这样说。",
    "清明时节，党员职工来到烈士陵园敬献花篮，重温入党誓词，缅怀革命先烈。",
    "文明创建测评中，{unit}在全市交通系统排名第{n}位，群众满意度达到百分之九十五。",
    "宣传栏、电子屏和微信公众号同步宣传先进事迹，让榜样的故事传遍公路沿线。",
)  # fmt: skip
TOPICS = {"road": ROAD_SENTENCES, "volunteer": VOLUNTEER_SENTENCES, "civility": CIVILITY_SENTENCES}

PROFILE_HEADINGS = (
    "扎根一线二十年", "把难养路养成示范路", "带出一支好班组", "危急时刻冲在前", "群众心中的贴心人",
    "小岗位上的大担当", "成长经历", "主要事迹", "同事眼中的他", "家风传承", "志愿路上", "荣誉与初心",
)  # fmt: skip
ACTIVITY_HEADINGS = (
    "活动背景", "活动安排", "活动内容", "参与方式", "工作要求", "活动成效", "组织保障", "温馨提示", "宣传报道", "下一步打算",
)  # fmt: skip
LIST_ITEMS = (
    "清理边沟{m}米，补栽行道树{n}百余株；",
    "摸索出**路面病害快速处治**办法，处治坑槽{m}平方米；",
    "与交警部门一起守住了**连续{n}年零事故**；",
    "开展便民服务{n}次，服务群众{m}余人次；",
    "**{year}年**被评为{honor}；",
    "结对帮扶{place}困难家庭{n}户；",
    "组织文明交通劝导{n}场，发放宣传资料{m}余份；",
    "带出的徒弟中有{n}人成长为**技术骨干**；",
    "建成职工书屋{n}个，藏书{m}余册；",
    "参与抢险{n}次，转移群众{m}余人；",
    "**{time}** 在{place}新时代文明实践站集合，领取红马甲和服务物资；",
    "**{time}** 分组开展服务：便民服务、文明交通宣传、环境整治；",
)  # fmt: skip
EXTERNAL_LINKS = (
    ("中国文明网", "https://www.wenming.cn/"),
    ("湖北文明网", "http://hb.wenming.cn/"),
    ("志愿服务信息系统", "https://chinavolunteer.mca.gov.cn/"),
    ("交通运输部网站", "https://www.mot.gov.cn/"),
)
SLOGAN_TEXTS = (
    "讲文明 树新风", "文明交通 从我做起", "弘扬雷锋精神 争做时代新人", "书香公路 阅读点亮人生",
    "礼让斑马线 文明你我他", "一盔一带 安全常在", "厉行节约 反对浪费", "绿水青山就是金山银山",
    "公路是我家 养护靠大家", "志愿服务 你我同行", "好家风 好家教 好传承", "爱党 爱国 爱社会主义",
    "安全生产 人人有责", "文明有礼 十堰人", "崇德向善 见贤思齐", "全民健身 健康中国",
)  # fmt: skip


@dataclass
class Doc:
    kind: str  # "profile", "activity", "slogan"
    slug: str
    title: str  # a profile's name, an activity's title, a slogan's text
    when: datetime  # a profile's date, an activity's start, a slogan's "from"
    term: str  # a profile's category, an activity's theme, a slogan's theme
    tags: list[str]
    summary: str
    body: str  # Markdown with {{ref:kind/slug}} link placeholders
    extra: dict = field(default_factory=dict)  # unit, position, honors, end, location, organizer, weight
    photo: bool = False
    featured: bool = False

    @property
    def section(self) -> str:
        return {"profile": "profiles", "activity": "activities", "slogan": "slogans"}[self.kind]

    @property
    def rel(self) -> str:
        return f"{self.section}/{self.slug}"


REF = re.compile(r"\{\{ref:([a-z]+)/([\w-]+)\}\}")


def make_corpus(pages: int, seed: int = SEED, photo_share: float = 0.0) -> list[Doc]:
    """`pages` documents: 45 % profiles, 45 % activities, 10 % slogans."""
    rng = random.Random(seed)
    n_slogans = max(1, pages // 10)
    n_profiles = (pages - n_slogans) // 2
    n_activities = pages - n_slogans - n_profiles
    profiles = [f"p{i:05d}" for i in range(n_profiles)]
    activities = [f"a{i:05d}" for i in range(n_activities)]
    docs: list[Doc] = []
    for slug in profiles:
        docs.append(_profile(rng, slug, profiles, activities, photo_share))
    for slug in activities:
        docs.append(_activity(rng, slug, profiles, activities, photo_share))
    for i in range(n_slogans):
        docs.append(_slogan(rng, f"s{i:05d}"))
    return docs


def _slots(rng: random.Random, name: str = "") -> dict[str, object]:
    return {
        "name": name or rng.choice(SURNAMES) + rng.choice(("师傅", "同志", "大姐")),
        "unit": rng.choice(UNITS),
        "road": rng.choice(ROADS),
        "place": rng.choice(PLACES),
        "pos": rng.choice(POSITIONS),
        "n": rng.randint(2, 30),
        "m": rng.randint(100, 9000),
        "year": rng.randint(2008, 2025),
        "km": rng.randint(8, 60),
        "honor": rng.choice(HONOR_TITLES),
        "time": f"{rng.randint(8, 16)}:{rng.choice(('00', '15', '30', '45'))}",
    }


def _paragraph(rng: random.Random, topics: list[str], slots: dict, sentences: int, emphasis: bool = False) -> str:
    out = []
    for _ in range(sentences):
        # Numbers change from sentence to sentence; names, units and places stay.
        fresh = {**slots, "n": rng.randint(2, 30), "m": rng.randint(100, 9000), "year": rng.randint(2008, 2025)}
        out.append(rng.choice(TOPICS[rng.choice(topics)]).format(**fresh))
    text = "".join(out)
    if emphasis:
        # Emphasis on a whole clause between commas (safe under every CommonMark flanking rule).
        m = re.search(r"，([\u4e00-\u9fff][^，。“”：*]{3,22}[\u4e00-\u9fff])，", text)
        if m:
            text = text[: m.start(1)] + "*" + m.group(1) + "*" + text[m.end(1) :]
    return text


def _body(rng: random.Random, slots: dict, topics: list[str], headings: tuple[str, ...], link_to: str) -> str:
    """About 1,200 characters: intro, three sections, a list, two links, emphasis."""
    parts = [_paragraph(rng, topics, slots, 3)]
    for i, heading in enumerate(rng.sample(headings, 3)):
        parts.append(f"## {heading}")
        parts.append(_paragraph(rng, topics, slots, rng.randint(3, 4), emphasis=(i == 0)))
        if i == 1:
            items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
            parts.append("\n".join("- " + item.format(**{**slots, "n": rng.randint(2, 30), "m": rng.randint(100, 9000)}) for item in items))
        if i == 2:
            label, href = rng.choice(EXTERNAL_LINKS)
            parts.append(
                _paragraph(rng, topics, slots, 2)
                + f"更多先进事迹见[{label}]({href})，也可以读一读[{{{{title}}}}]({{{{ref:{link_to}}}}})的故事。"
            )
    parts.append(_paragraph(rng, topics, slots, 2))
    body = "\n\n".join(parts) + "\n"
    # Fill or trim to about 1,200 characters of text.
    while len(body) < 1200:
        body += "\n" + _paragraph(rng, topics, slots, 2) + "\n"
    return body


def _date(rng: random.Random, first: int, last: int) -> datetime:
    start = date(first, 1, 1)
    day = start + timedelta(days=rng.randrange((date(last, 12, 31) - start).days))
    return datetime(day.year, day.month, day.day)


def _profile(rng: random.Random, slug: str, profiles: list[str], activities: list[str], photo_share: float) -> Doc:
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
    category = rng.choice(CATEGORIES)
    slots = _slots(rng, name)
    if category == "最美家庭":
        name += "家庭"
    topics = ["road", "road", "volunteer", "civility"] if category in ("最美公路人", "劳动模范") else ["road", "volunteer", "civility"]
    other = rng.choice([p for p in rng.sample(profiles, min(3, len(profiles))) if p != slug] or [slug])
    honors = [
        {"title": rng.choice(HONOR_TITLES), "year": rng.randint(2010, 2025), "level": rng.choice(HONOR_LEVELS)}
        for _ in range(rng.randint(0, 3))
    ]
    return Doc(
        kind="profile",
        slug=slug,
        title=name,
        when=_date(rng, 2012, 2025),
        term=category,
        tags=rng.sample(TAGS, rng.randint(2, 4)),
        summary=_paragraph(rng, topics, slots, 1)[:60],
        body=_body(rng, slots, topics, PROFILE_HEADINGS, f"profiles/{other}"),
        extra={"unit": slots["unit"], "position": slots["pos"], "honors": honors},
        photo=rng.random() < photo_share,
        featured=rng.random() < 0.03,
    )


def _activity(rng: random.Random, slug: str, profiles: list[str], activities: list[str], photo_share: float) -> Doc:
    theme = rng.choice(THEMES)
    start = _date(rng, 2014, 2026).replace(hour=rng.choice((8, 9, 14, 15)), minute=rng.choice((0, 30)))
    slots = _slots(rng)
    title = f"{start.year}年{rng.choice(ACTIVITY_NAMES)}"
    target = rng.choice(profiles) if profiles and rng.random() < 0.5 else rng.choice(activities)
    kind = "profiles" if target.startswith("p") else "activities"
    return Doc(
        kind="activity",
        slug=slug,
        title=title,
        when=start,
        term=theme,
        tags=rng.sample(TAGS, rng.randint(2, 4)),
        summary=_paragraph(rng, ["volunteer", "civility"], slots, 1)[:60],
        body=_body(rng, slots, ["volunteer", "civility", "road"], ACTIVITY_HEADINGS, f"{kind}/{target}"),
        extra={
            "end": start + timedelta(hours=rng.choice((2, 3, 4, 26, 72))),
            "location": f"{slots['place']}新时代文明实践站",
            "organizer": rng.choice(ORGANIZERS),
        },
        photo=rng.random() < photo_share,
    )


def _slogan(rng: random.Random, slug: str) -> Doc:
    text = rng.choice(SLOGAN_TEXTS)
    slots = _slots(rng)
    return Doc(
        kind="slogan",
        slug=slug,
        title=text,
        when=_date(rng, 2015, 2025),
        term=rng.choice(SLOGAN_THEMES),
        tags=[],
        summary="",
        body=_paragraph(rng, ["civility"], slots, 2) + "\n",
        extra={"weight": rng.randint(0, 20), "source": rng.choice(("中国文明网", "市文明办", "中心文明办"))},
    )


def titles(docs: list[Doc]) -> dict[str, str]:
    return {d.rel: d.title for d in docs}


def resolve_refs(doc: Doc, link, by_rel: dict[str, str]) -> str:
    """The body with each placeholder made a link by `link(kind, slug)`; the
    `{{title}}` before it becomes the target's title."""

    def sub(m: re.Match[str]) -> str:
        return link(m.group(1), m.group(2))

    body = doc.body
    for m in REF.finditer(body):
        body = body.replace("{{title}}", by_rel.get(f"{m.group(1)}/{m.group(2)}", "榜样"), 1)
    return REF.sub(sub, body)


def yaml_str(value: str) -> str:
    """A YAML scalar that stays a string (quoted when it could be read otherwise)."""
    if re.fullmatch(r"[\u4e00-\u9fff\w][\u4e00-\u9fff\w ·，、（）“”]*", value) and not value.isdigit():
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ymd(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")


def ymd_hm(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


# --- bangyang ---------------------------------------------------------------------------

SITE_TOML = """title = "十堰公路文明网（基准测试）"
description = "榜样基准测试生成的网站。"
base_url = "https://wenming.example.gov.cn/"
language = "zh-CN"
timezone = "Asia/Shanghai"

[footer]
organizer = "十堰市公路事业发展中心精神文明建设办公室"
contact = "电话：0719-0000000"

[[kiosk]]
name = "lobby"
title = "一楼大厅"
orientation = "landscape"
seconds = 12
show = ["slogans", "profiles:featured", "activities:upcoming"]
"""


def bangyang_text(doc: Doc, by_rel: dict[str, str]) -> str:
    def link(kind: str, slug: str) -> str:
        return f"../../{kind}/{slug}/index.md"

    body = resolve_refs(doc, link, by_rel)
    lines = ["---"]
    if doc.kind == "profile":
        lines += [
            f"name: {yaml_str(doc.title)}",
            f"category: {doc.term}",
            f"date: {ymd(doc.when)}",
        ]
        if doc.photo:
            lines += ["photo: portrait.jpg", f"photo_alt: {yaml_str(doc.title + '在工作岗位上')}"]
        lines += [f"unit: {yaml_str(doc.extra['unit'])}", f"position: {yaml_str(doc.extra['position'])}"]
        if doc.extra["honors"]:
            lines.append("honors:")
            lines += [f"  - {{title: {h['title']}, year: {h['year']}, level: {h['level']}}}" for h in doc.extra["honors"]]
        lines += [f"summary: {yaml_str(doc.summary)}", f"tags: [{', '.join(doc.tags)}]"]
        if doc.featured:
            lines.append("featured: true")
    elif doc.kind == "activity":
        lines += [
            f"title: {yaml_str(doc.title)}",
            f"theme: {doc.term}",
            f"start: {ymd_hm(doc.when)}",
            f"end: {ymd_hm(doc.extra['end'])}",
            f"location: {yaml_str(doc.extra['location'])}",
            f"organizer: {yaml_str(doc.extra['organizer'])}",
        ]
        if doc.photo:
            lines += ["cover: cover.jpg"]
        lines += [f"summary: {yaml_str(doc.summary)}", f"tags: [{', '.join(doc.tags)}]"]
    else:
        lines += [
            f"text: {yaml_str(doc.title)}",
            f"theme: {doc.term}",
            f"source: {doc.extra['source']}",
            f"weight: {doc.extra['weight']}",
        ]
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body


PHOTO_NAME = {"profile": "portrait.jpg", "activity": "cover.jpg"}


def write_photo(path: Path, seed: int, size: tuple[int, int]) -> None:
    """A distinct photo-like JPEG (every one different: the image caches key by content)."""
    from PIL import Image, ImageDraw, ImageFilter

    w, h = size
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((w, h)).rotate(seed * 37 % 360)
    noise = Image.effect_noise((max(1, w // 8), max(1, h // 8)), 30 + seed % 20).resize((w, h), Image.Resampling.BICUBIC)
    im = Image.merge("RGB", (Image.blend(base, noise, 0.35), Image.radial_gradient("L").resize((w, h)), noise))
    draw = ImageDraw.Draw(im)
    for _ in range(6):
        x, y = rng.randrange(w), rng.randrange(h)
        draw.ellipse((x, y, x + w // 6, y + h // 6), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    im.filter(ImageFilter.GaussianBlur(1)).save(path, "JPEG", quality=90)


def write_photos(folder: Path, docs: list[Doc], size: tuple[int, int]) -> None:
    """Each document with a photo gets one, in a shared pool keyed by slug (peers link to it)."""
    for i, doc in enumerate(docs):
        if doc.photo:
            target = folder / doc.section / doc.slug / PHOTO_NAME[doc.kind]
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                write_photo(target, i, size)


def write_bangyang(root: Path, docs: list[Doc], photos: Path | None = None, theme_dir: Path | None = None) -> None:
    """A bangyang site in `root`. `photos` is a folder from `write_photos` (hard-linked
    in); `theme_dir` the built-in theme, whose base.html is copied into the site's
    templates/ so the benchmark can edit a template without touching the repository."""
    by_rel = titles(docs)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    for doc in docs:
        folder = root / "content" / doc.section / doc.slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(bangyang_text(doc, by_rel), encoding="utf-8")
        if doc.photo and photos is not None:
            _link(photos / doc.section / doc.slug / PHOTO_NAME[doc.kind], folder / PHOTO_NAME[doc.kind])
    pages = root / "content" / "pages"
    pages.mkdir(exist_ok=True)
    (pages / "about.md").write_text(
        "---\ntitle: 关于我们\nslug: about\nmenu: true\nweight: 1\n---\n\n本网站由榜样基准测试生成，内容均为虚构。\n", encoding="utf-8"
    )
    if theme_dir is not None:
        (root / "templates").mkdir(exist_ok=True)
        shutil.copyfile(theme_dir / "base.html", root / "templates" / "base.html")


def _link(source: Path, target: Path) -> None:
    try:
        target.hardlink_to(source)
    except OSError:
        shutil.copyfile(source, target)


def new_profile(n: int) -> Doc:
    """The page the benchmark adds (not part of the corpus; same for every tool)."""
    rng = random.Random(SEED + 1000 + n)
    slots = _slots(rng, "新典型")
    return Doc(
        kind="profile",
        slug=f"p-added-{n}",
        title="新典型" + "零一二三四五六七八九"[n % 10],
        when=datetime(2025, 6, 1),
        term=CATEGORIES[1],
        tags=[TAGS[0], TAGS[1]],
        summary="基准测试新增的先进典型。",
        body=_paragraph(rng, ["road", "volunteer"], slots, 12) + "\n",
        extra={"unit": UNITS[0], "position": POSITIONS[0], "honors": []},
    )


# --- the edits the benchmark times -------------------------------------------------------


def template_mark(token: str) -> str:
    return f'<span hidden data-bench="{token}"></span>'


@dataclass
class Mutator:
    """One tool's edit targets: a page to edit, where a page is added, a template to edit.

    `edit_page(token)` appends a paragraph with `token` to the page body;
    `add_page()` writes `added_text` as a new file; `edit_template(token)` inserts
    `template_mark(token)` before `</body>` (an element, not a comment: Go's
    html/template drops comments); `reset()` restores everything.
    """

    page: Path
    added: Path
    template: Path
    added_text: str = ""
    marker: str = "</body>"

    def __post_init__(self) -> None:
        self._page = self.page.read_bytes()
        self._template = self.template.read_bytes()

    def edit_page(self, token: str) -> None:
        text = self._page.decode("utf-8")
        self.page.write_text(text.rstrip("\n") + f"\n\n编辑标记：{token}。\n", encoding="utf-8")

    def add_page(self) -> None:
        self.added.parent.mkdir(parents=True, exist_ok=True)
        self.added.write_text(self.added_text, encoding="utf-8")

    def edit_template(self, token: str) -> None:
        text = self._template.decode("utf-8")
        assert self.marker in text, f"{self.template} has no {self.marker}"
        self.template.write_text(text.replace(self.marker, template_mark(token) + self.marker, 1), encoding="utf-8")

    def reset(self) -> None:
        self.page.write_bytes(self._page)
        self.template.write_bytes(self._template)
        if self.added.exists():
            self.added.unlink()
            if self.added.name == "index.md" and not any(self.added.parent.iterdir()):
                self.added.parent.rmdir()


def bangyang_mutator(root: Path, docs: list[Doc]) -> Mutator:
    page = edited_doc(docs)
    added = new_profile(0)
    return Mutator(
        page=root / "content" / page.section / page.slug / "index.md",
        added=root / "content" / added.section / added.slug / "index.md",
        template=root / "templates" / "base.html",
        added_text=bangyang_text(added, titles(docs)),
    )


def edited_doc(docs: list[Doc]) -> Doc:
    """The profile every tool edits: one in the middle of the corpus."""
    profiles = [d for d in docs if d.kind == "profile"]
    return profiles[len(profiles) // 2]
