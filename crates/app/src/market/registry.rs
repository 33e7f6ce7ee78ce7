//! The registry: reference tables of aimags and soums (from the `mongolia` crate), herder
//! households with their herds, and cooperatives' memberships. A household's identifier is a
//! private URI (`https://id.nooluur.org/household/18101-00042`: its soum's NSO code and a
//! number) that the events of the cashmere profile use in `cm:household` and source lists;
//! [`masterdata`] gives the EPCIS 2.0 master data of the parties and places a document names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{OrgId, RecordFilter, Role};

use super::{ID_BASE, Kind, bad, list, need, new_record, write};
use crate::auth::Principal;
use crate::{App, AppError, Result};

/// What a household allows to be shown or shared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Consent {
    /// Its name may appear on product passports (otherwise only soum and aimag do).
    pub public_name: bool,
    /// Its statements may be summarised in public statistics (never line by line).
    pub statistics: bool,
}

/// A herder household as registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    /// `SOUM-NNNNN`.
    pub id: String,
    /// The identifier events use.
    pub uri: String,
    pub name: String,
    /// NSO soum code, 5 digits.
    pub soum: String,
    /// 2-digit NSO aimag code.
    pub aimag: String,
    /// The bag (smallest administrative unit) as written by the registrar.
    pub bag: String,
    /// People in the household.
    pub members: u32,
    pub consent: Consent,
    /// The household's own organisation (role herder), when it has a login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<i64>,
    /// The organisation that registered it.
    pub registered_by: i64,
}

impl Kind for Household {
    const KIND: &'static str = "household";
    const WHAT: &'static str = "household";
}

/// A registration request (`POST /households`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewHousehold {
    pub name: String,
    pub soum: String,
    #[serde(default)]
    pub bag: String,
    #[serde(default = "one")]
    pub members: u32,
    #[serde(default)]
    pub consent: Consent,
    /// Name of the household's own organisation (role herder), if it has one.
    #[serde(default)]
    pub org: Option<String>,
}

fn one() -> u32 {
    1
}

/// Head of livestock by species in one year (the December census count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Head {
    pub horse: u64,
    pub cattle: u64,
    pub camel: u64,
    pub sheep: u64,
    pub goat: u64,
}

impl Head {
    /// Sheep units in tenths (horse 7, cattle 6, camel 5, sheep 1, goat 0.9): exact integers.
    pub fn sheep_unit_tenths(&self) -> u64 {
        self.horse * 70 + self.cattle * 60 + self.camel * 50 + self.sheep * 10 + self.goat * 9
    }
}

/// Tenths as a decimal string (`1234` → `"123.4"`).
pub fn tenths(t: u64) -> String {
    format!("{}.{}", t / 10, t % 10)
}

/// A household's herd in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Herd {
    pub household: String,
    pub year: i32,
    pub head: Head,
    /// Sheep units, decimal string with one place.
    pub sheep_units: String,
    pub recorded_by: i64,
}

impl Kind for Herd {
    const KIND: &'static str = "herd";
    const WHAT: &'static str = "herd";
}

/// A household's membership of a cooperative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub cooperative: i64,
    pub household: String,
    pub joined: chrono::NaiveDate,
}

impl Kind for Membership {
    const KIND: &'static str = "membership";
    const WHAT: &'static str = "membership";
}

/// The household URI of an id.
pub fn household_uri(id: &str) -> String {
    format!("{ID_BASE}/household/{id}")
}

/// The soum URI events use as a combing's business location.
pub fn soum_uri(code: &str) -> String {
    format!("{ID_BASE}/soum/{code}")
}

/// A household id from its id or URI.
pub fn household_key(id_or_uri: &str) -> &str {
    id_or_uri
        .strip_prefix(&format!("{ID_BASE}/household/"))
        .unwrap_or(id_or_uri)
}

fn soum_of(code: &str) -> Result<&'static mongolia::Soum> {
    code.parse::<u32>()
        .ok()
        .filter(|_| code.len() == 5)
        .and_then(mongolia::soum)
        .ok_or_else(|| {
            bad(
                "soum",
                format!("'{code}' is not an NSO soum code (5 digits, e.g. 18101)"),
            )
        })
}

/// The 21 aimags and Ulaanbaatar, with their soums' count.
pub fn aimags() -> Value {
    Value::Array(mongolia::aimags().iter().map(aimag_json).collect())
}

