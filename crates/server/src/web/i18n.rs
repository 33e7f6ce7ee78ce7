//! Mongolian (Cyrillic) and English for every string of the pages.
//!
//! Each language is one value of [`Text`], so a string missing in one language is a compile
//! error, not a blank on a page. The choice: the `lang` cookie (set by the switch on every
//! page, so it sticks), else the best of `Accept-Language`, else English. Numbers follow CLDR
//! for both (`1,234.5`; CLDR `mn` uses the same separators), dates differ: `3 Dec 2026` and
//! `2026.12.03`.

use axum::http::{HeaderMap, header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Mn,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Mn => "mn",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "mn" => Some(Lang::Mn),
            _ => None,
        }
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Mn => &MN,
        }
    }

    /// The language of a request: the cookie, else `Accept-Language` by q-value.
    pub fn of(headers: &HeaderMap) -> Lang {
        if let Some(l) = super::cookie(headers, "lang").and_then(|v| Lang::parse(&v)) {
            return l;
        }
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(from_accept_language)
            .unwrap_or(Lang::En)
    }

    /// A date (`YYYY-MM-DD` or an RFC 3339 time; anything else is shown as it is).
    pub fn date(self, s: &str) -> String {
        let Some(d) = s
            .get(..10)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            return s.to_owned();
        };
        match self {
            Lang::En => d.format("%-d %b %Y").to_string(),
            Lang::Mn => d.format("%Y.%m.%d").to_string(),
        }
    }

    /// An integer with thousands grouped.
    pub fn int(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// Tögrög: `₮ 1,234` (CLDR `mn`) or `MNT 1,234`.
    pub fn mnt(self, n: i64) -> String {
        match self {
            Lang::En => format!("MNT {}", self.int(n)),
            Lang::Mn => format!("₮ {}", self.int(n)),
        }
    }

    /// Grams as kilograms, up to three decimals.
    pub fn kg(self, grams: u64) -> String {
        self.dec(&format!("{}.{:03}", grams / 1000, grams % 1000))
    }

    /// A decimal string as stored (`12.500`) with its integer part grouped.
    pub fn dec(self, s: &str) -> String {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let Ok(n) = int.parse::<i64>() else {
            return s.to_owned();
        };
        let sign = if int.starts_with('-') && n == 0 {
            "-"
        } else {
            ""
        };
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            format!("{sign}{}", self.int(n))
        } else {
            format!("{sign}{}.{frac}", self.int(n))
        }
    }
}

/// The first supported language of an `Accept-Language` value, by q-value then order.
fn from_accept_language(v: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in v.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(l) = Lang::parse(primary)
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map(|(_, l)| l)
}

