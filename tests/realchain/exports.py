"""A clinic chain's exports as its systems hand them over: deterministic, several years, real-shaped.

``write_exports(folder)`` writes, with a fixed seed and fixed dates (2022-03-01 to 2026-11-29):

- reference tables in the loader's shape with text codes (``cities.csv``, ``clinics.csv`` with
  ids like ``ZZ-EYE-01``, two clinics without coordinates and one without a doctor count, a new
  specialty ``ent``; ``channels.csv`` with new kinds ``mini_program_ads`` and ``email``);
- a CRM lead export with Chinese headers (``线索导出.csv``): ``XS…`` ids, creation times in
  mixed forms (``2026/3/5 14:02``, ``2026-03-05 14:02:11``, ``2026年3月5日 14:02``, UTC ``…Z``),
  platform names for channels, store names for clinics, mostly empty inquiry times, deals up
  to 400 days after the lead with amounts like ``¥1,234.50``;
- a customer export (``客户导出.csv``): numbers with leading zeros, UUIDs and WeChat openids,
  no name, phone, birth year or home coordinates, gender as 男/女/未知;
- a HIS order export (``HIS订单导出.csv``): ``DD…`` order numbers, times as ``20260305 14:30``,
  ``2026年3月5日14:30:05`` or a bare ``20260305``, money as ``¥4,800.00``, ``16800``, ``578.5元``;
- both ad platforms' plan-level daily reports in one file (``广告日报.csv``, a ``平台`` column
  naming 巨量引擎 or 腾讯广告, each with its own date form and float-noise spend such as
  ``1.429999948``): one table comes from one file in a load, so the two platforms share one;
- a ``*.mapping.toml`` beside every export, and no calendar file.
"""

from __future__ import annotations

import csv
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

SEED = 20_261_129
FIRST_DAY = date(2022, 3, 1)
LAST_DAY = date(2026, 11, 29)
# OPSDASH_TODAY for loading: the loader refuses facts after today + 1 day.
TODAY = date(2026, 11, 30)
LEADS = 5_000
CUSTOMERS = 800