fn aimag_json(a: &mongolia::Aimag) -> Value {
    json!({
        "code": format!("{:02}", a.code),
        "nso_code": a.nso_code,
        "iso_3166_2": a.iso_3166_2,
        "region": a.region,
        "name_en": a.name_en,
        "name_mn": a.name_mn,
        "centre": {"name_en": a.centre_en, "lat": a.centre_lat, "lon": a.centre_lon},
        "soums": a.soums().count(),
    })
}

/// One aimag and its soums.
pub fn aimag(code: &str) -> Result<Value> {
    let a = code
        .parse::<u8>()
        .ok()
        .and_then(mongolia::aimag)
        .ok_or_else(|| AppError::not_found("aimag", code))?;
    let mut v = aimag_json(a);
    v["soum_list"] = a.soums().map(soum_json).collect();
    Ok(v)
}

fn soum_json(s: &mongolia::Soum) -> Value {
    json!({
        "code": s.code_str(),
        "@id": soum_uri(&s.code_str()),
        "aimag": format!("{:02}", s.aimag_code),
        "name_en": s.name_en,
        "name_mn": s.name_mn,
        "herder_households": {"2019": s.herder_households_2019, "2020": s.herder_households_2020},
        "livestock": {"2019": s.livestock_2019, "2020": s.livestock_2020},
        "goats_estimated_2019": s.goats_estimated_2019,
    })
}

/// One soum (the resolvable form of `https://id.nooluur.org/soum/CODE`).
pub fn soum(code: &str) -> Result<Value> {
    let s = soum_of(code).map_err(|_| AppError::not_found("soum", code))?;
    let mut v = soum_json(s);
    if let Some(a) = s.aimag() {
        v["aimag_name_en"] = a.name_en.into();
        v["aimag_name_mn"] = a.name_mn.into();
    }
    Ok(v)
}

/// Soums, all or of one aimag.
pub fn soums(aimag: Option<&str>) -> Result<Value> {
    let filter = match aimag {
        Some(a) => Some(
            a.parse::<u8>()
                .ok()
                .filter(|c| mongolia::aimag(*c).is_some())
                .ok_or_else(|| {
                    AppError::QueryParameter(format!("aimag '{a}' is not an aimag code"))
                })?,
        ),
        None => None,
    };
    Ok(mongolia::soums()
        .iter()
        .filter(|s| filter.is_none_or(|a| s.aimag_code == a))
        .map(soum_json)
        .collect())
}