/// Every string of the pages, in one language.
pub struct Text {
    pub app_name: &'static str,
    // Sign-in and frame.
    pub sign_in: &'static str,
    pub sign_in_intro: &'static str,
    pub token_label: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub bad_token: &'static str,
    pub wrong_role: &'static str,
    pub dashboard: &'static str,
    pub nothing_yet: &'static str,
    pub save: &'static str,
    pub error: &'static str,
    pub skip_to_content: &'static str,
    // Roles (dashboard titles).
    pub role_herder: &'static str,
    pub role_cooperative: &'static str,
    pub role_lab: &'static str,
    pub role_processor: &'static str,
    pub role_buyer: &'static str,
    pub role_regulator: &'static str,
    pub role_lender: &'static str,
    pub role_admin: &'static str,
    // Common table heads.
    pub date: &'static str,
    pub household: &'static str,
    pub households: &'static str,
    pub soum: &'static str,
    pub aimag: &'static str,
    pub colour: &'static str,
    pub grade: &'static str,
    pub net_kg: &'static str,
    pub gross_kg: &'static str,
    pub moisture_pct: &'static str,
    pub impurity_pct: &'static str,
    pub guard_hair_pct: &'static str,
    pub goats_combed: &'static str,
    pub amount: &'static str,
    pub status: &'static str,
    pub lot: &'static str,
    pub receipt: &'static str,
    pub members: &'static str,
    pub purpose: &'static str,
    pub until: &'static str,
    pub lender: &'static str,
    pub score: &'static str,
    pub share: &'static str,
    // Colours.
    pub colour_white: &'static str,
    pub colour_red: &'static str,
    pub colour_light_grey: &'static str,
    pub colour_grey: &'static str,
    pub colour_brown: &'static str,
    // Cooperative.
    pub intake: &'static str,
    pub record_intake: &'static str,
    pub intake_recorded: &'static str,
    pub pools: &'static str,
    pub make_pool: &'static str,
    pub pool_made: &'static str,
    pub auctions: &'static str,
    pub open_auction: &'static str,
    pub auction_opened: &'static str,
    pub auction_title: &'static str,
    pub price_rule: &'static str,
    pub first_price: &'static str,
    pub second_price: &'static str,
    pub closes_at: &'static str,
    pub reserve_mnt: &'static str,
    pub lots_to_sell: &'static str,
    pub close_auction: &'static str,
    pub auction_closed: &'static str,
    pub open: &'static str,
    pub closed: &'static str,
    pub sold_to: &'static str,
    pub unsold: &'static str,
    pub settle: &'static str,
    pub fee_mnt: &'static str,
    pub settled: &'static str,
    pub settlements: &'static str,
    pub paid_to_members: &'static str,
    pub no_members: &'static str,
    pub no_unsold_lots: &'static str,
    // Buyer.
    pub open_auctions: &'static str,
    pub your_bid: &'static str,
    pub place_bid: &'static str,
    pub bid_placed: &'static str,
    pub sealed_note: &'static str,
    pub reserve: &'static str,
    // Household.
    pub deliveries: &'static str,
    pub statements: &'static str,
    pub where_fibre_went: &'static str,
    pub alerts: &'static str,
    pub grants: &'static str,
    pub grant_access: &'static str,
    pub granted: &'static str,
    pub revoke: &'static str,
    pub revoked: &'static str,
    pub no_household: &'static str,
    // Lab.
    pub lab_results: &'static str,
    pub record_lab_result: &'static str,
    pub lab_recorded: &'static str,
    pub mean_diameter_um: &'static str,
    pub length_mm: &'static str,
    pub certificates: &'static str,
    pub credential: &'static str,
    pub valid: &'static str,
    // Processor / brand.
    pub stock: &'static str,
    pub garments: &'static str,
    pub passport: &'static str,
    pub mass_balance: &'static str,
    // Regulator.
    pub stocking_map: &'static str,
    pub stocking_ratio: &'static str,
    pub dzud_risk: &'static str,
    pub risk_class: &'static str,
    pub probability: &'static str,
    pub over_capacity: &'static str,
    pub sheep_units: &'static str,
    pub output: &'static str,
    pub no_data: &'static str,
    pub risk_names: [&'static str; 5],
    pub printable_table: &'static str,
    // Lender.
    pub consented_histories: &'static str,
    pub view_history: &'static str,
    // Passport.
    pub product_passport: &'static str,
    pub garment: &'static str,
    pub cashmere_lot: &'static str,
    pub mongolian_cashmere: &'static str,
    pub of_fibre: &'static str,
    pub composition: &'static str,
    pub fibre: &'static str,
    pub natural_colour: &'static str,
    pub origin: &'static str,
    pub combed_by: &'static str,
    pub in_aimags: &'static str,
    pub aimag_soum: &'static str,
    pub with_names: &'static str,
    pub named_by_consent: &'static str,
    pub pasture_dzud: &'static str,
    pub pasture_dzud_intro: &'static str,
    pub journey: &'static str,
    pub journey_long: &'static str,
    pub events_n: &'static str,
    pub and_more: &'static str,
    pub quality: &'static str,
    pub tested: &'static str,
    pub laboratory: &'static str,
    pub more_tests: &'static str,
    pub no_certificate: &'static str,
    pub certificate_by: &'static str,
    pub verified: &'static str,
    pub download_credential: &'static str,
    pub checked_now: &'static str,
    pub certified_share: &'static str,
    pub integrity: &'static str,
    pub log_entry: &'static str,
    pub inclusion_proof: &'static str,
    pub signed_checkpoint: &'static str,
    pub no_log_entry: &'static str,
    pub machine_readable: &'static str,
    pub all_links: &'static str,
    pub provenance_report: &'static str,
    pub qr_code: &'static str,
    pub step_combing: &'static str,
    pub step_cooperative: &'static str,
    pub step_lab: &'static str,
    pub step_dehairing: &'static str,
    pub step_spinning: &'static str,
    pub step_knitting: &'static str,
    /// Names of the fibre claims of a composition, by key.
    pub claims: &'static [(&'static str, &'static str)],
    pub share_of_fibre: &'static str,
    pub households_n: &'static str,
}

impl Text {
    pub fn step(&self, key: &str) -> &'static str {
        match key {
            "combing" => self.step_combing,
            "cooperative" => self.step_cooperative,
            "lab" => self.step_lab,
            "dehairing" => self.step_dehairing,
            "spinning" => self.step_spinning,
            _ => self.step_knitting,
        }
    }