CITIES = (
    ("ZZ", "郑州", "Zhengzhou", "河南省", "Henan", "华中", "Central China", "new_tier1", "34.7466", "113.6253"),
    ("SH", "上海", "Shanghai", "上海市", "Shanghai", "华东", "East China", "tier1", "31.2304", "121.4737"),
    ("CD", "成都", "Chengdu", "四川省", "Sichuan", "西南", "Southwest China", "new_tier1", "30.5728", "104.0668"),
)  # fmt: skip
# id, name_zh, name_en, city, specialty, specialty_zh, specialty_en, doctors, staff, opened, lat, lon
CLINICS = (
    ("ZZ-EYE-01", "郑州金水眼科", "Zhengzhou Jinshui Eye Clinic", "ZZ", "eye", "", "", "6", "38", "2019-04-18", "34.7760", "113.6870"),
    ("ZZ-DEN-01", "郑州二七口腔", "Zhengzhou Erqi Dental Clinic", "ZZ", "dental", "", "", "4", "21", "2021-09-01", "34.7240", "113.6400"),
    ("SH-AES-01", "上海静安医美", "Shanghai Jing'an Aesthetics", "SH", "aesthetic", "", "", "5", "33", "2020-06-06", "31.2290", "121.4480"),
    ("SH-ENT-01", "上海徐汇耳鼻喉", "Shanghai Xuhui ENT Clinic", "SH", "ent", "耳鼻喉", "ENT", "3", "18", "2022-01-10", "", ""),
    ("CD-EYE-02", "成都锦江眼科", "Chengdu Jinjiang Eye Clinic", "CD", "eye", "", "", "", "25", "2021-05-20", "", ""),
)  # fmt: skip
# id, code, name_zh, name_en, kind, kind_zh, kind_en, tier
CHANNELS = (
    ("CH-DY", "douyin", "抖音", "Douyin", "short_video", "", "", "core"),
    ("CH-TX", "tencent_ads", "腾讯广告", "Tencent ads", "mini_program_ads", "小程序广告", "Mini-program ads", "core"),
    ("CH-XHS", "xiaohongshu", "小红书", "Xiaohongshu", "vertical", "", "", "potential"),
    ("CH-WX", "wechat_oa", "公众号", "WeChat official account", "wechat", "", "", "core"),
    ("CH-REF", "referral", "老带新", "Old brings new", "referral", "", "", "cooperative"),
    ("CH-WALK", "walk_in", "自然到店", "Walk-in", "offline", "", "", "cooperative"),
    ("CH-MAIL", "email", "邮件营销", "E-mail", "email", "邮件", "E-mail", "potential"),
)  # fmt: skip
# The CRM's names of the channels (several per channel, as staff type them).
PLATFORM_NAMES = {
    "抖音": "CH-DY",
    "抖音信息流": "CH-DY",
    "腾讯广告": "CH-TX",
    "朋友圈广告": "CH-TX",
    "小红书": "CH-XHS",
    "公众号": "CH-WX",
    "老带新": "CH-REF",
    "自然到店": "CH-WALK",
    "邮件": "CH-MAIL",
}
LEAD_CHANNEL_SHARE = {
    "CH-DY": 0.30,
    "CH-TX": 0.20,
    "CH-XHS": 0.15,
    "CH-WX": 0.12,
    "CH-REF": 0.08,
    "CH-WALK": 0.10,
    "CH-MAIL": 0.05,
}
# Ad accounts: account name -> (platform, clinic, first day of spend).
AD_ACCOUNTS = {
    "金水眼科-巨量": ("巨量引擎", "ZZ-EYE-01", FIRST_DAY),
    "静安医美-巨量": ("巨量引擎", "SH-AES-01", FIRST_DAY),
    "锦江眼科-巨量": ("巨量引擎", "CD-EYE-02", date(2023, 6, 1)),
    "二七口腔-腾讯": ("腾讯广告", "ZZ-DEN-01", FIRST_DAY),
    "静安医美-腾讯": ("腾讯广告", "SH-AES-01", date(2022, 9, 1)),
    "徐汇耳鼻喉-腾讯": ("腾讯广告", "SH-ENT-01", date(2024, 1, 1)),
}
AD_PLATFORMS = {"巨量引擎": "CH-DY", "腾讯广告": "CH-TX"}
PLANS = ("信息流", "搜索", "直播引流")
# HIS services per specialty: (项目, category code, list price).
SERVICES = {
    "eye": (("全飞秒近视手术", "refractive", 16800), ("验光配镜", "glasses", 680), ("眼底检查", "exam", 200)),
    "dental": (("种植牙", "implant", 8800), ("补牙", "filling", 350), ("超声波洗牙", "cleaning", 198)),
    "aesthetic": (("玻尿酸注射", "injectable", 4800), ("光子嫩肤", "skin", 1280)),
    "ent": (("鼻窦炎治疗", "ent_treatment", 3200), ("听力检查", "exam", 260)),
}  # fmt: skip

LEAD_HEADERS = ("线索编号", "创建时间", "来源渠道", "门店", "新老客", "咨询时间", "预约时间", "到院时间", "成交时间", "成交金额", "客服", "备注")  # fmt: skip
CUSTOMER_HEADERS = ("客户编号", "性别", "所在城市", "所属门店", "来源渠道", "推荐人编号", "建档时间", "首次到院日期", "入会日期", "微信昵称标签")  # fmt: skip
ORDER_HEADERS = ("订单号", "客户编号", "门店", "下单时间", "项目", "金额", "支付方式", "收银员")
AD_HEADERS = ("日期", "平台", "账户", "广告计划", "消耗(元)", "展示数", "点击数", "转化数")

_CLINIC_NAME = {c[0]: c[1] for c in CLINICS}
_CLINIC_CITY = {c[0]: c[3] for c in CLINICS}
_CLINIC_SPECIALTY = {c[0]: c[4] for c in CLINICS}
_CITY_NAME = {c[0]: c[1] for c in CITIES}
_CHANNEL_NAME = {c[0]: c[2] for c in CHANNELS}
_OPENID = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_END = datetime.combine(LAST_DAY, datetime.max.time())