/// Registers a household (cooperatives register their members; an admin anyone).
pub async fn register(app: &App, who: &Principal, req: NewHousehold) -> Result<Household> {
    super::require_role(
        who,
        &[Role::Cooperative, Role::Admin],
        "register households",
    )?;
    let name = req.name.trim();
    if name.is_empty() {
        return Err(bad("name", "a household needs a name"));
    }
    let soum = soum_of(req.soum.trim())?;
    if req.members == 0 {
        return Err(bad("members", "a household has at least one member"));
    }
    let org = match &req.org {
        Some(n) => {
            let o = crate::orgs::by_name(app, n).await?;
            if o.role != Role::Herder {
                return Err(bad(
                    "org",
                    format!(
                        "organisation '{n}' has role '{}', not herder",
                        o.role.as_str()
                    ),
                ));
            }
            Some(o.id.0)
        }
        None => None,
    };
    let code = soum.code_str();
    // Numbers are handed out per soum; two registrars racing retry with the next one.
    for _ in 0..5 {
        let n = list::<Household>(app, &RecordFilter::parent(code.clone()))
            .await?
            .len()
            + 1;
        let id = format!("{code}-{n:05}");
        let h = Household {
            uri: household_uri(&id),
            id: id.clone(),
            name: name.to_owned(),
            soum: code.clone(),
            aimag: format!("{:02}", soum.aimag_code),
            bag: req.bag.trim().to_owned(),
            members: req.members,
            consent: req.consent.clone(),
            org,
            registered_by: who.id().0,
        };
        let mut recs = vec![new_record(&id, Some(&code), Some(who.id()), &h)?];
        if let Some(o) = org {
            // Lets the herder's own organisation find its households without a scan.
            recs.push(new_record(
                &id,
                None,
                Some(OrgId(o)),
                &HerderLink {
                    household: id.clone(),
                },
            )?);
        }
        match write(app, recs, vec![]).await {
            Ok(()) => {
                // The registering cooperative takes the household in as a member.
                if who.org.role == Role::Cooperative {
                    join(app, who, &id).await?;
                }
                return Ok(h);
            }
            Err(AppError::Refused {
                reason: "duplicate",
                ..
            }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(AppError::Refused {
        reason: "conflict",
        detail: format!("could not number a new household in soum {code}; try again"),
    })
}

/// The link from a herder organisation to a household it speaks for.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct HerderLink {
    household: String,
}

impl Kind for HerderLink {
    const KIND: &'static str = "herder-household";
    const WHAT: &'static str = "household of a herder organisation";
}

/// The households a herder organisation speaks for.
pub async fn households_of(app: &App, who: &Principal) -> Result<Vec<Household>> {
    let mut out = Vec::new();
    for l in list::<HerderLink>(app, &RecordFilter::owner(who.id())).await? {
        out.push(household(app, &l.value.household).await?);
    }
    Ok(out)
}

/// A household, with its herds by year.
pub async fn household(app: &App, id: &str) -> Result<Household> {
    Ok(need::<Household>(app, household_key(id)).await?.value)
}

/// The registered households among `ids` (identifiers or URIs), in their order; the others
/// are left out.
pub async fn households(app: &App, ids: &[&str]) -> Result<Vec<Household>> {
    let keys: Vec<String> = ids.iter().map(|id| household_key(id).to_owned()).collect();
    Ok(super::get_many::<Household>(app, &keys)
        .await?
        .into_iter()
        .map(|v| v.value)
        .collect())
}

/// Whether the principal may see or change a household's records: the household's own
/// organisation, a cooperative it belongs to, an admin or a regulator.
pub async fn may_manage(app: &App, who: &Principal, h: &Household) -> Result<bool> {
    if matches!(who.org.role, Role::Admin | Role::Regulator) || h.org == Some(who.id().0) {
        return Ok(true);
    }
    is_member(app, who.id().0, &h.id).await
}

pub async fn is_member(app: &App, coop: i64, household: &str) -> Result<bool> {
    Ok(
        super::get::<Membership>(app, &format!("{coop}/{household}"))
            .await?
            .is_some(),
    )
}

/// The household's public master data: identifier, soum and aimag, herds; its name only with
/// its consent (or to those who manage it).
pub async fn household_view(app: &App, who: Option<&Principal>, id: &str) -> Result<Value> {
    let h = household(app, id).await?;
    let manages = match who {
        Some(p) => may_manage(app, p, &h).await?,
        None => false,
    };
    let herds = herds(app, &h.id).await?;
    let mut v = json!({
        "@id": h.uri,
        "id": h.id,
        "soum": soum(&h.soum)?,
        "aimag": h.aimag,
        "bag": h.bag,
        "herds": herds,
    });
    if manages || h.consent.public_name {
        v["name"] = h.name.clone().into();
    }
    if manages {
        v["members"] = h.members.into();
        v["consent"] = serde_json::to_value(&h.consent).unwrap_or_default();
    }
    Ok(v)
}

/// A herd count request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HerdIn {
    pub year: i32,
    #[serde(flatten)]
    pub head: Head,
}

/// Records (or replaces, by a new version) a household's herd of a year.
pub async fn record_herd(app: &App, who: &Principal, id: &str, req: HerdIn) -> Result<Herd> {
    let h = household(app, id).await?;
    if !may_manage(app, who, &h).await? || who.org.role == Role::Regulator {
        return Err(AppError::Forbidden(format!(
            "organisation '{}' does not manage household {}",
            who.org.name, h.id
        )));
    }
    if !(1990..=2100).contains(&req.year) {
        return Err(bad("year", format!("{} is not a census year", req.year)));
    }
    let herd = Herd {
        household: h.id.clone(),
        year: req.year,
        head: req.head,
        sheep_units: tenths(req.head.sheep_unit_tenths()),
        recorded_by: who.id().0,
    };
    let key = format!("{}/{}", h.id, req.year);
    match super::get::<Herd>(app, &key).await? {
        Some(mut old) => {
            old.value = herd.clone();
            write(app, vec![], vec![super::update_record(&key, &old)?]).await?
        }
        None => {
            write(
                app,
                vec![new_record(&key, Some(&h.id), Some(who.id()), &herd)?],
                vec![],
            )
            .await?
        }
    }
    Ok(herd)
}

pub async fn herds(app: &App, household: &str) -> Result<Vec<Herd>> {
    let mut v: Vec<Herd> = list::<Herd>(app, &RecordFilter::parent(household))
        .await?
        .into_iter()
        .map(|r| r.value)
        .collect();
    v.sort_by_key(|h| h.year);
    Ok(v)
}

/// Goats in the household's herd of `year` (or the latest year before it).
pub async fn goats(app: &App, household: &str, year: i32) -> Result<Option<u64>> {
    Ok(herds(app, household)
        .await?
        .into_iter()
        .rfind(|h| h.year <= year)
        .map(|h| h.head.goat))
}

/// The principal's cooperative takes a household in.
pub async fn join(app: &App, who: &Principal, household_id: &str) -> Result<Membership> {
    super::require_role(who, &[Role::Cooperative], "take in members")?;
    let h = household(app, household_id).await?;
    let m = Membership {
        cooperative: who.id().0,
        household: h.id.clone(),
        joined: super::today(app),
    };
    let key = format!("{}/{}", who.id().0, h.id);
    if super::get::<Membership>(app, &key).await?.is_some() {
        return Ok(m);
    }
    write(
        app,
        vec![new_record(
            &key,
            Some(&who.id().0.to_string()),
            Some(who.id()),
            &m,
        )?],
        vec![],
    )
    .await?;
    Ok(m)
}

/// A cooperative's members (to the cooperative itself, admins and regulators).
pub async fn members(app: &App, who: &Principal, coop: i64) -> Result<Vec<Household>> {
    if who.id().0 != coop && !matches!(who.org.role, Role::Admin | Role::Regulator) {
        return Err(AppError::Forbidden(format!(
            "organisation '{}' may not list another cooperative's members",
            who.org.name
        )));
    }
    let mut out = Vec::new();
    for m in list::<Membership>(app, &RecordFilter::parent(coop.to_string())).await? {
        out.push(household(app, &m.value.household).await?);
    }
    Ok(out)
}

/// The EPCIS 2.0 master data (`epcisHeader.epcisMasterData`) of the households, soums and
/// organisations a document names: soums as business locations, parties as source/destination
/// vocabulary, with CBV master data attributes (`urn:epcglobal:cbv:mda#name`, …).
pub fn masterdata(households: &[&Household], orgs: &[&store::Org]) -> Value {
    let mda = |name: &str, v: Value| json!({"id": format!("urn:epcglobal:cbv:mda#{name}"), "attribute": v});
    let mut soums: BTreeMap<String, Value> = BTreeMap::new();
    for h in households {
        if let Ok(s) = soum_of(&h.soum) {
            let mut attrs = vec![
                mda("name", s.name_en.into()),
                mda("countryCode", "MN".into()),
            ];
            attrs.push(json!({"id": format!("{}soum", provenance::NS), "attribute": s.code_str()}));
            if let Some(a) = s.aimag() {
                attrs.push(mda("state", a.name_en.into()));
            }
            soums.insert(
                soum_uri(&s.code_str()),
                json!({"id": soum_uri(&s.code_str()), "attributes": attrs}),
            );
        }
    }
    let mut parties: Vec<Value> = households
        .iter()
        .map(|h| {
            let mut attrs = vec![
                json!({"id": format!("{}soum", provenance::NS), "attribute": h.soum}),
                mda("countryCode", "MN".into()),
            ];
            if h.consent.public_name {
                attrs.insert(0, mda("name", h.name.clone().into()));
            }
            json!({"id": h.uri, "attributes": attrs})
        })
        .collect();
    parties.extend(orgs.iter().map(
        |o| json!({"id": super::party_id(o), "attributes": [mda("name", o.name.clone().into())]}),
    ));
    json!({"vocabularyList": [
        {"type": "urn:epcglobal:epcis:vtype:BusinessLocation",
         "vocabularyElementList": soums.into_values().collect::<Vec<_>>()},
        {"type": "urn:epcglobal:epcis:vtype:SourceDest", "vocabularyElementList": parties},
    ]})
}