    pub fn colour(&self, key: &str) -> &'static str {
        match key {
            "white" => self.colour_white,
            "red" => self.colour_red,
            "light-grey" | "light_grey" => self.colour_light_grey,
            "grey" => self.colour_grey,
            _ => self.colour_brown,
        }
    }

    /// A fibre claim's name; `fallback` (the data's English label) when the key is unknown.
    pub fn claim<'a>(&self, key: &str, fallback: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.claims
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap_or(fallback)
    }

    pub fn risk_name(&self, class: u8) -> &'static str {
        self.risk_names[usize::from(class.clamp(1, 5)) - 1]
    }
}

pub static EN: Text = Text {
    app_name: "nooluur",
    sign_in: "Sign in",
    sign_in_intro: "Sign in with your organisation's API token. The browser keeps only a session cookie, never the token.",
    token_label: "API token",
    sign_out: "Sign out",
    signed_in_as: "Signed in as",
    bad_token: "That token is not valid.",
    wrong_role: "This page is for another role.",
    dashboard: "Dashboard",
    nothing_yet: "Nothing yet.",
    save: "Save",
    error: "Error",
    skip_to_content: "Skip to content",
    role_herder: "Household",
    role_cooperative: "Cooperative",
    role_lab: "Laboratory and certification",
    role_processor: "Processor and brand",
    role_buyer: "Buyer",
    role_regulator: "Regulator",
    role_lender: "Lender",
    role_admin: "Administration",
    date: "Date",
    household: "Household",
    households: "Households",
    soum: "Soum",
    aimag: "Aimag",
    colour: "Colour",
    grade: "Grade",
    net_kg: "Net (kg)",
    gross_kg: "Gross weight (kg)",
    moisture_pct: "Moisture (%)",
    impurity_pct: "Impurity (%)",
    guard_hair_pct: "Guard hair (%)",
    goats_combed: "Goats combed (if no herd is recorded)",
    amount: "Amount",
    status: "Status",
    lot: "Lot",
    receipt: "Receipt",
    members: "Members",
    purpose: "Purpose",
    until: "Until",
    lender: "Lender",
    score: "Score",
    share: "Share",
    colour_white: "white",
    colour_red: "reddish",
    colour_light_grey: "light grey",
    colour_grey: "grey",
    colour_brown: "brown",
    intake: "Intake",
    record_intake: "Record an intake",
    intake_recorded: "Intake recorded, receipt",
    pools: "Lots",
    make_pool: "Pool intakes into a lot",
    pool_made: "Lot made",
    auctions: "Auctions",
    open_auction: "Open a sealed-bid auction",
    auction_opened: "Auction opened",
    auction_title: "Title",
    price_rule: "Price rule",
    first_price: "first price (winner pays its bid)",
    second_price: "second price (winner pays the second bid)",
    closes_at: "Closes at (Mongolian time)",
    reserve_mnt: "Reserve per lot (MNT)",
    lots_to_sell: "Lots to sell",
    close_auction: "Close and clear",
    auction_closed: "Auction closed",
    open: "open",
    closed: "closed",
    sold_to: "sold to",
    unsold: "unsold",
    settle: "Settle to members",
    fee_mnt: "Cooperative fee (MNT)",
    settled: "Settled",
    settlements: "Settlements",
    paid_to_members: "To members",
    no_members: "No members yet.",
    no_unsold_lots: "No lot is waiting for an auction.",
    open_auctions: "Open auctions",
    your_bid: "Your bid (MNT)",
    place_bid: "Place sealed bid",
    bid_placed: "Bid sealed; your commitment",
    sealed_note: "Bids stay sealed until the close: nobody, the seller included, sees a bid or a count before then.",
    reserve: "Reserve",
    deliveries: "Deliveries",
    statements: "Statements",
    where_fibre_went: "Where my fibre went",
    alerts: "Alerts",
    grants: "Access to my credit history",
    grant_access: "Grant access",
    granted: "Access granted",
    revoke: "Revoke",
    revoked: "Access revoked",
    no_household: "No household is registered to this organisation.",
    lab_results: "Results",
    record_lab_result: "Record a lab result",
    lab_recorded: "Result recorded and certificate issued",
    mean_diameter_um: "Mean fibre diameter (µm)",
    length_mm: "Length (mm)",
    certificates: "Certificates",
    credential: "Credential",
    valid: "valid",
    stock: "Stock",
    garments: "Garments",
    passport: "Passport",
    mass_balance: "Mass balance",
    stocking_map: "Stocking against carrying capacity",
    stocking_ratio: "Stocking ratio",
    dzud_risk: "Dzud risk",
    risk_class: "Risk class",
    probability: "P(mortality > 6 %)",
    over_capacity: "Over capacity",
    sheep_units: "Sheep units",
    output: "Output and certification",
    no_data: "no data",
    risk_names: ["very low", "low", "moderate", "high", "very high"],
    printable_table: "Printable table (CSV)",
    consented_histories: "Credit histories shared with you",
    view_history: "View history",
    product_passport: "Product passport",
    garment: "Cashmere garment",
    cashmere_lot: "Cashmere lot",
    mongolian_cashmere: "Mongolian cashmere",
    of_fibre: "kg of fibre",
    composition: "Fibre composition",
    fibre: "Fibre",
    natural_colour: "Natural colour",
    origin: "Origin",
    combed_by: "Herder households who combed the fibre",
    in_aimags: "Aimags",
    aimag_soum: "Aimag / soum",
    with_names: "with",
    named_by_consent: "Households are named only with their consent.",
    pasture_dzud: "Pasture and dzud",
    pasture_dzud_intro: "The origin soums' livestock against their pasture's carrying capacity, and the dzud outlook for the coming winter.",
    journey: "Journey",
    journey_long: "The journey is long: only its nearest part is shown.",
    events_n: "events",
    and_more: "and more",
    quality: "Quality and certificates",
    tested: "Tested",
    laboratory: "Laboratory",
    more_tests: "more tests",
    no_certificate: "No certificate has been issued for this product or its lots.",
    certificate_by: "certificate by",
    verified: "verified",
    download_credential: "download credential",
    checked_now: "Each certificate's signature and revocation status were checked by this server just now; download it to verify it yourself.",
    certified_share: "of the fibre comes from certified sources",
    integrity: "Integrity",
    log_entry: "This product's event is an entry of a public append-only log",
    inclusion_proof: "Inclusion proof",
    signed_checkpoint: "signed checkpoint",
    no_log_entry: "No log entry was found.",
    machine_readable: "Machine-readable passport (JSON-LD)",
    all_links: "all links",
    provenance_report: "provenance report",
    qr_code: "QR code",
    step_combing: "Combing",
    step_cooperative: "Cooperative",
    step_lab: "Laboratory",
    step_dehairing: "Scouring and dehairing",
    step_spinning: "Spinning and dyeing",
    step_knitting: "Knitting",
    claims: &[
        ("mongolian-cashmere", "Mongolian cashmere"),
        ("other-cashmere", "Other cashmere"),
        ("wool", "Wool"),
        ("yak", "Yak down"),
        ("camel", "Camel hair"),
        ("silk", "Silk"),
        ("synthetic", "Synthetic fibre"),
        ("other", "Other fibre"),
        ("unknown", "Unknown fibre"),
    ],
    share_of_fibre: "Share of the fibre",
    households_n: "herder households",
};