def write_exports(folder: Path) -> Path:
    """Write the chain's exports and their mappings into ``folder`` (created); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    _reference(folder)
    _write(folder / "线索导出.csv", LEAD_HEADERS, _leads(rng))
    customers, orders = _customers_and_orders(rng)
    _write(folder / "客户导出.csv", CUSTOMER_HEADERS, customers)
    _write(folder / "HIS订单导出.csv", ORDER_HEADERS, orders)
    _write(folder / "广告日报.csv", AD_HEADERS, _ads(rng))
    for name, text in _mappings().items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _write(path: Path, headers: tuple[str, ...], rows: list[tuple]) -> None:
    # UTF-8 with BOM, as Excel and most Chinese exporters write CSV.
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)


def _reference(folder: Path) -> None:
    _write(
        folder / "cities.csv",
        (
            "city_id",
            "name_zh",
            "name_en",
            "province_zh",
            "province_en",
            "region_zh",
            "region_en",
            "tier",
            "lat",
            "lon",
        ),  # fmt: skip
        list(CITIES),
    )
    _write(
        folder / "clinics.csv",
        (
            "clinic_id",
            "name_zh",
            "name_en",
            "city_id",
            "specialty",
            "specialty_zh",
            "specialty_en",
            "doctors",
            "staff",
            "opened_on",
            "lat",
            "lon",
        ),  # fmt: skip
        list(CLINICS),
    )
    _write(
        folder / "channels.csv",
        ("channel_id", "code", "name_zh", "name_en", "kind", "kind_zh", "kind_en", "tier"),
        list(CHANNELS),
    )


# ---- time and money as the systems write them ------------------------------------------------


def _stamp(rng: np.random.Generator, t: datetime) -> str:
    """A CRM timestamp in one of the forms its users' exports mix."""
    form = rng.choice(5, p=[0.35, 0.35, 0.15, 0.1, 0.05])
    if form == 0:
        return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
    if form == 1:
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if form == 2:
        return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d}"
    if form == 3:
        return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    # UTC, as an API-fed CRM writes it: 8 hours behind Asia/Shanghai.
    return (t - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _order_stamp(rng: np.random.Generator, t: datetime) -> str:
    """A HIS order time: ``20260305 14:30``, ``2026年3月5日14:30:05`` or a bare date."""
    form = rng.choice(3, p=[0.5, 0.35, 0.15])
    if form == 0:
        return t.strftime("%Y%m%d %H:%M")
    if form == 1:
        return f"{t.year}年{t.month}月{t.day}日{t.strftime('%H:%M:%S')}"
    return t.strftime("%Y%m%d")


def _day_text(rng: np.random.Generator, d: date) -> str:
    """A date as HIS and CRM exports write it."""
    form = rng.choice(4)
    if form == 0:
        return d.isoformat()
    if form == 1:
        return f"{d.year}/{d.month}/{d.day}"
    if form == 2:
        return d.strftime("%Y%m%d")
    return f"{d.year}年{d.month}月{d.day}日"


def _money(rng: np.random.Generator, cents: int) -> str:
    """An amount in fen written as ``¥1,234.50``, ``1234.5``, ``1,234.50元`` or ``16800``."""
    yuan, fen = divmod(cents, 100)
    form = rng.choice(4)
    if form == 0:
        return f"¥{yuan:,}.{fen:02d}"
    if form == 1:
        return f"{yuan}.{fen:02d}".rstrip("0").rstrip(".") if fen else str(yuan)
    if form == 2:
        return f"{yuan:,}.{fen:02d}元"
    return f"{yuan}.{fen:02d}"


def _noisy(rng: np.random.Generator, cents: int) -> str:
    """Ad spend as platforms export it: often a float32 value printed with float noise."""
    value = cents / 100
    if rng.random() < 0.5:
        return f"{float(np.float32(value)):.9f}"
    return f"{value:.2f}"


def _moment(rng: np.random.Generator, d: date) -> datetime:
    """A time during opening hours (09:00-21:00) of day ``d``."""
    return datetime.combine(d, datetime.min.time()) + timedelta(
        minutes=int(rng.integers(9 * 60, 21 * 60)), seconds=int(rng.integers(0, 60))
    )


def _days(rng: np.random.Generator, n: int, start: date, end: date) -> list[date]:
    """``n`` days between start and end, more of them later (the chain grows)."""
    span = (end - start).days + 1
    offsets = np.floor(span * np.sqrt(rng.random(n))).astype(int)
    return sorted(start + timedelta(days=int(o)) for o in offsets)


# ---- the CRM's leads -------------------------------------------------------------------------


def _leads(rng: np.random.Generator) -> list[tuple]:
    names_by_channel: dict[str, list[str]] = {}
    for name, channel in PLATFORM_NAMES.items():
        names_by_channel.setdefault(channel, []).append(name)
    channels = list(LEAD_CHANNEL_SHARE)
    shares = np.array(list(LEAD_CHANNEL_SHARE.values()))
    clinics = [c[0] for c in CLINICS]
    rows = []
    for seq, day in enumerate(_days(rng, LEADS, FIRST_DAY, LAST_DAY), start=1):
        channel = channels[rng.choice(len(channels), p=shares / shares.sum())]
        clinic = clinics[rng.choice(len(clinics), p=[0.3, 0.2, 0.25, 0.1, 0.15])]
        created = _moment(rng, day)
        times = _stages(rng, created, walk_in=channel == "CH-WALK")
        paid = times[3]
        amount = ""
        if paid is not None and rng.random() > 0.03:  # a few deals keyed without an amount
            price = SERVICES[_CLINIC_SPECIALTY[clinic]][rng.integers(2)][2]
            amount = _money(rng, int(price * 100 * rng.choice([1.0, 0.9, 0.85]) - rng.integers(0, 5) * 50))  # fmt: skip
        names = names_by_channel[channel]
        rows.append(
            (
                f"XS{day:%Y%m%d}-{seq:05d}",
                _stamp(rng, created),
                names[rng.integers(len(names))],
                _CLINIC_NAME[clinic],
                "老客" if rng.random() < 0.15 else "新客",
                *("" if t is None else _stamp(rng, t) for t in times),
                amount,
                str(rng.choice(["王晓燕", "赵敏", "李佳", "陈思雨"])),
                str(rng.choice(["", "", "想了解价格", "周末到院", "已加微信"])),
            )
        )
    return rows


def _stages(rng: np.random.Generator, created: datetime, walk_in: bool) -> list[datetime | None]:
    """Inquiry, booking, arrival and paid times; at least 5 minutes apart, none after the end."""
    inquiry = booked = arrived = paid = None
    if walk_in:
        arrived = created + timedelta(minutes=int(rng.integers(5, 120)))
    else:
        if rng.random() < 0.45:  # most CRMs leave the consultation time empty
            inquiry = created + timedelta(minutes=int(rng.integers(5, 180)))
        if rng.random() < 0.45:
            booked = (inquiry or created) + timedelta(minutes=int(rng.integers(30, 72 * 60)))
            if rng.random() < 0.7:
                arrived = booked + timedelta(minutes=int(rng.integers(60, 10 * 24 * 60)))
    if arrived is not None and rng.random() < 0.5:
        lag = rng.choice(3, p=[0.6, 0.25, 0.15])
        minutes = (
            int(rng.integers(5, 180))
            if lag == 0
            else int(rng.integers(1, 60) * 24 * 60)
            if lag == 1
            else int(rng.integers(60, 380) * 24 * 60)
        )
        paid = arrived + timedelta(minutes=minutes)
        if paid - created > timedelta(days=400):
            paid = None
        elif rng.random() < 0.1:
            arrived = None  # a deal keyed at the till: no arrival time recorded
    times = [inquiry, booked, arrived, paid]
    # Nothing after the export's last day: a stage past it, and every later one, is not yet.
    for i, t in enumerate(times):
        if t is not None and t > _END:
            times[i:] = [None] * (len(times) - i)
            break
    return times


# ---- the HIS's customers and orders ----------------------------------------------------------


def _customer_number(rng: np.random.Generator, i: int) -> str:
    """HIS numbers with leading zeros, UUIDs and WeChat openids, mixed."""
    kind = i % 3
    if kind == 0:
        return f"000{12300 + i:05d}"
    if kind == 1:
        return str(uuid.UUID(bytes=rng.bytes(16), version=4))
    return "o" + "".join(_OPENID[k] for k in rng.integers(0, len(_OPENID), 27))


def _customers_and_orders(rng: np.random.Generator) -> tuple[list[tuple], list[tuple]]:
    clinics = [c[0] for c in CLINICS]
    acquisition = [c for c in LEAD_CHANNEL_SHARE if c != "CH-REF"]
    days = _days(rng, CUSTOMERS, FIRST_DAY, LAST_DAY - timedelta(days=5))
    customers, orders = [], []
    numbers: list[str] = []
    seq = 0
    for i, day in enumerate(days):
        number = _customer_number(rng, i)
        created = _moment(rng, day)
        home = clinics[rng.choice(len(clinics), p=[0.3, 0.2, 0.25, 0.1, 0.15])]
        referrer = ""
        channel = acquisition[rng.integers(len(acquisition))]
        if i >= 30 and rng.random() < 0.25:
            referrer = numbers[rng.integers(i)]  # an earlier customer: never a cycle
            channel = "CH-REF"
        order_days = _order_days(rng, day)
        first_visit = order_days[0] if order_days else None
        if first_visit is None and rng.random() < 0.1:
            first_visit = min(day + timedelta(days=int(rng.integers(0, 20))), LAST_DAY)
        member = ""
        if order_days and rng.random() < 0.3:
            member = _day_text(rng, min(order_days[0] + timedelta(days=int(rng.integers(0, 60))), LAST_DAY))  # fmt: skip
        for order_day in order_days:
            seq += 1
            clinic = home if rng.random() < 0.85 else clinics[rng.integers(len(clinics))]
            service, _, price = SERVICES[_CLINIC_SPECIALTY[clinic]][rng.integers(len(SERVICES[_CLINIC_SPECIALTY[clinic]]))]  # fmt: skip
            cents = int(price * 100 * rng.choice([1.0, 0.9, 0.85])) - int(rng.integers(0, 3)) * 50
            at = _moment(rng, order_day)
            orders.append(
                (
                    f"DD{order_day:%Y%m%d}-{seq:04d}",
                    number,
                    _CLINIC_NAME[clinic],
                    _order_stamp(rng, at),
                    service,
                    _money(rng, cents),
                    str(rng.choice(["微信支付", "支付宝", "现金", "医保卡"])),
                    str(rng.choice(["前台一", "前台二"])),
                )
            )
        gender = str(rng.choice(["男", "女", "未知", ""], p=[0.45, 0.45, 0.05, 0.05]))
        customers.append(
            (
                number,
                gender,
                _CITY_NAME[_CLINIC_CITY[home]],
                _CLINIC_NAME[home],
                _CHANNEL_NAME[channel],
                referrer,
                _stamp(rng, created),
                "" if first_visit is None else _day_text(rng, first_visit),
                member,
                str(rng.choice(["", "VIP", "家庭"])),
            )
        )
        numbers.append(number)
    orders.sort(key=lambda r: r[0])
    return customers, orders


def _order_days(rng: np.random.Generator, registered: date) -> list[date]:
    """A customer's purchase days (at most one order a day): none for about a third."""
    if rng.random() < 0.33:
        return []
    first = registered + timedelta(days=int(rng.integers(1, 30)))
    if first > LAST_DAY:
        return []
    out = [first]
    for _ in range(int(rng.poisson(1.3))):
        following = out[-1] + timedelta(days=int(rng.integers(3, 500)))
        if following > LAST_DAY:
            break
        out.append(following)
    return out


# ---- the ad platforms' daily reports ---------------------------------------------------------


def _ads(rng: np.random.Generator) -> list[tuple]:
    rows = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        for account, (platform, _, opened) in AD_ACCOUNTS.items():
            if day < opened or rng.random() < 0.08:  # some days an account does not run
                continue
            for plan in PLANS:
                if rng.random() < 0.35:
                    continue
                impressions = int(rng.integers(800, 25_000))
                clicks = int(impressions * rng.uniform(0.005, 0.04))
                cents = int(rng.integers(2_000, 60_000))
                when = day.isoformat() if platform == "巨量引擎" else f"{day.year}/{day.month}/{day.day}"  # fmt: skip
                rows.append(
                    (
                        when,
                        platform,
                        account,
                        f"{account.split('-')[0]}-{plan}",
                        _noisy(rng, cents),
                        str(impressions),
                        str(clicks),
                        str(int(clicks * rng.uniform(0.0, 0.1))),
                    )
                )
        day += timedelta(days=1)
    return rows


# ---- the mappings ----------------------------------------------------------------------------


def _toml_map(title: str, pairs: dict[str, str]) -> str:
    lines = [f"[values.{title}]"]
    lines += [f'"{k}" = "{v}"' for k, v in pairs.items()]
    return "\n".join(lines) + "\n"


def _mappings() -> dict[str, str]:
    stores = {c[1]: c[0] for c in CLINICS}
    cities = {c[1]: c[0] for c in CITIES}
    channel_names = {c[2]: c[0] for c in CHANNELS}
    accounts = {a: clinic for a, (_, clinic, _) in AD_ACCOUNTS.items()}
    categories = {name: code for services in SERVICES.values() for name, code, _ in services}
    leads = (
        "# CRM 线索导出 → leads\n"
        'file = "线索导出.csv"\ntable = "leads"\n\n[columns]\n'
        'lead_id = "线索编号"\ncreated_at = "创建时间"\nchannel_id = "来源渠道"\n'
        'clinic_id = "门店"\nis_returning = "新老客"\ninquiry_at = "咨询时间"\n'
        'booked_at = "预约时间"\narrived_at = "到院时间"\npaid_at = "成交时间"\n'
        'deal_amount = "成交金额"\n\n[constants]\ncustomer_id = ""\n\n'
        + _toml_map("channel_id", PLATFORM_NAMES)
        + _toml_map("clinic_id", stores)
        + _toml_map("is_returning", {"新客": "false", "老客": "true"})
    )
    customers = (
        "# HIS 客户导出 → customers (no name, phone, birth year or home coordinates)\n"
        'file = "客户导出.csv"\ntable = "customers"\n\n[columns]\n'
        'customer_id = "客户编号"\ngender = "性别"\nhome_city_id = "所在城市"\n'
        'home_clinic_id = "所属门店"\nacquisition_channel_id = "来源渠道"\n'
        'referrer_id = "推荐人编号"\ncreated_at = "建档时间"\nfirst_visit_on = "首次到院日期"\n'
        'member_since = "入会日期"\n\n'
        + _toml_map("gender", {"男": "M", "女": "F", "未知": ""})
        + _toml_map("home_city_id", cities)
        + _toml_map("home_clinic_id", stores)
        + _toml_map("acquisition_channel_id", channel_names)
    )
    orders = (
        "# HIS 订单导出 → orders\n"
        'file = "HIS订单导出.csv"\ntable = "orders"\n\n[columns]\n'
        'order_id = "订单号"\ncustomer_id = "客户编号"\nclinic_id = "门店"\n'
        'ordered_at = "下单时间"\nservice = "项目"\ncategory = "项目"\namount = "金额"\n\n'
        '[constants]\nlead_id = ""\n\n'
        + _toml_map("clinic_id", stores)
        + _toml_map("category", categories)
    )
    ads = (
        "# 巨量引擎 + 腾讯广告 plan-level daily reports (one file: a table comes from one file)\n"
        'file = "广告日报.csv"\ntable = "channel_daily"\n\n[columns]\n'
        'date = "日期"\nchannel_id = "平台"\nclinic_id = "账户"\nspend = "消耗(元)"\n'
        'impressions = "展示数"\nclicks = "点击数"\n\n'
        '[aggregate]\nby = ["date", "channel_id", "clinic_id"]\n'
        'sum = ["spend", "impressions", "clicks"]\n\n'
        + _toml_map("channel_id", AD_PLATFORMS)
        + _toml_map("clinic_id", accounts)
    )
    return {
        "线索导出.mapping.toml": leads,
        "客户导出.mapping.toml": customers,
        "HIS订单导出.mapping.toml": orders,
        "广告日报.mapping.toml": ads,
    }