pub static MN: Text = Text {
    app_name: "ноолуур",
    sign_in: "Нэвтрэх",
    sign_in_intro: "Байгууллагынхаа API токеноор нэвтэрнэ үү. Хөтөч зөвхөн сешн күүки хадгална, токеныг хадгалахгүй.",
    token_label: "API токен",
    sign_out: "Гарах",
    signed_in_as: "Нэвтэрсэн",
    bad_token: "Токен хүчингүй байна.",
    wrong_role: "Энэ хуудас өөр үүрэгтэй байгууллагад зориулагдсан.",
    dashboard: "Хянах самбар",
    nothing_yet: "Одоогоор байхгүй.",
    save: "Хадгалах",
    error: "Алдаа",
    skip_to_content: "Агуулга руу шилжих",
    role_herder: "Өрх",
    role_cooperative: "Хоршоо",
    role_lab: "Лаборатори ба баталгаажуулалт",
    role_processor: "Боловсруулагч ба брэнд",
    role_buyer: "Худалдан авагч",
    role_regulator: "Зохицуулагч",
    role_lender: "Зээлдүүлэгч",
    role_admin: "Удирдлага",
    date: "Огноо",
    household: "Өрх",
    households: "Өрх",
    soum: "Сум",
    aimag: "Аймаг",
    colour: "Өнгө",
    grade: "Зэрэг",
    net_kg: "Цэвэр жин (кг)",
    gross_kg: "Бохир жин (кг)",
    moisture_pct: "Чийг (%)",
    impurity_pct: "Хольц (%)",
    guard_hair_pct: "Хялгас (%)",
    goats_combed: "Самнасан ямаа (сүрэг бүртгэгдээгүй бол)",
    amount: "Дүн",
    status: "Төлөв",
    lot: "Багц",
    receipt: "Баримт",
    members: "Гишүүд",
    purpose: "Зорилго",
    until: "Хүртэл",
    lender: "Зээлдүүлэгч",
    score: "Оноо",
    share: "Хувь",
    colour_white: "цагаан",
    colour_red: "улаан",
    colour_light_grey: "цайвар саарал",
    colour_grey: "саарал",
    colour_brown: "бор",
    intake: "Хүлээн авалт",
    record_intake: "Ноолуур хүлээн авах",
    intake_recorded: "Хүлээн авалт бүртгэгдлээ, баримт",
    pools: "Багцууд",
    make_pool: "Хүлээн авалтуудыг багц болгох",
    pool_made: "Багц үүслээ",
    auctions: "Дуудлага худалдаа",
    open_auction: "Битүүмжилсэн саналтай дуудлага худалдаа нээх",
    auction_opened: "Дуудлага худалдаа нээгдлээ",
    auction_title: "Гарчиг",
    price_rule: "Үнийн дүрэм",
    first_price: "нэгдүгээр үнэ (ялагч өөрийн саналаар төлнө)",
    second_price: "хоёрдугаар үнэ (ялагч дараагийн саналаар төлнө)",
    closes_at: "Хаагдах хугацаа (Монголын цаг)",
    reserve_mnt: "Багц бүрийн доод үнэ (₮)",
    lots_to_sell: "Зарах багцууд",
    close_auction: "Хааж, дүн гаргах",
    auction_closed: "Дуудлага худалдаа хаагдлаа",
    open: "нээлттэй",
    closed: "хаагдсан",
    sold_to: "худалдан авагч",
    unsold: "зарагдаагүй",
    settle: "Гишүүдэд тооцоо хийх",
    fee_mnt: "Хоршооны шимтгэл (₮)",
    settled: "Тооцоо хийгдлээ",
    settlements: "Тооцоо",
    paid_to_members: "Гишүүдэд",
    no_members: "Гишүүн алга.",
    no_unsold_lots: "Дуудлага худалдаанд орох багц алга.",
    open_auctions: "Нээлттэй дуудлага худалдаа",
    your_bid: "Таны санал (₮)",
    place_bid: "Битүүмжилсэн санал өгөх",
    bid_placed: "Санал битүүмжлэгдлээ; таны баталгаа",
    sealed_note: "Саналууд хаагдах хүртэл битүүмжлэгдэнэ: хэн ч, худалдагч ч санал болон тоог харахгүй.",
    reserve: "Доод үнэ",
    deliveries: "Тушаасан ноолуур",
    statements: "Тооцооны хуудас",
    where_fibre_went: "Миний ноолуур хаашаа явсан бэ",
    alerts: "Сэрэмжлүүлэг",
    grants: "Зээлийн түүхээ үзэх эрх",
    grant_access: "Эрх олгох",
    granted: "Эрх олголоо",
    revoke: "Цуцлах",
    revoked: "Эрх цуцлагдлаа",
    no_household: "Энэ байгууллагад бүртгэлтэй өрх алга.",
    lab_results: "Шинжилгээний дүн",
    record_lab_result: "Шинжилгээний дүн бүртгэх",
    lab_recorded: "Дүн бүртгэгдэж, гэрчилгээ олгогдлоо",
    mean_diameter_um: "Ширхэгийн дундаж диаметр (мкм)",
    length_mm: "Урт (мм)",
    certificates: "Гэрчилгээ",
    credential: "Гэрчилгээ",
    valid: "хүчинтэй",
    stock: "Нөөц",
    garments: "Бүтээгдэхүүн",
    passport: "Паспорт",
    mass_balance: "Массын тэнцэл",
    stocking_map: "Малын тоо ба бэлчээрийн даац",
    stocking_ratio: "Даацын харьцаа",
    dzud_risk: "Зудын эрсдэл",
    risk_class: "Эрсдэлийн зэрэг",
    probability: "Хорогдол > 6 % байх магадлал",
    over_capacity: "Даацаас хэтэрсэн",
    sheep_units: "Хонин толгой",
    output: "Үйлдвэрлэл ба баталгаажуулалт",
    no_data: "мэдээлэлгүй",
    risk_names: ["маш бага", "бага", "дунд", "өндөр", "маш өндөр"],
    printable_table: "Хэвлэх хүснэгт (CSV)",
    consented_histories: "Танд нээлттэй зээлийн түүх",
    view_history: "Түүх үзэх",
    product_passport: "Бүтээгдэхүүний паспорт",
    garment: "Ноолууран бүтээгдэхүүн",
    cashmere_lot: "Ноолуурын багц",
    mongolian_cashmere: "Монгол ноолуур",
    of_fibre: "кг ширхэг",
    composition: "Ширхэгийн найрлага",
    fibre: "Ширхэг",
    natural_colour: "Байгалийн өнгө",
    origin: "Гарал үүсэл",
    combed_by: "Ноолуур самнасан малчин өрх",
    in_aimags: "Аймаг",
    aimag_soum: "Аймаг / сум",
    with_names: "үүнд",
    named_by_consent: "Өрхийн нэрийг зөвхөн зөвшөөрлөөр нь харуулна.",
    pasture_dzud: "Бэлчээр ба зуд",
    pasture_dzud_intro: "Гарал үүслийн сумдын мал бэлчээрийн даацтай харьцуулахад, мөн ирэх өвлийн зудын төлөв.",
    journey: "Аялал",
    journey_long: "Аялал урт тул зөвхөн ойрын хэсгийг харуулав.",
    events_n: "үйл явдал",
    and_more: "болон бусад",
    quality: "Чанар ба гэрчилгээ",
    tested: "Шинжилсэн",
    laboratory: "Лаборатори",
    more_tests: "бусад шинжилгээ",
    no_certificate: "Энэ бүтээгдэхүүн, багцад гэрчилгээ олгогдоогүй.",
    certificate_by: "гэрчилгээ, олгосон",
    verified: "баталгаажсан",
    download_credential: "гэрчилгээ татах",
    checked_now: "Гэрчилгээ бүрийн гарын үсэг, хүчингүй болсон эсэхийг сервер дөнгөж сая шалгав; татаж аваад өөрөө шалгаж болно.",
    certified_share: "нь баталгаажсан эх үүсвэрээс",
    integrity: "Бүрэн бүтэн байдал",
    log_entry: "Энэ бүтээгдэхүүний үйл явдал нийтийн, зөвхөн нэмэгддэг бүртгэлд орсон",
    inclusion_proof: "Оролцооны баталгаа",
    signed_checkpoint: "гарын үсэгтэй шалган нягтлах цэг",
    no_log_entry: "Бүртгэлд олдсонгүй.",
    machine_readable: "Машинд уншигдах паспорт (JSON-LD)",
    all_links: "бүх холбоос",
    provenance_report: "гарал үүслийн тайлан",
    qr_code: "QR код",
    step_combing: "Самнах",
    step_cooperative: "Хоршоо",
    step_lab: "Лаборатори",
    step_dehairing: "Угаах, самнах",
    step_spinning: "Ээрэх, будах",
    step_knitting: "Нэхэх",
    claims: &[
        ("mongolian-cashmere", "Монгол ноолуур"),
        ("other-cashmere", "Бусад ноолуур"),
        ("wool", "Ноос"),
        ("yak", "Сарлагийн хөөвөр"),
        ("camel", "Тэмээний ноос"),
        ("silk", "Торго"),
        ("synthetic", "Нийлэг ширхэг"),
        ("other", "Бусад ширхэг"),
        ("unknown", "Тодорхойгүй ширхэг"),
    ],
    share_of_fibre: "Ширхэгийн эзлэх хувь",
    households_n: "малчин өрх",
};

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn accept_language() {
        assert_eq!(
            from_accept_language("mn-MN,mn;q=0.9,en;q=0.8"),
            Some(Lang::Mn)
        );
        assert_eq!(
            from_accept_language("it-IT,en;q=0.5,mn;q=0.4"),
            Some(Lang::En)
        );
        assert_eq!(from_accept_language("fr"), None);
        assert_eq!(from_accept_language("en;q=0, mn"), Some(Lang::Mn));
    }

    #[test]
    fn cookie_beats_header() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en"));
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=mn"));
        assert_eq!(Lang::of(&h), Lang::Mn);
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(Lang::En.int(1_234_567), "1,234,567");
        assert_eq!(Lang::Mn.mnt(-5000), "₮ -5,000");
        assert_eq!(Lang::En.dec("12.500"), "12.5");
        assert_eq!(Lang::En.dec("1234.000"), "1,234");
        assert_eq!(Lang::En.date("2026-12-03T10:00:00Z"), "3 Dec 2026");
        assert_eq!(Lang::Mn.date("2026-12-03"), "2026.12.03");
        assert_eq!(Lang::Mn.date("soon"), "soon");
    }

    #[test]
    fn mongolian_is_cyrillic() {
        // A Mongolian string left in English is a translation gap.
        for (en, mn) in [(EN.composition, MN.composition), (EN.sign_in, MN.sign_in)] {
            assert_ne!(en, mn);
            assert!(mn.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)));
        }
    }
}
